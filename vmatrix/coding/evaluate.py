"""How well do the suggestions agree with the manual codes? Unit by unit.

Every measure compares, unit by unit, the *gold* value forms (those of the anchored
manual codes) with the *predicted* ones (the suggestions at or above ``min_score``).
The unit is one of:

``segment``
    A segment's gold value forms are those of every code whose span overlaps it; its
    predicted ones are its suggestions. Only segments that carry at least one code are
    counted: coders do not code every passage, so an uncoded segment is not evidence
    that a value form is absent (``all_segments`` counts every segment of the coded
    documents, uncoded ones then carrying no value form).
``document``
    The union of a coded document's codes against the union of the suggestions of its
    counted segments.
``verbatim``
    One code: its value forms against the suggestions of the segments it overlaps whose
    evidence lies inside the coded passage (a long answer speaking of two tools gives
    each of its verbatims only the value forms found in it).
``tool``
    The study's unit: the verbatims naming one tool (the ``tool`` facet) pooled, the
    union of their codes against the union of their predicted value forms: a value form
    counts for the tool when one of its verbatims carries it from ``min_score``, as in
    ``matrix --unit tool`` and ``table`` (stricter rules — a summed score, a share of the
    verbatims — lost more recall than they gained precision on the development sets; see
    the README). Tools are told apart as ``matrix`` and ``table`` tell them, given the
    codebook: a name of a codebook tool is that tool (« caisse connectée » stored before
    the codebook knew it is the caisse), any other name is itself, case and accents
    aside. Verbatims naming no tool are not counted.

Per value form: precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic
mean, support = TP + FN (units coded with it). A ratio with a zero denominator is
undefined (None). The micro average pools the counts of all value forms; the macro
average is the mean over the value forms with support > 0, an undefined precision
counting as 0. A *confusion* is a pair (gold value form missed, another value form
suggested instead) in one unit; pairs are counted over units.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vmatrix.corpus.documents import require_documents
from vmatrix.corpus.store import CodeRow, Corpus
from vmatrix.errors import UsageError
from vmatrix.table import Table
from vmatrix.textnorm import fold, fold_code

if TYPE_CHECKING:
    from vmatrix.coding.codebook import Codebook
    from vmatrix.coding.suggest import SuggestReport

UNITS = ("segment", "document", "verbatim", "tool")
THRESHOLDS = (0.2, 0.35, 0.5, 0.65, 0.8)  # 0.35 is suggest's default


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
class Threshold:
    """The averages had only suggestions from ``min_score`` been kept."""

    min_score: float
    micro: Counts
    macro: Average

    def to_json(self) -> dict[str, Any]:
        micro = {k: v for k, v in self.micro.to_json().items() if k != "value"}
        return {"min_score": self.min_score, "micro": micro, "macro": self.macro.to_json()}


@dataclass
class Unit:
    """One thing compared: its manual value forms against the suggested ones."""

    key: str  # "d1 #3" (segment), "d1" (document), "d1 row 4" (verbatim), the tool's label
    documents: tuple[str, ...]
    gold: frozenset[str]
    predicted: dict[str, float]  # value form -> best score


@dataclass
class Evaluation:
    values: list[Counts]
    micro: Counts
    macro: Average
    confusions: list[tuple[str, str, int]]
    units: int  # units counted
    documents: int  # coded documents
    codes: int  # anchored codes used
    unit: str = "segment"
    min_score: float = 0.0
    all_segments: bool = False
    thresholds: list[Threshold] = field(default_factory=list)
    unsuggested_documents: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "units": self.units,
            "documents": self.documents,
            "codes": self.codes,
            "min_score": self.min_score,
            "all_segments": self.all_segments,
            "values": [c.to_json() for c in self.values],
            "micro": {k: v for k, v in self.micro.to_json().items() if k != "value"},
            "macro": self.macro.to_json(),
            "confusions": [{"gold": g, "suggested": s, "units": n} for g, s, n in self.confusions],
            "thresholds": [t.to_json() for t in self.thresholds],
        }

    def recall_by_value(self) -> list[tuple[str, int, int]]:
        """(value form, units found, units coded) for the value forms coded at all."""
        return [(c.value, c.tp, c.support) for c in self.values if c.support]


# The suggestions of a set of segments: (document, segment) -> value form ->
# (score, character spans of its evidence in the document).
Suggested = dict[tuple[str, int], dict[str, tuple[float, list[tuple[int, int]]]]]


def evaluate(
    corpus: Corpus,
    *,
    documents: list[str] | None = None,
    values: list[str] | None = None,
    coders: list[str] | None = None,
    unit: str = "segment",
    min_score: float = 0.0,
    all_segments: bool = False,
    thresholds: Sequence[float] = (),
    top: int = 10,
    codebook: Codebook | None = None,
) -> Evaluation:
    """Compare the stored suggestions with the anchored manual codes (see the module doc).

    ``values`` orders the value forms reported (default: those found, sorted); others
    found in the codes or suggestions are reported after them. ``thresholds`` adds the
    averages at those minimum scores. ``codebook`` tells the tools apart (unit ``tool``).
    """
    codes = anchored_codes(corpus, documents=documents, coders=coders, summaries=True)
    coded = sorted({c.document_id for c in codes})
    suggested = stored_suggestions(corpus, coded)
    units = make_units(corpus, codes, suggested, unit=unit, all_segments=all_segments, codebook=codebook)
    result = tabulate(units, values=values, min_score=min_score, thresholds=thresholds, top=top, unit=unit)
    result.codes, result.all_segments = len(codes), all_segments
    seen = {doc_id for doc_id, _ in suggested}
    result.unsuggested_documents = [d for d in coded if d not in seen]
    return result


def anchored_codes(
    corpus: Corpus,
    *,
    documents: list[str] | None = None,
    coders: list[str] | None = None,
    summaries: bool = False,
) -> list[CodeRow]:
    """The anchored manual codes (of these documents and coders), or :class:`UsageError`.

    With ``summaries``, the codes carry only what counting needs and share their value
    and facet lists (see :meth:`Corpus.code_summaries`): several times faster to read.
    """
    if documents:
        documents = require_documents(corpus, documents)
    if summaries:
        wanted_documents, wanted_coders = set(documents or ()), set(coders or ())
        found = [
            c
            for c in corpus.code_summaries()
            if c.status == "anchored"
            and (not wanted_documents or c.document_id in wanted_documents)
            and (not wanted_coders or c.coder in wanted_coders)
        ]
    else:
        found = corpus.codes(documents=documents, coders=coders, status="anchored")
    codes = [c for c in found if c.start is not None and c.end is not None]
    if not codes:
        raise UsageError(
            "no anchored manual codes"
            + (" for these documents or coders" if documents or coders else "")
            + f" in {corpus.path}: store a coding sheet with `vmatrix validate` first"
        )
    return codes


def stored_suggestions(corpus: Corpus, documents: list[str]) -> Suggested:
    """The suggestions stored in the corpus for these documents."""
    found: Suggested = {}
    for row in corpus.suggestions(documents=documents):
        spans = [(int(e["start"]), int(e["end"])) for e in row.evidence if "start" in e and "end" in e]
        found.setdefault((row.document_id, row.segment), {})[row.value] = (row.score, spans)
    return found


@dataclass
class TermCount:
    """How often one term of a value form's lexicon stood in a coded verbatim whose codes
    carry that value form (``right``) or not (``wrong``), in the suggestions from a score."""

    value: str
    term: str  # the lexicon term or pattern name the evidence matched
    right: int = 0
    wrong: int = 0
    example: str = ""  # the first wrong one: « words » (document row N, coded ...)

    @property
    def precision(self) -> float | None:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "term": self.term,
            "right": self.right,
            "wrong": self.wrong,
            "precision": _round(self.precision),
            "example": self.example,
        }


def term_counts(
    corpus: Corpus,
    *,
    documents: list[str] | None = None,
    coders: list[str] | None = None,
    min_score: float = 0.0,
) -> list[TermCount]:
    """The lexicon terms the stored suggestions rest on, against the coded verbatims:
    for every code and every suggestion from ``min_score`` with evidence inside its
    passage, each term of that evidence counts once, right when the code carries the
    suggestion's value form, wrong when it does not. Most wrong first: the terms to make
    weak, fence or drop for this material (``lexicons/README.md``)."""
    codes = anchored_codes(corpus, documents=documents, coders=coders, summaries=True)
    # Evidence offsets are the document's: a suggestion's words lie inside a code or not,
    # whichever segment they were found in.
    by_document: dict[str, list[Any]] = {}
    for row in corpus.suggestions(documents=sorted({c.document_id for c in codes})):
        if row.score >= min_score:
            by_document.setdefault(row.document_id, []).append(row)
    counts: dict[tuple[str, str], TermCount] = {}
    for code in codes:
        start, end = code.start, code.end
        for row in by_document.get(code.document_id, []):
            inside: dict[str, str] = {}
            for e in row.evidence:
                if e.get("start") is not None and e["start"] < end and e["end"] > start:  # type: ignore[operator]
                    inside.setdefault(str(e["term"]), str(e.get("text", "")))
            right = row.value in code.values
            for term, words in inside.items():
                count = counts.setdefault((row.value, term), TermCount(row.value, term))
                if right:
                    count.right += 1
                else:
                    count.wrong += 1
                    if not count.example:
                        coded = ", ".join(code.values)
                        count.example = f"« {words} » ({code.document_id} row {code.row}, coded {coded})"
    return sorted(counts.values(), key=lambda c: (-c.wrong, c.right, c.value, c.term))


def term_table(counts: Sequence[TermCount], title: str) -> Table:
    return Table(
        ["value", "term", "right", "wrong", "precision", "a wrong one"],
        [[c.value, c.term, c.right, c.wrong, ratio(c.precision), c.example] for c in counts],
        title=title,
        numeric={2, 3, 4},
    )


def reported_suggestions(report: SuggestReport) -> Suggested:
    """The suggestions of a :func:`vmatrix.coding.suggest.suggest` run (stored or not)."""
    found: Suggested = {}
    for segment in report.segments:
        found[(segment.document, segment.segment)] = {
            s.value: (s.score, [(e.start, e.end) for e in s.evidence]) for s in segment.suggestions
        }
    return found


def make_units(
    corpus: Corpus,
    codes: Sequence[CodeRow],
    suggested: Suggested,
    *,
    unit: str = "segment",
    all_segments: bool = False,
    codebook: Codebook | None = None,
) -> list[Unit]:
    """The units of ``codes``' documents, each with its gold and predicted value forms
    (``codebook``: how tools are told apart, see the module doc)."""
    if unit not in UNITS:
        raise UsageError(f"unknown unit {unit!r}: use one of {', '.join(UNITS)}")
    if all_segments and unit not in ("segment", "document"):
        raise UsageError(
            "--all-segments counts uncoded segments: it applies to the segment and document units"
        )
    by_document: dict[str, list[CodeRow]] = {}
    for code in codes:
        by_document.setdefault(code.document_id, []).append(code)
    units: list[Unit] = []
    verbatims: list[tuple[CodeRow, Unit]] = []
    by_verbatim = unit in ("verbatim", "tool")  # else by segment: only the segments' gold counts
    for doc_id, doc_codes in by_document.items():
        segments = corpus.segments(doc_id)
        starts = [s.start for s in segments]
        gold: dict[int, set[str]] = {}
        for code in doc_codes:
            start, end = code.start, code.end
            predicted: dict[str, float] = {}
            for i in range(max(bisect.bisect_right(starts, start) - 1, 0), len(segments)):  # type: ignore[arg-type]
                segment = segments[i]
                if segment.start >= end:  # type: ignore[operator]
                    break
                if segment.end <= start:  # type: ignore[operator]
                    continue
                if not by_verbatim:
                    gold.setdefault(segment.index, set()).update(code.values)
                    continue
                for value, (score, spans) in suggested.get((doc_id, segment.index), {}).items():
                    inside = not spans or any(s < end and e > start for s, e in spans)  # type: ignore[operator]
                    if inside and score > predicted.get(value, -1.0):
                        predicted[value] = score
            if by_verbatim:
                verbatims.append(
                    (code, Unit(f"{doc_id} row {code.row}", (doc_id,), frozenset(code.values), predicted))
                )
        if by_verbatim:
            continue
        counted = [s.index for s in segments] if all_segments else sorted(gold)
        segment_units = [
            Unit(
                f"{doc_id} #{index}",
                (doc_id,),
                frozenset(gold.get(index, ())),
                {v: score for v, (score, _) in suggested.get((doc_id, index), {}).items()},
            )
            for index in counted
        ]
        if unit == "segment":
            units.extend(segment_units)
        else:
            units.append(_pool(doc_id, segment_units))
    if unit == "verbatim":
        units.extend(u for _, u in verbatims)
    elif unit == "tool":
        tools: dict[str, tuple[str, list[Unit]]] = {}
        key = tool_key(codebook)
        for code, verbatim in verbatims:
            for tool in code.facets.get("tool", []):
                tools.setdefault(key(tool), (tool, []))[1].append(verbatim)
        units.extend(_pool(label, group) for label, group in tools.values())
    return units


def tool_key(codebook: Codebook | None) -> Callable[[str], str]:
    """The key a tool as coded is grouped under: the codebook tool it names, or itself
    folded (as :meth:`vmatrix.analysis.units.Analysis.comparable` groups them)."""
    facet = codebook.facets.get("tool") if codebook is not None else None

    @functools.cache  # a study names a few dozen tools, thousands of times
    def key(label: str) -> str:
        code = facet.resolve(label) if facet is not None else None
        return code.id if code is not None else fold_code(label)

    return key


def tool_units(
    corpus: Corpus,
    codes: Sequence[CodeRow],
    found: dict[tuple[str, int], list[str]],
    *,
    unit: str = "verbatim",
    resolve: Callable[[str], Iterable[str]] = lambda label: (fold_code(label),),
) -> list[Unit]:
    """The tools suggested against the tools coded: one unit per code naming a tool
    (``verbatim``: the tools found in the segments it overlaps) or per segment a code
    naming a tool overlaps (``segment``: the union of those codes' tools). ``found`` maps
    (document, segment) to the tools found there; ``resolve`` turns a tool as coded or
    found into the keys they are compared on (see :func:`tool_resolver`). Codes naming no
    tool are not counted: a coder who leaves the tool empty has not said there is none."""
    if unit not in ("segment", "verbatim"):
        raise UsageError(f"tools are scored by segment or by verbatim, not by {unit}")
    units: list[Unit] = []
    by_document: dict[str, list[CodeRow]] = {}
    for code in codes:
        if code.facets.get("tool"):
            by_document.setdefault(code.document_id, []).append(code)
    for doc_id, doc_codes in by_document.items():
        segments = corpus.segments(doc_id)
        starts = [s.start for s in segments]
        gold: dict[int, set[str]] = {}
        for code in doc_codes:
            coded = {key for t in code.facets["tool"] for key in resolve(t)}
            predicted: dict[str, float] = {}
            first = max(bisect.bisect_right(starts, code.start) - 1, 0)  # type: ignore[arg-type]
            for segment in segments[first:]:
                if segment.start >= code.end:  # type: ignore[operator]
                    break
                if segment.end <= code.start:  # type: ignore[operator]
                    continue
                gold.setdefault(segment.index, set()).update(coded)
                for tool in found.get((doc_id, segment.index), []):
                    predicted.update(dict.fromkeys(resolve(tool), 1.0))
            if unit == "verbatim":
                units.append(Unit(f"{doc_id} row {code.row}", (doc_id,), frozenset(coded), predicted))
        if unit == "segment":
            units.extend(
                Unit(
                    f"{doc_id} #{index}",
                    (doc_id,),
                    frozenset(tools),
                    {key: 1.0 for t in found.get((doc_id, index), []) for key in resolve(t)},
                )
                for index, tools in sorted(gold.items())
            )
    return units


def tool_resolver(codebook: Codebook) -> Callable[[str], tuple[str, ...]]:
    """How a tool as coded is compared with the tools suggest finds: a codebook tool (by
    id, label or alias) is itself; a tool described in the coder's words ("tablettes et
    logiciel de planning", "groupe WhatsApp des hôteliers") is every codebook tool one of
    whose names it contains (folded, word by word, a final s or x aside); a description
    naming none stays itself, a tool no suggestion can find."""
    facet = codebook.facets.get("tool")
    names: list[tuple[tuple[str, ...], str]] = []
    for code in facet.codes if facet is not None else []:
        for name in {code.label, code.id, *code.aliases}:
            words = _words(name)
            if words:
                names.append((words, code.id))

    @functools.cache
    def resolve(label: str) -> tuple[str, ...]:
        code = facet.resolve(label) if facet is not None else None
        if code is not None:
            return (code.id,)
        words = _words(label)
        found = dict.fromkeys(
            tool
            for name, tool in names
            if any(words[i : i + len(name)] == name for i in range(len(words) - len(name) + 1))
        )
        return tuple(found) or (fold_code(label),)

    return resolve


def _words(text: str) -> tuple[str, ...]:
    return tuple(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in re.findall(r"[a-z0-9]+", fold(text)))


def _pool(key: str, units: Iterable[Unit]) -> Unit:
    """One unit made of several: the union of their value forms, the best scores."""
    documents: dict[str, None] = {}
    gold: set[str] = set()
    predicted: dict[str, float] = {}
    for u in units:
        documents.update(dict.fromkeys(u.documents))
        gold |= u.gold
        for value, score in u.predicted.items():
            if score > predicted.get(value, -1.0):
                predicted[value] = score
    return Unit(key, tuple(documents), frozenset(gold), predicted)


def predict_all(units: Iterable[Unit], values: Iterable[str]) -> list[Unit]:
    """The same units with every value form predicted: the baseline any suggestion must beat."""
    every = dict.fromkeys(values, 1.0)
    return [Unit(u.key, u.documents, u.gold, dict(every)) for u in units]


def tabulate(
    units: Sequence[Unit],
    *,
    values: Sequence[str] | None = None,
    min_score: float = 0.0,
    thresholds: Sequence[float] = (),
    top: int = 10,
    unit: str = "segment",
) -> Evaluation:
    """Precision, recall and F1 per value form over ``units`` (see the module doc)."""
    table, confusions = _count(units, values, min_score)
    micro, macro = _averages(table)
    ranked = sorted(confusions.items(), key=lambda item: (-item[1], item[0]))[:top]
    sweep = [
        Threshold(threshold, *_averages(counts))
        for threshold, counts in zip(thresholds, _sweep(units, values, thresholds), strict=True)
    ]
    return Evaluation(
        values=list(table.values()),
        micro=micro,
        macro=macro,
        confusions=[(g, s, n) for (g, s), n in ranked],
        units=len(units),
        documents=len({d for u in units for d in u.documents}),
        codes=0,
        unit=unit,
        min_score=min_score,
        thresholds=sweep,
    )


def _count(
    units: Sequence[Unit], values: Sequence[str] | None, min_score: float
) -> tuple[dict[str, Counts], Counter[tuple[str, str]]]:
    guesses = [{v for v, score in u.predicted.items() if score >= min_score} for u in units]
    found = set().union(*(u.gold for u in units), *guesses)
    order = list(values or []) + sorted(found - set(values or []))
    table = {v: Counts(v) for v in order}
    confusions: Counter[tuple[str, str]] = Counter()
    for u, guess in zip(units, guesses, strict=True):
        truth = u.gold
        for v in truth & guess:
            table[v].tp += 1
        for v in guess - truth:
            table[v].fp += 1
        for v in truth - guess:
            table[v].fn += 1
        for missed in truth - guess:
            for instead in guess - truth:
                confusions[(missed, instead)] += 1
    return table, confusions


def _sweep(
    units: Sequence[Unit], values: Sequence[str] | None, thresholds: Sequence[float]
) -> list[dict[str, Counts]]:
    """The tables :func:`_count` makes at each threshold, from one pass over the units: a
    value form's true positives at a threshold are the units coded with it whose score
    reaches it, its false positives the other units whose score reaches it."""
    support: Counter[str] = Counter()
    coded: dict[str, list[float]] = {}  # value form -> its scores in units coded with it
    uncoded: dict[str, list[float]] = {}  # value form -> its scores in the other units
    for u in units:
        support.update(u.gold)
        for value, score in u.predicted.items():
            (coded if value in u.gold else uncoded).setdefault(value, []).append(score)
    for scores in (*coded.values(), *uncoded.values()):
        scores.sort()

    def reaching(scores: list[float], threshold: float) -> int:
        return len(scores) - bisect.bisect_left(scores, threshold)

    first = list(values or [])
    tables = []
    for threshold in thresholds:
        found = set(support).union(
            *({v for v, scores in group.items() if scores[-1] >= threshold} for group in (coded, uncoded))
        )
        table = {}
        for value in first + sorted(found - set(first)):
            counts = table[value] = Counts(value)
            counts.tp = reaching(coded.get(value, []), threshold)
            counts.fn = support[value] - counts.tp
            counts.fp = reaching(uncoded.get(value, []), threshold)
        tables.append(table)
    return tables


def _averages(table: dict[str, Counts]) -> tuple[Counts, Average]:
    micro = Counts("micro")
    for c in table.values():
        micro.tp, micro.fp, micro.fn = micro.tp + c.tp, micro.fp + c.fp, micro.fn + c.fn
    supported = [c for c in table.values() if c.support]
    macro = Average(
        _mean([c.precision or 0.0 for c in supported]),
        _mean([c.recall or 0.0 for c in supported]),
        _mean([c.f1 or 0.0 for c in supported]),
    )
    return micro, macro


def _mean(numbers: list[float]) -> float | None:
    return sum(numbers) / len(numbers) if numbers else None


def _round(number: float | None) -> float | None:
    return None if number is None else round(number, 3)


# -- tables -------------------------------------------------------------------------


def score_table(result: Evaluation, title: str) -> Table:
    """Per value form counts and ratios, then the micro and macro averages."""
    rows = [
        _row(c.value, c.support, c.suggested, c.tp, c.fp, c.fn, c.precision, c.recall, c.f1)
        for c in result.values
    ]
    m, a = result.micro, result.macro
    rows.append(_row("micro", m.support, m.suggested, m.tp, m.fp, m.fn, m.precision, m.recall, m.f1))
    rows.append(_row("macro", "", "", "", "", "", a.precision, a.recall, a.f1))
    return Table(
        ["value", "support", "suggested", "tp", "fp", "fn", "precision", "recall", "f1"],
        rows,
        title=title,
        numeric=set(range(1, 9)),
        style=lambda r, c, v: "bold" if r >= len(result.values) else None,
    )


def confusion_table(result: Evaluation) -> Table:
    return Table(
        ["coded", "suggested instead", result.unit + "s"],
        [list(c) for c in result.confusions],
        title="Most frequent confusions",
        numeric={2},
    )


def threshold_table(result: Evaluation) -> Table:
    """What ``--min-score`` trades: the averages at each threshold."""
    return Table(
        ["min score", "suggested", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1"],
        [
            [
                t.min_score,
                t.micro.suggested,
                *(ratio(x) for x in (t.micro.precision, t.micro.recall, t.micro.f1)),
                *(ratio(x) for x in (t.macro.precision, t.macro.recall, t.macro.f1)),
            ]
            for t in result.thresholds
        ],
        title=f"Precision and recall by score threshold ({result.unit} unit)",
        numeric=set(range(8)),
    )


def _row(value: str, *cells: Any) -> list[Any]:
    *counts, precision, recall, f1 = cells
    return [value, *counts, *(ratio(x) for x in (precision, recall, f1))]


def ratio(x: float | None) -> str:
    """A ratio as printed in tables: two decimals, blank when undefined."""
    return "" if x is None else f"{x:.2f}"
