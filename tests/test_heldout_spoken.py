"""The spoken held-out set stays usable: its coding sheet anchors exactly in the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus

SET = Path(__file__).parent.parent / "benchmarks" / "heldout-spoken"
pytestmark = pytest.mark.slow


def test_every_quote_anchors_exactly_in_an_answer(tmp_path: Path) -> None:
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest
    from vmatrix.transcripts.segment import interviewers

    with Corpus(tmp_path / "spoken.db", create=True) as corpus:
        ingested = ingest(corpus, [SET / "transcripts"], meta=SET / "interviews.csv")
        validation = validate_sheets(corpus, [SET / "codes.csv"], load_codebook(None), dry_run=True)
        answers: dict[str, list[tuple[int, int]]] = {}
        for doc_id in corpus.document_ids():
            text, segments = corpus.text(doc_id), corpus.segments(doc_id)
            asking = interviewers((s.speaker, text[s.start : s.end]) for s in segments)
            assert asking and all(s.speaker for s in segments), doc_id
            answers[doc_id] = [(s.start, s.end) for s in segments if s.speaker not in asking]
    assert len(ingested.outcomes) == 6
    assert all(1200 <= o.words <= 2000 for o in ingested.outcomes)
    assert not [f for f in validation.findings if f.severity != "info"], validation.findings
    assert len(validation.anchors) == validation.rows >= 80
    for a in validation.anchors:
        assert a.kind == "exact", a
        assert any(start <= a.start and a.end <= end for start, end in answers[a.document]), a
