"""The example coding sheets against the ingested example corpus (runs spaCy's model once)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.coding import CODEBOOK
from vmatrix.cli import app
from vmatrix.coding.codebook import default_path, load_codebook
from vmatrix.corpus.store import Corpus

EXAMPLES = Path(__file__).parent.parent / "examples"
runner = CliRunner()
pytestmark = pytest.mark.slow


def codebook_path() -> Path:
    """The bundled codebook; the small test one until the bundled one exists."""
    return default_path() if default_path().exists() else CODEBOOK


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vmatrix.transcripts.ingest import ingest

    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with Corpus(db, create=True) as corpus:
        ingest(corpus, [EXAMPLES / "transcripts"], meta=EXAMPLES / "interviews.csv")
    return db


@pytest.fixture
def db(ingested: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "corpus.db"
    shutil.copy(ingested, copy)
    return copy


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(db), *args])


def test_example_sheets_validate_and_agree(db: Path) -> None:
    sheets = [str(EXAMPLES / "codes.csv"), str(EXAMPLES / "codes-coder2.csv")]
    result = run(db, "validate", *sheets, "--codebook", str(codebook_path()), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"]
    severities = {f["severity"] for f in data["findings"]}
    assert "error" not in severities
    normalised = [f for f in data["findings"] if f["code"] == "value-normalised"]
    assert normalised and all(f["file"] == "codes.csv" for f in normalised)
    kinds = {a["kind"] for a in data["anchors"]}
    assert {"exact", "folded", "fragments"} <= kinds and "fuzzy" not in kinds

    with Corpus(db) as corpus:
        codes = corpus.codes(sheets=["codes.csv"])
        texts = corpus.texts()
    assert 40 <= len(codes) <= 60
    assert {c.document_id for c in codes} == set(texts) and len(texts) == 8
    assert {v for c in codes for v in c.values} == set(load_codebook(codebook_path()).value_ids)
    assert all(c.facets["lever"] and c.facets["tool"] for c in codes)
    for code in codes:
        assert texts[code.document_id][code.start : code.end] == code.anchored_text

    agree = run(db, "agree", "--codebook", str(codebook_path()), "--format", "json")
    assert agree.exit_code == 0, agree.output
    report = json.loads(agree.stdout)
    assert report["coders"] == ["CM", "JB"]
    assert report["documents"] == ["entretien-01", "entretien-02", "entretien-07"]
    assert 0 < len(report["disagreements"]) < report["units"] / 2
    assert 0.6 < report["overall"]["alpha"] < 1.0


def test_reingesting_an_edited_transcript(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    shutil.copy(EXAMPLES / "transcripts" / "entretien-01.txt", folder)
    small = tmp_path / "small.db"
    assert run(small, "ingest", str(folder)).exit_code == 0

    with (EXAMPLES / "codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    sheet = tmp_path / "entretien-01.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        first = [r for r in rows[1:] if r[0] == "Entretien 1"]
        csv.writer(handle, delimiter=";").writerows([rows[0], *first])
    stored = run(small, "validate", str(sheet), "--codebook", str(codebook_path()))
    assert stored.exit_code == 0, stored.output

    path = folder / "entretien-01.txt"
    text = path.read_text(encoding="utf-8")
    deleted = (
        "S’il y a un litige, un client qui dit que la porte était rayée à la pose, on a la photo datée. "
    )
    assert deleted in text
    start = text.index("Q\u00a0: Et les réseaux sociaux")
    end = text.index("Q\u00a0: Vous avez parlé de savoir-faire")
    moved = text[start:end]
    path.write_text((text[:start] + text[end:]).replace(deleted, "") + "\n" + moved, encoding="utf-8")

    result = run(small, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "no longer match" in result.stderr
    check = run(small, "validate", "--format", "json")
    assert check.exit_code == 1
    orphans = json.loads(check.stdout)["findings"]
    assert [f["code"] for f in orphans] == ["orphaned-code"]
    assert "litige" in orphans[0]["message"]
    listing = run(small, "codes", "--format", "json")
    with Corpus(small) as corpus:
        new_text = corpus.text("entretien-01")
    for code in json.loads(listing.stdout):
        if code["status"] == "anchored":
            assert new_text[code["start"] : code["end"]] == code["anchored_text"]
    assert sum(c["status"] == "orphaned" for c in json.loads(listing.stdout)) == 1
