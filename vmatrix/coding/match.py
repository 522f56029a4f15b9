"""Matching a lexicon on the parsed documents stored at ingest, without the model.

A document's stored parse (a DocBin: one Doc per segment) is read straight from its
arrays into token columns — NORM, the folded word, POS — for all its segments in order
(no spaCy Doc is built), so each lookup runs once per document; matches that straddle
two segments are dropped. Three lookups find the lexicon:

* phrases over ``NORM`` — the folded, repaired lemma stored at ingest — made of what
  the model reads in each term *and* of the term as written, so "gagner du temps"
  finds "on gagne du temps" and "entraide" finds "entraide" even when the model reads
  it "entraider" in one place and not the other;
* phrases over the *folded surface form* of each word, the terms as written (and the
  plural of a one-word term), to survive lemmatiser errors in the corpus
  ("communautés" read "communauter");
* the lexicon's token patterns: those made only of ``NORM`` values and ``?`` are
  expanded into phrases of the first kind, those made only of ``LOWER`` values and
  ``?`` into phrases of the second, those made only of ``ORTH`` values (the word as
  written, case and accents kept: "Meet", "Sage") into phrases over the words. The
  others run only on the segments holding the rare words they cannot do without
  (spaCy's ``IN`` predicates are Python calls: on every token they would cost more
  than everything else): patterns of ``NORM``, ``LOWER``, ``POS`` and ``ORTH`` values
  by a small sequence matcher over the token columns, which finds what spaCy's
  ``Matcher`` finds (a test checks it), tried only from the few tokens within reach of
  where their rarest token stands; patterns testing other attributes by ``Matcher``
  itself, on a Doc made of just those tokens.

Both phrase lookups (:class:`PhraseTable`) find what spaCy's ``PhraseMatcher`` finds
(a test checks it), at a fraction of the cost of building a Doc.

Then, per segment: matches overlapping an exclusion of their value form are dropped;
overlapping matches are reduced to the longest (the strongest on a tie, then the term
listed first; the same span may count for two value forms); each remaining match is flagged when it sits in a
negated clause (:mod:`vmatrix.coding.negation`) — unless its term names a problem ("erreur",
"litige", "déplacement"), whose negation is evidence too: "il n'y a plus d'erreurs".
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vmatrix.coding import negation
from vmatrix.coding.lexicon import Lexicon, Pattern, Reading
from vmatrix.coding.strings import LEMMA, NORM, ORTH, POS, Strings
from vmatrix.errors import CorpusError
from vmatrix.textnorm import fold, fold_each

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Function words whose lemma depends on the sentence ("des" reads "de" or "un"):
# a term holding one matches every reading.
FUNCTION_VARIANTS: dict[str, tuple[str, ...]] = {
    "des": ("de", "un"),
    "du": ("de",),
    "au": ("a", "au"),
    "aux": ("a", "au"),
}
# Lemmas too frequent to pick out the segments a token pattern may match in.
COMMON_WORDS = frozenset(
    """
    de du des le la les un une a au aux en et ou que qui ne pas plus je j' tu il elle on nous
    vous ils elles me m' te t' se s' lui leur y ce c' ca cela son sa ses mon ma mes notre nos
    votre vos etre avoir faire aller pouvoir vouloir dire voir mettre prendre donner tout
    """.split()
)
MAX_VARIANTS = 64  # phrases one term may expand into
MAX_PATTERN_PHRASES = 4096  # phrases a pattern may expand into before the Matcher takes it


@dataclass(frozen=True, slots=True)
class Entry:
    """What a match stands for: a term or pattern of a value form, or an exclusion."""

    value: str
    term: str  # the term as written, or the pattern's name
    weight: float
    exclude: bool = False
    problem: bool = False  # names a problem: its negation is evidence too (see vmatrix.coding.negation)


@dataclass(slots=True)
class Match:
    entry: Entry
    start: int  # token offsets in the document's Doc
    end: int
    negated: bool = False


@dataclass
class _TokenPattern:
    key: int
    # Steps (tests, operator) run by _sequence_matches, or a spaCy Matcher holding this
    # one pattern when it tests more than NORM, LOWER, POS and ORTH or uses the operator "!".
    matcher: Any
    # per token every match has: its column (0 NORM, 1 LOWER) and the hashes it may take
    # (rare ones)
    required: list[tuple[int, set[int]]]
    first: bool  # the first token is one of them
    last: bool  # the last token is one of them
    held: list[int] = field(default_factory=list)  # the token of the pattern each required one is
    # per token of the pattern: how many tokens a match holds before it, at least and at
    # most (None after a "*" or "+"), and after it
    before: list[tuple[int, int | None]] = field(default_factory=list)
    after: list[tuple[int, int | None]] = field(default_factory=list)
    # for the sequence matcher: the columns its steps test, and per token its tests with
    # their words as sorted numpy arrays of hashes
    columns: tuple[int, ...] = ()
    tests: list[list[tuple[int, Any, bool]]] = field(default_factory=list)


@dataclass
class Restored:
    """A document's segments as token columns; segment ``k`` holds tokens ``bounds[k]:bounds[k+1]``."""

    bounds: list[int]
    norms: Any  # numpy arrays, one value per token: NORM hashes (the folded, repaired lemma),
    lowers: Any  # the folded words' hashes,
    pos: Any  # the part-of-speech ids,
    orths: Any  # the words' hashes (as written),
    lemmas: Any  # the lemmas' hashes,
    spaces: Any  # whether a space follows,
    starts: Any  # and the character offset of the word in the concatenated segments
    lengths: Any  # and its length in characters
    strings: Strings  # the strings the hashes stand for
    documents: list[int] = field(default_factory=list)  # segments of each document restored
    norm_cues: list[str] | None = None  # the lemmas the negation rule looks at, made when first needed
    _idx: list[int] | None = None
    _length: list[int] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return len(self.bounds) - 1

    def char_offsets(self, segment: int, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end`` in the text of their segment."""
        if self._idx is None:
            self._idx, self._length = self.starts.tolist(), self.lengths.tolist()
        base = self._idx[self.bounds[segment]]
        return self._idx[start] - base, self._idx[end - 1] + self._length[end - 1] - base

    def text(self, start: int, end: int) -> str:
        """The words of tokens ``start:end`` as the parse holds them."""
        words = [self.strings[h] for h in self.orths[start:end].tolist()]
        spaces = self.spaces[start : end - 1].tolist()
        return "".join(w + (" " if space else "") for w, space in zip(words, [*spaces, False], strict=True))


TABLES_FORMAT = 1  # of LexiconMatcher.tables(); what tables_key digests
TABLES_PREFIX = "phrase-tables/"  # of tables_key


def tables_key(lexicon: Lexicon, values: Iterable[str] | None = None) -> str | None:
    """The key under which the phrase tables ``LexiconMatcher(lexicon, values)`` makes are
    kept: a digest of all they are made of — each term, exclusion and pattern of those
    value forms, in order, with what the model reads in it — and of the code that makes
    them. None when that code cannot be read (then nothing is kept)."""
    import hashlib
    import json
    from pathlib import Path

    digest = hashlib.sha256(f"{TABLES_FORMAT}".encode())
    here = Path(__file__).resolve().parent
    try:
        for name in ("match.py", "strings.py"):
            digest.update((here / name).read_bytes())
    except OSError:
        return None
    made = []
    for value in values if values is not None else lexicon.values:
        lex = lexicon.values.get(value)
        if lex is None:
            continue
        phrases = [*lex.terms, *lex.excludes]
        readings = [(lexicon.reading(p).words, lexicon.reading(p).norms) for p in phrases]
        made.append(
            [
                value,
                list(lex.terms.items()),
                lex.excludes,
                [(p, *r) for p, r in zip(phrases, readings, strict=True)],
                [(p.name, p.weight, p.tokens) for p in lex.patterns],
            ]
        )
    digest.update(json.dumps(made, ensure_ascii=False, sort_keys=True).encode())
    return f"{TABLES_PREFIX}{digest.hexdigest()}"


class LexiconMatcher:
    """The matchers of one lexicon, built once and run on every document."""

    def __init__(
        self,
        lexicon: Lexicon,
        values: Iterable[str] | None = None,
        *,
        problems: bool = True,
        tables: bytes | None = None,
    ) -> None:
        """``problems``: a term naming a problem is never negated (see the module doc);
        without, every match in a negated clause is flagged. ``tables``: the phrase
        tables this lexicon and these values make, as :meth:`tables` wrote them (kept
        under :func:`tables_key`), read instead of made again."""
        self.lexicon = lexicon
        wanted = list(values) if values is not None else list(lexicon.values)
        # The hashes of every string seen, as spaCy computes them (spaCy is not imported).
        self.strings = Strings()
        self._vocab: Any = None  # spaCy's, made only for the patterns its Matcher runs
        self.norm_phrases = PhraseTable()  # over NORM
        self.surface_phrases = PhraseTable()  # over the folded words
        self.orth_phrases = PhraseTable()  # over the words as written (case and accents)
        self.entries: dict[int, Entry] = {}
        self._seen_strings: set[str] = set()  # strings of restored documents, already in the vocab
        self._words: dict[int, tuple[int, int]] = {}  # word hash -> (folded word hash, length)
        # Patterns the Matcher runs, each with the NORM values a segment must hold for it:
        # one set per token that every match has.
        self.token_patterns: list[_TokenPattern] = []
        self._required_words: tuple[set[int], set[int]] = (set(), set())  # NORM, LOWER
        # (column, hash) -> (pattern, required token) it is one of the words of
        self._required_index: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._unanchored: list[int] = []  # patterns with no rare word to look for first
        self._word_cues = self._cue_table(negation.CUES)
        self._norm_cues = self._cue_table(negation.NORM_CUES)
        self._tables_read = tables is not None
        if tables is not None:
            self._read_tables(tables)
        for value in wanted:
            lex = lexicon.values.get(value)
            if lex is None:
                continue
            for term, weight in lex.terms.items():
                reading = lexicon.reading(term)
                problem = problems and negation.names_problem([*reading.words, *reading.norms])
                self._add_phrase(Entry(value, term, weight, problem=problem), reading)
            for phrase in lex.excludes:
                self._add_phrase(Entry(value, phrase, 0.0, exclude=True), lexicon.reading(phrase))
            for pattern in lex.patterns:
                problem = problems and negation.names_problem(
                    [*_words(pattern.name), *_pattern_norms(pattern.tokens)]
                )
                self._add_pattern(Entry(value, pattern.name, pattern.weight, problem=problem), pattern)
        if not self._tables_read:
            self.norm_phrases.compile()
            self.surface_phrases.compile()
            self.orth_phrases.compile()
        self._required_keys = tuple(_Keys(words) for words in self._required_words)

    # -- the phrase tables, kept ---------------------------------------------

    def tables(self) -> bytes:
        """The phrase tables as numpy arrays in one ``.npz`` file (no pickled objects), for
        ``LexiconMatcher(..., tables=...)`` to read instead of making them (a fifth of a
        second on the bundled lexicons)."""
        import io

        import numpy

        arrays: dict[str, Any] = {}
        for name, table in self._phrase_tables().items():
            arrays.update(table.arrays(name))
        out = io.BytesIO()
        numpy.savez(out, **arrays)
        return out.getvalue()

    def _read_tables(self, data: bytes) -> None:
        import io
        import zipfile

        import numpy

        try:
            with numpy.load(io.BytesIO(data), allow_pickle=False) as held:
                arrays = {name: held[name] for name in held.files}
            for name, table in self._phrase_tables().items():
                table.read(name, arrays)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise CorpusError(f"the kept phrase tables cannot be read ({exc})") from exc

    def _phrase_tables(self) -> dict[str, PhraseTable]:
        return {"norm": self.norm_phrases, "surface": self.surface_phrases, "orth": self.orth_phrases}

    # -- building -------------------------------------------------------------

    def _key(self, entry: Entry, kind: str) -> int:
        key = self.strings.add(f"{kind}\x1f{entry.value}\x1f{entry.term}")
        self.entries[key] = entry
        return key

    def _add_phrase(self, entry: Entry, reading: Reading) -> None:
        if not reading.words:
            return
        kind = "exclude" if entry.exclude else "term"
        key = self._key(entry, kind)
        if self._tables_read:
            return
        options = [
            {norm, word, *FUNCTION_VARIANTS.get(word, ())}
            for word, norm in zip(reading.words, reading.norms, strict=True)
        ]
        self.norm_phrases.add(key, [self._hashes(p) for p in _product(options)])
        surface = [reading.words]
        if len(reading.words) == 1:
            surface += [(plural,) for plural in _plurals(reading.words[0])]
        self.surface_phrases.add(key, [self._hashes(p) for p in surface])

    def _add_pattern(self, entry: Entry, pattern: Pattern) -> None:
        key = self._key(entry, "pattern")
        for attr, phrases_of in (
            ("NORM", self.norm_phrases),
            ("LOWER", self.surface_phrases),
            ("ORTH", self.orth_phrases),
        ):
            options = _expand(pattern.tokens, attr)
            if options is not None and self._tables_read:
                return
            if options is not None:
                add = self.strings.add
                # Every phrase the options make, an optional token left out or not (the
                # phrases grown a token at a time: far fewer tuples than a product).
                phrases: list[tuple[int, ...]] = [()]
                for words in options:
                    hashes = [None if w is None else add(w) for w in words]
                    phrases = [p if h is None else (*p, h) for p in phrases for h in hashes]
                phrases_of.add(key, dict.fromkeys(phrases))
                return

        steps = _steps(pattern.tokens)
        if steps is not None:
            matcher: Any = _hashed_steps(steps, self.strings.add)
        else:
            from spacy.matcher import Matcher

            matcher = Matcher(self.vocab)
            matcher.add(key, [pattern.tokens])
        anchors = [_anchor(token) for token in pattern.tokens]
        required = [(column, {self.strings.add(w) for w in words}) for column, words in anchors if words]
        token_pattern = _TokenPattern(
            key,
            matcher,
            required,
            first=bool(anchors[0][1]),
            last=bool(anchors[-1][1]),
            held=[t for t, (_, words) in enumerate(anchors) if words],
            before=_reach(pattern.tokens),
            after=_reach(pattern.tokens[::-1])[::-1],
        )
        if steps is not None:
            import numpy

            token_pattern.columns = tuple(sorted({c for tests, _ in matcher for c, _, _ in tests}))
            token_pattern.tests = [
                [
                    (c, numpy.sort(numpy.fromiter(words, dtype="uint64", count=len(words))), n)
                    for c, words, n in tests
                ]
                for tests, _ in matcher
            ]
        self.token_patterns.append(token_pattern)
        for r, (column, words) in enumerate(required):
            self._required_words[column].update(words)
            for word in words:
                self._required_index.setdefault((column, word), []).append((len(self.token_patterns) - 1, r))
        if not required:
            self._unanchored.append(len(self.token_patterns) - 1)

    @property
    def vocab(self) -> Any:
        """spaCy's vocabulary, whose LOWER is the folded word, for the patterns only spaCy's
        Matcher runs (made, and spaCy imported, when the first one is added)."""
        if self._vocab is None:
            from spacy.attrs import LOWER
            from spacy.vocab import Vocab

            self._vocab = Vocab(lex_attr_getters={LOWER: fold})
            for text in self.strings:
                self._vocab.strings.add(text)
        return self._vocab

    def _cue_table(self, words: Iterable[str]) -> tuple[_Keys, Any]:
        import numpy

        by_hash = {self.strings.add(w): w for w in words}
        keys = _Keys(by_hash)
        return keys, numpy.array([by_hash[h] for h in keys.sorted.tolist()], dtype=object)

    def _hashes(self, words: Iterable[str]) -> list[int]:
        return [self.strings.add(word) for word in words]

    # -- restoring ------------------------------------------------------------

    def restore(self, *docbins: bytes) -> Restored:
        """Stored DocBins (one Doc per segment) as the token columns of all their segments,
        in order, read straight from their arrays: no spaCy Doc is built. Several
        documents restored together are matched in one go (``Restored.documents``: the
        segments of each)."""
        return self.restore_read([read_docbin(docbin) for docbin in docbins])

    def restore_read(self, parts: list[StoredParse]) -> Restored:
        """:meth:`restore` for DocBins already read by :func:`read_docbin`."""
        import numpy

        if len(parts) == 1:
            orth, norm, pos, lemma, spaces, lengths, _ = parts[0]
        else:
            orth, norm, pos, lemma, spaces, lengths = (
                numpy.concatenate([part[i] for part in parts]) for i in range(6)
            )
        # Each distinct word once: its folded form (the LOWER of this vocabulary) and length.
        distinct, inverse = numpy.unique(orth, return_inverse=True)
        words = self._words
        hashes = distinct.tolist()
        unknown = [h for h in hashes if h not in words]
        if unknown:
            new = set().union(*(part[6] for part in parts)) - self._seen_strings
            self._seen_strings |= new
            add = self.strings.add
            for string in new:
                add(string)
            try:
                written = [self.strings[h] for h in unknown]
                for h, word, folded in zip(unknown, written, fold_each(written), strict=True):
                    words[h] = (add(folded), len(word))
            except KeyError as exc:
                raise CorpusError(
                    "a stored parse lacks the text of a word; ingest the documents again"
                ) from exc
        table = numpy.array([words[h] for h in hashes], dtype="uint64").reshape(-1, 2)
        lowers = table[:, 0][inverse]
        widths = table[:, 1].astype("int64")[inverse]
        ends = numpy.cumsum(widths + spaces)
        starts = ends - widths - spaces
        bounds = [0, *itertools.accumulate(int(n) for n in lengths)]
        return Restored(
            bounds,
            norm,
            lowers,
            pos,
            orth,
            lemma,
            spaces,
            starts,
            widths,
            self.strings,
            documents=[len(part[5]) for part in parts],
        )

    # -- matching -------------------------------------------------------------

    def __call__(self, restored: Restored) -> list[list[Match]]:
        """The matches of each segment, in text order."""
        import bisect

        bounds = restored.bounds
        found = dict.fromkeys(
            itertools.chain(
                self.norm_phrases(restored.norms),
                self.surface_phrases(restored.lowers),
                self.orth_phrases(restored.orths),
                self._token_pattern_matches(restored) if self.token_patterns else (),
            )
        )
        per_segment: list[list[Match]] = [[] for _ in range(restored.segments)]
        for key, start, end in found:
            segment = bisect.bisect_right(bounds, start) - 1
            if end <= bounds[segment + 1]:
                per_segment[segment].append(Match(self.entries[key], start, end))
        if found:
            cues = self._cues(restored).tolist()  # sliced per segment: a list slices cheaply
            for segment, matches in enumerate(per_segment):
                if matches:
                    per_segment[segment] = self._resolve(restored, segment, matches, cues)
        return per_segment

    def _token_pattern_matches(self, restored: Restored) -> Iterator[tuple[int, int, int]]:
        """(key, start, end) of the token patterns, each pattern's by start, then end.

        A pattern is tried only where it can match. Needing rare words, only in the
        segments holding a word of every token it requires. Then, on the sequence
        matcher, only from the few tokens a match may start on (or end on, read backward):
        those within reach of the places where the token it requires that stands in the
        fewest places is found, as far as the tokens before (or after) it may take. When
        every rare word may stand any distance from both ends, that token is the one its
        steps allow in the fewest places, rare words or not; when there is none, the
        pattern runs from every token its first step allows. Patterns only spaCy's
        Matcher runs go from the first word their first token allows to the last word
        their last token allows, segment by segment."""
        import numpy

        bounds = restored.bounds
        columns = (restored.norms, restored.lowers, restored.pos, restored.orths)
        segment_starts = numpy.asarray(bounds)
        positions = self._required_positions(columns)
        # the columns as lists for the sequence matcher, each made when first needed
        listed: list[list[int] | None] = [None] * len(columns)
        # For each pattern that may match here, the words of each required token present.
        present_of: dict[int, list[set[tuple[int, int]]]] = {p: [] for p in self._unanchored}
        for key in positions:
            for p, r in self._required_index.get(key, ()):
                sets = present_of.get(p)
                if sets is None:
                    sets = present_of[p] = [set() for _ in self.token_patterns[p].required]
                sets[r].add(key)
        for p in sorted(present_of):
            pattern, present = self.token_patterns[p], present_of[p]
            if present and not all(present):
                continue
            # Where each required token's words stand.
            tokens = [_joined([positions[w] for w in words]) for words in present]
            if not isinstance(pattern.matcher, list):
                yield from self._spacy_matches(restored, pattern, tokens, segment_starts)
                continue
            steps = pattern.matcher
            for column in pattern.columns:
                if listed[column] is None:
                    listed[column] = columns[column].tolist()
            lists = tuple(listed)
            choice = _rarest(pattern, tokens)
            if choice is not None:
                r, forward = choice
                at, token = tokens[r], pattern.held[r]
                if len(tokens) > 1:  # in the segments holding a word of every required token
                    segment_of = numpy.searchsorted(segment_starts, at, side="right") - 1
                    keep = numpy.ones(len(at), dtype=bool)
                    for other, held in enumerate(tokens):
                        if other != r:
                            keep &= _among(
                                segment_of, numpy.searchsorted(segment_starts, held, side="right") - 1
                            )
                    at = at[keep]
            else:
                fewest = _fewest(pattern, columns)
                if fewest is None:
                    # No token to look for: from every token its first step allows, over all
                    # the segments (the matches that straddle two are dropped by the caller).
                    starts = _first_step_starts(columns, steps)
                    found = _sequence_matches(lists, steps, 0, len(columns[0]), starts)  # type: ignore[arg-type]
                    for start, end in found:
                        yield pattern.key, start, end
                    continue
                at, token, forward = fewest
            at = _beside(pattern, columns, segment_starts, at, token, forward)
            least, most = (pattern.before if forward else pattern.after)[token]
            assert most is not None  # a bounded reach is chosen
            for start, end in _within_reach(lists, steps, segment_starts, at, least, most, forward):
                yield pattern.key, start, end

    def _spacy_matches(
        self, restored: Restored, pattern: _TokenPattern, tokens: list[Any], segment_starts: Any
    ) -> Iterator[tuple[int, int, int]]:
        """A pattern only spaCy's Matcher runs, on the segments holding a word of every
        token it requires, from the first word its first token allows to the last its
        last token allows."""
        import bisect

        import numpy

        bounds = restored.bounds
        if not tokens:
            segments: Iterable[int] = range(restored.segments)
        else:
            common = numpy.searchsorted(segment_starts, tokens[0], side="right") - 1
            for held in tokens[1:]:
                common = numpy.intersect1d(common, numpy.searchsorted(segment_starts, held, side="right") - 1)
            segments = numpy.unique(common).tolist()
        first = tokens[0].tolist() if pattern.first else []
        last = tokens[-1].tolist() if pattern.last else []
        for segment in segments:
            a, b = bounds[segment], bounds[segment + 1]
            if first:
                a = first[bisect.bisect_left(first, a)]
            if last:
                b = last[bisect.bisect_left(last, b) - 1] + 1
            if a >= b:
                continue
            for key, start, end in pattern.matcher(self._doc(restored, a, b)):
                yield key, a + start, a + end

    def _required_positions(self, columns: tuple[Any, ...]) -> dict[tuple[int, int], Any]:
        """(column, hash) -> the tokens holding it, in order, for every word some token
        pattern requires."""
        import numpy

        positions: dict[tuple[int, int], Any] = {}
        for column, keys in enumerate(self._required_keys):
            if not len(keys.sorted):
                continue
            hits = numpy.flatnonzero(keys.lookup(columns[column])[1])
            if not len(hits):
                continue
            values = columns[column][hits]
            order = numpy.argsort(values, kind="stable")
            values, hits = values[order], hits[order]
            distinct, first = numpy.unique(values, return_index=True)
            cuts = [*first.tolist(), len(hits)]
            for k, value in enumerate(distinct.tolist()):
                positions[(column, value)] = hits[cuts[k] : cuts[k + 1]]
        return positions

    def _doc(self, restored: Restored, start: int, end: int) -> Doc:
        """Tokens ``start:end`` as a spaCy Doc, for the patterns only spaCy's Matcher runs."""
        import numpy
        from spacy.tokens import Doc

        orths = restored.orths[start:end].tolist()
        for h in set(orths):
            self.vocab.strings.add(restored.strings[h])
        doc = Doc(
            self.vocab,
            words=orths,
            spaces=restored.spaces[start:end].tolist(),
        )
        if len(doc):
            values: Any = numpy.stack(
                [restored.norms[start:end], restored.pos[start:end], restored.lemmas[start:end]], axis=1
            )
            values = numpy.ascontiguousarray(values)
            doc.from_array([NORM, POS, LEMMA], values)
        return doc

    def _resolve(self, restored: Restored, segment: int, matches: list[Match], cues: Any) -> list[Match]:
        if len(matches) == 1:
            kept = [] if matches[0].entry.exclude else matches
        else:
            excluded = [(m.entry.value, m.start, m.end) for m in matches if m.entry.exclude]
            candidates = [m for m in matches if not m.entry.exclude]
            if excluded:
                candidates = [
                    m
                    for m in candidates
                    if not any(v == m.entry.value and s < m.end and m.start < e for v, s, e in excluded)
                ]
            candidates.sort(key=lambda m: (m.start - m.end, -m.entry.weight, m.start))
            kept = []
            for m in candidates:
                start, end, value = m.start, m.end, m.entry.value
                # Two matches may both count when apart, or on the same words for two
                # value forms (written out: this loop is hot).
                for k in kept:
                    if (
                        k.start < end
                        and start < k.end
                        and (k.start != start or k.end != end or k.entry.value == value)
                    ):
                        break
                else:
                    kept.append(m)
            kept.sort(key=lambda m: (m.start, m.end, m.entry.value))
        if not kept:
            return kept
        a, b = restored.bounds[segment], restored.bounds[segment + 1]
        words = cues[a:b]
        if negation.TRIGGERS.isdisjoint(words):
            return kept
        if restored.norm_cues is None:
            restored.norm_cues = _keep_only(restored.norms, *self._norm_cues).tolist()
        norms = restored.norm_cues[a:b]
        for m in kept:
            m.negated = not m.entry.problem and negation.is_negated(words, norms, m.start - a, m.end - a)
        return kept

    def _cues(self, restored: Restored) -> Any:
        """The words of a document that the negation rule looks at; the others blank."""
        return _keep_only(restored.lowers, *self._word_cues)


# A stored DocBin's ORTH, NORM, POS and LEMMA columns, spaces, segment lengths and strings.
StoredParse = tuple[Any, Any, Any, Any, Any, Any, list[str]]


def read_docbin(docbin: bytes) -> StoredParse:
    """The ORTH, NORM, POS and LEMMA columns, spaces, segment lengths and strings of a
    stored DocBin."""
    import msgpack
    import numpy

    try:
        # DocBin's own format, zlib-compressed MessagePack, read by msgpack itself: srsly
        # (spaCy's copy of it) costs a tenth of a second to import.
        msg = msgpack.unpackb(zlib.decompress(docbin), raw=False)
        attrs = list(msg["attrs"])
        tokens = numpy.frombuffer(msg["tokens"], dtype="uint64").reshape(-1, len(attrs))
        spaces = numpy.frombuffer(msg["spaces"], dtype=bool)
        lengths = numpy.frombuffer(msg["lengths"], dtype="int32")
        orth, norm, pos, lemma = (
            numpy.ascontiguousarray(tokens[:, attrs.index(attr)]) for attr in (ORTH, NORM, POS, LEMMA)
        )
        return orth, norm, pos, lemma, spaces, lengths, msg["strings"]
    except (zlib.error, ValueError, KeyError, TypeError, msgpack.UnpackException) as exc:
        raise CorpusError(f"a stored parse cannot be read ({exc}); ingest the documents again") from exc


class _Keys:
    """A set of hashes to find in columns of them: sorted, with a bitmap of their low bits
    that rules out nearly every other hash before any search."""

    BITS = 18

    def __init__(self, hashes: Iterable[int]) -> None:
        import numpy

        self.sorted = numpy.array(sorted(set(hashes)), dtype="uint64")
        self.bitmap = numpy.zeros(1 << self.BITS, dtype=bool)
        self.bitmap[(self.sorted & numpy.uint64((1 << self.BITS) - 1)).astype(numpy.intp)] = True

    def lookup(self, column: Any) -> tuple[Any, Any]:
        """Where each hash of ``column`` sits in ``sorted``, and whether it is there."""
        import numpy

        at = numpy.zeros(len(column), dtype=numpy.intp)
        found = numpy.zeros(len(column), dtype=bool)
        low = (column & numpy.uint64((1 << self.BITS) - 1)).astype(numpy.intp)
        candidates = numpy.flatnonzero(self.bitmap[low])
        if len(candidates):
            values = column[candidates]
            where = numpy.searchsorted(self.sorted, values)
            where[where == len(self.sorted)] = 0
            at[candidates] = where
            found[candidates] = self.sorted[where] == values
        return at, found


def _keep_only(column: Any, keys: _Keys, words: Any) -> Any:
    """``column`` of hashes as words, blank where the hash is not one of ``keys``."""
    import numpy

    at, hit = keys.lookup(column)
    out = numpy.full(len(column), "", dtype=object)
    out[hit] = words[at[hit]]
    return out


def _product(options: list[set[str]]) -> list[tuple[str, ...]]:
    phrases = []
    for phrase in itertools.product(*(sorted(o) for o in options)):
        phrases.append(phrase)
        if len(phrases) >= MAX_VARIANTS:
            break
    return phrases


def _plurals(word: str) -> list[str]:
    if not word[-1:].isalpha() or word.endswith(("s", "x", "z")):
        return []
    if word.endswith(("eau", "au", "eu")):
        return [word + "x"]
    if word.endswith("al"):
        return [word + "s", word[:-2] + "aux"]
    return [word + "s"]


def _expand(tokens: list[dict[str, Any]], attr: str = "NORM") -> list[list[str | None]] | None:
    """The words each token of a pattern of plain ``attr`` values and ``?`` may take (None
    for an optional one: the pattern stands for every phrase they make), or None."""
    options: list[list[str | None]] = []
    for token in tokens:
        op = token.get("OP")
        if set(token) - {attr, "OP"} or op not in (None, "?", "1") or attr not in token:
            return None
        spec = token[attr]
        if isinstance(spec, str):
            words: list[str | None] = [spec]
        elif set(spec) == {"IN"}:
            words = list(spec["IN"])
        else:
            return None
        if op == "?":
            words.append(None)
        options.append(words)
    count = 1
    for words in options:
        count *= len(words)
    return None if count > MAX_PATTERN_PHRASES else options


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", fold(text))


def _pattern_norms(tokens: list[dict[str, Any]]) -> list[str]:
    """The NORM values a pattern names (required or not)."""
    found: list[str] = []
    for token in tokens:
        spec = token.get("NORM")
        if isinstance(spec, str):
            found.append(spec)
        elif isinstance(spec, dict):
            found.extend(spec.get("IN", []))
    return found


_COLUMNS = ("NORM", "LOWER", "POS", "ORTH")  # what the sequence matcher can test, by column
_ANCHOR_COLUMNS = ("NORM", "LOWER")  # those whose words are rare enough to look for first


def _steps(tokens: list[dict[str, Any]]) -> list[tuple[list[tuple[int, list[str], bool]], str | None]] | None:
    """A pattern of NORM, LOWER, POS or ORTH values (a string, ``IN`` or ``NOT_IN`` lists) and
    the operators ``? * + 1``, as steps: (tests, operator), each test (column, words,
    negated); or None."""
    steps = []
    for token in tokens:
        op = token.get("OP")
        if op not in (None, "1", "?", "*", "+"):
            return None
        tests = []
        for attr, spec in token.items():
            if attr == "OP":
                continue
            if attr not in _COLUMNS:
                return None
            if isinstance(spec, str):
                tests.append((_COLUMNS.index(attr), [spec], False))
            elif isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)) in ("IN", "NOT_IN"):
                predicate, words = next(iter(spec.items()))
                tests.append((_COLUMNS.index(attr), list(words), predicate == "NOT_IN"))
            else:
                return None
        if not tests:
            return None
        steps.append((tests, op))
    return steps


def _hashed_steps(
    steps: list[tuple[list[tuple[int, list[str], bool]], str | None]], add: Callable[[str], int]
) -> list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]]:
    """Steps (:func:`_steps`) with their words as the hashes ``add`` gives them, for
    :func:`_sequence_matches`."""
    return [
        (tuple((column, frozenset(add(w) for w in words), negated) for column, words, negated in tests), op)
        for tests, op in steps
    ]


def _first_step_starts(
    columns: tuple[Any, ...], steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]]
) -> list[int] | None:
    """The tokens passing the first step of ``steps`` (numpy columns), or None when the
    first step is optional (a match may then start anywhere)."""
    import numpy

    tests, op = steps[0]
    if op not in (None, "1", "+"):
        return None
    passing = numpy.ones(len(columns[0]), dtype=bool)
    for column, words, negated in tests:
        found = numpy.isin(columns[column], numpy.fromiter(words, dtype="uint64", count=len(words)))
        passing &= ~found if negated else found
    return numpy.flatnonzero(passing).tolist()  # type: ignore[no-any-return]


def _joined(arrays: list[Any]) -> Any:
    """Ascending token positions, joined."""
    import numpy

    return arrays[0] if len(arrays) == 1 else numpy.sort(numpy.concatenate(arrays))


def _rarest(pattern: _TokenPattern, tokens: list[Any]) -> tuple[int, bool] | None:
    """The required token of ``pattern`` leaving the fewest places to try (its places times
    the tokens a match may hold before it, or after it), and whether to match forward
    from the starts it allows (or backward from the ends); None when every one may stand
    any distance from both ends."""
    best, fewest = None, 0
    for r, token in enumerate(pattern.held):
        for forward, (least, most) in ((True, pattern.before[token]), (False, pattern.after[token])):
            if most is None:
                continue
            cost = len(tokens[r]) * (most - least + 1)
            if best is None or cost < fewest:
                best, fewest = (r, forward), cost
    return best


def _fewest(pattern: _TokenPattern, columns: tuple[Any, ...]) -> tuple[Any, int, bool] | None:
    """Like :func:`_rarest` over every token each match has, rare words or not, found by
    its tests over all of ``columns``: its places, the token, and whether to match
    forward; or None when no such token has a bounded reach and a test that picks
    words out."""
    import numpy

    best: tuple[Any, int, bool] | None = None
    fewest = 0
    for token, (tests, op) in enumerate(zip(pattern.tests, (op for _, op in pattern.matcher), strict=True)):
        if op not in (None, "1", "+") or all(negated for _, _, negated in tests):
            continue
        reaches = [
            (f, r)
            for f, r in ((True, pattern.before[token]), (False, pattern.after[token]))
            if r[1] is not None
        ]
        if not reaches:
            continue
        at = numpy.flatnonzero(_passing(columns, tests))
        for forward, (least, most) in reaches:
            assert most is not None
            cost = len(at) * (most - least + 1)
            if best is None or cost < fewest:
                best, fewest = (at, token, forward), cost
    return best


def _passing(columns: tuple[Any, ...], tests: list[tuple[int, Any, bool]], where: Any = None) -> Any:
    """Whether each token (of ``where``, or all) passes ``tests``."""
    passing = None
    for column, words, negated in tests:
        values = columns[column] if where is None else columns[column][where]
        found = _among(values, words)
        if negated:
            found = ~found
        passing = found if passing is None else passing & found
    return passing


def _among(values: Any, ascending: Any) -> Any:
    """Whether each of ``values`` is one of ``ascending`` (a sorted numpy array): a binary
    search on a few values, where ``numpy.isin`` costs ten times more, ``numpy.isin`` on
    many."""
    import numpy

    if len(values) > 2048:
        return numpy.isin(values, ascending)
    if not len(ascending):
        return numpy.zeros(len(values), dtype=bool)
    where = numpy.minimum(numpy.searchsorted(ascending, values), len(ascending) - 1)
    return ascending[where] == values  # type: ignore[no-any-return]


def _beside(
    pattern: _TokenPattern, columns: tuple[Any, ...], segment_starts: Any, at: Any, token: int, forward: bool
) -> Any:
    """The places ``at`` of ``token`` whose neighbours in its segment pass the tests of the
    tokens beside it in the pattern, where every match has them there: the token before
    the first word ``token`` takes (forward) or after the last (backward), and the other
    neighbour too when ``token`` takes one word only."""
    import numpy

    ops = [op for _, op in pattern.matcher]
    single = ops[token] in (None, "1")
    checks = []
    if token > 0 and ops[token - 1] in (None, "1", "+") and (forward or single):
        checks.append((-1, pattern.tests[token - 1]))
    if token + 1 < len(ops) and ops[token + 1] in (None, "1", "+") and (not forward or single):
        checks.append((1, pattern.tests[token + 1]))
    if not checks or not len(at):
        return at
    segment = numpy.searchsorted(segment_starts, at, side="right") - 1
    keep = numpy.ones(len(at), dtype=bool)
    for step, tests in checks:
        beside = at + step
        inside = (beside >= segment_starts[segment]) & (beside < segment_starts[segment + 1])
        keep &= inside
        where = beside[inside]
        if len(where):
            keep[inside] &= _passing(columns, tests, where)
    return at[keep]


def _within_reach(
    lists: tuple[list[int] | None, ...],
    steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]],
    segment_starts: Any,
    at: Any,
    least: int,
    most: int,
    forward: bool,
) -> list[tuple[int, int]]:
    """The matches of ``steps`` holding, ``least`` to ``most`` tokens after their start
    (``forward``) or before their end, one of the tokens ``at``, each within a segment;
    by start, then end."""
    import numpy

    if not len(at):
        return []
    segment = numpy.searchsorted(segment_starts, at, side="right") - 1
    reach = numpy.arange(least, most + 1)
    if forward:  # the tokens a match may start on, and where their segment ends
        starts = (at[:, None] - reach).ravel()
        starts = numpy.unique(starts[starts >= numpy.repeat(segment_starts[segment], len(reach))])
        ends = segment_starts[numpy.searchsorted(segment_starts, starts, side="right")]
        return _matches_from(lists, steps, starts.tolist(), ends.tolist())  # type: ignore[arg-type]
    # the tokens a match may end after, and where their segment starts
    ends = (at[:, None] + 1 + reach).ravel()
    ends = numpy.unique(ends[ends <= numpy.repeat(segment_starts[segment + 1], len(reach))])
    starts = segment_starts[numpy.searchsorted(segment_starts, ends, side="left") - 1]
    return sorted(_matches_to(lists, steps, ends.tolist(), starts.tolist()))  # type: ignore[arg-type]


def _reach(tokens: list[dict[str, Any]]) -> list[tuple[int, int | None]]:
    """Per token of a pattern, how many tokens a match holds before it: at least, and at
    most (None after a "*" or "+")."""
    found: list[tuple[int, int | None]] = []
    least = 0
    bounded = True
    for most, token in enumerate(tokens):
        found.append((least, most if bounded else None))
        op = token.get("OP")
        if op in (None, "1", "+"):
            least += 1
        if op in ("*", "+"):
            bounded = False
    return found


def _sequence_matches(
    columns: tuple[list[int], ...],
    steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]],
    lo: int = 0,
    hi: int | None = None,
    starts: list[int] | None = None,
) -> list[tuple[int, int]]:
    """Every (start, end) where ``steps`` match tokens ``lo:hi``, as spaCy's Matcher finds
    them in those tokens; ``starts``, when given, are the only tokens a match may start on.

    ``columns`` holds, per attribute (NORM, LOWER, POS, ORTH), one value per token. Each step
    (:func:`_hashed_steps`) is a tuple of tests (column, set of values, negated) that a
    token must all pass, and an operator: None or "1" (one token), "?" (zero or one),
    "*" (zero or more), "+" (one or more). Pure Python, but the matcher runs only on
    the few segments that hold a pattern's rare words, where spaCy's ``IN`` predicates
    would be called on every token.
    """
    n = len(columns[0]) if hi is None else hi
    return _matches_from(columns, steps, range(lo, n) if starts is None else starts, n)


def _matches_from(
    columns: tuple[list[int], ...],
    steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]],
    starts: Iterable[int],
    limits: int | list[int],
) -> list[tuple[int, int]]:
    """:func:`_sequence_matches` from each of ``starts`` (ascending), a match ending by
    ``limits`` at the latest, or by ``limits[k]`` for a match from ``starts[k]``."""
    found: list[tuple[int, int]] = []
    if isinstance(limits, int):
        candidates: Iterable[tuple[int, int]] = ((i, limits) for i in starts)
    else:
        candidates = zip(starts, limits, strict=True)
    first_tests, first_op = steps[0]
    rest = steps
    if first_op in (None, "1"):  # a match starts on a token that passes the first step
        for column, words, negated in first_tests:
            values = columns[column]
            candidates = [(i, n) for i, n in candidates if (values[i] in words) != negated]
        rest = steps[1:]  # taken: the walk starts after it
        for start, n in candidates:
            ends = _walk(columns, rest, start + 1, start, n, 1)
            found.extend((start, end) for end in sorted(ends) if end > start)
        return found
    if first_op == "+":
        for column, words, negated in first_tests:
            values = columns[column]
            candidates = [(i, n) for i, n in candidates if (values[i] in words) != negated]
    for start, n in candidates:
        ends = _walk(columns, rest, start, start, n, 1)
        found.extend((start, end) for end in sorted(ends) if end > start)
    return found


def _matches_to(
    columns: tuple[list[int], ...],
    steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]],
    ends: list[int],
    limits: list[int],
) -> list[tuple[int, int]]:
    """:func:`_matches_from` read backward: every (start, end) match ending on one of
    ``ends``, starting at ``limits[k]`` at the earliest for ``ends[k]``."""
    found: list[tuple[int, int]] = []
    backward = steps[::-1]
    last_tests, last_op = backward[0]
    candidates: Iterable[tuple[int, int]] = zip(ends, limits, strict=True)
    if last_op in (None, "1", "+"):  # a match ends on a token that passes the last step
        for column, words, negated in last_tests:
            values = columns[column]
            candidates = [(e, lo) for e, lo in candidates if (values[e - 1] in words) != negated]
        if last_op != "+":
            backward = backward[1:]  # taken: the walk starts before it
            for end, lo in candidates:
                found.extend(
                    (start, end) for start in _walk(columns, backward, end - 1, lo, end, -1) if start < end
                )
            return found
    for end, lo in candidates:
        found.extend((start, end) for start in _walk(columns, backward, end, lo, end, -1) if start < end)
    return found


def _walk(
    columns: tuple[list[int], ...],
    steps: list[tuple[tuple[tuple[int, frozenset[int], bool], ...], str | None]],
    at: int,
    lo: int,
    hi: int,
    direction: int,
) -> set[int] | list[int]:
    """Where ``steps`` can end, walked from ``at`` over tokens ``lo:hi``: forward
    (``direction`` 1, each step taking the token at the position) or backward (-1, the
    token before it). Every step takes the positions its tests let through, all at once."""
    shift = 0 if direction == 1 else -1
    current: set[int] | list[int] = [at]
    for tests, op in steps:
        reached: set[int] = set(current) if op in ("?", "*") else set()
        frontier = current
        repeat = op in ("*", "+")
        while frontier:
            grown = []
            for position in frontier:
                token = position + shift
                if not lo <= token < hi:
                    continue
                for column, words, negated in tests:
                    if (columns[column][token] in words) == negated:
                        break
                else:
                    following = position + direction
                    if following not in reached:
                        reached.add(following)
                        grown.append(following)
            frontier = grown if repeat else []
        if not reached:
            return reached
        current = reached
    return current


def _anchor(token: dict[str, Any]) -> tuple[int, list[str]]:
    """The column and the values a token every match has may take — if they are rare
    enough to look for first; no values for an optional token, one that allows a
    common word, or one that tests only other attributes or NOT_IN."""
    if token.get("OP") not in (None, "+", "1"):
        return 0, []
    for column, attr in enumerate(_ANCHOR_COLUMNS):
        spec = token.get(attr)
        if spec is None:
            continue
        if isinstance(spec, str):
            words = [spec]
        elif isinstance(spec, dict):
            words = list(spec.get("IN", []))
        else:
            words = []
        return column, ([] if not words or COMMON_WORDS & set(words) else words)
    return 0, []


class PhraseTable:
    """Phrases of token hashes, each standing for one or more keys, found in a column of
    hashes as spaCy's ``PhraseMatcher`` finds them, in order: by start, then end, then the
    keys of one phrase in the order they were added (lexicon order, which settles a tie
    between two equal matches downstream).

    Each window of the column, for each length of phrase, gets a rolling hash (numpy,
    wrapping 64-bit arithmetic); a bitmap on its low bits rules out nearly every window,
    the few left are looked up, and each hit is checked word by word.
    """

    BITS = 18  # of the bitmaps: 262,144 entries for a few thousand phrases of each length
    _FACTOR = 0x9E3779B97F4A7C15  # odd: windows that differ in one word never collide

    def __init__(self) -> None:
        # per length: phrase -> its keys, as added
        self._keys: dict[int, dict[tuple[int, ...], list[int]]] = {}
        # per length: a bitmap of the hashes' low bits, the sorted hashes, and in that
        # order the phrases' words and keys: all the keys in a row, and where each
        # phrase's end (None when each has one)
        self._lengths: dict[int, tuple[Any, Any, Any, list[int], list[int] | None]] = {}

    def add(self, key: int, phrases: Iterable[Iterable[int]]) -> None:
        by_length = self._keys
        for phrase in phrases:
            words = tuple(phrase)
            if not words:
                continue
            found = by_length.get(len(words))
            if found is None:
                found = by_length[len(words)] = {}
            keys = found.get(words)
            if keys is None:
                found[words] = [key]
            elif key not in keys:
                keys.append(key)

    def compile(self) -> None:
        import numpy

        self._lengths = {}
        factor = numpy.uint64(self._FACTOR)
        for length, found in sorted(self._keys.items()):
            phrases = list(found)
            table: Any = numpy.fromiter(
                itertools.chain.from_iterable(phrases), dtype="uint64", count=len(phrases) * length
            ).reshape(len(phrases), length)
            hashes = table[:, 0].copy()
            for j in range(1, length):
                hashes = hashes * factor + table[:, j]
            order = numpy.argsort(hashes, kind="stable")
            hashes = hashes[order]
            bitmap = numpy.zeros(1 << self.BITS, dtype=bool)
            bitmap[(hashes & numpy.uint64((1 << self.BITS) - 1)).astype(numpy.intp)] = True
            keys_of = list(found.values())
            keys = [keys_of[i] for i in order.tolist()]
            flat = list(itertools.chain.from_iterable(keys))
            ends = None if len(flat) == len(keys) else list(itertools.accumulate(map(len, keys)))
            self._lengths[length] = (bitmap, hashes, table[order], flat, ends)

    def arrays(self, name: str) -> dict[str, Any]:
        """The compiled table as numpy arrays named ``name.LENGTH.part``."""
        import numpy

        found = {}
        for length, (_, hashes, words, flat, ends) in self._lengths.items():
            found[f"{name}.{length}.hashes"] = hashes
            found[f"{name}.{length}.words"] = words
            found[f"{name}.{length}.keys"] = numpy.array(flat, dtype="uint64")
            found[f"{name}.{length}.ends"] = numpy.array(
                range(1, len(flat) + 1) if ends is None else ends, dtype="int64"
            )
        return found

    def read(self, name: str, arrays: dict[str, Any]) -> None:
        """The compiled table from :meth:`arrays`."""
        import numpy

        self._lengths = {}
        prefix = f"{name}."
        lengths = sorted({int(k.split(".")[1]) for k in arrays if k.startswith(prefix)})
        for length in lengths:
            hashes, words, flat, ends = (
                arrays[f"{prefix}{length}.{part}"] for part in ("hashes", "words", "keys", "ends")
            )
            if (
                words.shape != (len(hashes), length)
                or len(ends) != len(hashes)
                or (len(ends) and (ends[-1] != len(flat) or ends[0] < 1 or (numpy.diff(ends) < 1).any()))
            ):
                raise ValueError(f"the {name} table of phrases of {length} words is damaged")
            bitmap = numpy.zeros(1 << self.BITS, dtype=bool)
            bitmap[(hashes & numpy.uint64((1 << self.BITS) - 1)).astype(numpy.intp)] = True
            self._lengths[length] = (
                bitmap,
                hashes,
                words,
                flat.tolist(),
                None if len(flat) == len(ends) else ends.tolist(),
            )

    def __call__(self, column: Any) -> list[tuple[int, int, int]]:
        """(key, start, end) of every phrase in ``column`` (a numpy array of hashes)."""
        import numpy

        n = len(column)
        if not n or not self._lengths:
            return []
        mask = numpy.uint64((1 << self.BITS) - 1)
        factor = numpy.uint64(self._FACTOR)
        starts, lengths = [], []
        keys_of: list[tuple[int, ...]] = []
        window = column
        for length in range(1, max(self._lengths) + 1):
            if length > n:
                break
            if length > 1:
                window = window[:-1] * factor + column[length - 1 :]
            table = self._lengths.get(length)
            if table is None:
                continue
            bitmap, hashes, words, flat, ends = table
            at = numpy.flatnonzero(bitmap[(window & mask).astype(numpy.intp)])
            if not len(at):
                continue
            where = numpy.searchsorted(hashes, window[at])
            where[where == len(hashes)] = 0
            found = hashes[where] == window[at]
            at, where = at[found], where[found]
            if length > 1 and len(at):  # the words themselves, should two phrases share a hash
                same = (column[at[:, None] + numpy.arange(length)] == words[where]).all(axis=1)
                at, where = at[same], where[same]
            if len(at):
                starts.append(at)
                lengths.append(numpy.full(len(at), length))
                if ends is None:
                    keys_of.extend((flat[i],) for i in where.tolist())
                else:
                    keys_of.extend(tuple(flat[ends[i - 1] if i else 0 : ends[i]]) for i in where.tolist())
        if not starts:
            return []
        start_of, length_of = numpy.concatenate(starts), numpy.concatenate(lengths)
        order = numpy.lexsort((length_of, start_of)).tolist()
        start_list, end_list = start_of.tolist(), (start_of + length_of).tolist()
        return [(key, start_list[i], end_list[i]) for i in order for key in keys_of[i]]
