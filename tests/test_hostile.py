"""Nothing exhausted: small hostile files are refused fast, in little memory, with one line.

Every file is built here, small on disk. Each refusal is run in a fresh Python process
that reports its own peak memory (``resource.getrusage``) and time, so a regression
shows as a number, not as a machine swapping.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.coding import make_corpus
from tests.conftest import write_docx, write_odt

LIMIT_SECONDS = 5.0
LIMIT_MB = 300

# Runs a command in a child process and reports its exit status, CPU time (user and
# system: what the command itself costs, whatever else the machine is doing) and peak memory.
# The measuring process is fresh and small: Linux counts in a process's peak memory what
# the process it was forked from held (here pytest, with spaCy loaded), so the figure is
# taken one level down, where the parent is this small script.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": done.returncode, "seconds": usage.ru_utime + usage.ru_stime,
    "mb": usage.ru_maxrss / 1024,
    "stdout": done.stdout, "stderr": done.stderr}))
"""


def measured_run(*command: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=90,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def measured(tmp_path: Path, *args: str) -> tuple[dict[str, float], str]:
    """Run ``vmatrix ARGS`` in a fresh process; returns its figures and its stderr."""
    figures = measured_run(sys.executable, "-m", "vmatrix", *args)
    return figures, figures["stderr"]


def refused(tmp_path: Path, db: Path, *args: str, words: tuple[str, ...]) -> str:
    """``vmatrix -C db ARGS`` fails with one Error line holding ``words``, fast and small,
    and leaves the corpus as it was."""
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    figures, stderr = measured(tmp_path, "-C", str(db), *args)
    assert figures["status"] == 1, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    message = " ".join(stderr.split())  # the message may wrap
    for word in words:
        assert word in message, stderr
    assert figures["seconds"] < LIMIT_SECONDS, figures
    assert figures["mb"] < LIMIT_MB, figures
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    return message


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "c.db")


def replace_member(path: Path, name: str, data: bytes | None = None, *, inflating: int = 0) -> Path:
    """Rewrite a zip with ``name`` replaced by ``data``, or by ``inflating`` bytes of one
    repeated XML-ish pattern written in pieces (a few hundred KB on disk)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item, source.read(item.filename))
        if inflating:
            with archive.open(name, "w", force_zip64=True) as member:
                block = b"<w:p/>" * (1024 * 1024 // 6)
                for _ in range(inflating // len(block)):
                    member.write(block)
        else:
            assert data is not None
            archive.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


# -- 5: zip bombs -------------------------------------------------------------------------


def test_docx_bomb_is_refused(tmp_path: Path, db: Path) -> None:
    path = replace_member(write_docx(tmp_path / "bomb.docx", ["x"]), "word/document.xml", inflating=80 << 20)
    assert path.stat().st_size < 1 << 20
    refused(tmp_path, db, "ingest", str(path), words=("bomb.docx", "word/document.xml", "inflates"))


def test_odt_bomb_is_refused(tmp_path: Path, db: Path) -> None:
    path = replace_member(write_odt(tmp_path / "bomb.odt", ["x"]), "content.xml", inflating=40 << 20)
    refused(tmp_path, db, "ingest", str(path), words=("bomb.odt", "content.xml", "inflates"))


def test_xlsx_bomb_is_refused(tmp_path: Path, db: Path) -> None:
    import openpyxl

    path = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["document", "quote"])
    book.save(path)
    replace_member(path, "xl/sharedStrings.xml", inflating=80 << 20)
    refused(tmp_path, db, "validate", str(path), words=("bomb.xlsx", "inflates"))


def test_a_zip_of_too_many_members_is_refused(tmp_path: Path, db: Path) -> None:
    path = write_docx(tmp_path / "many.docx", ["x"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in zipfile.ZipFile(path).infolist():
            archive.writestr(item, zipfile.ZipFile(path).read(item.filename))
        for n in range(10_001):
            archive.writestr(f"x/{n}", b"")
    path.write_bytes(out.getvalue())
    refused(tmp_path, db, "ingest", str(path), words=("many.docx", "10,0", "files"))


def test_flat_xml_of_millions_of_elements_is_refused(tmp_path: Path, db: Path) -> None:
    """Millions of empty paragraphs under the size limit: refused for how far they inflate."""
    path = write_docx(tmp_path / "flat.docx", ["x"])
    body = b"<w:p/>" * 2_100_000
    xml = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + body + b"</w:body></w:document>"
    )
    replace_member(path, "word/document.xml", xml)
    refused(tmp_path, db, "ingest", str(path), words=("flat.docx", "inflates"))


def test_xml_elements_are_counted_before_the_tree_is_built() -> None:
    from vmatrix.errors import InputFileError
    from vmatrix.files import parse_xml

    xml = b"<doc>" + b"<p>mot</p>" * 1000 + b"</doc>"
    assert len(parse_xml(xml, "e.docx", max_elements=1001)) == 1000
    with pytest.raises(InputFileError, match="more than 1,000 XML elements"):
        parse_xml(xml, "e.docx", max_elements=1000)


# -- 6: amplifying markup -------------------------------------------------------------------


def test_odt_space_run_is_refused(tmp_path: Path, db: Path) -> None:
    path = write_odt(tmp_path / "spaces.odt", ["PLACEHOLDER"])
    content = zipfile.ZipFile(path).read("content.xml")
    content = content.replace(b"PLACEHOLDER", b'R : oui<text:s text:c="2000000000"/>non')
    replace_member(path, "content.xml", content)
    assert path.stat().st_size < 4096
    refused(tmp_path, db, "ingest", str(path), words=("spaces.odt", "2,000,000,000 spaces"))


def _sheet_xml(path: Path, extra_cells: str = "", after_data: str = "") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["fichier", "numéro"])
    sheet.append(["e1.txt", "10"])
    sheet.append(["e2.txt", "11"])
    book.save(path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    xml = xml.replace("</sheetData>", extra_cells + "</sheetData>" + after_data)
    return replace_member(path, "xl/worksheets/sheet1.xml", xml.encode())


_READ_SHEET = """
import json, sys
from pathlib import Path
from vmatrix.tabular import read_sheet
sheet = read_sheet(Path(sys.argv[1]))
print(json.dumps({"rows": [[n, c[:2]] for n, c in sheet.rows], "width": len(sheet.headers)}))
"""


def _read_measured(path: Path) -> dict:  # type: ignore[type-arg]
    figures = measured_run(sys.executable, "-c", _READ_SHEET, str(path))
    assert figures["status"] == 0, figures["stderr"]
    assert figures["seconds"] < LIMIT_SECONDS, figures
    assert figures["mb"] < LIMIT_MB, figures
    return {**figures, **json.loads(figures["stdout"])}


def test_xlsx_merged_over_the_whole_sheet_reads_fast(tmp_path: Path) -> None:
    path = _sheet_xml(
        tmp_path / "merged.xlsx",
        after_data='<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
    )
    assert path.stat().st_size < 10_000
    figures = _read_measured(path)
    # The merged block's value fills its first column down the rows that hold something.
    assert figures["rows"] == [[2, ["e1.txt", "10"]], [3, ["e1.txt", "11"]]]


def test_xlsx_cell_at_the_last_address_reads_fast(tmp_path: Path) -> None:
    path = _sheet_xml(
        tmp_path / "far.xlsx",
        extra_cells='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    figures = _read_measured(path)
    assert [n for n, _ in figures["rows"]] == [2, 3, 1048576]
    assert figures["width"] == 16384


def test_xlsx_of_too_many_cells_is_refused(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cell limit, lowered for a small file: refused while streaming the rows."""
    from typer.testing import CliRunner

    from vmatrix import tabular
    from vmatrix.cli import app

    monkeypatch.setattr(tabular, "XLSX_MAX_CELLS", 1000)
    rows = "".join(f'<row r="{r}">' + f'<c t="n"><v>{r}</v></c>' * 20 + "</row>" for r in range(4, 200))
    path = _sheet_xml(tmp_path / "cells.xlsx", extra_cells=rows)
    before = db.read_bytes()
    result = CliRunner().invoke(app, ["-C", str(db), "validate", str(path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "more than 1,000 cells" in " ".join(result.stderr.split())
    assert db.read_bytes() == before


# -- 8: special files -------------------------------------------------------------------------


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, db: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    refused(tmp_path, db, "ingest", str(fifo), words=("pipe.txt", "not a regular file"))


def test_a_link_to_a_device_is_refused(tmp_path: Path, db: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    refused(tmp_path, db, "ingest", str(link), words=("zero.txt", "not a regular file"))


def test_a_link_leaving_the_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    from vmatrix.transcripts.ingest import collect_files

    outside = tmp_path / "outside.txt"
    outside.write_text("Q : secret\n")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "e1.txt").write_text("Q : Bonjour\n")
    (folder / "inside.txt").symlink_to(folder / "e1.txt")
    (folder / "passwd.txt").symlink_to(outside)
    os.mkfifo(folder / "pipe.txt")
    files, problems, warnings = collect_files([folder])
    assert files == [folder / "e1.txt"]  # the link inside is the same file, kept once
    assert problems == []
    assert any("passwd.txt" in w and "outside the folders" in w for w in warnings)
    assert any("pipe.txt" in w and "not a regular file" in w for w in warnings)
    # Named on the command line, a link is read.
    files, _, warnings = collect_files([folder, folder / "passwd.txt"])
    assert folder / "passwd.txt" in files


# -- 14: entities in a Word document -----------------------------------------------------------


def test_docx_with_entity_references_is_refused(tmp_path: Path, db: Path) -> None:
    path = write_docx(tmp_path / "entity.docx", ["PLACEHOLDER"])
    xml = zipfile.ZipFile(path).read("word/document.xml")
    xml = xml.replace(b"PLACEHOLDER", b"R : avant &foo; apres")
    xml = xml.replace(b"<w:document", b'<!DOCTYPE w:document SYSTEM "word.dtd"><w:document', 1)
    replace_member(path, "word/document.xml", xml)
    refused(tmp_path, db, "ingest", str(path), words=("entity.docx", "DOCTYPE"))
