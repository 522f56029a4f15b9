"""Build a large corpus of transcripts from the bundled examples, for benchmarks.

The eight example interviews (every format) are read once and written back as UTF-8
text files, as many times as needed to reach the number of words asked for. Each
copy gets its own file name, so each is a distinct document.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vmatrix.textnorm import count_words  # noqa: E402
from vmatrix.transcripts.readers import SUFFIXES, read_source  # noqa: E402

EXAMPLES = ROOT / "examples" / "transcripts"


def build(folder: Path, words: int) -> tuple[int, int]:
    """Write transcripts totalling about ``words`` words into ``folder``; returns (files, words)."""
    sources = [read_source(p) for p in sorted(EXAMPLES.iterdir()) if p.suffix.lower() in SUFFIXES]
    folder.mkdir(parents=True, exist_ok=True)
    written = files = 0
    copy = 0
    while written < words:
        copy += 1
        for source in sources:
            if written >= words:
                break
            name = f"{source.path.stem}-{copy:04d}.txt"
            (folder / name).write_text(source.text, encoding="utf-8")
            written += count_words(source.text)
            files += 1
    return files, written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/out/corpus")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    print(build(target, size))
