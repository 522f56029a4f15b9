"""`vmatrix plot`: valid PNG, SVG and PDF files, the labels kept as text, the same bytes from
one run to the next, and a clear error instead of an empty picture."""

from __future__ import annotations

import itertools
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.corpus_builder import small_corpus
from vmatrix.analysis.matrix import MatrixOptions, compute
from vmatrix.analysis.units import load
from vmatrix.cli import app
from vmatrix.coding.codebook import load_codebook
from vmatrix.corpus.store import Corpus
from vmatrix.output import figures

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
LABELS = [
    "Fonctionnelle",
    "Personnalisation",
    "Localisation",
    "Sociale",
    "Hédonique",
    "Épistémique",
    "Actualisation",
    "Socialisation",
    "Traditionnelle",
    "Sécurité",
    "Bénévolence",
]
KINDS = {
    "matrix": ["plot", "matrix", "--unit", "tool"],
    "network": ["plot", "network", "--unit", "document"],
    "stats": ["plot", "network", "--stats"],
    "values": ["plot", "values", "--by", "role"],
    "stacked": ["plot", "values", "--by", "tool", "--stacked", "--percent"],
    "split": ["plot", "matrix", "--split", "role"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_corpus(tmp_path_factory.mktemp("plot") / "c.db")


def plot(db: Path, data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["-C", str(db), *args, "--codebook", str(data / "outputs-codebook.toml")])


def svg_texts(path: Path) -> list[str]:
    root = ET.fromstring(path.read_bytes())
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [*((kind, "svg") for kind in KINDS), ("matrix", "png"), ("values", "png"), ("stats", "pdf")],
)
def test_each_plot_writes_a_valid_file(db: Path, data: Path, tmp_path: Path, kind: str, fmt: str) -> None:
    out = tmp_path / f"figure.{fmt}"
    result = plot(db, data, *KINDS[kind], "-o", str(out))
    assert result.exit_code == 0, result.output
    body = out.read_bytes()
    if fmt == "png":
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", body[16:24])
        assert 400 < width < 4000 and 300 < height < 4000
    elif fmt == "pdf":
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
        assert b"CreationDate" not in body
        assert b"DejaVuSans" in body  # the font with French accents, embedded
    else:
        texts = svg_texts(out)
        for label in LABELS:  # every value form, accents intact, as searchable text
            assert any(label in t for t in texts), (label, texts)
        assert b"<dc:date>" not in body


def test_heatmap_shows_counts_marks_and_the_legend(db: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.svg"
    assert plot(db, data, "plot", "matrix", "--unit", "document", "-o", str(out)).exit_code == 0
    texts = svg_texts(out)
    # by document: fonctionnelle in 3 documents, with sociale in 2 (a weak link, under 3)
    pairs = list(itertools.pairwise(texts))
    assert ("2", "○") in pairs and "3" in texts and "●" not in texts
    assert any("strong link (≥ 3)" in t for t in texts)
    assert any("unit: document, 3 units" in t for t in texts)


def test_split_draws_one_panel_per_group(db: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.svg"
    assert plot(db, data, "plot", "matrix", "--split", "role", "-o", str(out)).exit_code == 0
    texts = svg_texts(out)
    assert any(t.startswith("role = dirigeant (5 units)") for t in texts)
    assert any(t.startswith("role = expert (2 units)") for t in texts)


def test_values_by_key_labels_groups_with_their_units(db: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.svg"
    assert plot(db, data, "plot", "values", "--by", "role", "-o", str(out)).exit_code == 0
    texts = svg_texts(out)
    assert "dirigeant (5)" in texts and "expert (2)" in texts
    assert "units (segment) carrying the form" in texts
    out = tmp_path / "p.svg"
    assert plot(db, data, "plot", "values", "--by", "role", "--percent", "-o", str(out)).exit_code == 0
    texts = svg_texts(out)
    assert "% of the group's units (segment)" in texts
    assert "60.0" in texts and "50.0" in texts  # fonctionnelle: 3 of the managers' 5, 1 of the experts' 2


def test_same_corpus_same_bytes(db: Path, data: Path, tmp_path: Path) -> None:
    """Twice in this process, and once more in another process with another hash seed."""
    for kind in ("matrix", "stats"):
        for fmt in ("svg", "pdf"):
            first, second = tmp_path / f"a-{kind}.{fmt}", tmp_path / f"b-{kind}.{fmt}"
            assert plot(db, data, *KINDS[kind], "-o", str(first)).exit_code == 0
            assert plot(db, data, *KINDS[kind], "-o", str(second)).exit_code == 0
            assert first.read_bytes() == second.read_bytes(), (kind, fmt)
    other = tmp_path / "c-matrix.svg"
    command = [sys.executable, "-m", "vmatrix", "-C", str(db), *KINDS["matrix"], "-o", str(other)]
    command += ["--codebook", str(data / "outputs-codebook.toml")]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert other.read_bytes() == (tmp_path / "a-matrix.svg").read_bytes()


def test_network_draws_attractions_and_repulsions_apart(db: Path, data: Path) -> None:
    with Corpus(db) as corpus:
        analysis = load(corpus, load_codebook(data / "outputs-codebook.toml"))
        options = MatrixOptions(stats=True)
        (matrix,) = compute(analysis, options)
    assert matrix.pairs is not None
    assert not any(p.link for p in matrix.pairs)  # seven codes: nothing significant
    plain = figures.network(analysis, [matrix], options, "svg").decode()
    assert "No pair departs significantly from independence." in plain
    assert plain.count("stroke: #0072b2") == 1 and plain.count("stroke: #d55e00") == 1  # the legend
    together = next(p for p in matrix.pairs if p.row == "fonctionnelle" and p.col == "localisation")
    apart = next(p for p in matrix.pairs if p.row == "fonctionnelle" and p.col == "sociale")
    together.link, apart.link = "attraction", "repulsion"
    drawn = figures.network(analysis, [matrix], options, "svg").decode()
    assert "No pair departs" not in drawn
    assert drawn.count("stroke: #0072b2") == 2  # the edge and its legend line
    assert drawn.count("stroke: #d55e00") == 2
    assert "stroke-dasharray" in drawn
    assert "attraction: together more than chance" in drawn


def test_positions_are_fixed_round_a_circle() -> None:
    points = figures.positions(4)
    assert points[0] == pytest.approx((0.0, 1.0))
    assert points[1] == pytest.approx((1.0, 0.0))  # clockwise
    assert figures.positions(11) == figures.positions(11)


def test_empty_selection_is_an_error_not_an_empty_picture(db: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.svg"
    result = plot(
        db, data, "plot", "matrix", "--where", "role=expert", "--where", "tool=site-web", "-o", str(out)
    )
    assert result.exit_code == 1
    assert "nothing to draw" in result.stderr and "--where role=expert" in result.stderr
    assert not out.exists()
    result = plot(
        db,
        data,
        "plot",
        "network",
        "--source",
        "suggested",
        "--where",
        "role=dirigeant",
        "--where",
        "document=entretien-10",
        "-o",
        str(out),
    )
    assert result.exit_code == 1 and "nothing to draw" in result.stderr
    empty = tmp_path / "empty.db"
    Corpus(empty, create=True).close()
    result = plot(empty, data, "plot", "values", "--by", "document", "-o", str(out))
    assert result.exit_code == 1
    assert "holds no manual codes" in result.stderr and "vmatrix validate" in result.stderr
    assert not out.exists()


def test_values_by_value_points_to_the_matrix(db: Path, data: Path, tmp_path: Path) -> None:
    result = plot(db, data, "plot", "values", "--by", "valeurs", "-o", str(tmp_path / "v.png"))
    assert result.exit_code == 1 and "vmatrix plot matrix" in result.stderr


def test_bad_file_names(db: Path, data: Path, tmp_path: Path) -> None:
    result = plot(db, data, "plot", "matrix", "-o", str(tmp_path / "figure.jpg"))
    assert result.exit_code == 1 and ".png, .svg or .pdf" in result.stderr
    result = plot(db, data, "plot", "matrix", "-o", str(tmp_path / "missing" / "figure.png"))
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_inline_svg_for_a_page() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="1pt" xmlns="http://www.w3.org/2000/svg">'
        b'<metadata>x</metadata><defs><clipPath id="p1"/></defs><g id="a" clip-path="url(#p1)"/>'
        b'<use xlink:href="#a"/></svg>'
    )
    text = figures.inline_svg(svg, title="Matrice <des> « formes »", prefix="fig2")
    assert text.startswith('<svg width="1pt"')
    assert 'role="img" aria-label="Matrice &lt;des&gt; « formes »"' in text
    assert '<title id="fig2-title">Matrice &lt;des&gt; « formes »</title>' in text
    assert 'id="fig2-p1"' in text and "url(#fig2-p1)" in text and 'href="#fig2-a"' in text
    assert "metadata" not in text and "DOCTYPE" not in text
