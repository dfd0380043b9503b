"""The audit report escapes every input string and renders cleanly in a browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.report import Figure, ReportData, html_table, render_report

HOSTILE_TITLE = '<script>alert("x")</script> & PD-1 <b>inhibitors</b>'
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a2c5f6"
    "6a0000000049454e44ae426082"
)


def small_review() -> ReportData:
    title_abstract = pd.DataFrame(
        {
            "record_id": ["pubmed:1", "pubmed:2", "embase:L3"],
            "title": [HOSTILE_TITLE, "Nivolumab in ESCC", "A cohort"],
            "decisions": ["A=include; B=exclude", "A=include; B=include", "A=exclude"],
            "conflict": ["true", "false", "false"],
            "resolution": ["include", "", ""],
            "decision": ["include", "include", "pending"],
            "decided_by": ["resolution", "agreement", ""],
            "reason": ["", "", ""],
        }
    )
    pending = pd.DataFrame(
        {
            "stage": ["title_abstract"],
            "record_id": ["embase:L3"],
            "search_id": ["2021"],
            "title": ["A cohort"],
            "waiting_for": ["reviewer B"],
        }
    )
    summary = pd.DataFrame(
        {
            "analysis": ["os", "os"],
            "subgroup": ["", ""],
            "model": ["fixed", "random"],
            "method": ["IV", "DL"],
            "k": [2, 2],
            "estimate": [0.71, 0.70],
            "ci_lower": [0.62, 0.60],
            "ci_upper": [0.81, 0.82],
            "p_value": [1e-6, 2e-5],
        }
    )
    return ReportData(
        title=HOSTILE_TITLE,
        config_text="review: {title: '<b>x</b>'}",
        title_abstract=title_abstract,
        pending=pending,
        summary=summary,
        counts=pd.DataFrame({"box": ["records_screened"], "detail": [""], "count": [3]}),
        prisma=Figure("PRISMA 2020 flow diagram", ONE_PIXEL_PNG),
    )


def test_input_strings_are_escaped():
    page = render_report(small_review())
    assert HOSTILE_TITLE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only the table-sorting script


def test_pending_work_is_announced_first():
    page = render_report(small_review())
    status = page.index("The review is incomplete")
    assert status < page.index('id="title-abstract"')
    assert "1 record awaits a decision (1 at title abstract)" in page


def test_long_tables_are_cut_with_a_note():
    frame = pd.DataFrame({"n": range(600)})
    table = html_table(frame)
    assert "Showing the first 500 of 600 rows" in table


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_chromium_without_console_errors(tmp_path):
    page_path = tmp_path / "report.html"
    page_path.write_text(render_report(small_review()), encoding="utf-8")
    screenshot = tmp_path / "report.png"
    run = subprocess.run(
        [
            "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1280,1600",
            page_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert screenshot.stat().st_size > 0
    dom = subprocess.run(
        [
            "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--dump-dom",
            page_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in dom
    assert Path(screenshot).read_bytes()[:4] == b"\x89PNG"
