"""Open an HTML file in Debian's headless Chromium and read back what it rendered.

Driven by Playwright's Python package with the system browser (never a browser of
Playwright's own): the page is loaded from file:// with every other request refused and
recorded, the console and page errors collected, the DOM read after load and a
screenshot taken.

    python -m tests.browser docs/report-screenshot.png

writes the screenshot of the example corpus' report (the one the README shows).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",  # root, as on CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)"
    return None


@dataclass
class Rendered:
    title: str
    sections: list[str]  # ids of the <section>s, in order
    headings: list[str]  # text of the <h2>s
    text: str  # the page's text as the browser lays it out (innerText)
    figures: list[dict[str, Any]]  # each inline SVG: aria-label, <title>, rendered size, its texts
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    refused: list[str] = field(default_factory=list)  # the ones that were not file://
    console: list[str] = field(default_factory=list)  # console errors and warnings, page errors


def render(page: Path, screenshot: Path, *, width: int = 1200, height: int = 1400) -> Rendered:
    """Load ``page`` in a fresh profile with the network refused; screenshot the top."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    refused: list[str] = []
    console: list[str] = []

    def route(found: Any) -> None:
        url = found.request.url
        if url.startswith("file://"):
            found.continue_()
        else:
            refused.append(url)
            found.abort()

    with tempfile.TemporaryDirectory(prefix="vmatrix-chromium-") as profile, sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": width, "height": height},
            offline=True,
        )
        try:
            context.route("**/*", route)
            tab = context.new_page()
            tab.on("request", lambda request: requests.append(request.url))
            tab.on(
                "console",
                lambda message: (
                    console.append(f"{message.type}: {message.text}")
                    if message.type in ("error", "warning")
                    else None
                ),
            )
            tab.on("pageerror", lambda error: console.append(f"page error: {error}"))
            tab.goto(page.resolve().as_uri(), wait_until="load")
            rendered = Rendered(
                title=tab.title(),
                sections=tab.eval_on_selector_all("section", "all => all.map(s => s.id)"),
                headings=tab.eval_on_selector_all("main h2", "all => all.map(h => h.innerText)"),
                text=tab.inner_text("body"),
                figures=tab.eval_on_selector_all(
                    "svg",
                    """all => all.map(svg => {
                        const box = svg.getBoundingClientRect();
                        return {
                            role: svg.getAttribute('role'),
                            label: svg.getAttribute('aria-label'),
                            title: svg.querySelector('title') ? svg.querySelector('title').textContent : null,
                            width: box.width,
                            height: box.height,
                            texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent),
                            painted: Array.from(svg.querySelectorAll('text')).filter(
                                t => t.getBBox().width > 0).length,
                        };
                    })""",
                ),
                requests=requests,
                refused=refused,
                console=console,
            )
            tab.screenshot(path=str(screenshot))
        finally:
            context.close()
    return rendered


def shrink(png: Path, colours: int = 96) -> None:
    """A screenshot in a palette of ``colours``: a fraction of the size, as readable."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)


def example_report(folder: Path) -> Path:
    """The report of the example corpus: the demo's corpus (ingest, suggest, the coding
    sheet) and the second coder's sheet, so that every section is there."""
    from vmatrix.coding.codebook import load_codebook
    from vmatrix.corpus.store import Corpus
    from vmatrix.demo import build, example_files
    from vmatrix.output.report import ReportOptions
    from vmatrix.output.report import build as report
    from vmatrix.sheets.validate import validate_sheets

    codebook = load_codebook()
    with Corpus(folder / "examples.db", create=True) as corpus:
        build(corpus, codebook)
        second = example_files()[2].with_name("codes-coder2.csv")
        assert validate_sheets(corpus, [second], codebook).ok
        made = report(corpus, codebook, ReportOptions(title="Transition numérique des PME : exemple"))
    page = folder / "study.html"
    page.write_text(made.html, encoding="utf-8")
    return page


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/report-screenshot.png")
    reason = missing()
    if reason:
        sys.exit(f"cannot take the screenshot: {reason}")
    with tempfile.TemporaryDirectory() as work:
        page = example_report(Path(work))
        shot = Path(work) / "shot.png"
        result = render(page, shot)
        assert not result.refused and not result.console, (result.refused, result.console)
        shrink(shot)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
    print(f"{target}: {target.stat().st_size // 1024} KB")
