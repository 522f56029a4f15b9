"""vmatrix's own exceptions.

Every message says what went wrong, where (file, row) and what to do, in words a
researcher understands. The command line turns them into ``Error: ...`` and exit
status 1 (see :mod:`vmatrix.cli`); from Python they are ordinary exceptions.
"""

from __future__ import annotations


class VmatrixError(Exception):
    """Base class: a problem with the user's input or corpus, not a bug."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class InputFileError(VmatrixError):
    """A transcript, sheet or metadata file cannot be used as it is."""


class BadInputFiles(VmatrixError):
    """One or more input files were refused; ``details`` holds one line per file."""


class CorpusError(VmatrixError):
    """The corpus file is missing, locked, corrupt or from a newer vmatrix."""


class UnknownDocument(VmatrixError):
    """A document id that the corpus does not hold."""


class UnknownCode(VmatrixError):
    """A value form or facet code that the codebook does not define."""


class CodebookError(VmatrixError):
    """The codebook or a lexicon file is malformed."""


class SheetError(VmatrixError):
    """A coding sheet cannot be read or failed validation."""


class UsageError(VmatrixError):
    """Options that do not make sense together."""


class NothingToShow(VmatrixError):
    """The selection holds nothing to draw or report: say why rather than make an empty file."""
