"""Funnel plots: each study's effect against its standard error, with pseudo-95% limits.

Notes
-----
The layout follows RevMan and Sterne et al. (BMJ 2011;343:d4002): the effect on the
x axis (log scale for ratios, labelled in natural units), the standard error of the
log effect on an inverted y axis (most precise studies at the top), a vertical line
at the common-effect estimate and dashed pseudo-95% confidence limits
``estimate ± 1.96 SE`` around it. With fewer than 10 studies the plot says that
asymmetry cannot be judged reliably (Sterne 2011, recommendation 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from reviewflow.forest import (
    FONT_SIZE,
    MEASURE_NAMES,
    RATIO_MEASURES,
    SQUARE_COLOUR,
    ForestLabels,
    save_figure,
)

Z_95 = 1.959963984540054
FEW_STUDIES = 10
"""Below this, funnel asymmetry tests have too little power (Sterne et al. 2011)."""


TICK_TIERS = (
    (0.01, 0.1, 1, 10, 100),
    (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20),
    (0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5),
    (0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.5, 2),
)
"""Round ticks for a log axis, coarse to fine: the first tier giving 4 ticks is used."""


def _log_ticks(low: float, high: float) -> list[float]:
    for tier in TICK_TIERS:
        ticks = [tick for tick in tier if low <= tick <= high]
        if len(ticks) >= 4:
            return ticks
    return [
        float(f"{value:.2g}") for value in np.exp(np.linspace(math.log(low), math.log(high), 5))
    ]


def layout_funnel(effects: pd.DataFrame, pooled: pd.DataFrame, labels: ForestLabels) -> Figure:
    """Draw the funnel plot of one analysis on a new figure."""
    estimable = effects[effects["yi"].notna() & effects["vi"].notna()]
    yi = estimable["yi"].to_numpy(dtype=float)
    se = np.sqrt(estimable["vi"].to_numpy(dtype=float))
    overall = pooled[(pooled["subgroup"].fillna("") == "") & (pooled["model"] == "fixed")]
    ratio = labels.measure in RATIO_MEASURES
    centre = float(overall["estimate"].iloc[0]) if len(overall) else math.nan
    centre = math.log(centre) if ratio and centre > 0 else centre
    if math.isnan(centre):
        centre = float(np.average(yi, weights=1 / se**2)) if len(yi) else 0.0
    se_max = float(se.max()) * 1.1 if len(se) else 1.0
    se_max = se_max if se_max > 0 else 1.0

    def shown(values: np.ndarray) -> np.ndarray:
        return np.exp(values) if ratio else values

    figure, axes = plt.subplots(figsize=(4.6, 4.0), dpi=300)
    grid = np.linspace(0, se_max, 50)
    for sign in (-1, 1):
        axes.plot(shown(centre + sign * Z_95 * grid), grid, ls="--", color="0.45", lw=0.8, zorder=1)
    axes.plot(shown(np.array([centre, centre])), [0, se_max], color="0.2", lw=0.8, zorder=1)
    axes.scatter(shown(yi), se, s=22, color=SQUARE_COLOUR, edgecolor="white", lw=0.4, zorder=3)
    if ratio:
        axes.set_xscale("log")
        spread = max(float(np.max(np.abs(yi - centre))) if len(yi) else 0.0, Z_95 * se_max)
        low, high = math.exp(centre - spread * 1.05), math.exp(centre + spread * 1.05)
        axes.set_xlim(low, high)
        ticks = _log_ticks(low, high)
        axes.set_xticks(ticks)
        axes.set_xticklabels([f"{tick:g}" for tick in ticks])
        axes.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    else:
        spread = max(float(np.max(np.abs(yi - centre))) if len(yi) else 0.0, Z_95 * se_max)
        low, high = centre - spread * 1.05, centre + spread * 1.05
        axes.set_xlim(low, high)
        ticks = matplotlib.ticker.MaxNLocator(nbins=6).tick_values(low, high)
        axes.set_xticks([tick for tick in ticks if low <= tick <= high])
    axes.set_ylim(se_max, 0)
    name = MEASURE_NAMES.get(labels.measure, labels.measure)
    axes.set_xlabel(f"{name} (log scale)" if ratio else name, fontsize=FONT_SIZE)
    axes.set_ylabel(
        f"Standard error of log {labels.measure}" if ratio else "Standard error",
        fontsize=FONT_SIZE,
    )
    axes.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(labels.title, fontsize=FONT_SIZE * 1.15, fontweight="bold", loc="left")
    caption = f"k = {len(yi)}; dashed lines: pseudo-95% limits around the fixed estimate"
    if len(yi) < FEW_STUDIES:
        caption += f"\nfewer than {FEW_STUDIES} studies: asymmetry cannot be judged reliably"
    figure.text(0.02, 0.02, caption, fontsize=FONT_SIZE * 0.9, color="0.3", va="bottom")
    figure.tight_layout(rect=(0, 0.09, 1, 1))
    return figure


def draw_funnel(
    effects: pd.DataFrame,
    pooled: pd.DataFrame,
    labels: ForestLabels,
    paths: Sequence[str | Path],
) -> None:
    """Draw one analysis's funnel plot and write it to ``paths`` (png, svg, pdf)."""
    save_figure(layout_funnel(effects, pooled, labels), paths)
