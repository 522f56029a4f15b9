"""Write the corpus as a REFI-QDA project (``.qdpx``) or its codebook as a ``.qdc``.

What goes out, and how (the writer's checklist of QDA-XML 1.0 that NVivo, ATLAS.ti,
MAXQDA, QualCoder and qualitative-coding all accept):

* each document's stored text, byte for byte, as ``sources/<guid>.txt`` (UTF-8, no BOM,
  ``\\n`` line ends), named by its id, with its attributes (and its number and label)
  as variables;
* the codebook: a folder "Formes de valeur" holding the value forms, and one folder per
  grid-1 facet holding its codes (the codebook's, then the names sheets used that it
  does not know), definitions as descriptions, one colour per value form and per facet;
  code names are unique across the codebook (some peers merge codes of one name);
* each coded verbatim as one ``PlainTextSelection`` (start and end in code points, end
  exclusive; ``name`` the quote as typed, the memo as description) with one ``Coding``
  per value form and facet code, by its coder (a code without a coder: its sheet's
  name, as ``vmatrix agree`` counts it);
* suggestions, with ``source="suggested"`` or ``"both"``: one selection per suggested
  segment, by the user "vmatrix suggestions", the evidence as description.

GUIDs are derived from vmatrix ids and the archive's members carry a fixed date, so two
exports of one corpus differ only by the project's creation time.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vmatrix.coding.codebook import FACET_COLUMNS, Codebook
from vmatrix.corpus.store import CodeRow, Corpus, Document
from vmatrix.errors import UsageError
from vmatrix.exchange.refi import (
    CODEBOOK_NS,
    FACET_COLOURS,
    ORIGIN,
    PROJECT_NS,
    SUGGESTIONS_USER,
    VALUES_FOLDER,
    guid,
    value_colour,
    xml_text,
)
from vmatrix.textnorm import fold_code

SOURCES = ("manual", "suggested", "both")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class ExportReport:
    documents: int = 0
    verbatims: int = 0  # coded verbatims written
    suggestions: int = 0  # suggested segments written
    codes: int = 0  # codes of the codebook written (folders excluded)
    users: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Selection:
    document: str
    start: int
    end: int
    name: str
    memo: str | None
    user: str
    codes: list[tuple[str, str]]  # (kind, key): ("value", id) or (facet, name)
    key: str  # what its GUID derives from


# -- the codebook ------------------------------------------------------------------------


class _CodeTree:
    """The QDA-XML codebook of a vmatrix codebook, plus the facet names in use it lacks."""

    def __init__(self, codebook: Codebook, used: dict[str, list[str]] | None = None) -> None:
        self.codebook = codebook
        self.guids: dict[tuple[str, str], str] = {}  # (kind, folded key) -> code GUID
        self._names: set[str] = set()
        self._resolved: dict[tuple[str, str], str] = {}  # (kind, name as stored) -> GUID
        # folder name, folder GUID, description, codes: (kind, key, name, description, colour)
        self.folders: list[tuple[str, str, str, list[tuple[str, str, str, str, str]]]] = []
        values = [
            ("value", v.id, v.label, v.definition, value_colour(i)) for i, v in enumerate(codebook.values)
        ]
        known_values = {v.id for v in codebook.values}
        for i, value_id in enumerate(
            sorted({v for v in (used or {}).get("value", []) if v not in known_values})
        ):
            values.append(("value", value_id, value_id, "", value_colour(len(codebook.values) + i)))
        self._folder(VALUES_FOLDER, "values", codebook.name, values)
        for facet_id in FACET_COLUMNS:
            facet = codebook.facets[facet_id]
            colour = FACET_COLOURS[facet_id]
            codes = [(facet_id, c.id, c.label, _definition(c), colour) for c in facet.codes]
            seen = {fold_code(c.id) for c in facet.codes}
            for name in (used or {}).get(facet_id, []):
                if facet.resolve(name) is None and fold_code(name) not in seen:
                    seen.add(fold_code(name))
                    codes.append((facet_id, name, name, "", colour))
            if codes:
                self._folder(facet.label, f"facet:{facet_id}", "", codes)

    def _folder(self, name: str, key: str, description: str, codes: list[Any]) -> None:
        self._names.add(name.casefold())
        named = []
        for kind, code_key, label, definition, colour in codes:
            unique = label
            if unique.casefold() in self._names:
                unique = f"{label} ({name})"
            self._names.add(unique.casefold())
            self.guids[kind, fold_code(code_key)] = guid("code", kind, fold_code(code_key))
            named.append((kind, code_key, unique, definition, colour))
        self.folders.append((name, guid("folder", key), description, named))

    def code_guid(self, kind: str, key: str) -> str:
        found = self._resolved.get((kind, key))
        if found is None:
            code = self.codebook.facets[kind].resolve(key) if kind != "value" else None
            found = self._resolved[kind, key] = self.guids[kind, fold_code(code.id if code else key)]
        return found

    def write(self, out: _Xml) -> None:
        out.open("Codes")
        for name, folder_guid, description, named in self.folders:
            out.open("Code", guid=folder_guid, name=name, isCodable="false")
            if description:
                out.text("Description", description)
            for kind, code_key, unique, definition, colour in named:
                attributes = {
                    "guid": self.guids[kind, fold_code(code_key)],
                    "name": unique,
                    "isCodable": "true",
                    "color": colour,
                }
                if definition:
                    out.open("Code", **attributes)
                    out.text("Description", definition)
                    out.close()
                else:
                    out.empty("Code", **attributes)
            out.close()
        out.close()

    @property
    def count(self) -> int:
        return sum(len(named) for *_, named in self.folders)


def _definition(code: Any) -> str:
    return str(code.definition or "")


def codebook_xml(codebook: Codebook) -> bytes:
    """The codebook as a ``.qdc`` file (valid against Codebook.xsd)."""
    out = _Xml()
    out.open("CodeBook", xmlns=CODEBOOK_NS, origin=ORIGIN)
    _CodeTree(codebook).write(out)
    out.close()
    return out.bytes()


# -- the project ------------------------------------------------------------------------------


def project_archive(
    corpus: Corpus,
    codebook: Codebook,
    *,
    source: str = "manual",
    documents: Sequence[str] = (),
    where: Sequence[str] = (),
    name: str | None = None,
    created: datetime | None = None,
) -> tuple[bytes, ExportReport]:
    """The corpus as the bytes of a ``.qdpx`` archive, and what went into it.

    ``source``: the manual codes, the suggestions, or both. ``documents`` (ids) and
    ``where`` (``KEY=VALUE`` conditions, as ``vmatrix matrix`` takes them) choose what
    goes out: conditions on a document attribute choose documents, others verbatims.
    """
    if source not in SOURCES:
        raise UsageError(f"--source {source!r}: choose manual, suggested or both")
    report = ExportReport()
    docs = _chosen_documents(corpus, codebook, documents, where, source)
    wanted = {d.id for d in docs}
    selections: list[_Selection] = []
    if source in ("manual", "both"):
        codes = _chosen_codes(corpus, codebook, where, wanted, report)
        selections += [_code_selection(c) for c in codes]
        report.verbatims = len(codes)
    if source in ("suggested", "both"):
        suggested = _suggested_selections(corpus, codebook, where, wanted)
        selections += suggested
        report.suggestions = len(suggested)
    used: dict[str, list[str]] = {}
    for selection in selections:
        for kind, key in selection.codes:
            used.setdefault(kind, []).append(key)
    tree = _CodeTree(codebook, used)
    report.codes = tree.count
    report.documents = len(docs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # The project's XML is compressed as it is written: it never sits whole in memory.
        with archive.open(_member("project.qde"), "w") as stream:
            report.users = _project_xml(stream, docs, selections, tree, name or corpus.path.stem, created)
        for doc in docs:
            text = corpus.text(doc.id).encode("utf-8")
            archive.writestr(_member(f"sources/{guid('source', doc.id)}.txt"), text)
    return buffer.getvalue(), report


def _member(name: str) -> zipfile.ZipInfo:
    """An archive member dated alike in every export, compressed fast."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    info._compresslevel = 1  # type: ignore[attr-defined]  # zipfile has no public name for it before 3.13
    return info


def _analysis(corpus: Corpus, codebook: Codebook, source: str) -> Any:
    from vmatrix.analysis.units import load

    return load(corpus, codebook, "suggested" if source == "suggested" else "manual")


def _split_where(analysis: Any, where: Sequence[str]) -> tuple[list[Any], list[Any]]:
    """Conditions on documents (an attribute, the document) and on verbatims (the rest)."""
    from vmatrix.analysis.units import Verbatim

    # Each document answers for its attributes, so a condition on a document without
    # codes is understood too.
    pool = list(analysis.verbatims)
    analysis.verbatims = pool + [
        Verbatim(doc.id, doc.label, None, None, (), {}, doc.attributes) for doc in analysis.documents.values()
    ]
    try:
        conditions = analysis.conditions(list(where))
    finally:
        analysis.verbatims = pool
    on_documents = [c for c in conditions if c.key == "document" or c.key in analysis.attribute_keys()]
    return on_documents, [c for c in conditions if c not in on_documents]


def _chosen_documents(
    corpus: Corpus, codebook: Codebook, documents: Sequence[str], where: Sequence[str], source: str
) -> list[Document]:
    from vmatrix.analysis.units import Verbatim, natural_key
    from vmatrix.corpus.documents import DocumentIndex

    docs = corpus.documents()
    if documents:
        named = set(DocumentIndex(docs).require_all(documents))
        docs = [d for d in docs if d.id in named]
    if where:
        analysis = _analysis(corpus, codebook, source)
        on_documents, _ = _split_where(analysis, where)
        stand_ins = [Verbatim(d.id, d.label, None, None, (), {}, d.attributes) for d in docs]
        kept = {v.document for v in analysis.select(on_documents, stand_ins)}
        docs = [d for d in docs if d.id in kept]
    if not docs:
        raise UsageError("no document to export: the corpus is empty, or --doc/--where chose none")
    return sorted(docs, key=lambda d: natural_key(d.id))


def _chosen_codes(
    corpus: Corpus, codebook: Codebook, where: Sequence[str], wanted: set[str], report: ExportReport
) -> list[CodeRow]:
    codes = [c for c in corpus.codes() if c.document_id in wanted]
    if where:
        analysis = _analysis(corpus, codebook, "manual")
        _, on_verbatims = _split_where(analysis, where)
        if on_verbatims:
            kept = {(v.sheet, v.row) for v in analysis.select(on_verbatims)}
            codes = [c for c in codes if (c.sheet, c.row) in kept]
    kept = [c for c in codes if c.status != "orphaned" and c.start is not None and c.end is not None]
    if len(kept) < len(codes):
        report.warnings.append(
            f"{len(codes) - len(kept)} orphaned code(s) left out: their quote is no longer in the "
            "transcript (`vmatrix validate` lists them)"
        )
    return kept


def _code_selection(code: CodeRow) -> _Selection:
    assert code.start is not None and code.end is not None
    kinds: list[tuple[str, str]] = [("value", v) for v in code.values]
    for facet_id in FACET_COLUMNS:
        kinds += [(facet_id, name) for name in code.facets.get(facet_id, [])]
    return _Selection(
        code.document_id,
        code.start,
        code.end,
        code.quote or code.anchored_text,
        code.memo,
        code.coder or code.sheet,
        list(dict.fromkeys(kinds)),
        f"code\x1f{code.sheet}\x1f{code.row}",
    )


def _suggested_selections(
    corpus: Corpus, codebook: Codebook, where: Sequence[str], wanted: set[str]
) -> list[_Selection]:
    analysis = _analysis(corpus, codebook, "suggested")
    verbatims = [v for v in analysis.verbatims if v.document in wanted and not v.orphaned]
    if where:
        _, on_verbatims = _split_where(analysis, where)
        if on_verbatims:
            verbatims = analysis.select(on_verbatims, verbatims)
    texts: dict[str, str] = {}
    out = []
    for v in verbatims:
        text = texts.get(v.document)
        if text is None:
            text = texts[v.document] = corpus.text(v.document)
        evidence: dict[str, list[str]] = {}
        for e in v.evidence:
            words = evidence.setdefault(str(e.get("value", "")), [])
            if e.get("text") and e["text"] not in words:
                words.append(str(e["text"]))
        memo = " | ".join(f"{value}: {', '.join(words)}" for value, words in evidence.items() if words)
        out.append(
            _Selection(
                v.document,
                v.start,
                v.end,
                text[v.start : v.end],
                memo or None,
                SUGGESTIONS_USER,
                [("value", value) for value in v.values],
                f"suggestion\x1f{v.document}\x1f{v.segment}",
            )
        )
    return out


def _project_xml(
    stream: Any,
    docs: list[Document],
    selections: list[_Selection],
    tree: _CodeTree,
    name: str,
    created: datetime | None,
) -> list[str]:
    users = sorted({s.user for s in selections}, key=lambda u: (u == SUGGESTIONS_USER, u.casefold()))
    user_guids = {u: guid("user", u) for u in [ORIGIN, *users]}
    stamp = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = _Xml(stream)
    out.open(
        "Project",
        xmlns=PROJECT_NS,
        name=name,
        origin=ORIGIN,
        creatingUserGUID=user_guids[ORIGIN],
        creationDateTime=stamp,
    )
    out.open("Users")
    for user, user_guid in user_guids.items():
        out.empty("User", guid=user_guid, name=user)
    out.close()
    out.open("CodeBook")
    tree.write(out)
    out.close()
    variables = _variables(docs)
    if variables:
        out.open("Variables")
        for key in variables:
            out.empty("Variable", guid=guid("variable", key), name=key, typeOfVariable="Text")
        out.close()
    by_document: dict[str, list[_Selection]] = {}
    for selection in selections:
        by_document.setdefault(selection.document, []).append(selection)
    out.open("Sources")
    for doc in docs:
        source_guid = guid("source", doc.id)
        out.open("TextSource", guid=source_guid, name=doc.id, plainTextPath=f"internal://{source_guid}.txt")
        mine = sorted(by_document.get(doc.id, []), key=lambda s: (s.start, s.end, s.user, s.key))
        for s in mine:
            user_guid = user_guids[s.user]
            out.open(
                "PlainTextSelection",
                guid=guid("selection", s.key),
                name=s.name,
                startPosition=str(s.start),
                endPosition=str(s.end),
                creatingUser=user_guid,
            )
            if s.memo:
                out.text("Description", s.memo)
            seen: set[str] = set()
            for kind, key in s.codes:
                target = tree.code_guid(kind, key)
                if target in seen:  # two spellings of one code
                    continue
                seen.add(target)
                out.open("Coding", guid=guid("coding", s.key, kind, key), creatingUser=user_guid)
                out.empty("CodeRef", targetGUID=target)
                out.close()
            out.close()
        for key, value in _document_variables(doc).items():
            out.open("VariableValue")
            out.empty("VariableRef", targetGUID=guid("variable", key))
            out.text("TextValue", value)
            out.close()
        out.close()
    out.close()
    out.close()
    out.flush()
    return users


def _document_variables(doc: Document) -> dict[str, str]:
    """A document's attributes, with its number and its label when they are not the default."""
    from vmatrix.transcripts.meta import default_label

    found: dict[str, str] = {}
    if doc.number:
        found["number"] = doc.number
    if doc.label != default_label(doc.id, doc.number):
        found["label"] = doc.label
    found.update({k: str(v) for k, v in doc.attributes.items() if str(v).strip()})
    return found


def _variables(docs: list[Document]) -> list[str]:
    keys: dict[str, None] = {}
    for doc in docs:
        keys.update(dict.fromkeys(_document_variables(doc)))
    return list(keys)


_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class _Xml:
    """A small streaming XML writer, indented by two spaces: an export writes one element
    per coding, and building a tree of 300,000 elements first, or the text whole, costs
    more time and memory than the rest."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream if stream is not None else io.BytesIO()
        self.parts: list[str] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.stack: list[str] = []

    def _tag(self, tag: str, attributes: dict[str, str]) -> str:
        pairs = "".join(f' {k}="{xml_text(v).translate(_ATTRIBUTE)}"' for k, v in attributes.items())
        return f"{'  ' * len(self.stack)}<{tag}{pairs}"

    def open(self, tag: str, /, **attributes: str) -> None:
        self.parts.append(self._tag(tag, attributes) + ">\n")
        self.stack.append(tag)

    def empty(self, tag: str, /, **attributes: str) -> None:
        self.parts.append(self._tag(tag, attributes) + " />\n")

    def text(self, tag: str, text: str) -> None:
        self.parts.append(f"{'  ' * len(self.stack)}<{tag}>{xml_text(text).translate(_TEXT)}</{tag}>\n")

    def close(self) -> None:
        name = self.stack.pop()
        self.parts.append(f"{'  ' * len(self.stack)}</{name}>\n")
        if len(self.parts) > 10_000:
            self.flush()

    def flush(self) -> None:
        self.stream.write("".join(self.parts).encode("utf-8"))
        self.parts = []

    def bytes(self) -> bytes:
        """What was written, when writing to memory."""
        assert not self.stack, self.stack
        self.flush()
        return bytes(self.stream.getvalue())
