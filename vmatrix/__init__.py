"""vmatrix: code French interview transcripts by value form, from the command line."""

__version__ = "0.1.0"
