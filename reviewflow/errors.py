"""One family of errors, each rendering as a single line a reviewer can act on.

The workflow catches only ``ReviewflowError`` (in ``cli.job``); anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class ReviewflowError(Exception):
    """Base of every error a user can fix by changing an input."""


class ConfigError(ReviewflowError):
    """The config is invalid: a wrong key, a bad value or a missing file."""


class InputTableError(ReviewflowError):
    """A problem in one file a person wrote or exported, located by row and column.

    Renders as ``path:row: column 'x': problem (fix)``, e.g.
    ``review/ta_A.csv:14: decision 'inclde' is not include/exclude/maybe``.
    ``row`` is the 1-based line (or record number for record formats, see ``unit``).
    """

    def __init__(
        self,
        path: str | Path | None,
        row: int | None,
        problem: str,
        fix: str = "",
        column: str | None = None,
        unit: str = "",
    ) -> None:
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.problem = problem
        self.fix = fix
        self.unit = unit
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<input>"
        if self.row is not None:
            where += f":{self.unit + ' ' if self.unit else ''}{self.row}"
        text = f"{where}: "
        if self.column:
            text += f"column '{self.column}': "
        text += self.problem
        if self.fix:
            text += f" ({self.fix})"
        return text


class ExportFormatError(InputTableError):
    """An export file that cannot be read as a bibliographic export."""


class DecisionError(InputTableError):
    """A screening decision that contradicts the records or another decision."""


class ExtractionError(InputTableError):
    """An extraction row that cannot be pooled as written."""


class ReconciliationError(ReviewflowError):
    """Two counts that must agree do not (PRISMA boxes, stage logs)."""
