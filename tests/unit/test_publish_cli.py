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
