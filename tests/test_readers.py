"""Reading transcript files: encodings, Word and OpenDocument, refusals."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from tests.conftest import write_docx, write_odt
from vmatrix import files
from vmatrix.errors import InputFileError
from vmatrix.transcripts import readers
from vmatrix.transcripts.readers import read_source

FRENCH = "Q\u00a0: L’ERP, « c’est sûr », le cœur du métier\u00a0; 15\u00a0€.\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_word_produces_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "entretien.txt"
    path.write_bytes(FRENCH.encode(encoding))
    source = read_source(path)
    assert source.text == FRENCH
    assert source.encoding == expected


def test_cp1252_word_file_keeps_typography_and_line_ends(data: Path) -> None:
    source = read_source(data / "cp1252.txt")
    assert source.encoding == "cp1252"
    assert "\r" not in source.text
    assert "L’ERP" in source.text and "cœur" in source.text and "15€" in source.text
    assert "«\u00a0au cas où\u00a0»" in source.text  # non-breaking spaces kept


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(FRENCH.encode("utf-16-le"))
    assert read_source(path).text == FRENCH


def test_forced_encoding_is_used_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes("déjà".encode("cp1252") + b" \x81")
    with pytest.raises(InputFileError, match="not valid utf-8"):
        read_source(path, encoding="utf-8")
    with pytest.raises(InputFileError, match="unknown encoding"):
        read_source(path, encoding="klingon")


def test_never_falls_back_to_latin1(tmp_path: Path) -> None:
    # In latin-1, ’ (0x92) and œ (0x9c) would become invisible control characters.
    path = tmp_path / "e.txt"
    path.write_bytes("L’œuvre d’une vie".encode("cp1252"))
    text = read_source(path).text
    assert text == "L’œuvre d’une vie"
    assert not any(0x80 <= ord(c) <= 0x9F for c in text)


def test_text_is_nfc_with_newlines(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes("R : le cafe\u0301 du matin\r\nsuite\rfin".encode())
    text = read_source(path).text
    assert text == "R : le café du matin\nsuite\nfin"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n ", "is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a valid .docx"),
        ("broken.odt", b"this is plain text", "not a valid .odt"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
        ("ancien.doc", b"\xd0\xcf\x11\xe0", "save it as .docx"),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=reason) as info:
        read_source(path)
    assert name in info.value.message


def test_missing_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_source(tmp_path / "absent.txt")
    big = tmp_path / "big.txt"
    big.write_text("mot " * 100)
    monkeypatch.setattr(files, "MAX_BYTES", 50)
    with pytest.raises(InputFileError, match="larger than"):
        read_source(big)


def test_docx_paragraphs_and_speaker_tables(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "e.docx",
        ["Intervieweur : Bonjour.", "Mme Lefèvre : On a un site depuis 2020."],
        table=[["Intervieweur", "Et l’ERP ?"], ["Mme Lefèvre", "Pas encore."]],
    )
    source = read_source(path)
    assert source.format == "docx"
    assert source.encoding is None
    assert source.text.splitlines() == [
        "Intervieweur : Bonjour.",
        "Mme Lefèvre : On a un site depuis 2020.",
        "Intervieweur : Et l’ERP ?",
        "Mme Lefèvre : Pas encore.",
    ]


def test_docx_that_is_another_zip_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "e.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputFileError, match="not a Word document"):
        read_source(path)


def test_odt_paragraphs(tmp_path: Path) -> None:
    path = write_odt(tmp_path / "e.odt", ["Enquêtrice : Bonjour.", "M. Garnier : Bonjour à vous."])
    assert read_source(path).text == "Enquêtrice : Bonjour.\nM. Garnier : Bonjour à vous."


def test_digest_changes_with_content(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_text("R : un")
    first = read_source(path).sha256
    path.write_text("R : deux")
    assert read_source(path).sha256 != first


def test_bom_constants_are_ordered_longest_first() -> None:
    # UTF-32 LE's BOM starts with UTF-16 LE's: it must be tried first.
    boms = [bom for bom, _ in files._BOMS]
    assert boms.index(codecs.BOM_UTF32_LE) < boms.index(codecs.BOM_UTF16_LE)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _xml(fragment: str) -> object:
    from docx.oxml import parse_xml

    return parse_xml(fragment.replace(">", f" {_W}>", 1))


def test_docx_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    # Word shows the text with insertions and without deletions: so must vmatrix.
    import docx

    document = docx.Document()
    document.add_paragraph("Q : Vous êtes combien ?")
    said = document.add_paragraph("R : On est une boulangerie")
    inserted = '<w:r><w:t xml:space="preserve">, trois boutiques</w:t></w:r>'
    said._p.append(_xml(f'<w:ins w:id="1" w:author="A">{inserted}</w:ins>'))
    said._p.append(
        _xml('<w:del w:id="2" w:author="A"><w:r><w:delText> et un camion</w:delText></w:r></w:del>')
    )
    said.add_run(".")
    document.save(str(tmp_path / "e.docx"))
    assert (
        read_source(tmp_path / "e.docx").text.splitlines()[1]
        == "R : On est une boulangerie, trois boutiques."
    )


def test_docx_content_controls_and_fields_keep_their_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    cover = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Mémoire — Entretien 3</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(0, _xml(cover))
    asked = document.add_paragraph("Q : ")
    asked._p.append(_xml("<w:sdt><w:sdtContent><w:r><w:t>Et Instagram ?</w:t></w:r></w:sdtContent></w:sdt>"))
    said = document.add_paragraph("R : Depuis le ")
    said._p.append(_xml('<w:fldSimple w:instr="DATE"><w:r><w:t>14/03/2024</w:t></w:r></w:fldSimple>'))
    said.add_run(".")
    for part in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        "<w:r><w:instrText> PAGE </w:instrText></w:r>",
    ):
        said._p.append(_xml(part))
    box = (
        "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>ENCADRÉ</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"
    )
    said._p.append(_xml(box))
    document.save(str(tmp_path / "e.docx"))
    assert read_source(tmp_path / "e.docx").text.splitlines() == [
        "Mémoire — Entretien 3",
        "Q : Et Instagram ?",
        "R : Depuis le 14/03/2024.",
    ]


def test_docx_bold_speaker_names_become_labels(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for name, said in [
        ("Intervieweuse", "Et le site ?"),
        ("Mme Roux", "On l’a depuis 2019."),
        ("Et ensuite", "c’est une phrase en gras, pas un nom."),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(name).bold = True
        paragraph.add_run(" " + said)
    labelled = document.add_paragraph()
    labelled.add_run("Mme Roux").bold = True
    labelled.add_run(" : Voilà.")
    document.save(str(tmp_path / "e.docx"))
    assert read_source(tmp_path / "e.docx").text.splitlines() == [
        "Intervieweuse : Et le site ?",
        "Mme Roux : On l’a depuis 2019.",
        "Et ensuite c’est une phrase en gras, pas un nom.",
        "Mme Roux : Voilà.",
    ]


def test_docx_questions_in_bold_or_italic_are_the_interviewers(tmp_path: Path) -> None:
    import docx

    from vmatrix.transcripts.segment import segment_text

    document = docx.Document()
    document.add_paragraph().add_run("Entretien 35 – dirigeant, transport").bold = True
    document.add_paragraph().add_run("Vous avez un site ?").bold = True
    document.add_paragraph("Oui, on gagne du temps ?  Enfin je crois.")
    document.add_paragraph().add_run("Et la visio ?").italic = True
    document.add_paragraph("On l’utilise à distance.")
    document.add_paragraph("Avec les clients surtout.")
    document.save(str(tmp_path / "e.docx"))
    text = read_source(tmp_path / "e.docx").text
    assert [(s.speaker, text[s.start : s.end]) for s in segment_text(text)] == [
        (None, "Entretien 35 – dirigeant, transport"),
        ("Q", "Vous avez un site ?"),
        (None, "Oui, on gagne du temps ?  Enfin je crois."),
        ("Q", "Et la visio ?"),
        (None, "On l’utilise à distance.\nAvec les clients surtout."),
    ]
    one = docx.Document()
    one.add_paragraph().add_run("Vous avez un site ?").bold = True
    one.add_paragraph("Oui.")
    one.save(str(tmp_path / "one.docx"))
    assert read_source(tmp_path / "one.docx").text == "Vous avez un site ?\nOui."  # one is no layout


def test_docx_table_with_a_time_column(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "e.docx",
        [],
        table=[
            ["Temps", "Locuteur", "Propos"],
            ["00:01:10", "Q", "Et l’ERP ?"],
            ["00:01:15", "R", "Pas encore."],
            ["Note", "a", "b"],
        ],
    )
    assert read_source(path).text.splitlines() == [
        "Temps | Locuteur | Propos",
        "00:01:10 Q : Et l’ERP ?",
        "00:01:15 R : Pas encore.",
        "Note\ta\tb",
    ]


def _odt_with(path: Path, body: str) -> Path:
    import io
    import zipfile

    write_odt(path, ["PLACEHOLDER"])
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(b"<text:p>PLACEHOLDER</text:p>", body.encode())
                # The prefixes the bodies use, declared as LibreOffice declares them.
                for prefix, uri in (
                    (b"dc", b"http://purl.org/dc/elements/1.1/"),
                    (b"table", b"urn:oasis:names:tc:opendocument:xmlns:table:1.0"),
                ):
                    if b"xmlns:" + prefix + b"=" not in data:
                        data = data.replace(
                            b"<office:document-content ",
                            b"<office:document-content xmlns:" + prefix + b'="' + uri + b'" ',
                        )
            archive.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


def test_odt_leaves_out_deletions_notes_and_comments(tmp_path: Path) -> None:
    # Before, the deleted text, the footnote and the comment's author and text were read
    # into the speech ("de la CCI1Chambre de commerce. pour le site").
    path = _odt_with(
        tmp_path / "e.odt",
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion>"
        "<text:p>Texte supprimé.</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        "<text:p>R : Une aide de la CCI<text:note text:id='n1' text:note-class='footnote'>"
        "<text:note-citation>1</text:note-citation><text:note-body><text:p>Chambre de commerce.</text:p>"
        "</text:note-body></text:note> pour le site.</text:p>"
        "<text:p>R : Le logiciel<office:annotation><dc:creator>Anne</dc:creator>"
        "<text:p>fonctionnelle</text:p></office:annotation> de caisse<text:s text:c='2'/>!</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>Q</text:p></table:table-cell>"
        "<table:table-cell><text:p>Et en tableau ?</text:p></table:table-cell>"
        "</table:table-row></table:table>",
    )
    assert read_source(path).text.splitlines() == [
        "R : Une aide de la CCI pour le site.",
        "R : Le logiciel de caisse  !",
        "Q : Et en tableau ?",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("renamed.docx", readers._OLE + b"\x00" * 600, "old Word file (.doc) named .docx"),
        ("renamed.txt", readers._OLE + b"\x00" * 600, "old Word file (.doc) named .txt"),
        (
            "locked.docx",
            readers._OLE + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64,
            "protected by a password",
        ),
        ("saved-as-rtf.txt", b"{\\rtf1\\ansi\\deff0 {\\fonttbl} Q : Bonjour}", "RTF file named .txt"),
        ("export.txt", b"%PDF-1.7\n%\xe2\xe3", "PDF named .txt"),
        ("archive.txt", b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
    ],
)
def test_a_file_in_another_format_than_its_name_says(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=re.escape(reason)):
        read_source(path)


def test_odt_named_docx_and_docx_named_odt(tmp_path: Path) -> None:
    import shutil

    odt = write_odt(tmp_path / "a.odt", ["Q : Bonjour."])
    shutil.copy(odt, tmp_path / "a.docx")
    with pytest.raises(InputFileError, match=r"OpenDocument text named \.docx; rename it to \.odt"):
        read_source(tmp_path / "a.docx")
    docx_file = write_docx(tmp_path / "b.docx", ["Q : Bonjour."])
    shutil.copy(docx_file, tmp_path / "b.odt")
    with pytest.raises(InputFileError, match=r"Word document named \.odt; rename it to \.docx"):
        read_source(tmp_path / "b.odt")


def test_word_plain_text_line_and_page_breaks_are_line_ends(tmp_path: Path) -> None:
    # Word's "Texte brut" writes Shift+Enter as \v and a page break as \f; a long
    # transcript full of them was refused as binary.
    path = tmp_path / "e.txt"
    turn = "Q : Et le site ?\r\nR : Oui.\x0bDepuis 2008.\x0c"
    path.write_bytes((turn * 20).encode("cp1252"))
    text = read_source(path).text
    assert text.startswith("Q : Et le site ?\nR : Oui.\nDepuis 2008.\nQ : Et le site ?")
    assert "\x0b" not in text and "\x0c" not in text


def test_utf8_file_with_one_pasted_cp1252_character_says_where(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    said = "Q : Qu’est-ce que ça a changé ?\nR : Déjà, on gagne du temps.\n" * 10
    path.write_bytes(said.encode("utf-8") + b"R : l\x92\xe9quipe est ravie.\n")
    with pytest.raises(InputFileError, match=r"is UTF-8 except at line 21, after 'R : l'"):
        read_source(path)
