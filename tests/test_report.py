"""`vmatrix report`: one self-contained HTML page, every section, escaped user data.

The page is checked here as text and as parsed HTML; tests/test_report_browser.py loads
it in a real browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA
from tests.corpus_builder import Doc, add_document, code, small_corpus, store_codes
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.errors import NothingToShow
from vmatrix.output.report import ReportOptions, build

runner = CliRunner()
HOSTILE = "<script>alert('x')</script> & <img src=http://example.org/t.png>"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small corpus, a second coder on two of its documents, and a transcript and
    attribute holding markup (user data that must stay text)."""
    path = small_corpus(tmp_path_factory.mktemp("report") / "c.db")
    with Corpus(path) as corpus, corpus.transaction():
        add_document(
            corpus,
            Doc(
                "entretien-11",
                [("Q", "Et alors\u00a0?"), ("R", f"Le site, c’est {HOSTILE} et ça fait gagner du temps.")],
                attributes={"role": "dirigeant", "sector": "<b>bâtiment</b>"},
            ),
        )
        store_codes(
            corpus,
            [code(corpus, "entretien-11", f"c’est {HOSTILE} et", ["fonctionnelle"], row=2, tool="site-web")],
            sheet="hostile",
        )
        second = [
            code(
                corpus,
                "entretien-01",
                "On gagne du temps, les clients commandent à distance.",
                ["fonctionnelle"],
                row=2,
                coder="B",
                tool="site-web",
            ),
            code(
                corpus,
                "entretien-02",
                "Sur les réseaux sociaux on partage nos vendanges avec la communauté.",
                ["socialisation", "sociale"],
                row=3,
                coder="B",
                tool="reseaux-sociaux",
            ),
        ]
        store_codes(corpus, second, sheet="coder-b")
    return path


@pytest.fixture(scope="module")
def page(db: Path) -> str:
    """The report with the default options, made once for the tests that only read it."""
    return make(db, DATA)


def make(db: Path, data: Path, **options: object) -> str:
    with Corpus(db) as corpus:
        return build(corpus, load_codebook(data / "outputs-codebook.toml"), ReportOptions(**options)).html  # type: ignore[arg-type]


class Page(HTMLParser):
    """Tags, attributes and text of a page, and whether it nests correctly."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "link", "input", "hr", "col"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    return parser


def test_every_section_with_a_table_of_contents(page: str) -> None:
    parsed = parse(page)
    sections = [a["id"] for tag, a in parsed.tags if tag == "section"]
    assert sections == ["corpus", "codebook", "matrix", "tools", "quotes", "agreement", "suggestions"]
    links = [a["href"] for tag, a in parsed.tags if tag == "a"]
    assert links == [f"#{s}" for s in sections]
    text = "".join(parsed.text)
    for heading in ("Corpus", "Codebook", "Interaction matrix", "Tool table", "Agreement between coders"):
        assert heading in text
    assert "2 coders (A, B)" in text


def test_tables_have_scoped_headers(page: str) -> None:
    parsed = parse(page)
    scopes = [a.get("scope") for tag, a in parsed.tags if tag == "th"]
    assert scopes.count("col") > 40 and scopes.count("row") > 30
    assert set(scopes) <= {"col", "row", None}
    assert sum(1 for tag, _ in parsed.tags if tag == "caption") >= 6


def test_figures_are_inline_svg_with_text_alternatives(page: str) -> None:
    parsed = parse(page)
    svgs = [a for tag, a in parsed.tags if tag == "svg"]
    assert len(svgs) == 2
    for svg in svgs:
        assert svg["role"] == "img" and (svg["aria-label"] or "").startswith(("Heat map", "Network"))
    assert page.count("<title id=") == 2
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # two figures in one page share no id
    assert "Épistémique" in page and "Sécurité" in page


def test_nothing_fetched_or_run(page: str) -> None:
    parsed = parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio"}
    assert not any(name in a for _, a in parsed.tags for name in ("src", "srcset", "onload", "onerror"))
    assert "@import" not in page and "url(http" not in page and "@font-face" not in page
    csp = next(a["content"] for tag, a in parsed.tags if tag == "meta" and a.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none'")


def test_user_data_is_escaped(page: str) -> None:
    assert "<script>" not in page and "<b>bâtiment</b>" not in page and "<img" not in page
    escaped = (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=http://example.org/t.png&gt;"
    )
    assert escaped in page
    text = "".join(parse(page).text)
    assert HOSTILE in text and "<b>bâtiment</b>" in text  # shown as written


def test_quotes_in_french_quotation_marks_with_their_source(page: str) -> None:
    text = "".join(parse(page).text)
    nbsp = "\u00a0"
    assert f"«{nbsp}On gagne du temps, les clients commandent à distance.{nbsp}» (Entretien 1)" in text
    shared = "Sur les réseaux sociaux on partage nos vendanges avec la communauté."
    assert f"«{nbsp}{shared}{nbsp}» (Entretien 2)" in text
    assert "Qu’est-ce que" not in text  # the interviewer's question is not a quote
    assert "coded by A" in text and "coded by B" in text  # two coders: whose quote is which
    assert "orphaned" not in text or "L’ERP leur a appris" not in text


def test_where_title_and_quotes_per_value_form(db: Path, data: Path, page: str) -> None:
    assert "Fonctionnelle (5 verbatims)" in "".join(parse(page).text)  # all 5 under the default 10
    chosen = make(db, data, where=["role=dirigeant"], title="Transition numérique « PME »", quotes=1)
    text = "".join(parse(chosen).text)
    assert "<title>Transition numérique « PME »</title>" in chosen
    assert "selection: role=dirigeant" in text
    assert "Fonctionnelle (1 of 5 verbatims)" in text and "at most 1 per value form" in text
    assert "(Entretien 10)" not in text  # the expert's quotes left out
    assert "(Entretien 1)" in text
    assert "3 of them hold the verbatims reported here" in text  # entretien-01, -02 and -11


def test_suggestions_as_the_source(db: Path, data: Path) -> None:
    suggested = "".join(parse(make(db, data, source="suggested")).text)
    assert "(suggestions)" in suggested and "Tool table" not in suggested
    assert "Agreement between coders" not in suggested and "Suggestions and manual codes" not in suggested
    assert "matrix unit: segment" in suggested


def test_same_corpus_same_page(db: Path, data: Path, page: str) -> None:
    assert make(db, data) == page


def test_empty_selection_is_an_error(db: Path, data: Path, tmp_path: Path) -> None:
    with pytest.raises(NothingToShow, match="no verbatim of the manual codes meets --where role=expert"):
        make(db, data, where=["role=expert", "document=entretien-01"])
    empty = tmp_path / "empty.db"
    with Corpus(empty, create=True) as corpus:
        add_document(corpus, Doc("entretien-01", [("R", "Bonjour.")]))
    out = tmp_path / "study.html"
    result = runner.invoke(app, ["-C", str(empty), "report", "-o", str(out)])
    assert result.exit_code == 1
    assert "nothing to report: the corpus holds no manual codes" in result.stderr
    assert not out.exists()


def test_cli_writes_the_page(db: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "study.html"
    args = ["-C", str(db), "report", "--codebook", str(data / "outputs-codebook.toml"), "-o", str(out)]
    result = runner.invoke(app, [*args, "--title", "Étude"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Wrote" in result.stderr and "agreement between coders" in result.stderr
    assert result.stdout == ""
