"""Lexicons: the words that signal each value form, and what the model reads in them.

A lexicon is a folder of TOML files, one per value form (``lexicons/fr/<value>.toml``)::

    value = "localisation"
    description = "..."
    exclude = ["distance de sécurité"]    # phrases in which a match of this value does not count
    [terms]
    "à distance" = 2.0                    # written as lemmas; weight 1 normal, 2-3 strong, 0.5 weak
    [[patterns]]                          # spaCy Matcher token patterns over NORM (folded lemmas)
    name = "n'importe où"
    weight = 2.0
    pattern = [{ NORM = "ne" }, { NORM = "importer" }, { NORM = { IN = ["ou", "quand"] } }]

Terms and exclusions are *read* as the model reads them — the same pipeline and lemma
repairs as the corpus (:mod:`vmatrix.transcripts.parse`) — because a term written as a
lemma is not always what the model makes of it ("gagner du temps" reads "gagner de
temps"). ``suggest`` never loads the model for that: the readings of the bundled
lexicons ship precompiled, and other phrases are read through the corpus's own words
(:mod:`vmatrix.coding.readings`). ``lexicon check`` reads every phrase with the model.

Reading a lexicon collects every problem instead of stopping at the first, so that
``vmatrix lexicon check`` can list them all; :func:`load_lexicon` refuses a lexicon
with errors.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vmatrix.errors import CodebookError, UsageError
from vmatrix.resources import lexicons_dir
from vmatrix.textnorm import fold, fold_each
from vmatrix.transcripts import parse

if TYPE_CHECKING:
    from vmatrix.coding.codebook import Codebook
    from vmatrix.corpus.store import Corpus

LANGUAGE = "fr"
# Bump when what a reading holds, or how it is computed, changes: the bundled readings
# of another version are not used.
READING_VERSION = 1
# Token attributes a pattern may test; restored Docs hold these (LOWER is the folded surface).
PATTERN_ATTRS = ("NORM", "LOWER", "ORTH", "TEXT", "LEMMA", "POS")
# Attributes whose values are compared folded (lower case, no accents).
FOLDED_ATTRS = ("NORM", "LOWER")
_PATTERN_OPS = ("?", "*", "+", "!", "1")
_PREDICATES = ("IN", "NOT_IN")
_TOP_KEYS = {"value", "description", "exclude", "terms", "patterns"}


@dataclass(frozen=True)
class Reading:
    """What the model reads in a phrase: one entry per token."""

    words: tuple[str, ...]  # folded surface forms
    norms: tuple[str, ...]  # folded, repaired lemmas (the corpus's NORM)
    pos: tuple[str, ...]

    def to_json(self) -> list[list[str]]:
        return [list(self.words), list(self.norms), list(self.pos)]

    @classmethod
    def from_json(cls, data: list[list[str]]) -> Reading:
        words, norms, pos = data
        return cls(tuple(words), tuple(norms), tuple(pos))


@dataclass
class Pattern:
    name: str
    weight: float
    tokens: list[dict[str, Any]]
    line: int | None = None


@dataclass
class ValueLexicon:
    """The lexicon of one value form, as written in its file."""

    value: str
    path: Path
    description: str = ""
    terms: dict[str, float] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # term -> line in the file

    @property
    def empty(self) -> bool:
        return not self.terms and not self.patterns


@dataclass
class Problem:
    level: str  # error | warning
    path: Path | None
    message: str
    line: int | None = None

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path.name}, line {self.line}" if self.line else self.path.name

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Lexicon:
    folder: Path
    values: dict[str, ValueLexicon]
    digest: str  # sha256 of the files' content: identifies the lexicon in stored suggestions
    readings: dict[str, Reading] = field(default_factory=dict)
    label_name: str = ""  # the name in :attr:`label` when not the folder's (an overlay)

    @property
    def label(self) -> str:
        return f"{self.label_name or self.folder.name}@{self.digest[:12]}"

    def phrases(self) -> list[str]:
        """Every term and exclusion, the texts the model must read."""
        found: dict[str, None] = {}
        for lex in self.values.values():
            found.update(dict.fromkeys(lex.terms))
            found.update(dict.fromkeys(lex.excludes))
        return list(found)

    def reading(self, phrase: str) -> Reading:
        try:
            return self.readings[phrase]
        except KeyError:
            raise RuntimeError(f"{phrase!r} was not read: call read_phrases() first") from None


# -- finding and reading the files ------------------------------------------------


def default_folder() -> Path:
    return lexicons_dir() / LANGUAGE


def resolve_folder(folder: Path | None) -> Path:
    """The folder holding the value-form files; ``lexicons/`` stands for ``lexicons/fr/``."""
    if folder is None:
        return default_folder()
    if not folder.is_dir():
        raise CodebookError(f"{folder}: no such lexicon folder (give the folder of <value>.toml files)")
    if not _value_files(folder) and (folder / LANGUAGE).is_dir():
        return folder / LANGUAGE
    return folder


def _value_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.name != "codebook.toml")


def read_lexicon(
    folder: Path | None = None, codebook: Codebook | None = None
) -> tuple[Lexicon, list[Problem]]:
    """The lexicon in ``folder`` and every problem found in its files (nothing is raised).

    With a codebook, each file's ``value`` is resolved against it (``Sécurité`` means
    ``securite``) and values it does not define are errors.
    """
    folder = resolve_folder(folder)
    files = _value_files(folder)
    problems: list[Problem] = []
    if not files:
        problems.append(Problem("error", None, f"{folder}: holds no lexicon files (<value>.toml)"))
    digest = hashlib.sha256()
    values: dict[str, ValueLexicon] = {}
    compiled = _compiled(folder)
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        held = compiled.get(path.name)
        tables = (
            held["tables"]
            if isinstance(held, dict) and held.get("sha256") == hashlib.sha256(raw).hexdigest()
            else None
        )
        lex = _read_file(path, raw, problems, tables)
        if lex is None:
            continue
        if codebook is not None:
            found = codebook.resolve_value(lex.value)
            if found is None:
                hint = codebook.value_suggestions(lex.value)
                problems.append(
                    Problem(
                        "error",
                        path,
                        f"value {lex.value!r} is not a value form of the codebook"
                        + (f"; did you mean {' or '.join(hint)}?" if hint else "")
                        + f" (value forms: {', '.join(codebook.value_ids)})",
                    )
                )
                continue
            if found.code.id != lex.value:
                problems.append(
                    Problem(
                        "warning", path, f"value {lex.value!r} is read as {found.code.id!r}; write the id"
                    )
                )
                lex.value = found.code.id
        if lex.value in values:
            problems.append(
                Problem(
                    "error",
                    path,
                    f"value {lex.value!r} is also the value of {values[lex.value].path.name}; "
                    "keep one file per value form",
                )
            )
            continue
        values[lex.value] = lex
    return Lexicon(folder, values, digest.hexdigest()), problems


def load_lexicon(folder: Path | None = None, codebook: Codebook | None = None) -> Lexicon:
    """The lexicon in ``folder`` (default: the bundled French one), or :class:`CodebookError`."""
    lexicon, problems = read_lexicon(folder, codebook)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise CodebookError(
            f"the lexicon in {lexicon.folder} has {len(errors)} error(s); "
            "run `vmatrix lexicon check` for the full list",
            details=[str(p) for p in errors[:10]],
        )
    return lexicon


def _read_file(
    path: Path, raw: bytes, problems: list[Problem], tables: dict[str, Any] | None = None
) -> ValueLexicon | None:
    """One value form's file; ``tables`` is its TOML already parsed (the compiled form)."""
    try:
        text = raw.decode("utf-8-sig")
        data = tables if tables is not None else tomllib.loads(text)
    except UnicodeDecodeError:
        problems.append(Problem("error", path, "is not UTF-8 text; save it as UTF-8"))
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(_toml_problem(path, text, exc))
        return None
    value = data.get("value")
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("error", path, 'has no value = "<value form id>" line'))
        return None
    lex = ValueLexicon(value.strip(), path, description=str(data.get("description", "")))
    for key in sorted(set(data) - _TOP_KEYS):
        problems.append(Problem("warning", path, f"unknown key {key!r} is ignored"))
    lines = _term_lines(text)
    terms = data.get("terms", {})
    if not isinstance(terms, dict):
        problems.append(Problem("error", path, "[terms] must be a table of term = weight"))
        terms = {}
    seen: dict[str, str] = {}
    for term, weight in terms.items():
        line = lines.get(term)
        if not fold(term).strip():
            problems.append(Problem("error", path, "a term is empty", line))
            continue
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            problems.append(
                Problem("error", path, f"term {term!r}: weight {weight!r} is not a number > 0", line)
            )
            continue
        key = _phrase_key(term)
        if key in seen:
            problems.append(
                Problem("error", path, f"term {term!r} is listed twice (also as {seen[key]!r})", line)
            )
            continue
        seen[key] = term
        lex.terms[term] = float(weight)
        lex.lines[term] = line or 0
    excludes = data.get("exclude", [])
    if not isinstance(excludes, list) or not all(isinstance(e, str) for e in excludes):
        problems.append(Problem("error", path, "exclude must be a list of phrases"))
        excludes = []
    lex.excludes = [e for e in excludes if fold(e).strip()]
    patterns = data.get("patterns", [])
    if not isinstance(patterns, list):
        problems.append(Problem("error", path, "patterns must be written as [[patterns]] tables"))
        patterns = []
    pattern_lines = [i + 1 for i, row in enumerate(text.splitlines()) if row.strip() == "[[patterns]]"]
    for number, entry in enumerate(patterns):
        line = pattern_lines[number] if number < len(pattern_lines) else None
        pattern = _pattern(entry, number, path, line, problems)
        if pattern is not None:
            lex.patterns.append(pattern)
    if lex.empty:
        problems.append(Problem("error", path, f"value form {lex.value!r} has no terms and no patterns"))
    return lex


# -- the compiled form: the bundled files' TOML, parsed ahead --------------------------

# Beside the value-form files, their TOML already parsed (JSON reads several times faster),
# each with the sha256 of the file it was parsed from: a file that differs is parsed again,
# so a stale compiled form costs time, never a wrong lexicon. Written with the readings
# (``python -m vmatrix.coding.readings``).
COMPILED_NAME = "lexicon.json"


def _compiled(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / COMPILED_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def compile_tables(folder: Path | None = None) -> dict[str, Any]:
    """The compiled form of the lexicon files in ``folder`` (default: the bundled ones)."""
    folder = resolve_folder(folder)
    files = {}
    for path in _value_files(folder):
        raw = path.read_bytes()
        files[path.name] = {
            "sha256": hashlib.sha256(raw).hexdigest(),
            "tables": tomllib.loads(raw.decode("utf-8-sig")),
        }
    return {"files": files}


def stale_tables(folder: Path | None = None) -> list[str]:
    """How the compiled form in ``folder`` differs from its files; [] if it does not."""
    folder = resolve_folder(folder)
    current = compile_tables(folder)["files"]
    held = _compiled(folder)
    problems = [f"{COMPILED_NAME} lacks {name}" for name in current if name not in held]
    problems += [
        f"{COMPILED_NAME} holds {name}, no longer a lexicon file" for name in held if name not in current
    ]
    problems += [
        f"{name} changed since {COMPILED_NAME} was written"
        for name in current
        if name in held and held[name] != current[name]
    ]
    return problems


def write_tables(folder: Path | None = None) -> Path:
    """Write the compiled form of the lexicon files in ``folder``; returns its path."""
    folder = resolve_folder(folder)
    path = folder / COMPILED_NAME
    text = json.dumps(compile_tables(folder), ensure_ascii=False, indent=1, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _pattern(
    entry: Any, number: int, path: Path, line: int | None, problems: list[Problem]
) -> Pattern | None:
    if not isinstance(entry, dict):
        problems.append(Problem("error", path, f"pattern {number + 1} is not a table", line))
        return None
    name = entry.get("name") or f"pattern {number + 1}"
    weight = entry.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        problems.append(
            Problem("error", path, f"pattern {name!r}: weight {weight!r} is not a number > 0", line)
        )
        return None
    tokens = entry.get("pattern")
    message = pattern_error(tokens)
    if message:
        problems.append(Problem("error", path, f"pattern {name!r} does not compile: {message}", line))
        return None
    for token in tokens:  # type: ignore[union-attr]
        for attr in FOLDED_ATTRS:
            if attr in token:
                folded = _fold_spec(token[attr])
                if folded != token[attr]:
                    problems.append(
                        Problem(
                            "warning",
                            path,
                            f"pattern {name!r}: {attr} values are compared folded "
                            f"(lower case, no accents): {token[attr]!r} is read as {folded!r}",
                            line,
                        )
                    )
                    token[attr] = folded
    return Pattern(str(name), float(weight), list(tokens), line)  # type: ignore[arg-type]


def pattern_error(tokens: Any) -> str | None:
    """Why a token pattern cannot be used, or None. spaCy compiles it afterwards."""
    if not isinstance(tokens, list) or not tokens:
        return "pattern must be a non-empty list of token tables"
    for i, token in enumerate(tokens, 1):
        if not isinstance(token, dict) or not token:
            return f'token {i} must be a non-empty table such as {{ NORM = "partager" }}'
        for key, spec in token.items():
            if key == "OP":
                if spec not in _PATTERN_OPS:
                    return f"token {i}: OP {spec!r} is not one of {', '.join(_PATTERN_OPS)}"
                continue
            if key not in PATTERN_ATTRS:
                return f"token {i}: {key!r} is not one of {', '.join(PATTERN_ATTRS)}"
            if isinstance(spec, str):
                continue
            if (
                isinstance(spec, dict)
                and len(spec) == 1
                and next(iter(spec)) in _PREDICATES
                and isinstance(next(iter(spec.values())), list)
                and all(isinstance(v, str) for v in next(iter(spec.values())))
            ):
                continue
            return f'token {i}: {key} must be a string or {{ IN = ["...", ...] }}'
    if all(token.get("OP") in ("?", "*", "!") for token in tokens):
        return "every token is optional: the pattern would match nothing"
    return None


def _fold_spec(spec: Any) -> Any:
    if isinstance(spec, str):
        return fold(spec)
    return {op: fold_each(values) for op, values in spec.items()}


def _phrase_key(phrase: str) -> str:
    return " ".join(fold(phrase).split())


_TERM_LINE = re.compile(r"""^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


def _term_lines(text: str) -> dict[str, int]:
    """Line of each key of the [terms] table, for messages."""
    lines: dict[str, int] = {}
    inside = False
    for number, row in enumerate(text.splitlines(), 1):
        stripped = row.strip()
        if stripped.startswith("["):
            inside = stripped == "[terms]"
            continue
        if inside:
            found = _TERM_LINE.match(row)
            if found:
                key = found.group(1)
                if key is not None:
                    with contextlib.suppress(json.JSONDecodeError):
                        key = json.loads(f'"{key}"')
                else:
                    key = found.group(2) or found.group(3)
                lines.setdefault(key, number)
    return lines


def _toml_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    found = re.search(r"line (\d+)", message)
    line = int(found.group(1)) if found else None
    if "overwrite" in message and line:
        row = text.splitlines()[line - 1].strip()
        key = row.split("=", 1)[0].strip()
        return Problem("error", path, f"duplicate key {key}: each term is written once per file", line)
    return Problem("error", path, f"is not valid TOML ({message})", line)


# -- what the model reads -----------------------------------------------------------


def model_id() -> str:
    """The model and version the corpus is parsed with, found without loading it: the
    version its package's meta.json gives (the one spaCy packaged it with), read next to
    the package without importing it; its distribution's otherwise (importlib.metadata
    costs a few hundredths of a second to import, a twentieth of what suggest takes)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(parse.MODEL)
        if spec is not None and spec.origin:
            meta = json.loads((Path(spec.origin).parent / "meta.json").read_text(encoding="utf-8"))
            if isinstance(meta.get("version"), str):
                return f"{parse.MODEL}-{meta['version']}"
    except (ImportError, OSError, ValueError, AttributeError):
        pass
    return _distribution_model_id()


def _distribution_model_id() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{parse.MODEL}-{version(parse.MODEL)}"
    except PackageNotFoundError:  # pragma: no cover - only when the install is broken
        return parse.MODEL


def read_phrases(lexicon: Lexicon, corpus: Corpus | None = None) -> int:
    """Give ``lexicon`` a reading of every term and exclusion without the model (see
    :func:`vmatrix.coding.readings.read_phrases`); returns how many were read from the
    corpus's words."""
    from vmatrix.coding import readings

    return readings.read_phrases(lexicon, corpus)


def model_readings(phrases: Iterable[str]) -> dict[str, Reading]:
    """Read phrases with the model (loaded here, once per process)."""
    nlp = parse.load_model()
    found: dict[str, Reading] = {}
    for doc, phrase in parse.parse(nlp, ((p, p) for p in phrases)):
        tokens = [t for t in doc if not t.is_space]
        found[phrase] = Reading(
            tuple(fold(t.text) for t in tokens), tuple(t.norm_ for t in tokens), tuple(t.pos_ for t in tokens)
        )
    return found


# -- checking -----------------------------------------------------------------------

# Parts of speech whose lemma may differ from the written word without harm
# ("du" reads "de", "des" reads "un"): a term is matched on both forms anyway.
_FUNCTION_POS = {"DET", "ADP", "PRON", "CCONJ", "SCONJ", "PUNCT", "AUX"}


@dataclass
class CheckReport:
    lexicon: Lexicon
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def check_lexicon(folder: Path | None, codebook: Codebook) -> CheckReport:
    """Every problem of a lexicon: the files as written, and what the model reads in them.

    Errors: unreadable files, duplicate keys, bad weights, value ids the codebook does
    not define, value forms with no entries (or no file), a term listed under two value
    forms (as the model reads it), patterns that do not compile. Warnings: terms the
    model reads differently from how they are written, two terms of one value form
    that read the same, unknown keys.
    """
    lexicon, problems = read_lexicon(folder, codebook)
    for code in codebook.values:
        if code.id not in lexicon.values:
            problems.append(
                Problem(
                    "error",
                    None,
                    f"value form {code.id!r} has no lexicon ({code.id}.toml): it is never suggested",
                )
            )
    problems.extend(_compile_patterns(lexicon))
    lexicon.readings = model_readings(lexicon.phrases())
    problems.extend(_reading_problems(lexicon))
    order = {"error": 0, "warning": 1}
    problems.sort(key=lambda p: (order.get(p.level, 2), str(p.path or ""), p.line or 0))
    return CheckReport(lexicon, problems)


def _compile_patterns(lexicon: Lexicon) -> list[Problem]:
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    problems = []
    matcher = Matcher(Vocab(), validate=True)
    for lex in lexicon.values.values():
        for pattern in lex.patterns:
            try:
                matcher.add(f"{lex.value}:{pattern.name}", [pattern.tokens])
            except (ValueError, KeyError, TypeError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                problems.append(
                    Problem(
                        "error", lex.path, f"pattern {pattern.name!r} does not compile: {first}", pattern.line
                    )
                )
    return problems


def _reading_problems(lexicon: Lexicon) -> list[Problem]:
    problems = []
    known = known_lemmas()
    owners: dict[tuple[str, ...], tuple[str, str]] = {}
    for lex in lexicon.values.values():
        for term in lex.terms:
            reading = lexicon.reading(term)
            line = lex.lines.get(term) or None
            owner = owners.setdefault(reading.norms, (lex.value, term))
            if owner[0] != lex.value:
                problems.append(
                    Problem(
                        "error",
                        lex.path,
                        f"term {term!r} is also a term of {owner[0]!r} ({owner[1]!r}); "
                        "keep it under one value form",
                        line,
                    )
                )
            elif owner[1] != term:
                problems.append(
                    Problem(
                        "warning",
                        lex.path,
                        f"term {term!r} reads the same as {owner[1]!r}: one is enough",
                        line,
                    )
                )
            differs = lemma_mismatch(reading, known)
            if differs:
                problems.append(
                    Problem(
                        "warning",
                        lex.path,
                        f"term {term!r}: the model reads {' '.join(reading.norms)!r} ({differs}); "
                        "both forms are matched: make sure the corpus reads it one of these ways, "
                        "or add a pattern for the forms it misses",
                        line,
                    )
                )
        for phrase in lex.excludes:
            reading = lexicon.reading(phrase)
            differs = lemma_mismatch(reading, known)
            if differs:
                problems.append(
                    Problem(
                        "warning",
                        lex.path,
                        f"exclusion {phrase!r}: the model reads {' '.join(reading.norms)!r} ({differs})",
                    )
                )
    return problems


def lemma_mismatch(reading: Reading, known: set[str] | frozenset[str] = frozenset()) -> str:
    """How the model's lemmas differ from the written words, or "".

    A one-word term is written as a lemma, so any difference counts. In a longer phrase
    words are inflected ("paiement sécurisé"): only lemmas the model does not know as
    French words ("fiche" → "fich") count. Function words never do ("du" reads "de").
    """
    single = len(reading.words) == 1
    differences = []
    for word, norm, pos in zip(reading.words, reading.norms, reading.pos, strict=True):
        if word == norm or pos in _FUNCTION_POS:
            continue
        unknown = norm not in known
        if single or unknown:
            differences.append(f"{word} → {norm}" + (", not a word the model knows" if unknown else ""))
    return "; ".join(differences)


@functools.cache
def known_lemmas() -> frozenset[str]:
    """Every lemma the model's lemmatiser tables know, folded (loads the model)."""
    lemmatizer: Any = parse.load_model().get_pipe("lemmatizer")
    known: set[str] = set()
    index = lemmatizer.lookups.get_table("lemma_index")
    for pos in index:
        known.update(index[pos])
    for name in ("lemma_exc", "lemma_lookup"):
        if not lemmatizer.lookups.has_table(name):
            continue
        table = lemmatizer.lookups.get_table(name)
        for entry in table.values():
            if isinstance(entry, str):
                known.add(entry)
            elif isinstance(entry, dict):
                for lemmas in entry.values():
                    known.update(lemmas)
            else:
                known.update(entry)
    return frozenset(fold(w) for w in known)


# -- lexicons on top of one another ---------------------------------------------------


def overlay(base: Lexicon, extra: Lexicon) -> Lexicon:
    """``extra``'s terms, patterns and exclusions added on top of ``base`` (a user lexicon
    over the bundled one). A term of ``extra`` takes its weight and its value form from
    ``extra``: it leaves any other value form of ``base`` that had it. Readings known to
    either are kept; call :func:`read_phrases` for the others."""
    keys = {_phrase_key(term): lex.value for lex in extra.values.values() for term in lex.terms}
    values: dict[str, ValueLexicon] = {}
    for value, lex in base.values.items():
        kept = {t: w for t, w in lex.terms.items() if keys.get(_phrase_key(t), value) == value}
        values[value] = ValueLexicon(
            value,
            lex.path,
            lex.description,
            kept,
            list(lex.patterns),
            list(lex.excludes),
            {t: line for t, line in lex.lines.items() if t in kept},
        )
    for value, lex in extra.values.items():
        into = values.setdefault(value, ValueLexicon(value, lex.path, lex.description))
        mine = {_phrase_key(t): t for t in into.terms}
        for term, weight in lex.terms.items():
            into.terms.pop(mine.get(_phrase_key(term), term), None)
            into.terms[term] = weight
            into.lines[term] = lex.lines.get(term, 0)
        into.patterns.extend(lex.patterns)
        into.excludes.extend(e for e in lex.excludes if e not in into.excludes)
    digest = hashlib.sha256(f"{base.digest}+{extra.digest}".encode()).hexdigest()
    return Lexicon(
        base.folder,
        values,
        digest,
        readings={**base.readings, **extra.readings},
        label_name=f"{base.folder.name}+{extra.folder.name}",
    )


def write_value_files(folder: Path, files: dict[str, tuple[list[str], str, list[str]]]) -> list[Path]:
    """Write lexicon files a researcher reviews (``lexicon learn``, ``lexicon expand``): for each
    value form, ``(comments, description, entries)`` becomes ``<folder>/<value>.toml`` — the
    comment lines, then ``value``, ``description`` and a ``[terms]`` table of the entry lines.
    Each file is written whole or not at all; other files of the folder are left alone."""
    import json

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; --write names a folder for the <value>.toml files")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for value, (comments, description, entries) in files.items():
        lines = [
            *comments,
            f"value = {json.dumps(value)}",
            f"description = {json.dumps(description, ensure_ascii=False)}",
            "",
            "[terms]",
            *entries,
        ]
        path = folder / f"{value}.toml"
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
