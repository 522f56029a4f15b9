"""``vmatrix docs``: the documents in the corpus."""

from __future__ import annotations

from vmatrix.cli import FormatOption, OutputOption, app, open_corpus
from vmatrix.render import Format


@app.command()
def docs(fmt: FormatOption = Format.table, output: OutputOption = None) -> None:
    """List the documents: id, label, attributes, words, segments, speakers, encoding.

    Example: vmatrix docs --format csv --output documents.csv
    """
    from vmatrix.render import Table, render

    with open_corpus() as corpus:
        documents = corpus.documents()
    keys: list[str] = []
    for doc in documents:
        keys += [k for k in doc.attributes if k not in keys]
    rows = [
        [
            doc.id,
            doc.label,
            *[doc.attributes.get(k, "") for k in keys],
            doc.words,
            doc.segments,
            "; ".join(doc.speakers),
            doc.format,
            doc.encoding or "",
        ]
        for doc in documents
    ]
    columns = ["document", "label", *keys, "words", "segments", "speakers", "format", "encoding"]
    payload = [
        {
            "document": doc.id,
            "label": doc.label,
            "number": doc.number,
            "attributes": doc.attributes,
            "words": doc.words,
            "segments": doc.segments,
            "speakers": doc.speakers,
            "format": doc.format,
            "encoding": doc.encoding,
            "source": doc.source,
            "sha256": doc.sha256,
            "revision": doc.revision,
        }
        for doc in documents
    ]
    n = 2 + len(keys)
    render(Table(columns, rows, numeric={n, n + 1}, json=payload), fmt, output)
