"""The bytes and text of a file named on the command line: size limits, decoding.

Transcripts, metadata and coding sheets are all read through here, so a file is
refused the same way whatever it holds, and its text is decoded the same way: a
byte-order mark, strict UTF-8, then the most likely legacy Windows or Mac encoding,
never a silent latin-1.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from vmatrix.errors import InputFileError

MAX_BYTES = 50 * 1024 * 1024

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


def read_bytes(path: Path) -> bytes:
    """The raw bytes of an input file, refusing what is missing, unreadable or too big."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputFileError(
                f"{path}: {size / 1024 / 1024:.0f} MB is larger than the "
                f"{MAX_BYTES // 1024 // 1024} MB limit for one transcript; split it"
            )
        return path.read_bytes()
    except PermissionError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


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
