"""``vmatrix evaluate``: stored suggestions against the manual codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import CodebookOption, FormatOption, LexiconOption, OutputOption, app, err, open_corpus, warn
from vmatrix.output.render import Format


class UnitChoice(StrEnum):
    segment = "segment"
    document = "document"
    verbatim = "verbatim"
    tool = "tool"


THRESHOLDS = (0.2, 0.35, 0.5, 0.65, 0.8)  # vmatrix.coding.evaluate.THRESHOLDS


@app.command()
def evaluate(
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Only this document (id, label or number; repeat for more)."),
    ] = None,
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Only the codes of this coder (repeat for more).")
    ] = None,
    unit: Annotated[
        UnitChoice,
        typer.Option(
            "--unit",
            "-u",
            case_sensitive=False,
            help="What is compared: a segment, a document, a verbatim (one code), or a tool "
            "(the verbatims naming it, pooled).",
        ),
    ] = UnitChoice.segment,
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Count stored suggestions from this score only."),
    ] = 0.0,
    all_segments: Annotated[
        bool,
        typer.Option(
            "--all-segments",
            help="Count every segment of the coded documents, not only the coded segments.",
        ),
    ] = False,
    top: Annotated[
        int,
        typer.Option("--top", min=0, help="How many confusions to list (with --terms: terms, 0 for all)."),
    ] = 10,
    tools: Annotated[
        bool,
        typer.Option(
            "--tools",
            help="Score the tools suggest found against the tools coded (by segment, or by "
            "verbatim with --unit verbatim), instead of the value forms.",
        ),
    ] = False,
    terms: Annotated[
        bool,
        typer.Option(
            "--terms",
            help="List the lexicon terms the suggestions rest on, by coded verbatim: how often "
            "each stood where its value form was coded (right) or not (wrong), most wrong first.",
        ),
    ] = False,
    cross_validate: Annotated[
        int | None,
        typer.Option(
            "--cross-validate",
            "-k",
            min=2,
            help="Deal the coded documents into K folds; score each fold with the lexicon alone and "
            "with terms learned from the other folds (suggests again; nothing is stored).",
        ),
    ] = None,
    lexicon: LexiconOption = None,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Precision, recall and F1 of the stored suggestions against the manual codes.

    Per value form and overall.

    --unit segment (default): a segment's manual value forms are those of the codes
    overlapping it; only coded segments count (an uncoded segment is not evidence of
    absence), --all-segments counts every segment of the coded documents. --unit
    document pools a document; --unit verbatim compares each code with the suggestions
    whose evidence lies in its passage; --unit tool pools the verbatims of each tool,
    the unit the tool table and the interaction matrix count. Also lists the most
    frequent confusions and precision and recall at several score thresholds.

    --tools scores the tools `suggest` found in each segment against the tools of the
    codes (the tool facet): by segment (the tools of the codes overlapping it) or, with
    --unit verbatim, by code (against the tools found in the segments it overlaps).
    Codes naming no tool are not counted.

    --terms lists, for each term of the lexicons (or pattern) found in the evidence of
    suggestions inside coded verbatims, how often the verbatim carried its value form
    (right) and how often not (wrong), with a wrong one to read: the words that mislead
    the suggestions on this material, to make weak, fence or drop in a lexicon of your
    own (--top terms, most wrong first).

    --cross-validate K asks whether `vmatrix lexicon learn` would help: the coded
    documents are dealt into K folds, terms are learned from the codes of K-1 folds and
    the held-out fold is suggested again with them (so nothing learned from an interview
    scores that interview), then the lexicon alone and the lexicon with learned terms
    are scored on the same units, at --min-score (default 0.35 there).

    Example: vmatrix evaluate --unit tool --min-score 0.5 --format markdown
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.evaluate import confusion_table, score_table, threshold_table
    from vmatrix.coding.evaluate import evaluate as run
    from vmatrix.output.render import Table, check_destination, render

    check_destination(fmt, output)
    book = load_codebook(codebook)
    chosen = [
        name
        for name, on in (("--tools", tools), ("--terms", terms), ("--cross-validate", cross_validate))
        if on
    ]
    if len(chosen) > 1:
        from vmatrix.errors import UsageError

        raise UsageError(f"{' and '.join(chosen)} are different reports: choose one")
    if tools:
        _tools(unit, doc, coder, top, book, fmt, output)
        return
    if terms:
        _terms(doc, coder, min_score, top, fmt, output)
        return
    if cross_validate is not None:
        _cross_validate(cross_validate, unit.value, coder, min_score or 0.35, top, lexicon, book, fmt, output)
        return
    with open_corpus() as corpus:
        result = run(
            corpus,
            documents=doc,
            values=book.value_ids,
            coders=coder,
            unit=unit.value,
            min_score=min_score,
            all_segments=all_segments,
            thresholds=sorted({*THRESHOLDS, min_score}),
            top=top,
            codebook=book,
        )
    for doc_id in result.unsuggested_documents:
        warn(f"{doc_id} has codes but no stored suggestions: run `vmatrix suggest` first")
    counted = f"{result.units} {unit.value}s"
    if unit is UnitChoice.segment:
        counted = f"{result.units} {'segments' if all_segments else 'coded segments'}"
    scores = score_table(
        result, f"Suggestions against manual codes — {counted}, {result.documents} documents"
    )
    if fmt is Format.json:
        render(Table([], [], json=result.to_json()), fmt, output)
    else:
        render([scores, confusion_table(result), threshold_table(result)], fmt, output)
    err(
        f"{counted} counted from {result.codes} code(s) in {result.documents} document(s); "
        f"suggestions from score {min_score}."
    )


def _cross_validate(
    k: int,
    unit: str,
    coders: list[str] | None,
    min_score: float,
    top: int,
    lexicon: Path | None,
    book: Any,
    fmt: Format,
    output: Path | None,
) -> None:
    from vmatrix.coding.crossval import cross_validate
    from vmatrix.coding.evaluate import ratio
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.output.render import Table, render

    lex = load_lexicon(lexicon, book)
    with open_corpus() as corpus:
        read_phrases(lex, corpus)
        result = cross_validate(
            corpus,
            lex,
            k,
            unit=unit,
            values=book.value_ids,
            coders=coders,
            min_score=min_score,
            top=top,
            codebook=book,
        )
    if fmt is Format.json:
        render(Table([], [], json=result.to_json()), fmt, output)
        return
    runs = (("lexicon", result.lexicon), ("lexicon + learned terms", result.learned))
    averages = Table(
        ["suggestions", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1"],
        [
            [
                name,
                *(ratio(x) for x in (e.micro.precision, e.micro.recall, e.micro.f1)),
                *(ratio(x) for x in (e.macro.precision, e.macro.recall, e.macro.f1)),
            ]
            for name, e in runs
        ],
        title=f"{k}-fold cross-validation by document — {result.lexicon.units} {unit}s, "
        f"suggestions from score {min_score}",
        numeric=set(range(1, 7)),
    )
    learned = {c.value: c for c in result.learned.values}
    per_value = Table(
        ["value", "support", "recall", "recall + learned", "f1", "f1 + learned"],
        [
            [
                c.value,
                c.support,
                ratio(c.recall),
                ratio(learned[c.value].recall),
                ratio(c.f1),
                ratio(learned[c.value].f1),
            ]
            for c in result.lexicon.values
            if c.value in learned
        ],
        title="By value form",
        numeric=set(range(1, 6)),
    )
    folds = Table(
        ["fold", "held out", "terms learned from the others"],
        [[i, ", ".join(f.held_out), f.terms] for i, f in enumerate(result.folds, 1)],
        title="Folds",
        numeric={0, 2},
    )
    render([averages, per_value, folds], fmt, output)
    err(
        f"{k} folds of {sum(len(f.held_out) for f in result.folds)} coded document(s); "
        "each scored with terms learned from the other folds only."
    )


def _terms(
    doc: list[str] | None,
    coders: list[str] | None,
    min_score: float,
    top: int,
    fmt: Format,
    output: Path | None,
) -> None:
    from vmatrix.coding.evaluate import term_counts, term_table
    from vmatrix.output.render import Table, render

    with open_corpus() as corpus:
        counts = term_counts(corpus, documents=doc, coders=coders, min_score=min_score)
    if not counts:
        from vmatrix.errors import UsageError

        raise UsageError(
            "no suggestion has evidence inside a coded verbatim: "
            "run `vmatrix suggest` on the coded documents first"
        )
    shown = counts[:top] if top else counts
    if fmt is Format.json:
        render(Table([], [], json=[c.to_json() for c in shown]), fmt, output)
    else:
        render(
            term_table(
                shown, f"Lexicon terms in coded verbatims — {len(shown)} of {len(counts)}, most wrong first"
            ),
            fmt,
            output,
        )
    right, wrong = sum(c.right for c in counts), sum(c.wrong for c in counts)
    err(
        f"{len(counts)} term(s) in the evidence of suggestions from score {min_score} "
        f"inside coded verbatims: {right} times right, {wrong} wrong."
    )


def _tools(
    unit: UnitChoice,
    doc: list[str] | None,
    coders: list[str] | None,
    top: int,
    book: Any,
    fmt: Format,
    output: Path | None,
) -> None:
    from vmatrix.coding.evaluate import (
        anchored_codes,
        confusion_table,
        score_table,
        tabulate,
        tool_resolver,
        tool_units,
    )
    from vmatrix.coding.tools import suggested_tools
    from vmatrix.output.render import Table, render

    resolve = tool_resolver(book)
    with open_corpus() as corpus:
        codes = anchored_codes(corpus, documents=doc, coders=coders)
        documents = sorted({c.document_id for c in codes})
        found = suggested_tools(corpus, documents)
        units = tool_units(corpus, codes, found, unit=unit.value, resolve=resolve)
    if not units:
        from vmatrix.errors import UsageError

        raise UsageError("no code names a tool: fill in the tool column of the coding sheet to score tools")
    result = tabulate(units, top=top, unit=unit.value)
    result.codes = sum(1 for c in codes if c.facets.get("tool"))
    if fmt is Format.json:
        render(Table([], [], json=result.to_json()), fmt, output)
    else:
        table = score_table(result, f"Suggested tools against coded tools — {result.units} {unit.value}s")
        table.columns[0] = "tool"
        render([table, confusion_table(result)], fmt, output)
    err(
        f"{result.units} {unit.value}(s) counted from {result.codes} code(s) naming a tool "
        f"in {result.documents} document(s)."
    )
