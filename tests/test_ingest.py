"""Ingesting into the corpus: parse once, idempotence, re-anchoring, all-or-nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_docx
from vmatrix.cli import app
from vmatrix.corpus.store import Corpus
from vmatrix.errors import BadInputFiles
from vmatrix.transcripts import parse
from vmatrix.transcripts.ingest import ingest

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, data: Path) -> Path:
    src = tmp_path / "transcripts"
    src.mkdir()
    shutil.copy(data / "cp1252.txt", src / "entretien-03.txt")
    shutil.copy(data / "interview.vtt", src / "entretien-04.vtt")
    (src / "entretien-01.txt").write_text(
        "Q\u00a0: Qu’est-ce que le site vous apporte\u00a0?\n\n"
        "R\u00a0: On gagne du temps, les clients commandent à distance.\n\n"
        "Q\u00a0: Et les réseaux sociaux\u00a0?\n\n"
        "R\u00a0: Ça donne une image sérieuse de l’entreprise.\n",
        encoding="utf-8",
    )
    write_docx(src / "entretien-02.docx", ["Intervieweur : Et l’ERP ?", "Mme Lefèvre : On l’a depuis 2020."])
    return src


def run(corpus: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(corpus), *args])


def test_ingest_stores_text_segments_and_parses(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus(db, create=True) as corpus:
        report = ingest(corpus, [folder])
        assert report.count("added") == 4
        docs = {d.id: d for d in corpus.documents()}
        assert set(docs) == {"entretien-01", "entretien-02", "entretien-03", "entretien-04"}
        assert docs["entretien-03"].encoding == "cp1252"
        assert docs["entretien-02"].speakers == ["Intervieweur", "Mme Lefèvre"]
        for doc_id in docs:
            text = corpus.text(doc_id)
            segments = corpus.segments(doc_id)
            blob = corpus.parse_blob(doc_id)
            assert blob is not None
            parsed = parse.from_bytes(blob[2])
            assert len(parsed) == len(segments)
            for segment, doc in zip(segments, parsed, strict=True):
                assert len(doc.text) == segment.end - segment.start
                for token in doc:
                    # token offsets are offsets into the stored text
                    start = segment.start + token.idx
                    assert parse.fold(text[start : start + len(token.text)]) == parse.fold(token.text)


def test_norm_is_the_folded_repaired_lemma(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    with Corpus(db, create=True) as corpus:
        ingest(corpus, [folder / "entretien-01.txt"])
        blob = corpus.parse_blob("entretien-01")
        assert blob is not None
        norms = [t.norm_ for doc in parse.from_bytes(blob[2]) for t in doc]
    assert "gagner" in norms  # "gagne" is read as a noun by the model
    assert "reseau" in norms and "social" in norms and "distance" in norms
    assert "le" in norms  # "l’" with a typographic apostrophe is an article


def test_reingest_unchanged_does_nothing(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder)).exit_code == 0
    before = db.read_bytes()
    result = run(db, "ingest", str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    statuses = {d["document"]: d["status"] for d in json.loads(result.stdout)["documents"]}
    assert set(statuses.values()) == {"unchanged"}
    assert "0 added, 0 updated, 4 unchanged" in result.stderr
    assert db.read_bytes() == before


def _add_code(db: Path, doc_id: str, quote: str) -> int:
    with Corpus(db) as corpus:
        text = corpus.text(doc_id)
        start = text.index(quote)
        with corpus.transaction():
            corpus.db.execute(
                "INSERT OR IGNORE INTO sheets (name, source, sha256, rows, stored_at) "
                "VALUES ('s', 's.csv', 'x', 1, 'now')"
            )
            sheet = corpus.db.execute("SELECT id FROM sheets WHERE name = 's'").fetchone()[0]
            return int(
                corpus.db.execute(
                    """INSERT INTO codes (sheet_id, row, document_id, start, end, quote, anchored_text,
                                      context_before, context_after, value_ids)
                   VALUES (?, 2, ?, ?, ?, ?, ?, ?, ?, '["sociale"]')""",
                    (
                        sheet,
                        doc_id,
                        start,
                        start + len(quote),
                        quote,
                        quote,
                        text[max(0, start - 40) : start],
                        text[start + len(quote) : start + len(quote) + 40],
                    ),
                ).lastrowid
            )


def test_changed_file_keeps_codes_reanchored_or_orphaned(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder)).exit_code == 0
    kept = _add_code(db, "entretien-01", "une image sérieuse")
    lost = _add_code(db, "entretien-01", "les clients commandent à distance")
    path = folder / "entretien-01.txt"
    path.write_text(
        "Q\u00a0: Une question ajoutée\u00a0?\n\nR\u00a0: Une réponse ajoutée.\n\n"
        + path.read_text(encoding="utf-8").replace("les clients commandent à distance", "on livre vite"),
        encoding="utf-8",
    )
    result = run(db, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.stderr
    assert "no longer match" in result.stderr
    with Corpus(db) as corpus:
        text = corpus.text("entretien-01")
        rows = {r["id"]: r for r in corpus.code_anchors("entretien-01")}
        assert rows[kept]["status"] == "anchored"
        assert text[rows[kept]["start"] : rows[kept]["end"]] == "une image sérieuse"
        assert rows[lost]["status"] == "orphaned"
        assert corpus.document("entretien-01").revision == 2  # type: ignore[union-attr]


def _snapshot(db: Path) -> bytes | None:
    return db.read_bytes() if db.exists() else None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("vide.txt", b""),
        ("binaire.txt", bytes(range(256)) * 8),
        ("casse.docx", b"PK\x03\x04garbage"),
        ("mauvais.vtt", b"pas un vtt"),
    ],
)
def test_bad_input_leaves_the_corpus_byte_for_byte(
    tmp_path: Path, folder: Path, name: str, content: bytes
) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder / "entretien-01.txt")).exit_code == 0
    before = _snapshot(db)
    (folder / name).write_bytes(content)
    result = run(db, "ingest", str(folder))
    assert result.exit_code == 1
    assert "Error:" in result.stderr and name in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert _snapshot(db) == before
    with Corpus(db) as corpus:
        assert corpus.document_ids() == ["entretien-01"]


def test_bad_input_creates_no_corpus(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    bad = tmp_path / "vide.txt"
    bad.write_text("")
    result = run(db, "ingest", str(bad))
    assert result.exit_code == 1
    assert not db.exists()


def test_duplicate_ids_are_refused(tmp_path: Path, folder: Path) -> None:
    (folder / "sub").mkdir()
    shutil.copy(folder / "entretien-01.txt", folder / "sub" / "entretien-01.md")
    with Corpus(tmp_path / "c.db", create=True) as corpus, pytest.raises(BadInputFiles) as info:
        ingest(corpus, [folder])
    assert any("entretien-01" in line and "has the document id" in line for line in info.value.details)


def test_skip_bad_ingests_the_rest(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    (folder / "vide.txt").write_bytes(b"")
    result = run(db, "ingest", str(folder), "--skip-bad")
    assert result.exit_code == 0
    assert "skipped 1 file" in result.stderr and "vide.txt" in result.stderr
    with Corpus(db) as corpus:
        assert len(corpus.document_ids()) == 4


def test_docs_lists_documents_and_output_is_atomic(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    meta = tmp_path / "meta.csv"
    meta.write_text("fichier;numéro;rôle\nentretien-03.txt;3;dirigeant\nentretien-99.txt;99;expert\n")
    result = run(db, "ingest", str(folder), "--meta", str(meta))
    assert result.exit_code == 0
    assert "row 3: 'entretien-99.txt' matches no file" in result.stderr
    out = tmp_path / "docs.json"
    out.write_text("previous content")
    result = run(db, "docs", "--format", "json", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    listed = {d["document"]: d for d in json.loads(out.read_text())}
    assert listed["entretien-03"]["label"] == "Entretien 3"
    assert listed["entretien-03"]["attributes"]["role"] == "dirigeant"
    assert listed["entretien-04"]["speakers"] == ["SPEAKER_00", "SPEAKER_01"]
    assert listed["entretien-01"]["label"] == "Entretien 1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".docs.json")] == []
    csv_out = run(db, "docs", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("document,label,role")


def test_output_to_missing_folder_fails_cleanly(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder / "entretien-01.txt")).exit_code == 0
    result = run(db, "docs", "--output", str(tmp_path / "nope" / "x.csv"))
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_corpus_from_a_newer_vmatrix_is_refused_untouched(tmp_path: Path, folder: Path) -> None:
    import sqlite3

    db = tmp_path / "c.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.close()
    before = db.read_bytes()
    result = run(db, "ingest", str(folder / "entretien-01.txt"))
    assert result.exit_code == 1 and "newer vmatrix" in result.stderr
    assert db.read_bytes() == before


def test_missing_corpus_is_explained(tmp_path: Path) -> None:
    result = run(tmp_path / "absent.db", "docs")
    assert result.exit_code == 1 and "vmatrix ingest" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_corpus_from_environment(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "env.db"
    result = runner.invoke(app, ["ingest", str(folder / "entretien-01.txt")], env={"VMATRIX_CORPUS": str(db)})
    assert result.exit_code == 0 and db.exists()


def test_word_97_files_in_a_folder_are_reported_not_passed_over(tmp_path: Path, folder: Path) -> None:
    (folder / "entretien-09.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "~$tretien-09.doc").write_bytes(b"lock")
    result = run(tmp_path / "c.db", "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "entretien-09.doc: not read (open it in Word and save it as .docx)" in result.stderr
    assert "~$" not in result.stderr


def test_same_file_name_in_two_folders_told_apart_by_the_metadata(tmp_path: Path, folder: Path) -> None:
    for name in ("vague 1", "vague 2"):
        (folder / name).mkdir()
        shutil.copy(folder / "entretien-01.txt", folder / name / "dirigeant.txt")
    (folder / "vague 2" / "dirigeant.txt").write_text("Q : Autre ?\nR : Autre entretien.\n", encoding="utf-8")
    with Corpus(tmp_path / "c.db", create=True) as corpus, pytest.raises(BadInputFiles) as info:
        ingest(corpus, [folder / "vague 1", folder / "vague 2"])
    assert "like " in info.value.details[0] and "vague 2" in info.value.details[0]
    meta = tmp_path / "meta.csv"
    meta.write_text("fichier;id\nvague 1/dirigeant.txt;v1-dirigeant\nvague 2\\dirigeant.txt;v2-dirigeant\n")
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        ingest(corpus, [folder / "vague 1", folder / "vague 2"], meta=meta)
        assert corpus.document_ids() == ["v1-dirigeant", "v2-dirigeant"]
        assert "Autre entretien" in corpus.text("v2-dirigeant")


def test_unchanged_file_read_differently_now_is_updated(tmp_path: Path, folder: Path) -> None:
    # A file read before a reading fix (here: its turns stored without speakers) is read
    # again, though its bytes did not change; its codes are re-anchored as for any update.
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder / "entretien-01.txt")).exit_code == 0
    with Corpus(db) as corpus, corpus.transaction():
        rows = corpus.segments("entretien-01")
        corpus.put_segments("entretien-01", [row._replace(speaker=None) for row in rows])
    result = run(db, "ingest", str(folder / "entretien-01.txt"))
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.stderr
    with Corpus(db) as corpus:
        assert {s.speaker for s in corpus.segments("entretien-01")} == {"Q", "R"}
    assert "0 updated, 1 unchanged" in run(db, "ingest", str(folder / "entretien-01.txt")).stderr


def test_speakers_named_last_name_first_stay_apart_in_docs(tmp_path: Path) -> None:
    # Teams writes "Martin, Camille": speakers are listed with "; " between them.
    path = tmp_path / "teams.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Martin, Camille>Et le site ?</v>\n\n"
        "00:00:03.500 --> 00:00:06.000\n<v Roux, Sophie>On l’a depuis 2019.</v>\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(path)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run(db, "docs", "--format", "csv").stdout)))
    assert rows[0]["speakers"] == "Martin, Camille; Roux, Sophie"


def test_docs_of_one_document_shows_how_it_was_cut(tmp_path: Path, folder: Path) -> None:
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder)).exit_code == 0
    result = run(db, "docs", "Entretien 1", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed["document"] == "entretien-01"
    said = [(s["speaker"], s["interviewer"], s["text"]) for s in listed["segments"]]
    assert said[:2] == [
        ("Q", True, "Qu’est-ce que le site vous apporte\u00a0?"),
        ("R", False, "On gagne du temps, les clients commandent à distance."),
    ]
    timed = json.loads(run(db, "docs", "entretien-04", "--format", "json").stdout)["segments"]
    assert (timed[0]["t_start"], timed[0]["t_end"]) == (1.0, 4.2)
    result = run(db, "docs", "entretien-1O")
    assert result.exit_code == 1
    assert "no document 'entretien-1O'" in result.stderr and "did you mean entretien-01" in result.stderr


def test_skip_bad_with_only_bad_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "vide.txt").write_bytes(b"")
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(tmp_path / "vide.txt"), "--skip-bad")
    assert result.exit_code == 1
    assert "none of the files can be ingested" in result.stderr and "vide.txt: is empty" in result.stderr
    assert not db.exists() and result.stdout == ""


def test_file_names_with_accents_as_macos_writes_them(tmp_path: Path) -> None:
    # macOS stores "é" as e + combining accent; the metadata sheet, typed, has "é".
    path = tmp_path / "entretien-he\u0301le\u0300ne.txt"
    path.write_text("Q : Et le site ?\nR : On l’a.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("fichier;numéro\nentretien-hélène.txt;12\n", encoding="utf-8")
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = ingest(corpus, [path], meta=meta)
        assert report.warnings == []
        assert corpus.document_ids() == ["entretien-hélène"]
        assert corpus.document("entretien-hélène").label == "Entretien 12"  # type: ignore[union-attr]


def test_documents_cited_alike_are_reported(tmp_path: Path, folder: Path) -> None:
    shutil.copy(folder / "entretien-01.txt", folder / "E01-dupont.txt")
    result = run(tmp_path / "c.db", "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "documents E01-dupont, entretien-01 are all cited as 'Entretien 1'" in result.stderr
