"""The bytes and text of a file named on the command line: size limits, decoding.

Transcripts, metadata and coding sheets are all read through here, so a file is
refused the same way whatever it holds, and its text is decoded the same way: a
byte-order mark, strict UTF-8, then the most likely legacy Windows or Mac encoding,
never a silent latin-1.

Zip containers (.docx, .odt, .xlsx, and any other zipped format vmatrix imports) are
opened with :func:`open_zip`, their members read with :func:`read_member` and their XML
parsed with :func:`parse_xml`: the limits on what a small file may make vmatrix inflate
or build (declared and actual uncompressed sizes, compression ratio, number of members,
number of XML elements, no DOCTYPE and so no entities) live here, once, for every
reader of zipped input to use.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

from vmatrix.errors import InputFileError

MAX_BYTES = 50 * 1024 * 1024

# What one zip container may hold. Word, LibreOffice and Excel files of a few hundred
# pages stay far below; a zip bomb (a few MB inflating to GB) does not.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one member, inflated
ZIP_MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all members, inflated
ZIP_MAX_RATIO = 200  # inflated / compressed, for members over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
# XML elements in one member: a 24-hour transcript in Word is about 500,000.
XML_MAX_ELEMENTS = 2_000_000

# Single-byte encodings a French transcript plausibly comes in when it is not UTF-8:
# Word's "Texte brut" on Windows, old Mac Word, DOS. Latin-1 is deliberately absent:
# cp1252 covers it for every printable character and reads ’ œ € correctly.
_LEGACY_ENCODINGS = ["cp1252", "mac_roman", "cp850", "iso8859_15"]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # \v and \f are line ends


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path, *, limit: int | None = None, what: str = "one transcript; split it") -> bytes:
    """The raw bytes of an input file, refusing what is missing, unreadable, bigger than
    ``limit`` (:data:`MAX_BYTES` unless given; ``what`` says what the limit is for), or
    not a regular file (a named pipe would hang, /dev/zero never ends)."""
    limit = MAX_BYTES if limit is None else limit
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder, not a file")
    try:
        # Opened without blocking: opening a named pipe would wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = _regular_file(path, handle)
            size = info.st_size
            if size > limit:
                raise InputFileError(
                    f"{path}: {size / 1024 / 1024:.0f} MB is larger than the "
                    f"{limit // 1024 // 1024} MB limit for {what}"
                )
            data = handle.read(limit + 1)
        if len(data) > limit:  # grew while being read
            raise InputFileError(f"{path}: is larger than the {limit // 1024 // 1024} MB limit")
        return data
    except PermissionError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _regular_file(path: Path, handle: Any) -> Any:
    """The status of an open file, refusing devices, pipes and sockets."""
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            f"{path}: is not a regular file (a device, a named pipe or a socket); "
            "give the transcript file itself"
        )
    return info


def decode(data: bytes, *, where: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns ``(text, encoding)``.

    Order: a forced encoding; a byte-order mark; strict UTF-8; then the most likely of
    the legacy single-byte encodings. Never a silent latin-1 fallback.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputFileError(f"{where}: unknown encoding {encoding!r}") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{where}: is not valid {encoding} (byte {exc.start}); "
                "leave out --encoding to let vmatrix detect it"
            ) from exc
        return _check_text(text, where), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(name), where), name
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"{where}: starts with a {name} byte-order mark but is not valid {name}"
                ) from exc
    try:
        return _check_text(data.decode("utf-8"), where), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        guess = "utf-16-le" if odd > even else "utf-16-be"
        if max(even, odd) > len(data) // 4:
            try:
                return _check_text(data.decode(guess), where), guess
            except UnicodeDecodeError:
                pass
        raise InputFileError(f"{where}: is a binary file, not a transcript")
    return _decode_legacy(data, where)


def _decode_legacy(data: bytes, where: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None:
        bad = _first_bad_byte(data)
        if bad:
            raise InputFileError(
                f"{where}: is UTF-8 except {bad} (a character pasted from another file?); "
                "retype it there and save the file as UTF-8"
            )
        raise InputFileError(
            f"{where}: cannot tell its encoding (not UTF-8, not cp1252); save it as UTF-8 or pass --encoding"
        )
    name = codecs.lookup(best.encoding).name
    return _check_text(data.decode(name), where), name


def _first_bad_byte(data: bytes) -> str:
    """Where a file that is UTF-8 but for a few characters (a quote pasted from another
    file) stops being UTF-8: the line and the text around it, to retype it there."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        replaced = data.decode("utf-8", errors="replace").count("\ufffd")
        if replaced > max(5, len(data) // 500):
            return ""  # not UTF-8 at all
        line = data.count(b"\n", 0, bad) + 1
        before = data[max(0, bad - 30) : bad].decode("utf-8", errors="replace").split("\n")[-1]
        return f"at line {line}, after {before.lstrip()!r}"
    return ""


def _check_text(text: str, where: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls and controls > max(3, len(text) // 1000):
        raise InputFileError(
            f"{where}: holds {controls} control characters; it is binary or in another "
            "encoding (pass --encoding if you know it)"
        )
    return text


# -- zip containers and their XML ------------------------------------------------------


def open_zip(
    data: bytes,
    where: str,
    kind: str,
    *,
    max_member: int = ZIP_MAX_MEMBER_BYTES,
    max_total: int = ZIP_MAX_TOTAL_BYTES,
) -> zipfile.ZipFile:
    """A zip container whose directory promises nothing a transcript or a sheet never
    needs: refused when it has too many members, or members that inflate too far (a zip
    bomb), judged on the sizes declared before anything is inflated. :func:`read_member`
    then holds each member to its declared size while inflating it. A format whose
    members are larger by nature (a REFI-QDA project's XML) gives its own size limits."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputFileError(
            f"{where}: is not a valid {kind} file (damaged, or another format renamed); "
            "open and re-save it in the program that made it"
        ) from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise _bomb(where, kind, f"it holds {len(members):,} files")
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/"):
            raise InputFileError(
                f"{where}: holds a file named {member.filename!r}, outside the archive (a damaged or "
                "malicious file); refused"
            )
        total += member.file_size
        if member.file_size > max_member:
            raise _bomb(where, kind, f"{member.filename} inflates to {_mb(member.file_size)}")
        ratio = member.file_size / max(1, member.compress_size)
        if member.file_size > ZIP_RATIO_FROM and ratio > ZIP_MAX_RATIO:
            raise _bomb(
                where,
                kind,
                f"{member.filename} inflates {ratio:,.0f} times (to {_mb(member.file_size)})",
            )
    if total > max_total:
        raise _bomb(where, kind, f"its files inflate to {_mb(total)} in all")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, where: str, limit: int = ZIP_MAX_MEMBER_BYTES) -> bytes:
    """One member's bytes, inflated a block at a time and refused as soon as they pass
    ``limit`` or the size the zip declared for them."""
    try:
        info = archive.getinfo(name)
        chunks, size = [], 0
        with archive.open(info) as member:
            while block := member.read(1024 * 1024):
                size += len(block)
                if size > min(limit, info.file_size):
                    raise _bomb(where, "zip", f"{name} inflates past {_mb(min(limit, info.file_size))}")
                chunks.append(block)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(f"{where}: {name} cannot be read ({exc}); the file is damaged") from exc
    return b"".join(chunks)


def parse_xml(data: bytes, where: str, *, max_elements: int = XML_MAX_ELEMENTS) -> Any:
    """The root element of an XML member, with no DOCTYPE (so no entity, external or
    amplifying: office files never declare any) and at most ``max_elements`` elements,
    counted in a first streaming pass that keeps nothing."""
    import io

    from lxml import etree

    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise InputFileError(
            f"{where}: its XML declares a DOCTYPE or entities, which office programs never "
            "write; open it in your word processor or spreadsheet and save it again"
        )
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
    count = 0
    try:
        for _event, element in etree.iterparse(io.BytesIO(data), events=("end",), **options):
            count += 1
            if count > max_elements:
                raise InputFileError(
                    f"{where}: holds more than {max_elements:,} XML elements; it is not a "
                    "transcript or sheet vmatrix can read (split it, or save it again)"
                )
            element.clear(keep_tail=True)
            while element.getprevious() is not None:  # keep the counting pass flat
                del element.getparent()[0]
        root = etree.fromstring(data, etree.XMLParser(**options))
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"{where}: its XML is damaged ({exc}); open and save it again") from exc
    if root.getroottree().docinfo.doctype or next(root.iter(etree.Entity), None) is not None:
        raise InputFileError(
            f"{where}: its XML holds entity references, which office programs never write; "
            "open it in your word processor and save it again"
        )
    return root


def _bomb(where: str, kind: str, what: str) -> InputFileError:
    return InputFileError(
        f"{where}: {what}, beyond what a {kind} file holds (a damaged or malicious file); "
        "open it in the program that made it and save it again"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"
