"""Lexicon readings without the model: bundled, checked against the model; others read
through the corpus's own words; suggest never imports spaCy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vmatrix.coding import readings
from vmatrix.coding.codebook import load_codebook
from vmatrix.coding.lexicon import load_lexicon, read_phrases
from vmatrix.coding.readings import bundled_readings, chunks, corpus_readings
from vmatrix.coding.suggest import suggest
from vmatrix.corpus.store import Corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def test_bundled_readings_hold_every_phrase_of_the_bundled_lexicons() -> None:
    held = bundled_readings()
    missing = [p for p in readings.bundled_phrases() if p not in held]
    assert held, "lexicons/fr/readings.json is missing or was written for another model"
    assert not missing, f"run python -m vmatrix.coding.readings (missing: {missing[:5]})"


@pytest.mark.slow
def test_bundled_readings_are_what_the_model_reads() -> None:
    problems = readings.stale_readings()
    assert not problems, "lexicons/fr/readings.json is stale; run python -m vmatrix.coding.readings: " + (
        "; ".join(problems[:5])
    )


def test_compiled_lexicon_is_up_to_date() -> None:
    from vmatrix.coding.lexicon import stale_tables

    problems = stale_tables()
    assert not problems, "lexicons/fr/lexicon.json is stale; run python -m vmatrix.coding.readings: " + (
        "; ".join(problems[:5])
    )


def test_compiled_lexicon_gives_the_lexicon_its_files_give(tmp_path: Path) -> None:
    from vmatrix.coding.lexicon import COMPILED_NAME, default_folder, read_lexicon, write_tables

    bundled, problems = read_lexicon()
    folder = tmp_path / "fr"
    shutil.copytree(default_folder(), folder)
    (folder / COMPILED_NAME).unlink()
    parsed, parsed_problems = read_lexicon(folder)
    assert parsed.values.keys() == bundled.values.keys() and parsed.digest == bundled.digest
    for value, lex in bundled.values.items():
        other = parsed.values[value]
        assert (other.terms, other.patterns, other.excludes, other.lines) == (
            lex.terms,
            lex.patterns,
            lex.excludes,
            lex.lines,
        )
    assert [str(p) for p in parsed_problems] == [str(p) for p in problems]
    write_tables(folder)
    # a file changed after the compiled form was written is parsed again, not taken from it
    path = folder / "securite.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[terms2]\n"x" = 1\n', encoding="utf-8")
    _, changed_problems = read_lexicon(folder)
    assert any("terms2" in str(p) for p in changed_problems)


def test_bundled_lexicons_are_read_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vmatrix.transcripts.parse.load_model", lambda: pytest.fail("model loaded"))
    lexicon = load_lexicon()
    assert read_phrases(lexicon) == 0
    assert lexicon.reading("gagner du temps").norms == ("gagner", "de", "temps")


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("à l'initiative de", ["a", "l'", "initiative", "de"]),
        ("S’informer", ["s'", "informer"]),
        ("jusqu'au bout", ["jusqu'", "au", "bout"]),
        ("(rires)", ["(", "rires", ")"]),
        ("aujourd'hui", ["aujourd'hui"]),
        ("libre-service", ["libre-service"]),
    ],
)
def test_phrases_are_cut_as_the_french_tokeniser_cuts_them(phrase: str, words: list[str]) -> None:
    assert chunks(phrase) == words


@pytest.mark.slow
def test_phrases_are_read_through_the_corpus_words(suggest_corpus: Path) -> None:
    with Corpus(suggest_corpus) as corpus:
        found = corpus_readings(corpus, ["gagne du temps", "communautés", "réseaux sociaux", "libre-service"])
    assert found["gagne du temps"].norms[0] == "gagner"  # "on gagne du temps" in the corpus
    assert found["réseaux sociaux"].norms == ("reseau", "social")
    # never in the corpus: as written, cut at the hyphen as the model cuts unknown words
    assert found["libre-service"].words == ("libre", "-", "service")
    assert found["communautés"].words == ("communautes",)


@pytest.mark.slow
def test_a_lexicon_read_only_through_the_corpus_finds_the_known_sentences(
    suggest_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_suggest import EXPECTED, _by_text, _lookup

    monkeypatch.setattr(readings, "bundled_readings", dict)
    monkeypatch.setattr("vmatrix.transcripts.parse.load_model", lambda: pytest.fail("model loaded"))
    lexicon = load_lexicon(DATA / "lexicon", load_codebook(DATA / "codebook.toml"))
    with Corpus(suggest_corpus) as corpus:
        report = suggest(corpus, lexicon, store=False)
    assert len(lexicon.readings) == len(lexicon.phrases())
    found = _by_text(report)
    for start, values in EXPECTED.items():
        assert _lookup(found, start) == values, start


@pytest.mark.slow
def test_suggest_never_imports_spacy(suggest_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    shutil.copy(suggest_corpus, db)
    for lexicon in ([], ["--lexicon", str(DATA / "lexicon"), "--codebook", str(DATA / "codebook.toml")]):
        command = [sys.executable, "-X", "importtime", "-m", "vmatrix", "-C", str(db), "suggest", *lexicon]
        done = subprocess.run([*command, "--format", "json"], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        modules = {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }
        assert "vmatrix" in modules and "numpy" in modules  # the check itself works
        assert not modules & {"spacy", "thinc"}, lexicon


def test_compiled_codebook_is_up_to_date() -> None:
    from vmatrix.coding.codebook import stale_compiled

    assert not stale_compiled(), "lexicons/codebook.json is stale; run python -m vmatrix.coding.readings"


def test_compiled_codebook_gives_the_codebook_its_toml_gives(tmp_path: Path) -> None:
    from vmatrix.coding import codebook as cb

    path = cb.default_path()
    kept = cb.load_codebook(path)
    parsed = cb._build(cb._parse(path.read_bytes(), path), path)
    assert kept.values == parsed.values and kept._index == parsed._index
    assert kept.facets.keys() == parsed.facets.keys()
    for facet_id, facet in parsed.facets.items():
        assert (kept.facets[facet_id].codes, kept.facets[facet_id]._index) == (facet.codes, facet._index)
    # Another content is parsed, never taken from the bundled codebook's kept form.
    changed = tmp_path / "codebook.toml"
    changed.write_text(
        path.read_text(encoding="utf-8").replace('label = "Localisation"', 'label = "Lieu et moment"', 1),
        encoding="utf-8",
    )
    assert cb.load_codebook(changed).resolve_value("Lieu et moment").code.id == "localisation"


def test_model_id_read_next_to_the_package_is_its_distributions() -> None:
    """suggest names the model from its package's meta.json, without importlib.metadata:
    the same name and version the bundled readings were written for."""
    from vmatrix.coding.lexicon import _distribution_model_id, model_id

    assert model_id() == _distribution_model_id()
    assert model_id().startswith("fr_core_news_sm-3.")
