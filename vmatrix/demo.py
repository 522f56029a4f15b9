"""The whole path on the bundled examples, in a corpus of its own: what `vmatrix demo` runs.

Ingest the eight example interviews with their metadata, suggest value forms from the
lexicons, validate the example coding sheet; the study's outputs (interaction matrix,
tool table, quotes) then come from :mod:`vmatrix.analysis.matrix`, :mod:`vmatrix.analysis.tools` and
:mod:`vmatrix.analysis.quotes` as for any corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vmatrix.coding.codebook import Codebook
from vmatrix.corpus.store import Corpus
from vmatrix.errors import VmatrixError
from vmatrix.resources import examples_dir


def example_files(folder: Path | None = None) -> tuple[Path, Path, Path]:
    """The example transcripts folder, metadata sheet and coding sheet."""
    folder = folder or examples_dir()
    found = (folder / "transcripts", folder / "interviews.csv", folder / "codes.csv")
    missing = [str(path) for path in found if not path.exists()]
    if missing:
        raise VmatrixError(
            f"the bundled examples are incomplete: {', '.join(missing)} missing; reinstall vmatrix"
        )
    return found


def build(corpus: Corpus, codebook: Codebook, say: Callable[[str], None] = lambda _: None) -> list[str]:
    """Ingest, suggest and validate the examples into ``corpus``; one summary line per step.

    ``say`` hears what is about to happen (the first step loads spaCy's model).
    """
    from vmatrix.coding.lexicon import load_lexicon
    from vmatrix.coding.suggest import suggest
    from vmatrix.coding.tools import tool_lexicon
    from vmatrix.sheets.validate import validate_sheets
    from vmatrix.transcripts.ingest import ingest

    transcripts, meta, sheet = example_files()
    say("Ingesting the example interviews (spaCy's French model reads them once)…")
    ingested = ingest(corpus, [transcripts], meta=meta)
    docs = corpus.documents()
    lines = [
        f"ingest: {len(docs)} interviews, {sum(d.words for d in docs):,} words, "
        f"{sum(d.segments for d in docs)} segments ({ingested.count('added')} added)"
    ]
    say("Suggesting value forms from the lexicons…")
    lexicon = load_lexicon(None, codebook)
    suggested = suggest(corpus, lexicon, tools=tool_lexicon(codebook))
    lines.append(
        f"suggest: {suggested.suggestions} value forms proposed in {len(suggested.segments)} segments, "
        f"tools named in {suggested.tool_segments}"
    )
    say(f"Validating the example coding sheet {sheet.name}…")
    validation = validate_sheets(corpus, [sheet], codebook)
    if not validation.ok:
        raise VmatrixError(
            f"the example coding sheet {sheet} does not validate ({validation.count('error')} errors); "
            f"run `vmatrix validate {sheet}` to see them"
        )
    lines.append(
        f"validate: {validation.rows} coded verbatims stored from {sheet.name} "
        f"({validation.count('warning')} warnings, {validation.count('info')} notes)"
    )
    return lines
