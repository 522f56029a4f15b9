"""Analysis units: loading stored codes and suggestions, --where, grouping, --split."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_builder import small_corpus
from vmatrix.analysis.units import Analysis, load
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.errors import UnknownCode, UnknownDocument, UsageError


@pytest.fixture
def corpus(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Corpus(small_corpus(tmp_path / "c.db")) as opened:
        yield opened


@pytest.fixture
def analysis(corpus: Corpus, data: Path) -> Analysis:
    return load(corpus, load_codebook(data / "outputs-codebook.toml"))


def test_manual_codes_become_verbatims_in_document_order(analysis: Analysis) -> None:
    rows = [v.row for v in analysis.verbatims]
    assert rows == [2, 3, 4, 5, 6, 8, 7]  # the orphaned code (no span) ends its document
    first = analysis.verbatims[0]
    assert first.values == ("fonctionnelle", "localisation")
    assert first.attributes["role"] == "dirigeant"
    assert first.label == "Entretien 1"
    # facet names resolve to codebook ids where the codebook knows them
    assert analysis.verbatims[1].facets["tool"] == ("erp",)
    assert analysis.verbatims[2].facets["tool"] == ("site-web",)  # typed "Site internet", an alias
    assert analysis.verbatims[0].facets["initiator"] == ("entreprise",)  # open facet, kept as typed


def test_values_follow_codebook_order(analysis: Analysis) -> None:
    by_row = {v.row: v for v in analysis.verbatims}
    assert by_row[7].values == ("fonctionnelle", "epistemique")  # stored as epistemique, fonctionnelle
    assert by_row[8].values == ("sociale", "socialisation")


def test_suggestions_become_one_verbatim_per_segment(corpus: Corpus, data: Path) -> None:
    analysis = load(corpus, load_codebook(data / "outputs-codebook.toml"), "suggested")
    spans = [(v.document, v.segment, v.values, v.speaker) for v in analysis.verbatims]
    assert spans == [
        ("entretien-01", 1, ("fonctionnelle", "localisation"), "R"),
        ("entretien-01", 3, ("securite",), "R"),
        ("entretien-02", 1, ("localisation",), "Mme Lefèvre"),
    ]
    segment = corpus.segments("entretien-01")[1]
    assert (analysis.verbatims[0].start, analysis.verbatims[0].end) == (segment.start, segment.end)
    assert {e["term"] for e in analysis.verbatims[0].evidence} == {"gagne du temps", "à distance"}


def rows_where(analysis: Analysis, *conditions: str) -> list[int | None]:
    return [v.row for v in analysis.select(analysis.conditions(list(conditions)))]


def test_where_on_attributes_is_case_and_accent_insensitive(analysis: Analysis) -> None:
    assert rows_where(analysis, "role=expert") == [8, 7]
    assert rows_where(analysis, "Rôle = EXPERT") == [8, 7]  # French key, any case
    assert rows_where(analysis, "secteur=Viticulture") == [5, 6]


def test_where_same_key_is_either_different_keys_all(analysis: Analysis) -> None:
    assert rows_where(analysis, "sector=viticulture", "sector=Conseil & Formation_#1") == [5, 6, 8, 7]
    assert rows_where(analysis, "role=dirigeant", "tool=site web") == [2, 4, 5]
    assert rows_where(analysis, "role!=dirigeant") == [8, 7]


def test_where_on_facets_values_documents_and_speakers(analysis: Analysis) -> None:
    assert rows_where(analysis, "outil=ERP") == [3, 7]
    assert rows_where(analysis, "value=Épistémique") == [7]
    assert rows_where(analysis, "document=Entretien 2") == [5, 6]
    assert rows_where(analysis, "entretien=10") == [8, 7]
    assert rows_where(analysis, "speaker=mme lefevre") == [5, 6]
    assert rows_where(analysis, "initiateur=Reseau") == [8]


def test_where_errors_say_what_exists(analysis: Analysis) -> None:
    with pytest.raises(UsageError, match=r"unknown key 'rol'; did you mean role\?"):
        analysis.conditions(["rol=expert"])
    with pytest.raises(UnknownCode, match=r"did you mean dirigeant\?.*role: dirigeant, expert"):
        analysis.conditions(["role=dirigent"])
    with pytest.raises(UnknownCode, match=r"did you mean fonctionnelle"):
        analysis.conditions(["value=fonctionelle"])
    with pytest.raises(UnknownDocument, match="entretien-99"):
        analysis.conditions(["document=entretien-99"])
    with pytest.raises(UsageError, match="KEY=VALUE"):
        analysis.conditions(["expert"])


def test_a_codebook_tool_nobody_coded_is_an_empty_answer_not_an_error(analysis: Analysis) -> None:
    assert rows_where(analysis, "tool=Réseaux sociaux") == [6, 8]
    with Corpus(analysis.corpus.path) as corpus:
        corpus.replace_sheet("codes", "codes.csv", "0" * 64, [])
    fresh = load(analysis.corpus, analysis.codebook)
    assert rows_where(fresh, "tool=erp") == []


def test_units_by_document_and_by_tool_carry_the_union_of_values(analysis: Analysis) -> None:
    by_document = {u.key: set(u.values) for u in analysis.units(analysis.verbatims, "document")}
    assert by_document == {
        "entretien-01": {"fonctionnelle", "localisation", "securite", "sociale"},
        "entretien-02": {"fonctionnelle", "localisation", "socialisation"},
        "entretien-10": {"sociale", "socialisation", "fonctionnelle", "epistemique"},
    }
    by_tool = {u.key: set(u.values) for u in analysis.units(analysis.verbatims, "tool")}
    assert by_tool == {
        "site-web": {"fonctionnelle", "localisation", "sociale"},
        "erp": {"fonctionnelle", "securite", "epistemique"},
        "reseaux-sociaux": {"socialisation", "sociale"},
    }
    assert [u.key for u in analysis.units(analysis.verbatims, "lever")] == ["cluster", "offer", "value-chain"]


def test_unit_names(analysis: Analysis) -> None:
    assert analysis.resolve_unit("Outil") == "tool"
    assert analysis.resolve_unit("verbatim") == "segment"
    assert analysis.resolve_unit("entretien") == "document"
    with pytest.raises(UsageError, match="segment, document or a facet"):
        analysis.resolve_unit("role")


def test_split_groups_in_order_with_none_last(analysis: Analysis) -> None:
    parts = analysis.split(analysis.verbatims, "beneficiary")
    assert [(label, [v.row for v in group]) for label, group in parts] == [
        ("clients", [2, 5]),
        ("salariés", [3]),
        ("(none)", [4, 6, 8, 7]),
    ]
    assert [label for label, _ in analysis.split(analysis.verbatims, "document")] == [
        "entretien-01",
        "entretien-02",
        "entretien-10",  # natural order: 2 before 10
    ]


def test_sheets_are_noted_only_when_they_code_the_same_documents() -> None:
    from vmatrix.analysis.units import Verbatim

    def verbatim(document: str, sheet: str) -> Verbatim:
        return Verbatim(document, document, 0, 10, ("localisation",), {}, {}, sheet=sheet)

    analysis = Analysis(load_codebook(), "manual", [], {})
    # One sheet per interview: one coding, nothing to say.
    analysis.check_sheets([verbatim("e1", "e1.csv"), verbatim("e2", "e2.csv")])
    assert analysis.notes == []
    # Two coders on interview 2.
    analysis.check_sheets([verbatim("e1", "cm.csv"), verbatim("e2", "cm.csv"), verbatim("e2", "jb.csv")])
    (note,) = analysis.notes
    assert "cm.csv, jb.csv" in note and "(e2)" in note and "--where sheet=NAME" in note


def test_documents_by_number_however_typed() -> None:
    from vmatrix.corpus.store import Document

    def document(doc_id: str, number: str) -> Document:
        return Document(doc_id, f"Entretien {number}", number, f"{doc_id}.txt", "txt", None, "", 0)

    docs = {d.id: d for d in (document("entretien-1", "1"), document("entretien-10", "10"))}
    analysis = Analysis(load_codebook(), "manual", [], docs)
    for typed in ("E10", "Entretien n°10", "10", "entretien-10", "10.0"):
        assert analysis.require_document(typed) == "entretien-10", typed
    docs["focus-10"] = document("focus-10", "10")
    with pytest.raises(UnknownDocument, match="entretien-10 or focus-10"):
        analysis.require_document("10")
