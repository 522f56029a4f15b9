"""``vmatrix codebook``: the value forms and facets codes resolve against."""

from __future__ import annotations

from typing import Any

from vmatrix.cli import CodebookOption, FormatOption, OutputOption, app
from vmatrix.output.render import Format


@app.command()
def codebook(
    codebook: CodebookOption = None, fmt: FormatOption = Format.table, output: OutputOption = None
) -> None:
    """Print the codebook: the value forms (id, label, group, definition) and the facet codes.

    Example: vmatrix codebook --format markdown --output codebook.md
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.output.render import Table, render

    book = load_codebook(codebook)
    values = Table(
        ["id", "label", "group", "definition"],
        [[v.id, v.label, v.group or "", v.definition] for v in book.values],
        title=f"Value forms — {book.name}",
    )
    facets = Table(
        ["facet", "code", "label", "aliases", "nature"],
        [
            [facet.id, code.id, code.label, "; ".join(code.aliases), code.nature or ""]
            for facet in book.facets.values()
            for code in facet.codes
        ],
        title="Facets",
    )
    if fmt is Format.json:
        render(Table([], [], json=_payload(book)), fmt, output)
    else:
        render([values, facets], fmt, output)


def _payload(book: Any) -> dict[str, Any]:
    def code(c: Any) -> dict[str, Any]:
        entry = {"id": c.id, "label": c.label, "definition": c.definition, "aliases": list(c.aliases)}
        if c.group:
            entry["group"] = c.group
        if c.nature:
            entry["nature"] = c.nature
        return entry

    return {
        "name": book.name,
        "values": [code(v) for v in book.values],
        "facets": [
            {"id": f.id, "label": f.label, "closed": f.closed, "codes": [code(c) for c in f.codes]}
            for f in book.facets.values()
        ],
    }
