"""The run report: a JSON file for machines, a table for people."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .problems import Problem
from .publisher import CREATED, FAILED, HIDDEN, PLANNED, UPDATED, AssetResult

CHANGED = (CREATED, UPDATED, HIDDEN)
STYLES = {CREATED: "green", UPDATED: "green", HIDDEN: "yellow", FAILED: "bold red", PLANNED: "cyan"}


def summary(results: list[AssetResult]) -> dict:
    counts = Counter(result.outcome for result in results)
    return {
        "assets": len(results),
        "changed": sum(counts[outcome] for outcome in CHANGED),
        "failed": counts[FAILED],
        "by_outcome": dict(sorted(counts.items())),
        "writes": sum(result.writes for result in results),
    }


def run_report(command: str, register: str, portal: str | None, started: dt.datetime,
               register_problems: list[Problem], results: list[AssetResult], stopped: str | None = None,
               register_table: AssetResult | None = None) -> dict:
    totals = summary(results)
    if register_table is not None:
        totals["writes"] += register_table.writes
    return {
        "command": command,
        "register": register,
        "portal": portal,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "stopped": stopped,
        "summary": totals,
        "register_problems": [problem.as_dict() for problem in register_problems],
        "assets": [result.as_dict() for result in results],
        "register_table": register_table.as_dict() if register_table is not None else None,
    }


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_register_problems(console: Console, problems: list[Problem]) -> None:
    if not problems:
        return
    table = Table(title="Problems in the register", title_justify="left")
    for column in ("Asset", "Row", "Column", "Problem"):
        table.add_column(column)
    for problem in problems:
        table.add_row(problem.asset_id or "", str(problem.row or ""), problem.column or "", problem.message)
    console.print(table)


def print_results(console: Console, results: list[AssetResult]) -> None:
    table = Table(title="Publish results", title_justify="left")
    for column in ("Asset", "Dataset", "Result", "What happened"):
        table.add_column(column)
    for result in results:
        detail = result.message
        if result.changes and result.outcome != FAILED:
            detail += "\n" + "; ".join(result.changes)
        for problem in result.problems[:5]:
            detail += f"\n• {problem}"
        if len(result.problems) > 5:
            detail += f"\n• …{len(result.problems) - 5} more in the JSON report"
        style = STYLES.get(result.outcome, "")
        table.add_row(result.asset_id, result.dataset or "", f"[{style}]{result.outcome}[/]" if style else
                      result.outcome, detail)
    console.print(table)
    totals = summary(results)
    console.print(f"{totals['assets']} assets: {totals['changed']} changed, {totals['failed']} failed, "
                  f"{totals['writes']} portal writes.")


def print_register_table(console: Console, result: AssetResult) -> None:
    """The register's own dataset (what the council holds): what happened, and what officers must correct."""
    style = STYLES.get(result.outcome, "")
    outcome = f"[{style}]{result.outcome}[/]" if style else result.outcome
    detail = result.release_note or result.message or "; ".join(result.changes)
    console.print(f"Published register ({result.dataset}): {outcome}. {detail}".rstrip())
    for problem in result.problems:
        console.print(f"  • {problem.asset_id + ': ' if problem.asset_id else ''}{problem}")
