"""``vmatrix lexicon check``: is a lexicon sound before it suggests anything?"""

from __future__ import annotations

import typer

from vmatrix.cli import CodebookOption, FormatOption, LexiconOption, OutputOption, app, corpus_path, err
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
    written (what it reads is shown). Loads spaCy's model; readings are cached in the
    corpus when there is one.

    Example: vmatrix lexicon check --lexicon my-lexicon/
    """
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.lexicon import check_lexicon
    from vmatrix.corpus.store import Corpus
    from vmatrix.output.render import Table, render

    book = load_codebook(codebook)
    path = corpus_path()
    corpus = Corpus(path) if path.is_file() else None
    try:
        report = check_lexicon(lexicon, book, corpus)
    finally:
        if corpus is not None:
            corpus.close()
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
