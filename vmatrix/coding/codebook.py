"""The codebook: the eleven value forms and the grid-1 facets, and how typed codes resolve.

Codes are typed by hand and drift (``Épistémique``, ``epistemique ``, ``EPISTEMIQUE``):
they resolve case-, accent-, space- and hyphen-insensitively, by id, label or alias.
A name that resolves only that way is *normalised* (callers may warn); a name that does
not resolve gets the closest candidates for a did-you-mean.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, NamedTuple

from vmatrix.errors import CodebookError, UnknownCode
from vmatrix.resources import lexicons_dir
from vmatrix.textnorm import closest, fold_code

FACETS = ("lever", "nature", "tool", "initiator", "beneficiary")
# The facets in the order sheets and readers take them: the tool first, then what it is and does.
FACET_COLUMNS = ("tool", "nature", "lever", "initiator", "beneficiary")


class Code(NamedTuple):
    """One code of the grid: a value form or a facet code, with the names it may be typed as."""

    id: str
    label: str
    definition: str = ""
    aliases: tuple[str, ...] = ()
    group: str | None = None  # value forms: service | user
    nature: str | None = None  # tools: the nature they belong to
    # Tools: how `suggest` finds them in transcripts (see vmatrix.coding.tools). Every
    # alias is looked for by lemma and by written form, except those listed here.
    typed_only: tuple[str, ...] = ()  # aliases too ambiguous to look for ("site")
    written: tuple[str, ...] = ()  # looked for only as written, case aside ("les réseaux")
    cased: tuple[str, ...] = ()  # one word, looked for only with this capital ("Meet", "Sage")
    exclude: tuple[str, ...] = ()  # phrases in which a match does not count


class Facet:
    """One facet of the grid (tool, nature, lever, initiator, beneficiary) and its codes.

    ``index`` (folded name -> code) is given by a kept codebook, else built here. Facet and
    Codebook are plain classes: every command builds them at start, where a dataclass's
    set-up would cost more than reading the codebook.
    """

    def __init__(
        self, id: str, label: str, closed: bool, codes: list[Code], index: dict[str, Code] | None = None
    ) -> None:
        self.id = id
        self.label = label
        self.closed = closed
        self.codes = codes
        self._index = index or _index(codes, f"facet {id}")
        self._typed: dict[str, Code | None] = {}  # name as typed -> code

    def __repr__(self) -> str:
        return f"Facet({self.id!r}, {len(self.codes)} codes)"

    def resolve(self, name: str) -> Code | None:
        """The code a typed name means: a name, label or alias, or its plural or singular
        (« Dirigeants » for dirigeant, « Partenaire » for partenaires)."""
        if name not in self._typed:  # a sheet types the same few names thousands of times
            key = fold_code(name)
            other = key[:-1] if key.endswith("s") else key + "s"
            code = self._index.get(key)
            if code is None and len(key) > 3:
                code = self._index.get(other)
            self._typed[name] = code
        return self._typed[name]

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        return _closest(name, self._index, limit)


class Resolution(NamedTuple):
    """The code a typed name resolves to, and whether it was typed exactly."""

    code: Code
    exact: bool  # typed exactly as the id or the label


class Codebook:
    """The value forms and the facets, with the indexes that resolve typed names."""

    def __init__(
        self,
        name: str,
        path: Path,
        values: list[Code],
        facets: dict[str, Facet],
        index: dict[str, Code] | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.values = values
        self.facets = facets
        self._index = index or _index(values, "values")
        self._typed: dict[str, Code | None] = {}

    def __repr__(self) -> str:
        return f"Codebook({self.name!r}, {self.path}, {len(self.values)} value forms)"

    @property
    def value_ids(self) -> list[str]:
        return [v.id for v in self.values]

    def resolve_value(self, name: str) -> Resolution | None:
        """The value form a typed name means, or None."""
        if name not in self._typed:  # a sheet types the same few names thousands of times
            self._typed[name] = self._index.get(fold_code(name))
        code = self._typed[name]
        if code is None:
            return None
        return Resolution(code, name in (code.id, code.label))

    def value_suggestions(self, name: str, limit: int = 3) -> list[str]:
        return _closest(name, self._index, limit)

    def require_value(self, name: str) -> str:
        """The id of a value form given on the command line, or :class:`UnknownCode`."""
        found = self.resolve_value(name)
        if found is not None:
            return found.code.id
        hint = self.value_suggestions(name)
        raise UnknownCode(
            f"unknown value form {name!r}"
            + (f"; did you mean {' or '.join(hint)}?" if hint else "")
            + f" (value forms: {', '.join(self.value_ids)})"
        )


def _index(codes: list[Code], where: str) -> dict[str, Code]:
    index: dict[str, Code] = {}
    for code in codes:
        for name in (code.id, code.label, *code.aliases):
            key = fold_code(name)
            if not key:
                continue
            other = index.get(key)
            if other is not None and other.id != code.id:
                raise CodebookError(f"codebook {where}: {name!r} names both {other.id!r} and {code.id!r}")
            index[key] = code
    return index


def _closest(name: str, index: dict[str, Code], limit: int) -> list[str]:
    return closest(fold_code(name), {key: code.id for key, code in index.items()}, limit)


def default_path() -> Path:
    return lexicons_dir() / "codebook.toml"


def load_codebook(path: Path | None = None, *, cache: Any = None) -> Codebook:
    """Read a codebook file (the bundled one by default).

    Parsing the TOML and folding every alias is most of what `matrix` and `quote` take
    after Python's own start, so the parsed and indexed codebook is kept, keyed by the
    file's content: the bundled codebook's beside it (``lexicons/codebook.json``, written
    by ``python -m vmatrix.coding.readings``; it serves any file with the same content),
    and any other in the cache of ``cache`` (an open corpus). The commands that write
    (ingest, suggest, validate) store it there; a corpus opened read-only is never
    written to. A kept form whose key differs is ignored: it costs time, never a wrong
    codebook.
    """
    path = path or default_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CodebookError(f"{path}: no such codebook file") from exc
    key = content_key(raw)
    stored = _compiled_payload(key)
    if stored is None and cache is not None:
        stored = cache.cache_get(key)
    if stored is not None:
        import json

        cached = json.loads(stored)
        return _build(cached["data"], path, cached["index"])
    data = _parse(raw, path)
    codebook = _build(data, path)
    if cache is not None:
        payload = _payload(data, codebook)
        if payload is not None:
            cache.cache_put_if_free(key, payload.encode("utf-8"))
    return codebook


def content_key(raw: bytes) -> str:
    """The key a codebook's parsed form is kept under: its content, not its path."""
    return f"codebook:1:{len(raw)}:{zlib.crc32(raw):08x}:{zlib.adler32(raw):08x}"


def _parse(raw: bytes, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: is not a valid TOML codebook ({exc})") from exc


def _payload(data: dict[str, Any], codebook: Codebook, indent: int | None = None) -> str | None:
    """The parsed codebook and its folded names as JSON, or None if the TOML holds dates."""
    import json

    index = {
        "values": {k: c.id for k, c in codebook._index.items()},
        **{f.id: {k: c.id for k, c in f._index.items()} for f in codebook.facets.values()},
    }
    try:
        return json.dumps({"data": data, "index": index}, ensure_ascii=False, indent=indent)
    except TypeError:
        return None


COMPILED_NAME = "codebook.json"


def _compiled_payload(key: str) -> bytes | None:
    """The bundled codebook's kept form when ``key`` is its key, else None."""
    try:
        with open(default_path().with_name(COMPILED_NAME), "rb") as handle:
            head = handle.readline()
            if head.strip() != key.encode():
                return None
            return handle.read()
    except OSError:
        return None


def compile_bundled() -> str:
    """The text of ``lexicons/codebook.json``: the bundled codebook's key on the first
    line, then its parsed form and folded names."""
    path = default_path()
    raw = path.read_bytes()
    data = _parse(raw, path)
    payload = _payload(data, _build(data, path), indent=1)
    if payload is None:
        raise CodebookError(f"{path}: holds TOML dates, which the compiled form cannot keep")
    return content_key(raw) + "\n" + payload + "\n"


def stale_compiled() -> bool:
    """Whether ``lexicons/codebook.json`` differs from what the bundled codebook gives now."""
    try:
        return default_path().with_name(COMPILED_NAME).read_text(encoding="utf-8") != compile_bundled()
    except OSError:
        return True


def write_compiled() -> Path:
    """Write ``lexicons/codebook.json``; returns its path."""
    target = default_path().with_name(COMPILED_NAME)
    target.write_text(compile_bundled(), encoding="utf-8")
    return target


def _build(data: dict[str, Any], path: Path, index: dict[str, dict[str, str]] | None = None) -> Codebook:
    """The codebook from parsed TOML; ``index`` (from the cache) maps folded names to ids."""

    def known(codes: list[Code], names: dict[str, str] | None) -> dict[str, Code]:
        if names is None:
            return {}  # built and checked by Facet and Codebook
        by_id = {code.id: code for code in codes}
        return {key: by_id[code_id] for key, code_id in names.items()}

    # A kept form was checked when it was kept: its codes are built without the checks.
    code = _kept_code if index else _code
    index = index or {}
    values = [code(entry, path, "values") for entry in data.get("values", [])]
    if not values:
        raise CodebookError(f"{path}: defines no [[values]]")
    facets: dict[str, Facet] = {}
    for entry in data.get("facets", []):
        facet_id = entry.get("id")
        if facet_id not in FACETS:
            raise CodebookError(f"{path}: facet {facet_id!r} is not one of {', '.join(FACETS)}")
        codes = [code(c, path, f"facet {facet_id}") for c in entry.get("codes", [])]
        facets[facet_id] = Facet(
            facet_id,
            entry.get("label", facet_id),
            bool(entry.get("closed")),
            codes,
            known(codes, index.get(facet_id) if index else None),
        )
    for facet_id in FACETS:
        facets.setdefault(facet_id, Facet(facet_id, facet_id, False, []))
    return Codebook(
        str(data.get("name", path.stem)),
        path,
        values,
        facets,
        known(values, index.get("values") if index else None),
    )


def _kept_code(entry: dict[str, Any], path: Path, where: str) -> Code:
    """A code of a kept codebook, checked by :func:`_code` when it was kept."""
    get = entry.get
    return Code(
        entry["id"],
        str(get("label", entry["id"])),
        str(get("definition", "")),
        tuple(get("aliases", ())),
        get("group"),
        get("nature"),
        tuple(get("typed_only", ())),
        tuple(get("written", ())),
        tuple(get("cased", ())),
        tuple(get("exclude", ())),
    )


def _code(entry: dict[str, Any], path: Path, where: str) -> Code:
    code_id = entry.get("id")
    if not isinstance(code_id, str) or not code_id.strip():
        raise CodebookError(f"{path}: an entry of {where} has no id")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list):
        raise CodebookError(f"{path}: aliases of {code_id!r} must be a list")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("typed_only", "written", "cased", "exclude"):
        found = entry.get(key, [])
        if not isinstance(found, list) or not all(isinstance(a, str) for a in found):
            raise CodebookError(f"{path}: {key} of {code_id!r} must be a list of phrases")
        lists[key] = tuple(found)
        if key == "exclude":
            continue
        strangers = [a for a in found if a not in aliases]
        if strangers:
            raise CodebookError(
                f"{path}: {key} of {code_id!r} names {strangers[0]!r}, which is not one of its "
                "aliases; add it to aliases too"
            )
    for alias in lists["cased"]:
        if len(alias.split()) != 1 or "'" in alias:
            raise CodebookError(
                f"{path}: cased alias {alias!r} of {code_id!r} must be one word; "
                "a phrase of several words is unambiguous as it is"
            )
    return Code(
        id=code_id,
        label=str(entry.get("label", code_id)),
        definition=str(entry.get("definition", "")),
        aliases=tuple(str(a) for a in aliases),
        group=entry.get("group"),
        nature=entry.get("nature"),
        **lists,
    )
