"""Arrows point one way: publish_jobs -> westsuffolk_core <- ckanext.westsuffolk. Neither the core nor the
publish jobs may import `ckan` or `ckanext` (the publish jobs talk to the portal through ckanapi only)."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

CKAN_FREE = ("westsuffolk_core", "publish_jobs")
FORBIDDEN = ("ckan", "ckanext")


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (REPO / package).rglob("*.py") if "demo" not in p.parts)


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", [p for package in CKAN_FREE for p in python_files(package)],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_ckan_import_anywhere_in_the_code(path):
    assert not imported_roots(path) & set(FORBIDDEN), f"{path.relative_to(REPO)} imports CKAN"


def test_importing_every_module_loads_no_ckan():
    modules = [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
               for package in CKAN_FREE for p in python_files(package)]
    # (CKAN's namespace .pth files create the empty `ckanext` package at start-up: only new modules count)
    script = ("import importlib, json, sys\n"
              "before = set(sys.modules)\n"
              f"for name in {modules!r}: importlib.import_module(name)\n"
              "print(json.dumps(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('ckan', 'ckanext'))))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert json.loads(loaded.stdout) == []


def test_the_core_does_not_import_the_publish_jobs():
    for path in python_files("westsuffolk_core"):
        assert "publish_jobs" not in imported_roots(path), path
