"""Draw the PRISMA 2020 flow diagram from the counts table.

The template follows the counts: "new review, databases and registers only", "with
other methods" (a right-hand column) or "updated review" (a left-hand column of
previous studies), with box wording from Page et al. 2021 (BMJ 372:n71). Boxes are
sized from their wrapped text, so long reason lists and seven-digit counts grow the
box instead of overflowing it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch, Rectangle

from reviewflow.io import atomic_path
from reviewflow.prisma import box_totals

FONT_SIZE = 8.0
LINE_HEIGHT = 0.165  # inches per text line at FONT_SIZE
PAD = 0.09  # inches of padding inside a box
BOX_WIDTH = 2.9
SIDE_WIDTH = 2.75
GAP_X = 0.35
GAP_Y = 0.32
PHASE_WIDTH = 0.32
HEADER_HEIGHT = 0.42
MARGIN = 0.25
CHARS_PER_INCH = 72 / (FONT_SIZE * 0.53)
MIN_INCLUDED_HEIGHT = 0.85  # the rotated "Included" label needs this much
FOOTNOTE_HEIGHT = 0.55
FOOTNOTE = (
    "*Consider, if feasible to do so, reporting the number of records identified from each "
    "database or register searched (rather than the total number across all "
    "databases/registers).\n**If automation tools were used, indicate how many records were "
    "excluded by a human and how many were excluded by automation tools."
)

BOX_COLOUR = "#ffffff"
EDGE_COLOUR = "#333333"
HEADER_COLOUR = "#f2c14e"
PREVIOUS_COLOUR = "#d9d9d9"
PHASE_COLOUR = "#a9c8e8"


@dataclass
class Box:
    """A box's text lines and, once laid out, its position (inches, origin top-left)."""

    lines: list[str]
    width: float
    x: float = 0.0
    y: float = 0.0
    height: float = field(init=False)

    def __post_init__(self) -> None:
        self.height = len(self.lines) * LINE_HEIGHT + 2 * PAD


NBSP = "\u00a0"


def _n(value: int) -> str:
    """'(n = 1,234)', glued with no-break spaces so wrapping never splits it."""
    return f"(n{NBSP}={NBSP}{value:,})"


def _wrap(text: str, width: float, indent: str = "") -> list[str]:
    chars = max(12, int((width - 2 * PAD) * CHARS_PER_INCH))
    lines = textwrap.wrap(text, chars, subsequent_indent=indent) or [""]
    return [line.replace(NBSP, " ") for line in lines]


def _box(paragraphs: Sequence[str], width: float, indent_lines: Sequence[str] = ()) -> Box:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += _wrap(paragraph, width)
    for item in indent_lines:
        lines += _wrap(item, width, indent="    ")
    return Box(lines, width)


def _details(counts: pd.DataFrame, box: str) -> list[tuple[str, int]]:
    rows = counts[(counts["box"] == box) & (counts["detail"] != "")]
    return [(row.detail, int(row.count)) for row in rows.itertuples()]


def _identified_box(counts: pd.DataFrame, total: dict[str, int], width: float) -> Box:
    lines = ["Records identified from*:"]
    for box, label in (("database_results", "Databases"), ("register_results", "Registers")):
        lines += _wrap(f"{label} {_n(total.get(box, 0))}", width, indent="    ")
        for name, n in _details(counts, box):
            lines += _wrap(f"    {name} {_n(n)}", width, indent="        ")
    return Box(lines, width)


def _reasons_box(counts: pd.DataFrame, box: str, total: int, width: float) -> Box:
    reasons = [f"{reason} {_n(n)}" for reason, n in _details(counts, box)]
    return _box(
        [f"Reports excluded {_n(total)}:" if reasons else f"Reports excluded {_n(total)}"],
        width,
        reasons,
    )


@dataclass
class Layout:
    boxes: dict[str, Box]
    arrows: list[tuple[str, str, str]]  # from, to, side ("down" or "right" or "left")
    headers: list[tuple[str, float, float, str]]  # text, x, width, colour
    phases: list[tuple[str, str, str]]  # label, first box, last box
    width: float
    height: float


def layout_prisma(counts: pd.DataFrame) -> Layout:
    """Place every box of the template the counts call for."""
    total = box_totals(counts)
    updated = "previous_studies" in total
    other = "other_sought_reports" in total
    new = "new " if updated else ""
    x = MARGIN + PHASE_WIDTH + GAP_X
    boxes: dict[str, Box] = {}
    headers = []
    if updated:
        boxes["previous"] = _box(
            [
                f"Studies included in previous version of review {_n(total['previous_studies'])}",
                "",
                "Reports of studies included in previous version of review "
                f"{_n(total['previous_reports'])}",
            ],
            BOX_WIDTH,
        )
        boxes["previous"].x = x
        headers.append(("Previous studies", x, BOX_WIDTH, PREVIOUS_COLOUR))
        x += BOX_WIDTH + GAP_X
    main_x, side_x = x, x + BOX_WIDTH + GAP_X
    headers.append(
        (
            f"Identification of {new}studies via databases and registers",
            main_x,
            BOX_WIDTH + GAP_X + SIDE_WIDTH,
            HEADER_COLOUR,
        )
    )
    boxes["identified"] = _identified_box(counts, total, BOX_WIDTH)
    boxes["removed"] = _box(
        ["Records removed before screening:"],
        SIDE_WIDTH,
        [
            f"Duplicate records removed {_n(total['duplicates'])}",
            f"Records marked as ineligible by automation tools {_n(total['excluded_automatic'])}",
            f"Records removed for other reasons {_n(total['excluded_other'])}",
        ],
    )
    awaiting = total.get("awaiting_screening", 0)
    boxes["screened"] = _box([f"Records screened {_n(total['records_screened'])}"], BOX_WIDTH)
    boxes["excluded"] = _box(
        [f"Records excluded** {_n(total['records_excluded'])}"]
        + ([f"Records awaiting a decision {_n(awaiting)}"] if awaiting else []),
        SIDE_WIDTH,
    )
    boxes["sought"] = _box(
        [f"Reports sought for retrieval {_n(total['dbr_sought_reports'])}"], BOX_WIDTH
    )
    boxes["not_retrieved"] = _box(
        [f"Reports not retrieved {_n(total['dbr_notretrieved_reports'])}"], SIDE_WIDTH
    )
    boxes["assessed"] = _box(
        [f"Reports assessed for eligibility {_n(total['dbr_assessed'])}"], BOX_WIDTH
    )
    boxes["reasons"] = _reasons_box(counts, "dbr_excluded", total["dbr_excluded"], SIDE_WIDTH)
    if updated:
        included_text = [
            f"New studies included in review {_n(total['new_studies'])}",
            f"Reports of new included studies {_n(total['new_reports'])}",
        ]
    else:
        included_text = [
            f"Studies included in review {_n(total['new_studies'])}",
            f"Reports of included studies {_n(total['new_reports'])}",
        ]
    if total.get("awaiting_full_text"):
        included_text.append(
            f"Reports awaiting a full-text decision {_n(total['awaiting_full_text'])}"
        )
    boxes["included"] = _box(included_text, BOX_WIDTH)
    rows = [
        ("identified", "removed"),
        ("screened", "excluded"),
        ("sought", "not_retrieved"),
        ("assessed", "reasons"),
    ]
    other_x = side_x + SIDE_WIDTH + GAP_X
    if other:
        headers.append(
            (
                f"Identification of {new}studies via other methods",
                other_x,
                BOX_WIDTH + GAP_X + SIDE_WIDTH,
                HEADER_COLOUR,
            )
        )
        items = [
            f"{label} {_n(total[box])}"
            for box, label in (
                ("website_results", "Websites"),
                ("organisation_results", "Organisations"),
                ("citations_results", "Citation searching"),
            )
            if box in total
        ]
        boxes["other_identified"] = _box(["Records identified from:"], BOX_WIDTH, items)
        boxes["other_sought"] = _box(
            [f"Reports sought for retrieval {_n(total['other_sought_reports'])}"], BOX_WIDTH
        )
        boxes["other_not_retrieved"] = _box(
            [f"Reports not retrieved {_n(total['other_notretrieved_reports'])}"], SIDE_WIDTH
        )
        boxes["other_assessed"] = _box(
            [f"Reports assessed for eligibility {_n(total['other_assessed'])}"], BOX_WIDTH
        )
        boxes["other_reasons"] = _reasons_box(
            counts, "other_excluded", total["other_excluded"], SIDE_WIDTH
        )
    if updated:
        boxes["total"] = _box(
            [
                f"Total studies included in review {_n(total['total_studies'])}",
                f"Reports of total included studies {_n(total['total_reports'])}",
            ],
            BOX_WIDTH,
        )
    row_cells: list[list[str]] = [
        ["previous", "identified", "removed", "other_identified"],
        ["screened", "excluded"],
        ["sought", "not_retrieved", "other_sought", "other_not_retrieved"],
        ["assessed", "reasons", "other_assessed", "other_reasons"],
        ["total", "included"],
    ]
    y = MARGIN + HEADER_HEIGHT + GAP_Y * 0.6
    for cells in row_cells:
        present = [name for name in cells if name in boxes]
        height = max(boxes[name].height for name in present)
        if "included" in cells:
            height = max(height, MIN_INCLUDED_HEIGHT)
        for name in present:
            boxes[name].y = y
            boxes[name].height = height if name not in ("previous",) else boxes[name].height
        y += height + GAP_Y
    for name, box in boxes.items():
        if name in ("identified", "screened", "sought", "assessed", "included"):
            box.x = main_x
        elif name in ("removed", "excluded", "not_retrieved", "reasons"):
            box.x = side_x
        elif name.startswith("other_"):
            box.x = (
                other_x
                if not name.endswith(("not_retrieved", "reasons"))
                else (other_x + BOX_WIDTH + GAP_X)
            )
        elif name in ("previous", "total"):
            box.x = MARGIN + PHASE_WIDTH + GAP_X
    arrows = [(main, side, "right") for main, side in rows]
    arrows += [
        ("identified", "screened", "down"),
        ("screened", "sought", "down"),
        ("sought", "assessed", "down"),
        ("assessed", "included", "down"),
    ]
    if other:
        arrows += [
            ("other_identified", "other_sought", "down"),
            ("other_sought", "other_not_retrieved", "right"),
            ("other_sought", "other_assessed", "down"),
            ("other_assessed", "other_reasons", "right"),
            ("other_assessed", "included", "elbow"),
        ]
    if updated:
        arrows += [("previous", "total", "down"), ("included", "total", "left")]
    right = max(box.x + box.width for box in boxes.values()) + MARGIN
    bottom = max(box.y + box.height for box in boxes.values()) + FOOTNOTE_HEIGHT + MARGIN
    phases = [
        ("Identification", "identified", "identified"),
        ("Screening", "screened", "assessed"),
        ("Included", "included", "included"),
    ]
    return Layout(boxes, arrows, headers, phases, right, bottom)


def figure_prisma(counts: pd.DataFrame) -> plt.Figure:
    """The diagram as a matplotlib figure (inches map 1:1 to data units)."""
    layout = layout_prisma(counts)
    figure = plt.figure(figsize=(layout.width, layout.height))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, layout.width)
    axes.set_ylim(layout.height, 0)
    axes.axis("off")
    for text, x, width, colour in layout.headers:
        axes.add_patch(
            Rectangle(
                (x, MARGIN),
                width,
                HEADER_HEIGHT,
                facecolor=colour,
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
            )
        )
        axes.text(
            x + width / 2,
            MARGIN + HEADER_HEIGHT / 2,
            text,
            ha="center",
            va="center",
            fontsize=FONT_SIZE + 0.5,
            fontweight="bold",
        )
    for label, first, last in layout.phases:
        top = layout.boxes[first].y
        bottom = max(layout.boxes[name].y + layout.boxes[name].height for name in (first, last))
        if label == "Included" and "total" in layout.boxes:
            bottom = max(bottom, layout.boxes["total"].y + layout.boxes["total"].height)
        axes.add_patch(
            Rectangle(
                (MARGIN, top),
                PHASE_WIDTH,
                bottom - top,
                facecolor=PHASE_COLOUR,
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
            )
        )
        axes.text(
            MARGIN + PHASE_WIDTH / 2,
            (top + bottom) / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=FONT_SIZE + 0.5,
            fontweight="bold",
        )
    for name, box in layout.boxes.items():
        colour = PREVIOUS_COLOUR if name in ("previous", "total") else BOX_COLOUR
        axes.add_patch(
            Rectangle(
                (box.x, box.y),
                box.width,
                box.height,
                facecolor=colour,
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
                gid=f"box-{name}",
            )
        )
        axes.text(
            box.x + PAD,
            box.y + PAD,
            "\n".join(box.lines),
            ha="left",
            va="top",
            fontsize=FONT_SIZE,
            linespacing=1.25,
            gid=f"text-{name}",
        )
    for start, end, side in layout.arrows:
        _arrow(axes, layout.boxes[start], layout.boxes[end], side)
    footnote_width = layout.width - 2 * MARGIN
    chars = int(footnote_width * 72 / ((FONT_SIZE - 1.5) * 0.53))
    footnote = "\n".join(textwrap.fill(part, chars) for part in FOOTNOTE.split("\n"))
    axes.text(
        MARGIN,
        layout.height - MARGIN - FOOTNOTE_HEIGHT + 0.12,
        footnote,
        ha="left",
        va="top",
        fontsize=FONT_SIZE - 1.5,
        color="#444444",
        linespacing=1.2,
    )
    return figure


def _arrow(axes, start: Box, end: Box, side: str) -> None:
    style = dict(arrowstyle="-|>", mutation_scale=9, color=EDGE_COLOUR, linewidth=0.9)
    if side == "right":
        y = start.y + min(start.height, end.height) / 2
        points = [(start.x + start.width, y), (end.x, y)]
    elif side == "left":
        y = start.y + start.height / 2
        points = [(start.x, y), (end.x + end.width, y)]
    elif side == "down":
        x = start.x + start.width / 2
        points = [(x, start.y + start.height), (x, end.y)]
    else:  # elbow: down from start, then left into the side of end
        x = start.x + start.width / 2
        y = end.y + end.height / 2
        axes.plot([x, x], [start.y + start.height, y], color=EDGE_COLOUR, linewidth=0.9)
        points = [(x, y), (end.x + end.width, y)]
    axes.add_patch(FancyArrowPatch(points[0], points[1], **style))


def draw_prisma(counts: pd.DataFrame, paths: Sequence[str | Path]) -> None:
    """Write the diagram to each path (format from its suffix), atomically.

    SVG keeps text as text (searchable, editable); PNG is 300 dpi.
    """
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        figure = figure_prisma(counts)
        try:
            for path in paths:
                with atomic_path(path) as temporary:
                    figure.savefig(temporary, dpi=300, format=Path(path).suffix.lstrip("."))
        finally:
            plt.close(figure)
