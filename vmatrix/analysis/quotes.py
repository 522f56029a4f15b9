"""Quotes: the verbatims chosen to illustrate a value form, ready to paste into a paper.

Each quote is the transcript's own text between the verbatim's start and end (never the
sheet's copy), cited « text » (Entretien 10), with its value forms and facets, some
characters of context on request, and the words the lexicons matched in it (the stored
suggestions' evidence) so a terminal can highlight them. A quote the sheet cut with
``(...)`` or completed with ``[...]`` is cited the way the researcher cut it, each piece
in the transcript's own words: the words cut out never reach the paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vmatrix.analysis.units import Analysis, Condition, Verbatim, in_label_order, natural_key
from vmatrix.coding.codebook import FACET_COLUMNS
from vmatrix.table import Table, latex_escape
from vmatrix.textnorm import CONTROLS, TRANSCRIPTION_MARKS, fold, one_paragraph


@dataclass
class Quote:
    """One verbatim ready to cite: its text, its context and the words to highlight."""

    verbatim: Verbatim
    text: str  # transcript[start:end]
    before: str = ""  # context, when asked
    after: str = ""
    highlights: list[tuple[int, int, bool]] = field(default_factory=list)  # offsets in text, negated
    cited: str = ""  # the text as the sheet cut it, "(...)" and "[...]" kept; "" when not cut
    kept: int = 0  # characters of ``after`` the citation ends with (its closing "».")

    @property
    def document(self) -> str:
        return self.verbatim.document

    @property
    def shown(self) -> str:
        """What a paper quotes: the researcher's cuts, else the transcript's passage."""
        return self.cited or self.text


@dataclass
class QuoteQuery:
    """Which verbatims to quote: value forms, conditions on their keys, a limit."""

    values: list[str] = field(default_factory=list)  # value-form ids
    any_value: bool = False
    conditions: list[Condition] = field(default_factory=list)
    limit: int | None = None


# What every editorial mark of a cut quote holds: "(...)", "[...]", "…", "...".
_MARK_PARTS = ("(", "[", "…", "...")


class _Cut(NamedTuple):
    text: str
    end: int


def cut_as_typed(text: str, quote: str, start: int, end: int) -> Any:
    """The citation as the sheet cut it (see :func:`vmatrix.corpus.anchor.cited_form`), or
    None; a quote without any editorial mark is its span, found without loading anchoring.
    The transcriber's marks the quote left out (« [00:12:31] », « (rires) ») stay out."""
    cut = None
    if quote and any(part in quote for part in _MARK_PARTS):
        from vmatrix.corpus.anchor import cited_form

        cut = cited_form(text, quote, start, end)
    shown = cut.text if cut else text[start:end]
    typed = fold(quote)
    left_out = [m for m in TRANSCRIPTION_MARKS.finditer(shown) if fold(m.group(0)) not in typed]
    if not left_out:
        return cut
    for mark in reversed(left_out):
        before = shown[: mark.start()].rstrip(" \t\u00a0\u202f")
        after = shown[mark.end() :]
        if before and after[:1] not in (" ", "\n", ".", ",", ";", ":", "!", "?", "…", ""):
            after = " " + after
        shown = before + after
    return _Cut(shown.strip(), cut.end if cut else end)


def select(analysis: Analysis, query: QuoteQuery) -> tuple[list[Verbatim], int]:
    """The verbatims to quote, in document order, and how many orphaned ones were left out."""
    chosen = analysis.select(query.conditions)
    if query.values:
        wanted = set(query.values)
        if query.any_value:
            chosen = [v for v in chosen if wanted & set(v.values)]
        else:
            chosen = [v for v in chosen if wanted <= set(v.values)]
    orphaned = sum(1 for v in chosen if v.orphaned or v.start is None)
    chosen = [v for v in chosen if not (v.orphaned or v.start is None or v.end is None)]
    chosen.sort(key=lambda v: (*in_label_order(v.label, v.document), v.start, v.end))
    if query.limit is not None:
        chosen = chosen[: query.limit]
    return chosen, orphaned


def quotes(corpus: Any, analysis: Analysis, verbatims: Sequence[Verbatim], context: int = 0) -> list[Quote]:
    """Cut each verbatim out of its transcript, with context and the lexicons' matches."""
    documents = sorted({v.document for v in verbatims}, key=natural_key)
    texts = {doc_id: corpus.text(doc_id) for doc_id in documents}
    evidence: dict[str, list[dict[str, Any]]] = {}
    if analysis.source == "manual" and documents:
        for row in corpus.suggestions(documents=documents):
            evidence.setdefault(row.document_id, []).extend(row.evidence)
    out = []
    for verbatim in verbatims:
        assert verbatim.start is not None and verbatim.end is not None
        text = texts[verbatim.document]
        start, end = verbatim.start, verbatim.end
        lo, hi = max(0, start - context), min(len(text), end + context)
        found = (
            list(verbatim.evidence) if analysis.source != "manual" else evidence.get(verbatim.document, [])
        )
        # Highlight offsets are relative to before + text + after.
        spans = sorted(
            {
                (max(e["start"], lo) - lo, min(e["end"], hi) - lo, bool(e.get("negated")))
                for e in found
                if e.get("start") is not None and e["start"] < hi and e["end"] > lo
            }
        )
        cut = cut_as_typed(text, verbatim.quote, start, end)
        quote = Quote(verbatim, text[start:end], text[lo:start], text[end:hi], spans)
        if cut:
            quote.cited, quote.kept = cut.text, cut.end - end
        out.append(quote)
    return out


# -- formats -------------------------------------------------------------------------------


def describe(analysis: Analysis, quote: Quote) -> tuple[str, str]:
    """The value forms, and the facets (\"Outil : Site web ; Levier : ...\"), as people read them."""
    verbatim = quote.verbatim
    values = ", ".join(analysis.display("value", v) for v in verbatim.values)
    facets = " ; ".join(
        f"{analysis.key_label(key)} : {', '.join(analysis.display(key, c) for c in verbatim.facets[key])}"
        for key in FACET_COLUMNS
        if verbatim.facets.get(key)
    )
    return values, facets


def _ellipsis(quote: Quote) -> tuple[str, str]:
    """Context with … where it is cut inside the transcript."""
    before = one_paragraph(quote.before)
    after = one_paragraph(quote.after[quote.kept :])
    glue = "" if after[:1] in tuple(".,…)") else " "  # « ... rien ». not « ... rien » .
    return (f"…{before} " if before else "", f"{glue}{after}…" if after else "")


def to_text(analysis: Analysis, found: Sequence[Quote]) -> str:
    """Plain text: « text » (Entretien 10), then value forms and facets, a blank line between."""
    blocks = []
    for quote in found:
        before, after = _ellipsis(quote)
        values, facets = describe(analysis, quote)
        line = f"{before}« {one_paragraph(quote.shown)} »{after} ({quote.verbatim.label})"
        blocks.append(line + "\n    " + " — ".join(p for p in (values, facets) if p) + "\n")
    return "\n".join(blocks)


def to_rich(analysis: Analysis, found: Sequence[Quote]) -> list[Any]:
    """The same as :func:`to_text`, with the lexicons' matches highlighted for a terminal."""
    from rich.text import Text

    out = []
    for quote in found:
        after = quote.after[quote.kept :]
        # One paragraph, as in to_text: runs of spaces and line breaks become one space.
        whole, at = _collapse(quote.before + quote.shown + after)
        cut, stop = at[len(quote.before)], at[len(quote.before) + len(quote.shown)]
        styled = Text(whole)
        styled.stylize("dim", 0, cut)
        styled.stylize("dim", stop, len(whole))
        # Highlight offsets are into the transcript's passage, not into a cut citation.
        for start, end, negated in quote.highlights if not quote.cited else ():
            styled.stylize("strike dim" if negated else "bold yellow", at[start], at[end])
        head, body, tail = styled[:cut], styled[cut:stop], styled[stop:]
        for part in (head, body, tail):
            part.rstrip()
        body = body[len(body.plain) - len(body.plain.lstrip(" ")) :]
        tail = tail[len(tail.plain) - len(tail.plain.lstrip(" ")) :]
        line = Text()
        if head.plain.strip():
            line.append("…", "dim")
            line.append_text(head[len(head.plain) - len(head.plain.lstrip(" ")) :])
            line.append(" ")
        line.append("« ")
        line.append_text(body)
        line.append(" »")
        if tail.plain:
            line.append("" if tail.plain[:1] in ".,…)" else " ")
            line.append_text(tail)
            line.append("…", "dim")
        line.append(f" ({quote.verbatim.label})", "cyan")
        values, facets = describe(analysis, quote)
        info = Text("    ")
        info.append(values, "green")
        if facets:
            info.append(" — " + facets, "dim")
        out += [line, info, Text()]
    return out


def _collapse(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of spaces, tabs and line breaks as one space (no-break spaces
    kept), and where each of its offsets (and its end) falls in the result."""
    out: list[str] = []
    at: list[int] = []
    for char in text:
        if char in " \t\r\n":
            if out and out[-1] == " ":
                at.append(len(out) - 1)
                continue
            char = " "
        elif CONTROLS.match(char):
            char = "\ufffd"  # a terminal would act on it
        at.append(len(out))
        out.append(char)
    at.append(len(out))
    return "".join(out), at


def to_markdown(analysis: Analysis, found: Sequence[Quote]) -> str:
    """Block quotes, as they go into a paper drafted in Markdown (text kept verbatim)."""
    blocks = []
    for quote in found:
        before, after = _ellipsis(quote)
        values, facets = describe(analysis, quote)
        info = " — ".join(p for p in (f"*{values}*" if values else "", facets) if p)
        blocks.append(
            f"> {before}« {one_paragraph(quote.shown)} »{after} ({quote.verbatim.label})\n>\n> {info}\n"
        )
    return "\n".join(blocks)


def to_latex(analysis: Analysis, found: Sequence[Quote]) -> str:
    """One ``quote`` environment per verbatim, special characters escaped."""
    blocks = []
    for quote in found:
        before, after = _ellipsis(quote)
        values, facets = describe(analysis, quote)
        # No-break spaces inside « » (written ~): LaTeX must not break a line after «.
        line = f"{before}«\u00a0{one_paragraph(quote.shown)}\u00a0»{after} ({quote.verbatim.label})"
        info = latex_escape(facets)
        if values:
            info = f"\\emph{{{latex_escape(values)}}}" + (f" --- {info}" if info else "")
        blocks.append(f"\\begin{{quote}}\n{latex_escape(line)}\\\\\n{info}\n\\end{{quote}}\n")
    return "\n".join(blocks)


def records(found: Sequence[Quote], *, context: bool) -> list[dict[str, Any]]:
    """The JSON shape: document, label, start, end, text, values, facets (+ before/after)."""
    out = []
    for quote in found:
        verbatim = quote.verbatim
        record: dict[str, Any] = {
            "document": verbatim.document,
            "label": verbatim.label,
            "start": verbatim.start,
            "end": verbatim.end,
            "text": quote.text,
            "cited": quote.shown,
            "values": list(verbatim.values),
            "facets": {key: list(verbatim.facets.get(key, ())) for key in FACET_COLUMNS},
        }
        if context:
            record["before"] = quote.before
            record["after"] = quote.after
        out.append(record)
    return out


def to_json(found: Sequence[Quote], *, context: bool) -> str:
    """A JSON array, one quote per line (fast to write and easy to grep)."""
    import json

    lines = [json.dumps(r, ensure_ascii=False) for r in records(found, context=context)]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def to_table(found: Sequence[Quote], *, context: bool) -> Table:
    """One row per quote (CSV: ids, the text exactly as in the transcript)."""
    columns = ["document", "label", "speaker", "start", "end", "text", "cited", "values", *FACET_COLUMNS]
    if context:
        columns[5:7] = ["before", "text", "after", "cited"]
    rows = []
    for quote in found:
        verbatim = quote.verbatim
        texts = [quote.before, quote.text, quote.after] if context else [quote.text]
        texts.append(quote.shown)
        rows.append(
            [
                verbatim.document,
                verbatim.label,
                verbatim.speaker or "",
                verbatim.start,
                verbatim.end,
                *texts,
                list(verbatim.values),
                *(list(verbatim.facets.get(key, ())) for key in FACET_COLUMNS),
            ]
        )
    return Table(columns, rows, json=records(found, context=context), numeric={3, 4})
