"""``python -m vmatrix`` and the ``vmatrix`` command.

Start-up creates modules, classes and functions that live as long as the process, and the
cyclic garbage collector would walk them again and again for nothing: it is paused here,
before anything is imported, and turned on again once the command is loaded, with what
exists by then frozen out of its sight (:func:`vmatrix.cli.load_command`).
"""

import gc


def main() -> None:
    gc.disable()
    from vmatrix.cli import main as run

    run()


if __name__ == "__main__":
    main()
