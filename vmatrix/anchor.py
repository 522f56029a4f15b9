"""Anchor coded quotes in transcripts, and keep them anchored when a transcript changes.

A stored code remembers the exact text it was anchored to and a little context on
each side. When its transcript is re-ingested with changes, the code is looked for
again, in turn: at its stored position; with its context; anywhere, alone. A code
that cannot be found is kept, marked ``orphaned``, and reported — never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vmatrix.store import Corpus

CONTEXT_CHARS = 40


@dataclass
class ReanchorReport:
    kept: int = 0
    moved: int = 0
    orphaned: list[int] = field(default_factory=list)  # code ids


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def reanchor_document(corpus: Corpus, doc_id: str, new_text: str) -> ReanchorReport:
    """Re-anchor every stored code of ``doc_id`` in its new text (inside the caller's transaction)."""
    report = ReanchorReport()
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
        if found is None:
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
            found,
            found + len(wanted),
            kind=code["anchor_kind"],
            score=code["anchor_score"],
            status="anchored",
            context=context_of(new_text, found, found + len(wanted)),
        )
    return report


def _find_again(text: str, wanted: str, before: str, after: str, old_start: int | None) -> int | None:
    with_context = text.find(before + wanted + after) if before or after else -1
    if with_context >= 0:
        return with_context + len(before)
    positions = []
    at = text.find(wanted)
    while at >= 0:
        positions.append(at)
        at = text.find(wanted, at + 1)
    if not positions:
        return None
    if old_start is None:
        return positions[0]
    return min(positions, key=lambda p: abs(p - old_start))
