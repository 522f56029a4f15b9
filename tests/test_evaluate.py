"""Evaluation against manual codes, on a small case computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.evaluate import evaluate
from vmatrix.corpus.store import CodeRow, Corpus, Document, SegmentRow, SuggestionRow
from vmatrix.errors import UsageError

runner = CliRunner()


@pytest.fixture
def corpus_path(tmp_path: Path) -> Path:
    """One document of four 10-character segments, three codes, five suggestions.

    gold:      s0 {localisation}   s1 {fonctionnelle, securite}   s2 {fonctionnelle, securite}   s3 -
    suggested: s0 {localisation, fonctionnelle}   s1 {fonctionnelle}   s2 {sociale}   s3 {localisation}
    """
    path = tmp_path / "corpus.db"
    text = "".join(f"segment {i}." for i in range(4))
    with Corpus(path, create=True) as corpus, corpus.transaction():
        corpus.put_document(Document("d1", "Entretien 1", "1", "d1.txt", "txt", "utf-8", "0", 8), text)
        corpus.put_segments(
            "d1", [SegmentRow("d1", i, "R", 10 * i, 10 * i + 10, None, None, 2) for i in range(4)]
        )
        corpus.replace_sheet(
            "sheet.csv",
            "sheet.csv",
            "0",
            [
                CodeRow("sheet.csv", 2, "d1", 2, 8, ["localisation"]),
                CodeRow("sheet.csv", 3, "d1", 12, 25, ["fonctionnelle", "securite"], coder="A"),
                CodeRow("sheet.csv", 4, "d1", None, None, ["sociale"], status="orphaned"),
            ],
        )
        rows = [(0, "localisation", 0.9), (0, "fonctionnelle", 0.4), (1, "fonctionnelle", 0.8)]
        rows += [(2, "sociale", 0.5), (3, "localisation", 0.6)]
        corpus.replace_suggestions(
            ["d1"],
            ["localisation", "fonctionnelle", "sociale"],
            [SuggestionRow("d1", s, v, score, [], "test") for s, v, score in rows],
        )
    return path


def test_hand_computed_case(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        result = evaluate(corpus)
    by_value = {c.value: c for c in result.values}
    assert result.segments == 3 and result.codes == 2
    assert (by_value["localisation"].tp, by_value["localisation"].fp, by_value["localisation"].fn) == (
        1,
        0,
        0,
    )
    assert (by_value["fonctionnelle"].precision, by_value["fonctionnelle"].recall) == (0.5, 0.5)
    assert by_value["securite"].support == 2 and by_value["securite"].precision is None
    assert by_value["securite"].recall == 0.0
    assert by_value["sociale"].support == 0 and by_value["sociale"].precision == 0.0
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (2, 2, 3)
    assert result.micro.precision == 0.5 and result.micro.recall == pytest.approx(0.4)
    assert result.micro.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert result.macro.precision == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3 supported value forms
    assert result.macro.recall == pytest.approx(0.5)
    assert result.confusions == [("fonctionnelle", "sociale", 1), ("securite", "sociale", 1)]


def test_all_segments_and_min_score(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        every = evaluate(corpus, all_segments=True)
        strict = evaluate(corpus, min_score=0.5)
    assert every.segments == 4
    assert {c.value: c for c in every.values}["localisation"].fp == 1  # s3 was not coded
    fonctionnelle = {c.value: c for c in strict.values}["fonctionnelle"]
    assert (fonctionnelle.tp, fonctionnelle.fp, fonctionnelle.fn) == (1, 0, 1)  # s0's 0.4 left out


def test_coder_filter_and_no_codes(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        result = evaluate(corpus, coders=["A"])
        assert result.segments == 2
        with pytest.raises(UsageError, match="no anchored manual codes"):
            evaluate(corpus, coders=["nobody"])


def test_cli_formats(corpus_path: Path, data: Path) -> None:
    common = ["-C", str(corpus_path), "evaluate", "--codebook", str(data / "codebook.toml")]
    result = runner.invoke(app, [*common, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["micro"]["precision"] == 0.5
    values = [v["value"] for v in payload["values"]]
    assert values[:3] == ["fonctionnelle", "personnalisation", "localisation"]  # codebook order
    assert payload["confusions"][0] == {"gold": "fonctionnelle", "suggested": "sociale", "segments": 1}
    result = runner.invoke(app, [*common, "--format", "markdown"])
    assert result.exit_code == 0
    assert "| micro" in result.stdout and "| fonctionnelle" in result.stdout
    assert "3 segment(s) counted" in result.stderr
    result = runner.invoke(app, [*common, "--coder", "nobody"])
    assert result.exit_code == 1 and "vmatrix validate" in result.stderr
