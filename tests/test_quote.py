"""`vmatrix quote`: the transcript's own text, selection, formats, spreadsheet safety."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.corpus_builder import small_corpus
from vmatrix.analysis.quotes import QuoteQuery, quotes, select, to_rich
from vmatrix.analysis.units import load
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return small_corpus(tmp_path / "c.db")


def run(db: Path, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--corpus", str(db), "quote", "--codebook", str(data / "outputs-codebook.toml"), *args]
    )


def test_json_text_is_the_transcript_slice(db: Path, data: Path) -> None:
    result = run(db, data, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert len(found) == 6  # seven codes, one orphaned
    with Corpus(db) as corpus:
        for quote in found:
            assert set(quote) == {"document", "label", "start", "end", "text", "cited", "values", "facets"}
            assert quote["text"] == corpus.text(quote["document"])[quote["start"] : quote["end"]]
    assert found[0]["label"] == "Entretien 1"
    assert found[0]["facets"]["tool"] == ["site-web"]
    assert "orphaned codes left out" in result.stderr and ": 1" in result.stderr


def test_values_all_or_any_in_document_order(db: Path, data: Path) -> None:
    both = json.loads(
        run(db, data, "--value", "Fonctionnelle", "--value", "LOCALISATION", "-f", "json").stdout
    )
    assert [(q["document"], q["start"]) for q in both] == sorted((q["document"], q["start"]) for q in both)
    assert [q["document"] for q in both] == ["entretien-01", "entretien-02"]
    either = json.loads(
        run(db, data, "--value", "securite", "--value", "socialisation", "--any", "-f", "json").stdout
    )
    assert [q["values"] for q in either] == [
        ["fonctionnelle", "securite"],
        ["socialisation"],
        ["sociale", "socialisation"],
    ]


def test_tool_doc_and_speaker_filters(db: Path, data: Path) -> None:
    site = json.loads(run(db, data, "--tool", "site internet", "-f", "json").stdout)
    assert len(site) == 3 and all(q["facets"]["tool"] == ["site-web"] for q in site)
    tenth = json.loads(run(db, data, "--doc", "Entretien 10", "-f", "json").stdout)
    assert [q["document"] for q in tenth] == ["entretien-10"]
    lefevre = json.loads(run(db, data, "--speaker", "Mme Lefevre", "-f", "json").stdout)
    assert [q["document"] for q in lefevre] == ["entretien-02", "entretien-02"]
    limited = json.loads(run(db, data, "--limit", "2", "-f", "json").stdout)
    assert len(limited) == 2


def test_unknown_value_is_an_error_with_did_you_mean(db: Path, data: Path) -> None:
    result = run(db, data, "--value", "localisaton")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "unknown value form 'localisaton'" in result.stderr
    assert "did you mean localisation" in result.stderr
    result = run(db, data, "--tool", "sitweb")
    assert result.exit_code == 1 and "--tool" in result.stderr and "did you mean site-web" in result.stderr
    result = run(db, data, "--doc", "entretien-99")
    assert result.exit_code == 1 and "no document 'entretien-99'" in result.stderr


def test_text_format_cites_each_verbatim(db: Path, data: Path) -> None:
    result = run(db, data, "--value", "localisation")
    assert result.exit_code == 0, result.output
    assert "« On gagne du temps, les clients commandent à distance. » (Entretien 1)" in result.stdout
    assert "Fonctionnelle, Localisation — Outil : Site web" in result.stdout
    assert "\x1b[" not in result.stdout  # piped: no colours


def test_context_shows_the_surrounding_transcript(db: Path, data: Path) -> None:
    result = run(db, data, "--value", "localisation", "--context", "12", "-f", "json")
    first = json.loads(result.stdout)[0]
    with Corpus(db) as corpus:
        text = corpus.text(first["document"])
    assert first["before"] == text[first["start"] - 12 : first["start"]]
    assert first["after"] == text[first["end"] : first["end"] + 12]
    shown = run(db, data, "--value", "localisation", "--context", "12").stdout
    assert "…orte\u00a0? R\u00a0: « On gagne du temps" in shown  # no-break spaces kept


def test_csv_is_neutralised_markdown_and_latex_are_verbatim(db: Path, data: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(db, data, "--doc", "1", "-f", "csv").stdout)))
    assert [r["text"][:3] for r in rows] == ["On ", "'= ", "'- "]
    assert rows[0]["speaker"] == "R" and rows[0]["values"] == "fonctionnelle; localisation"
    markdown = run(db, data, "--doc", "1", "-f", "markdown").stdout
    assert "> « = Moins d’erreurs" in markdown and "« - Le site" in markdown
    latex = run(db, data, "--doc", "10", "-f", "latex").stdout
    assert r"pairs \& la reconnaissance du métier (100 \% sûr)." in latex
    assert "\\begin{quote}" in latex and "\\emph{Sociale, Socialisation}" in latex


def test_terminal_highlights_the_lexicon_matches(db: Path, data: Path) -> None:
    from rich.console import Console

    with Corpus(db) as corpus:
        analysis = load(corpus, load_codebook(data / "outputs-codebook.toml"))
        chosen, _ = select(analysis, QuoteQuery(values=["localisation"]))
        found = quotes(corpus, analysis, chosen)
    assert found[0].text[slice(*found[0].highlights[0][:2])] == "gagne du temps"
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=200)
    for line in to_rich(analysis, found):
        console.print(line)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[1;33mgagne du temps\x1b[0m" in shown
    assert "\x1b[1;33mde partout\x1b[0m" in shown


def test_suggested_quotes_are_the_segments(db: Path, data: Path) -> None:
    found = json.loads(run(db, data, "--source", "suggested", "--value", "securite", "-f", "json").stdout)
    with Corpus(db) as corpus:
        segment = corpus.segments("entretien-01")[3]
        assert (found[0]["start"], found[0]["end"]) == (segment.start, segment.end)
        assert found[0]["text"] == corpus.text("entretien-01")[segment.start : segment.end]


def test_no_match_is_said_on_stderr(db: Path, data: Path) -> None:
    result = run(db, data, "--value", "hedonique")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no verbatim matches" in result.stderr


def test_output_file_is_plain_text(db: Path, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "quotes.md"
    result = run(db, data, "--value", "localisation", "-f", "markdown", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("> « On gagne du temps")


def test_terminal_context_is_one_paragraph(db: Path, data: Path) -> None:
    from rich.console import Console

    with Corpus(db) as corpus:
        analysis = load(corpus, load_codebook(data / "outputs-codebook.toml"))
        chosen, _ = select(analysis, QuoteQuery(values=["localisation"]))
        found = quotes(corpus, analysis, chosen, context=40)
    assert any("\n" in q.before + q.after for q in found)  # the context crosses turns
    console = Console(file=io.StringIO(), width=1000, color_system=None)
    for line in to_rich(analysis, found):
        console.print(line)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "« On gagne du temps" in shown
    assert all("  " not in line for line in shown.splitlines() if "«" in line)


def test_quotes_follow_the_interview_numbers_not_the_file_names(tmp_path: Path) -> None:
    from tests.coding import CODEBOOK, write_sheet
    from vmatrix.corpus.store import Document
    from vmatrix.sheets.validate import validate_sheets

    said = "R : On gagne du temps avec le site."
    db = tmp_path / "c.db"
    with Corpus(db, create=True) as corpus, corpus.transaction():
        for doc_id, number in (("E22-consultant", "22"), ("Entretien-3-dupont", "3"), ("ENTRETIEN-12", "12")):
            corpus.put_document(
                Document(
                    doc_id, f"Entretien {number}", number, f"/t/{doc_id}.txt", "txt", "utf-8", doc_id, 7
                ),
                said,
            )
    rows = [[n, "On gagne du temps", "fonctionnelle", "site web"] for n in ("22", "3", "12")]
    sheet = write_sheet(tmp_path / "s.csv", rows, ["document", "quote", "values", "tool"])
    with Corpus(db) as corpus:
        assert validate_sheets(corpus, [sheet], load_codebook(CODEBOOK)).ok
    result = runner.invoke(app, ["--corpus", str(db), "quote", "-f", "json", "--codebook", str(CODEBOOK)])
    assert [q["label"] for q in json.loads(result.stdout)] == ["Entretien 3", "Entretien 12", "Entretien 22"]
    table = runner.invoke(app, ["--corpus", str(db), "table", "-f", "json", "--codebook", str(CODEBOOK)])
    (row,) = json.loads(table.stdout)
    assert row["documents"] == ["Entretien-3-dupont", "ENTRETIEN-12", "E22-consultant"]
