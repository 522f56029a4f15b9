"""Rendering: tables to the terminal, CSV, JSON, Markdown, LaTeX or a spreadsheet.

In: :class:`vmatrix.table.Table` values. Out: text on stdout or a file written
atomically.
"""
