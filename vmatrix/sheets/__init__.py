"""Coding sheets: the researcher's codes in, checked and stored (``validate``, ``agree``).

In: CSV or XLSX coding sheets. Out: findings (misspelled codes, quotes that no longer
match), anchored codes stored in the corpus, and agreement between coders.
"""
