"""``vmatrix suggest``: value forms proposed segment by segment, with their evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vmatrix.cli import CodebookOption, FormatOption, LexiconOption, OutputOption, app, err, open_corpus, warn
from vmatrix.output.render import SPREADSHEETS, Format

DEFAULT_MIN_SCORE = 0.35  # vmatrix.coding.suggest.DEFAULT_MIN_SCORE (not imported: start-up time)
_PALETTE = [
    "cyan",
    "magenta",
    "green",
    "yellow",
    "blue",
    "red",
    "bright_cyan",
    "bright_magenta",
    "bright_green",
]
_EXCERPT = 240  # characters of a segment shown in the terminal table


@app.command()
def suggest(
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", "-d", help="Only this document: id, label or number (repeat for more)."),
    ] = None,
    value: Annotated[
        list[str] | None,
        typer.Option("--value", "-v", help="Only this value form (repeat for more); e.g. localisation."),
    ] = None,
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Suggest a value form from this score (0-1)."),
    ] = DEFAULT_MIN_SCORE,
    include_negated: Annotated[
        bool,
        typer.Option("--include-negated", help='Count matches in negated clauses ("on n\'a pas de site").'),
    ] = False,
    include_interviewer: Annotated[
        bool,
        typer.Option(
            "--include-interviewer",
            help="Also suggest for the interviewer's turns (Q, Intervieweur, or the speaker "
            "who mostly asks questions) and for the header before the first speaker turn.",
        ),
    ] = False,
    lexicon: LexiconOption = None,
    lexicons: Annotated[
        list[Path] | None,
        typer.Option(
            "--lexicons",
            exists=True,
            file_okay=False,
            help="A lexicon folder loaded on top of the lexicon, its terms added or overriding "
            "(such as `vmatrix lexicon learn --write` makes; repeat for more).",
        ),
    ] = None,
    codebook: CodebookOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Propose value forms for each segment from the lexicon, with the words that justify them.

    The suggestions are stored in the corpus, replacing those of the same documents and
    value forms, for `matrix --source suggested` and `quote --source suggested`. The
    tools of the codebook each segment names ("Facebook", "visio", "l'ERP") are found
    and stored too (an answer naming none takes those of the question it answers):
    `matrix --unit tool --source suggested` and `table --source suggested` then draft
    the study's outputs before any manual coding.
    --format csv writes a draft coding sheet (the columns `vmatrix validate` reads, the
    tool and its nature filled): edit it, then validate it.

    Example: vmatrix suggest --doc entretien-10 --value localisation --format json
    """
    from vmatrix.coding.suggest import collector_paused

    with collector_paused():  # the whole command: the lexicons and the output too
        _suggest(
            doc,
            value,
            min_score,
            include_negated,
            include_interviewer,
            lexicon,
            lexicons,
            codebook,
            fmt,
            output,
        )


def _suggest(
    doc: list[str] | None,
    value: list[str] | None,
    min_score: float,
    include_negated: bool,
    include_interviewer: bool,
    lexicon: Path | None,
    lexicons: list[Path] | None,
    codebook: Path | None,
    fmt: Format,
    output: Path | None,
) -> None:
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.lexicon import load_lexicon, overlay
    from vmatrix.coding.suggest import suggest as run
    from vmatrix.coding.tools import tool_lexicon
    from vmatrix.errors import UsageError
    from vmatrix.output.render import check_destination, render

    check_destination(fmt, output)
    book = load_codebook(codebook)
    values = list(dict.fromkeys(book.require_value(v) for v in value)) if value else None
    lex = load_lexicon(lexicon, book)
    for folder in lexicons or []:
        lex = overlay(lex, load_lexicon(folder, book))
    if values:
        missing = [v for v in values if v not in lex.values]
        if len(missing) == len(values):
            raise UsageError(f"no lexicon for {', '.join(missing)} in {lex.folder}: nothing to suggest")
        for v in missing:
            warn(f"no lexicon for {v} in {lex.folder}: it is not suggested")
    with open_corpus(write=True) as corpus:
        report = run(
            corpus,
            lex,
            documents=doc,
            values=values,
            min_score=min_score,
            include_negated=include_negated,
            include_interviewer=include_interviewer,
            tools=tool_lexicon(book),
        )
        load_codebook(codebook, cache=corpus)  # kept in the corpus for the commands that read
    render(_table(report, fmt), fmt, output)
    err(
        f"{report.suggestions:,} suggestion(s) in {len(report.segments):,} segment(s) of "
        f"{len(report.documents)} document(s) ({report.words:,} words; {report.matches:,} matches, "
        f"{report.negated:,} in negated clauses{' and counted' if include_negated else ' and left out'}"
        + (
            f", {report.interviewer_segments:,} interviewer turn(s) left out "
            f"({'; '.join(report.interviewers)}; --include-interviewer to keep them)"
            if report.interviewer_segments
            else ""
        )
        + (
            f", {report.header_segments:,} segment(s) before the first speaker turn left out as a "
            "header (title, date, place; `vmatrix docs DOC` shows them, --include-interviewer keeps them)"
            if report.header_segments
            else ""
        )
        + f"); tools named in {report.tool_segments:,} segment(s); "
        f"stored in the corpus (lexicon {report.lexicon})."
    )


def _table(report: Any, fmt: Format) -> Any:
    from vmatrix.output.render import Table

    if fmt is Format.json:
        return Table([], [], json=[s.to_json() for s in report.segments])
    if fmt in SPREADSHEETS:
        from vmatrix.sheets.sheet import DRAFT_COLUMNS

        return Table(DRAFT_COLUMNS, [_sheet_row(s, DRAFT_COLUMNS) for s in report.segments])
    colour = {v: _PALETTE[i % len(_PALETTE)] for i, v in enumerate(report.values)}
    rows = [
        [
            f"{s.document} #{s.segment}" + (f"\n{s.speaker}" if s.speaker else ""),
            _excerpt(s),
            "\n".join(f"{v.value} {v.score:.2f}" for v in s.suggestions),
            "\n".join(f"{v.value}: {', '.join(_words(v))}" for v in s.suggestions),
            "\n".join(t.label + (" (question)" if t.inherited else "") for t in s.tools),
        ]
        for s in report.segments
    ]

    def markup(r: int, c: int, cell: Any) -> str | None:
        segment = report.segments[r]
        if c == 1:
            return _excerpt(segment, colour)
        if c in (2, 3):
            from rich.markup import escape

            lines = []
            for v in segment.suggestions:
                text = f"{v.value} {v.score:.2f}" if c == 2 else f"{v.value}: {', '.join(_words(v))}"
                lines.append(f"[{colour.get(v.value, 'bold')}]{escape(text)}[/]")
            return "\n".join(lines)
        return None

    return Table(["segment", "text", "values", "evidence", "tools"], rows, markup=markup)


def _sheet_row(s: Any, columns: list[str]) -> list[Any]:
    """A draft coding-sheet row: the segment as the quote, its value forms, the tools it
    names and their nature, the value forms' words as the memo; the other facets and the
    coder left for the researcher."""
    cells = {
        "document": s.document,
        "segment": s.segment,
        "speaker": s.speaker or "",
        "start": s.start,
        "end": s.end,
        "quote": s.text,
        "values": "; ".join(v.value for v in s.suggestions),
        "tool": "; ".join(t.tool for t in s.tools),
        "nature": "; ".join(dict.fromkeys(t.nature for t in s.tools if t.nature)),
        "memo": " | ".join(f"{v.value}: {', '.join(_words(v))}" for v in s.suggestions),
    }
    return [cells.get(column, "") for column in columns]


def _words(v: Any) -> list[str]:
    """The matched words of a value form, each once, as they stand in the text."""
    seen: dict[str, str] = {}
    for e in v.evidence:
        text = " ".join(e.text.split())
        seen.setdefault(text.casefold(), text + (" (nié)" if e.negated else ""))
    return list(seen.values())


def _window(s: Any) -> tuple[int, int]:
    """The part of a segment shown: from its start, or from a little before its first evidence."""
    first = min((e for v in s.suggestions for e in v.evidence), key=lambda e: e.start, default=None)
    if first is None or first.end - s.start <= _EXCERPT - 20:
        begin = 0  # the first words, evidence included
    else:
        begin = s.text.rfind(" ", 0, first.start - s.start - _EXCERPT // 6) + 1
    end = min(len(s.text), begin + _EXCERPT)
    if end < len(s.text):
        cut = s.text.rfind(" ", begin, end)
        end = cut if cut > begin else end
    return begin, end


def _excerpt(s: Any, colour: dict[str, str] | None = None) -> str:
    """The shown part of a segment, its evidence in colour (rich markup) when ``colour`` is given."""
    from rich.markup import escape

    begin, end = _window(s)
    spans = sorted(
        (e.start - s.start, e.end - s.start, v.value)
        for v in s.suggestions
        for e in v.evidence
        if begin <= e.start - s.start and e.end - s.start <= end
    )
    parts, at = [], begin
    for start, stop, value in spans if colour is not None else []:
        if start < at:
            continue
        parts.append(escape(s.text[at:start]))
        parts.append(
            f"[bold {colour.get(value, 'cyan') if colour else 'cyan'}]{escape(s.text[start:stop])}[/]"
        )
        at = stop
    rest = s.text[at:end]
    parts.append(escape(rest) if colour is not None else rest)
    body = " ".join("".join(parts).split())
    return ("… " if begin else "") + body + (" …" if end < len(s.text) else "")
