"""The Vietnamese vocabulary of the documents, each pattern named once (dates and periods in dates.py)."""
