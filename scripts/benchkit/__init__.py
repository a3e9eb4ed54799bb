"""Benchmark tooling: synthetic corpora, the tutorial baseline stack and the measurements.

Not used at run time by the bot; `scripts/bench.py` drives it and a smoke test checks it runs.
"""
