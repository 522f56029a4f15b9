"""Suggest value forms, segment by segment, from the lexicon matches and their evidence.

Scoring. In a segment, the evidence for a value form is its matches (negated ones
left out unless asked for). Each distinct term ``t`` of the value (a term, or a
pattern, of its lexicon) found ``n_t`` times with weight ``w_t`` contributes
``w_t × (1 + ½ ln n_t)``: a second distinct term counts fully, a repetition of the
same term only a little (twice: ×1.35, three times: ×1.55). With ``S`` the sum,

    score = 1 − exp(−S / 2)

bounded in [0, 1): one normal term (weight 1) gives 0.39, one strong term (2) 0.63,
two normal terms 0.63, a weak term (0.5) 0.22, three normal terms 0.78. A value form
is suggested when its score reaches ``min_score`` (default 0.35: one normal term
suffices, one weak term alone does not).

Locality. Only the matches whose *passage* states the value form count (:func:`stated`):
a match's passage is the text within ``NEIGHBOURHOOD`` (20) words of it, and it states
the value form when its matches of that value form reach the default threshold on their
own (one normal term, or two weak ones near each other). A long answer that names the
value form in several places adds them up, but weak cues scattered over it (« le
soir » here, « papier » three sentences later) no longer do, and the evidence of a
suggestion is the words that state it. Segments shorter than a passage score as before.

Contrast. Where a passage states several value forms, one of them said in passing beside
another said at length is a side remark, not what the passage is about: a match whose
value form gathers, within ``CONTRAST_REACH`` (10) words of it, less than ``CONTRAST`` (a
third) of the weight another stated value form gathers there is dropped (:func:`contrast`).
« on gagne du temps » beside three cues of security keeps its own passage elsewhere, but
not this one; a value form left with no match is not suggested.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from vmatrix.coding.lexicon import Lexicon
from vmatrix.coding.match import (
    TABLES_PREFIX,
    LexiconMatcher,
    Match,
    Restored,
    StoredParse,
    read_docbin,
    tables_key,
)
from vmatrix.coding.readings import read_phrases
from vmatrix.coding.tools import ToolLexicon
from vmatrix.corpus.documents import require_documents
from vmatrix.corpus.store import Corpus, SegmentRow, SuggestionRow, ToolRow
from vmatrix.errors import CorpusError, UsageError
from vmatrix.transcripts.segment import front_matter, interviewers

SCALE = 2.0  # k in 1 − exp(−S / k)
REPEAT = 0.5  # a term found n times weighs (1 + REPEAT × ln n) times its weight
DEFAULT_MIN_SCORE = 0.35
NEIGHBOURHOOD = 20  # words either side of a match: its passage (about a spoken sentence each way)
STATED = -SCALE * math.log(1 - DEFAULT_MIN_SCORE)  # the summed weight S that reaches DEFAULT_MIN_SCORE
CONTRAST = 1 / 3  # a match outweighed three to one by another value form near it is a side remark
CONTRAST_REACH = 10  # words either side of a match where CONTRAST compares value forms


@dataclass(slots=True)
class Evidence:
    text: str  # the words as they stand in the transcript
    term: str  # the lexicon term (or pattern name) they match
    start: int  # character offsets in the document's stored text
    end: int
    negated: bool
    weight: float

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "term": self.term,
            "start": self.start,
            "end": self.end,
            "negated": self.negated,
            "weight": self.weight,
        }


@dataclass
class ValueSuggestion:
    value: str
    score: float
    evidence: list[Evidence]

    def terms(self) -> list[str]:
        """The distinct terms of the evidence, in text order."""
        return list(dict.fromkeys(e.term for e in self.evidence))


@dataclass
class ToolSuggestion:
    """A tool of the codebook named in a segment (:mod:`vmatrix.coding.tools`)."""

    tool: str
    nature: str | None
    label: str
    evidence: list[Evidence]
    # Named by the interviewer's question this answer replies to, not in the answer
    # itself (the evidence then lies in the question).
    inherited: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "nature": self.nature,
            "evidence": [e.to_json() for e in self.evidence],
            "inherited": self.inherited,
        }

    def stored_evidence(self) -> list[dict[str, Any]]:
        """The evidence as stored with the segment (an inherited tool's says so)."""
        extra = {"inherited": True} if self.inherited else {}
        return [{**e.to_json(), **extra} for e in self.evidence]


@dataclass
class SegmentSuggestion:
    document: str
    segment: int
    speaker: str | None
    start: int
    end: int
    text: str
    suggestions: list[ValueSuggestion]  # best first
    tools: list[ToolSuggestion] = field(default_factory=list)  # in text order

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "segment": self.segment,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestions": [
                {"value": s.value, "score": s.score, "evidence": [e.to_json() for e in s.evidence]}
                for s in self.suggestions
            ],
            "tools": [t.to_json() for t in self.tools],
        }


@dataclass
class SuggestReport:
    segments: list[SegmentSuggestion] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    words: int = 0
    matches: int = 0
    negated: int = 0
    interviewer_segments: int = 0  # segments with matches left out as the interviewer's
    interviewers: list[str] = field(default_factory=list)  # the speakers taken for interviewers
    header_segments: int = 0  # segments with matches left out as a document's front matter
    lexicon: str = ""
    # (document, segment) -> the tools it names, for every segment naming one, with a
    # suggestion or not (what is stored); see also vmatrix.coding.tools.suggested_tools
    tools: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    @property
    def tool_segments(self) -> int:
        return len(self.tools)

    @property
    def suggestions(self) -> int:
        return sum(len(s.suggestions) for s in self.segments)


def score(evidence: Iterable[Evidence]) -> float:
    """The score of a value form in a segment from its evidence (see the module doc)."""
    return _score((e.term, e.weight) for e in evidence)


def _score(found: Iterable[tuple[str, float]]) -> float:
    return 1 - math.exp(-_total(found) / SCALE)


def _total(found: Iterable[tuple[str, float]]) -> float:
    """The summed weight S of the module doc."""
    terms: dict[str, list[float]] = {}  # term -> [weight, times found]
    for term, weight in found:
        seen = terms.get(term)
        if seen is None:
            terms[term] = [weight, 1.0]
        else:
            seen[0] = max(seen[0], weight)
            seen[1] += 1
    total = 0.0
    for weight, times in terms.values():
        total += weight * (1 + REPEAT * math.log(times)) if times > 1 else weight
    return total


def stated(matches: list[Match]) -> list[Match]:
    """The matches of one value form that count in a segment: those whose passage states it.

    A match's passage is the text within ``NEIGHBOURHOOD`` words of it; the value form is
    stated there when the matches of the passage score ``DEFAULT_MIN_SCORE`` on their
    own (one ordinary term, or two weak ones together). Cues spread thinly over a long
    answer (« le soir » here, « papier » three sentences later) are not added up. When
    no passage states the value form, the best passage's matches are returned: their
    score is below the default threshold, and what a lower ``--min-score`` shows.
    """
    if len(matches) < 2:
        return matches
    matches = sorted(matches, key=lambda m: m.start)
    starts = [m.start for m in matches]
    longest = max(m.end - m.start for m in matches)
    passages = []
    for m in matches:
        near = matches[
            bisect.bisect_left(starts, m.start - NEIGHBOURHOOD - longest) : bisect.bisect_right(
                starts, m.end + NEIGHBOURHOOD
            )
        ]
        passages.append([o for o in near if m.start - o.end <= NEIGHBOURHOOD])
    totals = [_total((o.entry.term, o.entry.weight) for o in passage) for passage in passages]
    kept = [m for m, total in zip(matches, totals, strict=True) if total >= STATED]
    if kept:
        return kept
    return passages[max(range(len(totals)), key=totals.__getitem__)]


def contrast(kept: dict[str, list[Match]]) -> dict[str, list[Match]]:
    """The stated matches of each value form (``kept``: value form -> its matches that
    :func:`stated` keeps), less those that are side remarks: a match is dropped when,
    within ``CONTRAST_REACH`` words of it, another value form stated in the segment
    gathers more than 1 / ``CONTRAST`` times the weight its own value form gathers there.
    Value forms left with no match are left out. Forms are compared all at once, on what
    :func:`stated` kept, so the order they come in does not matter."""
    rivals = [
        v for v, matches in kept.items() if _total((m.entry.term, m.entry.weight) for m in matches) >= STATED
    ]
    if len(rivals) < 2:
        return kept

    def near(value: str, lo: int, hi: int) -> float:
        found = [(o.entry.term, o.entry.weight) for o in kept[value] if o.end >= lo and o.start <= hi]
        return _total(found) if found else 0.0

    contrasted = {}
    for value, matches in kept.items():
        if value not in rivals:
            contrasted[value] = matches
            continue
        survivors = []
        for m in matches:
            lo, hi = m.start - CONTRAST_REACH, m.end + CONTRAST_REACH
            rival = max(near(other, lo, hi) for other in rivals if other != value)
            # the match's own weight is a floor of its value form's there: most matches have
            # no rival near them, and need no more
            if m.entry.weight >= CONTRAST * rival or near(value, lo, hi) >= CONTRAST * rival:
                survivors.append(m)
        if survivors:
            contrasted[value] = survivors
    return contrasted


def suggest(
    corpus: Corpus,
    lexicon: Lexicon,
    *,
    documents: list[str] | None = None,
    values: list[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    include_negated: bool = False,
    include_interviewer: bool = False,
    store: bool = True,
    tools: ToolLexicon | None = None,
) -> SuggestReport:
    """Match ``lexicon`` on the stored parses and suggest value forms per segment.

    The interviewer's turns (:func:`vmatrix.transcripts.segment.interviewers`) are left out unless
    ``include_interviewer``: a question is not the interviewee's coding material.
    Phrases of ``lexicon`` without a reading are read here, through the words of the
    documents matched (:func:`vmatrix.coding.readings.read_phrases`). With
    ``store``, the suggestions replace, in one transaction, those stored before for
    these documents and value forms.

    With ``tools`` (:func:`vmatrix.coding.tools.tool_lexicon`), the tools each segment
    names are found too — or, for an answer naming none, those its question named
    (:mod:`vmatrix.coding.tools`) — shown with its suggestions and, with ``store``,
    stored for every segment that has one (replacing those of these documents).
    """
    if not 0 <= min_score <= 1:
        raise UsageError(f"--min-score must be between 0 and 1, not {min_score}")
    doc_ids = require_documents(corpus, documents) if documents else corpus.document_ids()
    value_ids = [v for v in (values or list(lexicon.values)) if v in lexicon.values]
    report = SuggestReport(documents=doc_ids, values=value_ids, lexicon=lexicon.label)
    rows: list[SuggestionRow] = []
    tool_rows: list[ToolRow] = []
    # Thousands of small objects and no reference cycles: the cyclic collector would only
    # walk the matcher's tables again and again (about a tenth of the time).
    with collector_paused():
        stored = _stored(corpus, doc_ids)
        for lex in (lexicon, tools.lexicon) if tools is not None else (lexicon,):
            if set(lex.phrases()) - set(lex.readings):
                read_phrases(lex, [parse for _, _, _, parse in stored])
        matcher, keep = _matcher(corpus, lexicon, value_ids)
        # Tools are resolved apart from value forms: « site internet » must not hide « internet ».
        tool_matcher = LexiconMatcher(tools.lexicon, problems=False) if tools is not None else None
        for batch in _batches(stored):
            # Documents are matched a batch at a time: small ones cost little more than
            # the words they hold.
            restored = matcher.restore_read([parse for _, _, _, parse in batch])
            found = matcher(restored)
            tools_found = tool_matcher(restored) if tool_matcher is not None else None
            first = 0
            for (doc_id, segments, text, _), count in zip(batch, restored.documents, strict=True):
                if count != len(segments):
                    raise CorpusError(
                        f"the stored parse of {doc_id!r} has {count} segments, "
                        f"the corpus {len(segments)}; ingest it again"
                    )
                _suggest_document(
                    report,
                    rows,
                    lexicon.label,
                    doc_id,
                    segments,
                    text,
                    restored,
                    first,
                    found[first : first + count],
                    None if tools_found is None else (tools, tools_found[first : first + count], tool_rows),
                    include_negated=include_negated,
                    include_interviewer=include_interviewer,
                    min_score=min_score,
                )
                first += count
    for r in tool_rows:
        report.tools.setdefault((r.document_id, r.segment), []).append(r.tool)
    if store and doc_ids and (value_ids or tools is not None):
        with corpus.transaction():
            if value_ids:
                corpus.replace_suggestions(doc_ids, value_ids, rows)
            if tools is not None:
                corpus.replace_segment_tools(doc_ids, tool_rows)
            if keep is not None:
                corpus.cache_replace(TABLES_PREFIX, keep, matcher.tables())
    return report


def keep_tables(corpus: Corpus, lexicon: Lexicon) -> bool:
    """Make and keep in the corpus the phrase tables ``suggest`` reads for ``lexicon`` and
    all its value forms, unless it keeps them already; never waits for another writer.
    ``vmatrix ingest`` does it for the bundled lexicon, so that the first ``suggest``
    after it reads them as later ones do. Whether they were kept."""
    if corpus.readonly:
        return False
    value_ids = list(lexicon.values)
    if set(lexicon.phrases()) - set(lexicon.readings):
        read_phrases(lexicon, corpus)  # the corpus's parses read only for phrases not bundled
    key = tables_key(lexicon, value_ids)
    if key is None or corpus.cache_has(key):
        return False
    return corpus.cache_replace_if_free(TABLES_PREFIX, key, LexiconMatcher(lexicon, value_ids).tables())


def _matcher(corpus: Corpus, lexicon: Lexicon, value_ids: list[str]) -> tuple[LexiconMatcher, str | None]:
    """The lexicon's matcher, its phrase tables read from the corpus when it keeps those
    this lexicon makes (:func:`vmatrix.coding.match.tables_key`), made otherwise; and then
    the key to keep them under (a corpus keeps the latest only)."""
    key = tables_key(lexicon, value_ids)
    kept = corpus.cache_get(key) if key is not None else None
    if kept is not None:
        try:
            return LexiconMatcher(lexicon, value_ids, tables=kept), None
        except CorpusError:
            pass  # damaged: made again, and kept again
    return LexiconMatcher(lexicon, value_ids), key


BATCH_WORDS = (
    250_000  # words of the documents matched together (the fewer batches, the less each pattern costs)
)


def _stored(corpus: Corpus, doc_ids: list[str]) -> list[tuple[str, list[SegmentRow], str, StoredParse]]:
    """The documents with their segments, text and stored parse (read)."""
    found = []
    for doc_id, segments, text, docbin in corpus.parsed_documents(doc_ids):
        if docbin is None:
            raise CorpusError(f"document {doc_id!r} has no stored parse; ingest it again")
        found.append((doc_id, segments, text, read_docbin(docbin)))
    return found


def _batches(
    documents: list[tuple[str, list[SegmentRow], str, StoredParse]],
) -> Iterator[list[tuple[str, list[SegmentRow], str, StoredParse]]]:
    """The documents a few at a time (about ``BATCH_WORDS`` words)."""
    batch: list[tuple[str, list[SegmentRow], str, StoredParse]] = []
    words = 0
    for document in documents:
        batch.append(document)
        words += sum(s.words for s in document[1])
        if words >= BATCH_WORDS:
            yield batch
            batch, words = [], 0
    if batch:
        yield batch


def _suggest_document(
    report: SuggestReport,
    rows: list[SuggestionRow],
    label: str,
    doc_id: str,
    segments: list[SegmentRow],
    text: str,
    restored: Restored,
    first: int,
    found: list[list[Match]],
    tools: tuple[ToolLexicon, list[list[Match]], list[ToolRow]] | None,
    *,
    include_negated: bool,
    include_interviewer: bool,
    min_score: float,
) -> None:
    """Add one document's suggestions (its segments are ``first...`` in ``restored``), and
    the tools its segments name (an answer naming none: its question's) when ``tools``
    (the tool lexicon, its matches per segment and the rows to store) is given."""
    report.words += sum(s.words for s in segments)
    header = 0 if include_interviewer else front_matter([s.speaker for s in segments])
    asking = (
        set()
        if include_interviewer
        else interviewers((s.speaker, text[s.start : s.end]) for s in segments[header:])
    )
    tool_matches = tools[1] if tools is not None else [[] for _ in segments]
    asked: list[ToolSuggestion] = []  # the tools the last question named
    for position, (segment, matches, named) in enumerate(
        zip(segments, found, tool_matches, strict=True), first
    ):
        if position - first < header:
            report.header_segments += bool(matches or named)
            continue
        tools_named: list[ToolSuggestion] = []
        if tools is not None:
            if segment.speaker in asking:
                asked = _tools(tools[0], restored, position, segment.start, text, named) if named else []
            else:
                if named:
                    tools_named = _tools(tools[0], restored, position, segment.start, text, named)
                if not tools_named:
                    tools_named = [replace(t, inherited=True) for t in asked]
                tools[2].extend(
                    ToolRow(doc_id, segment.index, t.tool, t.stored_evidence(), tools[0].lexicon.label)
                    for t in tools_named
                )
        if not matches:
            continue
        if segment.speaker in asking:
            report.interviewer_segments += 1
            if segment.speaker not in report.interviewers:
                report.interviewers.append(str(segment.speaker))
            continue
        report.matches += len(matches)
        report.negated += sum(m.negated for m in matches)
        if not include_negated and all(m.negated for m in matches):
            continue
        suggested = _suggestions(restored, position, segment.start, text, matches, include_negated, min_score)
        if not suggested:
            continue
        report.segments.append(
            SegmentSuggestion(
                doc_id,
                segment.index,
                segment.speaker,
                segment.start,
                segment.end,
                text[segment.start : segment.end],
                suggested,
                tools_named,
            )
        )
        rows.extend(
            SuggestionRow(doc_id, segment.index, s.value, s.score, [e.to_json() for e in s.evidence], label)
            for s in suggested
        )


def _tools(
    tools: ToolLexicon, restored: Restored, position: int, offset: int, text: str, matches: list[Match]
) -> list[ToolSuggestion]:
    """The tools named in a segment, in text order; a tool named only in negated clauses
    is not one the passage speaks of."""
    by_tool: dict[str, list[Evidence]] = {}
    for m in matches:
        if m.negated:
            continue
        start, end = restored.char_offsets(position, m.start, m.end)
        start, end = start + offset, end + offset
        evidence = Evidence(text[start:end], m.entry.term, start, end, False, m.entry.weight)
        by_tool.setdefault(m.entry.value, []).append(evidence)
    return [
        ToolSuggestion(tool, tools.natures.get(tool), tools.labels.get(tool, tool), evidence)
        for tool, evidence in by_tool.items()
    ]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while: suggest makes many small objects
    and no reference cycles, and each collection would walk them all again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _suggestions(
    restored: Restored,
    position: int,
    offset: int,
    text: str,
    matches: list[Match],
    include_negated: bool,
    min_score: float,
) -> list[ValueSuggestion]:
    by_value: dict[str, list[Match]] = {}
    for m in matches:
        if include_negated or not m.negated:
            by_value.setdefault(m.entry.value, []).append(m)
    found = []
    for value, kept in contrast({value: stated(matched) for value, matched in by_value.items()}).items():
        value_score = round(_score((m.entry.term, m.entry.weight) for m in kept), 3)
        if value_score < min_score or value_score <= 0:
            continue
        evidence = []
        for m in kept:
            start, end = restored.char_offsets(position, m.start, m.end)
            start, end = start + offset, end + offset
            evidence.append(Evidence(text[start:end], m.entry.term, start, end, m.negated, m.entry.weight))
        found.append(ValueSuggestion(value, value_score, evidence))
    found.sort(key=lambda s: (-s.score, s.value))
    return found
