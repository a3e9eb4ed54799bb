"""The Vietnamese vocabulary of the documents and of the questions asked about them.

Each pattern is defined and named once, here, and every reader imports it: units (``units``), the
words a question asks with (``cues``), enumerations and ordinals (``ordinals``), figures, sums and
clock times in a passage (``figures``), a place (``places``), the signature block (``signature``),
stopwords and abbreviations (``words``), the section path separator (``sections``), and the date and
period grammar (``dates``), which both the deadlines and the answer code read.
"""
