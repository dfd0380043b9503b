"""Funnel plots: effect against SE, inverted axis, pseudo-95% limits, three formats."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from reviewflow.forest import ForestLabels
from reviewflow.funnel import Z_95, draw_funnel, layout_funnel

LABELS = ForestLabels("Overall survival, first line", "HR")


def effects(k: int = 4) -> pd.DataFrame:
    yi = np.log([0.72, 0.74, 0.70, 0.63, 0.58, 0.9][:k])
    return pd.DataFrame(
        {
            "study": [f"T{i}" for i in range(k)],
            "label": [f"Trial {i}" for i in range(k)],
            "subgroup": "",
            "yi": yi,
            "vi": [0.01, 0.008, 0.014, 0.012, 0.023, 0.05][:k],
        }
    )


def pooled(estimate: float = 0.69) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subgroup": ["", ""],
            "model": ["fixed", "random"],
            "estimate": [estimate, 0.68],
        }
    )


def test_writes_png_svg_and_pdf_with_text_as_text(tmp_path):
    paths = [tmp_path / f"os.funnel.{suffix}" for suffix in ("png", "svg", "pdf")]
    draw_funnel(effects(), pooled(), LABELS, paths)
    for path in paths:
        assert path.stat().st_size > 1000, path
    root = ElementTree.parse(paths[1]).getroot()
    text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text"))
    assert "Overall survival, first line" in text
    assert "Standard error of log HR" in text
    assert "fewer than 10 studies" in text


def test_axis_is_inverted_and_limits_meet_at_the_fixed_estimate():
    figure = layout_funnel(effects(), pooled(0.69), LABELS)
    axes = figure.axes[0]
    bottom, top = axes.get_ylim()
    assert top == 0 and bottom > 0
    assert axes.get_xscale() == "log"
    left_limit, right_limit, centre_line = axes.lines[:3]
    assert left_limit.get_xdata()[0] == pytest.approx(0.69)
    assert right_limit.get_xdata()[0] == pytest.approx(0.69)
    se = right_limit.get_ydata()[-1]
    assert right_limit.get_xdata()[-1] == pytest.approx(math.exp(math.log(0.69) + Z_95 * se))
    assert list(centre_line.get_xdata()) == pytest.approx([0.69, 0.69])


def test_every_study_is_a_point_and_inside_the_axes():
    figure = layout_funnel(effects(6), pooled(), LABELS)
    axes = figure.axes[0]
    points = axes.collections[0].get_offsets()
    assert len(points) == 6
    low, high = axes.get_xlim()
    assert all(low <= x <= high for x, _ in points)


def test_studies_without_estimate_are_left_out():
    rows = effects(4)
    rows.loc[2, ["yi", "vi"]] = math.nan
    figure = layout_funnel(rows, pooled(), LABELS)
    assert len(figure.axes[0].collections[0].get_offsets()) == 3


@pytest.mark.parametrize("measure", ["HR", "RD"])
def test_no_text_leaves_the_canvas(measure):
    rows = effects(5)
    if measure == "RD":
        rows["yi"] = [0.05, -0.02, 0.1, 0.0, 0.03]
        rows["vi"] = 0.001
    figure = layout_funnel(
        rows, pooled(0.02 if measure == "RD" else 0.69), ForestLabels("t", measure)
    )
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1, text.get_text()
            assert figure.bbox.y0 <= box.y0 and box.y1 <= figure.bbox.y1, text.get_text()
