"""The command line without a portal: refusals that happen before any call is made."""
import fcntl
import json
from importlib.resources import files
from pathlib import Path

from publish_jobs.cli import EXIT_STOPPED, EXIT_UNUSABLE, main

VALID = Path(str(files("westsuffolk_schemas"))) / "examples" / "information-asset-register" / "valid.csv"
NO_PORTAL = "http://127.0.0.1:9"  # nothing listens there; these tests never get that far


def test_unusable_register_exits_2_with_a_report(tmp_path, capsys):
    report = tmp_path / "report.json"
    code = main(["run", "--register", str(tmp_path / "missing.xlsx"), "--portal", NO_PORTAL, "--token", "t",
                 "--report", str(report)])
    assert code == EXIT_UNUSABLE
    assert "does not exist" in capsys.readouterr().err
    assert "does not exist" in json.loads(report.read_text())["stopped"]


def test_run_needs_a_portal_and_a_token(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("WESTSUFFOLK_PORTAL_URL", raising=False)
    monkeypatch.delenv("WESTSUFFOLK_API_TOKEN", raising=False)
    assert main(["run", "--register", str(VALID)]) == EXIT_UNUSABLE
    assert "No portal address" in capsys.readouterr().err
    assert main(["run", "--register", str(VALID), "--portal", NO_PORTAL]) == EXIT_UNUSABLE
    assert "No API token" in capsys.readouterr().err


def test_two_runs_cannot_overlap(tmp_path, capsys):
    lock = tmp_path / "publish.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        code = main(["run", "--register", str(VALID), "--portal", NO_PORTAL, "--token", "t",
                     "--lock-file", str(lock)])
    assert code == EXIT_STOPPED
    assert "already in progress (process 4242)" in capsys.readouterr().err


def test_the_cli_counts_what_the_json_report_holds(tmp_path):
    import io
    import json

    from rich.console import Console

    from publish_jobs import report
    from publish_jobs.problems import Problem
    from publish_jobs.publisher import FAILED, AssetResult

    problems = [Problem(f"problem {n}", row=n) for n in range(23)]
    result = AssetResult(asset_id="IAR-0001", outcome=FAILED, message="Not published.", problems=problems)
    out = io.StringIO()
    report.print_results(Console(file=out, width=200), [result])
    assert "…18 more in the JSON report" in out.getvalue()
    path = tmp_path / "run.json"
    report.write_json(report.run_report("run", "r.xlsx", None, __import__("datetime").datetime.now(), [], [result]),
                      path)
    assert len(json.loads(path.read_text())["assets"][0]["problems"]) == 23


def test_an_upload_refused_by_the_portal_reads_one_problem_per_line():
    from publish_jobs.portal import _flatten

    text = _flatten({"upload": ["The file does not follow the table schema. Nothing was saved.",
                                'Row 3, column "amount": "x" is not a number.'], "__type": "Validation Error"})
    assert text == ('upload: The file does not follow the table schema. Nothing was saved.\n'
                    '  • Row 3, column "amount": "x" is not a number.')
