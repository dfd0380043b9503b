"""Forest plots: files in three formats, text kept as text, a layout that never clips."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ElementTree

import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from reviewflow.forest import (
    ForestLabels,
    SubgroupTest,
    draw_forest,
    forest_labels,
    format_p,
    layout_forest,
)

LABELS = [
    "KEYNOTE-590 (Sun 2021)",
    "CheckMate 648 (Doki 2022)",
    "ESCORT-1st (Luo 2021)",
    "KEYNOTE-181 (Kojima 2020)",
    "ATTRACTION-3 (Kato 2019)",
    "ESCORT (Huang 2020)",
]
HR_LABELS = ForestLabels("Overall survival", "HR", "PD-1 inhibitor", "chemotherapy")
SUMMARY_NUMBERS = {
    "tau2": 0.0123,
    "i2": 42.0,
    "h2": 1.7,
    "q": 6.9,
    "q_df": 4,
    "q_p": 0.14,
    "pi_lower": math.nan,
    "pi_upper": math.nan,
}


def hr_effects(k: int, subgroups: list[str] | None = None) -> pd.DataFrame:
    """k studies with HRs around 0.7 (inputs for the drawing, not statistics)."""
    estimates = [0.72, 0.74, 0.70, 0.78, 0.77, 0.71][:k]
    return pd.DataFrame(
        {
            "analysis": "os",
            "study": [label.split(" (")[0] for label in LABELS[:k]],
            "label": LABELS[:k],
            "subgroup": subgroups or [""] * k,
            "measure": "HR",
            "events_exp": math.nan,
            "total_exp": math.nan,
            "events_ctl": math.nan,
            "total_ctl": math.nan,
            "yi": [math.log(value) for value in estimates],
            "vi": 0.01,
            "estimate": estimates,
            "ci_lower": [value * 0.82 for value in estimates],
            "ci_upper": [value * 1.22 for value in estimates],
            "weight_fixed": 100 / k,
            "weight_random": 100 / k,
            "note": "",
        }
    )


def summary(subgroups: tuple[str, ...] = ("",), measure: str = "HR") -> pd.DataFrame:
    rows = []
    for subgroup in subgroups:
        for model, method, estimate in (("fixed", "IV", 0.69), ("random", "DL", 0.68)):
            rows.append(
                {
                    "analysis": "os",
                    "outcome": "OS",
                    "population": "all",
                    "subgroup": subgroup,
                    "measure": measure,
                    "model": model,
                    "method": method,
                    "k": 3,
                    "estimate": estimate,
                    "ci_lower": estimate - 0.07,
                    "ci_upper": estimate + 0.08,
                    "z": -7.61,
                    "p_value": 2.7e-14,
                    **SUMMARY_NUMBERS,
                }
            )
    return pd.DataFrame(rows)


def or_effects() -> pd.DataFrame:
    effects = hr_effects(3)
    effects["measure"] = "OR"
    effects[["events_exp", "total_exp", "events_ctl", "total_ctl"]] = [
        [33, 198, 15, 203],
        [33, 171, 34, 158],
        [46, 228, 14, 220],
    ]
    return effects


def svg_text(path) -> str:
    root = ElementTree.parse(path).getroot()
    return "\n".join(
        "".join(element.itertext()) for element in root.iter() if element.tag.endswith("}text")
    )


def text_boxes(figure):
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    boxes = []
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            boxes.append((text.get_text(), text.get_window_extent(renderer)))
    return boxes, figure.bbox


def test_writes_png_svg_and_pdf(tmp_path):
    paths = [tmp_path / f"os.forest.{suffix}" for suffix in ("png", "svg", "pdf")]
    draw_forest(hr_effects(3), summary(), HR_LABELS, paths)
    for path in paths:
        assert path.stat().st_size > 1000, path
    assert paths[2].read_bytes().startswith(b"%PDF")
    with Image.open(paths[0]) as image:
        assert round(image.info["dpi"][0]) == 300
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_svg_keeps_labels_and_pooled_numbers_as_text(tmp_path):
    path = tmp_path / "os.forest.svg"
    draw_forest(hr_effects(3), summary(), HR_LABELS, [path])
    text = svg_text(path)
    for label in LABELS[:3]:
        assert label in text
    assert "0.69 [0.62, 0.77]" in text
    assert "0.68 [0.61, 0.76]" in text
    assert "Heterogeneity: Tau² = 0.012; Chi² = 6.90, df = 4 (P = 0.14); I² = 42%" in text
    assert "Test for overall effect: fixed Z = 7.61 (P < 0.00001)" in text
    assert "Favours PD-1 inhibitor" in text
    assert "Favours chemotherapy" in text
    assert "Events" not in text


def test_same_inputs_give_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    draw_forest(hr_effects(3), summary(), HR_LABELS, [first])
    draw_forest(hr_effects(3), summary(), HR_LABELS, [second])
    assert first.read_bytes() == second.read_bytes()


def test_counts_columns_and_total_events_for_dichotomous(tmp_path):
    path = tmp_path / "orr.forest.svg"
    labels = ForestLabels("Objective response", "OR", "PD-1 inhibitor", exp_side="right")
    draw_forest(or_effects(), summary(measure="OR"), labels, [path])
    text = svg_text(path)
    for expected in ("PD-1 inhibitor", "Control", "Events", "Total events", "597", "581", "112"):
        assert expected in text.split("\n"), expected


def test_figure_height_grows_with_the_number_of_studies():
    heights = []
    for k in (2, 4, 6):
        figure = layout_forest(hr_effects(k), summary(), HR_LABELS)
        heights.append(figure.get_figheight())
    assert heights[0] < heights[1] < heights[2]


CASES = {
    "hr": (hr_effects(6), summary(), HR_LABELS, None),
    "or_counts": (or_effects(), summary(measure="OR"), ForestLabels("ORR", "OR"), None),
    "subgroups": (
        hr_effects(6, ["first"] * 3 + ["second"] * 3),
        summary(("", "first", "second")),
        ForestLabels("OS by line", "HR", "PD-1 inhibitor", "chemotherapy", subgroup="line"),
        SubgroupTest(1.23, 1, 0.27, 18.5),
    ),
    "long_title": (
        hr_effects(2),
        summary(),
        ForestLabels("A very long analysis title " * 4, "HR"),
        None,
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_no_text_leaves_the_canvas_or_overlaps(case):
    effects, pooled, labels, test = CASES[case]
    figure = layout_forest(effects, pooled, labels, test)
    boxes, canvas = text_boxes(figure)
    for text, box in boxes:
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, text
        assert canvas.y0 <= box.y0 and box.y1 <= canvas.y1, text
    for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_x <= 1 or overlap_y <= 1, (text_a, text_b)


def test_subgroups_get_subtotals_and_the_difference_test(tmp_path):
    path = tmp_path / "os_by_line.forest.svg"
    effects, pooled, labels, test = CASES["subgroups"]
    draw_forest(effects, pooled, labels, [path], test)
    lines = svg_text(path).split("\n")
    assert "line: first" in lines and "line: second" in lines
    assert lines.count("Subtotal (fixed, IV)") == 2
    assert lines.count("Subtotal (random, DL)") == 2
    assert "Test for subgroup differences: Chi² = 1.23, df = 1 (P = 0.27), I² = 18.5%" in lines
    assert sum(label in lines for label in LABELS) == 6, "each study is drawn once"


def test_clipped_interval_gets_an_arrow():
    effects = hr_effects(3)
    effects.loc[0, ["ci_lower", "ci_upper"]] = [0.001, 500.0]
    figure = layout_forest(effects, summary(), HR_LABELS)
    arrows = [text for text in figure.axes[0].texts if getattr(text, "arrow_patch", None)]
    assert len(arrows) == 2
    assert figure.axes[0].get_xlim() == pytest.approx((0.01, 100))


def test_study_without_estimate_is_not_estimable(tmp_path):
    effects = or_effects()
    effects.loc[1, ["yi", "vi", "estimate", "ci_lower", "ci_upper"]] = math.nan
    effects.loc[1, ["weight_fixed", "weight_random"]] = 0.0
    path = tmp_path / "orr.svg"
    draw_forest(effects, summary(measure="OR"), ForestLabels("ORR", "OR"), [path])
    assert "Not estimable" in svg_text(path).split("\n")


def test_favours_labels_follow_the_experimental_side():
    for side, expected_left in (("left", "Favours PD-1 inhibitor"), ("right", "Favours control")):
        labels = ForestLabels("ORR", "OR", "PD-1 inhibitor", exp_side=side)
        figure = layout_forest(or_effects(), summary(measure="OR"), labels)
        boxes, _ = text_boxes(figure)
        favours = sorted((box.x0, text) for text, box in boxes if text.startswith("Favours"))
        assert favours[0][1] == expected_left


@pytest.mark.parametrize(
    ("p_value", "text"),
    [
        (0.000001, "P < 0.00001"),
        (0.00004, "P = 0.00004"),
        (0.0036, "P = 0.004"),
        (0.05, "P = 0.05"),
        (0.6543, "P = 0.65"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_values_print_as_revman_does(p_value, text):
    assert format_p(p_value) == text


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"id": "os", "measure": "HR"},
            ForestLabels("os", "HR", "experimental", "control", "left", ""),
        ),
        (
            {
                "id": "orr",
                "title": "Objective response",
                "measure": "OR",
                "label_exp": "Favours PD-1 inhibitor",
                "label_ctl": "chemotherapy",
                "favours_exp": "right",
                "subgroup": "line",
            },
            ForestLabels(
                "Objective response", "OR", "PD-1 inhibitor", "chemotherapy", "right", "line"
            ),
        ),
    ],
)
def test_labels_come_from_the_analysis_settings(settings, expected):
    assert forest_labels(settings) == expected
