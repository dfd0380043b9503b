"""Forest plots in the RevMan / R ``meta`` layout, drawn from the pooling tables.

One row per study (label, events/totals for dichotomous measures, a square sized by
its weight with its CI, the estimate and CI as text, fixed and random weights), then
diamonds for the fixed and random pooled rows, per subgroup when the analysis has
one, and under the axis the heterogeneity and overall-effect lines. Everything is
placed in inches from measured text widths, so the figure grows with its content and
nothing overlaps or is clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon

from reviewflow.io import atomic_path

FONT_SIZE = 8.0
ROW_HEIGHT = 0.21
"""Inches per table row: 8 pt text with RevMan-like spacing."""
MARGIN = 0.15
COLUMN_GAP = 0.14
PLOT_WIDTH = 2.6
DPI = 300
RATIO_MEASURES = ("HR", "OR", "RR")
MEASURE_NAMES = {
    "HR": "Hazard ratio",
    "OR": "Odds ratio",
    "RR": "Risk ratio",
    "RD": "Risk difference",
}
SQUARE_COLOUR = "#2f5597"
FIXED_COLOUR = "#1a1a1a"
RANDOM_COLOUR = "#9c2a2a"
AXIS_LIMITS = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
TICKS = {
    2.0: (0.5, 0.7, 1, 1.5, 2),
    5.0: (0.2, 0.5, 1, 2, 5),
    10.0: (0.1, 0.2, 0.5, 1, 2, 5, 10),
    20.0: (0.05, 0.2, 1, 5, 20),
    50.0: (0.02, 0.1, 1, 10, 50),
    100.0: (0.01, 0.1, 1, 10, 100),
}
"""Symmetric log axes as RevMan draws them: the smallest that holds every CI."""

plt.rcParams["svg.fonttype"] = "none"
plt.rcParams["svg.hashsalt"] = "reviewflow"
plt.rcParams["pdf.fonttype"] = 42

FIGURE_FORMATS = ("png", "svg", "pdf")
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}
"""No dates or versions in the files, so the same inputs give the same bytes."""


@dataclass(frozen=True)
class ForestLabels:
    """What the plot prints around the numbers (from the analysis settings)."""

    title: str
    measure: str
    label_exp: str = "experimental"
    label_ctl: str = "control"
    exp_side: Literal["left", "right"] = "left"
    subgroup: str = ""


@dataclass(frozen=True)
class SubgroupTest:
    """Test for subgroup differences (Q between subgroups)."""

    q: float
    df: float
    p_value: float
    i2: float = math.nan


@dataclass
class _Row:
    kind: str
    cells: dict[str, str] = field(default_factory=dict)
    estimate: float = math.nan
    lower: float = math.nan
    upper: float = math.nan
    weight: float = math.nan
    colour: str = SQUARE_COLOUR
    bold: bool = False


def forest_labels(settings: Mapping[str, Any]) -> ForestLabels:
    """The plot labels of one analysis's settings, with RevMan's defaults.

    Notes
    -----
    ``label_exp``/``label_ctl`` name the arms ("PD-1 inhibitor"); a leading
    "Favours " is dropped so either spelling works. The experimental arm is favoured
    left of the null line (RevMan's default, right for outcomes where more events
    are better, such as response) unless ``favours_exp: right``.
    """

    def arm(key: str, default: str) -> str:
        text = str(settings.get(key) or default).strip()
        return text[len("favours ") :] if text.lower().startswith("favours ") else text

    side = settings.get("favours_exp", "left")
    return ForestLabels(
        title=str(settings.get("title") or settings.get("id", "")),
        measure=str(settings["measure"]),
        label_exp=arm("label_exp", "experimental"),
        label_ctl=arm("label_ctl", "control"),
        exp_side="right" if side == "right" else "left",
        subgroup=str(settings.get("subgroup") or ""),
    )


def format_p(p_value: float) -> str:
    """RevMan's style: ``P < 0.00001``, else as many decimals as the size needs."""
    if math.isnan(p_value):
        return "P = n/a"
    if p_value < 0.00001:
        return "P < 0.00001"
    if p_value < 0.001:
        return f"P = {p_value:.5f}"
    if p_value < 0.01:
        return f"P = {p_value:.3f}"
    return f"P = {p_value:.2f}"


def _number(value: float, digits: int = 2) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _interval(estimate: float, lower: float, upper: float) -> str:
    if math.isnan(estimate):
        return "Not estimable"
    return f"{estimate:.2f} [{lower:.2f}, {upper:.2f}]"


def _weight(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.1f}%"


def _count(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.0f}"


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def heterogeneity_text(pooled_row: Mapping[str, Any]) -> str:
    """``Heterogeneity: Tau² = 0.012; Chi² = 9.73, df = 4 (P = 0.05); I² = 59%``."""
    tau2 = _float(pooled_row.get("tau2"))
    q_df = _float(pooled_row.get("q_df"))
    if math.isnan(q_df) or q_df < 1:
        return "Heterogeneity: not applicable"
    return (
        f"Heterogeneity: Tau² = {_number(tau2, 3)}; Chi² = {_number(_float(pooled_row['q']))}, "
        f"df = {q_df:.0f} ({format_p(_float(pooled_row['q_p']))}); "
        f"I² = {_float(pooled_row['i2']):.0f}%"
    )


def overall_text(fixed: Mapping[str, Any], random: Mapping[str, Any]) -> str:
    """``Test for overall effect: fixed Z = 7.62 (P < 0.00001); random Z = ...``."""
    parts = []
    for name, row in (("fixed", fixed), ("random", random)):
        z = abs(_float(row.get("z")))
        parts.append(f"{name} Z = {_number(z)} ({format_p(_float(row.get('p_value')))})")
    return "Test for overall effect: " + "; ".join(parts)


def subgroup_test_text(test: SubgroupTest) -> str:
    text = (
        f"Test for subgroup differences: Chi² = {_number(test.q)}, df = {test.df:.0f} "
        f"({format_p(test.p_value)})"
    )
    if not math.isnan(test.i2):
        text += f", I² = {test.i2:.1f}%"
    return text


def subgroup_test_from(sensitivity: pd.DataFrame | None) -> SubgroupTest | None:
    """The subgroup-difference row of a ``SENSITIVITY`` table, if it has one."""
    if sensitivity is None or sensitivity.empty or "kind" not in sensitivity.columns:
        return None
    rows = sensitivity[sensitivity["kind"] == "subgroup_difference"]
    if rows.empty:
        return None
    row = rows.iloc[0]
    q = _float(row.get("statistic", row.get("q")))
    df = _float(row.get("df", row.get("q_df")))
    i2 = _float(row.get("i2")) if "i2" in rows.columns else math.nan
    return SubgroupTest(q=q, df=df, p_value=_float(row.get("p_value")), i2=i2)


def _model_rows(pooled: pd.DataFrame, subgroup: str) -> tuple[pd.Series, pd.Series]:
    rows = pooled[pooled["subgroup"].fillna("") == subgroup]
    fixed = rows[rows["model"] == "fixed"]
    random = rows[rows["model"] == "random"]
    if fixed.empty or random.empty:
        raise ValueError(f"pooled table lacks fixed and random rows for subgroup '{subgroup}'")
    return fixed.iloc[0], random.iloc[0]


def _pooled_row(kind: str, label: str, row: pd.Series, weight: float) -> _Row:
    colour = FIXED_COLOUR if row["model"] == "fixed" else RANDOM_COLOUR
    cells = {
        "label": label,
        "estimate": _interval(row["estimate"], row["ci_lower"], row["ci_upper"]),
    }
    cells["w_fixed" if row["model"] == "fixed" else "w_random"] = _weight(weight)
    cells["w_random" if row["model"] == "fixed" else "w_fixed"] = "--"
    return _Row(
        kind,
        cells,
        estimate=float(row["estimate"]),
        lower=float(row["ci_lower"]),
        upper=float(row["ci_upper"]),
        colour=colour,
        bold=True,
    )


def _block_rows(
    effects: pd.DataFrame,
    fixed: pd.Series,
    random: pd.Series,
    with_counts: bool,
    prefix: str,
    with_studies: bool = True,
) -> list[_Row]:
    rows = []
    for study in effects.itertuples() if with_studies else ():
        cells = {
            "label": str(study.label or study.study),
            "estimate": _interval(study.estimate, study.ci_lower, study.ci_upper),
            "w_fixed": _weight(study.weight_fixed),
            "w_random": _weight(study.weight_random),
        }
        if with_counts:
            cells |= {
                "e_exp": _count(study.events_exp),
                "n_exp": _count(study.total_exp),
                "e_ctl": _count(study.events_ctl),
                "n_ctl": _count(study.total_ctl),
            }
        rows.append(
            _Row(
                "study",
                cells,
                estimate=_float(study.estimate),
                lower=_float(study.ci_lower),
                upper=_float(study.ci_upper),
                weight=_float(study.weight_random),
            )
        )
    # The overall rows carry all the weight; a subtotal carries its studies' share.
    total = 100.0 if prefix == "Total" else math.nan
    fixed_row = _pooled_row(
        "fixed",
        f"{prefix} (fixed, {fixed['method']})",
        fixed,
        total if prefix == "Total" else float(effects["weight_fixed"].sum()),
    )
    if with_counts:
        fixed_row.cells |= {
            "n_exp": _count(effects["total_exp"].sum()),
            "n_ctl": _count(effects["total_ctl"].sum()),
        }
    rows.append(fixed_row)
    rows.append(
        _pooled_row(
            "random",
            f"{prefix} (random, {random['method']})",
            random,
            total if prefix == "Total" else float(effects["weight_random"].sum()),
        )
    )
    if with_counts:
        rows.append(
            _Row(
                "text",
                {
                    "label": "Total events",
                    "e_exp": _count(effects["events_exp"].sum()),
                    "e_ctl": _count(effects["events_ctl"].sum()),
                },
            )
        )
    return rows


def _forest_rows(
    effects: pd.DataFrame,
    pooled: pd.DataFrame,
    labels: ForestLabels,
    subgroup_test: SubgroupTest | None = None,
) -> tuple[list[_Row], list[str]]:
    """The table rows of the plot and the footer lines under its axis."""
    with_counts = labels.measure != "HR" and bool(
        effects[["events_exp", "total_exp", "events_ctl", "total_ctl"]].notna().all(axis=None)
    )
    fixed, random = _model_rows(pooled, "")
    rows: list[_Row] = []
    levels = sorted(level for level in effects["subgroup"].fillna("").unique() if level)
    if labels.subgroup and levels:
        for level in levels:
            members = effects[effects["subgroup"] == level]
            level_fixed, level_random = _model_rows(pooled, level)
            rows.append(_Row("heading", {"label": f"{labels.subgroup}: {level}"}, bold=True))
            rows += _block_rows(members, level_fixed, level_random, with_counts, "Subtotal")
            rows.append(_Row("text", {"label": heterogeneity_text(level_random)}))
            rows.append(_Row("text", {"label": overall_text(level_fixed, level_random)}))
            rows.append(_Row("blank"))
    rows += _block_rows(effects, fixed, random, with_counts, "Total", not rows)
    footer = [heterogeneity_text(random), overall_text(fixed, random)]
    if subgroup_test is not None:
        footer.append(subgroup_test_text(subgroup_test))
    return rows, footer


def _text_width(renderer: Any, text: str, bold: bool = False) -> float:
    prop = FontProperties(size=FONT_SIZE, weight="bold" if bold else "normal")
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width) / DPI


def _axis(rows: list[_Row], measure: str) -> tuple[tuple[float, float], list[float], bool]:
    """x limits, ticks, and whether the axis is logarithmic."""
    bounds = [value for row in rows for value in (row.lower, row.upper) if not math.isnan(value)]
    if measure in RATIO_MEASURES:
        spread = max([abs(math.log(value)) for value in bounds if value > 0] or [0.1])
        limit = next((limit for limit in AXIS_LIMITS if math.log(limit) >= spread), 100.0)
        return (1 / limit, limit), list(TICKS[limit]), True
    spread = max([abs(value) for value in bounds] or [0.1])
    step = 10 ** math.floor(math.log10(spread))
    limit = math.ceil(spread / step) * step
    ticks = list(np.linspace(-limit, limit, 5))
    return (-limit, limit), ticks, False


def _tick_text(value: float) -> str:
    return f"{value:g}"


def layout_forest(
    effects: pd.DataFrame,
    pooled: pd.DataFrame,
    labels: ForestLabels,
    subgroup_test: SubgroupTest | None = None,
) -> Figure:
    """Draw the forest plot on a new figure sized to its content."""
    rows, footer = _forest_rows(effects, pooled, labels, subgroup_test)
    with_counts = any("e_exp" in row.cells for row in rows)
    measure_name = MEASURE_NAMES.get(labels.measure, labels.measure)
    exp_name = labels.label_exp[:1].upper() + labels.label_exp[1:]
    ctl_name = labels.label_ctl[:1].upper() + labels.label_ctl[1:]
    header = {
        "label": "Study or subgroup",
        "e_exp": "Events",
        "n_exp": "Total",
        "e_ctl": "Events",
        "n_ctl": "Total",
        "estimate": "95% CI",
        "w_fixed": "Weight",
        "w_random": "Weight",
    }
    group_header = {"estimate": measure_name, "w_fixed": "(fixed)", "w_random": "(random)"}
    figure = plt.figure(dpi=DPI)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]

    def width_of(key: str, extra: Sequence[str] = ()) -> float:
        texts = [row.cells.get(key, "") for row in rows if row.kind not in ("text",)]
        texts += [header.get(key, ""), group_header.get(key, ""), *extra]
        bold = [row.bold for row in rows if row.kind not in ("text",)] + [True] * (2 + len(extra))
        return max(_text_width(renderer, text, b) for text, b in zip(texts, bold, strict=False))

    left_keys = ["label"] + (["e_exp", "n_exp", "e_ctl", "n_ctl"] if with_counts else [])
    right_keys = ["estimate", "w_fixed", "w_random"]
    widths = {key: width_of(key) for key in left_keys + right_keys}
    if with_counts:
        for first, second, name in (("e_exp", "n_exp", exp_name), ("e_ctl", "n_ctl", ctl_name)):
            need = _text_width(renderer, name, True) - widths[first] - widths[second] - COLUMN_GAP
            if need > 0:
                widths[first] += need / 2
                widths[second] += need / 2
    text_rows = [row.cells["label"] for row in rows if row.kind == "text" and len(row.cells) == 1]
    favours_left = f"Favours {labels.label_exp if labels.exp_side == 'left' else labels.label_ctl}"
    favours_right = f"Favours {labels.label_ctl if labels.exp_side == 'left' else labels.label_exp}"
    favours_width = max(_text_width(renderer, favours_left), _text_width(renderer, favours_right))
    plot_width = max(PLOT_WIDTH, 2 * favours_width + 0.3)

    x = MARGIN
    column_x: dict[str, float] = {}
    for key in left_keys:
        column_x[key] = x
        x += widths[key] + COLUMN_GAP
    plot_left = x
    # Lines of text inside the table (subgroup heterogeneity) may run across the plot,
    # whose null line breaks for them, but never into the estimate column.
    within_text = max([_text_width(renderer, text) for text in text_rows] or [0.0])
    plot_width = max(plot_width, MARGIN + within_text + COLUMN_GAP - plot_left)
    plot_right = plot_left + plot_width
    x = plot_right + COLUMN_GAP
    for key in right_keys:
        column_x[key] = x
        x += widths[key] + COLUMN_GAP
    title_width = _text_width(renderer, labels.title, True) * 1.25
    footer_width = max(_text_width(renderer, line) for line in footer)
    width = max(x - COLUMN_GAP + MARGIN, 2 * MARGIN + max(title_width, footer_width))

    title_height = 0.45
    header_rows = 2
    axis_height = 0.62
    height = (
        title_height
        + (header_rows + len(rows)) * ROW_HEIGHT
        + axis_height
        + len(footer) * ROW_HEIGHT
        + MARGIN
    )
    figure.set_size_inches(width, height)
    inches = figure.dpi_scale_trans

    def row_y(index: float) -> float:
        return height - title_height - (header_rows + index + 0.5) * ROW_HEIGHT

    def put(key: str, y: float, text: str, bold: bool = False, **style: Any) -> None:
        if not text:
            return
        numeric = key not in ("label",)
        x_text = column_x[key] + (widths[key] if numeric else 0.0)
        figure.text(
            x_text,
            y,
            text,
            transform=inches,
            ha="right" if numeric else "left",
            va="center",
            fontsize=FONT_SIZE,
            fontweight="bold" if bold else "normal",
            parse_math=False,
            **style,
        )

    figure.text(
        MARGIN,
        height - title_height / 2,
        labels.title,
        transform=inches,
        ha="left",
        va="center",
        fontsize=FONT_SIZE * 1.25,
        fontweight="bold",
        parse_math=False,
    )
    if with_counts:
        for first, second, name in (("e_exp", "n_exp", exp_name), ("e_ctl", "n_ctl", ctl_name)):
            centre = (column_x[first] + column_x[second] + widths[second]) / 2
            figure.text(
                centre,
                row_y(-2),
                name,
                transform=inches,
                ha="center",
                va="center",
                fontsize=FONT_SIZE,
                fontweight="bold",
                parse_math=False,
            )
    for key, text in group_header.items():
        put(key, row_y(-2 if key == "estimate" else -1), text, bold=True)
    for key, text in header.items():
        if key in column_x:
            put(key, row_y(-2) if key.startswith("w_") else row_y(-1), text, bold=True)
    rule_y = row_y(-0.5)
    figure.add_artist(
        plt.Line2D(
            [MARGIN, width - MARGIN], [rule_y, rule_y], transform=inches, color="0.4", lw=0.6
        )
    )

    axis_top = row_y(-0.5)
    axis_bottom = row_y(len(rows) - 0.5)
    axes = figure.add_axes(
        (
            plot_left / width,
            axis_bottom / height,
            plot_width / width,
            (axis_top - axis_bottom) / height,
        )
    )
    (x_low, x_high), ticks, logarithmic = _axis(rows, labels.measure)
    if logarithmic:
        axes.set_xscale("log")
    axes.set_xlim(x_low, x_high)
    axes.set_ylim(axis_bottom, axis_top)
    axes.set_xticks(ticks)
    axes.set_xticklabels([_tick_text(tick) for tick in ticks], fontsize=FONT_SIZE)
    axes.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    axes.set_yticks([])
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_linewidth(0.8)
    axes.tick_params(axis="x", length=3, width=0.8, pad=2)
    null = 1.0 if logarithmic else 0.0

    spans: list[tuple[float, float]] = []
    for index, row in enumerate(rows):
        if row.kind in ("text", "blank", "heading"):
            continue
        low, high = row_y(index) - ROW_HEIGHT / 2, row_y(index) + ROW_HEIGHT / 2
        if spans and abs(spans[-1][0] - high) < 1e-9:
            spans[-1] = (low, spans[-1][1])
        else:
            spans.append((low, high))
    for low, high in spans:
        axes.vlines(null, low, high, color="0.3", lw=0.7, zorder=1)

    weights = [row.weight for row in rows if row.kind == "study" and not math.isnan(row.weight)]
    largest = max(weights or [1.0])
    for index, row in enumerate(rows):
        y = row_y(index)
        for key, text in row.cells.items():
            put(key, y, text, bold=row.bold)
        if math.isnan(row.estimate):
            continue
        if row.kind == "study":
            _draw_study(axes, y, row, largest, (x_low, x_high))
        elif row.kind in ("fixed", "random"):
            diamond = Polygon(
                [
                    (max(row.lower, x_low), y),
                    (row.estimate, y + ROW_HEIGHT * 0.36),
                    (min(row.upper, x_high), y),
                    (row.estimate, y - ROW_HEIGHT * 0.36),
                ],
                closed=True,
                facecolor=row.colour,
                edgecolor=row.colour,
                lw=0.6,
                zorder=3,
            )
            axes.add_patch(diamond)

    favours_y = axis_bottom - 0.42
    figure.text(
        (plot_left + plot_width / 2) - 0.08,
        favours_y,
        favours_left,
        transform=inches,
        ha="right",
        va="center",
        fontsize=FONT_SIZE,
        parse_math=False,
    )
    figure.text(
        (plot_left + plot_width / 2) + 0.08,
        favours_y,
        favours_right,
        transform=inches,
        ha="left",
        va="center",
        fontsize=FONT_SIZE,
        parse_math=False,
    )
    for number, line in enumerate(footer):
        figure.text(
            MARGIN,
            axis_bottom - axis_height - (number + 0.5) * ROW_HEIGHT,
            line,
            transform=inches,
            ha="left",
            va="center",
            fontsize=FONT_SIZE,
            parse_math=False,
        )
    return figure


def _draw_study(
    axes: Any, y: float, row: _Row, largest: float, limits: tuple[float, float]
) -> None:
    low, high = limits
    left, right = max(row.lower, low), min(row.upper, high)
    axes.hlines(y, left, right, color="black", lw=0.8, zorder=2)
    arrow = {"arrowstyle": "-|>,head_length=0.35,head_width=0.18", "color": "black", "lw": 0.8}
    if row.lower < low:
        axes.annotate("", xy=(low, y), xytext=(min(row.estimate, high), y), arrowprops=arrow)
    if row.upper > high:
        axes.annotate("", xy=(high, y), xytext=(max(row.estimate, low), y), arrowprops=arrow)
    if low <= row.estimate <= high:
        side = 72 * ROW_HEIGHT * 0.8 * math.sqrt(max(row.weight, 0.0) / largest)
        axes.plot(
            [row.estimate],
            [y],
            marker="s",
            markersize=max(side, 2.5),
            color=SQUARE_COLOUR,
            markeredgewidth=0,
            zorder=3,
            clip_on=False,
        )


def save_figure(figure: Figure, paths: Sequence[str | Path]) -> None:
    """Write a figure to each path (format from the suffix) atomically, then close it."""
    try:
        for path in paths:
            suffix = Path(path).suffix.lstrip(".").lower()
            with atomic_path(path) as temporary:
                figure.savefig(temporary, format=suffix, dpi=DPI, metadata=METADATA.get(suffix))
    finally:
        plt.close(figure)


def draw_forest(
    effects: pd.DataFrame,
    pooled: pd.DataFrame,
    labels: ForestLabels,
    paths: Sequence[str | Path],
    subgroup_test: SubgroupTest | None = None,
) -> None:
    """Draw one analysis's forest plot and write it to ``paths`` (png, svg, pdf)."""
    save_figure(layout_forest(effects, pooled, labels, subgroup_test), paths)
