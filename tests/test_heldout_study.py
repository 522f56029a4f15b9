"""The study-style held-out set stays usable: every quote anchors exactly inside an answer."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus

SET = Path(__file__).parent.parent / "benchmarks" / "heldout-study"
pytestmark = pytest.mark.slow
FORMS = set(
    "fonctionnelle personnalisation localisation sociale hedonique epistemique "
    "actualisation socialisation traditionnelle securite benevolence".split()
)


def test_every_quote_anchors_exactly_in_an_answer(tmp_path: Path) -> None:
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest
    from vmatrix.transcripts.segment import interviewers

    with Corpus(tmp_path / "study.db", create=True) as corpus:
        ingested = ingest(corpus, [SET / "transcripts"], meta=SET / "interviews.csv")
        codebook = load_codebook(None)
        validation = validate_sheets(corpus, [SET / "codes.csv"], codebook, dry_run=True)
        answers: dict[str, list[tuple[int, int]]] = {}
        for doc_id in corpus.document_ids():
            text, segments = corpus.text(doc_id), corpus.segments(doc_id)
            asking = interviewers((s.speaker, text[s.start : s.end]) for s in segments)
            assert len(asking) == 1 and all(s.speaker for s in segments), doc_id
            answers[doc_id] = [(s.start, s.end) for s in segments if s.speaker not in asking]
    assert len(ingested.outcomes) == 8
    assert all(900 <= o.words <= 1600 for o in ingested.outcomes)
    assert not [f for f in validation.findings if f.severity != "info"], validation.findings
    assert len(validation.anchors) == validation.rows >= 120
    for a in validation.anchors:
        assert a.kind == "exact", a
        assert any(start <= a.start and a.end <= end for start, end in answers[a.document]), a


def test_every_value_form_is_coded_at_least_eight_times() -> None:
    from vmatrix.sheets.sheet import split_values

    with (SET / "codes.csv").open(encoding="utf-8", newline="") as sheet:
        cells = [row["valeurs"] for row in csv.DictReader(sheet, delimiter=";")]
    counts = Counter(value for cell in cells for value in split_values(cell))
    assert set(counts) == FORMS
    assert min(counts.values()) >= 8, counts
