"""REFI-QDA export: schema validity, stable bytes, positions, suggestions, selection, readers."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from tests.corpus_builder import Doc, add_document, code
from tests.refi import assert_valid, examples_corpus, project_xml  # noqa: F401
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus, SuggestionRow
from vmatrix.exchange.export import codebook_xml, project_archive

runner = CliRunner()
NS = {"q": "urn:QDA-XML:project:1.0"}
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def small_corpus(path: Path) -> Path:
    """Two documents (one manager, one expert), three codes by two coders, a suggestion."""
    with Corpus(path, create=True) as corpus:
        add_document(
            corpus,
            Doc(
                "entretien-01",
                [
                    ("Q", "Et le site ?"),
                    ("R", "On gagne du temps 🙂, et les clients nous trouvent « partout »"),
                ],
                attributes={"role": "dirigeant"},
            ),
        )
        add_document(
            corpus,
            Doc(
                "entretien-02",
                [("R", "Le club numérique, on y partage nos idées.")],
                attributes={"role": "expert"},
            ),
        )
        rows = [
            code(corpus, "entretien-01", "On gagne du temps 🙂", ["fonctionnelle"], row=2, tool="site web"),
            code(
                corpus,
                "entretien-01",
                "les clients nous trouvent « partout »",
                ["localisation", "sociale"],
                row=3,
                tool="site web",
                lever="offer",
            ),
            code(
                corpus,
                "entretien-02",
                "on y partage nos idées",
                ["socialisation"],
                row=2,
                tool="club numérique",
            ),
        ]
        rows[1].memo = 'vitrine & <site> "web"\tà revoir\r\nsuite'  # what XML must escape
        rows[2].coder = None
        corpus.replace_sheet("codes.csv", "codes.csv", "x", rows)
        text = corpus.text("entretien-02")
        corpus.replace_suggestions(
            ["entretien-02"],
            ["socialisation"],
            [
                SuggestionRow(
                    "entretien-02",
                    0,
                    "socialisation",
                    0.63,
                    [{"value": "socialisation", "text": "partage"}],
                    "fr",
                )
            ],
        )
        assert "partage" in text
    return path


def selections(xml: bytes) -> list[tuple[str, int, int, str, str, list[str], str]]:
    """(source name, start, end, name, user, code names, memo) of every selection."""
    root = ET.fromstring(xml)
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS['q']}}}Code")}
    out = []
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        for s in source.iterfind("q:PlainTextSelection", NS):
            out.append(
                (
                    source.get("name"),
                    int(s.get("startPosition")),
                    int(s.get("endPosition")),
                    s.get("name"),
                    users[s.get("creatingUser")],
                    [codes[c.find("q:CodeRef", NS).get("targetGUID")] for c in s.iterfind("q:Coding", NS)],
                    s.findtext("q:Description", "", NS),
                )
            )
    return out


def test_two_exports_differ_only_by_creation_time(tmp_path: Path) -> None:
    path = small_corpus(tmp_path / "c.db")
    with Corpus(path) as corpus:
        first, _ = project_archive(corpus, load_codebook(), created=WHEN)
        again, _ = project_archive(corpus, load_codebook(), created=WHEN)
        later, _ = project_archive(corpus, load_codebook(), created=datetime(2026, 5, 1, tzinfo=UTC))
    assert first == again
    assert first != later
    assert project_xml(first).replace(b"2026-01-01T00:00:00Z", b"") == project_xml(later).replace(
        b"2026-05-01T00:00:00Z", b""
    )
    # The same corpus in another file: same GUIDs, same bytes.
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(path, tmp_path / "elsewhere" / "c.db")
    with Corpus(tmp_path / "elsewhere" / "c.db") as corpus:
        assert project_archive(corpus, load_codebook(), created=WHEN)[0] == first


def test_sources_are_the_stored_text_and_positions_are_code_points(tmp_path: Path) -> None:
    path = small_corpus(tmp_path / "c.db")
    with Corpus(path) as corpus:
        data, report = project_archive(corpus, load_codebook(), created=WHEN)
        texts = corpus.texts()
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = ET.fromstring(archive.read("project.qde"))
    names = archive.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    by_name = {}
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
        raw = archive.read(member)
        assert raw == texts[source.get("name")].encode("utf-8")
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        assert source.get("guid") == source.get("guid").lower()
        by_name[source.get("name")] = raw.decode("utf-8")
    found = selections(archive.read("project.qde"))
    assert [(s[0], by_name[s[0]][s[1] : s[2]]) for s in found] == [
        ("entretien-01", "On gagne du temps 🙂"),
        ("entretien-01", "les clients nous trouvent « partout »"),
        ("entretien-02", "on y partage nos idées"),
    ]
    # The emoji counts as one position (code points, not UTF-16 units).
    assert found[1][1] == by_name["entretien-01"].index("les clients")
    assert found[0][5] == ["Fonctionnelle", "Site web"]
    assert found[1][5] == ["Localisation", "Sociale", "Site web", "Produits et marchés repensés"]
    assert found[1][6] == 'vitrine & <site> "web"\tà revoir\r\nsuite'
    # A code without a coder goes out as its sheet's: what `vmatrix agree` counts.
    assert [s[4] for s in found] == ["A", "A", "codes.csv"]
    assert report.documents == 2 and report.verbatims == 3 and report.users == ["A", "codes.csv"]
    # Codes the sheets used that the codebook lacks join their facet's folder.
    tools = next(c for c in root.iter(f"{{{NS['q']}}}Code") if c.get("name") == "Dispositif")
    assert "club numérique" in [c.get("name") for c in tools]


def test_suggestions_go_out_by_their_own_user(tmp_path: Path) -> None:
    path = small_corpus(tmp_path / "c.db")
    with Corpus(path) as corpus:
        data, report = project_archive(corpus, load_codebook(), source="suggested", created=WHEN)
        both, _ = project_archive(corpus, load_codebook(), source="both", created=WHEN)
    found = selections(project_xml(data))
    assert found == [
        (
            "entretien-02",
            4,
            46,
            "Le club numérique, on y partage nos idées.",
            "vmatrix suggestions",
            ["Socialisation"],
            "socialisation: partage",
        )
    ]
    assert report.suggestions == 1 and report.verbatims == 0
    assert len(selections(project_xml(both))) == 4
    assert_valid(project_xml(both), "Project.xsd")


def test_doc_and_where_choose_documents_and_verbatims(tmp_path: Path) -> None:
    path = small_corpus(tmp_path / "c.db")
    with Corpus(path) as corpus:
        book = load_codebook()
        by_role, report = project_archive(corpus, book, where=["rôle=expert"], created=WHEN)
        assert report.documents == 1 and [s[0] for s in selections(project_xml(by_role))] == ["entretien-02"]
        by_doc, _ = project_archive(corpus, book, documents=["Entretien 1"], created=WHEN)
        assert {s[0] for s in selections(project_xml(by_doc))} == {"entretien-01"}
        by_value, report = project_archive(corpus, book, where=["value=sociale"], created=WHEN)
        assert report.documents == 2 and [s[3][:9] for s in selections(project_xml(by_value))] == [
            "les clien"
        ]
        from vmatrix.errors import UnknownCode

        with pytest.raises(UnknownCode, match="did you mean"):
            project_archive(corpus, book, where=["role=experte"], created=WHEN)


def test_command_writes_project_and_codebook(tmp_path: Path) -> None:
    path = small_corpus(tmp_path / "c.db")
    out = tmp_path / "etude.qdpx"
    result = runner.invoke(app, ["-C", str(path), "export", str(out), "--source", "both"])
    assert result.exit_code == 0, result.output
    assert "2 document(s), 3 coded verbatim(s), 1 suggested segment(s)" in result.stderr
    assert_valid(project_xml(out), "Project.xsd")
    result = runner.invoke(app, ["export", str(tmp_path / "book.qdc")])
    assert result.exit_code == 0, result.output
    assert_valid((tmp_path / "book.qdc").read_bytes(), "Codebook.xsd")
    result = runner.invoke(app, ["-C", str(path), "export", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and "name the file .qdpx" in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_codebook_alone_names_every_code_once() -> None:
    xml = codebook_xml(load_codebook())
    assert_valid(xml, "Codebook.xsd")
    names = [c.get("name").casefold() for c in ET.fromstring(xml).iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert len(names) == len(set(names))
    assert "sécurité" in names and "formes de valeur" in names


@pytest.mark.slow
def test_examples_export_is_valid_and_read_back_by_independent_readers(
    examples_corpus: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # qdapy unpacks the archive into the working folder
    out = tmp_path / "examples.qdpx"
    with Corpus(examples_corpus) as corpus:
        data, report = project_archive(corpus, load_codebook(), created=WHEN)
        stored = corpus.codes()
        texts = corpus.texts()
    out.write_bytes(data)
    assert_valid(project_xml(data), "Project.xsd")
    assert report.verbatims == len(stored) == 85
    expected = sorted((c.document_id, c.start, c.end, c.anchored_text, c.coder) for c in stored)

    # qdapy: one row per coding, with the text it slices from the source.
    from qdapy.qdpx import read_qdpx

    project = read_qdpx(str(out), warn=False)
    rows = project.fragments.to_dict("records")
    got = sorted(
        {(r["title"], int(r["positionStart"]), int(r["positionEnd"]), r["text"], r["codedBy"]) for r in rows}
    )
    assert got == sorted(set(expected))
    assert sorted(project.coders) == ["CM", "JB"]
    values = {r["code"] for r in rows if r["code"].startswith("Formes de valeur/")}
    assert "Formes de valeur/Sécurité" in values

    # pyrefiqda: the XML model; the text sliced from the archive's sources.
    from pyrefiqda import RefiProject

    model = RefiProject.load(str(out))
    users = {u.guid: u.name for u in model.users.user}
    archive = zipfile.ZipFile(out)
    seen = []
    for source in model.sources.text_source:
        text = archive.read("sources/" + source.plain_text_path.removeprefix("internal://")).decode("utf-8")
        assert text == texts[source.name]
        for s in source.plain_text_selection:
            seen.append(
                (
                    source.name,
                    s.start_position,
                    s.end_position,
                    text[s.start_position : s.end_position],
                    users[s.creating_user],
                )
            )
            assert {users[c.creating_user] for c in s.coding} == {users[s.creating_user]}
    assert sorted(seen) == expected


def test_guids_are_uuid5_of_what_they_name() -> None:
    import uuid

    from vmatrix.exchange.refi import _NAMESPACE, guid

    for parts in [("document", "entretien-01"), ("coding", "code\x1fcodes.csv\x1f12", "tool", "Site web")]:
        assert guid(*parts) == str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def test_attributes_and_text_survive_xml_escaping() -> None:
    from vmatrix.exchange.export import _Xml

    tricky = 'a "b" & <c>\n\td\r\ne\x0b «f»'
    out = _Xml()
    out.open("R", name=tricky)
    out.text("T", tricky)
    out.close()
    root = ET.fromstring(out.bytes())
    assert root.get("name") == tricky.replace("\x0b", "")  # a character XML 1.0 cannot hold
    assert root.findtext("T") == tricky.replace("\x0b", "")
