"""What the model reads in a lexicon's phrases, known without loading it.

A term is matched on the lemmas the model gives its words as well as on the words as
written (:mod:`vmatrix.coding.match`). Loading the model to read the terms took ``suggest``
five seconds, so the readings come from two places instead:

* the **bundled readings** (``lexicons/fr/readings.json``): every term and exclusion of
  the bundled lexicons, and every tool alias of the bundled codebook, as the model reads
  it, written by ``python -m vmatrix.coding.readings`` after every change to them. A
  test compares them with the model, so a stale file fails; any lexicon may use them
  for the phrases it shares with the bundled one;
* the **corpus's own words** for any other phrase (a user's lexicon, a learned one):
  each word is read as the corpus reads it — the lemma (``NORM``) its written form
  most often has in the stored parses — or as written when the corpus never has it,
  in which case it cannot match on its form anyway. Hyphenated words are kept whole
  when the corpus holds them as one word, cut at the hyphens otherwise, as the model
  does with words it does not know.

Nothing is written to the corpus.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vmatrix.coding.codebook import stale_compiled, write_compiled
from vmatrix.coding.lexicon import (
    READING_VERSION,
    Lexicon,
    Reading,
    load_lexicon,
    model_id,
    model_readings,
    stale_tables,
    write_tables,
)
from vmatrix.coding.match import StoredParse, read_docbin
from vmatrix.resources import lexicons_dir
from vmatrix.textnorm import fold

if TYPE_CHECKING:
    from vmatrix.corpus.store import Corpus

FILE_NAME = "readings.json"
LANGUAGE = "fr"
# Elided words the French tokeniser cuts off the word they lean on ("l'accès").
_ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
_ELIDED = re.compile(rf"^((?:{'|'.join(_ELISIONS)})')(.+)$")
_EDGE_PUNCTUATION = '()[]{}"«»,.;:!?…'


def bundled_path() -> Path:
    return lexicons_dir() / LANGUAGE / FILE_NAME


@functools.cache
def bundled_readings() -> dict[str, Reading]:
    """The model's readings of the bundled lexicons' phrases; empty if the file is missing
    or was written for another model or reading version."""
    path = bundled_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("model") != model_id() or data.get("version") != READING_VERSION:
        return {}
    return {phrase: Reading.from_json(reading) for phrase, reading in data.get("readings", {}).items()}


def read_phrases(lexicon: Lexicon, corpus: Corpus | list[StoredParse] | None = None) -> int:
    """Give ``lexicon`` a reading of every term and exclusion, without the model.

    ``corpus`` is the corpus, or the stored parses already read, whose words read the
    phrases the bundled readings do not hold. Returns how many phrases were read so.
    """
    known = bundled_readings()
    phrases = lexicon.phrases()
    missing = [p for p in phrases if p not in known]
    found = corpus_readings(corpus, missing) if missing else {}
    lexicon.readings = {p: known[p] if p in known else found[p] for p in phrases}
    return len(missing)


# -- reading with the corpus's words ---------------------------------------------------


def chunks(phrase: str) -> list[str]:
    """The folded words of a phrase, elisions and edge punctuation cut off, hyphenated
    words still whole."""
    found: list[str] = []
    for raw in fold(phrase).split():
        lead = []
        while raw and raw[0] in _EDGE_PUNCTUATION:
            lead.append(raw[0])
            raw = raw[1:]
        trail = []
        while raw and raw[-1] in _EDGE_PUNCTUATION:
            trail.insert(0, raw[-1])
            raw = raw[:-1]
        found.extend(lead)
        while raw:
            elided = _ELIDED.match(raw)
            if elided is None:
                found.append(raw)
                break
            found.append(elided.group(1))
            raw = elided.group(2)
        found.extend(trail)
    return found


def _hyphen_parts(word: str) -> list[str]:
    """``word`` cut at its hyphens, the hyphens kept as words ("libre - service")."""
    parts = [p for p in re.split(r"(-)", word) if p]
    return parts if len(parts) > 1 and word.strip("-") else [word]


def corpus_readings(corpus: Corpus | list[StoredParse] | None, phrases: Iterable[str]) -> dict[str, Reading]:
    """Each phrase read through the corpus's stored (word → lemma) pairs (see the module doc)."""
    phrases = list(phrases)
    words: set[str] = set()
    for phrase in phrases:
        for chunk in chunks(phrase):
            words.add(chunk)
            words.update(_hyphen_parts(chunk))
    seen = word_readings(corpus, words) if corpus is not None else {}
    found = {}
    for phrase in phrases:
        tokens: list[str] = []
        for chunk in chunks(phrase):
            tokens.extend([chunk] if chunk in seen else _hyphen_parts(chunk))
        norms, pos = [], []
        for token in tokens:
            norm, tag = seen.get(token, (token, ""))
            norms.append(norm)
            pos.append(tag)
        found[phrase] = Reading(tuple(tokens), tuple(norms), tuple(pos))
    return found


def word_readings(corpus: Corpus | list[StoredParse], words: set[str]) -> dict[str, tuple[str, str]]:
    """For each folded word the corpus holds, its most frequent lemma (NORM) and part of
    speech in the stored parses."""
    import numpy

    from vmatrix.coding.strings import SYMBOLS, Strings

    strings = Strings()
    folded: dict[str, str] = {}  # string -> its folded form, for the strings met so far
    counts: Counter[tuple[str, int, int]] = Counter()
    for orth, norm, pos, _, _, _, texts in _parses(corpus):
        wanted: dict[int, str] = {}
        for text in texts:
            form = folded.get(text)
            if form is None:
                form = folded[text] = fold(text)
            if form in words:
                wanted[strings.add(text)] = form
        if not wanted:
            continue
        hits = numpy.flatnonzero(numpy.isin(orth, numpy.array(list(wanted), dtype="uint64")))
        for text in texts:
            strings.add(text)
        for o, n, p in zip(orth[hits].tolist(), norm[hits].tolist(), pos[hits].tolist(), strict=True):
            counts[(wanted[o], n, p)] += 1
    best: dict[str, tuple[int, str, str]] = {}
    for (form, n, p), count in counts.items():
        try:
            norm_text = strings[n]
        except KeyError:
            norm_text = form
        candidate = (-count, norm_text, SYMBOLS[p] if p < len(SYMBOLS) else "")
        # the most frequent reading; on a tie, the first lemma in alphabetical order
        if form not in best or candidate < best[form]:
            best[form] = candidate
    return {form: (norm_text, tag) for form, (_, norm_text, tag) in best.items()}


def _parses(corpus: Corpus | list[StoredParse]) -> Iterable[StoredParse]:
    if isinstance(corpus, list):
        yield from corpus
        return
    for doc_id in corpus.document_ids():
        stored = corpus.parse_blob(doc_id)
        if stored is not None:
            yield read_docbin(stored[2])


# -- the bundled readings: written and checked against the model -------------------------


def bundled_phrases() -> list[str]:
    """Every phrase of the bundled lexicons and of the bundled codebook's tools, in a
    stable order."""
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.tools import tool_lexicon

    return sorted({*load_lexicon().phrases(), *tool_lexicon(load_codebook()).lexicon.phrases()})


def compile_readings() -> dict[str, Any]:
    """The bundled readings as the model reads them now (loads the model)."""
    readings = model_readings(bundled_phrases())
    return {
        "model": model_id(),
        "version": READING_VERSION,
        "readings": {phrase: readings[phrase].to_json() for phrase in sorted(readings)},
    }


def dumps(data: dict[str, Any]) -> str:
    """The file's text: one phrase a line, so that a lexicon change shows as a small diff."""
    lines = [
        f"  {json.dumps(phrase, ensure_ascii=False)}: {json.dumps(reading, ensure_ascii=False)}"
        for phrase, reading in data["readings"].items()
    ]
    head = f'{{"model": {json.dumps(data["model"])}, "version": {data["version"]}, "readings": {{\n'
    return head + ",\n".join(lines) + "\n}}\n"


def stale_readings(current: dict[str, Any] | None = None) -> list[str]:
    """How the bundled readings file differs from what the model reads now; [] if it does not."""
    current = current if current is not None else compile_readings()
    path = bundled_path()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path} cannot be read ({exc})"]
    problems = []
    for key in ("model", "version"):
        if stored.get(key) != current[key]:
            problems.append(f"{key}: the file says {stored.get(key)!r}, now {current[key]!r}")
    old, new = stored.get("readings", {}), current["readings"]
    problems += [f"missing: {p!r}" for p in new if p not in old]
    problems += [f"no longer in the lexicons: {p!r}" for p in old if p not in new]
    problems += [f"read differently now: {p!r}" for p in new if p in old and old[p] != new[p]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vmatrix.coding.readings",
        description="Write the model's readings of the bundled lexicons and tool aliases "
        "(lexicons/fr/readings.json), the lexicon files' parsed form (lexicons/fr/lexicon.json) and "
        "the codebook's (lexicons/codebook.json); run after every change to lexicons/fr/*.toml or "
        "to lexicons/codebook.toml.",
    )
    parser.add_argument("--check", action="store_true", help="only say whether the file is up to date")
    args = parser.parse_args(argv)
    current = compile_readings()
    if args.check:
        problems = stale_readings(current) + stale_tables()
        if stale_compiled():
            problems.append("lexicons/codebook.json differs from lexicons/codebook.toml")
        for problem in problems[:20]:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{bundled_path()} is stale: run python -m vmatrix.coding.readings", file=sys.stderr)
        return 1 if problems else 0
    bundled_path().write_text(dumps(current), encoding="utf-8")
    bundled_readings.cache_clear()
    print(f"{write_tables()}: the lexicon files parsed")
    print(f"{write_compiled()}: the codebook parsed")
    print(f"{bundled_path()}: {len(current['readings'])} phrases read by {current['model']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
