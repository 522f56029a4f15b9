"""The study report: one self-contained HTML page to share with co-authors and supervisors.

In: a corpus, its codebook and what to select (source, ``--where``, unit). Out: the HTML
text of one page that needs nothing else — styles inline, figures inline as SVG with
their text alternatives, no script, no font or image fetched (a Content-Security-Policy
forbids it), readable offline and printable to PDF from the browser.

The page holds the corpus (documents, attributes, words, speakers), the codebook, the
interaction matrix (table, heat map, network, and the pairs Fisher's test finds
significant), the tool table, the quotes for each value form « … » (Entretien N), the
agreement between coders when several coded the same documents, and how the
suggestions compare with the manual codes when both are stored. Every piece of text
from the corpus is escaped: transcripts and sheets are user data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vmatrix import __version__
from vmatrix.analysis import quotes as quoting
from vmatrix.analysis.matrix import STRONG_MARK, WEAK_MARK, MatrixOptions, compute, describe, to_table
from vmatrix.analysis.tools import tool_rows, tool_table
from vmatrix.analysis.units import Analysis, in_label_order, load, natural_key
from vmatrix.coding.codebook import Codebook
from vmatrix.errors import NothingToShow, UsageError
from vmatrix.output import figures
from vmatrix.table import Table
from vmatrix.textnorm import fold_code, one_paragraph

NBSP = "\u00a0"


@dataclass
class ReportOptions:
    title: str | None = None
    source: str = "manual"
    where: Sequence[str] = ()
    unit: str | None = None  # None: by tool when the verbatims name tools, else by segment
    quotes: int = 10  # quotes shown per value form; 0 shows them all


@dataclass
class Section:
    id: str
    heading: str
    body: str


@dataclass
class Report:
    html: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)


def build(corpus: Any, codebook: Codebook, options: ReportOptions) -> Report:
    """The report of the verbatims ``options`` select (see the module doc)."""
    if options.quotes < 0:
        raise UsageError(f"--quotes {options.quotes}: give a number of quotes per value form, or 0 for all")
    analysis = load(corpus, codebook, options.source)
    conditions = analysis.conditions(options.where)
    selected = analysis.select(conditions)
    if not analysis.documents:
        raise NothingToShow("nothing to report: the corpus holds no document; start with `vmatrix ingest`")
    if not selected:
        raise figures.nothing_selected(analysis, options.where, "report")
    analysis.note_counted(selected)
    named = any(v.labels("tool") for v in selected)  # suggestions name the tools suggest found
    unit = options.unit or ("tool" if named else "segment")
    documents = sorted({v.document for v in selected}, key=natural_key)
    title = options.title or f"Value forms in {len(documents)} interviews"

    sections = [
        Section("corpus", "Corpus", _corpus(analysis, documents)),
        Section("codebook", "Codebook", _codebook(analysis, selected)),
        Section("matrix", "Interaction matrix", _matrix(analysis, options, unit)),
    ]
    if analysis.source == "manual" or named:
        sections.append(Section("tools", "Tool table", _tools(analysis, selected)))
    sections.append(Section("quotes", "Quotes by value form", _quotes(corpus, analysis, conditions, options)))
    if analysis.source == "manual":
        agreement = _agreement(corpus, analysis, selected, documents if options.where else None)
        if agreement:
            sections.append(Section("agreement", "Agreement between coders", agreement))
        suggestions = _suggestions(corpus, analysis, documents if options.where else None, unit)
        if suggestions:
            sections.append(Section("suggestions", "Suggestions and manual codes", suggestions))
    page = _page(title, _subtitle(analysis, options, unit, len(selected), len(documents)), sections)
    return Report(page, sections, list(dict.fromkeys(analysis.notes)))


# -- the page ------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa;
  --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem 2rem 4rem; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans",
  Arial, sans-serif; font-kerning: normal; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1.2rem; padding-bottom: .6rem; }
h1 { font-size: 1.9rem; margin: .2rem 0; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 .6rem; padding-top: .4rem; border-top: 1px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
p.meta, p.note, figcaption, caption { color: var(--muted); font-size: .9rem; }
nav.toc { background: var(--band); border: 1px solid var(--rule); border-radius: 6px;
  padding: .6rem 1.2rem; display: inline-block; min-width: 18rem; }
nav.toc h2 { border: 0; margin: .2rem 0; padding: 0; font-size: 1rem; }
nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; }
a { color: var(--accent); }
.scroll { overflow-x: auto; margin: .4rem 0 1rem; }
table { border-collapse: collapse; font-size: .85rem; margin: 0; }
caption { caption-side: top; text-align: left; padding: .2rem 0 .4rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .55rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--band); border-bottom: 2px solid var(--rule); }
tbody th { font-weight: 600; white-space: nowrap; }
td.nw { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.matrix td { text-align: center; min-width: 3.2rem; }
table.matrix thead th { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  padding: .5rem .3rem; vertical-align: bottom; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid var(--rule); }
figure { margin: 1rem 0 1.6rem; }
figure svg { max-width: 100%; height: auto; display: block; }
blockquote { margin: .5rem 0 .9rem; padding: .35rem .9rem; border-left: 4px solid var(--rule);
  background: #fbfbfc; }
blockquote p { margin: 0; }
blockquote footer { color: var(--muted); font-size: .85rem; margin-top: .2rem; }
.attraction { color: #005a8c; font-weight: 600; }
.repulsion { color: #a13c00; font-weight: 600; }
footer.page { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule);
  padding-top: .5rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  nav.toc { break-after: page; }
  h2 { break-before: page; border-top: 0; }
  h2, h3 { break-after: avoid; }
  figure, blockquote, tr { break-inside: avoid; }
  .scroll { overflow: visible; }
  thead { display: table-header-group; }
}
"""

# Nothing may be fetched: no script, no font, no image, no frame; inline styles allowed.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _page(title: str, subtitle: str, sections: list[Section]) -> str:
    toc = "\n".join(f'<li><a href="#{s.id}">{_e(s.heading)}</a></li>' for s in sections)
    body = "\n".join(
        f'<section id="{s.id}" aria-labelledby="{s.id}-h">\n<h2 id="{s.id}-h">{_e(s.heading)}</h2>\n'
        f"{s.body}</section>"
        for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="vmatrix {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1 lang="fr">{_e(title)}</h1>\n<p class="meta">{subtitle}</p>\n</header>\n'
        f'<nav class="toc" aria-labelledby="toc-h">\n<h2 id="toc-h">Contents</h2>\n'
        f"<ol>\n{toc}\n</ol>\n</nav>\n"
        f"<main>\n{body}\n</main>\n"
        f'<footer class="page">Made by vmatrix {_e(__version__)} from the stored corpus; '
        "every quote is the transcript's own text.</footer>\n"
        "</body>\n</html>\n"
    )


def _subtitle(analysis: Analysis, options: ReportOptions, unit: str, verbatims: int, documents: int) -> str:
    source = "manual codes" if analysis.source == "manual" else "suggestions"
    parts = [f"{verbatims} coded verbatims ({source}) in {documents} documents", f"matrix unit: {unit}"]
    if options.where:
        parts.append("selection: " + ", ".join(options.where))
    return _e(" · ".join(parts))


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def html_table(
    table: Table,
    *,
    caption: str | None = None,
    row_headers: bool = True,
    css: str = "",
    lang: str | None = "fr",
    totals: int = 0,
) -> str:
    """A :class:`Table` as an HTML table: column headers ``<th scope="col">``, the first
    cell of each row ``<th scope="row">``; numbers right-aligned; the last ``totals``
    rows set apart."""
    head = "".join(
        f'<th scope="col"{" class=num" if i in table.numeric else ""}>{_e(c)}</th>'
        for i, c in enumerate(table.columns)
    )
    lines = []
    for r, row in enumerate(table.rows):
        cells = []
        for i, value in enumerate(row):
            text = _cell(value)
            number = ' class="num"' if i in table.numeric else _short(value)
            if i == 0 and row_headers:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f"<td{number}>{text}</td>")
        total = ' class="total"' if totals and r >= len(table.rows) - totals else ""
        lines.append(f"<tr{total}>{''.join(cells)}</tr>")
    attributes = (f' class="{css}"' if css else "") + (f' lang="{lang}"' if lang else "")
    title = f"<caption>{_e(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table{attributes}>{title}<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n" + "\n".join(lines) + "\n</tbody></table></div>\n"
    )


def _short(value: Any) -> str:
    """Short words (ids, dates, numbers as text) are not broken across lines."""
    text = str(value) if isinstance(value, str) else ""
    return ' class="nw"' if text and len(text) <= 20 and not any(c.isspace() for c in text) else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _e(f"{value:.3f}".rstrip("0").rstrip("."))
    if isinstance(value, (list, tuple)):
        return _e(", ".join(str(v) for v in value))
    return "<br>".join(_e(line) for line in str(value).split("\n"))


def _figure(svg: bytes, *, title: str, prefix: str, caption: str) -> str:
    return (
        f"<figure>\n{figures.inline_svg(svg, title=title, prefix=prefix)}"
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>\n"
    )


# -- sections ------------------------------------------------------------------------------


def _corpus(analysis: Analysis, selected: list[str]) -> str:
    documents = sorted(analysis.documents.values(), key=lambda d: in_label_order(d.label, d.id))
    keys: list[str] = []
    for doc in documents:
        keys += [k for k in doc.attributes if k not in keys]
    chosen = set(selected)
    some = len(chosen) < len(documents)  # a --where left documents out: say which
    rows: list[list[Any]] = [
        [
            doc.label,
            doc.id,
            *(doc.attributes.get(k, "") for k in keys),
            doc.words,
            doc.segments,
            ", ".join(doc.speakers),
            *(["yes" if doc.id in chosen else "no"] if some else []),
        ]
        for doc in documents
    ]
    words = sum(d.words for d in documents)
    segments = sum(d.segments for d in documents)
    total = ["Total", f"{len(documents)}", *("" for _ in keys), words, segments, ""]
    rows.append(total + ([str(len(chosen))] if some else []))
    n = 2 + len(keys)
    table = Table(
        ["Document", "id", *keys, "words", "segments", "speakers", *(["selected"] if some else [])],
        rows,
        numeric={n, n + 1},
    )
    selection = f"; {len(chosen)} of them hold the verbatims reported here" if some else ""
    intro = f"<p>{len(documents)} documents, {_thousands(words)} words{selection}.</p>\n"
    return intro + html_table(table, caption="Documents and their attributes", totals=1)


def _thousands(n: int) -> str:
    """12 345, the French way (a narrow no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u202f")


def _codebook(analysis: Analysis, selected: list[Any]) -> str:
    counts = {v.id: 0 for v in analysis.codebook.values}
    for verbatim in selected:
        for value in verbatim.values:
            counts[value] = counts.get(value, 0) + 1
    group = {"service": "service value", "user": "user value"}
    rows = [
        [
            code.label,
            code.id,
            group.get(code.group or "", code.group or ""),
            counts.get(code.id, 0),
            code.definition,
        ]
        for code in analysis.codebook.values
    ]
    table = Table(["Value form", "id", "kind", "verbatims", "definition"], rows, numeric={3})
    out = html_table(table, caption=f"The {len(rows)} value forms ({analysis.codebook.name})")
    facets = []
    for key in ("lever", "nature"):
        facet = analysis.codebook.facets.get(key)
        if facet is not None and facet.codes:
            facets.append(
                f"<p><strong>{_e(facet.label)}</strong>: "
                + ", ".join(f'<span lang="fr">{_e(c.label)}</span>' for c in facet.codes)
                + ".</p>"
            )
    return out + "\n".join(facets) + "\n"


def _matrix(analysis: Analysis, options: ReportOptions, unit: str) -> str:
    wanted = MatrixOptions(source=analysis.source, unit=unit, where=list(options.where), stats=True)
    matrices = compute(analysis, wanted)
    (matrix,) = matrices
    if not matrix.table.units:
        return f'<p class="note">No verbatim names a {_e(unit)}: there is no unit to count.</p>\n'
    title = describe(analysis, matrix, wanted)
    parts = [
        "<p>A cell counts the units carrying both value forms; the diagonal counts the units "
        f"carrying each form. {STRONG_MARK} marks a strong link "
        f"(at least {matrix.strong:g} units), {WEAK_MARK} a weak one.</p>\n",
        html_table(to_table(analysis, matrix, wanted, ids=False), caption=title, css="matrix"),
        _figure(
            figures.heatmap(analysis, matrices, wanted, "svg"),
            title=f"Heat map of the interaction matrix: {title}",
            prefix="heatmap",
            caption="Heat map of the table above: the darker a cell, the more units carry both forms.",
        ),
        _figure(
            figures.network(analysis, matrices, wanted._replace(stats=False), "svg"),
            title=f"Network of the value forms: {title}",
            prefix="network",
            caption="The same links as a network: node area by units carrying the form, edge width by "
            "units carrying both; blue nodes are service values, green ones user values.",
        ),
    ]
    assert matrix.pairs is not None
    significant = [p for p in matrix.pairs if p.link]
    if significant:
        rows = [
            [
                f"{analysis.display('value', p.row)} – {analysis.display('value', p.col)}",
                p.together,
                round(p.expected, 2),
                round(p.lift, 2) if p.lift is not None else None,
                _p(p.p_adjusted),
                p.link,
            ]
            for p in significant
        ]
        parts.append(
            html_table(
                Table(
                    ["Pair", "together", "expected", "lift", "p (Holm)", "link"], rows, numeric={1, 2, 3, 4}
                ),
                caption="Pairs that co-occur more (attraction) or less (repulsion) than chance "
                "(Fisher's exact test, Holm correction, α = 0.05)",
            )
        )
    else:
        parts.append(
            '<p class="note">No pair of value forms co-occurs significantly more or less than chance '
            "(Fisher's exact test, Holm correction, α = 0.05).</p>\n"
        )
    return "".join(parts)


def _p(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


def _tools(analysis: Analysis, selected: list[Any]) -> str:
    rows = tool_rows(analysis, selected)
    if not rows:
        return '<p class="note">No verbatim names a tool.</p>\n'
    table = tool_table(analysis, rows, ids=False)
    table.columns = [c[:1].upper() + c[1:] for c in table.columns]
    # The tool is what a row is about: make it the row header.
    order = [1, 0, *range(2, len(table.columns))]
    table = Table(
        [table.columns[i] for i in order],
        [[row[i] for i in order] for row in table.rows],
        numeric={6, 7},
    )
    return html_table(table, caption=f"{len(rows)} tools, grouped by nature")


def _quotes(corpus: Any, analysis: Analysis, conditions: list[Any], options: ReportOptions) -> str:
    # The quotable verbatims once, in document order; each value form takes its own.
    pool, _ = quoting.select(analysis, quoting.QuoteQuery(conditions=conditions))
    # With several coders the same passage may come twice: say whose each one is.
    several = len({v.coder or v.sheet for v in pool}) > 1
    out = []
    for code in analysis.codebook.values:
        verbatims = [v for v in pool if code.id in v.values]
        shown = verbatims if not options.quotes else verbatims[: options.quotes]
        found = quoting.quotes(corpus, analysis, shown)
        count = (
            f"{len(verbatims)} verbatims"
            if len(shown) == len(verbatims)
            else f"{len(shown)} of {len(verbatims)} verbatims"
        )
        out.append(
            f'<h3 id="quotes-{_e(code.id)}" lang="fr">{_e(code.label)} <small>({count})</small></h3>\n'
        )
        if not found:
            out.append('<p class="note">No verbatim carries this value form.</p>\n')
        for quote in found:
            values, facets = quoting.describe(analysis, quote)
            coder = quote.verbatim.coder or quote.verbatim.sheet
            who = f"coded by {coder}" if several and coder else ""
            text = one_paragraph(quote.shown)
            out.append(
                f'<blockquote lang="fr"><p>«{NBSP}{_e(text)}{NBSP}» ({_e(quote.verbatim.label)})</p>'
                f"<footer>{_e(' — '.join(p for p in (values, facets, who) if p))}</footer></blockquote>\n"
            )
    limit = f"at most {options.quotes} per value form, " if options.quotes else ""
    intro = (
        f"<p>The verbatims coded with each value form, {limit}in document order, in the transcript's "
        "own words (cut where the coding sheet cut them).</p>\n"
    )
    return intro + "".join(out)


def _agreement(corpus: Any, analysis: Analysis, selected: list[Any], documents: list[str] | None) -> str:
    from vmatrix.sheets.agree import agreement

    # One coder (or sheet) per document: nothing to compare, and no need to read every code again.
    coders: dict[str, set[str]] = {}
    for verbatim in selected:
        coders.setdefault(verbatim.document, set()).add(verbatim.coder or verbatim.sheet or "")
    folded = {name: fold_code(name) for names in coders.values() for name in names}
    if all(len({folded[name] for name in found}) < 2 for found in coders.values()):
        return ""
    try:
        result = agreement(corpus, analysis.codebook.value_ids, documents=documents)
    except UsageError:
        return ""  # fewer than two coders, or none on a shared document
    two = len(result.coders) == 2
    columns = ["Value form", *(f"n {c}" for c in result.coders), "agreement %"]
    columns += ["Cohen's κ"] * two + ["Krippendorff's α"]
    rows: list[list[Any]] = []
    for v in result.values:
        row = [analysis.display("value", v.value), *(v.counts[c] for c in result.coders), _percent(v.percent)]
        row += [_ratio(v.kappa)] * two + [_ratio(v.alpha)]
        rows.append(row)
    overall = ["All value forms", *("" for _ in result.coders), _percent(result.percent)]
    rows.append(overall + [""] * two + [_ratio(result.alpha)])
    table = Table(columns, rows, numeric=set(range(1, len(columns))))
    identical = (
        f" The coders gave the very same value forms to {_percent(result.identical)} % of the units."
        if result.identical is not None
        else ""
    )
    intro = (
        f"<p>{len(result.coders)} coders ({_e(', '.join(result.coders))}) on {len(result.documents)} "
        f"documents, {len(result.units)} units matched by span overlap; "
        f"{len(result.disagreements)} coded differently.{_e(identical)}</p>\n"
    )
    return intro + html_table(table, caption="Agreement per value form", totals=1)


def _suggestions(corpus: Any, analysis: Analysis, documents: list[str] | None, unit: str) -> str:
    from vmatrix.coding.evaluate import UNITS, evaluate

    unit = unit if unit in UNITS else "segment"
    try:
        result = evaluate(corpus, documents=documents, values=analysis.codebook.value_ids, unit=unit)
    except UsageError:
        return ""
    if len(result.unsuggested_documents) == result.documents:
        return ""  # no suggestion stored for the coded documents
    rows: list[list[Any]] = [
        [
            analysis.display("value", c.value),
            c.support,
            c.suggested,
            c.tp,
            c.fp,
            c.fn,
            _ratio(c.precision, 2),
            _ratio(c.recall, 2),
            _ratio(c.f1, 2),
        ]
        for c in result.values
    ]
    m, a = result.micro, result.macro
    rows.append(
        [
            "Micro average",
            m.support,
            m.suggested,
            m.tp,
            m.fp,
            m.fn,
            *(_ratio(x, 2) for x in (m.precision, m.recall, m.f1)),
        ]
    )
    rows.append(["Macro average", "", "", "", "", "", *(_ratio(x, 2) for x in (a.precision, a.recall, a.f1))])
    table = Table(
        [
            "Value form",
            "coded",
            "suggested",
            "both",
            "suggested only",
            "coded only",
            "precision",
            "recall",
            "F1",
        ],
        rows,
        numeric=set(range(1, 9)),
    )
    intro = (
        f"<p>The value forms <code>vmatrix suggest</code> proposed, against the manual codes, over the "
        f"{result.units} units ({_e(unit)}) of {result.documents} coded documents.</p>\n"
    )
    out = intro + html_table(table, caption="Suggestions against manual codes, per value form", totals=2)
    if result.confusions:
        confusions = Table(
            ["Coded", "suggested instead", "units"],
            [
                [analysis.display("value", g), analysis.display("value", s), n]
                for g, s, n in result.confusions
            ],
            numeric={2},
        )
        out += html_table(confusions, caption="Most frequent confusions")
    return out


def _percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}"


def _ratio(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"
