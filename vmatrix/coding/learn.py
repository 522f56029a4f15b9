"""Learning terms from the researcher's codes: the words over-represented in a value form's verbatims.

In: the anchored manual codes and the stored parses of the coded documents. Out, for
each value form, the lemmas and two-word phrases found in its verbatims more often than
in the other coded verbatims, each with its counts, its z-score and two example
passages — terms a researcher reviews and keeps as a user lexicon
(:func:`write_lexicon`), loaded by ``suggest --lexicons DIR`` on top of the bundled one.

The measure is the weighted log-odds ratio with an informative Dirichlet prior of
Monroe, Colaresi & Quinn (2008, "Fightin' words", *Political Analysis* 16(4)). For a
value form ``v`` and a term ``w``, with ``y`` the number of verbatims coded ``v`` that
hold ``w``, ``n`` their total over all terms, ``y'`` and ``n'`` the same for the coded
verbatims not coded ``v``, and a prior ``a_w = a0 · b_w / B`` (``b_w`` the segments of the
documents holding ``w``, ``B`` their total, ``a0`` the prior's size)::

    δ = ln((y + a_w) / (n + a0 − y − a_w)) − ln((y' + a_w) / (n' + a0 − y' − a_w))
    z = δ / sqrt(1 / (y + a_w) + 1 / (y' + a_w))

A term is counted once per verbatim (presence, not frequency): a word repeated in one
answer is not more telling. The prior pulls rare words towards the corpus's own rates,
so a word seen twice is not a term. A term is kept when ``z ≥ min_z``, it is found in
at least ``min_count`` verbatims of the value form from at least ``min_documents``
interviews (one interviewee's way of speaking is not a value form's vocabulary), it is
not a stop word, a hesitation or a light verb, and no lexicon already has it.

Terms are lemmas: one content word (noun, verb, adjective, adverb, proper noun), or two
adjacent words of which the second is a content word and the first a content word or a
preposition ("site internet", "à distance", "sur mesure").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vmatrix.coding.evaluate import anchored_codes
from vmatrix.corpus.store import Corpus
from vmatrix.errors import CorpusError, UsageError
from vmatrix.textnorm import fold, one_paragraph

if TYPE_CHECKING:
    from vmatrix.coding.lexicon import Lexicon

MIN_Z = 2.0
MIN_COUNT = 3
MIN_DOCUMENTS = 2
PRIOR = 200.0  # a0: the prior's weight, in verbatim-term counts
WEIGHT = 1.0  # a term's weight; half as much for a term found in other value forms' verbatims as often
STRONG_SHARE = 0.6  # ... as in its own
TOP = 25  # terms kept per value form

_CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}
_BREAKS = {"PUNCT", "SPACE", "X", "SYM", "NUM", "INTJ"}  # no phrase runs across these
# Said everywhere in an interview, telling nothing of a value form (folded).
_SPOKEN = set(
    """
    euh heu hum mh hein ben bah bon ouais oui non voila quoi bref enfin genre truc machin chose
    etre avoir faire aller dire pouvoir vouloir falloir devoir savoir voir mettre prendre donner
    venir passer trouver croire penser parler fois gens an annee jour moment cas niveau part
    """.split()
)
_EXCERPT = 90  # characters either side of a term in an example


@dataclass
class Example:
    document: str
    label: str  # "Entretien 10"
    text: str  # an excerpt of the verbatim around the term

    def cited(self) -> str:
        return f"« {self.text} » ({self.label})"


@dataclass
class LearnedTerm:
    value: str
    term: str  # as written in a lexicon: lemmas, space-separated
    key: tuple[str, ...]  # folded lemmas (the corpus's NORM)
    z: float
    log_odds: float
    coded: int  # verbatims coded with the value form that hold the term
    elsewhere: int  # other coded verbatims that hold it
    documents: int  # interviews of the verbatims coded with the value form that hold it
    weight: float
    examples: list[Example] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.coded / (self.coded + self.elsewhere)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "term": self.term,
            "z": round(self.z, 2),
            "log_odds": round(self.log_odds, 3),
            "coded": self.coded,
            "elsewhere": self.elsewhere,
            "documents": self.documents,
            "weight": self.weight,
            "examples": [{"document": e.document, "label": e.label, "text": e.text} for e in self.examples],
        }


@dataclass
class Learned:
    terms: dict[str, list[LearnedTerm]]  # value form -> terms, best first
    documents: list[str]  # the documents learned from
    verbatims: int  # coded verbatims read
    per_value: dict[str, int]  # value form -> verbatims coded with it

    def all_terms(self) -> list[LearnedTerm]:
        return [t for terms in self.terms.values() for t in terms]


@dataclass
class _Verbatim:
    document: str
    start: int
    end: int
    values: set[str]
    features: dict[tuple[str, ...], int]  # term -> character offset of its first occurrence


def learn_terms(
    corpus: Corpus,
    *,
    documents: list[str] | None = None,
    coders: list[str] | None = None,
    values: Sequence[str] | None = None,
    lexicon: Lexicon | None = None,
    min_z: float = MIN_Z,
    min_count: int = MIN_COUNT,
    min_documents: int = MIN_DOCUMENTS,
    prior: float = PRIOR,
    weight: float = WEIGHT,
    top: int = TOP,
) -> Learned:
    """The terms over-represented in each value form's verbatims (see the module doc).

    Only ``documents`` are read (default: every coded document), codes and background
    alike: cross-validation learns on some interviews and scores the others. Terms
    ``lexicon`` already has, under any value form, are left out.
    """
    codes = anchored_codes(corpus, documents=documents, coders=coders)
    coded_documents = sorted({c.document_id for c in codes})
    known = _known_keys(lexicon) if lexicon is not None else set()
    verbatims: dict[tuple[str, int, int], _Verbatim] = {}
    background: Counter[tuple[str, ...]] = Counter()
    spelling: dict[tuple[str, ...], Counter[str]] = {}
    for doc_id in coded_documents:
        doc_codes = [c for c in codes if c.document_id == doc_id]
        for code in doc_codes:
            key = (doc_id, code.start or 0, code.end or 0)
            found = verbatims.setdefault(key, _Verbatim(doc_id, key[1], key[2], set(), {}))
            found.values.update(code.values)
        spans = [v for (d, _, _), v in verbatims.items() if d == doc_id]
        for segment_start, tokens in read_tokens(corpus, doc_id):
            seen: set[tuple[str, ...]] = set()
            for feature, start, written in _features(tokens):
                seen.add(feature)
                spelling.setdefault(feature, Counter())[written] += 1
                at = segment_start + start
                for verbatim in spans:
                    if verbatim.start <= at < verbatim.end:
                        verbatim.features.setdefault(feature, at)
            background.update(seen)
    wanted = (
        list(values) if values else sorted({v for verbatim in verbatims.values() for v in verbatim.values})
    )
    items = list(verbatims.values())
    total = sum(background.values()) or 1
    per_value = {v: sum(v in verbatim.values for verbatim in items) for v in wanted}
    candidates: dict[tuple[str, ...], LearnedTerm] = {}
    for value in wanted:
        inside: Counter[tuple[str, ...]] = Counter()
        outside: Counter[tuple[str, ...]] = Counter()
        sources: dict[tuple[str, ...], set[str]] = {}
        for verbatim in items:
            coded = value in verbatim.values
            (inside if coded else outside).update(verbatim.features.keys())
            if coded:
                for feature in verbatim.features:
                    sources.setdefault(feature, set()).add(verbatim.document)
        n_in, n_out = sum(inside.values()), sum(outside.values())
        for feature, y in inside.items():
            if y < min_count or len(sources[feature]) < min_documents or feature in known:
                continue
            alpha = prior * background[feature] / total
            y_out = outside.get(feature, 0)
            delta = math.log((y + alpha) / (n_in + prior - y - alpha)) - math.log(
                (y_out + alpha) / (n_out + prior - y_out - alpha)
            )
            z = delta / math.sqrt(1 / (y + alpha) + 1 / (y_out + alpha))
            if z < min_z:
                continue
            term = LearnedTerm(
                value,
                " ".join(spelling[feature].most_common(1)[0][0].split("\0")),
                feature,
                z,
                delta,
                y,
                y_out,
                len(sources[feature]),
                weight if y / (y + y_out) >= STRONG_SHARE else weight / 2,
            )
            best = candidates.get(feature)
            if best is None or term.z > best.z:  # a term belongs to one value form: its best
                candidates[feature] = term
    chosen: dict[str, list[LearnedTerm]] = {v: [] for v in wanted}
    for term in sorted(candidates.values(), key=lambda t: (-t.z, t.term)):
        chosen[term.value].append(term)
    for value, terms in chosen.items():
        kept = _without_covered(terms)[:top]
        for term in kept:
            term.examples = _examples(corpus, term, items)
        chosen[value] = kept
    return Learned(chosen, coded_documents, len(items), per_value)


def _known_keys(lexicon: Lexicon) -> set[tuple[str, ...]]:
    """The terms a lexicon has, as the corpus reads them: their folded lemmas, and their
    folded words (a term is matched on both)."""
    known: set[tuple[str, ...]] = set()
    for lex in lexicon.values.values():
        for term in lex.terms:
            reading = lexicon.readings.get(term)
            if reading is not None:
                known.add(tuple(reading.norms))
                known.add(tuple(reading.words))
            known.add(tuple(fold(term).split()))
    return known


class _Token(NamedTuple):
    norm: str  # folded, repaired lemma
    pos: str
    lemma: str
    start: int  # character offset in the segment
    word: str


def read_tokens(corpus: Corpus, doc_id: str) -> list[tuple[int, list[_Token]]]:
    """Each segment's start in the document and its tokens, read from the stored parse's
    arrays (no spaCy Doc, no vocabulary to build)."""
    import zlib

    import numpy
    import srsly
    from spacy.attrs import IDS
    from spacy.parts_of_speech import NAMES
    from spacy.strings import StringStore

    stored = corpus.parse_blob(doc_id)
    if stored is None:
        raise CorpusError(f"document {doc_id!r} has no stored parse; ingest it again")
    segments = corpus.segments(doc_id)
    try:
        msg = srsly.msgpack.unpackb(zlib.decompress(stored[2]), raw=False, object_pairs_hook=None)
        attrs = list(msg["attrs"])
        columns = numpy.frombuffer(msg["tokens"], dtype="uint64").reshape(-1, len(attrs))
        spaces = numpy.frombuffer(msg["spaces"], dtype=bool).tolist()
        lengths = numpy.frombuffer(msg["lengths"], dtype="int32").tolist()
        orth, norm, pos, lemma = (
            columns[:, attrs.index(IDS[name])].tolist() for name in ("ORTH", "NORM", "POS", "LEMMA")
        )
        strings = StringStore(msg["strings"])
    except (zlib.error, ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"the stored parse of {doc_id!r} cannot be read ({exc}); ingest it again") from exc
    if len(lengths) != len(segments):
        raise CorpusError(
            f"the stored parse of {doc_id!r} has {len(lengths)} segments, the corpus {len(segments)}; "
            "ingest it again"
        )
    found = []
    i = 0
    for segment, length in zip(segments, lengths, strict=True):
        tokens, at = [], 0
        for j in range(i, i + length):
            word = strings[orth[j]]
            tokens.append(_Token(strings[norm[j]], NAMES.get(pos[j], ""), strings[lemma[j]], at, word))
            at += len(word) + spaces[j]
        found.append((segment.start, tokens))
        i += length
    return found


def _features(tokens: list[_Token]) -> Iterable[tuple[tuple[str, ...], int, str]]:
    """The candidate terms of a segment: (folded lemmas, character offset, lemmas as written
    joined by NUL)."""
    previous = None
    for token in tokens:
        norm, pos = token.norm, token.pos
        lemma = (token.lemma or token.word).lower()
        content = pos in _CONTENT and _telling(norm, fold(token.word))
        if content:
            yield (norm,), token.start, lemma
        if content and previous is not None and (previous[3] or previous[2] == "ADP") and previous[0] != norm:
            yield (previous[0], norm), previous[1], previous[4] + "\0" + lemma
        if pos in _BREAKS or not token.word.strip():
            previous = None
        else:
            previous = (norm, token.start, pos, content, lemma)


def _telling(norm: str, word: str) -> bool:
    stop = stop_words()
    return (
        len(norm) > 1
        and norm not in _SPOKEN
        and norm not in stop
        and word not in stop
        and any(c.isalpha() for c in norm)
    )


_STOP: set[str] = set()


def stop_words() -> set[str]:
    """spaCy's French stop words, folded. The list is read from its own module without
    importing ``spacy.lang.fr``, whose tokenizer exceptions take a second to compile."""
    if not _STOP:
        import importlib.util

        spec = importlib.util.find_spec("spacy")
        assert spec is not None and spec.origin is not None
        path = Path(spec.origin).parent / "lang" / "fr" / "stop_words.py"
        module = importlib.util.spec_from_file_location("_vmatrix_fr_stop_words", path)
        assert module is not None and module.loader is not None
        words = importlib.util.module_from_spec(module)
        module.loader.exec_module(words)
        _STOP.update(fold(w) for w in words.STOP_WORDS)
    return _STOP


def _without_covered(terms: list[LearnedTerm]) -> list[LearnedTerm]:
    """Drop a two-word phrase whose content words are terms of the value form already
    found more telling: the single word matches wherever the phrase does."""
    singles = {t.key[0]: t.z for t in terms if len(t.key) == 1}
    kept = []
    for term in terms:
        if len(term.key) == 2 and any(singles.get(word, -math.inf) >= term.z for word in term.key):
            continue
        kept.append(term)
    return kept


def _examples(corpus: Corpus, term: LearnedTerm, verbatims: list[_Verbatim], limit: int = 2) -> list[Example]:
    """Two verbatims coded with the term's value form that hold it, from two interviews when
    there are."""
    holding = [v for v in verbatims if term.value in v.values and term.key in v.features]
    picked: list[_Verbatim] = []
    for verbatim in holding:
        if all(verbatim.document != p.document for p in picked):
            picked.append(verbatim)
        if len(picked) == limit:
            break
    for verbatim in holding:
        if len(picked) == limit:
            break
        if verbatim not in picked:
            picked.append(verbatim)
    found = []
    for verbatim in picked:
        document = corpus.document(verbatim.document, with_text=True)
        assert document is not None and document.text is not None
        at = verbatim.features[term.key]
        begin = max(verbatim.start, at - _EXCERPT)
        end = min(verbatim.end, at + _EXCERPT)
        text = one_paragraph(document.text[begin:end])
        text = ("… " if begin > verbatim.start else "") + text + (" …" if end < verbatim.end else "")
        found.append(Example(verbatim.document, document.label, text))
    return found


# -- writing a user lexicon ---------------------------------------------------------


def learned_lexicon(learned: Learned, folder: Path) -> Lexicon:
    """The learned terms as a lexicon in memory (what :func:`write_lexicon` would write)."""
    import hashlib

    from vmatrix.coding.lexicon import Lexicon, ValueLexicon

    values = {
        value: ValueLexicon(value, folder / f"{value}.toml", terms={t.term: t.weight for t in terms})
        for value, terms in learned.terms.items()
        if terms
    }
    digest = hashlib.sha256(
        repr(sorted((t.value, t.term, t.weight) for t in learned.all_terms())).encode()
    ).hexdigest()
    return Lexicon(folder, values, digest, label_name="learned")


def write_lexicon(learned: Learned, folder: Path, *, source: str = "") -> list[Path]:
    """One ``<value>.toml`` per value form with learned terms, in the lexicon format, each
    term with its figures and examples as comments. Files of value forms with no terms
    are not written; existing files of the folder are replaced only for the value forms
    written."""
    import json

    from vmatrix.coding.lexicon import write_value_files

    if not learned.all_terms():
        raise UsageError("no term to write: none passed the thresholds")
    files = {}
    for value, terms in learned.terms.items():
        if not terms:
            continue
        entries = []
        for term in terms:
            entries.append(
                f"{json.dumps(term.term, ensure_ascii=False)} = {term.weight}  "
                f"# z {term.z:.1f}, {term.coded} of {term.coded + term.elsewhere} coded verbatims "
                f"holding it, {term.documents} interviews"
            )
            entries.extend(f"#   {e.cited()}" for e in term.examples)
        comments = [
            f"# Terms learned from {learned.per_value.get(value, 0)} verbatims coded {value} "
            f"({learned.verbatims} coded verbatims, {len(learned.documents)} interviews{source}).",
            "# Review each term: keep it, change its weight, or delete its line.",
        ]
        files[value] = (comments, "Terms learned from the manual codes (vmatrix lexicon learn).", entries)
    return write_value_files(folder, files)
