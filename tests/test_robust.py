"""Nothing lost: outputs that cannot destroy the corpus, errors that leave it as it was.

Each test checks the exit status, the one-line message and that the corpus file is
byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.coding import INTERVIEW_1, make_corpus, write_sheet
from vmatrix.cli import app
from vmatrix.corpus.store import Corpus

runner = CliRunner()

QUOTE = "Les clients commandent quand ils veulent, de chez eux, et on expédie."
ROW = [
    "entretien-01",
    QUOTE,
    "localisation",
    "site web",
    "transactionnel",
    "offer",
    "entreprise",
    "clients",
    "A",
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--corpus", str(db), *args])


def one_error(result, *words: str) -> str:  # type: ignore[no-untyped-def]
    """The command failed with exactly one ``Error:`` line holding ``words``, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = make_corpus(tmp_path / "c.db")
    assert INTERVIEW_1  # the quote below is in it
    return path


# -- 1: --output onto the corpus ----------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_output_onto_the_corpus_is_refused(db: Path, suffix: str) -> None:
    before = digest(db)
    target = Path(str(db) + suffix)
    result = run(db, "docs", "-f", "csv", "-o", str(target))
    one_error(result, "is the corpus", "choose another file")
    assert digest(db) == before
    assert not (suffix and target.exists() and target.stat().st_size and digest(target) == before)


def test_output_through_a_link_to_the_corpus_is_refused(db: Path, tmp_path: Path) -> None:
    before = digest(db)
    link = tmp_path / "report.csv"
    link.symlink_to(db)
    one_error(run(db, "docs", "-f", "csv", "-o", str(link)), "is the corpus")
    one_error(run(db, "docs", "-f", "csv", "-o", str(tmp_path / "." / "c.db")), "is the corpus")
    assert digest(db) == before
    assert link.is_symlink()


def test_output_onto_another_corpus_is_refused(db: Path, tmp_path: Path) -> None:
    other = make_corpus(tmp_path / "other.db")
    before = digest(other)
    one_error(run(db, "docs", "-f", "csv", "-o", str(other)), "SQLite database")
    assert digest(other) == before


def test_validate_output_onto_the_corpus_stores_nothing(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "codes.csv", [ROW])
    before = digest(db)
    one_error(run(db, "validate", str(sheet), "-o", str(db)), "is the corpus")
    assert digest(db) == before


# -- 2: --output onto a device, a pipe or a link ---------------------------------------


def test_output_to_a_device_writes_through_it(db: Path, tmp_path: Path) -> None:
    device = Path(os.devnull)
    if os.geteuid() == 0:  # root could replace /dev/null itself: use a copy of the node
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run(db, "docs", "-f", "csv", "-o", str(device))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_output_to_a_named_pipe_is_written_in_place(db: Path, tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    result = run(db, "docs", "-f", "csv", "-o", str(fifo))
    reader.join(5)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b"entretien-01" in received[0]


def test_output_through_a_symlink_replaces_its_target(db: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "docs.csv"
    target.write_text("old\n")
    link = tmp_path / "docs.csv"
    link.symlink_to(target)
    result = run(db, "docs", "-f", "csv", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "entretien-01" in target.read_text()


# -- 3: an output folder that cannot be written ------------------------------------------


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process may not create files in (as root, permissions do not stop
    writing: /sys refuses new files to everyone)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_unwritable_output_folder_is_refused_before_validate_stores(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "codes.csv", [ROW])
    before = digest(db)
    result = run(db, "validate", str(sheet), "-o", str(unwritable_folder(tmp_path) / "r.csv"))
    one_error(result, "cannot write", "not writable")
    assert digest(db) == before
    with Corpus(db) as corpus:
        assert corpus.codes() == []


def test_a_file_system_error_is_one_line(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError the command did not foresee (here the write after the check) still
    ends in one line, not a traceback."""
    import errno

    from vmatrix.output import render

    def full(path: Path, text: str | bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(render, "write_atomic", full)
    out = tmp_path / "docs.csv"
    one_error(run(db, "docs", "-f", "csv", "-o", str(out)), "docs.csv", "disk is full")


# -- 4: re-ingesting keeps metadata ------------------------------------------------------


@pytest.mark.slow
def test_reingest_keeps_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "e1.txt").write_text("Q : Le site ?\nR : On gagne du temps avec le site.\n", encoding="utf-8")
    (folder / "e2.txt").write_text("Q : Et l'ERP ?\nR : Moins d'erreurs.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("fichier;numéro;rôle;secteur\ne1.txt;10;dirigeant;bois\ne2.txt;11;expert;conseil\n")
    db = tmp_path / "c.db"
    assert run(db, "ingest", str(folder), "--meta", str(meta)).exit_code == 0

    def metadata() -> dict[str, tuple[str, str | None, dict[str, str]]]:
        with Corpus(db) as corpus:
            return {d.id: (d.label, d.number, d.attributes) for d in corpus.documents()}

    first = metadata()
    assert first["e1"] == ("Entretien 10", "10", {"role": "dirigeant", "sector": "bois"})

    result = run(db, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert metadata() == first
    assert "Metadata kept for 2 document(s)" in result.stderr
    assert "with new metadata" not in result.stderr

    # An empty cell keeps the old value; a filled one replaces it; e2 is not named.
    meta.write_text("fichier;numéro;rôle;secteur\ne1.txt;;;menuiserie\n")
    result = run(db, "ingest", str(folder), "--meta", str(meta))
    assert result.exit_code == 0, result.output
    now = metadata()
    assert now["e1"] == ("Entretien 10", "10", {"role": "dirigeant", "sector": "menuiserie"})
    assert now["e2"] == first["e2"]
    assert "Metadata kept for 1 document(s)" in result.stderr

    # --replace-meta: the row is the whole truth.
    result = run(db, "ingest", str(folder), "--meta", str(meta), "--replace-meta")
    assert result.exit_code == 0, result.output
    assert metadata()["e1"] == ("Entretien 1", None, {"sector": "menuiserie"})


# -- 9: a full disk -------------------------------------------------------------------------


def _fill_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every corpus opened from now on may not grow by a single page: SQLite then fails
    as on a full disk (SQLITE_FULL, "database or disk is full")."""
    opened = Corpus.__init__

    def full(self: Corpus, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # type: ignore[arg-type]
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Corpus, "__init__", full)


def test_validate_on_a_full_disk_is_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[*ROW[:8], f"coder-{n}"] for n in range(300)]
    sheet = write_sheet(tmp_path / "codes.csv", rows)
    before = digest(db)
    _fill_up(monkeypatch)
    one_error(run(db, "validate", str(sheet)), "disk is full", "nothing was written")
    monkeypatch.undo()
    assert digest(db) == before
    with Corpus(db) as corpus:
        assert corpus.codes() == []
        assert corpus.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_ingest_on_a_full_disk_is_one_line(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    transcript = tmp_path / "e9.txt"
    transcript.write_text("Q : Le site ?\nR : " + "On gagne du temps avec le site. " * 200 + "\n")
    before = digest(db)
    _fill_up(monkeypatch)
    one_error(run(db, "ingest", str(transcript)), "disk is full", "nothing was written")
    monkeypatch.undo()
    assert digest(db) == before


# -- 10: several writers at once ----------------------------------------------------------------


def _create_and_write(path: str, n: int) -> None:
    from tests.corpus_builder import Doc, add_document

    with Corpus(path, create=True) as corpus, corpus.transaction():
        add_document(corpus, Doc(f"entretien-{n}", [("Q", "Bonjour ?"), ("R", f"Réponse {n}.")]))


def test_writers_creating_one_corpus_together_all_succeed(tmp_path: Path) -> None:
    import multiprocessing

    path = str(tmp_path / "new.db")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_create_and_write, args=(path, n)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0] * 6
    with Corpus(path) as corpus:
        assert len(corpus.document_ids()) == 6
        assert corpus.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_writer_waiting_for_another_says_so(db: Path, tmp_path: Path) -> None:
    import sqlite3
    import threading
    import time

    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, lambda: holder.execute("COMMIT")).start()
    sheet = write_sheet(tmp_path / "codes.csv", [ROW])
    start = time.monotonic()
    result = run(db, "validate", str(sheet))
    holder.close()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start >= 0.9
    assert "being written by another vmatrix; waiting" in result.stderr
    with Corpus(db) as corpus:
        assert len(corpus.codes()) == 1


@pytest.mark.slow
def test_four_ingests_and_readers_at_once_all_succeed(db: Path, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    folders = []
    for n in range(4):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for k in range(2):
            (folder / f"e{n}{k}.txt").write_text(
                f"Q : Et le site ?\nR : Le site {n}{k} nous fait gagner du temps, les clients commandent.\n"
            )
        folders.append(folder)
    command = [sys.executable, "-m", "vmatrix", "-C", str(db)]
    writers = [
        subprocess.Popen(
            [*command, "ingest", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for f in folders
    ]
    reads = 0
    while any(w.poll() is None for w in writers):
        for reader in ("docs", "codes"):
            done = subprocess.run([*command, reader, "-f", "csv"], capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            reads += 1
        time.sleep(0.2)
    outputs = [w.communicate() for w in writers]
    assert [w.returncode for w in writers] == [0] * 4, outputs
    assert reads >= 2
    with Corpus(db) as corpus:
        assert corpus.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = set(corpus.document_ids())
        assert {f"e{n}{k}" for n in range(4) for k in range(2)} | {"entretien-01", "entretien-02"} <= ids
        assert all(corpus.parse_blob(f"e{n}{k}") for n in range(4) for k in range(2))


# -- 7: a segment longer than spaCy takes ---------------------------------------------------------


def test_long_text_is_cut_at_sentence_ends_and_joins_back() -> None:
    from vmatrix.transcripts.parse import split_long

    text = "Le site marche bien. " * 300 + "x" * 5000 + " fin"
    pieces = split_long(text, 1000)
    assert "".join(pieces) == text
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.endswith(". ") for piece in pieces[:6])
    assert split_long("court", 1000) == ["court"]


@pytest.mark.slow
def test_a_line_longer_than_spacy_takes_is_ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy refuses a text over nlp.max_length (E088); here the limit is lowered to
    5,000 characters so that a 40,000-character answer stands for a 1 MB line."""
    from vmatrix.transcripts import parse

    monkeypatch.setattr(parse.load_model(), "max_length", 5000)
    monkeypatch.setattr(parse, "PIECE_CHARS", 100_000)
    answer = " ".join(f"Le site numéro {n} nous fait gagner du temps." for n in range(900))
    transcript = tmp_path / "long.txt"
    transcript.write_text(f"Q : Et le site ?\nR : {answer}\n", encoding="utf-8")
    db = tmp_path / "c.db"
    result = run(db, "ingest", str(transcript))
    assert result.exit_code == 0, result.output
    with Corpus(db) as corpus:
        text = corpus.text("long")
        segments = corpus.segments("long")
        _sha, _model, blob = corpus.parse_blob("long")  # type: ignore[misc]
    docs = parse.from_bytes(blob)
    assert [d.text for d in docs] == [text[s.start : s.end] for s in segments]
    longest = max(docs, key=len)
    assert len(longest.text) > 40_000
    assert {t.lemma_ for t in longest[-12:]} >= {"gagner", "temps"}


# -- 11: a corpus that may not be written ----------------------------------------------------------


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every corpus opened from now on is opened read-only by SQLite, as a file this user
    may not write would be (permissions do not stop root, which the tests may run as)."""
    import sqlite3

    opened = Corpus.__init__

    def read_only(self: Corpus, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # type: ignore[arg-type]
        self.db.close()
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        self.db.row_factory = sqlite3.Row

    monkeypatch.setattr(Corpus, "__init__", read_only)


def test_writing_to_a_read_only_corpus_is_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = write_sheet(tmp_path / "codes.csv", [ROW])
    before = digest(db)
    _read_only(monkeypatch)
    one_error(run(db, "validate", str(sheet)), "may not be written")
    monkeypatch.undo()
    assert digest(db) == before


@pytest.mark.slow
def test_lexicon_check_on_a_read_only_corpus(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(db)
    _read_only(monkeypatch)
    result = run(db, "lexicon", "check")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    monkeypatch.undo()
    assert digest(db) == before


# -- 12: terminal escapes in a transcript -------------------------------------------------------------

ESCAPES = "\x1b]0;X\x07\x1b[8m"


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    from tests.corpus_builder import Doc, add_document, code, store_codes

    path = tmp_path / "h.db"
    with Corpus(path, create=True) as corpus, corpus.transaction():
        add_document(
            corpus,
            Doc(
                "entretien-07", [("Q", "Et le site ?"), ("R", f"Les clients {ESCAPES}commandent à distance.")]
            ),
        )
        store_codes(
            corpus,
            [
                code(
                    corpus,
                    "entretien-07",
                    f"clients {ESCAPES}commandent",
                    ["localisation"],
                    row=2,
                    tool="site web",
                )
            ],
        )
    return path


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "latex", "json"])
def test_escapes_never_reach_the_output(hostile_db: Path, fmt: str) -> None:
    before = digest(hostile_db)
    for args in (["docs", "entretien-07"], ["quote", "--value", "localisation"]):
        args += ["-f", "text" if args[0] == "quote" and fmt == "table" else fmt]
        result = run(hostile_db, *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, (args, result.stdout)
        assert "commandent" in result.stdout
        if fmt == "latex":  # the backslash itself escaped for LaTeX
            assert "\\textbackslash{}x1b" in result.stdout
        elif fmt != "json":  # json escapes them its own way (\u001b)
            assert "\\x1b]0;X\\x07\\x1b[8m" in result.stdout
        if args[0] == "docs":  # (quote keeps its analysis cache in the corpus)
            assert digest(hostile_db) == before


def test_escapes_in_a_terminal_quote_are_shown_as_replacement_characters(hostile_db: Path) -> None:
    from vmatrix.analysis.quotes import _collapse

    shown, at = _collapse(f"a {ESCAPES}b")
    assert "\x1b" not in shown and shown.count("\ufffd") == 3
    assert len(at) == len(f"a {ESCAPES}b") + 1


def test_escapes_in_a_message_are_shown(tmp_path: Path, db: Path) -> None:
    bad = tmp_path / f"e{ESCAPES}.csv"
    result = run(db, "validate", str(bad))
    assert result.exit_code != 0
    assert "\x1b" not in result.stderr


# -- 13: invisible characters --------------------------------------------------------------------------


def test_a_zero_width_space_does_not_make_a_quote_fuzzy(tmp_path: Path) -> None:
    text = "Q : Et le site ?\nR : Les clients commandent depuis l’ent\u200breprise, de chez eux, le soir.\n"
    db = make_corpus(tmp_path / "z.db", {"entretien-01": text})
    row = [*ROW]
    row[1] = "Les clients commandent depuis l’entreprise, de chez eux"
    sheet = write_sheet(tmp_path / "codes.csv", [row])
    result = run(db, "validate", str(sheet))
    assert result.exit_code == 0, result.output
    assert "fuzzy" not in result.stdout + result.stderr
    with Corpus(db) as corpus:
        [stored] = corpus.codes()
    assert stored.anchor_kind == "folded"
    assert stored.anchored_text == "Les clients commandent depuis l’ent\u200breprise, de chez eux"


def test_ingest_warns_once_of_invisible_characters(tmp_path: Path) -> None:
    from vmatrix.transcripts.ingest import plan

    path = tmp_path / "e1.txt"
    path.write_text(
        "Q : Le site ?\nR : On gagne du temps\u200b avec l’ent\u200breprise\u202e.\n", encoding="utf-8"
    )
    _planned, report = plan([path])
    warnings = [w for w in report.warnings if "invisible" in w]
    assert warnings == [
        f"{path}: holds 3 invisible character(s) (zero-width spaces, direction marks, "
        "soft hyphens); they are kept, and ignored when quotes are matched"
    ]
