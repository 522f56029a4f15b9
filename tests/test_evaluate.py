"""Evaluation against manual codes, on a small case computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vmatrix.cli import app
from vmatrix.coding.evaluate import evaluate
from vmatrix.corpus.store import CodeRow, Corpus, Document, SegmentRow, SuggestionRow
from vmatrix.errors import UsageError

runner = CliRunner()


@pytest.fixture
def corpus_path(tmp_path: Path) -> Path:
    """One document of four 10-character segments, three codes, five suggestions.

    gold:      s0 {localisation}   s1 {fonctionnelle, securite}   s2 {fonctionnelle, securite}   s3 -
    suggested: s0 {localisation, fonctionnelle}   s1 {fonctionnelle}   s2 {sociale}   s3 {localisation}
    """
    path = tmp_path / "corpus.db"
    text = "".join(f"segment {i}." for i in range(4))
    with Corpus(path, create=True) as corpus, corpus.transaction():
        corpus.put_document(Document("d1", "Entretien 1", "1", "d1.txt", "txt", "utf-8", "0", 8), text)
        corpus.put_segments(
            "d1", [SegmentRow("d1", i, "R", 10 * i, 10 * i + 10, None, None, 2) for i in range(4)]
        )
        corpus.replace_sheet(
            "sheet.csv",
            "sheet.csv",
            "0",
            [
                CodeRow("sheet.csv", 2, "d1", 2, 8, ["localisation"]),
                CodeRow("sheet.csv", 3, "d1", 12, 25, ["fonctionnelle", "securite"], coder="A"),
                CodeRow("sheet.csv", 4, "d1", None, None, ["sociale"], status="orphaned"),
            ],
        )
        rows = [(0, "localisation", 0.9), (0, "fonctionnelle", 0.4), (1, "fonctionnelle", 0.8)]
        rows += [(2, "sociale", 0.5), (3, "localisation", 0.6)]
        corpus.replace_suggestions(
            ["d1"],
            ["localisation", "fonctionnelle", "sociale"],
            [SuggestionRow("d1", s, v, score, [], "test") for s, v, score in rows],
        )
    return path


def test_hand_computed_case(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        result = evaluate(corpus)
    by_value = {c.value: c for c in result.values}
    assert result.units == 3 and result.codes == 2
    assert (by_value["localisation"].tp, by_value["localisation"].fp, by_value["localisation"].fn) == (
        1,
        0,
        0,
    )
    assert (by_value["fonctionnelle"].precision, by_value["fonctionnelle"].recall) == (0.5, 0.5)
    assert by_value["securite"].support == 2 and by_value["securite"].precision is None
    assert by_value["securite"].recall == 0.0
    assert by_value["sociale"].support == 0 and by_value["sociale"].precision == 0.0
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (2, 2, 3)
    assert result.micro.precision == 0.5 and result.micro.recall == pytest.approx(0.4)
    assert result.micro.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert result.macro.precision == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3 supported value forms
    assert result.macro.recall == pytest.approx(0.5)
    assert result.confusions == [("fonctionnelle", "sociale", 1), ("securite", "sociale", 1)]


def test_all_segments_and_min_score(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        every = evaluate(corpus, all_segments=True)
        strict = evaluate(corpus, min_score=0.5)
    assert every.units == 4
    assert {c.value: c for c in every.values}["localisation"].fp == 1  # s3 was not coded
    fonctionnelle = {c.value: c for c in strict.values}["fonctionnelle"]
    assert (fonctionnelle.tp, fonctionnelle.fp, fonctionnelle.fn) == (1, 0, 1)  # s0's 0.4 left out


def test_coder_filter_and_no_codes(corpus_path: Path) -> None:
    with Corpus(corpus_path) as corpus:
        result = evaluate(corpus, coders=["A"])
        assert result.units == 2
        with pytest.raises(UsageError, match="no anchored manual codes"):
            evaluate(corpus, coders=["nobody"])


def test_cli_formats(corpus_path: Path, data: Path) -> None:
    common = ["-C", str(corpus_path), "evaluate", "--codebook", str(data / "codebook.toml")]
    result = runner.invoke(app, [*common, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["micro"]["precision"] == 0.5
    values = [v["value"] for v in payload["values"]]
    assert values[:3] == ["fonctionnelle", "personnalisation", "localisation"]  # codebook order
    assert payload["confusions"][0] == {"gold": "fonctionnelle", "suggested": "sociale", "units": 1}
    result = runner.invoke(app, [*common, "--format", "markdown"])
    assert result.exit_code == 0
    assert "| micro" in result.stdout and "| fonctionnelle" in result.stdout
    assert "3 coded segments counted" in result.stderr
    result = runner.invoke(app, [*common, "--coder", "nobody"])
    assert result.exit_code == 1 and "vmatrix validate" in result.stderr


@pytest.fixture
def tools_path(tmp_path: Path) -> Path:
    """Two documents; codes naming tools; suggestions with their evidence spans.

    d1: s0 [0, 20)  s1 [20, 40)  s2 [40, 60);  d2: s0 [0, 20)
    codes: d1 [0, 10) localisation, Site web;  d1 [10, 20) fonctionnelle, ERP;
           d1 [20, 40) securite, site web;     d2 [0, 20) sociale, ERP
    suggested: d1 s0 localisation 0.8 at [2, 5), fonctionnelle 0.5 at [3, 6);
               d1 s1 securite 0.6 at [25, 30), sociale 0.4 (no evidence recorded);
               d1 s2 localisation 0.9;  d2 s0 sociale 0.7 at [1, 4)
    """
    path = tmp_path / "tools.db"
    with Corpus(path, create=True) as corpus, corpus.transaction():
        for doc_id, n in (("d1", 3), ("d2", 1)):
            corpus.put_document(
                Document(doc_id, doc_id, None, f"{doc_id}.txt", "txt", "utf-8", "0", 4 * n), "x" * 20 * n
            )
            corpus.put_segments(
                doc_id, [SegmentRow(doc_id, i, "R", 20 * i, 20 * i + 20, None, None, 4) for i in range(n)]
            )
        coded = [
            ("d1", 0, 10, "localisation", "Site web"),
            ("d1", 10, 20, "fonctionnelle", "ERP"),
            ("d1", 20, 40, "securite", "site web"),
            ("d2", 0, 20, "sociale", "ERP"),
        ]
        corpus.replace_sheet(
            "sheet.csv",
            "sheet.csv",
            "0",
            [
                CodeRow("sheet.csv", row, doc_id, start, end, [value], facets={"tool": [tool]})
                for row, (doc_id, start, end, value, tool) in enumerate(coded, 2)
            ],
        )

        def at(start: int, end: int) -> list[dict[str, object]]:
            return [{"text": "x", "term": "x", "start": start, "end": end, "negated": False, "weight": 1.0}]

        rows = [
            SuggestionRow("d1", 0, "localisation", 0.8, at(2, 5), "test"),
            SuggestionRow("d1", 0, "fonctionnelle", 0.5, at(3, 6), "test"),
            SuggestionRow("d1", 1, "securite", 0.6, at(25, 30), "test"),
            SuggestionRow("d1", 1, "sociale", 0.4, [], "test"),
            SuggestionRow("d1", 2, "localisation", 0.9, at(45, 50), "test"),
            SuggestionRow("d2", 0, "sociale", 0.7, at(1, 4), "test"),
        ]
        for doc_id in ("d1", "d2"):
            corpus.replace_suggestions(
                [doc_id],
                ["localisation", "fonctionnelle", "securite", "sociale"],
                [r for r in rows if r.document_id == doc_id],
            )
    return path


def _counts(result: object) -> tuple[int, int, int]:
    micro = result.micro  # type: ignore[attr-defined]
    return micro.tp, micro.fp, micro.fn


def test_verbatim_unit_keeps_the_evidence_inside_each_code(tools_path: Path) -> None:
    with Corpus(tools_path) as corpus:
        result = evaluate(corpus, unit="verbatim")
    assert result.units == 4 and result.unit == "verbatim"
    by_value = {c.value: c for c in result.values}
    # fonctionnelle's evidence lies in the localisation verbatim: an error there, a miss in its own
    assert (by_value["fonctionnelle"].tp, by_value["fonctionnelle"].fp, by_value["fonctionnelle"].fn) == (
        0,
        1,
        1,
    )
    assert _counts(result) == (3, 2, 1)


def test_tool_unit_pools_the_verbatims_of_a_tool(tools_path: Path) -> None:
    with Corpus(tools_path) as corpus:
        result = evaluate(corpus, unit="tool", thresholds=[0.0, 0.5])
        with pytest.raises(UsageError, match="segment and document units"):
            evaluate(corpus, unit="tool", all_segments=True)
    assert result.units == 2  # "Site web" and "site web" are one tool
    assert _counts(result) == (3, 2, 1)
    assert [t.min_score for t in result.thresholds] == [0.0, 0.5]
    strict = result.thresholds[1].micro
    assert (strict.tp, strict.fp, strict.fn) == (3, 1, 1)  # sociale 0.4 left out of the site web row
    assert result.recall_by_value() == [  # sorted: no codebook order given
        ("fonctionnelle", 0, 1),
        ("localisation", 1, 1),
        ("securite", 1, 1),
        ("sociale", 1, 1),
    ]


def test_tool_unit_groups_tools_as_the_codebook_names_them(tools_path: Path, tmp_path: Path) -> None:
    from vmatrix.coding.codebook import load_codebook

    book = tmp_path / "codebook.toml"
    book.write_text(
        '[[values]]\nid = "securite"\nlabel = "Sécurité"\n\n[[facets]]\nid = "tool"\nlabel = "Dispositif"\n\n'
        '[[facets.codes]]\nid = "logiciels"\nlabel = "Logiciels"\naliases = ["site web", "ERP"]\n',
        encoding="utf-8",
    )
    with Corpus(tools_path) as corpus:
        result = evaluate(corpus, unit="tool", codebook=load_codebook(book))
        bundled = evaluate(corpus, unit="tool", codebook=load_codebook())
    assert result.units == 1  # both stored names are aliases of one codebook tool
    assert bundled.units == 2 and _counts(bundled) == (3, 2, 1)  # as without a codebook


def test_document_unit_and_baseline(tools_path: Path) -> None:
    from vmatrix.coding.evaluate import anchored_codes, make_units, predict_all, stored_suggestions, tabulate

    with Corpus(tools_path) as corpus:
        result = evaluate(corpus, unit="document")
        codes = anchored_codes(corpus)
        units = make_units(corpus, codes, stored_suggestions(corpus, ["d1", "d2"]), unit="tool")
    assert result.units == 2 and _counts(result) == (4, 1, 0)
    every = tabulate(
        predict_all(units, ["localisation", "fonctionnelle", "securite", "sociale", "hedonique"])
    )
    # site web: 2 of 5 right, ERP: 2 of 5 right; nothing missed
    assert _counts(every) == (4, 6, 0)
    assert every.micro.precision == pytest.approx(0.4)


def test_cli_unit_and_thresholds(tools_path: Path, data: Path) -> None:
    common = ["-C", str(tools_path), "evaluate", "--codebook", str(data / "codebook.toml")]
    result = runner.invoke(app, [*common, "--unit", "tool", "--format", "json", "--min-score", "0.45"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["unit"] == "tool" and payload["units"] == 2
    assert [t["min_score"] for t in payload["thresholds"]] == [0.2, 0.35, 0.45, 0.5, 0.65, 0.8]
    result = runner.invoke(app, [*common, "--unit", "verbatim", "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "by score threshold" in result.stdout and "4 verbatims counted" in result.stderr
    result = runner.invoke(app, [*common, "--unit", "tool", "--all-segments"])
    assert result.exit_code == 1 and "segment and document units" in result.stderr


def test_suggested_tools_against_coded_tools(tools_path: Path) -> None:
    from vmatrix.coding.evaluate import anchored_codes, tabulate, tool_units

    # found: d1 s0 names the website and the ERP, d1 s1 nothing, d2 s0 the website
    found = {("d1", 0): ["site web", "ERP"], ("d2", 0): ["Site Web"]}
    with Corpus(tools_path) as corpus:
        codes = anchored_codes(corpus)
        verbatims = tabulate(tool_units(corpus, codes, found), unit="verbatim")
        segments = tabulate(tool_units(corpus, codes, found, unit="segment"), unit="segment")
        with pytest.raises(UsageError, match="by segment or by verbatim"):
            tool_units(corpus, codes, found, unit="tool")
    by_tool = {c.value: c for c in verbatims.values}
    # d1 [0, 10) site web: found (+ ERP wrongly); d1 [10, 20) ERP: found (+ site web wrongly);
    # d1 [20, 40) site web: missed; d2 [0, 20) ERP: missed, site web wrongly
    assert (by_tool["siteweb"].tp, by_tool["siteweb"].fp, by_tool["siteweb"].fn) == (1, 2, 1)
    assert (by_tool["erp"].tp, by_tool["erp"].fp, by_tool["erp"].fn) == (1, 1, 1)
    # segments: d1 s0 {site web, ERP} all found; d1 s1 {site web} missed; d2 s0 {ERP} missed, site web wrongly
    assert (segments.micro.tp, segments.micro.fp, segments.micro.fn) == (2, 1, 2)


def test_a_tool_in_the_coders_words_is_the_codebook_tools_it_names() -> None:
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.coding.evaluate import tool_resolver

    resolve = tool_resolver(load_codebook(None))
    assert resolve("Site web") == ("site-web",) and resolve("Teams") == ("visioconference",)
    assert resolve("groupe WhatsApp des hôteliers") == ("messagerie",)
    assert resolve("sondes connectées en cave") == ("sondesconnecteesencave",)  # no codebook tool


def test_cli_scores_suggested_tools(tools_path: Path, tmp_path: Path) -> None:
    from vmatrix.corpus.store import ToolRow

    path = tmp_path / "with-tools.db"
    path.write_bytes(tools_path.read_bytes())
    with Corpus(path) as corpus, corpus.transaction():
        corpus.replace_segment_tools(
            ["d1", "d2"], [ToolRow("d1", 0, "site-web", [], "tools"), ToolRow("d2", 0, "erp", [], "tools")]
        )
    common = ["-C", str(path), "evaluate", "--tools"]
    result = runner.invoke(app, [*common, "--unit", "verbatim", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    # d1 [0, 10) site web found; d1 [10, 20) ERP: site web found instead; d1 [20, 40) site web
    # missed; d2 ERP found
    assert (payload["micro"]["tp"], payload["micro"]["fp"], payload["micro"]["fn"]) == (2, 1, 2)
    assert {v["value"] for v in payload["values"]} == {"site-web", "erp"}
    result = runner.invoke(app, [*common, "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "| tool" in result.stdout and "3 segment(s) counted" in result.stderr
    result = runner.invoke(app, [*common, "--unit", "tool"])
    assert result.exit_code == 1 and "by segment or by verbatim" in result.stderr


def test_threshold_sweep_matches_one_count_per_threshold() -> None:
    """The averages of the threshold table, made in one pass, are those of counting again
    at each threshold (ties with a threshold, value forms only suggested, only coded or
    outside the codebook order, and units predicting nothing included)."""
    import random

    from vmatrix.coding.evaluate import Unit, tabulate

    rng = random.Random(11)
    forms = ["a", "b", "c", "d", "e", "f"]
    scores = [0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0]
    units = [
        Unit(
            f"u{i}",
            (f"d{i % 7}",),
            frozenset(rng.sample(forms[:5], rng.randint(0, 2))),
            {v: rng.choice(scores) for v in rng.sample(forms, rng.randint(0, 3))},
        )
        for i in range(300)
    ]
    thresholds = [0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1.0, 1.5]
    swept = tabulate(units, values=["c", "a"], thresholds=thresholds)
    for threshold in swept.thresholds:
        alone = tabulate(units, values=["c", "a"], min_score=threshold.min_score)
        assert threshold.micro == alone.micro
        assert threshold.macro == alone.macro
    assert [t.micro.suggested for t in swept.thresholds][-1] == 0


@pytest.fixture
def terms_path(tmp_path: Path) -> Path:
    """One document, two segments, three verbatims, suggestions naming their terms.

    codes:     row 2 [0, 10) localisation;  row 3 [10, 20) fonctionnelle;  row 4 [20, 40) securite
    suggested: s0 localisation 0.8 « à distance » at [2, 5);  s0 fonctionnelle 0.5 « gagner du temps »
               at [3, 6) (inside row 2);  s1 securite 0.6 « sauvegarde » at [25, 30);  s1 localisation
               0.4 « à distance » at [22, 24) (inside row 4)
    """
    path = tmp_path / "terms.db"
    with Corpus(path, create=True) as corpus, corpus.transaction():
        corpus.put_document(Document("d1", "d1", None, "d1.txt", "txt", "utf-8", "0", 8), "x" * 40)
        corpus.put_segments(
            "d1", [SegmentRow("d1", i, "R", 20 * i, 20 * i + 20, None, None, 4) for i in range(2)]
        )
        corpus.replace_sheet(
            "sheet.csv",
            "sheet.csv",
            "0",
            [
                CodeRow("sheet.csv", 2, "d1", 0, 10, ["localisation"]),
                CodeRow("sheet.csv", 3, "d1", 10, 20, ["fonctionnelle"]),
                CodeRow("sheet.csv", 4, "d1", 20, 40, ["securite"]),
            ],
        )

        def at(term: str, start: int, end: int) -> list[dict[str, object]]:
            return [{"text": term, "term": term, "start": start, "end": end, "negated": False, "weight": 1.0}]

        corpus.replace_suggestions(
            ["d1"],
            ["localisation", "fonctionnelle", "securite"],
            [
                SuggestionRow("d1", 0, "localisation", 0.8, at("à distance", 2, 5), "test"),
                SuggestionRow("d1", 0, "fonctionnelle", 0.5, at("gagner du temps", 3, 6), "test"),
                SuggestionRow("d1", 1, "securite", 0.6, at("sauvegarde", 25, 30), "test"),
                SuggestionRow("d1", 1, "localisation", 0.4, at("à distance", 22, 24), "test"),
            ],
        )
    return path


def test_terms_are_counted_right_or_wrong_by_the_verbatim_they_stand_in(terms_path: Path) -> None:
    from vmatrix.coding.evaluate import term_counts

    with Corpus(terms_path) as corpus:
        counts = term_counts(corpus)
        strict = term_counts(corpus, min_score=0.5)
    assert [(c.value, c.term, c.right, c.wrong) for c in counts] == [
        ("fonctionnelle", "gagner du temps", 0, 1),  # most wrong first, then least right
        ("localisation", "à distance", 1, 1),
        ("securite", "sauvegarde", 1, 0),
    ]
    assert counts[0].example == "« gagner du temps » (d1 row 2, coded localisation)"
    assert counts[1].precision == 0.5 and counts[2].example == ""
    # from 0.5, the localisation suggestion of 0.4 no longer counts
    assert [(c.term, c.right, c.wrong) for c in strict if c.value == "localisation"] == [("à distance", 1, 0)]


def test_cli_terms(terms_path: Path) -> None:
    done = runner.invoke(app, ["-C", str(terms_path), "evaluate", "--terms", "--top", "2", "-f", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert [(r["term"], r["right"], r["wrong"], r["precision"]) for r in rows] == [
        ("gagner du temps", 0, 1, 0.0),
        ("à distance", 1, 1, 0.5),
    ]
    assert "3 term(s)" in done.stderr and "2 times right, 2 wrong" in done.stderr
    both = runner.invoke(app, ["-C", str(terms_path), "evaluate", "--terms", "--tools"])
    assert both.exit_code != 0 and "--tools and --terms are different reports" in both.stderr


def test_cli_terms_without_evidence_says_what_to_run(corpus_path: Path) -> None:
    done = runner.invoke(app, ["-C", str(corpus_path), "evaluate", "--terms"])
    assert done.exit_code != 0
    assert "run `vmatrix suggest` on the coded documents first" in done.stderr
