"""Kaplan–Meier plots with a numbers-at-risk table, and the response bar chart.

The KM plot draws each arm's step curve with censoring ticks, dashed lines at each
reached median, above the axes a legend headed by the log-rank p and Cox HR (so it
never covers a curve), and below the axis the
numbers at risk at exactly the x ticks. The response chart stacks CR/PR/SD/PD/NE as
percent of each arm. Files are PNG (300 dpi), SVG (text kept as text) and PDF.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reviewflow.cohort import CohortComparison
from reviewflow.io import atomic_path
from reviewflow.survival import KaplanMeier, SurvivalComparison
from reviewflow.tables import RESPONSE_CODES

logging.getLogger("fontTools").setLevel(logging.WARNING)
"""PDF font subsetting logs every glyph at INFO; job logs need none of it."""

DPI = 300
FONT_SIZE = 8.0
PLOT_WIDTH = 4.6
PLOT_HEIGHT = 3.0
"""Inches of the survival axes; arm labels of the at-risk table extend to the left."""
AXIS_LABEL_SPACE = 0.45
RISK_TITLE_SPACE = 0.22
RISK_ROW_HEIGHT = 0.2
RISK_LABEL_PAD = 14.0
"""Points between an arm label and the at-risk count at time 0."""
ARM_COLOURS = ("#2f5597", "#c55a11")
RESPONSE_COLOURS = {
    "CR": "#1b5e20",
    "PR": "#66bb6a",
    "SD": "#fdd835",
    "PD": "#e53935",
    "NE": "#9e9e9e",
}
RESPONSE_NAMES = {
    "CR": "complete response",
    "PR": "partial response",
    "SD": "stable disease",
    "PD": "progressive disease",
    "NE": "not evaluable",
}
ENDPOINT_NAMES = {"PFS": "Progression-free survival", "OS": "Overall survival"}
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}
"""No dates or versions in the files, so the same inputs give the same bytes."""
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "reviewflow",
    "pdf.fonttype": 42,
    "font.size": FONT_SIZE,
}


def format_p(p_value: float) -> str:
    """p to three decimals, '< 0.001' below that."""
    if math.isnan(p_value):
        return "p not computable"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _median_label(value: float) -> str:
    return "median not reached" if math.isnan(value) else f"median {value:.1f} months"


def _curve_steps(curve: KaplanMeier) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate(([0.0], curve.time)), np.concatenate(([1.0], curve.survival))


def _annotation(comparison: SurvivalComparison) -> str:
    parts = [f"Log-rank {format_p(comparison.log_rank.p_value)}"]
    ratio = comparison.hazard_ratio
    if not math.isnan(ratio.estimate):
        parts.append(f"HR {ratio.estimate:.2f} (95% CI {ratio.ci_lower:.2f}–{ratio.ci_upper:.2f})")
    return "; ".join(parts)


def layout_km(comparison: SurvivalComparison) -> Figure:
    """The KM figure for one endpoint (not yet saved)."""
    with plt.rc_context(STYLE):
        rows = len(comparison.curves)
        table_height = RISK_ROW_HEIGHT * rows
        height = PLOT_HEIGHT + AXIS_LABEL_SPACE + RISK_TITLE_SPACE + table_height + 0.1
        figure = plt.figure(figsize=(PLOT_WIDTH + 0.2, height))
        plot = figure.add_axes(
            (
                0.0,
                (height - PLOT_HEIGHT - 0.05) / height,
                PLOT_WIDTH / (PLOT_WIDTH + 0.2),
                PLOT_HEIGHT / height,
            )
        )
        at_risk = figure.add_axes(
            (0.0, 0.05 / height, PLOT_WIDTH / (PLOT_WIDTH + 0.2), table_height / height),
            sharex=plot,
        )
        last = max(float(curve.time.max()) for curve in comparison.curves if len(curve.time))
        for colour, curve in zip(ARM_COLOURS, comparison.curves, strict=False):
            times, survival = _curve_steps(curve)
            label = f"{curve.label} ({_median_label(curve.median)})"
            plot.step(times, survival, where="post", color=colour, linewidth=1.4, label=label)
            censored = curve.n_censor > 0
            plot.plot(
                curve.time[censored],
                curve.survival[censored],
                linestyle="none",
                marker="|",
                markersize=7,
                markeredgewidth=1.2,
                color=colour,
            )
            if not math.isnan(curve.median):
                plot.plot(
                    [0, curve.median, curve.median],
                    [0.5, 0.5, 0],
                    linestyle=(0, (3, 2)),
                    linewidth=0.8,
                    color=colour,
                )
        plot.set_xlim(0, last * 1.03)
        plot.set_ylim(0, 1.03)
        plot.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, steps=[1, 2, 3, 5, 10]))
        plot.set_ylabel(
            f"{ENDPOINT_NAMES.get(comparison.endpoint, comparison.endpoint)} probability"
        )
        plot.set_xlabel("Months since randomisation", labelpad=2)
        plot.spines[["top", "right"]].set_visible(False)
        legend = plot.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.02),
            frameon=False,
            handlelength=1.6,
            borderaxespad=0.0,
            title=_annotation(comparison),
            alignment="left",
        )
        legend.get_title().set_fontsize(FONT_SIZE)
        ticks = [tick for tick in plot.get_xticks() if 0 <= tick <= last * 1.03]
        for row, (colour, curve) in enumerate(zip(ARM_COLOURS, comparison.curves, strict=False)):
            for tick in ticks:
                at_risk.text(
                    tick,
                    rows - 1 - row,
                    str(curve.at_risk(tick)),
                    ha="center",
                    va="center",
                    color=colour,
                )
        at_risk.set_ylim(-0.6, rows - 0.4)
        at_risk.set_yticks(range(rows))
        at_risk.set_yticklabels([curve.label for curve in reversed(comparison.curves)])
        for label, colour in zip(
            at_risk.get_yticklabels(), reversed(ARM_COLOURS[:rows]), strict=False
        ):
            label.set_color(colour)
        at_risk.tick_params(axis="both", length=0, labelbottom=False, pad=RISK_LABEL_PAD)
        at_risk.spines[:].set_visible(False)
        at_risk.set_title(
            "Number at risk", loc="left", fontsize=FONT_SIZE, fontweight="bold", pad=2
        )
        plot.set_xticks(ticks)
    return figure


def layout_response(response: pd.DataFrame) -> Figure:
    """Stacked bars of best overall response (percent of each arm), ORR and DCR above."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(4.8, 4.2))
        positions = np.arange(len(response))
        bottoms = np.zeros(len(response))
        for code in RESPONSE_CODES:
            counts = response[code].astype(float).to_numpy()
            shares = 100 * counts / response["n"].astype(float).to_numpy()
            axes.bar(
                positions,
                shares,
                0.55,
                bottom=bottoms,
                color=RESPONSE_COLOURS[code],
                edgecolor="white",
                linewidth=0.6,
                label=f"{code} ({RESPONSE_NAMES[code]})",
            )
            for position, count, share, bottom in zip(
                positions, counts, shares, bottoms, strict=True
            ):
                if count > 0 and share >= 4:
                    axes.text(
                        position,
                        bottom + share / 2,
                        f"{int(count)}",
                        ha="center",
                        va="center",
                        color="white" if code in ("CR", "PD") else "black",
                    )
            bottoms += shares
        for position, row in zip(positions, response.itertuples(), strict=True):
            axes.text(
                position,
                101.5,
                f"ORR {100 * row.ORR:.0f}%\nDCR {100 * row.DCR:.0f}%",
                ha="center",
                va="bottom",
            )
        axes.set_xticks(
            positions,
            [
                f"{textwrap.fill(str(arm), 18)}\n(n = {n})"
                for arm, n in zip(response["arm"], response["n"], strict=True)
            ],
        )
        axes.set_xlim(-0.6, len(response) - 0.4)
        axes.set_ylim(0, 118)
        axes.set_yticks(range(0, 101, 20))
        axes.set_ylabel("Patients (%)")
        axes.spines[["top", "right"]].set_visible(False)
        handles, labels = axes.get_legend_handles_labels()
        axes.legend(
            handles[::-1],
            labels[::-1],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            title="Best response",
            alignment="left",
        )
    return figure


def save_figure(figure: Figure, paths: Sequence[str | Path]) -> None:
    """Write a figure to each path (format from the suffix) atomically, then close it."""
    try:
        for path in paths:
            suffix = Path(path).suffix.lstrip(".").lower()
            with plt.rc_context(STYLE), atomic_path(path) as temporary:
                figure.savefig(
                    temporary,
                    format=suffix,
                    dpi=DPI,
                    metadata=METADATA.get(suffix),
                    bbox_inches="tight",
                    pad_inches=0.08,
                )
    finally:
        plt.close(figure)


def draw_km_plots(comparison: CohortComparison, paths: Sequence[str | Path]) -> None:
    """Draw every endpoint's KM plot to the paths named ``km_<endpoint>.<ext>``."""
    for survival in comparison.survival_comparisons:
        stem = f"km_{survival.endpoint.lower()}"
        mine = [path for path in paths if Path(path).stem == stem]
        if not mine:
            raise ValueError(f"no output path named {stem}.* among {list(paths)}")
        save_figure(layout_km(survival), mine)


def draw_response(response: pd.DataFrame, paths: Sequence[str | Path]) -> None:
    """Draw the response bar chart to ``paths`` (png, svg, pdf)."""
    save_figure(layout_response(response), paths)
