"""How well do the stored suggestions agree with the manual codes? Segment by segment.

The unit is the segment. A segment's *gold* value forms are those of every anchored
manual code whose span overlaps it; its *predicted* value forms are its stored
suggestions (at or above ``min_score``). Only segments that carry at least one manual
code are counted: coders do not code every passage, so a segment nobody coded is not
evidence that a value form is absent. ``all_segments`` counts every segment of the
coded documents instead (uncoded segments then count as "no value form").

Per value form: precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic
mean, support = TP + FN (segments coded with it). A ratio with a zero denominator is
undefined (None). The micro average pools the counts of all value forms; the macro
average is the mean over the value forms with support > 0, an undefined precision
counting as 0. A *confusion* is a pair (gold value form missed, another value form
suggested instead) in one segment; pairs are counted over segments.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vmatrix.corpus.documents import require_documents
from vmatrix.corpus.store import Corpus
from vmatrix.errors import UsageError


@dataclass
class Counts:
    value: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def suggested(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / self.suggested if self.suggested else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "support": self.support,
            "suggested": self.suggested,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


@dataclass
class Average:
    precision: float | None
    recall: float | None
    f1: float | None

    def to_json(self) -> dict[str, Any]:
        return {"precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1)}


@dataclass
class Evaluation:
    values: list[Counts]
    micro: Counts
    macro: Average
    confusions: list[tuple[str, str, int]]
    segments: int  # segments counted
    documents: int  # coded documents
    codes: int  # anchored codes used
    min_score: float = 0.0
    all_segments: bool = False
    unsuggested_documents: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "documents": self.documents,
            "codes": self.codes,
            "min_score": self.min_score,
            "all_segments": self.all_segments,
            "values": [c.to_json() for c in self.values],
            "micro": {k: v for k, v in self.micro.to_json().items() if k != "value"},
            "macro": self.macro.to_json(),
            "confusions": [{"gold": g, "suggested": s, "segments": n} for g, s, n in self.confusions],
        }


def evaluate(
    corpus: Corpus,
    *,
    documents: list[str] | None = None,
    values: list[str] | None = None,
    coders: list[str] | None = None,
    min_score: float = 0.0,
    all_segments: bool = False,
    top: int = 10,
) -> Evaluation:
    """Compare the stored suggestions with the anchored manual codes (see the module doc).

    ``values`` orders the value forms reported (default: those found, sorted); others
    found in the codes or suggestions are reported after them.
    """
    if documents:
        documents = require_documents(corpus, documents)
    codes = [
        c
        for c in corpus.codes(documents=documents, coders=coders, status="anchored")
        if c.start is not None and c.end is not None
    ]
    if not codes:
        raise UsageError(
            "no anchored manual codes"
            + (" for these documents or coders" if documents or coders else "")
            + f" in {corpus.path}: store a coding sheet with `vmatrix validate` first"
        )
    gold: dict[tuple[str, int], set[str]] = {}
    counted: set[tuple[str, int]] = set()
    coded_documents = sorted({c.document_id for c in codes})
    for doc_id in coded_documents:
        segments = corpus.segments(doc_id)
        starts = [s.start for s in segments]
        for code in (c for c in codes if c.document_id == doc_id):
            first = max(bisect.bisect_right(starts, code.start) - 1, 0)  # type: ignore[type-var]
            for segment in segments[first:]:
                if segment.start >= code.end:  # type: ignore[operator]
                    break
                if segment.end > code.start:  # type: ignore[operator]
                    gold.setdefault((doc_id, segment.index), set()).update(code.values)
        if all_segments:
            counted.update((doc_id, s.index) for s in segments)
    counted.update(gold)
    predicted: dict[tuple[str, int], set[str]] = {}
    suggested_documents = set()
    for row in corpus.suggestions(documents=coded_documents):
        suggested_documents.add(row.document_id)
        if row.score >= min_score:
            predicted.setdefault((row.document_id, row.segment), set()).add(row.value)

    found = set().union(*gold.values(), *(predicted.get(k, set()) for k in counted))
    order = list(values or []) + sorted(found - set(values or []))
    table = {v: Counts(v) for v in order}
    confusions: Counter[tuple[str, str]] = Counter()
    for key in counted:
        truth, guess = gold.get(key, set()), predicted.get(key, set())
        for v in truth & guess:
            table[v].tp += 1
        for v in guess - truth:
            table[v].fp += 1
        for v in truth - guess:
            table[v].fn += 1
        for missed in truth - guess:
            for instead in guess - truth:
                confusions[(missed, instead)] += 1
    micro = Counts("micro")
    for c in table.values():
        micro.tp, micro.fp, micro.fn = micro.tp + c.tp, micro.fp + c.fp, micro.fn + c.fn
    supported = [c for c in table.values() if c.support]
    macro = Average(
        _mean([c.precision or 0.0 for c in supported]),
        _mean([c.recall or 0.0 for c in supported]),
        _mean([c.f1 or 0.0 for c in supported]),
    )
    ranked = sorted(confusions.items(), key=lambda item: (-item[1], item[0]))[:top]
    return Evaluation(
        values=list(table.values()),
        micro=micro,
        macro=macro,
        confusions=[(g, s, n) for (g, s), n in ranked],
        segments=len(counted),
        documents=len(coded_documents),
        codes=len(codes),
        min_score=min_score,
        all_segments=all_segments,
        unsuggested_documents=[d for d in coded_documents if d not in suggested_documents],
    )


def _mean(numbers: list[float]) -> float | None:
    return sum(numbers) / len(numbers) if numbers else None


def _round(number: float | None) -> float | None:
    return None if number is None else round(number, 3)
