"""The ``vmatrix`` command line.

Commands are thin: parse options, call one library function, render the result.
One place (:class:`_Funnel`) turns vmatrix's exceptions into a red ``Error: ...`` on
stderr and exit status 1. Modules under ``vmatrix.cli`` import the library inside
the command functions, so ``vmatrix matrix`` never pays for spaCy.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from vmatrix import __version__
from vmatrix.errors import VmatrixError
from vmatrix.output.render import Format

HELP = """Code French interview transcripts by value form, from the command line.

A corpus is one SQLite file (default ./vmatrix.db; --corpus or VMATRIX_CORPUS to
choose another). Start with `vmatrix ingest`, or see it all at once with `vmatrix demo`.
"""


# `vmatrix --help` lists the commands in the order of a study, not alphabetically.
_ORDER = [
    "demo",
    "ingest",
    "docs",
    "suggest",
    "validate",
    "codes",
    "agree",
    "evaluate",
    "matrix",
    "table",
    "quote",
    "plot",
    "report",
    "codebook",
    "lexicon",
    "export",
    "import",
]


class _Funnel(TyperGroup):
    """Runs a command and turns vmatrix errors into one red line and exit status 1."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except VmatrixError as exc:
            report_error(exc)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err("Interrupted; the corpus is as it was before this command.")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # Output piped into `head` and the like: not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            raise typer.Exit(0) from None
        except OSError as exc:
            err(f"Error: {describe_os_error(exc)}", "bold red")
            raise typer.Exit(1) from None
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            full = f"{corpus_path()}: the disk is full; free some space and run the command again"
            err(f"Error: {full}", "bold red")
            raise typer.Exit(1) from None


def describe_os_error(exc: OSError) -> str:
    """A file system error in one line: what failed, on which file."""
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}the disk is full; free some space and run the command again"
    return f"{where}{exc.strerror or exc}"


app = typer.Typer(
    cls=_Funnel,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)

_state: dict[str, Path | None] = {"corpus": None}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vmatrix {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            "-C",
            envvar="VMATRIX_CORPUS",
            show_envvar=True,
            help="Corpus file to use [default: ./vmatrix.db].",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    _state["corpus"] = corpus


def corpus_path() -> Path:
    from vmatrix.corpus.store import DEFAULT_PATH

    return _state["corpus"] or Path(DEFAULT_PATH)


def open_corpus(*, create: bool = False) -> Any:
    from vmatrix.corpus.store import Corpus

    corpus = Corpus(corpus_path(), create=create)
    corpus.on_wait = warn  # a writer waiting for another says so
    return corpus


# -- shared options -----------------------------------------------------------

FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
]


def _checked_output(output: Path | None) -> Path | None:
    """An --output is checked as soon as it is parsed, before any work: never the corpus,
    always in a folder that can be written."""
    if output is not None:
        from vmatrix.output.render import check_output

        check_output(output, protect=[corpus_path()])
    return output


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        callback=_checked_output,
        help="Write the result to this file (atomically) instead of stdout.",
    ),
]
CodebookOption = Annotated[
    Path | None,
    typer.Option(
        "--codebook",
        exists=True,
        dir_okay=False,
        help="Codebook TOML file to use instead of the bundled one (lexicons/codebook.toml).",
    ),
]
LexiconOption = Annotated[
    Path | None,
    typer.Option(
        "--lexicon",
        exists=True,
        file_okay=False,
        help="Folder of lexicon files (<value>.toml) to use instead of the bundled French one.",
    ),
]


# -- diagnostics on stderr ------------------------------------------------------

_stderr: Any = None


def stderr() -> Any:
    global _stderr
    if _stderr is None:
        from rich.console import Console

        _stderr = Console(stderr=True, highlight=False)
    return _stderr


def err(message: str, style: str | None = None) -> None:
    from rich.markup import escape

    text = escape(message)
    stderr().print(f"[{style}]{text}[/]" if style else text, soft_wrap=True)


def warn(message: str) -> None:
    err(f"Warning: {message}", "yellow")


def report_error(exc: VmatrixError) -> None:
    err(f"Error: {exc.message}", "bold red")
    for line in exc.details:
        err(f"  {line}", "red")


def main() -> None:
    _keep_invoked_command(sys.argv[1:])
    app(prog_name="vmatrix")


def _keep_invoked_command(args: list[str]) -> None:
    """Typer builds the parser of every command before running one (about 1 ms each, more
    for commands with many options): when the command line names a command, register
    only that one, so `matrix` and `quote` start fast however many commands there are."""
    commands = {
        str(c.name or getattr(c.callback, "__name__", "")).replace("_", "-"): c
        for c in app.registered_commands
    }
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-h", "--help", "--version"):
            return
        if arg in ("-C", "--corpus"):
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            if arg in commands:
                app.registered_commands = [commands[arg]]
            return


# Commands register themselves on ``app`` when their module is imported.
from vmatrix.cli import (  # noqa: E402,F401
    agree,
    codebook,
    codes,
    demo,
    docs,
    evaluate,
    export,
    import_,
    ingest,
    lexicon,
    matrix,
    plot,
    quote,
    report,
    suggest,
    table,
    validate,
)
