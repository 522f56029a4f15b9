from __future__ import annotations

import socket
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """vmatrix never uses the network: any attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def data() -> Path:
    return DATA


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def write_odt(path: Path, paragraphs: list[str]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    document.save(str(path))
    return path


@pytest.fixture(scope="session")
def suggest_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/suggest/ ingested once per session (parsing needs the model)."""
    from vmatrix.corpus.store import Corpus
    from vmatrix.transcripts.ingest import ingest

    path = tmp_path_factory.mktemp("suggest") / "corpus.db"
    with Corpus(path, create=True) as corpus:
        ingest(corpus, [DATA / "suggest"])
    return path


# tests/data/learn/: in each interview, two answers speak of the tablet on the move (localisation), one of
# keeping data safe (securite), one of time saved (fonctionnelle). Only "tablette" comes
# back in every localisation answer; "chantier" and "atelier" are said in one interview.
ANSWERS = {
    "e1": [
        ("Les techniciens consultent la tablette", "localisation"),
        ("Avec la tablette ils répondent", "localisation"),
        ("On fait une sauvegarde", "securite"),
        ("La facture part le jour même", "fonctionnelle"),
    ],
    "e2": [
        ("La tablette les suit partout", "localisation"),
        ("Ils gardent la tablette", "localisation"),
        ("Les mots de passe changent", "securite"),
        ("Les bons de commande sont saisis", "fonctionnelle"),
    ],
    "e3": [
        ("Le chauffeur prend la tablette", "localisation"),
        ("Les éleveurs suivent la réunion", "localisation"),
        ("Une copie des données part", "securite"),
        ("Le logiciel calcule les paies", "fonctionnelle"),
    ],
}


@pytest.fixture(scope="session")
def learn_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/learn/ ingested, each answer above coded with its value form."""
    from vmatrix.corpus.store import CodeRow, Corpus
    from vmatrix.transcripts.ingest import ingest

    path = tmp_path_factory.mktemp("learn") / "corpus.db"
    with Corpus(path, create=True) as corpus:
        ingest(corpus, [DATA / "learn"])
        codes = []
        for doc_id, answers in ANSWERS.items():
            text = corpus.text(doc_id)
            for opening, value in answers:
                start = text.index(opening)
                end = text.index("\n", start) if "\n" in text[start:] else len(text)
                codes.append(CodeRow("codes.csv", len(codes) + 2, doc_id, start, end, [value], coder="A"))
        with corpus.transaction():
            corpus.replace_sheet("codes.csv", "codes.csv", "0", codes)
    return path


@pytest.fixture(scope="session")
def examples_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ ingested with its metadata, suggested and both coding sheets validated, through
    the command line, once per session. Tests only read it."""
    from tests.golden.cases import build, environment

    path = tmp_path_factory.mktemp("examples") / "examples.db"
    build(path, environment())
    return path
