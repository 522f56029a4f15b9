"""Suggestions from known sentences, the JSON shape, the coding sheet, the cache."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding import lexicon as lexicon_module
from vmatrix.coding.codebook import load_codebook
from vmatrix.coding.lexicon import load_lexicon, read_phrases
from vmatrix.coding.match import Entry, Match
from vmatrix.coding.suggest import (
    CONTRAST_REACH,
    DEFAULT_MIN_SCORE,
    NEIGHBOURHOOD,
    Evidence,
    contrast,
    score,
    stated,
    suggest,
)
from vmatrix.corpus.store import Corpus

runner = CliRunner()
DATA = Path(__file__).parent / "data"
OPTIONS = ["--lexicon", str(DATA / "lexicon"), "--codebook", str(DATA / "codebook.toml")]

# Segment text (its start) -> the value forms suggested, best first not required.
EXPECTED = {
    "On travaille à distance": {"localisation"},  # multi-word term
    "Les devis partent plus vite": {"fonctionnelle"},  # "gagne du temps" <- "gagner du temps"
    "Il y a beaucoup d’entraide": {"socialisation"},
    "Les communautés en ligne": {"socialisation"},  # plural
    "La securite des donnees": {"securite"},  # accents missing
    "C’est l’accès à distance": {"localisation"},  # curly apostrophes
    "Réseaux sociaux, on y est": {"socialisation"},  # capitalised at the start of a line
    "Télétravail le vendredi": {"localisation"},
    "On n’a pas de paiement sécurisé": set(),  # negated
    "On ne travaille jamais à distance": set(),  # negated
    "C'est fait sur mesure": {"personnalisation"},
    "On a une mutuelle, la sécurité sociale": set(),  # excluded
    "Le chef suit le chantier de n'importe où": {"localisation"},  # pattern
    "Les clients commandent en dehors des heures": {"localisation"},  # pattern with *
    "On gagne du temps et on travaille": {"fonctionnelle", "localisation"},
    "Depuis, il n'y a plus d'erreurs": {"fonctionnelle"},  # a problem removed: not a negation
    "Sauvegardes : on en fait": {"securite"},  # tagged PROPN, lemma "Sauvegardes" repaired
    "Bonjour, il fait beau": set(),
}


@pytest.fixture(scope="module")
def lexicon() -> object:
    return load_lexicon(DATA / "lexicon", load_codebook(DATA / "codebook.toml"))


def _by_text(report: object) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for segment in report.segments:  # type: ignore[attr-defined]
        found[segment.text] = {s.value for s in segment.suggestions}
    return found


def _lookup(found: dict[str, set[str]], start: str) -> set[str]:
    return next((values for text, values in found.items() if text.startswith(start)), set())


@pytest.mark.slow
def test_known_sentences(suggest_corpus: Path, lexicon: object) -> None:
    with Corpus(suggest_corpus) as corpus:
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]
        report = suggest(corpus, lexicon)  # type: ignore[arg-type]
    found = _by_text(report)
    for start, values in EXPECTED.items():
        assert _lookup(found, start) == values, start


@pytest.mark.slow
def test_negated_matches_are_kept_on_request(suggest_corpus: Path, lexicon: object) -> None:
    with Corpus(suggest_corpus) as corpus:
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]
        report = suggest(corpus, lexicon, include_negated=True, store=False)  # type: ignore[arg-type]
    found = _by_text(report)
    assert _lookup(found, "On n’a pas de paiement sécurisé") == {"securite"}
    assert _lookup(found, "On ne travaille jamais à distance") == {"localisation"}
    segment = next(s for s in report.segments if s.text.startswith("On n’a pas"))
    (evidence,) = segment.suggestions[0].evidence
    assert evidence.negated is True
    assert evidence.text == "paiement sécurisé"


@pytest.mark.slow
def test_evidence_offsets_point_into_the_stored_text(suggest_corpus: Path, lexicon: object) -> None:
    with Corpus(suggest_corpus) as corpus:
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]
        report = suggest(corpus, lexicon, store=False)  # type: ignore[arg-type]
        text = corpus.text("cases")
    assert report.segments
    for segment in report.segments:
        assert text[segment.start : segment.end] == segment.text
        for s in segment.suggestions:
            for e in s.evidence:
                assert text[e.start : e.end] == e.text
                assert segment.start <= e.start < e.end <= segment.end
    curly = next(s for s in report.segments if s.text.startswith("C’est l’accès"))
    assert [e.text for e in curly.suggestions[0].evidence] == ["à distance"]


@pytest.mark.slow
def test_min_score_and_value_filter(suggest_corpus: Path, lexicon: object) -> None:
    with Corpus(suggest_corpus) as corpus:
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]
        everything = suggest(corpus, lexicon, min_score=0.0, store=False)  # type: ignore[arg-type]
        strict = suggest(corpus, lexicon, min_score=0.7, store=False)  # type: ignore[arg-type]
        only = suggest(corpus, lexicon, values=["securite"], store=False)  # type: ignore[arg-type]
    scores = [s.score for seg in everything.segments for s in seg.suggestions]
    assert min(scores) < 0.7 <= max(scores)
    assert all(s.score >= 0.7 for seg in strict.segments for s in seg.suggestions)
    assert strict.suggestions < everything.suggestions
    assert {s.value for seg in only.segments for s in seg.suggestions} == {"securite"}


@pytest.mark.slow
def test_suggestions_are_stored_per_document_and_value(suggest_corpus: Path, lexicon: object) -> None:
    with Corpus(suggest_corpus) as corpus:
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]
        suggest(corpus, lexicon)  # type: ignore[arg-type]
        before = corpus.suggestions()
        suggest(corpus, lexicon, values=["localisation"], min_score=0.99)  # type: ignore[arg-type]
        after = corpus.suggestions()
    assert {s.value for s in before} >= {"localisation", "securite", "socialisation"}
    assert [s for s in after if s.value == "localisation"] == []
    assert [s for s in after if s.value != "localisation"] == [s for s in before if s.value != "localisation"]
    stored = before[0]
    assert stored.lexicon.startswith("lexicon@") and stored.evidence[0]["text"]


def test_score_prefers_distinct_terms() -> None:
    def ev(term: str, weight: float = 1.0) -> Evidence:
        return Evidence(term, term, 0, 1, False, weight)

    one = score([ev("a")])
    assert one == pytest.approx(0.3935, abs=1e-3)
    assert score([ev("a"), ev("b")]) > score([ev("a"), ev("a")]) > one
    assert score([ev("a", 2.0)]) == score([ev("a"), ev("b")])
    assert score([ev("a", 0.5)]) < DEFAULT_MIN_SCORE <= one
    assert score([ev(str(i), 3.0) for i in range(20)]) < 1.0


def _match(term: str, weight: float, start: int, value: str = "localisation") -> Match:
    return Match(Entry(value, term, weight), start, start + 1)


def _stated_score(matches: list[Match]) -> float:
    return score(
        Evidence(m.entry.term, m.entry.term, m.start, m.end, False, m.entry.weight) for m in stated(matches)
    )


def test_weak_cues_count_only_near_each_other() -> None:
    near = [_match("le soir", 0.5, 10), _match("partout", 0.5, 10 + NEIGHBOURHOOD)]
    far = [_match("le soir", 0.5, 10), _match("partout", 0.5, 12 + NEIGHBOURHOOD)]
    assert stated(near) == near
    assert _stated_score(near) >= DEFAULT_MIN_SCORE
    # apart, neither passage states the value form: the best one is kept, below the threshold
    assert len(stated(far)) == 1
    assert _stated_score(far) < DEFAULT_MIN_SCORE


def test_a_stated_passage_drops_the_stray_weak_cues_of_a_long_answer() -> None:
    strong, stray = _match("à distance", 2.0, 5), _match("le soir", 0.5, 200)
    again = _match("télétravail", 2.0, 400)
    assert stated([stray, strong]) == [strong]
    # two passages that each state it add up; the stray cue between them does not
    assert stated([strong, stray, again]) == [strong, again]
    assert _stated_score([strong, stray, again]) == score(
        [Evidence("", "à distance", 0, 1, False, 2.0), Evidence("", "télétravail", 0, 1, False, 2.0)]
    )


def _suggested(tmp_path: Path, lexicon_files: dict[str, str], transcript: str) -> dict[str, set[str]]:
    """The value forms suggested per segment text for ``transcript``, with a lexicon made of
    ``lexicon_files`` (value form -> the TOML of its file)."""
    from vmatrix.transcripts.ingest import ingest

    (tmp_path / "lexicon").mkdir()
    for value, toml in lexicon_files.items():
        (tmp_path / "lexicon" / f"{value}.toml").write_text(toml, encoding="utf-8")
    lexicon = load_lexicon(tmp_path / "lexicon", load_codebook(DATA / "codebook.toml"))
    (tmp_path / "interview.txt").write_text(transcript, encoding="utf-8")
    with Corpus(tmp_path / "c.db", create=True) as corpus:
        ingest(corpus, [tmp_path / "interview.txt"])
        read_phrases(lexicon, corpus)
        return _by_text(suggest(corpus, lexicon, store=False))


FILLER = "Nous parlons ici de tout autre chose avec les clients du magasin."


@pytest.mark.slow
def test_a_long_answer_does_not_add_up_scattered_weak_cues(tmp_path: Path) -> None:
    filler = " ".join([FILLER] * 4)
    found = _suggested(
        tmp_path,
        {
            "localisation": 'value = "localisation"\ndescription = "two weak cues"\n[terms]\n'
            '"le soir" = 0.5\n"partout" = 0.5\n'
        },
        f"Q : Et le matin ?\n\nR : Partout on en parle. {filler} Le soir aussi. {filler}\n\n"
        "Q : Et le reste ?\n\nR : Partout, le soir, on en parle.\n",
    )
    assert _lookup(found, "Partout on en parle") == set()
    assert _lookup(found, "Partout, le soir") == {"localisation"}


# -- the command line ----------------------------------------------------------


@pytest.mark.slow
def test_cli_json_shape(suggest_corpus: Path) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data
    for item in data:
        assert {"document", "segment", "speaker", "start", "end", "text", "suggestions"} <= set(item)
        assert isinstance(item["segment"], int) and isinstance(item["start"], int)
        assert item["suggestions"]
        for s in item["suggestions"]:
            assert {"value", "score", "evidence"} <= set(s)
            assert 0 < s["score"] < 1
            for e in s["evidence"]:
                assert {"text", "term", "start", "end", "negated"} <= set(e)
                assert e["negated"] is False
    first = next(i for i in data if i["text"].startswith("On travaille à distance"))
    assert first["document"] == "cases" and first["speaker"] == "R"
    assert first["suggestions"][0]["value"] == "localisation"
    assert first["suggestions"][0]["evidence"][0]["term"] == "à distance"
    assert "suggestion(s)" in result.stderr


@pytest.mark.slow
def test_cli_csv_is_a_coding_sheet(suggest_corpus: Path) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header = (
        "document,segment,speaker,start,end,quote,values,tool,nature,lever,initiator,beneficiary,coder,memo"
    )
    assert rows[0] == header.split(",")
    with Corpus(suggest_corpus) as corpus:
        text = corpus.text("cases")
    for row in rows[1:]:
        record = dict(zip(rows[0], row, strict=True))
        assert text[int(record["start"]) : int(record["end"])] == record["quote"]
        assert record["values"] and record["coder"] == "" and record["tool"] == ""
    both = next(r for r in rows[1:] if r[5].startswith("On gagne du temps et"))
    assert both[6] == "fonctionnelle; localisation"  # best first: 2 + 1 against 2
    assert both[13] == "fonctionnelle: gagne du temps, simple | localisation: à distance"
    anywhere = next(r for r in rows[1:] if r[5].startswith("Le chef suit"))
    assert anywhere[6] == "localisation"
    assert anywhere[13] == "localisation: n'importe où"


@pytest.mark.slow
def test_cli_table_names_the_segment_and_the_words(suggest_corpus: Path) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--value", "Sécurité"])
    assert result.exit_code == 0, result.stderr
    assert "cases #" in result.stdout and "securite" in result.stdout
    assert "localisation" not in result.stdout


@pytest.mark.slow
def test_cli_refuses_unknown_names(suggest_corpus: Path) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--value", "localisaton"])
    assert result.exit_code == 1
    assert "did you mean localisation" in result.stderr
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--doc", "nope"])
    assert result.exit_code == 1
    assert "no document 'nope'" in result.stderr


@pytest.mark.slow
def test_suggest_never_loads_the_model_once_the_lexicon_is_read(
    suggest_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    first = json.loads(result.stdout)

    def refuse() -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(lexicon_module.parse, "load_model", refuse)
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == first
    assert "new lexicon phrase" not in result.stderr


def test_cli_default_min_score_is_the_library_one() -> None:
    from vmatrix.cli import suggest as cli_suggest

    assert cli_suggest.DEFAULT_MIN_SCORE == DEFAULT_MIN_SCORE


# -- with the bundled codebook and lexicons ---------------------------------------


@pytest.mark.slow
def test_bundled_lexicons_pass_their_check(suggest_corpus: Path) -> None:
    result = runner.invoke(app, ["-C", str(suggest_corpus), "lexicon", "check", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["errors"] == 0
    assert "11 value forms" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_draft_sheet_validates_and_evaluates(suggest_corpus: Path, tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "corpus.db"
    db.write_bytes(suggest_corpus.read_bytes())
    draft = tmp_path / f"draft.{fmt}"
    result = runner.invoke(app, ["-C", str(db), "suggest", "--format", fmt, "--output", str(draft)])
    assert result.exit_code == 0, result.stderr
    assert draft.stat().st_size > 100
    result = runner.invoke(app, ["-C", str(db), "validate", str(draft), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    result = runner.invoke(app, ["-C", str(db), "evaluate", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    evaluation = json.loads(result.stdout)
    # The draft codes exactly what was suggested: every suggestion is right.
    assert evaluation["micro"]["precision"] == 1.0 and evaluation["micro"]["recall"] == 1.0


@pytest.mark.slow
def test_cli_finds_documents_as_the_other_commands_do(suggest_corpus: Path) -> None:
    # The file name or another case worked in `validate` and `quote`, not in `suggest`.
    for name in ("CASES", "cases.txt"):
        result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--doc", name])
        assert result.exit_code == 0, result.stderr
        assert "of 1 document(s)" in result.stderr
    result = runner.invoke(app, ["-C", str(suggest_corpus), "suggest", *OPTIONS, "--doc", "casse"])
    assert result.exit_code == 1
    assert "no document 'casse' (did you mean cases?)" in result.stderr


@pytest.mark.slow
def test_cli_names_the_speakers_left_out_as_interviewers(tmp_path: Path) -> None:
    transcript = tmp_path / "e.txt"
    transcript.write_text(
        "Intervieweuse : Vous travaillez à distance ?\n\nMme Roux : Oui, on gagne du temps.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["-C", db, "ingest", str(transcript)]).exit_code == 0
    result = runner.invoke(app, ["-C", db, "suggest", *OPTIONS])
    assert result.exit_code == 0, result.stderr
    said = "1 interviewer turn(s) left out (Intervieweuse; --include-interviewer to keep them)"
    assert said in result.stderr


@pytest.mark.slow
def test_documents_matched_together_or_apart_get_the_same_suggestions(
    tmp_path: Path, lexicon: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vmatrix.coding import suggest as suggest_module
    from vmatrix.transcripts.ingest import ingest

    question, *answers = (DATA / "suggest" / "cases.txt").read_text(encoding="utf-8").split("\n\n")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    # Three different documents: the answers in order, reversed, one in two.
    for name, kept in (
        ("entretien-1", answers),
        ("entretien-2", answers[::-1]),
        ("entretien-3", answers[::2]),
    ):
        (folder / f"{name}.txt").write_text("\n\n".join([question, *kept]), encoding="utf-8")
    with Corpus(tmp_path / "corpus.db", create=True) as corpus:
        ingest(corpus, [folder])
        read_phrases(lexicon, corpus)  # type: ignore[arg-type]

    def run() -> list[dict[str, object]]:
        with Corpus(tmp_path / "corpus.db") as corpus:
            report = suggest(corpus, lexicon, store=False)  # type: ignore[arg-type]
        return [s.to_json() for s in report.segments]

    monkeypatch.setattr(suggest_module, "BATCH_WORDS", 10**9)
    together = run()
    monkeypatch.setattr(suggest_module, "BATCH_WORDS", 1)
    apart = run()
    assert len({s["document"] for s in together}) == 3
    assert together == apart


@pytest.mark.slow
def test_phrase_tables_kept_in_the_corpus_give_the_same_suggestions(
    suggest_corpus: Path, lexicon: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The phrase tables a lexicon makes are kept in the corpus and read by the next
    suggest with that lexicon; damaged, they are made again; another lexicon's replace them."""
    import copy
    import shutil

    from vmatrix.coding import match
    from vmatrix.coding.match import tables_key

    db = tmp_path / "corpus.db"
    shutil.copy(suggest_corpus, db)

    def run(lex: object) -> tuple[list[dict[str, object]], list[str]]:
        with Corpus(db) as corpus:
            report = suggest(corpus, lex)  # type: ignore[arg-type]
            kept = [k for (k,) in corpus.db.execute("SELECT key FROM cache WHERE key LIKE 'phrase-tables/%'")]
        return [s.to_json() for s in report.segments], kept

    made, kept = run(lexicon)
    key = tables_key(lexicon, list(lexicon.values))  # type: ignore[arg-type, attr-defined]
    assert made and kept == [key]

    def compile_again(self: object) -> None:
        raise AssertionError("the kept tables were not read")

    with monkeypatch.context() as patched:
        patched.setattr(match.PhraseTable, "compile", compile_again)
        assert run(lexicon) == (made, [key])

    with Corpus(db) as corpus, corpus.transaction():
        corpus.cache_put(str(key), b"damaged")
    assert run(lexicon) == (made, [key])
    with Corpus(db) as corpus:
        assert len(corpus.cache_get(str(key)) or b"") > 1000  # made and kept again

    other = copy.deepcopy(lexicon)
    value = next(iter(other.values.values()))  # type: ignore[attr-defined]
    term = next(iter(value.terms))
    value.terms[term] *= 2
    other_key = tables_key(other, list(other.values))  # type: ignore[arg-type, attr-defined]
    assert other_key != key
    assert run(other)[1] == [other_key]


@pytest.mark.slow
def test_ingest_keeps_the_bundled_lexicons_tables_for_the_first_suggest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first suggest after ingest reads the phrase tables ingest kept, as later ones do;
    ingesting the same files again writes nothing."""
    from vmatrix.coding import match

    db = tmp_path / "corpus.db"
    assert (
        runner.invoke(app, ["-C", str(db), "ingest", str(DATA / "suggest"), "--format", "csv"]).exit_code == 0
    )
    with Corpus(db) as corpus:
        kept = [k for (k,) in corpus.db.execute("SELECT key FROM cache WHERE key LIKE 'phrase-tables/%'")]
    assert len(kept) == 1
    before = db.read_bytes()
    assert (
        runner.invoke(app, ["-C", str(db), "ingest", str(DATA / "suggest"), "--format", "csv"]).exit_code == 0
    )
    assert db.read_bytes() == before

    def keep_again(self: object) -> bytes:
        raise AssertionError("the tables ingest kept were not read")

    # suggest keeps the tables it had to make: here it makes none
    monkeypatch.setattr(match.LexiconMatcher, "tables", keep_again)
    result = runner.invoke(app, ["-C", str(db), "suggest", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


def _secure(start: int) -> list[Match]:
    """Security said at length: three strong terms in a row."""
    return [
        _match(t, 2.0, start + i, "securite") for i, t in enumerate(("sauvegarde", "sécurisé", "piratage"))
    ]


def test_a_value_form_said_in_passing_beside_another_said_at_length_is_dropped() -> None:
    aside = _match("gagner du temps", 1.0, 12, "fonctionnelle")
    found = contrast({"fonctionnelle": [aside], "securite": _secure(10)})
    assert "fonctionnelle" not in found
    assert found["securite"] == _secure(10)
    # the order the value forms come in does not matter
    assert contrast({"securite": _secure(10), "fonctionnelle": [aside]}) == found


def test_contrast_keeps_what_is_said_elsewhere_or_with_weight() -> None:
    aside = _match("gagner du temps", 1.0, 12, "fonctionnelle")
    elsewhere = _match("plus rapide", 1.0, 12 + CONTRAST_REACH + 5, "fonctionnelle")
    found = contrast({"fonctionnelle": [aside, elsewhere], "securite": _secure(10)})
    assert found["fonctionnelle"] == [elsewhere]
    # beside one strong term (two to one), both are what the passage says
    said = {"fonctionnelle": [aside], "securite": [_match("sauvegarde", 2.0, 10, "securite")]}
    assert contrast(said) == said
    # a rival that does not reach the threshold itself takes nothing away
    weak = {"fonctionnelle": [aside], "securite": [_match("coffre", 0.5, 10, "securite")]}
    assert contrast(weak) == weak


@pytest.mark.slow
def test_a_side_remark_is_not_suggested_where_another_value_form_is_said_at_length(tmp_path: Path) -> None:
    filler = " ".join([FILLER] * 3)
    found = _suggested(
        tmp_path,
        {
            "fonctionnelle": 'value = "fonctionnelle"\ndescription = "one cue"\n[terms]\n"rapide" = 1.0\n',
            "securite": 'value = "securite"\ndescription = "three strong cues"\n[terms]\n'
            '"sauvegarde" = 2.0\n"piratage" = 2.0\n"chiffrer" = 2.0\n',
        },
        "Q : Et le cloud ?\n\nR : La sauvegarde est chiffrée contre le piratage, c'est rapide.\n\n"
        f"Q : Et ensuite ?\n\nR : La sauvegarde est chiffrée contre le piratage. {filler} "
        "Et la saisie est plus rapide.\n",
    )
    # « rapide » said in passing beside three cues of security: a side remark
    assert _lookup(found, "La sauvegarde est chiffrée contre le piratage, c'est") == {"securite"}
    # said in a passage of its own, it stands
    assert _lookup(found, "La sauvegarde est chiffrée contre le piratage. Nous") == {
        "securite",
        "fonctionnelle",
    }


@pytest.mark.slow
def test_the_header_before_the_first_turn_is_not_coded(tmp_path: Path) -> None:
    transcript = tmp_path / "entretien-7.txt"
    transcript.write_text(
        "Entretien 7\nRéalisé le 19/03/2024, à distance, durée : 1h05\n\n"
        "Interviewé : Mme Bernard, gérante, qui veut gagner du temps\n\n"
        "Q : Vous travaillez comment ?\n\nR : Surtout à distance.\n\n"
        "Q : Et alors ?\n\nR : On peut gagner du temps.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["-C", db, "ingest", str(transcript)]).exit_code == 0
    result = runner.invoke(app, ["-C", db, "suggest", "--format", "json", *OPTIONS])
    assert result.exit_code == 0, result.stderr
    coded = {s["text"]: {v["value"] for v in s["suggestions"]} for s in json.loads(result.stdout)}
    assert coded == {"Surtout à distance.": {"localisation"}, "On peut gagner du temps.": {"fonctionnelle"}}
    assert "1 segment(s) before the first speaker turn left out as a header" in result.stderr
    docs = runner.invoke(app, ["-C", db, "docs", "7", "--format", "csv"])
    roles = [row["role"] for row in csv.DictReader(io.StringIO(docs.stdout))]
    assert roles == ["header", "interviewer", "", "interviewer", ""]
    kept = runner.invoke(app, ["-C", db, "suggest", "--format", "json", "--include-interviewer", *OPTIONS])
    assert len(json.loads(kept.stdout)) == 3
