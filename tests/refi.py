"""What the REFI-QDA tests share: the schemas and peer files in ../shared/refi, schema
validation with two validators, the examples corpus coded by both coders."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFI = ROOT.parent / "shared" / "refi"
PEERS = REFI / "peer_written"
EXAMPLES = ROOT / "examples"


def refi_dir() -> Path:
    """../shared/refi beside the repository (CI lays shared/ there); skipped elsewhere."""
    if not (REFI / "Project.xsd").exists():
        if os.environ.get("CI"):
            raise AssertionError(f"{REFI} is missing: CI must have shared/ beside the clone")
        pytest.skip(f"{REFI} not found (the shared folder beside the repository)")
    return REFI


def assert_valid(xml: bytes, schema: str) -> None:
    """``xml`` is valid against ../shared/refi/<schema> for lxml and for xmlschema."""
    import xmlschema
    from lxml import etree

    path = refi_dir() / schema
    etree.XMLSchema(etree.parse(str(path))).assertValid(etree.fromstring(xml))
    xmlschema.XMLSchema(str(path)).validate(xml.decode("utf-8"))


def project_xml(archive: Path | bytes) -> bytes:
    import io

    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    with zipfile.ZipFile(source) as z:
        return z.read("project.qde")


@pytest.fixture(scope="session")
def examples_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The eight example interviews with their metadata, both coders' sheets validated."""
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.corpus.store import Corpus
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest

    path = tmp_path_factory.mktemp("examples") / "corpus.db"
    with Corpus(path, create=True) as corpus:
        ingest(corpus, [EXAMPLES / "transcripts"], meta=EXAMPLES / "interviews.csv")
        result = validate_sheets(
            corpus, [EXAMPLES / "codes.csv", EXAMPLES / "codes-coder2.csv"], load_codebook()
        )
        assert result.stored
    return path
