"""The answer-evaluation harness (scripts/eval_answers.py): fitting, cross-validation and the report."""
