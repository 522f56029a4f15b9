"""The ``vmatrix`` command line.

Commands are thin: parse options, call one library function, render the result.
One place (:class:`_Funnel`) turns vmatrix's exceptions into a red ``Error: ...`` on
stderr and exit status 1.

Start only what runs: ``vmatrix --help`` lists the commands from :data:`COMMANDS` without
importing them, and ``vmatrix NAME ...`` imports ``vmatrix.cli.NAME`` alone, where the
command registers itself on :data:`app` with ``@app.command()`` (a group of sub-commands,
such as ``lexicon``, with ``app.add_typer(group, name=NAME)``; its sub-commands live in the
same module). Command modules import the library inside the command function, so
``vmatrix matrix`` never pays for spaCy.

Adding a command is one line here, once ``vmatrix/cli/NAME.py`` defines it::

    "export": "Write the corpus as a REFI-QDA project.",

The text is the first line of the command's docstring (tests/test_cli.py checks that they
agree). A name with a dash is a module with an underscore (``lexicon-learn`` →
``lexicon_learn.py``); a name that is a Python keyword takes a trailing underscore
(``import`` → ``import_.py``). The order of :data:`COMMANDS` is the order of ``--help``.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

from vmatrix import __version__
from vmatrix.errors import VmatrixError
from vmatrix.output.render import Format

HELP = """Code French interview transcripts by value form, from the command line.

A corpus is one SQLite file (default ./vmatrix.db; --corpus or VMATRIX_CORPUS to
choose another). Start with `vmatrix ingest`, or see it all at once with `vmatrix demo`.
"""

# Every command and its one-line help, in the order of a study (the order of --help).
COMMANDS: dict[str, str] = {
    "demo": "Run the whole path on the bundled examples, from transcripts to quotes.",
    "ingest": "Read transcripts and their metadata into the corpus, parsed once by spaCy.",
    "docs": "List the documents: id, label, attributes, words, segments, speakers, encoding.",
    "suggest": "Propose value forms for each segment from the lexicon, with the words that justify them.",
    "validate": "Check coding sheets against the corpus and the codebook, and store them if they pass.",
    "codes": "List the stored codes: document, span, quote, value forms, facets, coder, anchor.",
    "agree": "Agreement between coders who coded the same documents: per value form and overall.",
    "evaluate": "Precision, recall and F1 of the stored suggestions against the manual codes.",
    "matrix": "Print the interaction matrix of the value forms, or a cross-table of any two keys.",
    "table": "Print the tool table: one row per tool, with its value forms and who it serves.",
    "quote": "Print the verbatims coded with a value form, each as « text » (Entretien 10).",
    "plot": "Draw a figure: the interaction matrix, the network of value forms, or value forms by a key.",
    "report": "Write the study report: one self-contained HTML page of the whole analysis.",
    "codebook": "Print the codebook: the value forms (id, label, group, definition) and the facet codes.",
    "lexicon": "Work with the value-form lexicons.",
    "export": "Write the corpus for NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA, QDA-XML 1.0).",
    "import": "Import a project or codebook from NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA).",
}


def command_module(name: str) -> str:
    """The module that defines command ``name``."""
    import keyword

    module = name.replace("-", "_")
    return f"vmatrix.cli.{module}_" if keyword.iskeyword(module) else f"vmatrix.cli.{module}"


def _registered_name(info: Any) -> str:
    return str(info.name or info.callback.__name__).lower().replace("_", "-")


def load_command(name: str) -> Any:
    """Import the module of command ``name`` and build its click command (or group)."""
    module = command_module(name)
    __import__(module)  # not importlib.import_module, which `python -X importtime` does not see
    try:
        return _command(name, module)
    finally:
        if not gc.isenabled():  # paused for the start-up by vmatrix.__main__
            gc.freeze()  # what exists now lives as long as the process: out of the collector's sight
            gc.enable()


def _command(name: str, module: str) -> Any:
    for info in app.registered_commands:
        if _registered_name(info) == name:  # a plain command: its parser alone
            return typer.main.get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=None
            )
    # A group of sub-commands: a Typer of its own holding only this group (Typer builds the
    # parser of every command it holds, and a module may import another command's module).
    alone = typer.Typer(add_completion=False, rich_markup_mode=None)
    alone.registered_commands = [c for c in app.registered_commands if _registered_name(c) == name]
    alone.registered_groups = [g for g in app.registered_groups if g.name == name]
    alone.callback()(_nothing)
    command = typer.main.get_group(alone).commands.get(name)
    if command is None:
        raise LookupError(f"{module} does not register a command named {name!r}")
    return command


def _nothing() -> None:
    """Makes a Typer a group, whatever it holds."""


class _Funnel(TyperGroup):
    """Runs a command and turns vmatrix errors into one red line and exit status 1.

    Commands are loaded when named (see the module's docstring)."""

    _loaded: ClassVar[dict[str, Any]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(cmd_name)
        return self._loaded[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands and their one-line helps, without importing them."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)  # as click does
        rows = [
            (name, TyperCommand(name, help=text).get_short_help_str(limit)) for name, text in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            from difflib import get_close_matches

            if matches := get_close_matches(args[0], COMMANDS):
                guesses = ", ".join(repr(m) for m in matches)
                ctx.fail(f"No such command {args[0]!r}. Did you mean {guesses}?")
        return super().resolve_command(ctx, args)

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
            err(f"Error: {corpus_path()}: {_sqlite_problem(exc)}", "bold red")
            raise typer.Exit(1) from None


def _sqlite_problem(exc: sqlite3.OperationalError) -> str:
    text = str(exc)
    if "full" in text:
        return "the disk is full; free some space and run the command again"
    if "readonly" in text or "read-only" in text:
        return "the corpus may not be written here (read-only file or folder); copy it somewhere writable"
    return f"{text}; the corpus is as it was"


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


def open_corpus(*, write: bool = False, create: bool = False) -> Any:
    """The corpus, read-only unless the command writes to it (``write``, or ``create``)."""
    from vmatrix.corpus.store import Corpus

    corpus = Corpus(corpus_path(), create=create, readonly=not (write or create))
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

    from vmatrix.textnorm import visible_controls

    text = escape(visible_controls(message))
    stderr().print(f"[{style}]{text}[/]" if style else text, soft_wrap=True)


def warn(message: str) -> None:
    err(f"Warning: {message}", "yellow")


def report_error(exc: VmatrixError) -> None:
    err(f"Error: {exc.message}", "bold red")
    for line in exc.details:
        err(f"  {line}", "red")


def main() -> None:
    app(prog_name="vmatrix")
