"""Where the bundled lexicons and examples live.

In a wheel they are packaged inside ``vmatrix/`` (``_lexicons``, ``_examples``); in a
source checkout or an editable install they are the top-level ``lexicons/`` and
``examples/`` folders next to the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / f"_{name}"
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def lexicons_dir() -> Path:
    """Folder holding ``codebook.toml`` and the per-language lexicons."""
    return _bundled("lexicons")


def examples_dir() -> Path:
    """Folder holding the example transcripts, metadata and coding sheets."""
    return _bundled("examples")
