"""Known vulnerabilities in what the portal installs (`make audit`, run by .ci/run after the tests):

- Python: pip-audit over the pinned requirements (requirements.txt, requirements-test.txt and their
  dependencies), from its own virtualenv (var/audit-venv, pip-audit pinned in requirements-audit.txt) so
  its dependencies never change the portal's. It asks OSV first, then PyPI's advisory data.
- npm: the repository has no package.json; the only JavaScript package the tests run is axe-core, bundled
  inside the axe-playwright-python wheel. Its version is read from the bundle and audited with `npm audit`
  in a throw-away lock file (plus any package-lock.json the repository gains later).

A vulnerability found fails the step unless .ci/audit-exceptions.txt names its id with the reason
("ID  # why"). A vulnerability database that cannot be reached (no network, or a registry mirror that
serves packages but not advisories, as on the development machines) is said loudly and does NOT fail the
step: a missing network is not a vulnerability, and CI must not turn red for it. The summary says which
checks really ran.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AUDIT_VENV = REPO / "var" / "audit-venv"
EXCEPTIONS = REPO / ".ci" / "audit-exceptions.txt"
REQUIREMENTS = [REPO / "requirements.txt", REPO / "requirements-test.txt"]
AXE_BUNDLE = "axe_playwright_python/axe.min.js"
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out", "405 Method Not Allowed",
               "audit endpoint returned an error", "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED")


def exceptions() -> dict[str, str]:
    if not EXCEPTIONS.exists():
        return {}
    found = {}
    for line in EXCEPTIONS.read_text().splitlines():
        ident, _, why = line.partition("#")
        if ident.strip():
            found[ident.strip()] = why.strip()
    return found


def pip_audit_installed() -> Path:
    tool = AUDIT_VENV / "bin" / "pip-audit"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AUDIT_VENV)], check=True)
        subprocess.run([str(AUDIT_VENV / "bin" / "pip"), "install", "-q", "-r", str(REPO / "requirements-audit.txt")],
                       check=True)
    return tool


def audit_python() -> tuple[str, list[tuple[str, str, str]]]:
    """('checked by <service>' or 'NOT CHECKED: why', [(package, version, vulnerability id)])."""
    tool = pip_audit_installed()
    why_not = []
    for service in ("osv", "pypi"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            args = [str(tool), "--progress-spinner", "off", "-s", service, "-f", "json",
                    "-o", out.name]
            for requirements in REQUIREMENTS:
                args += ["-r", str(requirements)]
            run = subprocess.run(args, check=False, capture_output=True, text=True, timeout=1800,
                                 cwd=tempfile.gettempdir())  # its own folder: not this repository
            text = Path(out.name).read_text() if Path(out.name).stat().st_size else ""
        if not text:
            reason = next((marker for marker in UNREACHABLE if marker in run.stderr), None)
            if reason is None:
                sys.exit(f"pip-audit failed:\n{run.stderr[-3000:]}")
            why_not.append(f"{service}: {reason}")
            continue
        dependencies = json.loads(text)["dependencies"]
        skipped = [d for d in dependencies if d.get("skip_reason")]
        if skipped and len(skipped) == len(dependencies):  # a mirror without advisory data knows no package
            why_not.append(f"{service}: no advisory data for any of the {len(dependencies)} packages")
            continue
        found = [(d["name"], d["version"], v["id"]) for d in dependencies for v in d.get("vulns", [])]
        note = f" ({len(skipped)} packages unknown to it)" if skipped else ""
        return f"checked {len(dependencies)} packages against {service}{note}", found
    return "NOT CHECKED: vulnerability database unreachable (" + "; ".join(why_not) + ")", []


def npm_projects(work: Path) -> list[Path]:
    """The lock files to audit: the repository's own, and one for the axe-core the browser tests bundle."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "*package-lock.json"], check=True,
                            capture_output=True, text=True).stdout.split()
    projects = [REPO / Path(name).parent for name in listed]
    bundles = list((REPO / ".venv" / "lib").glob(f"python*/site-packages/{AXE_BUNDLE}"))
    if bundles:
        version = re.search(r"axe v(\d+\.\d+\.\d+)", bundles[0].read_text()[:200]).group(1)
        (work / "package.json").write_text(json.dumps({"name": "westsuffolk-test-js", "version": "1.0.0",
                                                       "private": True, "dependencies": {"axe-core": version}}))
        subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-fund", "--no-audit"],
                       cwd=work, capture_output=True, check=True, timeout=300)
        projects.append(work)
    return projects


def audit_npm() -> tuple[str, list[tuple[str, str, str]]]:
    with tempfile.TemporaryDirectory() as work:
        projects = npm_projects(Path(work))
        found, checked = [], []
        for project in projects:
            run = subprocess.run(["npm", "audit", "--json"], check=False, cwd=project, capture_output=True, text=True,
                                 timeout=300)
            report = json.loads(run.stdout or "{}")
            if "vulnerabilities" not in report:
                marker = next((m for m in UNREACHABLE if m in run.stdout + run.stderr), None)
                if marker is None:
                    sys.exit(f"npm audit failed in {project}:\n{(run.stdout + run.stderr)[-3000:]}")
                return f"NOT CHECKED: npm advisory endpoint unreachable ({marker})", []
            checked.append(project.name if project != Path(work) else "axe-core (bundled for the browser tests)")
            for name, vuln in report["vulnerabilities"].items():
                for via in vuln.get("via", []):
                    if isinstance(via, dict):
                        found.append((name, vuln.get("range", ""), str(via.get("url") or via.get("source"))))
    return "checked " + ", ".join(checked) if checked else "no npm packages", found


def main() -> int:
    allowed = exceptions()
    failed = False
    for label, (status, found) in (("Python (pip-audit)", audit_python()), ("npm (npm audit)", audit_npm())):
        loud = status.startswith("NOT CHECKED")
        print(f"{'WARNING: ' if loud else ''}{label}: {status}", file=sys.stderr if loud else sys.stdout)
        for package, version, ident in found:
            if ident in allowed:
                print(f"  accepted {ident} in {package} {version}: {allowed[ident]}")
            else:
                failed = True
                print(f"  VULNERABLE: {package} {version}: {ident} (fix it, or write it in {EXCEPTIONS.name} with why)")
        if not loud and not found:
            print("  0 known vulnerabilities")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
