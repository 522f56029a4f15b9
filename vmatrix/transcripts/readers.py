"""Read a transcript file into text: decoding, Word/OpenDocument, subtitles.

The result is a :class:`Source`: the stored text (see :mod:`vmatrix.textnorm`), the
encoding it was read with, and, for subtitle files, the speaker turns already known
from the cues. Anything that cannot be read raises :class:`InputFileError` with the
reason and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmatrix.errors import InputFileError
from vmatrix.files import decode, file_digest, open_zip, parse_xml, read_bytes, read_member
from vmatrix.textnorm import normalise_stored
from vmatrix.transcripts.segment import Turn, match_label, segment_text

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUBTITLE_SUFFIXES = {".srt", ".vtt"}
SUFFIXES = TEXT_SUFFIXES | SUBTITLE_SUFFIXES | {".docx", ".odt"}
RESAVE = {
    ".doc": " (open it in Word and save it as .docx)",
    ".rtf": " (save it as .docx or .txt)",
    ".pages": " (export it as .docx)",
    ".pdf": " (copy its text into a .txt file, or export it as .docx)",
}


@dataclass
class Source:
    path: Path
    format: str
    encoding: str | None
    text: str
    sha256: str
    turns: list[Turn] | None = field(default=None)


def read_source(path: Path, *, encoding: str | None = None) -> Source:
    """Read one transcript file, whatever its format."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        advice = RESAVE.get(suffix, "")
        raise InputFileError(
            f"{path}: unsupported file type {suffix or '(none)'}; vmatrix reads "
            f"{', '.join(sorted(SUFFIXES))}{advice}"
        )
    data = read_bytes(path)
    digest = file_digest(data)
    if not data.strip():
        raise InputFileError(f"{path}: is empty")
    where = str(path)
    _refuse_other_formats(data, suffix, where)
    turns = None
    used: str | None
    if suffix == ".docx":
        text, used = _read_docx(data, where), None
    elif suffix == ".odt":
        text, used = _read_odt(data, where), None
    else:
        raw, used = decode(data, where=where, encoding=encoding)
        raw = normalise_stored(raw)
        if suffix in SUBTITLE_SUFFIXES:
            from vmatrix.transcripts.subtitles import parse_subtitles, render_turns

            cues = parse_subtitles(raw, suffix[1:], where=where)
            text, turns = render_turns(cues)
        else:
            text = raw
    text = normalise_stored(text)
    if not text.strip():
        raise InputFileError(f"{path}: holds no text")
    return Source(path, suffix[1:], used, text, digest, turns)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and password-protected .docx


def _refuse_other_formats(data: bytes, suffix: str, where: str) -> None:
    """A file whose content is another format than its name says, with what to do."""
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputFileError(
                f"{where}: is protected by a password; open it in Word, remove the password "
                "(File > Info > Protect Document) and save it again"
            )
        raise InputFileError(
            f"{where}: is an old Word file (.doc) named {suffix}; open it in Word or LibreOffice "
            "and save it as .docx"
        )
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        raise InputFileError(
            f"{where}: is an RTF file named {suffix}; save it as .docx or as plain text (.txt)"
        )
    if data.startswith(b"%PDF"):
        raise InputFileError(
            f"{where}: is a PDF named {suffix}; export it as .docx, or copy its text into a .txt file"
        )
    if data.startswith(b"PK\x03\x04") and suffix not in (".docx", ".odt"):
        raise InputFileError(
            f"{where}: is a zip archive (a .docx or .odt file renamed?) named {suffix}; "
            "give it its real extension"
        )


def _read_docx(data: bytes, where: str) -> str:
    archive = open_zip(data, where, ".docx")
    names = archive.namelist()
    if "word/document.xml" not in names:
        if "content.xml" in names:
            raise InputFileError(f"{where}: is an OpenDocument text named .docx; rename it to .odt")
        raise InputFileError(f"{where}: is a zip file but not a Word document")
    root = parse_xml(read_member(archive, "word/document.xml", where), where)
    body = root.find(_W + "body")
    if root.tag != _W + "document" or body is None:
        raise InputFileError(f"{where}: cannot be read as a Word document (no document body)")
    return _join_paragraphs(_emphasised_questions(list(_docx_lines(body))))


class _Paragraph(str):
    """A Word paragraph's text, and whether all of it is set in bold or italic."""

    emphasised = False


def _emphasised_questions(lines: list[str]) -> list[str]:
    """In a Word transcript without speaker labels, the questions set apart in bold or
    italic (a common layout: the interviewer's questions emphasised, the answers plain)
    are the interviewer's: each gets the label ``Q :``, and the plain paragraphs after it
    are its answer. Two such questions at least; a document with labels is left as it is."""
    asked = [
        i
        for i, line in enumerate(lines)
        if getattr(line, "emphasised", False) and line.rstrip().endswith("?")
    ]
    if len(asked) < 2 or any(s.speaker for s in segment_text("\n".join(lines))):
        return lines
    out = list(lines)
    for i in asked:
        lead = len(lines[i]) - len(lines[i].lstrip())
        out[i] = f"{lines[i][:lead]}Q : {lines[i][lead:]}"
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Wrappers whose content belongs to the document as if they were not there: content
# controls (cover pages, forms), custom XML, tracked insertions and moves.
_W_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"}
# What is not the document's final text: tracked deletions and moves away, text boxes
# (drawn apart from the speech), the fallback copy of a drawing, field codes, properties.
_W_SKIPPED = {
    _W + "del",
    _W + "moveFrom",
    _W + "txbxContent",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    _W + "instrText",
    _W + "rPr",
    _W + "pPr",
    _W + "sdtPr",
}
_W_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _w_children(node: Any, tag: str) -> Iterator[Any]:
    """The ``tag`` children of ``node``, looking through content controls and revisions."""
    for child in node:
        if child.tag == tag:
            yield child
        elif child.tag in _W_WRAPPERS:
            yield from _w_children(child, tag)


def _docx_lines(node: Any) -> Iterator[str]:
    """The paragraphs of a Word body or table cell, in order, tables as lines."""
    for child in node:
        if child.tag == _W + "p":
            yield _docx_paragraph(child)
        elif child.tag == _W + "tbl":
            rows = [
                ["\n".join(_docx_lines(cell)) for cell in _w_children(row, _W + "tc")]
                for row in _w_children(child, _W + "tr")
            ]
            yield from _table_lines(rows)
        elif child.tag in _W_WRAPPERS:
            yield from _docx_lines(child)


def _docx_paragraph(paragraph: Any) -> str:
    """A paragraph's final text: insertions kept, deletions left out, as Word shows it
    with changes accepted. A bold name opening it ("**Mme Roux** Bonjour") gets the
    colon a speaker label needs ("Mme Roux : Bonjour")."""
    pieces: list[tuple[str, bool]] = []
    plain: list[str] = []  # the text neither bold nor italic

    def walk(node: Any, bold: bool, italic: bool) -> None:
        for child in node:
            tag = child.tag
            if tag in _W_SKIPPED:
                continue
            if tag == _W + "r":
                walk(child, _w_bold(child), _w_italic(child))
            elif tag == _W + "t" or tag in _W_TEXT:
                piece = (child.text or "") if tag == _W + "t" else _W_TEXT[tag]
                pieces.append((piece, bold))
                if not (bold or italic):
                    plain.append(piece)
            else:
                walk(child, bold, italic)

    walk(paragraph, False, False)
    text = "".join(piece for piece, _ in pieces)
    labelled = _bold_label(text, pieces)
    if labelled is not None:
        return labelled
    out = _Paragraph(text)
    out.emphasised = bool(text.strip()) and not "".join(plain).strip()
    return out


def _w_bold(run: Any) -> bool:
    props = run.find(_W + "rPr")
    if props is None:
        return False
    bold = props.find(_W + "b")
    if bold is not None:
        return bold.get(_W + "val", "true") not in ("0", "false", "off")
    style = props.find(_W + "rStyle")
    return style is not None and style.get(_W + "val") in ("Strong", "lev")


def _w_italic(run: Any) -> bool:
    props = run.find(_W + "rPr")
    italic = props.find(_W + "i") if props is not None else None
    return italic is not None and italic.get(_W + "val", "true") not in ("0", "false", "off")


def _bold_label(text: str, pieces: list[tuple[str, bool]]) -> str | None:
    """``Name : speech`` when ``text`` opens with a bold name that is not yet a label."""

    lead = len(text) - len(text.lstrip())
    bold, at = "", 0
    for piece, is_bold in pieces:
        if at + len(piece) <= lead:
            at += len(piece)
            continue
        if not is_bold:
            break
        bold += piece
        at += len(piece)
    name, rest = bold.strip(), text[lead + len(bold) :].lstrip()
    if not name or not rest or rest[0] in ":：-–—" or match_label(text) is not None:
        return None
    label = match_label(f"{name} : {rest}")
    if label is None or label.speaker != name:
        return None
    return f"{text[:lead]}{name} : {rest}"


_TABLE_HEADERS = set(
    "locuteur locutrice intervenant intervenante speaker nom qui personne propos texte "
    "transcription verbatim discours paroles contenu text temps time horodatage minutage "
    "timecode heure debut".split()
)


def _fold_header(cell: str) -> str:
    from vmatrix.textnorm import fold

    return fold(cell).strip(" :.")


_CELL_STAMP = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?$")


def _table_lines(rows: list[list[str]]) -> list[str]:
    """Transcripts laid out as a table (speaker | speech, or time | speaker | speech)
    become ``speaker : speech`` lines, with the time first when there is one."""
    lines = []
    for n, cells in enumerate(rows):
        unique = [c.strip() for i, c in enumerate(cells) if c.strip() and c not in cells[:i]]
        if n == 0 and unique and all(_fold_header(c) in _TABLE_HEADERS for c in unique):
            lines.append(" | ".join(unique))  # a header row ("Locuteur | Propos") is no turn
            continue
        stamp = ""
        if len(unique) == 3 and _CELL_STAMP.match(unique[0]):
            stamp, unique = unique[0] + " ", unique[1:]
        if len(unique) == 2 and len(unique[0]) <= 40 and "\n" not in unique[0]:
            lines.append(f"{stamp}{unique[0]} : {unique[1]}")
        elif unique:
            lines.append("\t".join([stamp.strip(), *unique] if stamp else unique))
    return lines


def _read_odt(data: bytes, where: str) -> str:
    archive = open_zip(data, where, ".odt")
    names = archive.namelist()
    if "content.xml" not in names:
        if "word/document.xml" in names:
            raise InputFileError(f"{where}: is a Word document named .odt; rename it to .docx")
        raise InputFileError(f"{where}: is a zip file but not an OpenDocument text")
    root = parse_xml(read_member(archive, "content.xml", where), where)
    text = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise InputFileError(f"{where}: cannot be read as an OpenDocument text (no text body)")
    return _join_paragraphs(list(_odt_lines(text, where)))


_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# Not the document's text: the deleted text of tracked changes, footnotes and endnotes
# (they would land in the middle of a sentence), comments, frames and text boxes.
_ODT_SKIPPED = {
    _TEXT + "tracked-changes",
    _TEXT + "note",
    _OFFICE + "annotation",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
}
# A run of spaces is written <text:s text:c="N"/>; a count past this is no transcript.
_ODT_MAX_SPACES = 1000


def _odt_lines(node: Any, where: str) -> Iterator[str]:
    """Paragraphs and headings in document order (lists and sections included), tables as lines."""
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in _ODT_SKIPPED:
            continue
        if tag in (_TEXT + "p", _TEXT + "h"):
            yield _odt_inline(child, where)
        elif tag == _TABLE + "table":
            rows = [
                ["\n".join(_odt_lines(cell, where)) for cell in _odt_descendants(row, _TABLE + "table-cell")]
                for row in _odt_descendants(child, _TABLE + "table-row")
            ]
            yield from _table_lines(rows)
        elif len(child):
            yield from _odt_lines(child, where)


def _odt_descendants(node: Any, tag: str) -> Iterator[Any]:
    for child in node:
        if child.tag == tag:
            yield child
        elif child.tag != _TABLE + "table" and len(child):
            yield from _odt_descendants(child, tag)


def _odt_inline(node: Any, where: str) -> str:
    parts: list[str] = [node.text or ""]
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in _ODT_SKIPPED:
            pass
        elif tag == _TEXT + "s":
            count = (child.get(_TEXT + "c") or "1").strip()
            spaces = int(count) if count.isdigit() else 1
            if spaces > _ODT_MAX_SPACES:
                raise InputFileError(
                    f"{where}: asks for a run of {spaces:,} spaces (text:s), more than a transcript "
                    "holds (a damaged or malicious file); open it in LibreOffice and save it again"
                )
            parts.append(" " * spaces)
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        else:
            parts.append(_odt_inline(child, where))
        parts.append(child.tail or "")
    return "".join(parts)


def _join_paragraphs(lines: list[str]) -> str:
    """Word paragraphs become lines; a speaker turn already starts on its own line."""
    return "\n".join(line.replace("\r", "").replace("\x0b", "\n") for line in lines)
