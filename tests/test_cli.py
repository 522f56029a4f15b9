"""The command line as a whole: help text, version, error funnel."""

from __future__ import annotations

import inspect

from typer.main import get_command
from typer.testing import CliRunner

from vmatrix import __version__
from vmatrix.cli import COMMANDS, app

runner = CliRunner()


def _commands() -> dict[str, object]:
    """Every command and sub-command, loaded (the group loads a command when asked for it)."""
    group = get_command(app)
    found: dict[str, object] = {}

    def walk(command: object, prefix: str) -> None:
        lister = getattr(command, "list_commands", None)
        if lister is None:
            return
        for name in lister(None):
            sub = command.get_command(None, name)  # type: ignore[attr-defined]
            assert sub is not None, f"`vmatrix {prefix}{name}` is listed but cannot be loaded"
            found[f"{prefix}{name}"] = sub
            walk(sub, f"{prefix}{name} ")

    walk(group, "")
    return found


def test_listed_help_is_the_first_line_of_each_command_docstring() -> None:
    """`vmatrix --help` lists COMMANDS without importing the commands: the two must agree."""
    commands = _commands()
    for name, line in COMMANDS.items():
        text = inspect.cleandoc(getattr(commands[name], "help", None) or "")
        assert text.splitlines()[0] == line, f"COMMANDS[{name!r}] differs from its docstring's first line"


def test_help_lists_every_command_in_the_order_of_a_study() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == list(COMMANDS)


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = runner.invoke(app, ["matrx"])
    assert result.exit_code == 2
    assert "No such command 'matrx'. Did you mean 'matrix'?" in result.stderr


def test_every_command_documents_itself_with_an_example() -> None:
    commands = _commands()
    assert {"ingest", "docs"} <= set(commands)
    for name, command in commands.items():
        if getattr(command, "commands", None):  # a group: its subcommands carry the examples
            assert getattr(command, "help", None), f"{name} has no help"
            continue
        text = getattr(command, "help", None) or ""
        assert "Example" in text, f"`vmatrix {name}` has no example in its help"
        for param in getattr(command, "params", []):
            if getattr(param, "param_type_name", "") == "option" and param.name != "help":
                assert getattr(param, "help", None), f"`vmatrix {name}` option {param.name} has no help"


def test_help_runs_for_every_command() -> None:
    for name in _commands():
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage" in result.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_unknown_format_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["--corpus", str(tmp_path / "c.db"), "docs", "--format", "docx"])
    assert result.exit_code == 2
    assert "docx" in result.stderr


def test_the_collector_paused_for_start_up_runs_again_once_the_command_is_loaded() -> None:
    # vmatrix.__main__ pauses the garbage collector while Python imports; a long command
    # (ingest, suggest) must not run without it.
    import subprocess
    import sys

    probe = (
        "import gc, sys; gc.disable(); import vmatrix.cli as cli; cli.load_command('docs'); "
        "sys.exit(0 if gc.isenabled() and gc.get_freeze_count() > 0 else 1)"
    )
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0
