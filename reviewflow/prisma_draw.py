"""Draw the PRISMA 2020 flow diagram from the counts table.

The template follows the counts, as in Page et al. 2021 (BMJ 372:n71, figure 1 and
its templates): "new review, databases and registers only"; "with other methods" (a
right-hand column, when the counts have ``other_*`` boxes); "updated review" (a
left-hand column of previous studies and a total box, when they have
``previous_studies``). Box wording is the template's; each database and register has
its own line and each exclusion reason its own item.

Text is wrapped by its measured width and every box is sized from its measured text,
so long reason lists and seven-digit counts grow the box instead of leaving it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from reviewflow.io import atomic_path
from reviewflow.prisma import WAITING_LEFT, WAITING_OTHER, WAITING_PREVIOUS, box_details, box_totals

FONT = "sans-serif"
SANS_SERIF = ["DejaVu Sans", "Verdana", "Arial", "Helvetica"]
"""DejaVu Sans ships with matplotlib (the same metrics everywhere); SVG viewers without
it fall back along this list."""
FONT_SIZE = 8.0
HEADER_SIZE = 8.5
NOTE_SIZE = 6.5
LINESPACING = 1.3
PAD_X = 0.1  # inches between a box's edge and its text
PAD_Y = 0.08
SLACK = 0.94  # wrap at this share of the inner width: room for a substitute SVG font
MAIN_WIDTH = 2.7
SIDE_WIDTH = 2.7
GAP_X = 0.4
GAP_Y = 0.3
PHASE_WIDTH = 0.3
HEADER_HEIGHT = 0.4
MARGIN = 0.2
MIN_PHASE_HEIGHT = 0.8  # the rotated "Included" label needs this much
STRETCH = 1.5  # a box at least 1/STRETCH of its row's height is stretched to the row
INDENT = 0.16  # inches per indent level (hanging indent for wrapped lines)
PITCH = FONT_SIZE * LINESPACING / 72  # inches from one text line to the next
NBSP = "\u00a0"
FOOTNOTES = (
    "*Consider, if feasible to do so, reporting the number of records identified from each "
    "database or register searched (rather than the total number across all "
    "databases/registers).",
    "**If automation tools were used, indicate how many records were excluded by a human "
    "and how many were excluded by automation tools.",
)

EDGE_COLOUR = "#333333"
BOX_COLOUR = "#ffffff"
MAIN_HEADER_COLOUR = "#f5c342"
GREY_HEADER_COLOUR = "#d9d9d9"
PHASE_COLOUR = "#a9c4eb"
NOTE_COLOUR = "#444444"


class _Measure:
    """Text widths and heights in inches, from matplotlib's own renderer."""

    def __init__(self) -> None:
        self.figure = plt.figure(dpi=72)
        self.renderer = FigureCanvasAgg(self.figure).get_renderer()

    def width(self, text: str, size: float = FONT_SIZE) -> float:
        prop = FontProperties(family=FONT, size=size)
        width, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return width / 72

    def height(self, lines: Sequence[str], size: float = FONT_SIZE) -> float:
        text = self.figure.text(
            0, 0, "\n".join(lines), fontfamily=FONT, fontsize=size, linespacing=LINESPACING
        )
        extent = text.get_window_extent(self.renderer)
        text.remove()
        return extent.height / 72

    def wrap(
        self, text: str, width: float, rest_width: float | None = None, size: float = FONT_SIZE
    ) -> list[str]:
        """Greedy wrap at measured width (``rest_width`` for lines after the first)."""
        words = text.split(" ")
        line, lines = words[0], list[str]()
        for word in words[1:]:
            limit = (width if not lines else (rest_width or width)) * SLACK
            candidate = f"{line} {word}"
            if self.width(candidate.replace(NBSP, " "), size) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        return [item.replace(NBSP, " ") for item in lines]

    def close(self) -> None:
        plt.close(self.figure)


def _n(value: int) -> str:
    """'(n = 1,234)', glued with no-break spaces so wrapping never splits it."""
    return f"(n{NBSP}={NBSP}{value:,})"


@dataclass
class Box:
    """A box's text lines (indent in inches, text) and place (inches, origin top-left,
    y downwards)."""

    lines: list[tuple[float, str]]
    width: float
    text_height: float
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0

    @property
    def natural_height(self) -> float:
        return self.text_height + 2 * PAD_Y

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass
class Layout:
    """Every box, arrow, header and phase bar of one diagram."""

    boxes: dict[str, Box]
    arrows: list[tuple[str, str, str]]  # from box, to box, "right" | "down" | elbow kind
    headers: list[tuple[str, float, float, str]]  # text, x, width, colour
    phases: list[tuple[str, float, float]]  # label, top, bottom
    footnotes: list[str]
    footnote_y: float
    width: float
    height: float


def _text_box(measure: _Measure, width: float, items: Sequence[tuple[str, int]]) -> Box:
    """A box of paragraphs; ``(text, level)`` indents by ``level`` steps."""
    inner = width - 2 * PAD_X
    lines: list[tuple[float, str]] = []
    for text, level in items:
        first, rest = level * INDENT, (level + 1) * INDENT
        wrapped = measure.wrap(text, inner - first, inner - rest)
        lines += [(first if index == 0 else rest, line) for index, line in enumerate(wrapped)]
    return Box(lines, width, len(lines) * PITCH)


def _identified_items(counts: pd.DataFrame, boxes: Sequence[tuple[str, str]]) -> list:
    total = box_totals(counts)
    items = []
    for box, label in boxes:
        if box not in total:
            continue
        items.append((f"{label} {_n(total[box])}", 1))
        details = box_details(counts, box)
        if list(details) != [label]:
            items += [(f"{name} {_n(n)}", 2) for name, n in details.items()]
    return items


def _excluded_items(counts: pd.DataFrame, box: str) -> list:
    reasons = box_details(counts, box)
    total = box_totals(counts)[box]
    if not reasons:
        return [(f"Reports excluded {_n(total)}", 0)]
    return [(f"Reports excluded {_n(total)}:", 0)] + [
        (f"{reason} {_n(n)}", 1) for reason, n in reasons.items()
    ]


def _waiting(counts: pd.DataFrame, box: str, detail: str) -> int:
    return box_details(counts, box).get(detail, 0) if box in box_totals(counts) else 0


def _boxes(counts: pd.DataFrame, measure: _Measure) -> dict[str, Box]:
    total = box_totals(counts)
    updated = "previous_studies" in total
    other = "other_sought_reports" in total
    box = _text_box
    boxes = {
        "identified": box(
            measure,
            MAIN_WIDTH,
            [("Records identified from*:", 0)]
            + _identified_items(
                counts, (("database_results", "Databases"), ("register_results", "Registers"))
            ),
        ),
        "removed": box(
            measure,
            SIDE_WIDTH,
            [
                ("Records removed before screening:", 0),
                (f"Duplicate records removed {_n(total['duplicates'])}", 1),
                (
                    "Records marked as ineligible by automation tools "
                    f"{_n(total['excluded_automatic'])}",
                    1,
                ),
                (f"Records removed for other reasons {_n(total['excluded_other'])}", 1),
            ],
        ),
        "screened": box(
            measure, MAIN_WIDTH, [(f"Records screened {_n(total['records_screened'])}", 0)]
        ),
    }
    excluded = [(f"Records excluded** {_n(total['records_excluded'])}", 0)]
    waiting = _waiting(counts, "awaiting_screening", WAITING_LEFT)
    if waiting:
        excluded.append((f"Records awaiting screening† {_n(waiting)}", 0))
    boxes["excluded"] = box(measure, SIDE_WIDTH, excluded)
    for prefix, label in (("", WAITING_LEFT), ("other_", WAITING_OTHER)):
        if prefix and not other:
            continue
        source = "dbr" if not prefix else "other"
        boxes[f"{prefix}sought"] = box(
            measure,
            MAIN_WIDTH,
            [(f"Reports sought for retrieval {_n(total[f'{source}_sought_reports'])}", 0)],
        )
        missing = [(f"Reports not retrieved {_n(total[f'{source}_notretrieved_reports'])}", 0)]
        waiting = _waiting(counts, "awaiting_full_text", label)
        if waiting:
            missing.append((f"Reports awaiting assessment† {_n(waiting)}", 0))
        boxes[f"{prefix}not_retrieved"] = box(measure, SIDE_WIDTH, missing)
        boxes[f"{prefix}assessed"] = box(
            measure,
            MAIN_WIDTH,
            [(f"Reports assessed for eligibility {_n(total[f'{source}_assessed'])}", 0)],
        )
        boxes[f"{prefix}reasons"] = box(
            measure, SIDE_WIDTH, _excluded_items(counts, f"{source}_excluded")
        )
    if other:
        boxes["other_identified"] = box(
            measure,
            MAIN_WIDTH,
            [("Records identified from:", 0)]
            + _identified_items(
                counts,
                (
                    ("website_results", "Websites"),
                    ("organisation_results", "Organisations"),
                    ("citations_results", "Citation searching"),
                ),
            ),
        )
    new = "New studies" if updated else "Studies"
    reports = "Reports of new included studies" if updated else "Reports of included studies"
    boxes["included"] = box(
        measure,
        MAIN_WIDTH,
        [
            (f"{new} included in review {_n(total['new_studies'])}", 0),
            (f"{reports} {_n(total['new_reports'])}", 0),
        ],
    )
    if updated:
        boxes["previous"] = box(
            measure,
            MAIN_WIDTH,
            [
                (
                    "Studies included in previous version of review "
                    f"{_n(total['previous_studies'])}",
                    0,
                ),
                ("", 0),
                (
                    "Reports of studies included in previous version of review "
                    f"{_n(total['previous_reports'])}",
                    0,
                ),
            ],
        )
        boxes["total"] = box(
            measure,
            MAIN_WIDTH,
            [
                (f"Total studies included in review {_n(total['total_studies'])}", 0),
                (f"Reports of total included studies {_n(total['total_reports'])}", 0),
            ],
        )
    return boxes


def _footnotes(counts: pd.DataFrame, measure: _Measure, width: float) -> list[str]:
    total = box_totals(counts)
    notes = list(FOOTNOTES)
    screening, full_text = total.get("awaiting_screening", 0), total.get("awaiting_full_text", 0)
    if screening or full_text:
        previous = _waiting(counts, "awaiting_screening", WAITING_PREVIOUS) + _waiting(
            counts, "awaiting_full_text", WAITING_PREVIOUS
        )
        note = (
            f"†Review incomplete: {screening:,} record(s) await a title/abstract decision and "
            f"{full_text:,} report(s) a full-text decision"
        )
        note += f", {previous:,} of them from the previous version." if previous else "."
        notes.append(note)
    lines = []
    for note in notes:
        lines += measure.wrap(note, width, size=NOTE_SIZE)
    return lines


ROWS = (
    ("previous", "identified", "removed", "other_identified"),
    ("screened", "excluded"),
    ("sought", "not_retrieved", "other_sought", "other_not_retrieved"),
    ("assessed", "reasons", "other_assessed", "other_reasons"),
    ("included",),
    ("total",),
)
PHASES = (("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, 5))


def layout_prisma(counts: pd.DataFrame) -> Layout:
    """Place every box of the template the counts call for."""
    measure = _Measure()
    try:
        boxes = _boxes(counts, measure)
        return _place(counts, boxes, measure)
    finally:
        measure.close()


def _place(counts: pd.DataFrame, boxes: dict[str, Box], measure: _Measure) -> Layout:
    updated, other = "previous" in boxes, "other_sought" in boxes
    x = MARGIN + PHASE_WIDTH + GAP_X
    columns: dict[str, float] = {}
    headers = []
    if updated:
        columns["previous"] = x
        headers.append(("Previous studies", x, MAIN_WIDTH, GREY_HEADER_COLOUR))
        x += MAIN_WIDTH + GAP_X
    new = "new " if updated else ""
    columns["main"], columns["side"] = x, x + MAIN_WIDTH + GAP_X
    headers.append(
        (
            f"Identification of {new}studies via databases and registers",
            x,
            MAIN_WIDTH + GAP_X + SIDE_WIDTH,
            MAIN_HEADER_COLOUR,
        )
    )
    x += MAIN_WIDTH + GAP_X + SIDE_WIDTH + GAP_X
    if other:
        columns["other"], columns["other_side"] = x, x + MAIN_WIDTH + GAP_X
        headers.append(
            (
                f"Identification of {new}studies via other methods",
                x,
                MAIN_WIDTH + GAP_X + SIDE_WIDTH,
                GREY_HEADER_COLOUR,
            )
        )
        x += MAIN_WIDTH + GAP_X + SIDE_WIDTH + GAP_X
    width = x - GAP_X + MARGIN
    for name, box in boxes.items():
        if name in ("previous",):
            box.x = columns["previous"]
        elif name in ("removed", "excluded", "not_retrieved", "reasons"):
            box.x = columns["side"]
        elif name in ("other_not_retrieved", "other_reasons"):
            box.x = columns["other_side"]
        elif name.startswith("other_"):
            box.x = columns["other"]
        else:
            box.x = columns["main"]
    y = MARGIN + HEADER_HEIGHT + GAP_Y
    row_spans = []
    for row_index, names in enumerate(ROWS):
        present = [name for name in names if name in boxes]
        if not present:
            row_spans.append((y, y))
            continue
        height = max(boxes[name].natural_height for name in present)
        phase_rows = [phase for phase in PHASES if phase[1] == phase[2] == row_index]
        if phase_rows or (row_index == 4 and "total" not in boxes):
            height = max(height, MIN_PHASE_HEIGHT)
        for name in present:
            box = boxes[name]
            box.height = height if box.natural_height * STRETCH >= height else box.natural_height
            box.y = y + (height - box.height) / 2
        row_spans.append((y, y + height))
        y += height + GAP_Y
    phases = []
    for label, first, last in PHASES:
        spans = [span for span in row_spans[first : last + 1] if span[1] > span[0]]
        top, bottom = spans[0][0], max(end for _, end in spans)
        phases.append((label, top, bottom))
    footnote_width = width - 2 * MARGIN
    footnotes = _footnotes(counts, measure, footnote_width)
    footnote_y = y - GAP_Y / 2
    height = footnote_y + measure.height(footnotes, NOTE_SIZE) + MARGIN
    arrows = [
        ("identified", "removed", "right"),
        ("screened", "excluded", "right"),
        ("sought", "not_retrieved", "right"),
        ("assessed", "reasons", "right"),
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
            ("other_assessed", "included", "down-left"),
        ]
    if updated:
        arrows += [("included", "total", "down"), ("previous", "total", "down-right")]
    return Layout(boxes, arrows, headers, phases, footnotes, footnote_y, width, height)


def figure_prisma(counts: pd.DataFrame) -> plt.Figure:
    """The diagram as a matplotlib figure (data units are inches, y downwards)."""
    layout = layout_prisma(counts)
    figure = plt.figure(figsize=(layout.width, layout.height))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, layout.width)
    axes.set_ylim(layout.height, 0)
    axes.axis("off")
    text_style: dict[str, Any] = {"fontfamily": FONT, "linespacing": LINESPACING}
    for text, x, width, colour in layout.headers:
        _rounded(axes, x, MARGIN, width, HEADER_HEIGHT, colour)
        axes.text(
            x + width / 2,
            MARGIN + HEADER_HEIGHT / 2,
            text,
            ha="center",
            va="center",
            fontsize=HEADER_SIZE,
            fontweight="bold",
            gid="header",
            **text_style,
        )
    for label, top, bottom in layout.phases:
        _rounded(axes, MARGIN, top, PHASE_WIDTH, bottom - top, PHASE_COLOUR)
        axes.text(
            MARGIN + PHASE_WIDTH / 2,
            (top + bottom) / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=HEADER_SIZE,
            fontweight="bold",
            gid=f"phase-{label}",
            **text_style,
        )
    for name, box in layout.boxes.items():
        axes.add_patch(
            Rectangle(
                (box.x, box.y),
                box.width,
                box.height,
                facecolor=BOX_COLOUR,
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
                gid=f"box-{name}",
            )
        )
        top = box.y + (box.height - box.text_height) / 2
        for index, (indent, line) in enumerate(box.lines):
            axes.text(
                box.x + PAD_X + indent,
                top + (index + 0.5) * PITCH,
                line,
                ha="left",
                va="center",
                fontsize=FONT_SIZE,
                gid=f"text-{name}",
                **text_style,
            )
    for start, end, kind in layout.arrows:
        _arrow(axes, layout.boxes[start], layout.boxes[end], kind)
    axes.text(
        MARGIN,
        layout.footnote_y,
        "\n".join(layout.footnotes),
        ha="left",
        va="top",
        fontsize=NOTE_SIZE,
        color=NOTE_COLOUR,
        gid="footnotes",
        **text_style,
    )
    return figure


def _rounded(axes: Axes, x: float, y: float, width: float, height: float, colour: str) -> None:
    axes.add_patch(
        FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=colour,
            edgecolor=EDGE_COLOUR,
            linewidth=0.8,
        )
    )


def _arrow(axes: Axes, start: Box, end: Box, kind: str) -> None:
    line: dict[str, Any] = {"color": EDGE_COLOUR, "linewidth": 0.9}
    start_x, start_y = start.centre
    end_y = end.centre[1]
    if kind == "right":
        points = (start.x + start.width, start_y), (end.x, start_y)
    elif kind == "down":
        points = (start_x, start.y + start.height), (start_x, end.y)
    else:  # down, then sideways into the side of ``end``
        axes.plot(
            [start_x, start_x], [start.y + start.height, end_y], solid_capstyle="projecting", **line
        )
        side = end.x + end.width if kind == "down-left" else end.x
        points = (start_x, end_y), (side, end_y)
    axes.add_patch(
        FancyArrowPatch(*points, arrowstyle="-|>", mutation_scale=9, shrinkA=0, shrinkB=0, **line)
    )


def draw_prisma(counts: pd.DataFrame, paths: Sequence[str | Path]) -> None:
    """Write the diagram to each path (format from its suffix), atomically.

    SVG keeps text as text (``svg.fonttype: none``: searchable, editable); PNG is
    300 dpi; PDF embeds the font.
    """
    with plt.rc_context(
        {
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
            "svg.hashsalt": "reviewflow",
            "font.sans-serif": SANS_SERIF,
        }
    ):
        figure = figure_prisma(counts)
        try:
            for path in paths:
                with atomic_path(path) as temporary:
                    figure.savefig(
                        temporary,
                        dpi=300,
                        format=Path(path).suffix.lstrip("."),
                        metadata=_metadata(Path(path).suffix),
                    )
        finally:
            plt.close(figure)


def _metadata(suffix: str) -> dict[str, str | None]:
    """No creation date in the file: the same counts give the same bytes."""
    if suffix == ".svg":
        return {"Date": None}
    if suffix == ".pdf":
        return {"CreationDate": None}
    return {}
