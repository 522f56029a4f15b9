"""Cross-validation by interview: would terms learned from some coded interviews help on the others?

The coded documents are dealt into ``k`` folds (sorted, one in ``k`` to each fold: a
document is never split). For each fold, terms are learned (:mod:`vmatrix.coding.learn`)
from the codes and parses of the *other* folds only, laid on top of the lexicon, and
the fold's documents are suggested with that lexicon and scored. Every document is
thus scored exactly once, by terms learned without it; the units of all folds are
then counted together. The lexicon alone is scored on the same units for comparison.
Nothing is stored: the corpus keeps its suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vmatrix.coding.evaluate import (
    Evaluation,
    Suggested,
    anchored_codes,
    make_units,
    reported_suggestions,
    tabulate,
)
from vmatrix.coding.learn import Learned, learn_terms, learned_lexicon
from vmatrix.coding.lexicon import Lexicon, overlay, read_phrases
from vmatrix.corpus.store import Corpus
from vmatrix.errors import UsageError

if TYPE_CHECKING:
    from vmatrix.coding.codebook import Codebook


@dataclass
class Fold:
    held_out: list[str]  # documents scored
    learned_from: list[str]  # documents the terms were learned from
    terms: int  # terms learned


@dataclass
class CrossValidation:
    k: int
    unit: str
    lexicon: Evaluation  # the lexicon alone
    learned: Evaluation  # the lexicon and the terms learned on the other folds
    folds: list[Fold] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "unit": self.unit,
            "folds": [
                {"held_out": f.held_out, "learned_from": f.learned_from, "terms": f.terms} for f in self.folds
            ],
            "lexicon": self.lexicon.to_json(),
            "lexicon_and_learned_terms": self.learned.to_json(),
        }


def folds(documents: Sequence[str], k: int) -> list[list[str]]:
    """``documents`` dealt into ``k`` folds, in sorted order."""
    ordered = sorted(documents)
    if k < 2 or k > len(ordered):
        raise UsageError(
            f"--cross-validate {k}: give between 2 and {len(ordered)} folds "
            f"(one per coded document at most; {len(ordered)} documents are coded)"
        )
    return [ordered[i::k] for i in range(k)]


def cross_validate(
    corpus: Corpus,
    lexicon: Lexicon,
    k: int,
    *,
    unit: str = "segment",
    values: Sequence[str] | None = None,
    coders: list[str] | None = None,
    min_score: float = 0.35,
    thresholds: Sequence[float] = (),
    top: int = 10,
    learn_options: dict[str, Any] | None = None,
    codebook: Codebook | None = None,
) -> CrossValidation:
    """The lexicon alone, and with terms learned on the other folds, scored fold by fold.

    ``lexicon`` must hold its readings (:func:`vmatrix.coding.lexicon.read_phrases`);
    ``learn_options`` go to :func:`vmatrix.coding.learn.learn_terms`; ``codebook`` tells
    the tools apart (unit ``tool``, see :mod:`vmatrix.coding.evaluate`).
    """
    from vmatrix.coding.suggest import suggest

    codes = anchored_codes(corpus, coders=coders)
    coded = sorted({c.document_id for c in codes})
    dealt = folds(coded, k)
    alone = suggest(corpus, lexicon, documents=coded, min_score=0.0, store=False)
    with_terms: Suggested = {}
    done: list[Fold] = []
    for held_out in dealt:
        training = [d for d in coded if d not in held_out]
        learned: Learned = learn_terms(
            corpus, documents=training, coders=coders, values=values, lexicon=lexicon, **(learn_options or {})
        )
        combined = overlay(lexicon, learned_lexicon(learned, lexicon.folder))
        read_phrases(combined, corpus)  # as `suggest --lexicons` reads them
        report = suggest(corpus, combined, documents=held_out, min_score=0.0, store=False)
        with_terms.update(reported_suggestions(report))
        done.append(Fold(held_out, learned.documents, len(learned.all_terms())))
    units = make_units(corpus, codes, reported_suggestions(alone), unit=unit, codebook=codebook)
    learned_units = make_units(corpus, codes, with_terms, unit=unit, codebook=codebook)
    options = {"values": values, "min_score": min_score, "thresholds": thresholds, "top": top, "unit": unit}
    return CrossValidation(
        k,
        unit,
        _with_codes(tabulate(units, **options), len(codes)),  # type: ignore[arg-type]
        _with_codes(tabulate(learned_units, **options), len(codes)),  # type: ignore[arg-type]
        done,
    )


def _with_codes(result: Evaluation, codes: int) -> Evaluation:
    result.codes = codes
    return result
