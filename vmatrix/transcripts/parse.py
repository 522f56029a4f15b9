"""Parse once: spaCy's French model over every segment, stored as a DocBin.

Only the components later stages need run (tok2vec, morphologizer, attribute_ruler,
lemmatizer): the lemmas were identical with the parser and NER disabled, at twice
the speed. Each token's ``NORM`` holds its folded lemma (:func:`vmatrix.textnorm.fold`),
the key lexicons are matched on, with two repairs of known lemmatiser errors:

* a capitalised word at the start of a line is often tagged PROPN and keeps its
  spelling ("Réseaux"): it gets the common-noun lemma when the model knows one;
* a verb read as a noun right after a subject pronoun ("on gagne du temps": "gagne"
  as NOUN) gets the verb's lemma when the model knows that verb.

Docs are restored from the corpus into a blank French vocabulary: reading them
never loads the model.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from vmatrix.textnorm import fold, model_text

__all__ = ["fold", "from_bytes", "load_model", "parse", "to_bytes"]

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

MODEL = "fr_core_news_sm"
EXCLUDED = ["parser", "ner", "senter"]
DOCBIN_ATTRS = ["ORTH", "SPACY", "LEMMA", "POS", "MORPH", "NORM"]
BATCH_SIZE = 16
# Words after which a noun-tagged word is in fact a conjugated verb.
_SUBJECTS = {
    "on",
    "je",
    "j'",
    "tu",
    "il",
    "elle",
    "ils",
    "elles",
    "ça",
    "ca",
    "cela",
    "qui",
    "ne",
    "n'",
    "se",
    "s'",
    "me",
    "m'",
    "te",
    "t'",
    "lui",
    "y",
}

K = TypeVar("K")


@functools.cache
def load_model() -> Language:
    """The French pipeline with only the components vmatrix uses (no network).

    Loaded once per process (about 4 s).
    """
    import spacy

    try:
        return spacy.load(MODEL, exclude=EXCLUDED)
    except OSError as exc:  # pragma: no cover - only when the install is broken
        from vmatrix.errors import VmatrixError

        raise VmatrixError(
            f"spaCy's French model {MODEL} is not installed; reinstall vmatrix "
            "(pip install vmatrix brings it)"
        ) from exc


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('name', MODEL)}-{nlp.meta.get('version', '?')}"


def parse(
    nlp: Language,
    items: Iterable[tuple[str, K]],
    *,
    n_process: int = 1,
    batch_size: int = BATCH_SIZE,
) -> Iterator[tuple[Doc, K]]:
    """Parse ``(text, key)`` pairs in order; texts are stored texts, not model texts.

    A text longer than :data:`PIECE_CHARS` (a transcript pasted as one line) is parsed
    in pieces cut at sentence ends or spaces, joined back into one Doc with the same
    text and offsets: spaCy refuses a text over ``nlp.max_length``, and one batch of
    long texts would take gigabytes.
    """
    from spacy.tokens import Doc

    repair = NormRepair(nlp)
    longest = min(PIECE_CHARS, nlp.max_length)

    def pieces() -> Iterator[tuple[str, tuple[K, int, int]]]:
        for text, key in items:
            parts = split_long(text, longest)
            for i, part in enumerate(parts):
                yield model_text(part), (key, i, len(parts))

    held: list[Doc] = []
    stream = nlp.pipe(pieces(), as_tuples=True, n_process=n_process, batch_size=batch_size)
    for doc, (key, i, count) in stream:
        repair(doc)
        if count == 1:
            yield doc, key
            continue
        held.append(doc)
        if i == count - 1:
            yield Doc.from_docs(held, ensure_whitespace=False), key
            held = []


# Texts longer than this are parsed in pieces (most speaker turns are shorter). Measured on
# a 1 MB line: 1.5 GB of peak memory in pieces of 20,000 characters, 0.8 GB in 5,000.
PIECE_CHARS = 5_000
_SENTENCE_END = re.compile(r"[.!?…»]\s+")
_SPACE = re.compile(r"\s+")


def split_long(text: str, longest: int) -> list[str]:
    """``text`` cut into pieces of at most ``longest`` characters that join back into it,
    each ending after a sentence end if one falls in its second half, else after a space,
    else (a "word" that long) anywhere."""
    if len(text) <= longest:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > longest:
        window = text[start : start + longest]
        cut = 0
        for pattern in (_SENTENCE_END, _SPACE):
            ends = [m.end() for m in pattern.finditer(window, longest // 2)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or longest
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


class NormRepair:
    """Sets every token's NORM to its folded, repaired lemma."""

    def __init__(self, nlp: Language) -> None:
        self.strings = nlp.vocab.strings
        self.cache: dict[int, int] = {}
        self.lemmatizer: Any = None
        self.nouns: set[str] = set()
        self.verbs: set[str] = set()
        if "lemmatizer" in nlp.pipe_names:
            lemmatizer = nlp.get_pipe("lemmatizer")
            lookups = getattr(lemmatizer, "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                index = lookups.get_table("lemma_index")
                self.lemmatizer = lemmatizer
                self.nouns = set(index.get("noun", []))
                self.verbs = set(index.get("verb", []))

    def folded(self, lemma: str) -> int:
        key = self.strings.add(lemma)
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = self.strings.add(fold(lemma))
        return value

    def __call__(self, doc: Doc) -> None:
        import numpy
        from spacy.attrs import NORM

        norms: Any = numpy.empty(len(doc), dtype="uint64")
        previous = ""
        for i, token in enumerate(doc):
            lemma = token.lemma_ or token.text
            pos = token.pos_
            if self.lemmatizer is not None and pos in ("PROPN", "NOUN"):
                lemma = self._repair(token, lemma, pos, previous)
            norms[i] = self.folded(lemma)
            previous = token.lower_
        if len(doc):
            doc.from_array([NORM], norms.reshape(-1, 1))

    def _repair(self, token: Any, lemma: str, pos: str, previous: str) -> str:
        if token.text.islower() and previous in _SUBJECTS:
            token.pos_ = "VERB"
            candidate = self.lemmatizer.rule_lemmatize(token)[0]
            token.pos_ = pos
            if candidate in self.verbs:
                return candidate
        if pos == "PROPN" and token.text[:1].isupper():
            token.pos_ = "NOUN"
            candidate = self.lemmatizer.rule_lemmatize(token)[0]
            token.pos_ = pos
            if candidate in self.nouns:
                return candidate
        return lemma


def to_bytes(docs: Iterable[Doc]) -> bytes:
    from spacy.tokens import DocBin

    bin_ = DocBin(attrs=DOCBIN_ATTRS, store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    return bin_.to_bytes()


_BLANK: Any = None


def blank_vocab() -> Vocab:
    """A French vocabulary without the model: enough to restore stored Docs."""
    global _BLANK
    if _BLANK is None:
        import spacy

        _BLANK = spacy.blank("fr")
    return _BLANK.vocab


def from_bytes(data: bytes, vocab: Vocab | None = None) -> list[Doc]:
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(data).get_docs(vocab or blank_vocab()))
