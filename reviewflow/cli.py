"""The one place that catches errors: a Snakemake ``script:`` job runs inside ``job``."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from reviewflow.errors import ReviewflowError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("fontTools", "matplotlib", "PIL")
"""Libraries whose INFO chatter (font subsetting for PDF/SVG) would drown a job log."""


@contextlib.contextmanager
def job(log_path: str | Path) -> Iterator[logging.Logger]:
    """Log to the rule's log file; turn a ``ReviewflowError`` into one line and exit 1.

    The message goes to the log and to stderr, so Snakemake shows it without a
    traceback. Other exceptions are bugs and propagate with their traceback.
    """
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    logger = logging.getLogger("reviewflow")
    try:
        yield logger
    except ReviewflowError as error:
        logger.error("%s", error)
        print(f"reviewflow error: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        root.removeHandler(handler)
        handler.close()
