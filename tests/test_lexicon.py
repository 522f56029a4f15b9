"""Lexicon files: loading, readings and their cache, and `vmatrix lexicon check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.coding.lexicon import check_lexicon, load_lexicon, read_lexicon
from vmatrix.errors import CodebookError

runner = CliRunner()
DATA = Path(__file__).parent / "data"
LEXICONS = DATA / "lexicons"
SMALL = DATA / "codebook-small.toml"


def _check(name: str, tmp_path: Path) -> tuple[int, str, str]:
    result = runner.invoke(
        app,
        [
            *("-C", str(tmp_path / "none.db"), "lexicon", "check"),
            *("--lexicon", str(LEXICONS / name), "--codebook", str(SMALL), "--format", "json"),
        ],
    )
    return result.exit_code, result.stdout, result.stderr


def _messages(stdout: str, level: str = "error") -> list[str]:
    return [p["message"] for p in json.loads(stdout)["problems"] if p["level"] == level]


def test_reading_a_lexicon() -> None:
    lexicon, problems = read_lexicon(DATA / "lexicon", load_codebook(DATA / "codebook.toml"))
    assert problems == []
    assert set(lexicon.values) == {
        "localisation",
        "fonctionnelle",
        "socialisation",
        "securite",
        "personnalisation",
    }
    localisation = lexicon.values["localisation"]
    assert localisation.terms["à distance"] == 2.0
    assert localisation.excludes == ["distance de sécurité"]
    assert localisation.patterns[0].name == "n'importe où / quand"
    assert lexicon.label.startswith("lexicon@") and len(lexicon.digest) == 64


def test_value_names_resolve_against_the_codebook(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('value = "Sécurité"\n[terms]\n"sauvegarde" = 2\n', encoding="utf-8")
    lexicon, problems = read_lexicon(tmp_path, load_codebook(DATA / "codebook.toml"))
    assert list(lexicon.values) == ["securite"]
    assert [p.level for p in problems] == ["warning"]


def test_a_lexicon_with_errors_is_refused() -> None:
    with pytest.raises(CodebookError, match="lexicon check") as caught:
        load_lexicon(LEXICONS / "duplicate-key", load_codebook(SMALL))
    assert any("duplicate key" in line for line in caught.value.details)


def test_lexicons_dir_stands_for_its_french_folder(tmp_path: Path) -> None:
    french = tmp_path / "fr"
    french.mkdir()
    (french / "localisation.toml").write_text('value = "localisation"\n[terms]\n"partout" = 1\n')
    (tmp_path / "codebook.toml").write_text("")
    lexicon, _ = read_lexicon(tmp_path)
    assert lexicon.folder == french


@pytest.mark.slow
def test_check_passes_a_sound_lexicon(tmp_path: Path) -> None:
    code, stdout, stderr = _check("ok", tmp_path)
    assert code == 0, stderr
    assert json.loads(stdout)["errors"] == 0
    assert "2 value forms, 4 terms, 0 patterns: 0 error(s)" in stderr
    assert not (tmp_path / "none.db").exists()  # no corpus is created


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown-value", "value 'bonheur' is not a value form of the codebook"),
        ("shared-term", "term 'télétravail' is also a term of 'localisation'"),
        ("bad-pattern", "pattern 'unknown attribute' does not compile"),
        ("bad-pattern", "pattern 'bad operator' does not compile"),
        ("empty", "value form 'socialisation' has no terms and no patterns"),
        ("duplicate-key", 'duplicate key "télétravail"'),
    ],
)
def test_check_catches_each_error(tmp_path: Path, name: str, expected: str) -> None:
    code, stdout, stderr = _check(name, tmp_path)
    assert code == 1
    assert any(expected in message for message in _messages(stdout)), _messages(stdout)
    assert "error(s)" in stderr


@pytest.mark.slow
def test_check_reports_value_forms_without_a_lexicon(tmp_path: Path) -> None:
    report = check_lexicon(LEXICONS / "ok", load_codebook(DATA / "codebook.toml"))
    missing = [p.message for p in report.errors]
    assert len(missing) == 9 and all("has no lexicon" in m for m in missing)


@pytest.mark.slow
def test_check_warns_of_terms_the_model_misreads(tmp_path: Path) -> None:
    code, stdout, _ = _check("misread", tmp_path)
    assert code == 0
    (warning,) = _messages(stdout, "warning")
    assert "term 'confinement': the model reads 'confinemer'" in warning
    assert "not a word the model knows" in warning


# The French model reads « elle », « elles » and « eux » as the lemma lui, and « lui » itself
# as luire: a pattern listing those pronouns must list the lemmas the corpus stores.
PRONOUN_LEMMAS = {"elle": "lui", "elles": "lui", "eux": "lui", "lui": "luire"}


def test_bundled_patterns_list_the_lemmas_the_model_gives_pronouns() -> None:
    import tomllib

    folder = Path(__file__).resolve().parent.parent / "lexicons" / "fr"
    missing = []
    for path in sorted(folder.glob("*.toml")):
        for pattern in tomllib.loads(path.read_text(encoding="utf-8")).get("patterns", []):
            for token in pattern["pattern"]:
                listed = token.get("NORM", {}).get("IN", []) if isinstance(token.get("NORM"), dict) else []
                for word, lemma in PRONOUN_LEMMAS.items():
                    if word in listed and lemma not in listed:
                        missing.append(f"{path.name}: {pattern['name']!r} lists {word!r} without {lemma!r}")
    assert missing == []
