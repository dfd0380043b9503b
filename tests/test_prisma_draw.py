"""The PRISMA 2020 diagram shows every count and keeps every text inside its box.

Oracle for the layout: matplotlib's own renderer (the window extent of each drawn
text) against the rectangles drawn; for the wording, the box texts of the PRISMA
2020 templates (Page et al. 2021, BMJ 372:n71).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import matplotlib
import pandas as pd
import pytest
from PIL import Image

from reviewflow.prisma import box_details
from reviewflow.prisma_draw import draw_prisma, figure_prisma, layout_prisma

matplotlib.use("Agg")

DATABASES = {"PubMed": 300, "Embase": 400, "Cochrane CENTRAL": 150, "Web of Science": 250}
NEW = {
    "database_results": DATABASES,
    "register_results": 0,
    "duplicates": 395,
    "excluded_automatic": 0,
    "excluded_other": 0,
    "records_screened": 705,
    "records_excluded": 680,
    "awaiting_screening": 0,
    "dbr_sought_reports": 25,
    "dbr_notretrieved_reports": 2,
    "dbr_assessed": 23,
    "dbr_excluded": {"wrong population": 4, "not randomised": 5, "duplicate report": 3},
    "awaiting_full_text": 0,
    "new_studies": 9,
    "new_reports": 11,
    "total_studies": 9,
    "total_reports": 11,
}
OTHER = {
    **NEW,
    "register_results": {"ClinicalTrials.gov": 7},
    "website_results": {"FDA": 3},
    "citations_results": {"Citation searching": 12},
    "other_sought_reports": 6,
    "other_notretrieved_reports": 1,
    "other_assessed": 5,
    "other_excluded": {"wrong comparator": 3},
    "new_studies": 10,
    "new_reports": 13,
    "total_studies": 10,
    "total_reports": 13,
}
UPDATED = {
    **NEW,
    "previous_studies": 2,
    "previous_reports": 3,
    "total_studies": 11,
    "total_reports": 14,
}
PENDING = {
    **NEW,
    "records_screened": 708,
    "awaiting_screening": {"databases and registers": 3},
    "dbr_sought_reports": 27,
    "awaiting_full_text": {"databases and registers": 2},
}
LONG_REASONS = {
    **NEW,
    "dbr_excluded": {
        f"reason {index}: the comparator arm used a dose schedule outside the protocol": 2
        for index in range(12)
    },
}
VARIANTS = {
    "new": NEW,
    "other methods": OTHER,
    "updated": UPDATED,
    "updated with other methods": {**OTHER, **{k: UPDATED[k] for k in UPDATED if "prev" in k}},
    "pending": PENDING,
    "long reasons": LONG_REASONS,
}


def counts_frame(spec: dict, scale: int = 1) -> pd.DataFrame:
    """A COUNTS table: int -> total only; dict -> details and their sum as total."""
    rows = []
    for box, value in spec.items():
        details = value if isinstance(value, dict) else {}
        total = sum(details.values()) if details else value
        rows.append({"box": box, "detail": "", "count": total * scale})
        rows += [{"box": box, "detail": d, "count": n * scale} for d, n in details.items()]
    return pd.DataFrame(rows, columns=["box", "detail", "count"])


def svg_text(path) -> str:
    """Every text element of an SVG, one per line."""
    root = ElementTree.parse(path).getroot()
    texts = [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag.endswith("}text") or element.tag == "text"
    ]
    return "\n".join(texts)


@pytest.mark.parametrize("name", VARIANTS)
def test_svg_keeps_every_count_as_text(tmp_path, name):
    counts = counts_frame(VARIANTS[name], scale=1)
    path = tmp_path / "prisma.svg"
    draw_prisma(counts, [path])
    text = svg_text(path)
    flat = re.sub(r"\s+", " ", text)
    for row in counts.itertuples():
        if row.box.startswith("awaiting_"):
            continue
        if row.box in ("total_studies", "total_reports") and "previous_studies" not in set(
            counts["box"]
        ):
            continue  # the new-review template has no total box (new = total)
        assert f"(n = {row.count:,})" in text, (row.box, row.detail)
        if row.detail and list(box_details(counts, row.box)) != [row.detail]:
            assert f"{row.detail} (n = {row.count:,})" in flat, (row.box, row.detail)
    for box, unit in (("awaiting_screening", "record"), ("awaiting_full_text", "report")):
        waiting = counts.loc[(counts["box"] == box) & (counts["detail"] == ""), "count"]
        if int(waiting.iloc[0]):
            assert f"{int(waiting.iloc[0]):,} {unit}(s)" in flat


@pytest.mark.parametrize(
    ("name", "present", "absent"),
    [
        (
            "new",
            ["Identification of studies via databases and registers", "Records screened"],
            ["Previous studies", "via other methods", "Total studies", "New studies"],
        ),
        (
            "other methods",
            ["Identification of studies via other methods", "Websites", "Citation searching"],
            ["Previous studies", "Organisations"],
        ),
        (
            "updated",
            [
                "Previous studies",
                "Identification of new studies via databases and registers",
                "Studies included in previous version of review",
                "New studies included in review",
                "Total studies included in review",
            ],
            ["via other methods"],
        ),
        (
            "pending",
            ["Records awaiting screening", "Reports awaiting assessment", "Review incomplete"],
            [],
        ),
    ],
)
def test_template_follows_the_counts(tmp_path, name, present, absent):
    path = tmp_path / "prisma.svg"
    draw_prisma(counts_frame(VARIANTS[name]), [path])
    flat = re.sub(r"\s+", " ", svg_text(path))
    for phrase in present + ["Identification", "Screening", "Included"]:
        assert phrase in flat, phrase
    for phrase in absent:
        assert phrase not in flat, phrase


def data_extent(text, renderer, axes):
    """A drawn text's extent in data units (inches, y downwards)."""
    (x0, y0), (x1, y1) = axes.transData.inverted().transform(
        text.get_window_extent(renderer).get_points()
    )
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


@pytest.mark.parametrize("scale", [1, 1_000_000])
@pytest.mark.parametrize("name", VARIANTS)
def test_no_text_leaves_its_box_or_the_canvas(name, scale):
    counts = counts_frame(VARIANTS[name], scale=scale)
    layout = layout_prisma(counts)
    figure = figure_prisma(counts)
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    assert (layout.width, layout.height) == pytest.approx(tuple(figure.get_size_inches()))
    checked = 0
    for text in axes.texts:
        x0, y0, x1, y1 = data_extent(text, renderer, axes)
        assert x0 >= 0 and x1 <= layout.width and y0 >= 0 and y1 <= layout.height, text
        gid = text.get_gid() or ""
        if gid.startswith("text-"):
            box = layout.boxes[gid.removeprefix("text-")]
            assert box.x < x0 and x1 < box.x + box.width, (gid, text.get_text())
            assert box.y < y0 and y1 < box.y + box.height, (gid, text.get_text())
            checked += 1
        elif gid.startswith("phase-"):
            label, top, bottom = next(p for p in layout.phases if p[0] == gid[6:])
            assert top < y0 and y1 < bottom, label
        elif gid == "footnotes":
            bottom_box = max(box.y + box.height for box in layout.boxes.values())
            assert y0 > bottom_box
    assert checked >= len(layout.boxes)
    matplotlib.pyplot.close(figure)


@pytest.mark.parametrize("name", VARIANTS)
def test_boxes_do_not_overlap(name):
    boxes = list(layout_prisma(counts_frame(VARIANTS[name], 1_000_000)).boxes.items())
    for index, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[index + 1 :]:
            apart = (
                a.x + a.width <= b.x
                or b.x + b.width <= a.x
                or a.y + a.height <= b.y
                or b.y + b.height <= a.y
            )
            assert apart, (name_a, name_b)


def test_long_reason_list_grows_the_box():
    short = layout_prisma(counts_frame(NEW)).boxes["reasons"]
    long = layout_prisma(counts_frame(LONG_REASONS)).boxes["reasons"]
    assert long.height > 4 * short.height
    assert long.width == short.width


def test_writes_svg_png_pdf_and_repeats_byte_for_byte(tmp_path):
    counts = counts_frame(UPDATED)
    paths = [tmp_path / f"prisma.{suffix}" for suffix in ("svg", "png", "pdf")]
    draw_prisma(counts, paths)
    first = [path.read_bytes() for path in paths]
    assert first[1].startswith(b"\x89PNG") and first[2].startswith(b"%PDF")
    with Image.open(paths[1]) as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)
    draw_prisma(counts, paths)
    assert [path.read_bytes() for path in paths] == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
