"""The tool a passage speaks of: the codebook's tool aliases found in the stored parses,
stored with each segment, and the draft matrix and tool table from suggestions alone."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.coding.lexicon import load_lexicon
from vmatrix.coding.suggest import suggest
from vmatrix.coding.tools import suggested_tools, tool_lexicon
from vmatrix.corpus.store import Corpus
from vmatrix.errors import CodebookError

runner = CliRunner()
DATA = Path(__file__).parent / "data"
LEXICON = ["--lexicon", str(DATA / "lexicon")]

# The start of an answer -> the tools it names.
EXPECTED = {
    "On est sur Facebook et LinkedIn": {"reseaux-sociaux"},  # brands
    "On poste surtout sur Insta": {"reseaux-sociaux"},  # a short name
    "Les réunions se font en visio": {"visioconference"},  # generic name and brands
    "On a mis l'ERP en place": {"erp"},  # elided article, abbreviation, brand
    "On a fait un zoom sur les chiffres": set(),  # "Zoom" counts only with its capital
    "Ce serait sage d'attendre": set(),  # "Sage" likewise
    "La compta est chez Pennylane": {"comptabilite"},
    "Les réseaux d'entreprises du département": set(),  # a network of firms, not social media
    "On est présents sur les réseaux": {"reseaux-sociaux"},
    "On n'a pas de site internet": set(),  # negated
    "Le site de production est à Lyon": set(),  # "site" alone is not looked for
    "On s'appelle sur Meet": {"visioconference"},
    "Les paiements passent par Stripe": {"paiement-securise"},
    "Le progiciel nous fait gagner du temps": {"erp"},
    "Tout passe par la caisse tactile": {"caisse"},  # a tool named in the brief's spoken form
    "La caisse de retraite nous envoie": set(),  # a false friend fenced by exclude
    "La team est soudée": set(),  # "Teams" counts only with its capital
    "Les gars comptent leurs heures": set(),  # "compta" looked for as written: not « comptent »
    "On met tout sur le drive": {"cloud"},  # the spoken name of Google Drive
    "On a une centaine d'avis Google": {"avis-en-ligne"},  # reviews and the business listing
    "À mon avis": set(),  # an opinion, not a review
    "Je les prépare avec ChatGPT": {"intelligence-artificielle"},
    "Les clients passent par le Whats'app": {"messagerie", "boutique-en-ligne"},  # spoken spelling, brand
    "C'est le bon coin pour les clients": set(),  # the right spot, not the platform
    "On revend les chutes sur le bon coin": {"place-de-marche"},  # the platform, as spoken
    "Ils m'appellent au téléphone": set(),  # the phone as a channel is not the tool spoken of
    "Ça nous évite des déplacements": {"visioconference"},  # named by the question it answers
    "On verra bien": set(),  # the next question names none: nothing carried over
    "Il nous amène des clients": {"site-web"},  # the question's tool, the answer's pronoun
}
# Answers that name no tool and take their question's.
INHERITED = {"Ça nous évite des déplacements", "Il nous amène des clients"}


def _codebook(tmp_path: Path, tool: str) -> Path:
    path = tmp_path / "codebook.toml"
    path.write_text(
        '[[values]]\nid = "securite"\nlabel = "Sécurité"\n\n'
        '[[facets]]\nid = "tool"\nlabel = "Dispositif"\n\n[[facets.codes]]\n' + tool,
        encoding="utf-8",
    )
    return path


def test_codebook_flags_name_aliases(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="not one of its aliases"):
        load_codebook(_codebook(tmp_path, 'id = "visio"\naliases = ["visio"]\ncased = ["Meet"]\n'))
    with pytest.raises(CodebookError, match="must be one word"):
        load_codebook(
            _codebook(tmp_path, 'id = "visio"\naliases = ["Google Meet"]\ncased = ["Google Meet"]\n')
        )


def test_tool_lexicon_says_how_each_alias_is_looked_for(tmp_path: Path) -> None:
    book = load_codebook(
        _codebook(
            tmp_path,
            'id = "visio"\nlabel = "Visio"\nnature = "communication"\n'
            'aliases = ["visio", "Meet", "la visio", "salle"]\n'
            'cased = ["Meet"]\nwritten = ["la visio"]\ntyped_only = ["salle"]\n'
            'exclude = ["visio de groupe"]\n',
        )
    )
    tools = tool_lexicon(book)
    visio = tools.lexicon.values["visio"]
    assert list(visio.terms) == ["visio"]
    assert [p.tokens for p in visio.patterns] == [
        [{"LOWER": "la"}, {"LOWER": "visio"}],
        [{"ORTH": {"IN": ["Meet", "MEET"]}}],
    ]
    assert visio.excludes == ["visio de groupe"]
    assert tools.natures == {"visio": "communication"} and tools.labels == {"visio": "Visio"}


@pytest.fixture(scope="module")
def tools_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vmatrix.transcripts.ingest import ingest

    path = tmp_path_factory.mktemp("tools") / "corpus.db"
    with Corpus(path, create=True) as corpus:
        ingest(corpus, [DATA / "tools"])
    return path


@pytest.mark.slow
def test_brands_and_generic_names_are_found_ambiguous_and_negated_ones_not(tools_corpus: Path) -> None:
    book = load_codebook()
    with Corpus(tools_corpus) as corpus:
        report = suggest(corpus, load_lexicon(DATA / "lexicon", book), tools=tool_lexicon(book), store=False)
        text = corpus.text("outils")
        segments = corpus.segments("outils")
    assert report.tool_segments == sum(1 for values in EXPECTED.values() if values)
    for start, tools in EXPECTED.items():
        (segment,) = [s for s in segments if text[s.start : s.end].startswith(start)]
        assert set(report.tools.get(("outils", segment.index), [])) == tools, start
        shown = [s for s in report.segments if s.segment == segment.index]
        assert not shown or {t.tool for t in shown[0].tools} == tools, start
    for s in report.segments:
        for t in s.tools:
            assert t.inherited == any(s.text.startswith(start) for start in INHERITED), s.text
            if t.inherited:  # the evidence is the question's words
                assert all(e.end <= s.start for e in t.evidence)
    visio = next(s for s in report.segments if s.text.startswith("Les réunions"))
    assert [e.text for e in visio.tools[0].evidence] == ["visio", "Teams", "Zoom"]
    assert visio.tools[0].nature == "communication"
    for s in report.segments:
        for t in s.tools:
            for e in t.evidence:
                assert text[e.start : e.end] == e.text


@pytest.mark.slow
def test_tools_are_stored_with_segments_and_drafted_into_matrix_and_table(
    tools_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    shutil.copy(tools_corpus, db)
    done = runner.invoke(app, ["-C", str(db), "suggest", *LEXICON, "--format", "json"])
    assert done.exit_code == 0, done.output
    segments = json.loads(done.stdout)
    assert {"tool": "erp", "nature": "gestion-donnees"}.items() <= next(
        s for s in segments if s["text"].startswith("On a mis l'ERP")
    )["tools"][0].items()
    with Corpus(db) as corpus:
        stored = suggested_tools(corpus)
    assert sorted(set().union(*stored.values())) == [
        "avis-en-ligne",
        "boutique-en-ligne",
        "caisse",
        "cloud",
        "comptabilite",
        "erp",
        "intelligence-artificielle",
        "messagerie",
        "paiement-securise",
        "place-de-marche",
        "reseaux-sociaux",
        "site-web",
        "visioconference",
    ]
    assert not any("WhatsApp" in str(v) for v in stored.values())  # a question whose answer names Meet
    with Corpus(db) as corpus:
        rows = corpus.segment_tools()
    inherited = [r for r in rows if r.evidence[0].get("inherited")]
    assert sorted(r.tool for r in inherited) == ["site-web", "visioconference"]
    with Corpus(db) as corpus:
        text = corpus.text("outils")
    for r in inherited:  # the question's words
        assert all(text[e["start"] : e["end"]] == e["text"] for e in r.evidence)
        assert text.rfind("Q :", 0, r.evidence[0]["start"]) > text.rfind("R :", 0, r.evidence[0]["start"])

    done = runner.invoke(
        app, ["-C", str(db), "matrix", "--unit", "tool", "--source", "suggested", "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    assert "localisation" in done.stdout and "fonctionnelle" in done.stdout
    done = runner.invoke(app, ["-C", str(db), "table", "--source", "suggested", "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = {row["tool"]: row for row in json.loads(done.stdout)}
    assert {"erp", "visioconference", "reseaux-sociaux"} <= set(rows)
    assert "fonctionnelle" in rows["erp"]["values"]
    assert rows["erp"]["nature"] == ["gestion-donnees"]
    assert "localisation" in rows["visioconference"]["values"]
    done = runner.invoke(app, ["-C", str(db), "table", "--source", "suggested", "--quotes", "-f", "markdown"])
    assert done.exit_code == 0, done.output
    assert "« On a mis l'ERP en place" in done.stdout


@pytest.mark.slow
def test_the_draft_sheet_carries_the_tools_and_validates(tools_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    shutil.copy(tools_corpus, db)
    draft = tmp_path / "draft.csv"
    done = runner.invoke(app, ["-C", str(db), "suggest", *LEXICON, "--format", "csv", "-o", str(draft)])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(draft.read_text(encoding="utf-8"))))
    erp = next(r for r in rows if r["quote"].startswith("On a mis l'ERP"))
    assert (erp["tool"], erp["nature"]) == ("erp", "gestion-donnees")
    done = runner.invoke(app, ["-C", str(db), "validate", str(draft)])
    assert done.exit_code == 0, done.output
    with Corpus(db) as corpus:
        coded = [c for c in corpus.codes() if c.quote.startswith("On a mis l'ERP")]
    assert coded and coded[0].facets["tool"] == ["erp"]


def test_a_corpus_of_the_first_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    import sqlite3

    from vmatrix.corpus import store

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(store.MIGRATIONS[0])
    db.execute("INSERT INTO cache VALUES ('lexicon-readings/fr_core_news_sm-3.8.0/v1', x'7b7d')")
    db.execute("INSERT INTO cache VALUES ('codebook:1:abc', x'7b7d')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Corpus(path) as corpus:
        assert corpus.segment_tools() == []
        assert corpus.cache_get("lexicon-readings/fr_core_news_sm-3.8.0/v1") is None  # no longer used
        assert corpus.cache_get("codebook:1:abc") == b"{}"
        assert corpus.db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


@pytest.mark.slow
def test_the_draft_table_and_matrix_pool_a_tool_s_segments_alike(tools_corpus: Path, tmp_path: Path) -> None:
    """One pooling rule: a value form counts for a tool when a segment that names the tool
    (or inherits it from its question) carries it from suggest's --min-score."""
    db = tmp_path / "c.db"
    shutil.copy(tools_corpus, db)
    assert runner.invoke(app, ["-C", str(db), "suggest", *LEXICON, "-f", "json"]).exit_code == 0
    with Corpus(db) as corpus:
        suggested: dict[tuple[str, int], set[str]] = {}
        for row in corpus.suggestions():
            suggested.setdefault((row.document_id, row.segment), set()).add(row.value)
        expected: dict[str, set[str]] = {}
        inherited = 0
        for found in corpus.segment_tools():
            if (found.document_id, found.segment) in suggested:
                expected.setdefault(found.tool, set()).update(suggested[found.document_id, found.segment])
                inherited += bool(found.evidence[0].get("inherited"))
    assert inherited  # answers that take their question's tool count too
    done = runner.invoke(app, ["-C", str(db), "table", "--source", "suggested", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert {row["tool"]: set(row["values"]) for row in json.loads(done.stdout)} == expected
    done = runner.invoke(
        app, ["-C", str(db), "matrix", "--unit", "tool", "--source", "suggested", "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    matrix = json.loads(done.stdout)
    assert matrix["units"] == len(expected)
    for i, value in enumerate(matrix["rows"]):
        assert matrix["cells"][i][i] == sum(value in values for values in expected.values()), value
