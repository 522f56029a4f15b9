"""The report of the example corpus, opened in a real browser (Debian's headless Chromium).

The page is loaded from disk with every request but file:// refused; the test reads back
the DOM after load and checks every section, figure and quote is there, that nothing was
asked of the network and that the console shows no error. The screenshot is kept with
the test's files (the README shows the one `python -m tests.browser` writes).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests import browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing())),
]
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, browser.Rendered, Path]:
    folder = tmp_path_factory.mktemp("browser")
    page = browser.example_report(folder)
    return page.read_text(encoding="utf-8"), browser.render(page, folder / "report.png"), folder


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace(NBSP, " ").split())


def test_every_section_is_rendered(shown: tuple[str, browser.Rendered, Path]) -> None:
    _, rendered, _ = shown
    assert rendered.title == "Transition numérique des PME : exemple"
    assert rendered.sections == [
        "corpus",
        "codebook",
        "matrix",
        "tools",
        "quotes",
        "agreement",
        "suggestions",
    ]
    assert rendered.headings == [
        "Corpus",
        "Codebook",
        "Interaction matrix",
        "Tool table",
        "Quotes by value form",
        "Agreement between coders",
        "Suggestions and manual codes",
    ]
    text = flat(rendered.text)
    for expected in (
        "Entretien 8",
        "Mme Lefèvre",
        "Enquêtrice",
        "organisme d'expertise",
        "2 coders (CM, JB)",
    ):
        assert expected in text


def test_figures_are_drawn_with_their_text(shown: tuple[str, browser.Rendered, Path]) -> None:
    _, rendered, _ = shown
    assert len(rendered.figures) == 2
    for figure in rendered.figures:
        assert figure["role"] == "img" and figure["label"] == figure["title"]
        assert figure["width"] > 500 and figure["height"] > 400  # laid out, not collapsed
        assert figure["painted"] == len(figure["texts"]) > 11  # every label drawn
        for label in ("Fonctionnelle", "Épistémique", "Hédonique", "Sécurité", "Bénévolence"):
            assert any(label in t for t in figure["texts"])


def test_every_quote_is_rendered(shown: tuple[str, browser.Rendered, Path]) -> None:
    page, rendered, _ = shown
    quotes = re.findall(r'<blockquote lang="fr"><p>(.*?)</p>', page)
    assert len(quotes) > 40
    text = flat(rendered.text)
    for quote in quotes:
        assert flat(_unescape(quote)) in text
    assert "« Un devis d’escalier, avant, ça me prenait une demi-journée" in text
    assert re.search(r"« [^«»]+ » \(Entretien \d\)", text)


def test_nothing_requested_from_the_network_and_no_console_error(
    shown: tuple[str, browser.Rendered, Path],
) -> None:
    _, rendered, _ = shown
    assert rendered.refused == []
    assert all(url.startswith("file://") for url in rendered.requests)
    assert len(rendered.requests) == 1  # the page itself: no font, image or style fetched
    assert rendered.console == []


def test_screenshot_is_taken(shown: tuple[str, browser.Rendered, Path]) -> None:
    from PIL import Image

    _, _, folder = shown
    with Image.open(folder / "report.png") as image:
        assert image.size == (1200, 1400)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # a page was painted, not a blank


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_check_sees_requests_and_errors(tmp_path: Path) -> None:
    """The harness itself: a page that asks the network and logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>'
        '<img src="http://127.0.0.1:9/pixel.png" alt="">'
        "<script>console.error('broken')</script></body></html>",
        encoding="utf-8",
    )
    rendered = browser.render(page, tmp_path / "bad.png")
    assert rendered.refused == ["http://127.0.0.1:9/pixel.png"]
    assert any("broken" in line for line in rendered.console)
