"""Stored codes after a transcript changed: moved, re-found approximately, or orphaned and reported."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.coding import CODEBOOK, INTERVIEW_1, make_corpus, put_texts, write_sheet
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.anchor import reanchor_document
from vmatrix.corpus.store import Corpus
from vmatrix.sheets.validate import validate_sheets

runner = CliRunner()

MOVED = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
TRIMMED = "Ma fille s’en occupe (...) j’y prends du plaisir aussi."
EDITED = "Le cœur du métier reste le même\u00a0: on répond au téléphone, on conseille, on rend service."
DELETED = "Et le paiement est sécurisé, ça rassure les gens de soixante-dix ans"


def edited_transcript() -> str:
    first, second = INTERVIEW_1.split("Q\u00a0: Et les réseaux sociaux")
    second = "Q\u00a0: Et les réseaux sociaux" + second
    first = first.replace(DELETED + ", ils ont peur de mettre leur carte sur internet.", "")
    first = first.replace("on conseille, on rend service", "on conseille les clients, on leur rend service")
    return second + "\n" + first  # the two exchanges swapped


def test_codes_follow_a_changed_transcript(tmp_path: Path) -> None:
    db = make_corpus(tmp_path / "c.db")
    sheet = write_sheet(
        tmp_path / "codes.csv",
        [
            ["entretien-01", MOVED, "localisation", "", "", "", "", "", "A"],
            ["entretien-01", TRIMMED, "hedonique", "", "", "", "", "", "A"],
            ["entretien-01", EDITED, "benevolence", "", "", "", "", "", "A"],
            ["entretien-01", DELETED, "securite", "", "", "", "", "", "A"],
        ],
    )
    with Corpus(db) as corpus:
        assert validate_sheets(corpus, [sheet], load_codebook(CODEBOOK)).stored
    new_text = edited_transcript()
    with Corpus(db) as corpus, corpus.transaction():
        put_texts(corpus, {"entretien-01": new_text, "entretien-02": corpus.text("entretien-02")})
        report = reanchor_document(corpus, "entretien-01", new_text)
    assert (report.kept, report.moved, len(report.orphaned)) == (0, 3, 1)
    with Corpus(db) as corpus:
        codes = {c.row: c for c in corpus.codes()}
    moved, trimmed, edited, deleted = codes[2], codes[3], codes[4], codes[5]
    assert new_text[moved.start : moved.end] == MOVED and moved.status == "anchored"
    assert moved.anchor_kind == "exact"
    assert new_text[trimmed.start : trimmed.end] == "Ma fille s’en occupe, et j’y prends du plaisir aussi"
    assert trimmed.status == "anchored"
    assert edited.status == "anchored" and edited.anchor_kind == "fuzzy"
    assert new_text[edited.start : edited.end].startswith("Le cœur du métier reste le même")
    assert "on leur rend service" in edited.anchored_text
    assert deleted.status == "orphaned"
    assert deleted.anchored_text.startswith(DELETED)  # kept as it was, never dropped

    # Reported by `vmatrix validate` (no sheet) and by `vmatrix codes`.
    result = runner.invoke(app, ["--corpus", str(db), "validate", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(f["file"], f["row"], f["code"]) for f in data["findings"]] == [("codes.csv", 5, "orphaned-code")]
    assert "4 stored code(s) in 1 sheet(s); 1 orphaned." in result.stderr
    listing = runner.invoke(app, ["--corpus", str(db), "codes"])
    assert listing.exit_code == 0
    assert "ORPHANED" in listing.stdout
    assert "1 code(s) orphaned" in listing.stderr
    only = runner.invoke(app, ["--corpus", str(db), "codes", "--orphaned", "--format", "json"])
    assert [(c["row"], c["status"]) for c in json.loads(only.stdout)] == [(5, "orphaned")]

    # Putting the passage back re-anchors the orphan at its old place.
    with Corpus(db) as corpus, corpus.transaction():
        put_texts(corpus, {"entretien-01": INTERVIEW_1, "entretien-02": corpus.text("entretien-02")})
        reanchor_document(corpus, "entretien-01", INTERVIEW_1)
    with Corpus(db) as corpus:
        assert {c.status for c in corpus.codes()} == {"anchored"}
    assert runner.invoke(app, ["--corpus", str(db), "validate"]).exit_code == 0
