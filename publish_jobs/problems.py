"""How the publish jobs describe what went wrong, for a council officer to fix."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing to fix, located as precisely as we can (spreadsheet row, column)."""

    message: str
    asset_id: str | None = None
    row: int | None = None
    column: str | None = None
    source: str | None = None  # "register", "mapping", "extract", "validation", "personal data", "portal"
    count: int | None = None  # how many rows or cells share this problem (grouped problems)

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (
                f"row {self.row}" if self.row is not None else "",
                f"column '{self.column}'" if self.column else "",
            ) if part
        )
        return f"{where}: {self.message}" if where else self.message


class AssetBlocked(Exception):
    """Stops one asset (never the run); carries the problems to report."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("; ".join(str(problem) for problem in self.problems))


class RunStopped(Exception):
    """Stops the whole run at once (e.g. the portal refused our API token)."""
