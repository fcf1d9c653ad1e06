"""Release notes on the portal: the notes the publish jobs write on a resource when its file is replaced
(westsuffolk_core.releases makes them), for the dataset page and the activity stream."""
from __future__ import annotations

import json
from typing import Any

from westsuffolk_core.dataset_fields import RELEASE_DIFF_FIELD, RELEASE_NOTE_FIELD

__all__ = ["of_activity", "of_dataset"]


def _released_at(resource: dict) -> str:
    try:
        return json.loads(resource.get(RELEASE_DIFF_FIELD) or "{}").get("released_at") or ""
    except (ValueError, AttributeError):
        return ""


def of_dataset(pkg_dict: dict) -> list[dict[str, Any]]:
    """{"resource_id", "name", "note", "released_at"} of each resource with a note, newest first."""
    notes = [{"resource_id": r.get("id"), "name": r.get("name") or r.get("id"), "note": r[RELEASE_NOTE_FIELD],
              "released_at": _released_at(r) or r.get("last_modified") or r.get("created") or ""}
             for r in pkg_dict.get("resources") or [] if r.get(RELEASE_NOTE_FIELD)]
    return sorted(notes, key=lambda note: note["released_at"], reverse=True)


def of_activity(activity: dict) -> list[dict[str, Any]]:
    """The notes this activity added: those of its dataset version that the dataset's previous activity did
    not have (a note is told apart by when it was released). Needs CKAN's activity plugin."""
    package = (activity.get("data") or {}).get("package") or {}
    notes = of_dataset(package)
    if not notes:
        return []
    previous = _previous_package(activity)
    before = {(n["resource_id"], n["released_at"], n["note"]) for n in of_dataset(previous)}
    return [n for n in notes if (n["resource_id"], n["released_at"], n["note"]) not in before]


def _previous_package(activity: dict) -> dict:
    from ckan import model

    from ckanext.activity.model import Activity

    timestamp = activity.get("timestamp")
    if not activity.get("object_id") or not timestamp:
        return {}
    row = (model.Session.query(Activity)
           .filter(Activity.object_id == activity["object_id"], Activity.timestamp < timestamp)
           .order_by(Activity.timestamp.desc()).first())
    return ((row.data or {}).get("package") or {}) if row is not None else {}
