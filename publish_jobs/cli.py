"""westsuffolk-publish: the asset register's approved extracts reach the portal.

    westsuffolk-publish plan   --register register.xlsx   # what would change; writes nothing
    westsuffolk-publish run    --register register.xlsx   # publish
    westsuffolk-publish status --register register.xlsx   # what the portal holds for each asset
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import register_table, report
from .lock import run_lock
from .problems import Problem, RunStopped
from .publisher import FAILED, AssetResult, Publisher
from .register import Register, RegisterError, load_register
from .settings import API_TOKEN_ENV, PORTAL_URL_ENV, default_lock_path

REPORT_WIDTH = 160
EXIT_OK, EXIT_ASSET_FAILED, EXIT_UNUSABLE, EXIT_STOPPED = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="westsuffolk-publish", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)
    for name, help_text in (("plan", "show what would change on the portal; writes nothing"),
                            ("run", "publish approved extracts to the portal"),
                            ("status", "show what the portal holds for each asset")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--register", required=True, type=Path, help="register .xlsx or .csv")
        command.add_argument("--extracts-root", type=Path,
                             help="folder the register's extract locations are relative to "
                                  "(default: the register's folder)")
        command.add_argument("--only", action="append", metavar="ASSET_ID", help="this asset only (repeatable)")
        command.add_argument("--portal", default=os.environ.get(PORTAL_URL_ENV),
                             help=f"portal address (default: ${PORTAL_URL_ENV})")
        command.add_argument("--token", default=os.environ.get(API_TOKEN_ENV),
                             help=f"API token (default: ${API_TOKEN_ENV})")
        command.add_argument("--report", type=Path, metavar="FILE", help="write the JSON run report here")
        if name == "run":
            command.add_argument("--lock-file", type=Path, default=default_lock_path(),
                                 help="lock that stops two runs overlapping")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    out, err = Console(), Console(stderr=True, soft_wrap=True)  # messages unbroken, for logs and grep
    if not out.is_terminal:  # logs and cron mail: wide enough for the results table
        out = Console(width=REPORT_WIDTH)
    started = dt.datetime.now(dt.timezone.utc)

    published_register: list[AssetResult] = []  # the register's own dataset, once the assets are done

    def finish(results, problems, code, stopped=None):
        if args.report:
            report.write_json(report.run_report(args.command, str(args.register), args.portal, started,
                                                problems, results, stopped,
                                                published_register[0] if published_register else None), args.report)
        return code

    try:
        register = load_register(args.register)
    except RegisterError as error:
        err.print(f"[bold red]The register cannot be used:[/] {error}")
        return finish([], [Problem(str(error), source="register")], EXIT_UNUSABLE, str(error))
    report.print_register_problems(err, register.problems)
    if not args.portal:
        message = f"No portal address: give --portal or set {PORTAL_URL_ENV}."
        err.print(f"[bold red]{message}[/]")
        return finish([], register.problems, EXIT_UNUSABLE, message)
    if args.command == "run" and not args.token:
        message = f"No API token: give --token or set {API_TOKEN_ENV}."
        err.print(f"[bold red]{message}[/]")
        return finish([], register.problems, EXIT_UNUSABLE, message)

    results = blocked_results(register, args.only)
    assets = [a for a in register.assets if not args.only or a.asset_id in args.only]
    try:
        with run_lock(args.lock_file) if args.command == "run" else nullcontext():
            from .portal import Portal  # here, not at the top: ckanapi is only needed to talk to a portal

            portal = Portal(args.portal, args.token)
            publisher = Publisher(portal, args.extracts_root or args.register.parent,
                                  dry_run=args.command != "run")
            if args.command == "status":
                print_status(out, publisher, assets)
                return finish(results, register.problems, EXIT_OK)
            process_all(publisher, assets, err, results)
            published_register.append(register_table.publish(publisher, register))
    except RunStopped as stop:
        err.print(f"[bold red]Run stopped:[/] {stop}")
        return finish(results, register.problems, EXIT_STOPPED, str(stop))
    results.sort(key=lambda result: result.asset_id)
    report.print_results(out, results)
    report.print_register_table(out, published_register[0])
    failed = any(result.outcome == FAILED for result in [*results, *published_register])
    code = EXIT_ASSET_FAILED if failed else EXIT_OK
    return finish(results, register.problems, code)


def blocked_results(register: Register, only: list[str] | None) -> list[AssetResult]:
    """Register rows that failed their checks: reported as failed assets, never touched on the portal."""
    results = []
    for asset_id in sorted(register.blocked_ids):
        if only and asset_id not in only:
            continue
        problems = [p for p in register.problems if (p.asset_id or f"row {p.row}") == asset_id]
        results.append(AssetResult(asset_id=asset_id, outcome=FAILED, problems=problems,
                                   message="Not published: the register row needs correcting."))
    return results


def process_all(publisher: Publisher, assets, console: Console, results: list[AssetResult]) -> None:
    """Each asset in turn; results are appended as they come, so a stopped run still reports them."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
        task = progress.add_task("Publishing" if not publisher.dry_run else "Planning", total=len(assets))
        for asset in assets:
            progress.update(task, description=asset.asset_id)
            results.append(publisher.process(asset))
            progress.advance(task)


def print_status(console: Console, publisher: Publisher, assets) -> None:
    table = Table(title="On the portal", title_justify="left")
    for column in ("Asset", "Register status", "Dataset", "Visibility", "Files", "Latest period", "Checked"):
        table.add_column(column)
    for asset in assets:
        package = publisher.find_package(asset)
        if package is None:
            table.add_row(asset.asset_id, asset.publication_status, "—", "not on the portal", "", "", "")
            continue
        resources = package.get("resources") or []
        latest = max(resources, key=lambda r: r.get("period_end") or "", default={})
        table.add_row(asset.asset_id, asset.publication_status, package["name"],
                      "private" if package.get("private") else "public", str(len(resources)),
                      latest.get("name", ""), latest.get("validation_status") or "")
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
