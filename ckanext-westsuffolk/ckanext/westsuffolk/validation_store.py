"""Where validation reports of portal resources live: one JSON file per resource under the
CKAN storage path (shared by every web and worker node), written atomically."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["read", "write", "delete"]

_FOLDER = "westsuffolk-validation"


def _path(resource_id: str) -> Path:
    safe = "".join(ch for ch in resource_id if ch.isalnum() or ch == "-")
    return Path(tk.config["ckan.storage_path"]) / _FOLDER / f"{safe}.json"


def read(resource_id: str) -> dict[str, Any] | None:
    try:
        return json.loads(_path(resource_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write(resource_id: str, record: dict[str, Any]) -> None:
    path = _path(resource_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
        json.dump(record, handle)
    os.replace(handle.name, path)


def delete(resource_id: str) -> None:
    _path(resource_id).unlink(missing_ok=True)
