"""KM and response plots: three formats, text kept as text, at-risk counts under the ticks."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pandas as pd
import pytest
from PIL import Image

from reviewflow.cohort import compare_cohort
from reviewflow.km_plot import draw_km_plots, draw_response, format_p, layout_km

PATIENTS = pd.DataFrame(
    {
        "patient_id": [f"P{number}" for number in range(1, 11)],
        "arm": ["PD-1 inhibitor + anlotinib"] * 5 + ["anlotinib + S-1"] * 5,
        "best_response": ["CR", "PR", "SD", "PD", "SD", "PR", "SD", "PD", "PD", "NE"],
        "pfs_months": ["7.5", "6.1", "4.9", "1.8", "3.3", "5.2", "4.7", "1.5", "2.2", "0.9"],
        "pfs_event": ["0", "1", "1", "1", "0", "1", "1", "1", "0", "1"],
    },
    index=range(2, 12),
)
FORMATS = ("png", "svg", "pdf")


@pytest.fixture(scope="module")
def comparison():
    return compare_cohort(PATIENTS)


def _svg_texts(path) -> list[str]:
    tree = ElementTree.parse(path)
    return [
        "".join(element.itertext()).strip()
        for element in tree.iter()
        if element.tag.endswith("text")
    ]


def test_km_plot_writes_three_formats_with_text_as_text(tmp_path, comparison):
    paths = [tmp_path / f"km_pfs.{suffix}" for suffix in FORMATS]
    draw_km_plots(comparison, paths)
    assert all(path.stat().st_size > 0 for path in paths)
    assert not list(tmp_path.glob(".*"))
    texts = _svg_texts(tmp_path / "km_pfs.svg")
    assert "PD-1 inhibitor + anlotinib" in texts and "anlotinib + S-1" in texts
    assert "Number at risk" in texts
    assert "5" in texts
    assert any(text.startswith("Log-rank p = ") for text in texts)
    assert any("; HR " in text for text in texts)
    with Image.open(paths[0]) as image:
        assert round(image.info["dpi"][0]) == 300


def test_numbers_at_risk_sit_under_the_x_ticks(comparison):
    figure = layout_km(comparison.survival_comparisons[0])
    plot, at_risk = figure.axes
    ticks = list(plot.get_xticks())
    curves = comparison.survival_comparisons[0].curves
    for row, curve in enumerate(curves):
        texts = [text for text in at_risk.texts if text.get_position()[1] == len(curves) - 1 - row]
        assert [text.get_position()[0] for text in texts] == ticks
        assert [int(text.get_text()) for text in texts] == [curve.at_risk(tick) for tick in ticks]
    assert texts[0].get_text() == "5"


def test_response_chart_writes_three_formats_with_arm_names(tmp_path, comparison):
    paths = [tmp_path / f"response.{suffix}" for suffix in FORMATS]
    draw_response(comparison.response, paths)
    assert all(path.stat().st_size > 0 for path in paths)
    texts = " ".join(_svg_texts(tmp_path / "response.svg"))
    assert "ORR 40%" in texts and "DCR 80%" in texts
    assert "anlotinib + S-1" in texts


def test_same_inputs_give_identical_svg(tmp_path, comparison):
    first, second = tmp_path / "a" / "km_pfs.svg", tmp_path / "b" / "km_pfs.svg"
    draw_km_plots(comparison, [first])
    draw_km_plots(comparison, [second])
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(("p_value", "text"), [(0.6678, "p = 0.668"), (0.0004, "p < 0.001")])
def test_p_values_print_to_three_decimals(p_value, text):
    assert format_p(p_value) == text
