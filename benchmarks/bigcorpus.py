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


def build(folder: Path, words: int, document_words: int | None = None) -> tuple[int, int]:
    """Write transcripts totalling about ``words`` words into ``folder``; returns (files, words).

    With ``document_words``, each example is cut at line ends into documents of about
    that many words (many short documents, as a study of short answers gives).
    """
    sources = [read_source(p) for p in sorted(EXAMPLES.iterdir()) if p.suffix.lower() in SUFFIXES]
    pieces = [(s.path.stem, part) for s in sources for part in _cut(s.text, document_words)]
    folder.mkdir(parents=True, exist_ok=True)
    written = files = 0
    copy = 0
    while written < words:
        copy += 1
        for number, (stem, text) in enumerate(pieces):
            if written >= words:
                break
            name = f"{stem}-{copy:04d}-{number:03d}.txt" if document_words else f"{stem}-{copy:04d}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            written += count_words(text)
            files += 1
    return files, written


def _cut(text: str, document_words: int | None) -> list[str]:
    """``text`` whole, or cut at line ends into parts of about ``document_words`` words."""
    if not document_words:
        return [text]
    parts: list[str] = []
    lines: list[str] = []
    count = 0
    for line in text.splitlines():
        lines.append(line)
        count += count_words(line)
        if count >= document_words:
            parts.append("\n".join(lines) + "\n")
            lines, count = [], 0
    if count:
        parts.append("\n".join(lines) + "\n")
    return parts


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/out/corpus")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    print(build(target, size))
