"""Anchor coded quotes in transcripts, and keep them anchored when a transcript changes.

A quote copied into a coding sheet is rarely a byte-for-byte copy of the transcript: it
was retyped, trimmed with ``(...)``, edited with ``[...]``, its apostrophes and quotation
marks changed on the way through a word processor. :class:`Finder` looks for it in
turn:

1. **exact** — the quote as typed;
2. **folded** — case, accents, apostrophes, quotation marks, whitespace and punctuation
   ignored, and, when the speaker turns are known, the labels between turns (a quote of
   an exchange often drops them); the folded match is mapped back to offsets in the
   stored text;
3. **fragments** — the quote cut at its editorial marks (``(...)``, ``[...]``, ``…``,
   ``...``; bracketed insertions such as ``[des peintures]`` are skipped), each fragment
   found folded, in order, within a bounded window;
4. **fuzzy** — the best approximate alignment (rapidfuzz) above a threshold.

Every :class:`Anchor` records which strategy found it and a score (1.0 except for fuzzy
anchors, where it is the similarity between 0 and 1).

A stored code remembers the exact text it was anchored to and a little context on
each side. When its transcript is re-ingested with changes, the code is looked for
again, in turn: at its stored position; with its context; anywhere, alone; then with
the strategies above. A code that cannot be found is kept, marked ``orphaned``, and
reported — never dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from vmatrix.corpus.store import Corpus
from vmatrix.textnorm import TRANSCRIPTION_MARKS, fold

CONTEXT_CHARS = 40
# Fuzzy anchors below this similarity (0-100, on folded text) are not anchors.
FUZZY_THRESHOLD = 85.0
# Shorter folded quotes are not aligned fuzzily: a few words match anywhere.
FUZZY_MIN_CHARS = 20
# Fragments of a trimmed quote must all fall within this many folded characters
# (or three times the length of the quoted words, if that is more).
FRAGMENT_WINDOW = 600

# Editorial marks in a quote: cuts, and bracketed insertions or anonymisations.
_EDITORIAL = re.compile(r"\(\s*(?:\.\s*){2,}\)|\(\s*…\s*\)|\[[^\]\n]*\]|…|\.{3,}")
_QUOTE_EDGES = " \t\n\u00a0\u202f«»“”„\"'‘’"


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in a stored text: ``text[start:end]``."""

    start: int
    end: int
    kind: str  # exact | folded | fragments | fuzzy | offsets
    score: float = 1.0
    fragments: tuple[tuple[int, int], ...] = ()
    occurrences: int = 1  # exact and folded anchors: how many times the quote is in the text


@dataclass
class Folded:
    """A folded text with, for each of its characters, the span it comes from."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the folded span ``[start, end)``."""
        return self.starts[start], self.ends[end - 1]


def fold_for_matching(text: str) -> Folded:
    """Lower case, no accents, letters and digits only; every other run becomes one space."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        for folded_char in char.lower() if char.isascii() else fold(char):
            if folded_char.isalnum():
                out.append(folded_char)
            elif out and out[-1] != " ":
                out.append(" ")
            else:
                continue
            starts.append(i)
            ends.append(i + 1)
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return Folded("".join(out), starts, ends)


def clean_quote(quote: str) -> str:
    """The quote without the quotation marks and spaces it was pasted with."""
    return quote.strip(_QUOTE_EDGES)


def fragments_of(quote: str) -> list[str]:
    """The quoted words between editorial marks, folded; empty pieces dropped."""
    pieces = (fold_for_matching(piece).text for piece in _EDITORIAL.split(quote))
    return [piece for piece in pieces if piece]


def has_editorial_marks(quote: str) -> bool:
    return bool(_EDITORIAL.search(quote))


_TRAILING = ".,;:!?…»”\"'’ \u00a0\u202f"


class Citation(NamedTuple):
    text: str
    end: int  # where the citation stops in the transcript (past ``end`` when it keeps "».")


def cited_form(text: str, quote: str, start: int, end: int) -> Citation | None:
    """The quote as the researcher cut it, in the transcript's own words.

    Each piece of ``quote`` between its editorial marks is taken from ``text[start:end]``
    (found in order, folded), and the marks stay where the sheet put them: the cuts
    ``(...)``, ``[...]``, ``…`` and the insertions ``[le dirigeant]``. A paper must not
    quote the words the researcher cut out. None when the quote has no marks (the span
    is the citation) or its pieces are not all in the span.
    """
    quote = clean_quote(quote)
    if not has_editorial_marks(quote):
        return None
    span = text[start:end]
    folded = fold_for_matching(span)
    out: list[str] = []
    at = 0
    stop_at = end
    pieces = _EDITORIAL.split(quote)
    marks = [m.group(0) for m in _EDITORIAL.finditer(quote)]
    for i, piece in enumerate(pieces):
        wanted = fold_for_matching(piece).text
        if wanted:
            found = _word_occurrences(folded.text, wanted, at, limit=1)
            if not found:
                return None
            first, last = folded.span(found[0], found[0] + len(wanted))
            first, last = first + start, last + start
            # Keep the punctuation the piece ends with ("sans contact." before a cut, "»").
            trail = len(piece.rstrip()) - len(piece.rstrip().rstrip(_TRAILING))
            stop = last
            while stop < len(text) and stop - last < trail + 2 and text[stop] in _TRAILING:
                stop += 1
            if trail:
                last = stop
            at = found[0] + len(wanted)
            words = text[first:last].rstrip()
            stop_at = max(end, first + len(words))
            out.append((" " if piece[:1].isspace() else "") + words + (" " if piece[-1:].isspace() else ""))
        elif piece.strip():
            out.append(piece)  # punctuation between two marks
        elif piece:
            out.append(" ")
        if i < len(marks):
            out.append(marks[i])
    return Citation(re.sub(r"[ \t\r\n]+", " ", "".join(out)).strip(" "), stop_at)


@dataclass
class Finder:
    """Finds quotes in one stored text; build one per document and reuse it."""

    text: str
    threshold: float = FUZZY_THRESHOLD
    # Spans a quote may leave out: what lies between speaker turns (labels, blank lines).
    between_turns: tuple[tuple[int, int], ...] = ()

    @cached_property
    def folded(self) -> Folded:
        return fold_for_matching(self.text)

    @cached_property
    def folded_turns(self) -> Folded | None:
        """The folded text without what lies between turns and without the transcriber's
        marks: a quote of an exchange that drops "M. Robin :", or one that drops
        "[00:12:31]" or "(rires)", is found (offsets are unchanged, they become spaces)."""
        marks = [m.span() for m in TRANSCRIPTION_MARKS.finditer(self.text)]
        if not self.between_turns and not marks:
            return None
        chars = list(self.text)
        for start, end in (*self.between_turns, *marks):
            chars[start:end] = " " * (end - start)
        return fold_for_matching("".join(chars))

    def anchor(self, quote: str, *, near: int | None = None) -> Anchor | None:
        """The quote's anchor by the first strategy that finds it, or None."""
        return self.verbatim(quote, near=near) or self._fuzzy(clean_quote(quote), threshold=self.threshold)

    def span(self, anchor: Anchor) -> str:
        return self.text[anchor.start : anchor.end]

    def closest(self, quote: str) -> Anchor | None:
        """The best fuzzy candidate whatever its score (to show when nothing is found)."""
        return self._fuzzy(clean_quote(quote), threshold=0.0, min_chars=1)

    def verbatim(self, quote: str, *, near: int | None = None) -> Anchor | None:
        """The quote's anchor if its words are all there (exact, folded or fragments; not fuzzy)."""
        quote = clean_quote(quote)
        if not quote:
            return None
        return (
            self._exact(quote, near)
            or self._folded(quote, near)
            or self._folded(quote, near, self.folded_turns)
            or self._fragments(quote, near)
        )

    def anchor_within(self, quote: str, start: int, end: int) -> Anchor | None:
        """The quote's anchor inside ``text[start:end]`` (exact, folded or fragments only)."""
        between = tuple(
            (max(a, start) - start, min(b, end) - start)
            for a, b in self.between_turns
            if a < end and b > start
        )
        found = Finder(self.text[start:end], between_turns=between).verbatim(quote)
        if found is None:
            return None
        return Anchor(
            found.start + start,
            found.end + start,
            found.kind,
            found.score,
            tuple((a + start, b + start) for a, b in found.fragments),
            found.occurrences,
        )

    # -- strategies ------------------------------------------------------------

    def _exact(self, quote: str, near: int | None) -> Anchor | None:
        positions = [p for p in _occurrences(self.text, quote) if _whole(self.text, p, p + len(quote))]
        if not positions:
            return None
        at = _nearest(positions, near)
        return Anchor(at, at + len(quote), "exact", occurrences=len(positions))

    def _folded(self, quote: str, near: int | None, folded: Folded | None = None) -> Anchor | None:
        folded = folded or self.folded
        wanted = fold_for_matching(quote).text
        if not wanted:
            return None
        positions = _word_occurrences(folded.text, wanted)
        if not positions:
            return None
        at = _nearest([folded.starts[p] for p in positions], near)
        index = positions[[folded.starts[p] for p in positions].index(at)]
        start, end = folded.span(index, index + len(wanted))
        return Anchor(start, end, "folded", occurrences=len(positions))

    def _fragments(self, quote: str, near: int | None) -> Anchor | None:
        if not has_editorial_marks(quote):
            return None
        pieces = fragments_of(quote)
        if not pieces:
            return None
        hay = self.folded.text
        window = max(FRAGMENT_WINDOW, 3 * sum(len(p) for p in pieces))
        best: list[tuple[int, int]] | None = None
        for first in _word_occurrences(hay, pieces[0]):
            spans = [(first, first + len(pieces[0]))]
            for piece in pieces[1:]:
                found = _word_occurrences(hay, piece, spans[-1][1], limit=1)
                if not found or found[0] + len(piece) - first > window:
                    break
                spans.append((found[0], found[0] + len(piece)))
            if len(spans) != len(pieces):
                continue
            if best is None or _closer(spans, best, near, self.folded):
                best = spans
        if best is None:
            return None
        exact_spans = tuple(self.folded.span(a, b) for a, b in best)
        return Anchor(exact_spans[0][0], exact_spans[-1][1], "fragments", 1.0, exact_spans)

    def _fuzzy(self, quote: str, *, threshold: float, min_chars: int = FUZZY_MIN_CHARS) -> Anchor | None:
        from rapidfuzz import fuzz

        wanted = " ".join(fragments_of(quote))
        hay = self.folded.text
        if len(wanted) < min_chars or not hay:
            return None
        # The alignment is only where to look: the passage cut at word edges is often more
        # similar than the raw alignment, and that is the score shown and compared.
        found = fuzz.partial_ratio_alignment(wanted, hay, score_cutoff=max(0.0, threshold - _ALIGN_SLACK))
        if found is None or found.dest_end <= found.dest_start:
            return None
        start, end = _best_words(wanted, hay, found.dest_start, found.dest_end)
        score = max(found.score, fuzz.ratio(wanted, hay[start:end]))
        if score < threshold:
            return None
        exact_start, exact_end = self.folded.span(start, end)
        return Anchor(exact_start, exact_end, "fuzzy", round(score / 100, 3))


def _occurrences(hay: str, needle: str, start: int = 0) -> list[int]:
    positions = []
    at = hay.find(needle, start)
    while at >= 0:
        positions.append(at)
        at = hay.find(needle, at + 1)
    return positions


def _whole(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` does not cut a word in two."""
    cuts_left = start > 0 and text[start].isalnum() and text[start - 1].isalnum()
    cuts_right = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (cuts_left or cuts_right)


def _word_occurrences(hay: str, needle: str, start: int = 0, limit: int | None = None) -> list[int]:
    """Occurrences of ``needle`` in folded ``hay`` that start and end at word boundaries."""
    positions: list[int] = []
    at = hay.find(needle, start)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or hay[at - 1] == " ") and (end == len(hay) or hay[end] == " "):
            positions.append(at)
            if limit is not None and len(positions) >= limit:
                break
        at = hay.find(needle, at + 1)
    return positions


def _nearest(positions: list[int], near: int | None) -> int:
    if near is None:
        return positions[0]
    return min(positions, key=lambda p: abs(p - near))


Spans = list[tuple[int, int]]


def _closer(spans: Spans, best: Spans, near: int | None, folded: Folded) -> bool:
    """Prefer the tighter set of fragments; with a position hint, the nearer one."""
    if near is not None:
        here, there = folded.starts[spans[0][0]], folded.starts[best[0][0]]
        if here != there:
            return abs(here - near) < abs(there - near)
    return spans[-1][1] - spans[0][0] < best[-1][1] - best[0][0]


def _best_words(wanted: str, hay: str, start: int, end: int) -> tuple[int, int]:
    """The whole-word span around an alignment that is most similar to ``wanted``.

    An alignment covers as many characters as the quote, so it often starts or stops
    in the middle of a word, or too early when the transcript has words the quote
    lacks; try word edges on each side, more for longer quotes.
    """
    from rapidfuzz import fuzz

    reach = min(15, max(4, wanted.count(" ") // 3))

    starts = [0, *(m.end() for m in re.finditer(" ", hay))]
    ends = [m.start() for m in re.finditer(" ", hay)] + [len(hay)]
    first = bisect.bisect_right(starts, start) - 1
    last = bisect.bisect_left(ends, end)
    start_options = starts[max(0, first - reach) : first + reach + 1]
    end_options = ends[max(0, last - reach) : last + reach + 1]
    best, best_score = (starts[first], ends[min(last, len(ends) - 1)]), -1.0
    words = wanted.split(" ")
    for s in start_options:
        for e in end_options:
            if e <= s:
                continue
            candidate = hay[s:e]
            # A passage that starts and ends with the quote's own words is the better one.
            score = fuzz.ratio(wanted, candidate)
            score += _EDGE_BONUS * (candidate.split(" ", 1)[0] == words[0])
            score += _EDGE_BONUS * (candidate.rsplit(" ", 1)[-1] == words[-1])
            if score > best_score:
                best, best_score = (s, e), score
    return best


_EDGE_BONUS = 5.0
_ALIGN_SLACK = 15.0


# -- re-anchoring after a transcript changed ------------------------------------


@dataclass
class ReanchorReport:
    """What re-anchoring the codes of a changed document did to them."""

    kept: int = 0
    moved: int = 0
    orphaned: list[int] = field(default_factory=list)  # code ids


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def reanchor_document(corpus: Corpus, doc_id: str, new_text: str) -> ReanchorReport:
    """Re-anchor every stored code of ``doc_id`` in its new text (inside the caller's transaction)."""
    report = ReanchorReport()
    finder = Finder(new_text)
    for code in corpus.code_anchors(doc_id):
        wanted = code["anchored_text"]
        start, end = code["start"], code["end"]
        if not wanted:
            continue
        if start is not None and new_text[start:end] == wanted:
            report.kept += 1
            if code["status"] != "anchored":
                corpus.move_code(
                    code["id"],
                    start,
                    end,
                    kind=code["anchor_kind"],
                    score=code["anchor_score"],
                    status="anchored",
                )
            continue
        found = _find_again(new_text, wanted, code["context_before"], code["context_after"], start)
        if found is not None:
            report.moved += 1
            corpus.move_code(
                code["id"],
                found,
                found + len(wanted),
                kind=code["anchor_kind"],
                score=code["anchor_score"],
                status="anchored",
                context=context_of(new_text, found, found + len(wanted)),
            )
            continue
        # The passage itself changed: look for the quote as the sheet gave it (or, for
        # a code given by offsets, for the old passage) with every strategy.
        anchor = finder.anchor(code["quote"] or wanted, near=start)
        if anchor is None and code["quote"]:
            anchor = finder.anchor(wanted, near=start)
        if anchor is None:
            report.orphaned.append(code["id"])
            corpus.move_code(
                code["id"],
                start,
                end,
                kind=code["anchor_kind"],
                score=code["anchor_score"],
                status="orphaned",
            )
            continue
        report.moved += 1
        corpus.move_code(
            code["id"],
            anchor.start,
            anchor.end,
            kind=anchor.kind,
            score=anchor.score,
            status="anchored",
            anchored_text=new_text[anchor.start : anchor.end],
            context=context_of(new_text, anchor.start, anchor.end),
        )
    return report


def _find_again(text: str, wanted: str, before: str, after: str, old_start: int | None) -> int | None:
    with_context = text.find(before + wanted + after) if before or after else -1
    if with_context >= 0:
        return with_context + len(before)
    positions = _occurrences(text, wanted)
    if not positions:
        return None
    return _nearest(positions, old_start)
