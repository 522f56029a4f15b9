"""Figures: the interaction matrix as a heat map, the network of value forms, and value
forms counted by a key, as PNG, SVG or PDF.

In: the matrices of :mod:`vmatrix.analysis.matrix` (what ``vmatrix matrix`` prints). Out:
the bytes of a file. The same corpus and options give the same bytes: no creation date,
ids hashed with a fixed salt, a fixed layout (value forms round a circle in codebook
order). Text stays text (SVG ``<text>``, PDF TrueType) in DejaVu Sans, which ships with
matplotlib and has every French accent, so labels are searchable and copyable.

matplotlib is imported inside these functions only: other commands never pay for it.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from vmatrix.analysis.matrix import STRONG_MARK, WEAK_MARK, Matrix, MatrixOptions, describe
from vmatrix.analysis.units import Analysis
from vmatrix.errors import NothingToShow, UsageError

FORMATS = ("png", "svg", "pdf")

# Colours read apart by colour-blind readers (ColorBrewer's RdBu ends, Okabe-Ito's
# blue and vermilion): blue for what goes together, vermilion for what repels.
_CMAP = "Blues"
_STRONG = "#08519c"
_WEAK = "#6baed6"
_ATTRACTION = "#0072b2"
_REPULSION = "#d55e00"
_SERVICE = "#4e79a7"  # service values (found in every service)
_USER = "#59a14f"  # user values
_EMPTY = "#bbbbbb"
_DIAGONAL = "#eeeeee"
# Grouped and stacked bars: Okabe-Ito first, then tab20 for long keys.
_GROUP_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"]
_MAX_GROUPS = 20

_STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "svg.fonttype": "none",  # text as <text>, searchable
    "svg.hashsalt": "vmatrix",  # clip-path ids the same from run to run
    "pdf.fonttype": 42,  # TrueType: text selectable in the PDF
    "axes.titlesize": 10,
    "figure.dpi": 100,
    "savefig.dpi": 150,
}
_METADATA = {
    "svg": {"Date": None, "Creator": "vmatrix"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "vmatrix", "Producer": "vmatrix"},
    "png": {"Software": "vmatrix"},
}


def file_format(path: Path) -> str:
    """The figure format a file name asks for, by its extension."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"cannot tell the figure format of {path.name!r}: name the file .png, .svg or .pdf")
    return fmt


@contextlib.contextmanager
def _style() -> Iterator[Any]:
    """matplotlib with the Agg backend and vmatrix's settings, for one figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(_STYLE):
        yield matplotlib


def _save(figure: Any, fmt: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata=_METADATA[fmt], bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


# -- checks ----------------------------------------------------------------------------


def require_units(analysis: Analysis, matrices: Sequence[Matrix], options: MatrixOptions) -> None:
    """An empty selection is an error that says why, never an empty picture."""
    if any(m.table.units for m in matrices):
        return
    if not analysis.verbatims or options.where:
        raise nothing_selected(analysis, options.where, "draw")
    source = "manual codes" if analysis.source == "manual" else "suggestions"
    unit = analysis.resolve_unit(options.unit)
    raise NothingToShow(
        f"nothing to draw: no verbatim of the {source} names a {unit}; "
        "count by segment or document (--unit segment)"
    )


def nothing_selected(analysis: Analysis, where: Sequence[str], doing: str) -> NothingToShow:
    """Why a figure or a report has no verbatim to show: the corpus holds none of its
    source, or none meets the ``--where`` conditions."""
    source = "manual codes" if analysis.source == "manual" else "suggestions"
    if not analysis.verbatims:
        hint = (
            "store a coding sheet with `vmatrix validate`, or use the suggestions (--source suggested)"
            if analysis.source == "manual"
            else "run `vmatrix suggest`"
        )
        return NothingToShow(f"nothing to {doing}: the corpus holds no {source}; {hint}")
    conditions = " and ".join(f"--where {w}" for w in where)
    return NothingToShow(
        f"nothing to {doing}: no verbatim of the {source} meets {conditions}; loosen the --where conditions"
    )


# -- the heat map ------------------------------------------------------------------------


def heatmap(analysis: Analysis, matrices: Sequence[Matrix], options: MatrixOptions, fmt: str) -> bytes:
    """The interaction matrix as a heat map, one panel per ``--split`` group: cells shaded
    by the measure, with the count and the link mark (● strong, ○ weak); the diagonal,
    in grey, counts the units carrying each form."""
    require_units(analysis, matrices, options)
    with _style():
        from matplotlib.figure import Figure

        panels = [m for m in matrices if m.table.units] if len(matrices) > 1 else list(matrices)
        n = len(panels)
        columns = 1 if n == 1 else 2
        lines = math.ceil(n / columns)
        size = len(panels[0].table.rows)
        side = max(4.5, 0.48 * size + 2.2)
        figure = Figure(figsize=(side * columns + 0.9, side * lines + 0.9), layout="constrained")
        axes = figure.subplots(lines, columns, squeeze=False)
        top = max((_off_diagonal_max(m) for m in panels), default=0.0) or 1.0
        image = None
        for k, matrix in enumerate(panels):
            ax = axes[k // columns][k % columns]
            image = _heat_panel(analysis, ax, matrix, options, top)
            ax.set_title(_wrap(_panel_title(analysis, matrix, options, many=n > 1), 75), loc="left")
        for k in range(n, lines * columns):
            axes[k // columns][k % columns].set_visible(False)
        assert image is not None
        bar = figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.6, pad=0.02)
        bar.set_label(_measure_label(options))
        figure.text(
            0.0,
            -0.01,
            f"{STRONG_MARK} strong link (≥ {panels[0].strong:g})   {WEAK_MARK} weak link"
            + (f" (≥ {panels[0].weak:g})" if panels[0].weak is not None else "")
            + "   grey diagonal: units carrying the form",
            fontsize=8,
            color="#444444",
            ha="left",
            va="top",
        )
        if n > 1:
            figure.suptitle(_wrap(_common_title(analysis, panels[0], options), 90), x=0.0, ha="left")
        return _save(figure, fmt)


def _heat_panel(analysis: Analysis, ax: Any, matrix: Matrix, options: MatrixOptions, top: float) -> Any:
    import numpy as np

    table = matrix.table
    rows, cols = len(table.rows), len(table.cols)
    diagonal = np.zeros((rows, cols), dtype=bool)
    if table.symmetric:
        for r, label in enumerate(table.rows):
            if label in table.cols:
                diagonal[r, table.cols.index(label)] = True
    values = np.ma.masked_array(np.array(matrix.cells, dtype=float), mask=diagonal)
    # Cells as vector quads (pcolormesh), not a raster image: sharp in SVG and PDF, and small.
    image = ax.pcolormesh(values, cmap=_CMAP, vmin=0, vmax=top, edgecolors="white", linewidth=1.2)
    ax.set_facecolor(_DIAGONAL)  # the masked diagonal shows the axes' background
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    digits = 2 if options.measure in ("jaccard", "c") and not options.percent else 1
    for r in range(rows):
        for c in range(cols):
            if diagonal[r, c]:
                ax.text(
                    c + 0.5,
                    r + 0.5,
                    str(table.row_units[r]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    weight="bold",
                )
                continue
            value = matrix.cells[r][c]
            if not value:
                continue
            mark = matrix.marks[r][c]
            text = f"{_number(value, digits)}\n{mark}" if mark else _number(value, digits)
            dark = value / top > 0.55
            ax.text(
                c + 0.5,
                r + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=7.5,
                linespacing=1.0,
                color="white" if dark else "#111111",
            )
    ax.set_xticks([c + 0.5 for c in range(cols)], [analysis.display(table.cols_key, c) for c in table.cols])
    ax.set_yticks([r + 0.5 for r in range(rows)], [analysis.display(table.rows_key, r) for r in table.rows])
    ax.tick_params(axis="x", rotation=45, length=0)
    ax.tick_params(axis="y", length=0)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


def _off_diagonal_max(matrix: Matrix) -> float:
    table = matrix.table
    return max(
        (
            v
            for r, line in enumerate(matrix.cells)
            for c, v in enumerate(line)
            if not (table.symmetric and table.rows[r] == table.cols[c])
        ),
        default=0.0,
    )


def _measure_label(options: MatrixOptions) -> str:
    if options.percent:
        return f"% of the {'row' if options.percent == 'row' else 'column'}'s units"
    return {
        "count": "units carrying both forms",
        "percent": "% of all units",
        "jaccard": "Jaccard index",
        "c": "c-coefficient",
    }[options.measure]


def _panel_title(analysis: Analysis, matrix: Matrix, options: MatrixOptions, *, many: bool) -> str:
    if many and matrix.split:
        key, label = matrix.split
        return f"{analysis.key_label(key)} = {analysis.display(key, label)} ({matrix.table.units} units)"
    return describe(analysis, matrix, options)


def _common_title(analysis: Analysis, matrix: Matrix, options: MatrixOptions) -> str:
    title = describe(analysis, matrix._replace(split=None), options)
    return re.sub(r", \d+ units;", ";", title)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _number(value: float, digits: int) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


# -- the network ----------------------------------------------------------------------------


def positions(n: int) -> list[tuple[float, float]]:
    """Points round a unit circle, the first at the top, then clockwise: the value forms
    in codebook order, so the picture is the same from one corpus to the next."""
    return [
        (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n))
        for i in range(n)
    ]


def network(analysis: Analysis, matrices: Sequence[Matrix], options: MatrixOptions, fmt: str) -> bytes:
    """Value forms as nodes round a circle, sized by the units carrying them; edges weighted
    by co-occurrence (● strong, ○ weak links) or, with ``--stats``, the significant
    attractions (solid) and repulsions (dashed) of Fisher's test, the other pairs left out."""
    require_units(analysis, matrices, options)
    with _style():
        from matplotlib.figure import Figure

        panels = [m for m in matrices if m.table.units] if len(matrices) > 1 else list(matrices)
        n = len(panels)
        columns = 1 if n == 1 else 2
        lines = math.ceil(n / columns)
        figure = Figure(figsize=(7.2 * columns, 6.6 * lines), layout="constrained")
        axes = figure.subplots(lines, columns, squeeze=False)
        biggest = max(max(m.table.row_units, default=0) for m in panels) or 1
        for k, matrix in enumerate(panels):
            ax = axes[k // columns][k % columns]
            _network_panel(analysis, ax, matrix, options, biggest)
            ax.set_title(_wrap(_panel_title(analysis, matrix, options, many=n > 1), 75), loc="left")
        for k in range(n, lines * columns):
            axes[k // columns][k % columns].set_visible(False)
        if n > 1:
            figure.suptitle(_wrap(_common_title(analysis, panels[0], options), 90), x=0.0, ha="left")
        figure.legend(
            handles=_network_legend(panels[0], options, biggest),
            loc="outside lower center",
            ncols=3,
            frameon=False,
            fontsize=8,
        )
        return _save(figure, fmt)


def _network_panel(analysis: Analysis, ax: Any, matrix: Matrix, options: MatrixOptions, biggest: int) -> None:
    table = matrix.table
    at = positions(len(table.rows))
    index = {label: i for i, label in enumerate(table.rows)}
    if options.stats:
        assert matrix.pairs is not None
        significant = [p for p in matrix.pairs if p.link]
        for pair in significant:
            (x1, y1), (x2, y2) = at[index[pair.row]], at[index[pair.col]]
            if pair.link == "attraction":
                lift = pair.lift or 1.0
                width = 1.2 + 1.6 * min(3.0, math.log2(max(lift, 1.0)))
                ax.plot(
                    [x1, x2], [y1, y2], color=_ATTRACTION, linewidth=width, solid_capstyle="round", zorder=1
                )
            else:
                ax.plot(
                    [x1, x2], [y1, y2], color=_REPULSION, linewidth=2.0, linestyle=(0, (4, 2.5)), zorder=1
                )
        if not significant:
            ax.text(
                0,
                -1.4,
                "No pair departs significantly from independence.",
                ha="center",
                fontsize=8,
                color="#444444",
            )
    else:
        top = _off_diagonal_max(matrix) or 1.0
        for r in range(len(table.rows)):
            for c in range(r + 1, len(table.cols)):
                value = matrix.cells[r][c]
                if value <= 0:
                    continue
                (x1, y1), (x2, y2) = at[r], at[index[table.cols[c]]]
                strong = matrix.marks[r][c] == STRONG_MARK
                ax.plot(
                    [x1, x2],
                    [y1, y2],
                    color=_STRONG if strong else _WEAK,
                    linewidth=0.8 + 5.0 * value / top,
                    alpha=0.9 if strong else 0.75,
                    solid_capstyle="round",
                    zorder=1,
                )
    groups = {code.id: code.group for code in analysis.codebook.values}
    for i, label in enumerate(table.rows):
        units = table.row_units[i]
        x, y = at[i]
        colour = _USER if groups.get(label) == "user" else _SERVICE
        ax.scatter(
            [x],
            [y],
            s=_node_area(units, biggest),
            color=colour if units else "white",
            edgecolors="white" if units else _EMPTY,
            linewidths=1.5,
            zorder=2,
        )
        ax.text(
            1.16 * x,
            1.16 * y,
            f"{analysis.display('value', label)} ({units})",
            ha="left" if x > 0.3 else "right" if x < -0.3 else "center",
            va="bottom" if y > 0.3 else "top" if y < -0.3 else "center",
            fontsize=8.5,
            color="#222222" if units else "#888888",
        )
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.45, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")


def _node_area(units: int, biggest: int) -> float:
    return 60 + 900 * units / biggest if units else 60


def _network_legend(matrix: Matrix, options: MatrixOptions, biggest: int) -> list[Any]:
    from matplotlib.lines import Line2D

    def node(colour: str, label: str, size: float = 9, edge: str = "white") -> Any:
        return Line2D(
            [], [], marker="o", linestyle="", markersize=size, color=colour, markeredgecolor=edge, label=label
        )

    if options.stats:
        correction = "no correction" if options.correction == "none" else options.correction
        lines = [
            Line2D([], [], color=_ATTRACTION, linewidth=3, label="attraction: together more than chance"),
            Line2D(
                [],
                [],
                color=_REPULSION,
                linewidth=2,
                linestyle=(0, (4, 2.5)),
                label="repulsion: together less than chance",
            ),
            Line2D([], [], color="none", label=f"Fisher's exact test, {correction}, α = {options.alpha:g}"),
        ]
    else:
        weak = f" (≥ {matrix.weak:g})" if matrix.weak is not None else ""
        lines = [
            Line2D([], [], color=_STRONG, linewidth=4, label=f"strong link (≥ {matrix.strong:g})"),
            Line2D([], [], color=_WEAK, linewidth=2, label=f"weak link{weak}"),
            Line2D([], [], color="none", label=f"edge width: {_measure_label(options)}"),
        ]
    return [
        *lines,
        node(_SERVICE, "service value"),
        node(_USER, "user value"),
        node("white", f"node area: units carrying the form (largest {biggest})", edge=_EMPTY),
    ]


# -- value forms by a key -----------------------------------------------------------------


def values_by(
    analysis: Analysis,
    matrix: Matrix,
    options: MatrixOptions,
    fmt: str,
    *,
    stacked: bool = False,
) -> bytes:
    """Value forms (codebook order, top to bottom) as horizontal bars, one bar per label of
    the key (grouped) or one segment per label (stacked); counts of units, or with
    ``--percent`` the share of the group's units carrying the form."""
    table = matrix.table
    if table.cols_key == "value":
        raise UsageError("--by value counts value forms by themselves: that is `vmatrix plot matrix`")
    require_units(analysis, [matrix], options)
    groups = [i for i, n in enumerate(table.col_units) if n]
    if len(groups) > _MAX_GROUPS:
        raise UsageError(
            f"--by {table.cols_key} gives {len(groups)} groups, too many bars to read "
            f"(at most {_MAX_GROUPS}); keep some with --where {table.cols_key}=... or choose a coarser key"
        )
    with _style():
        import numpy as np
        from matplotlib.figure import Figure

        forms = len(table.rows)
        height = 1.2 + forms * (0.42 if stacked else max(0.42, 0.16 * len(groups) + 0.12))
        figure = Figure(figsize=(9.5, height), layout="constrained")
        ax = figure.subplots()
        colours = _colours(len(groups))
        y = np.arange(forms)
        band = 0.8
        left = np.zeros(forms)
        digits = 0 if not options.percent else 1
        for k, g in enumerate(groups):
            widths = np.array([matrix.cells[r][g] for r in range(forms)], dtype=float)
            name = f"{analysis.display(table.cols_key, table.cols[g])} ({table.col_units[g]})"
            if stacked:
                bars = ax.barh(y, widths, height=band, left=left, color=colours[k], label=name)
                left = left + widths
            else:
                step = band / len(groups)
                offset = -band / 2 + step * (k + 0.5)
                bars = ax.barh(y + offset, widths, height=step * 0.92, color=colours[k], label=name)
                ax.bar_label(
                    bars,
                    labels=[f"{w:.{digits}f}" if w else "" for w in widths],
                    padding=2,
                    fontsize=7,
                    color="#333333",
                )
        ax.set_yticks(y, [analysis.display("value", v) for v in table.rows])
        ax.invert_yaxis()
        unit = analysis.resolve_unit(options.unit)
        ax.set_xlabel(
            f"% of the group's units ({unit})" if options.percent else f"units ({unit}) carrying the form"
        )
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        source = "manual codes" if analysis.source == "manual" else "suggestions"
        key = analysis.key_label(table.cols_key)
        ax.set_title(
            _wrap(f"Value forms by {key} ({table.units} units: {unit}; {source})", 80),
            loc="left",
        )
        # Beside the bars, never over them.
        figure.legend(
            title=f"{key} (units)", loc="outside right upper", fontsize=8, title_fontsize=8, frameon=False
        )
        ax.margins(x=0.08 if not stacked else 0.03)
        return _save(figure, fmt)


def _colours(n: int) -> list[Any]:
    if n <= len(_GROUP_COLOURS):
        return _GROUP_COLOURS[:n]
    import matplotlib as mpl

    tab = mpl.colormaps["tab20"]
    return [tab(i % 20) for i in range(n)]


# -- inline SVG for HTML --------------------------------------------------------------------


def inline_svg(svg: bytes, *, title: str, prefix: str) -> str:
    """An SVG file as an element to put inside an HTML page: no XML prolog or metadata,
    ``role="img"`` with ``aria-label`` and a ``<title>`` (what a screen reader says), and
    its ids prefixed so that several figures in one page never share one."""
    import html

    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m[1]}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m[1]})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', text)
    label = html.escape(title, quote=True)
    text = re.sub(
        r"<svg\b([^>]*?)>",
        lambda m: (
            f'<svg{m[1]} role="img" aria-label="{label}">'
            f'<title id="{prefix}-title">{html.escape(title, quote=False)}</title>'
        ),
        text,
        count=1,
    )
    return text.strip() + "\n"
