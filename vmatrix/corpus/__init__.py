"""The corpus: one SQLite file holding documents, segments, parses, codes and suggestions.

In: what the stages hand it to store. Out: documents, segments and codes read back, and
codes kept anchored to their quotes when a transcript changes. Imports no other stage.
"""
