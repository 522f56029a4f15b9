"""Write the golden outputs again, after an output changed on purpose.

    python tests/golden/regenerate.py                   # from this checkout
    python tests/golden/regenerate.py --source DIR      # from another checkout of vmatrix

Builds the example corpus (ingest, suggest, validate), runs every case of cases.py and
writes tests/golden/expected/NAME.txt. Review the diff (`git diff tests/golden`) before
committing it: every changed line is a change users will see.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from tests.golden.cases import CASES, DEMO, GOLDEN, build, environment, vmatrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="checkout whose vmatrix package runs (default: this one)")
    args = parser.parse_args()
    env = environment(args.source.resolve() if args.source else None)
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vmatrix-golden-") as tmp:
        corpus = Path(tmp) / "examples.db"
        build(corpus, env)
        for name, case in CASES.items():
            (GOLDEN / f"{name}.txt").write_text(vmatrix(case, corpus, Path(tmp), env), encoding="utf-8")
            print(name)
        for name, case in DEMO.items():
            (GOLDEN / f"{name}.txt").write_text(vmatrix(case, None, Path(tmp), env), encoding="utf-8")
            print(name)


if __name__ == "__main__":
    main()
