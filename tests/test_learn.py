"""Terms learned from the manual codes, and cross-validation by interview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.lexicon import Lexicon, ValueLexicon, overlay, read_lexicon
from vmatrix.corpus.store import Corpus

runner = CliRunner()

LEXICON = {
    "localisation": '"à distance" = 2.0\n"partout" = 1.0\n',
    "securite": '"sauvegarde" = 2.0\n',
    "fonctionnelle": '"facture" = 1.0\n',
}


@pytest.fixture(scope="module")
def small_lexicon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lexicon")
    for value, terms in LEXICON.items():
        (folder / f"{value}.toml").write_text(f'value = "{value}"\n[terms]\n{terms}', encoding="utf-8")
    return folder


@pytest.mark.slow
def test_the_over_represented_word_is_learned(learn_corpus: Path) -> None:
    from vmatrix.coding.learn import learn_terms

    with Corpus(learn_corpus) as corpus:
        learned = learn_terms(corpus, min_z=1.0)
    top = learned.terms["localisation"][0]
    assert (top.term, top.coded, top.elsewhere, top.documents) == ("tablette", 6, 0, 3)
    assert top.z >= 1.0 and top.weight == 1.0
    assert len(top.examples) == 2 and {e.document for e in top.examples} == {"e1", "e2"}
    assert "tablette" in top.examples[0].text
    everything = [t.term for t in learned.all_terms()]
    assert everything.count("tablette") == 1  # under its best value form only
    assert "chantier" not in everything and "atelier" not in everything  # one interview each
    assert not {"le", "la", "de", "il", "euh"} & set(everything)


@pytest.mark.slow
def test_terms_of_the_lexicon_are_not_learned_again(learn_corpus: Path, small_lexicon: Path) -> None:
    from vmatrix.coding.learn import learn_terms
    from vmatrix.coding.lexicon import load_lexicon, read_phrases

    lexicon = load_lexicon(small_lexicon)
    (small_lexicon / "localisation.toml").write_text(
        'value = "localisation"\n[terms]\n"tablette" = 1.0\n', encoding="utf-8"
    )
    with_tablet = load_lexicon(small_lexicon)
    (small_lexicon / "localisation.toml").write_text(
        f'value = "localisation"\n[terms]\n{LEXICON["localisation"]}', encoding="utf-8"
    )
    with Corpus(learn_corpus) as corpus:
        read_phrases(lexicon, corpus)
        read_phrases(with_tablet, corpus)
        assert "tablette" in [t.term for t in learn_terms(corpus, lexicon=lexicon, min_z=1.0).all_terms()]
        learned = learn_terms(corpus, lexicon=with_tablet, min_z=1.0)
    assert "tablette" not in [t.term for t in learned.all_terms()]


@pytest.mark.slow
def test_cross_validation_never_scores_an_interview_with_terms_learned_from_it(
    learn_corpus: Path, small_lexicon: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vmatrix.coding import crossval, learn
    from vmatrix.coding.lexicon import load_lexicon, read_phrases

    read: list[set[str]] = []
    segments = learn.read_tokens

    def spy_learn(corpus: Corpus, **options: object) -> learn.Learned:
        read.append(set())
        return learn.learn_terms(corpus, **options)  # type: ignore[arg-type]

    def spy_segments(corpus: Corpus, doc_id: str) -> object:
        read[-1].add(doc_id)
        return segments(corpus, doc_id)

    monkeypatch.setattr(crossval, "learn_terms", spy_learn)
    monkeypatch.setattr(learn, "read_tokens", spy_segments)
    lexicon = load_lexicon(small_lexicon)
    with Corpus(learn_corpus) as corpus:
        read_phrases(lexicon, corpus)
        before = corpus.suggestions()
        result = crossval.cross_validate(
            corpus, lexicon, 3, unit="verbatim", learn_options={"min_z": 0.5, "min_count": 2}
        )
        assert corpus.suggestions() == before  # nothing stored
    assert sorted(d for f in result.folds for d in f.held_out) == ["e1", "e2", "e3"]
    assert len(read) == 3
    for fold, documents in zip(result.folds, read, strict=True):
        assert documents and not documents & set(fold.held_out)
        assert set(fold.learned_from) == documents
    # "tablette", learned from two interviews, finds the third's localisation answers
    alone = {c.value: c for c in result.lexicon.values}["localisation"]
    learned = {c.value: c for c in result.learned.values}["localisation"]
    assert learned.recall > alone.recall


def test_cross_validation_needs_two_folds_at_least() -> None:
    from vmatrix.coding.crossval import folds
    from vmatrix.errors import UsageError

    assert folds(["d3", "d1", "d2", "d4", "d5"], 2) == [["d1", "d3", "d5"], ["d2", "d4"]]
    with pytest.raises(UsageError, match="between 2 and 3 folds"):
        folds(["d1", "d2", "d3"], 4)


def test_overlay_moves_a_term_to_the_value_form_of_the_extra_lexicon(tmp_path: Path) -> None:
    base = Lexicon(
        tmp_path,
        {
            "a": ValueLexicon("a", tmp_path / "a.toml", terms={"Réseau": 1.0, "site": 2.0}),
            "b": ValueLexicon("b", tmp_path / "b.toml", terms={"visio": 1.0}),
        },
        "0" * 64,
    )
    extra = Lexicon(
        tmp_path / "mine",
        {
            "b": ValueLexicon("b", tmp_path / "b.toml", terms={"reseau": 0.5}),
            "c": ValueLexicon("c", tmp_path / "c.toml", terms={"mail": 1.0}),
        },
        "1" * 64,
    )
    both = overlay(base, extra)
    assert both.values["a"].terms == {"site": 2.0}
    assert both.values["b"].terms == {"visio": 1.0, "reseau": 0.5}
    assert both.values["c"].terms == {"mail": 1.0}
    assert base.values["a"].terms == {"Réseau": 1.0, "site": 2.0}  # the base is left as it was
    assert both.label.startswith(f"{tmp_path.name}+mine@") and both.digest != base.digest


@pytest.mark.slow
def test_cli_learn_writes_a_lexicon_that_suggest_loads(
    learn_corpus: Path, small_lexicon: Path, tmp_path: Path, data: Path
) -> None:
    corpus = tmp_path / "corpus.db"
    corpus.write_bytes(learn_corpus.read_bytes())
    folder = tmp_path / "learned"
    common = ["-C", str(corpus)]
    result = runner.invoke(
        app,
        [
            *common,
            "lexicon",
            "learn",
            "--lexicon",
            str(small_lexicon),
            "--min-z",
            "1.0",
            "--write",
            str(folder),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    terms = json.loads(result.stdout)
    assert {"value": "localisation", "term": "tablette"}.items() <= terms[0].items()
    assert "Wrote" in result.stderr and (folder / "localisation.toml").is_file()
    lexicon, problems = read_lexicon(folder)
    assert not [p for p in problems if p.level == "error"]
    assert lexicon.values["localisation"].terms["tablette"] == 1.0
    assert "# z " in (folder / "localisation.toml").read_text(encoding="utf-8")

    result = runner.invoke(
        app,
        [*common, "suggest", "--lexicon", str(small_lexicon), "--lexicons", str(folder), "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    found = {e["term"] for s in json.loads(result.stdout) for v in s["suggestions"] for e in v["evidence"]}
    assert "tablette" in found and "+learned@" in result.stderr

    result = runner.invoke(
        app,
        [*common, "evaluate", "--cross-validate", "3", "--lexicon", str(small_lexicon), "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["k"] == 3 and len(payload["folds"]) == 3
    result = runner.invoke(app, [*common, "evaluate", "--cross-validate", "5"])
    assert result.exit_code == 1 and "between 2 and 3 folds" in result.stderr
    result = runner.invoke(
        app, [*common, "lexicon", "learn", "--min-z", "50", "--write", str(tmp_path / "none")]
    )
    assert result.exit_code == 1 and "Nothing written" in result.stderr
