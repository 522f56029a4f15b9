"""Read a REFI-QDA project archive (``.qdpx``) or codebook (``.qdc``) from another program.

Defensive about what could harm: the archive's limits are checked (:func:`vmatrix.files.open_zip`),
the XML is parsed by lxml with entity resolution, DTD loading and the network off, any DOCTYPE
is refused (so no entities, no external references), and every problem is one
:class:`InputFileError` line. Lenient about what peers get wrong: a byte-order mark, a ``.qde``
of another name, ``Sources/`` in any case, sources without ``internal://``, GUIDs in upper case
or braces, a missing ``name``, no users, empty containers that the schema forbids (Taguette's
``<Sets/>``), namespaces missing or odd.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmatrix.errors import InputFileError
from vmatrix.exchange.refi import same_guid
from vmatrix.files import file_digest, open_zip, read_bytes, read_member

MAX_ARCHIVE = 1024 * 1024 * 1024
# A project's XML grows with its codings (about 1.6 kB each): 50,000 codings make 80 MB.
MAX_MEMBER = 512 * 1024 * 1024
MAX_UNPACKED = 2 * 1024 * 1024 * 1024
OTHER_SOURCES = ("PDFSource", "PictureSource", "AudioSource", "VideoSource")


@dataclass
class PeerCode:
    guid: str
    name: str
    codable: bool
    description: str = ""
    parent: PeerCode | None = field(default=None, repr=False)
    children: list[PeerCode] = field(default_factory=list, repr=False)

    @property
    def path(self) -> list[PeerCode]:
        """Its folders from the top, then itself."""
        chain, code = [], self
        while code is not None:
            chain.append(code)
            code = code.parent
        return chain[::-1]


@dataclass
class Coding:
    code: str  # GUID of the code
    user: str | None  # GUID of its user


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    name: str | None
    user: str | None
    description: str
    codings: list[Coding]


@dataclass
class TextSource:
    guid: str
    name: str
    member: str | None  # the archive member holding its text
    content: str | None  # PlainTextContent, when the text is inline
    selections: list[Selection]
    variables: dict[str, str]  # variable GUID -> value
    whole_codings: int = 0  # codings of the whole document (not kept)


@dataclass
class PeerProject:
    path: Path
    name: str
    origin: str
    users: dict[str, str]  # GUID -> name
    codes: dict[str, PeerCode]  # GUID -> code
    roots: list[PeerCode]
    variables: dict[str, str]  # GUID -> name
    sources: list[TextSource]
    others: list[tuple[str, str]]  # (kind, name) of the sources that are not text
    sha256: str = ""
    _archive: Any = field(default=None, repr=False)
    _members: dict[str, zipfile.ZipInfo] = field(default_factory=dict, repr=False)

    def source_bytes(self, source: TextSource) -> bytes:
        """The bytes of a text source: its archive member, or its inline content."""
        if source.member is None:
            return (source.content or "").encode("utf-8")
        info = self._members[source.member]
        return read_member(self._archive, info.filename, str(self.path))


def read_project(path: Path) -> PeerProject:
    """A ``.qdpx`` archive: its ``.qde`` parsed, its text sources located (read on demand)."""
    data = read_bytes(path, limit=MAX_ARCHIVE, what="a project archive")
    where = str(path)
    archive = open_zip(data, where, "REFI-QDA project (.qdpx)", max_member=MAX_MEMBER, max_total=MAX_UNPACKED)
    members = {info.filename.replace("\\", "/"): info for info in archive.infolist() if not info.is_dir()}
    qde = [name for name in members if name.lower().endswith(".qde")]
    if not qde:
        raise InputFileError(
            f"{where}: holds no .qde file (the project); export the project again from its program "
            "as a REFI-QDA project (.qdpx)"
        )
    chosen = "project.qde" if "project.qde" in qde else sorted(qde, key=lambda n: (n.count("/"), n))[0]
    project = _stream_project(archive, members[chosen], path)
    project.sha256 = file_digest(data)
    project._archive = archive
    project._members = members
    by_lower = {name.lower(): name for name in members}
    missing = []
    for source in project.sources:
        if source.member is None:
            if source.content is None:
                missing.append(f"{source.name}: no text (no plainTextPath and no PlainTextContent)")
            continue
        wanted = source.member
        for candidate in (wanted, f"sources/{wanted}"):
            found = by_lower.get(candidate.lower())
            if found is not None:
                source.member = found
                break
        else:
            missing.append(f"{source.name}: sources/{wanted} is not in the archive")
    if missing:
        raise InputFileError(
            f"{where}: {len(missing)} text source(s) missing; nothing was imported — export the project "
            "again with its documents",
            details=missing,
        )
    return project


def read_codebook(path: Path) -> tuple[list[PeerCode], str]:
    """The codes of a ``.qdc`` codebook (or of a ``.qdpx`` project's codebook), and its origin."""
    if path.suffix.lower() == ".qdpx":
        project = read_project(path)
        return project.roots, project.origin
    where = str(path)
    root = parse_xml(read_bytes(path, limit=MAX_ARCHIVE, what="a codebook"), where)
    if _local(root.tag) != "CodeBook":
        raise InputFileError(f"{where}: is not a REFI-QDA codebook (its root is <{_local(root.tag)}>)")
    codes: dict[str, PeerCode] = {}
    roots = _codes(_child(root, "Codes"), None, codes, where)
    return roots, root.get("origin") or ""


_HARDENED = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _refused(where: str) -> InputFileError:
    return InputFileError(
        f"{where}: its XML declares a DOCTYPE, entities or external references, which a REFI-QDA file "
        "never needs; refused for safety"
    )


def _declares(head: bytes) -> bool:
    """Whether the start of an XML file holds a DOCTYPE or an entity declaration."""
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def parse_xml(data: bytes, where: str) -> Any:
    """An XML document parsed safely: refused with one line if it has a DOCTYPE, entities
    or external references, or is not well-formed."""
    from lxml import etree

    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    body = body.lstrip(b" \t\r\n")
    if _declares(body[:4096]):
        raise _refused(where)
    try:
        root = etree.fromstring(body, etree.XMLParser(**_HARDENED))
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"{where}: is not well-formed XML ({exc})") from exc
    if root.getroottree().docinfo.doctype or next(root.iter(etree.Entity), None) is not None:
        raise _refused(where)
    return root


# -- the project's parts -------------------------------------------------------------------


_LOCAL: dict[Any, str] = {}


def _local(tag: Any) -> str:
    """A tag without its namespace (peers use the standard's, none, or another)."""
    found = _LOCAL.get(tag)
    if found is None:
        found = _LOCAL[tag] = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    return found


def _children(node: Any, name: str) -> list[Any]:
    return [child for child in node if _local(child.tag) == name] if node is not None else []


def _child(node: Any, name: str) -> Any:
    found = _children(node, name)
    return found[0] if found else None


def _text(node: Any, name: str) -> str:
    child = _child(node, name)
    return "".join(child.itertext()).strip() if child is not None else ""


def _guid(node: Any, attribute: str = "guid") -> str | None:
    raw = node.get(attribute)
    return same_guid(raw) or (raw.strip().lower() if raw and raw.strip() else None)


def _codes(node: Any, parent: PeerCode | None, into: dict[str, PeerCode], where: str) -> list[PeerCode]:
    out = []
    for element in _children(node, "Code"):
        code_guid = _guid(element) or f"unnamed-{len(into)}"
        code = PeerCode(
            code_guid,
            (element.get("name") or "").strip(),
            (element.get("isCodable") or "true").strip().lower() in ("true", "1"),
            _text(element, "Description"),
            parent,
        )
        into[code_guid] = code
        code.children = _codes(element, code, into, where)
        out.append(code)
    return out


def _int(value: str | None, where: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise InputFileError(f"{where}: position {value!r} is not a whole number") from exc


class _Trimmed:
    """A member's stream without what peers put before ``<?xml`` (a BOM, blank lines)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.head = stream.read(4096)
        self.head = self.head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return bytes(out)
        return bytes(self.stream.read(size))


def _stream_project(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> PeerProject:
    """The project's XML read as it inflates, each source turned into a :class:`TextSource`
    and its elements freed at once: 50,000 codings never sit in memory as a tree.

    The parser is lxml's with entity resolution, DTD loading and the network off, and a
    DOCTYPE (so any entity or external reference) is refused before the root is read.
    """
    from lxml import etree

    where = f"{path}: {info.filename}"
    project = PeerProject(path, path.stem, "", {}, {}, [], {}, [], [])
    stack: list[Any] = []
    try:
        with archive.open(info) as stream:
            trimmed = _Trimmed(stream)
            if _declares(trimmed.head):
                raise _refused(where)
            for event, element in etree.iterparse(trimmed, events=("start", "end"), **_HARDENED):
                if event == "start":
                    if not stack:
                        if element.getroottree().docinfo.doctype:
                            raise _refused(where)
                        if _local(element.tag) != "Project":
                            raise InputFileError(
                                f"{where}: is not a REFI-QDA project (its root is <{_local(element.tag)}>)"
                            )
                        project.name = (element.get("name") or path.stem).strip()
                        project.origin = (element.get("origin") or "").strip()
                    stack.append(element)
                    continue
                stack.pop()
                if len(stack) == 1:  # a part of the project
                    _project_part(project, element, where)
                    element.clear()
                elif len(stack) == 2 and _local(stack[1].tag) == "Sources":
                    _source(project, element, where)
                    del stack[1][-1]  # freed: the sources are the bulk of the file
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"{where}: is not well-formed XML ({exc})") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputFileError(f"{where}: cannot be read ({exc}); the file is damaged") from exc
    return project


def _project_part(project: PeerProject, element: Any, where: str) -> None:
    tag = _local(element.tag)
    if tag == "Users":
        for user in _children(element, "User"):
            user_guid = _guid(user)
            if user_guid:
                project.users[user_guid] = (user.get("name") or user.get("id") or user_guid).strip()
    elif tag == "CodeBook":
        project.roots = _codes(_child(element, "Codes"), None, project.codes, where)
    elif tag == "Variables":
        for variable in _children(element, "Variable"):
            variable_guid = _guid(variable)
            if variable_guid:
                project.variables[variable_guid] = (variable.get("name") or "").strip()


def _source(project: PeerProject, element: Any, where: str) -> None:
    kind = _local(element.tag)
    if kind in OTHER_SOURCES:
        name = (element.get("name") or "").strip()
        project.others.append((kind.removesuffix("Source"), name or element.get("path") or "?"))
    elif kind == "TextSource":
        project.sources.append(_text_source(element, len(project.sources), where))


def _text_source(element: Any, index: int, where: str) -> TextSource:
    source_guid = _guid(element) or f"source-{index}"
    name = (element.get("name") or "").strip() or f"document-{index + 1}"
    content_node = _child(element, "PlainTextContent")
    content = "".join(content_node.itertext()) if content_node is not None else None
    member = None
    text_path = (element.get("plainTextPath") or "").strip()
    if text_path:
        member = text_path.removeprefix("internal://").lstrip("/")
        if member.lower().startswith("sources/"):
            member = member[len("sources/") :]
    selections = []
    here = f"{where}: {name}"
    for s in _children(element, "PlainTextSelection"):
        codings, description = [], ""
        for child in s:  # one pass: a large project has hundreds of thousands of codings
            tag = _local(child.tag)
            if tag == "Coding":
                user = _guid(child, "creatingUser")
                codings += [
                    Coding(_guid(r, "targetGUID") or "", user) for r in child if _local(r.tag) == "CodeRef"
                ]
            elif tag == "Description":
                description = "".join(child.itertext()).strip()
        selections.append(
            Selection(
                _guid(s) or f"{source_guid}-{len(selections)}",
                _int(s.get("startPosition"), here),
                _int(s.get("endPosition"), here),
                s.get("name"),
                _guid(s, "creatingUser") or next((c.user for c in codings if c.user), None),
                description,
                codings,
            )
        )
    values = {}
    for holder in _children(element, "VariableValue"):
        ref = _child(holder, "VariableRef")
        variable = _guid(ref, "targetGUID") if ref is not None else None
        if variable is None:
            continue
        for child in holder:
            if _local(child.tag).endswith("Value"):
                value = "".join(child.itertext()).strip()
                if value:
                    values[variable] = value
    return TextSource(
        source_guid,
        name,
        member,
        content,
        selections,
        values,
        whole_codings=len(_children(element, "Coding")),
    )
