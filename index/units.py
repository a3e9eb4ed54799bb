"""Moved to :mod:`index.vocab.units`; kept while ``index.ingest.deadlines`` imports it from here."""

from index.vocab.units import names_unit, strip_numbering

__all__ = ["names_unit", "strip_numbering"]
