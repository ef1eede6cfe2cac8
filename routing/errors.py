"""Errors of the routing engine.

::

    bcx.errors.BcxError
    └── RoutingError              anything the engine refuses to do
        └── RuleFileError         a rule file cannot be read or is invalid; carries every RuleIssue found

Evaluation itself never raises on valid facts: problems with a rule set are found when it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcx.errors import BcxError


@dataclass(frozen=True)
class RuleIssue:
    """One problem in a rule file, pointing at the line (1-based) and column where it is."""

    source: str
    line: int | None
    column: int | None
    location: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}:{self.column or 1}"
        at = f" {self.location}:" if self.location else ""
        return f"{where}:{at} {self.message}"


class RoutingError(BcxError):
    """Base of the routing engine's errors."""


class RuleFileError(RoutingError):
    """A rule file is unreadable or invalid; ``issues`` lists every problem with its line."""

    def __init__(self, source: str, issues: list[RuleIssue]) -> None:
        self.source = source
        self.issues = tuple(issues)
        count = len(self.issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''} in the rules\n{lines}")
