"""Where a peer's selection lies in vmatrix's stored text, whatever the peer counted.

The standard counts code points of the source file as written, the first being 0, the
end exclusive. Peers drift from it in known ways: NVivo counts characters outside the
Basic Multilingual Plane (emoji) as two (UTF-16 units), ATLAS.ti writes CRLF line ends but
counts each line break once, and a writer may count the byte-order mark. A selection's
``name`` usually holds its text (QualCoder: in full; ATLAS.ti: cut short with "…";
qualitative-coding: ``line:N``), which tells these readings apart: for each document the
reading under which the most names match is chosen, the standard one unless another does
strictly better. A different reading is reported, never applied silently, and so is every
selection whose name still does not match.

Stored text is the source's text normalised once (:func:`vmatrix.textnorm.normalise_stored`:
no BOM, ``\\n`` line ends, NFC); positions are carried over that normalisation exactly.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from vmatrix.corpus.anchor import Finder
from vmatrix.textnorm import fold, normalise_stored, one_paragraph

STANDARD = "code points"
_LINE = re.compile(r"^\s*line\s*:?\s*(\d+)\s*$", re.IGNORECASE)
_ELLIPSIS = ("…", "...")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # outside the BMP: two UTF-16 units


@dataclass
class Reading:
    """One way of counting positions in a document."""

    name: str  # how a report says it
    utf16: bool = False
    lines_once: bool = False  # CRLF counted as one
    bom: bool = False  # the byte-order mark counted


READINGS = (
    Reading(STANDARD),
    Reading("UTF-16 units (emoji counted twice, as NVivo does)", utf16=True),
    Reading("line breaks counted once in a CRLF file (as ATLAS.ti does)", lines_once=True),
    Reading("UTF-16 units and line breaks counted once", utf16=True, lines_once=True),
    Reading("the byte-order mark counted", bom=True),
    Reading("the byte-order mark counted, in UTF-16 units", utf16=True, bom=True),
)


@dataclass
class Placed:
    """A selection placed in the stored text."""

    start: int
    end: int
    name_matches: bool | None  # None: the name says nothing to check (absent, or not text)


@dataclass
class DocumentPositions:
    reading: Reading
    placed: list[Placed | None]  # None: outside the text under the chosen reading
    checked: int  # selections whose name could be checked


class SourceText:
    """A source's text as the peer wrote it, and the stored text it becomes."""

    def __init__(self, raw: str, *, had_bom: bool) -> None:
        self.raw = raw.removeprefix("\ufeff")
        self.had_bom = had_bom or raw.startswith("\ufeff")
        self.stored = normalise_stored(self.raw)
        self._crlf = [m.start() for m in re.finditer("\r\n", self.raw)]
        self._nfc = unicodedata.is_normalized("NFC", self.raw.replace("\r\n", "\n"))
        self._bases: dict[bool, str] = {}

    def readings(self) -> list[Reading]:
        """The readings that differ on this text."""
        astral = _ASTRAL.search(self.raw) is not None
        return [
            r
            for r in READINGS
            if (astral or not r.utf16) and (self._crlf or not r.lines_once) and (self.had_bom or not r.bom)
        ]

    def converter(self, reading: Reading) -> Callable[[int], int | None]:
        """Peer position -> index into ``raw`` (None when outside it)."""
        base = self._base(reading.lines_once)
        astral: list[int] = []
        if reading.utf16:
            offset = 0
            for i, c in enumerate(base):
                if ord(c) > 0xFFFF:
                    astral.append(i + offset)
                    offset += 1
        length16 = len(base) + len(astral)
        crlf_lf = [p - i for i, p in enumerate(self._crlf)]  # where each removed \r was, in LF text

        def convert(position: int) -> int | None:
            p = position - (1 if reading.bom else 0)
            if reading.utf16:
                if not 0 <= p <= length16:
                    return None
                p -= bisect.bisect_left(astral, p)
            if not 0 <= p <= len(base):
                return None
            if reading.lines_once:
                p += bisect.bisect_left(crlf_lf, p)
            return p

        return convert

    def _base(self, lines_once: bool) -> str:
        if lines_once not in self._bases:
            self._bases[lines_once] = self.raw.replace("\r\n", "\n") if lines_once else self.raw
        return self._bases[lines_once]

    def to_stored(self, index: int) -> int:
        """An index into ``raw`` as an index into the stored text."""
        fixed = index - bisect.bisect_left(self._crlf, index)
        if self._nfc:
            return fixed
        prefix = self.raw[:index].replace("\r\n", "\n")
        return len(normalise_stored(prefix)) if prefix else 0


def place(text: SourceText, spans: list[tuple[int, int, str | None]]) -> DocumentPositions:
    """Choose the reading of a document's selections (start, end, name) and place them."""
    best: tuple[int, int, Reading, list[tuple[int, int, bool | None] | None]] | None = None
    for reading in text.readings():
        convert = text.converter(reading)
        found: list[tuple[int, int, bool | None] | None] = []
        matches = checked = 0
        for start, end, name in spans:
            a, b = convert(start), convert(end)
            if a is None or b is None or a > b:
                found.append(None)
                continue
            score = name_score(name, text.raw, a, b)
            if score is not None:
                checked += 1
                matches += score
            found.append((a, b, None if score is None else score > 0))
        if best is None or matches > best[0]:
            best = (matches, checked, reading, found)
    assert best is not None
    placed = [
        None if f is None else Placed(text.to_stored(f[0]), text.to_stored(f[1]), f[2]) for f in best[3]
    ]
    return DocumentPositions(best[2], placed, best[1])


def name_score(name: str | None, raw: str, start: int, end: int) -> int | None:
    """How well a selection's name says the text between its positions: 2 it is that text
    (or its first words, cut with "…"; or its line), 1 its words are all there in order (a
    quote cut with "(...)"), 0 it is not; None when the name is absent or is no text."""
    if name is None or not name.strip():
        return None
    line = _LINE.match(name)
    if line:  # qualitative-coding numbers lines from 0; others may from 1
        lines = raw.splitlines(keepends=True)
        starts = [0]
        for text in lines:
            starts.append(starts[-1] + len(text))
        for index in (int(line[1]), int(line[1]) - 1):
            if 0 <= index < len(lines) and start == starts[index]:
                whole = end in (starts[index + 1], starts[index] + len(lines[index].rstrip("\r\n")))
                return 2 if whole else 0
        return 0
    if name == raw[start:end]:
        return 2
    wanted, selected = _key(name), _key(raw[start:end])
    if wanted == selected:
        return 2
    for mark in _ELLIPSIS:
        if name.rstrip().endswith(mark):
            cut = _key(name.rstrip()[: -len(mark)])
            if cut and selected.startswith(cut):
                return 2
    # A quote cut or completed by its coder ("(...)", "[le dirigeant]"), as vmatrix exports
    # its quotes: its words are all in the selection, in order.
    found = Finder(normalise_stored(raw[start:end])).verbatim(name)
    return 1 if found is not None and found.end - found.start >= 0.5 * len(selected) else 0


def is_quote(name: str | None) -> bool:
    """Whether a selection's name may be a quote (not absent, not ``line:N``)."""
    return bool(name and name.strip()) and not _LINE.match(name or "")


def _key(text: str) -> str:
    return one_paragraph(fold(normalise_stored(text)))
