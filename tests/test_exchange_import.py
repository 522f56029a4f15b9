"""REFI-QDA import: peers' real exports, position shifts, hostile archives, --map/--ignore,
the round trip through vmatrix's own export, the codebook (.qdc) to TOML."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.refi import PEERS, examples_corpus, refi_dir  # noqa: F401
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.errors import InputFileError
from vmatrix.exchange.importing import import_project

runner = CliRunner()

# The text of the peers' fixture, interview 1 (as their .txt files hold it, BOM left out).
E01 = (
    "Entretien n°1 — élue municipale\nQ : Comment est née la cantine ?\n"
    "R : « C’est l’œuvre de tous. » On a mutualisé la cuisine avec l’école… "
    "puis les habitants ont repris le lieu.\n"
)
E02 = (
    "Entretien n°2 🙂 — association\n"
    "R : La monnaie locale circule entre les commerçants ; c’est une reconnaissance du travail bénévole.\n"
)


@pytest.fixture(scope="module")
def peer_codebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The peers' codebook (QualCoder's .qdc) as a vmatrix codebook, through `vmatrix import`."""
    refi_dir()
    out = tmp_path_factory.mktemp("book") / "peers.toml"
    result = runner.invoke(app, ["import", str(PEERS / "qualcoder_export.qdc"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def rows_of(report_or_corpus: object) -> list[tuple[object, ...]]:
    codes = report_or_corpus.validation.sheets[0].codes  # type: ignore[attr-defined]
    return sorted(
        (
            c.document_id,
            c.anchored_text.strip(),
            tuple(c.values),
            tuple((k, tuple(v)) for k, v in sorted(c.facets.items()) if v),
            c.coder,
            c.memo,
        )
        for c in codes
    )


# -- the peers' own files ----------------------------------------------------------------


def test_qdc_of_qualcoder_becomes_a_codebook(peer_codebook: Path) -> None:
    book = load_codebook(peer_codebook)
    # The "Formes de valeur" folder holds eleven codes; localisation is Ervasti's and keeps its group.
    assert [v.label for v in book.values][:3] == ["Localisation", "mutualisation", "circulation"]
    assert len(book.values) == 11 and book.values[0].group == "service"
    assert book.resolve_value("coopération").code.id == "cooperation"
    assert book.values[1].definition == "Définition de « mutualisation »"
    # Folders Outil, Nature, Levier, Initiateur, Bénéficiaire are facets; "outil : lieu" is a tool.
    assert [c.label for c in book.facets["tool"].codes] == ["plateforme", "lieu"]
    assert [c.label for c in book.facets["nature"].codes] == ["monétaire", "non monétaire"]
    assert [c.label for c in book.facets["lever"].codes] == ["réglementaire"]
    assert [c.label for c in book.facets["beneficiary"].codes] == ["habitants"]
    # "collectivité" is an alias of the bundled codebook's public authorities.
    assert book.facets["initiator"].resolve("collectivité").id == "pouvoirs-publics"


def test_qdc_of_taguette_is_read_despite_its_empty_sets(tmp_path: Path) -> None:
    refi_dir()
    out = tmp_path / "tag.toml"
    result = runner.invoke(app, ["import", str(PEERS / "taguette_export.qdc"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # Flat, upper-case GUIDs: "outil : lieu" is a tool; "interesting" and "coopération" are said.
    assert "'interesting' left out" in result.stderr and "'coopération' left out" in result.stderr
    book = load_codebook(out)
    assert [c.label for c in book.facets["tool"].codes] == ["lieu"]
    assert book.value_ids == load_codebook().value_ids  # no value form found: the bundled ones


@pytest.mark.slow
def test_qualcoder_project(tmp_path: Path, peer_codebook: Path) -> None:
    refi_dir()
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(corpus, PEERS / "qualcoder_export.qdpx", load_codebook(peer_codebook))
        assert report.ok and report.stored, report.validation.findings
        # Two text sources (the archive's two other .txt files are not sources); BOM dropped.
        docs = {d.id: d for d in corpus.documents(with_text=True)}
        assert sorted(docs) == ["E01_entretien", "E02_élue"]
        assert docs["E01_entretien"].text == E01 and docs["E02_élue"].text == E02
        assert docs["E01_entretien"].attributes == {"role": "élue"}
        assert docs["E02_élue"].attributes == {"role": "association"}
        assert report.selections == 9 and report.rows == 5
        # One selection per coding, regrouped by passage and coder; positions are code
        # points even after the emoji of E02.
        assert rows_of(report) == [
            (
                "E01_entretien",
                "C’est l’œuvre de tous.",
                ("cooperation",),
                (("initiator", ("habitants",)),),
                "coder1",
                "Citation-clé (mémo é)",
            ),
            (
                "E01_entretien",
                "On a mutualisé la cuisine avec l’école…",
                ("mutualisation",),
                (),
                "coder2",
                "accord inter-codeurs",
            ),
            (
                "E01_entretien",
                "On a mutualisé la cuisine avec l’école…",
                ("mutualisation",),
                (("initiator", ("pouvoirs-publics",)), ("tool", ("lieu",))),
                "coder1",
                None,
            ),
            (
                "E02_élue",
                "La monnaie locale circule entre les commerçants",
                ("circulation",),
                (("nature", ("monetaire",)),),
                "coder2",
                None,
            ),
            ("E02_élue", "reconnaissance du travail bénévole", ("reconnaissance",), (), "coder1", None),
        ]
        assert not report.warnings
        stored = corpus.codes()
        assert {c.sheet for c in stored} == {"qualcoder_export.qdpx"} and len(stored) == 5
        # Again: nothing changes.
        again = import_project(corpus, PEERS / "qualcoder_export.qdpx", load_codebook(peer_codebook))
        assert again.unchanged and [c.id for c in corpus.codes()] == [c.id for c in stored]


@pytest.mark.slow
def test_qc_project(tmp_path: Path, peer_codebook: Path) -> None:
    refi_dir()
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(corpus, PEERS / "qc_export.qdpx", load_codebook(peer_codebook))
        assert report.ok and report.stored
        docs = {d.id: d.text for d in corpus.documents(with_text=True)}
        assert docs == {"E01_entretien": E01, "E02_élue": E02}  # "E01_entretien.txt" names E01_entretien
        # Whole lines ("line:2" counts from 0), one selection coded by two coders: two rows.
        line_e01 = E01.splitlines()[2]
        line_e02 = E02.splitlines()[1]
        assert rows_of(report) == [
            (
                "E01_entretien",
                line_e01,
                ("cooperation", "mutualisation"),
                (("initiator", ("pouvoirs-publics", "habitants")), ("tool", ("lieu",))),
                "coder1",
                None,
            ),
            ("E01_entretien", line_e01, ("mutualisation",), (), "coder2", None),
            ("E02_élue", line_e02, ("circulation",), (("nature", ("monetaire",)),), "coder2", None),
            ("E02_élue", line_e02, ("reconnaissance",), (), "coder1", None),
        ]


def test_dry_run_command_reports_in_json_and_stores_nothing(tmp_path: Path, peer_codebook: Path) -> None:
    import json

    corpus = tmp_path / "c.db"
    args = [
        "-C",
        str(corpus),
        "import",
        str(PEERS / "qualcoder_export.qdpx"),
        "--codebook",
        str(peer_codebook),
    ]
    result = runner.invoke(app, [*args, "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] and not payload["stored"] and payload["codes"] == 5 and payload["selections"] == 9
    assert [d["document"] for d in payload["documents"]] == ["E01_entretien", "E02_élue"]
    assert "dry run, nothing stored" in result.stderr
    assert not corpus.exists()


def test_unmapped_codes_are_listed_with_a_did_you_mean(tmp_path: Path) -> None:
    refi_dir()
    result = runner.invoke(
        app, ["-C", str(tmp_path / "c.db"), "import", str(PEERS / "qualcoder_export.qdpx"), "--dry-run"]
    )
    assert result.exit_code == 1
    assert "4 code(s) map to no value form or facet" in result.stderr
    assert "'Formes de valeur / mutualisation' (2 coding(s))" in result.stderr
    assert not (tmp_path / "c.db").exists()


def test_map_and_ignore(tmp_path: Path) -> None:
    refi_dir()
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "code,vmatrix\nmutualisation,Socialisation\ncirculation,fonctionnelle; outil: monnaie locale\n"
        "reconnaissance,sociale\n",
        encoding="utf-8",
    )
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(
            corpus,
            PEERS / "qualcoder_export.qdpx",
            load_codebook(),
            mapping=mapping,
            ignore=["coopération", "Initiateur/initiateur : habitants"],
            dry_run=True,
        )
        assert report.ok and not report.stored and not corpus.documents()
    rows = rows_of(report)
    assert [r[2] for r in rows] == [("socialisation",), ("socialisation",), ("fonctionnelle",), ("sociale",)]
    # The first passage had only the two codes ignored (one named by its folder): left out.
    assert report.ignored == 1 and report.rows == 4
    assert rows[2][3] == (("nature", ("monétaire",)), ("tool", ("monnaie locale",)))  # kept as typed
    bad = tmp_path / "bad.csv"
    bad.write_text("code,vmatrix\nmutualisation,socialisatoin\n", encoding="utf-8")
    with Corpus(tmp_path / "c.db") as corpus, pytest.raises(InputFileError) as caught:
        import_project(corpus, PEERS / "qualcoder_export.qdpx", load_codebook(), mapping=bad, dry_run=True)
    assert "did you mean socialisation" in caught.value.details[0]


# -- crafted projects: position readings, leniency, hostile archives -----------------------------

QUOTE = "les clients nous trouvent « partout » 🙂"
TEXT = (
    "Q\u00a0: Et le site ?\n"
    "R\u00a0: Ça a tout changé 🙂 : les clients nous trouvent « partout » 🙂, même la nuit.\n"
)
PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">
<Users><User guid="{user}" name="Marie"/></Users>
<CodeBook><Codes>
<Code guid="00000000-0000-0000-0000-0000000000a1" name="Valeurs" isCodable="false">
<Code guid="00000000-0000-0000-0000-0000000000a2" name="Localisation" isCodable="true"/>
<Code guid="00000000-0000-0000-0000-0000000000a3" name="SOCIALE" isCodable="true"/>
</Code>
<Code guid="00000000-0000-0000-0000-0000000000a4" name="Outil" isCodable="false">
<Code guid="00000000-0000-0000-0000-0000000000a5" name="site internet" isCodable="true"/>
</Code>
</Codes></CodeBook>
<Sources>
<TextSource guid="00000000-0000-0000-0000-0000000000b1" name="entretien-10.docx" plainTextPath="internal://{member}">
<PlainTextSelection guid="00000000-0000-0000-0000-0000000000c1" name="{name}"
 startPosition="{start}" endPosition="{end}" creatingUser="{user}">
<Description>à revoir</Description>
<Coding guid="00000000-0000-0000-0000-0000000000d1" creatingUser="{user}">
<CodeRef targetGUID="00000000-0000-0000-0000-0000000000A2"/></Coding>
<Coding guid="00000000-0000-0000-0000-0000000000d2" creatingUser="{user}">
<CodeRef targetGUID="{{00000000-0000-0000-0000-0000000000a3}}"/></Coding>
<Coding guid="00000000-0000-0000-0000-0000000000d3" creatingUser="{user}">
<CodeRef targetGUID="00000000-0000-0000-0000-0000000000a5"/></Coding>
</PlainTextSelection>
</TextSource>
{more}
</Sources>
</Project>
"""


def make_qdpx(
    path: Path,
    text: bytes,
    start: int,
    end: int,
    *,
    name: str = QUOTE,
    origin: str = "ATLAS.ti 23",
    folder: str = "sources",
    qde: bytes | None = None,
    more: str = "",
    bom_in_qde: bool = False,
) -> Path:
    member = "5A8B0000-0000-0000-0000-000000000001.txt"
    xml = qde or PROJECT.format(
        origin=origin,
        user="{7A0E0000-0000-0000-0000-00000000000F}",
        member=member,
        name=name,
        start=start,
        end=end,
        more=more,
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", (b"\xef\xbb\xbf" if bom_in_qde else b"") + xml)
        z.writestr(f"{folder}/{member}", text)
    return path


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def variants() -> list[tuple[str, bytes, int, int, str | None]]:
    """One passage, as each peer writes it: (case, file bytes, start, end, reading reported)."""
    lf = TEXT
    crlf = TEXT.replace("\n", "\r\n")
    s, e = lf.index(QUOTE), lf.index(QUOTE) + len(QUOTE)
    cs, ce = crlf.index(QUOTE), crlf.index(QUOTE) + len(QUOTE)
    return [
        ("standard", lf.encode(), s, e, None),
        ("QualCoder: BOM in the file, not counted", b"\xef\xbb\xbf" + lf.encode(), s, e, None),
        ("BOM counted", b"\xef\xbb\xbf" + lf.encode(), s + 1, e + 1, "byte-order mark"),
        ("NVivo on Windows: CRLF counted as two", crlf.encode(), cs, ce, None),
        ("ATLAS.ti: CRLF file, line breaks counted once", crlf.encode(), s, e, "counted once"),
        ("NVivo: UTF-16 units", lf.encode(), utf16(lf, s), utf16(lf, e), "UTF-16"),
        ("NVivo: CRLF and UTF-16 units", crlf.encode(), utf16(crlf, cs), utf16(crlf, ce), "UTF-16"),
        ("NFD text (macOS)", lf.replace("é", "e\u0301").encode(), s + 1, e + 1, None),
    ]


@pytest.mark.parametrize("case, data, start, end, reading", variants(), ids=[v[0] for v in variants()])
def test_variants_import_to_the_same_codes(
    tmp_path: Path, case: str, data: bytes, start: int, end: int, reading: str | None
) -> None:
    path = make_qdpx(tmp_path / "p.qdpx", data, start, end)
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(corpus, path, load_codebook(), dry_run=True)
    assert report.ok, report.validation.findings
    [code] = report.validation.sheets[0].codes
    assert TEXT[code.start : code.end] == QUOTE.removesuffix(" 🙂") or TEXT[code.start : code.end] == QUOTE
    assert (code.document_id, code.values, code.facets["tool"], code.coder, code.memo) == (
        "entretien-10",
        ["localisation", "sociale"],
        ["site-web"],
        "Marie",
        "à revoir",
    )
    shifts = [w for w in report.warnings if "positions count" in w]
    if reading is None:
        assert not shifts, shifts
    else:
        assert len(shifts) == 1 and reading in shifts[0]


def test_a_selection_that_matches_no_reading_is_reported(tmp_path: Path) -> None:
    s = TEXT.index(QUOTE)
    # Positions 8 characters off, and a name found elsewhere: anchored by its name, both said.
    path = make_qdpx(tmp_path / "p.qdpx", TEXT.encode(), s - 8, s - 8 + len(QUOTE))
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(corpus, path, load_codebook(), dry_run=True)
        assert any(
            "is not the text at its positions" in w and "anchored by its name" in w for w in report.warnings
        )
        assert [f.code for f in report.validation.findings] == ["offsets-mismatch"]
        # A name that is no text of the document: the positions are kept, with a warning.
        path = make_qdpx(tmp_path / "q.qdpx", TEXT.encode(), s, s + len(QUOTE), name="Passage 12")
        report = import_project(corpus, path, load_codebook(), dry_run=True)
    assert report.ok and any("kept at its positions" in w for w in report.warnings)
    assert report.validation.sheets[0].codes[0].anchored_text.startswith("les clients")


def test_lenient_where_peers_are_sloppy(tmp_path: Path) -> None:
    s = TEXT.index(QUOTE)
    pdf = '<PDFSource guid="00000000-0000-0000-0000-0000000000e1" name="scan.pdf" path="internal://x.pdf"/>'
    # BOM before <?xml, "Sources/" capitalised, GUIDs in upper case and braces, a PDF source.
    path = make_qdpx(
        tmp_path / "p.qdpx", TEXT.encode(), s, s + len(QUOTE), folder="Sources", more=pdf, bom_in_qde=True
    )
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        report = import_project(corpus, path, load_codebook(), dry_run=True)
    assert report.ok and report.rows == 1
    assert any("PDF source 'scan.pdf' skipped" in w for w in report.warnings)


HOSTILE_XML = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY boom "boom">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&boom;"/>
"""
EXTERNAL_XML = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/p.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>
"""


def hostile(tmp_path: Path, case: str) -> Path:
    path = tmp_path / f"{case}.qdpx"
    s = TEXT.index(QUOTE)
    if case == "not-a-zip":
        path.write_text("project", encoding="utf-8")
    elif case == "no-qde":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("sources/a.txt", TEXT)
    elif case == "outside":
        make_qdpx(path, TEXT.encode(), s, s + len(QUOTE))
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("../../evil.txt", "x")
    elif case == "bomb":
        make_qdpx(path, TEXT.encode(), s, s + len(QUOTE))
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("sources/zeros.txt", b"\0" * (20 * 1024 * 1024))
    elif case == "entities":
        make_qdpx(path, TEXT.encode(), s, s + len(QUOTE), qde=HOSTILE_XML)
    elif case == "external":
        make_qdpx(path, TEXT.encode(), s, s + len(QUOTE), qde=EXTERNAL_XML)
    elif case == "missing-source":
        with zipfile.ZipFile(make_qdpx(tmp_path / "ok.qdpx", TEXT.encode(), s, s + 5)) as z:
            qde = z.read("project.qde")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("project.qde", qde)
    return path


@pytest.mark.parametrize(
    "case, says",
    [
        ("not-a-zip", "is not a valid REFI-QDA project"),
        ("no-qde", "holds no .qde file"),
        ("outside", "outside the archive"),
        ("bomb", "inflates 1,029 times"),
        ("entities", "DOCTYPE, entities or external references"),
        ("external", "DOCTYPE, entities or external references"),
        ("missing-source", "text source(s) missing"),
    ],
)
def test_hostile_archives_are_refused_and_nothing_is_written(tmp_path: Path, case: str, says: str) -> None:
    path = hostile(tmp_path, case)
    corpus = tmp_path / "c.db"
    result = runner.invoke(app, ["-C", str(corpus), "import", str(path)])
    assert result.exit_code == 1
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("Error: ") and says in first, result.stderr
    assert "Traceback" not in result.output
    assert not corpus.exists()


def test_a_declared_size_that_lies_is_caught_while_reading(tmp_path: Path) -> None:
    from vmatrix.files import open_zip, read_member

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("sources/a.txt", b"a" * 5000)
    archive = open_zip(buffer.getvalue(), "x.qdpx", "project")
    info = archive.infolist()[0]
    info.file_size = 10  # declares less than it holds
    with pytest.raises(InputFileError, match=r"x.qdpx: sources/a.txt (inflates past|cannot be read)"):
        read_member(archive, "sources/a.txt", "x.qdpx")


# -- the round trip ---------------------------------------------------------------------------


def cli_csv(corpus: Path, *args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["-C", str(corpus), *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.slow
def test_round_trip_gives_the_same_documents_codes_and_matrix(
    examples_corpus: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    archive = tmp_path / "examples.qdpx"
    assert runner.invoke(app, ["-C", str(examples_corpus), "export", str(archive)]).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["-C", str(fresh), "import", str(archive)])
    assert result.exit_code == 0, result.output
    assert "stored as sheet 'examples.qdpx'" in result.stderr
    with Corpus(examples_corpus) as before, Corpus(fresh) as after:
        old = {d.id: d for d in before.documents(with_text=True)}
        new = {d.id: d for d in after.documents(with_text=True)}
        assert sorted(old) == sorted(new)
        for doc_id, doc in old.items():
            assert (doc.text, doc.label, doc.number, doc.attributes) == (
                new[doc_id].text,
                new[doc_id].label,
                new[doc_id].number,
                new[doc_id].attributes,
            )
    sheet_columns = ["document", "start", "end", "quote", "values", "tool", "nature", "lever", "initiator"]
    sheet_columns += ["beneficiary", "coder", "memo", "label", "status"]

    def codes(corpus: Path) -> list[tuple[str, ...]]:
        return sorted(tuple(r[c] for c in sheet_columns) for r in cli_csv(corpus, "codes"))

    assert codes(fresh) == codes(examples_corpus)
    assert cli_csv(fresh, "matrix") == cli_csv(examples_corpus, "matrix")
    assert cli_csv(fresh, "matrix", "--unit", "tool") == cli_csv(examples_corpus, "matrix", "--unit", "tool")
    # Into the corpus it came from: the documents are left as they are (no parse), the
    # codes come in as a sheet of their own.
    same = tmp_path / "same.db"
    same.write_bytes(examples_corpus.read_bytes())
    with Corpus(same) as corpus:
        segments = corpus.segments()
        report = import_project(corpus, archive, load_codebook())
        assert {status for _, _, status in report.documents} == {"unchanged"}
        assert corpus.segments() == segments
        assert len(corpus.codes(sheets=["examples.qdpx"])) == len(corpus.codes(sheets=["codes.csv"])) + len(
            corpus.codes(sheets=["codes-coder2.csv"])
        )
    # Importing it again changes nothing.
    with Corpus(fresh) as corpus:
        ids = [c.id for c in corpus.codes()]
    result = runner.invoke(app, ["-C", str(fresh), "import", str(archive)])
    assert result.exit_code == 0 and "nothing changed" in result.stderr
    with Corpus(fresh) as corpus:
        assert [c.id for c in corpus.codes()] == ids
