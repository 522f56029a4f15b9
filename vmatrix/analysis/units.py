"""Analysis units: what ``matrix``, ``table`` and ``quote`` count and show.

A *verbatim* is one coded passage: a row of a validated coding sheet (``manual``
source) or a segment the lexicons proposed value forms for (``suggested`` source). A
*unit* gathers verbatims — one verbatim (``segment``), all the verbatims of a document
(``document``), or all the verbatims naming one code of a facet (``tool``, ...) — and
carries the union of their value forms: two value forms co-occur in a unit when the
unit carries both. The reference study counted by tool.

Every verbatim can be asked for its *labels* under a key: ``value``, ``document``,
``speaker``, ``sheet``, ``coder``, a facet (``tool``, ``nature``, ``lever``,
``initiator``, ``beneficiary``) or a document attribute (``role``, ``sector``, ...).
``--where``, ``--split``, ``--rows`` and ``--cols`` all go through these labels.
Keys and labels compare case-, accent- and space-insensitively.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from vmatrix.coding.codebook import FACETS, Codebook
from vmatrix.errors import UnknownCode, UsageError
from vmatrix.textnorm import closest, fold, fold_code

SOURCES = ("manual", "suggested")
UNITS = ("segment", "document", *FACETS)
NONE_LABEL = "(none)"

# Keys every verbatim answers, then the usual document attributes, with the names
# researchers type for them (French or English).
_KEY_NAMES: dict[str, tuple[str, ...]] = {
    "value": ("values", "valeur", "valeurs", "form", "forme", "forms", "formes", "code", "codes"),
    "document": ("doc", "docs", "documents", "entretien", "entretiens", "interview", "interviews", "id"),
    "speaker": ("speakers", "locuteur", "locuteurs", "intervenant", "intervenants"),
    "sheet": ("sheets", "feuille", "grille", "grid"),
    "coder": ("coders", "codeur", "codeurs", "codeuse"),
    "tool": ("tools", "outil", "outils", "dispositif", "dispositifs", "device"),
    "nature": ("natures", "type d'outil"),
    "lever": ("levers", "levier", "leviers"),
    "initiator": ("initiators", "initiateur", "initiateurs", "initiatrice"),
    "beneficiary": ("beneficiaries", "beneficiaire", "beneficiaires"),
}
_ATTRIBUTE_NAMES: dict[str, tuple[str, ...]] = {
    "role": ("rôle", "statut", "profil", "fonction"),
    "organisation": ("organization", "type d'organisation", "structure", "org"),
    "sector": ("secteur", "secteur d'activité", "activité", "industry"),
    "department": ("département", "dept", "dép"),
    "date": ("date de l'entretien",),
    "duration": ("durée", "minutes"),
}
_UNIT_NAMES = {
    "segment": ("segments", "verbatim", "verbatims", "passage", "passages", "extrait", "quote"),
}


class Verbatim:
    """One coded passage of a transcript (hashed by identity: a verbatim is one object).

    A plain class rather than a dataclass: ``matrix`` and ``quote`` import this module at
    every start, and building a dataclass costs about as much as reading a small corpus.
    """

    __slots__ = (
        "attributes",
        "coder",
        "document",
        "end",
        "evidence",
        "facets",
        "label",
        "orphaned",
        "quote",
        "row",
        "segment",
        "sheet",
        "speaker",
        "start",
        "values",
    )

    def __init__(
        self,
        document: str,
        label: str,  # the document's citation label, "Entretien 10"
        start: int | None,
        end: int | None,
        values: tuple[str, ...],  # value-form ids, codebook order
        facets: dict[str, tuple[str, ...]],  # facet id -> codes (codebook ids where known)
        attributes: dict[str, str],
        speaker: str | None = None,
        orphaned: bool = False,
        sheet: str | None = None,
        row: int | None = None,
        coder: str | None = None,
        quote: str = "",  # as typed in the sheet
        segment: int | None = None,  # suggestions: the segment index
        evidence: tuple[dict[str, Any], ...] = (),  # suggestions: the matched words
    ) -> None:
        self.document = document
        self.label = label
        self.start = start
        self.end = end
        self.values = values
        self.facets = facets
        self.attributes = attributes
        self.speaker = speaker
        self.orphaned = orphaned
        self.sheet = sheet
        self.row = row
        self.coder = coder
        self.quote = quote
        self.segment = segment
        self.evidence = evidence

    def __repr__(self) -> str:
        where = f"{self.label!r}, {self.start}-{self.end}"
        return f"Verbatim({where}, {self.values!r}, sheet={self.sheet!r}, row={self.row})"

    def labels(self, key: str) -> tuple[str, ...]:
        if key == "value":
            return self.values
        if key in FACETS:
            return self.facets.get(key, ())
        if key == "document":
            return (self.document,)
        one = {"speaker": self.speaker, "sheet": self.sheet, "coder": self.coder}.get(
            key, self.attributes.get(key)
        )
        return (one,) if one else ()


class Unit:
    """What co-occurrence counts: one verbatim, a document, or a facet code."""

    __slots__ = ("_cache", "key", "verbatims")

    def __init__(self, key: str, verbatims: list[Verbatim]) -> None:
        self.key = key
        self.verbatims = verbatims
        self._cache: dict[str, tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return f"Unit({self.key!r}, {len(self.verbatims)} verbatims)"

    def labels(self, key: str) -> tuple[str, ...]:
        if len(self.verbatims) == 1:
            return self.verbatims[0].labels(key)
        found = self._cache.get(key)
        if found is None:
            seen: dict[str, None] = {}
            for verbatim in self.verbatims:
                seen.update(dict.fromkeys(verbatim.labels(key)))
            found = self._cache[key] = tuple(seen)
        return found

    @property
    def values(self) -> tuple[str, ...]:
        return self.labels("value")


class Condition(NamedTuple):
    """One ``--where KEY=VALUE`` (or ``KEY!=VALUE``), resolved."""

    key: str
    wanted: str  # the label to compare, in comparable form (see Analysis.comparable)
    negate: bool
    text: str  # as typed


class Analysis:
    """The verbatims of one source, with what it takes to filter, group and name them."""

    def __init__(
        self,
        codebook: Codebook,
        source: str,
        verbatims: list[Verbatim],
        documents: dict[str, Any],  # id -> store.Document
        notes: list[str] | None = None,
        corpus: Any = None,
    ) -> None:
        self.codebook = codebook
        self.source = source
        self.verbatims = verbatims
        self.documents = documents
        self.notes = notes if notes is not None else []
        self.corpus = corpus
        self._speakers_loaded = False
        self._comparable: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"Analysis({self.source!r}, {len(self.verbatims)} verbatims, {len(self.documents)} documents)"

    # -- keys ------------------------------------------------------------------

    def resolve_key(self, name: str, *, option: str = "--where") -> str:
        """The key a typed name means: a built-in key, a facet or a document attribute."""
        typed = fold_code(name)
        for key, aliases in _KEY_NAMES.items():
            if typed in {fold_code(key), *(fold_code(a) for a in aliases)}:
                return self._need(key)
        attributes = self.attribute_keys()
        for key in attributes:
            if typed == fold_code(key):
                return key
        for key, aliases in _ATTRIBUTE_NAMES.items():
            if key in attributes and typed in {fold_code(a) for a in aliases}:
                return key
        known = [*_KEY_NAMES, *attributes]
        raise UsageError(
            f"{option}: unknown key {name!r}" + _did_you_mean(name, known) + f" (keys: {', '.join(known)})"
        )

    def attribute_keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for doc in self.documents.values():
            keys.update(dict.fromkeys(doc.attributes))
        return list(keys)

    def _need(self, key: str) -> str:
        if key == "speaker":
            self.load_speakers()
        return key

    def load_speakers(self, verbatims: list[Verbatim] | None = None) -> None:
        """Give manual verbatims (all, or these) the speaker of the segment they start in."""
        if self._speakers_loaded or self.corpus is None or self.source != "manual":
            return  # suggestions got theirs from their segment
        wanted = sorted({v.document for v in verbatims or ()})
        if verbatims is None or len(wanted) > 100:  # one query beats many
            turns = self.corpus.turn_starts()
        else:
            turns = [(s.document_id, s.start, s.speaker) for d in wanted for s in self.corpus.segments(d)]
        if verbatims is None:
            self._speakers_loaded = True
        by_document: dict[str, tuple[list[int], list[str | None]]] = {}
        for document, start, speaker in turns:
            starts, speakers = by_document.setdefault(document, ([], []))
            starts.append(start)
            speakers.append(speaker)
        for verbatim in self.verbatims if verbatims is None else verbatims:
            found = by_document.get(verbatim.document)
            if found is None or verbatim.start is None or verbatim.orphaned:
                continue
            i = bisect.bisect_right(found[0], verbatim.start) - 1
            if i >= 0:
                verbatim.speaker = found[1][i]

    # -- labels ------------------------------------------------------------------

    def comparable(self, key: str, label: str) -> str:
        """The form in which labels of ``key`` compare."""
        if key in ("value", "document"):
            return label
        found = self._comparable.get((key, label))
        if found is None:
            code = self.codebook.facets[key].resolve(label) if key in FACETS else None
            found = self._comparable[key, label] = code.id if code is not None else fold_code(label)
        return found

    def order(self, key: str, labels: Iterable[str]) -> list[str]:
        """Labels in reading order: value forms and closed facets in codebook order (all of
        them), other facet codes in codebook order then alphabetically, documents and
        attributes in natural order (2 before 10)."""
        present = list(dict.fromkeys(labels))
        if key == "value":
            return self.codebook.value_ids
        if key in FACETS:
            facet = self.codebook.facets[key]
            rank = {code.id: i for i, code in enumerate(facet.codes)}
            if facet.closed:
                present = [c.id for c in facet.codes] + [p for p in present if p not in rank]
            return sorted(present, key=lambda p: (p not in rank, rank.get(p, 0), natural_key(p)))
        return sorted(present, key=natural_key)

    def display(self, key: str, label: str) -> str:
        """How a label reads in a paper: the codebook's label, the citation label."""
        if key == "value":
            resolved = self.codebook.resolve_value(label)
            return resolved.code.label if resolved else label
        if key in FACETS:
            code = self.codebook.facets[key].resolve(label)
            return code.label if code is not None else label
        if key == "document" and label in self.documents:
            return str(self.documents[label].label)
        return label

    def key_label(self, key: str) -> str:
        """A key's name as a column header: the codebook's facet label where there is one."""
        if key in FACETS:
            return self.codebook.facets[key].label
        return key

    # -- filtering -------------------------------------------------------------------

    def conditions(self, expressions: Sequence[str], *, option: str = "--where") -> list[Condition]:
        """Parse ``KEY=VALUE`` / ``KEY!=VALUE``; a label nothing carries is an error with a
        did-you-mean, not an empty result."""
        found = []
        for expression in expressions:
            match = re.fullmatch(r"\s*([^=!]+?)\s*(!?=)\s*(.*?)\s*", expression)
            if match is None or not match[3]:
                raise UsageError(
                    f"{option} {expression!r}: write KEY=VALUE (or KEY!=VALUE), e.g. role=expert or tool=ERP"
                )
            key = self.resolve_key(match[1], option=option)
            found.append(Condition(key, self._wanted(key, match[3], option), match[2] == "!=", expression))
        return found

    def _wanted(self, key: str, typed: str, option: str) -> str:
        if key == "value":
            return self.codebook.require_value(typed)
        if key == "document":
            return self.require_document(typed)
        wanted = self.comparable(key, typed)
        if key in FACETS and self.codebook.facets[key].resolve(typed) is not None:
            return wanted  # a codebook code: no verbatim may carry it, and that is an answer
        present: dict[str, str] = {}
        for verbatim in self.verbatims:
            for label in verbatim.labels(key):
                present.setdefault(self.comparable(key, label), label)
        if wanted not in present:
            names = sorted(set(present.values()), key=natural_key)
            listing = ", ".join(names[:15]) + (", ..." if len(names) > 15 else "")
            raise UnknownCode(
                f"{option}: no verbatim has {key} = {typed!r}"
                + _did_you_mean(typed, names)
                + (f" ({key}: {listing})" if names else f" (no verbatim gives a {key})")
            )
        return wanted

    def require_document(self, typed: str) -> str:
        """A document given by id, citation label ("Entretien 10"), number or file name."""
        if typed in self.documents:
            return typed
        from vmatrix.corpus.documents import DocumentIndex

        return DocumentIndex(self.documents.values()).require(typed)

    def select(
        self, conditions: Sequence[Condition], verbatims: list[Verbatim] | None = None
    ) -> list[Verbatim]:
        """The verbatims meeting every key's conditions (conditions on one key: any may hold)."""
        pool = self.verbatims if verbatims is None else verbatims
        if not conditions:
            return list(pool)
        by_key: dict[str, tuple[set[str], set[str]]] = {}
        for condition in conditions:
            wanted, unwanted = by_key.setdefault(condition.key, (set(), set()))
            (unwanted if condition.negate else wanted).add(condition.wanted)
        verdicts: dict[tuple[str, tuple[str, ...]], bool] = {}  # (key, labels) -> passes

        def passes(key: str, labels: tuple[str, ...]) -> bool:
            found = verdicts.get((key, labels))
            if found is None:
                wanted, unwanted = by_key[key]
                have = {self.comparable(key, label) for label in labels}
                found = verdicts[key, labels] = not ((wanted and not have & wanted) or have & unwanted)
            return found

        return [v for v in pool if all(passes(key, v.labels(key)) for key in by_key)]

    # -- grouping ---------------------------------------------------------------------

    def resolve_unit(self, name: str) -> str:
        typed = fold_code(name)
        for unit, aliases in _UNIT_NAMES.items():
            if typed in {fold_code(unit), *(fold_code(a) for a in aliases)}:
                return unit
        try:
            key = self.resolve_key(name, option="--unit")
        except UsageError:
            key = ""
        if key in UNITS:
            if key in FACETS and self.source == "suggested" and key not in SUGGESTED_FACETS:
                raise UsageError(
                    f"--unit {name}: suggestions carry no {key} (only the tool and its nature); "
                    "count by segment, document or tool, or use the manual codes (--source manual)"
                )
            return key
        raise UsageError(f"--unit {name!r}: count by segment, document or a facet ({', '.join(FACETS)})")

    def units(self, verbatims: list[Verbatim], by: str) -> list[Unit]:
        """Group verbatims into units; a facet unit gathers every verbatim naming that code."""
        if by == "segment":
            return [Unit(_verbatim_key(v), [v]) for v in verbatims]
        return [Unit(label, group) for label, group in self.group(verbatims, by, keep_none=False)]

    def split(self, verbatims: list[Verbatim], key: str) -> list[tuple[str, list[Verbatim]]]:
        """Verbatims in groups by their label under ``key`` (a verbatim may be in several);
        those without one come last, as "(none)"."""
        return self.group(verbatims, key, keep_none=True)

    def group(
        self, verbatims: list[Verbatim], key: str, *, keep_none: bool
    ) -> list[tuple[str, list[Verbatim]]]:
        groups: dict[str, tuple[str, list[Verbatim]]] = {}
        for verbatim in verbatims:
            labels = verbatim.labels(key)
            if not labels and keep_none:
                groups.setdefault(NONE_LABEL, (NONE_LABEL, []))[1].append(verbatim)
            for label in labels:
                groups.setdefault(self.comparable(key, label), (label, []))[1].append(verbatim)
        out = []
        for label in self.order(key, [first for c, (first, _) in groups.items() if c != NONE_LABEL]):
            found = groups.pop(self.comparable(key, label), None)
            if found is not None:
                out.append(found)
        if NONE_LABEL in groups:
            out.append(groups.pop(NONE_LABEL))
        return out

    def note_counted(self, verbatims: list[Verbatim]) -> None:
        """Notes on what is counted: orphaned codes, codes of several sheets together."""
        orphaned = sum(v.orphaned for v in verbatims)
        if orphaned and self.source == "manual":
            self.notes.append(
                f"orphaned codes: {orphaned} of {len(verbatims)} (their transcript changed and the quote "
                "was not found again); their coding still counts — `vmatrix validate` shows them"
            )
        self.check_sheets(verbatims)

    def check_sheets(self, verbatims: list[Verbatim]) -> None:
        """Note when sheets coding the same documents (two coders) are counted together.

        Sheets that code different documents (one sheet per interview, or per batch)
        are one coding, split for convenience: nothing to say about them.
        """
        by_document: dict[str, set[str]] = {}
        for verbatim in verbatims:
            if verbatim.sheet:
                by_document.setdefault(verbatim.document, set()).add(verbatim.sheet)
        shared = {doc: sheets for doc, sheets in by_document.items() if len(sheets) > 1}
        if not shared:
            return
        sheets = sorted(set().union(*shared.values()))
        documents = sorted(shared, key=natural_key)
        listing = ", ".join(documents[:5]) + (f" and {len(documents) - 5} more" if len(documents) > 5 else "")
        self.notes.append(
            f"codes of {len(sheets)} sheets ({', '.join(sheets)}) code the same documents ({listing}) "
            "and are counted together; keep one coder's with --where sheet=NAME"
        )


# -- loading ----------------------------------------------------------------------------


def load(corpus: Any, codebook: Codebook, source: str = "manual") -> Analysis:
    """The verbatims of ``source`` (``manual`` codes or ``suggested`` segments)."""
    if source not in SOURCES:
        raise UsageError(f"--source {source!r}: choose manual or suggested")
    documents = {doc.id: doc for doc in corpus.documents()}
    analysis = Analysis(codebook, source, [], documents, corpus=corpus)
    rank = {value_id: i for i, value_id in enumerate(codebook.value_ids)}
    if source == "manual":
        analysis.verbatims = _manual(corpus, codebook, documents, rank, analysis.notes)
        if not analysis.verbatims:
            analysis.notes.append(
                "the corpus holds no manual codes yet: store a sheet with `vmatrix validate`"
            )
    else:
        analysis.verbatims = _suggested(corpus, codebook, documents, rank)
        analysis._speakers_loaded = True
        if not analysis.verbatims:
            analysis.notes.append("the corpus holds no suggestions yet: run `vmatrix suggest`")
    return analysis


def _manual(
    corpus: Any, codebook: Codebook, documents: dict[str, Any], rank: dict[str, int], notes: list[str]
) -> list[Verbatim]:
    unknown: dict[str, None] = {}

    def values_of(stored: list[str]) -> tuple[str, ...]:
        found = set()
        for value_id in stored:
            if value_id not in rank:
                resolved = codebook.resolve_value(value_id)
                if resolved is None:
                    unknown[value_id] = None
                    continue
                value_id = resolved.code.id
            found.add(value_id)
        return tuple(sorted(found, key=rank.__getitem__))

    def facets_of(stored: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        facets = {}
        for facet, names in stored.items():
            known = codebook.facets.get(facet)
            canonical: dict[str, None] = {}
            for name in names:
                code = known.resolve(name) if known is not None else None
                canonical[code.id if code is not None else name.strip()] = None
            if canonical:
                facets[facet] = tuple(canonical)
        return facets

    # Codes with the same values or facets share the stored list (see Corpus.code_summaries):
    # convert each distinct one once. The cache keeps the object, so an id is never reused.
    cache: dict[int, tuple[Any, Any]] = {}

    def once(stored: Any, convert: Any) -> Any:
        hit = cache.get(id(stored))
        if hit is None or hit[0] is not stored:
            hit = cache[id(stored)] = (stored, convert(stored))
        return hit[1]

    verbatims = []
    for code in corpus.code_summaries():
        doc = documents.get(code.document_id)
        verbatims.append(
            Verbatim(
                document=code.document_id,
                label=doc.label if doc else code.document_id,
                start=code.start,
                end=code.end,
                values=once(code.values, values_of),
                facets=once(code.facets, facets_of),
                attributes=doc.attributes if doc else {},
                orphaned=code.status == "orphaned",
                sheet=code.sheet,
                row=code.row,
                coder=code.coder,
                quote=code.quote,
            )
        )
    for value_id in unknown:
        notes.append(f"value form {value_id!r} of stored codes is not in the codebook; left out")
    return verbatims


# The facets suggested verbatims carry: the tools `suggest` finds, and their nature.
SUGGESTED_FACETS = ("tool", "nature")


def _suggested(
    corpus: Any, codebook: Codebook, documents: dict[str, Any], rank: dict[str, int]
) -> list[Verbatim]:
    """One verbatim per segment with suggested value forms, with the tools it names (and
    their nature) as its facets."""
    segments = {(s.document_id, s.index): s for s in corpus.segments()}
    grouped: dict[tuple[str, int], list[Any]] = {}
    for row in corpus.suggestions():
        if row.value in rank:
            grouped.setdefault((row.document_id, row.segment), []).append(row)
    tools: dict[tuple[str, int], list[str]] = {}
    for found in corpus.segment_tools():
        tools.setdefault((found.document_id, found.segment), []).append(found.tool)
    tool_facet = codebook.facets.get("tool")

    def facets_of(named: list[str]) -> dict[str, tuple[str, ...]]:
        if not named:
            return {}
        natures = []
        for tool in named:
            code = tool_facet.resolve(tool) if tool_facet is not None else None
            if code is not None and code.nature:
                natures.append(code.nature)
        facets = {"tool": tuple(dict.fromkeys(named))}
        if natures:
            facets["nature"] = tuple(dict.fromkeys(natures))
        return facets

    verbatims = []
    for (doc_id, index), rows in grouped.items():
        segment = segments.get((doc_id, index))
        doc = documents.get(doc_id)
        evidence = tuple(e for row in rows for e in row.evidence)
        verbatims.append(
            Verbatim(
                document=doc_id,
                label=doc.label if doc else doc_id,
                start=segment.start if segment else None,
                end=segment.end if segment else None,
                values=tuple(sorted({row.value for row in rows}, key=rank.__getitem__)),
                facets=facets_of(tools.get((doc_id, index), [])),
                attributes=doc.attributes if doc else {},
                speaker=segment.speaker if segment else None,
                orphaned=segment is None,
                segment=index,
                evidence=evidence,
            )
        )
    verbatims.sort(key=lambda v: (*in_label_order(v.label, v.document), v.start or 0))
    return verbatims


# -- helpers ----------------------------------------------------------------------------


def in_label_order(label: str, doc_id: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Sort key putting documents in the order of their citation labels, « Entretien 3 »
    before « Entretien 12 », whatever their file names (``E22-consultant``, ``ENTRETIEN 3``)."""
    return natural_key(label), natural_key(doc_id)


@functools.cache  # a corpus names few documents, and sorts verbatims by them thousands of times
def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key putting "entretien-2" before "entretien-10", ignoring case and accents."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", fold(text)))


def _verbatim_key(verbatim: Verbatim) -> str:
    if verbatim.segment is not None:
        return f"{verbatim.document}#{verbatim.segment}"
    return f"{verbatim.document}:{verbatim.start}-{verbatim.end}:{verbatim.sheet}:{verbatim.row}"


def _did_you_mean(typed: str, names: Sequence[str]) -> str:
    """The "; did you mean X?" of an error, from the closest names."""
    if not names:
        return ""
    hints = closest(fold_code(typed), {fold_code(n): n for n in names})
    return f"; did you mean {' or '.join(hints)}?" if hints else ""
