"""Shared test settings and paths to the repository's data, once. CKAN's own pytest plugin is off by
default (pyproject.toml), so tests/core, tests/publish_jobs and tests/deploy need no ini and no
services; scripts/test.sh turns it on with --ckan-ini for tests/ckanext, integration and browser."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"
REAL_SPEND = REFERENCE / "real-spend"


@pytest.fixture(scope="session")
def real_spend_dir() -> Path:
    if not REAL_SPEND.is_dir():
        pytest.fail(f"reference files missing: {REAL_SPEND} (the project's shared/ folder sits beside the repo)")
    return REAL_SPEND


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the westsuffolk plugin's own tables (migration/westsuffolk), created and
    emptied: CKAN's reset only rebuilds and empties core tables."""
    from ckan.plugins import plugin_loaded

    reset_db()
    if plugin_loaded("westsuffolk"):
        from ckan import model

        from ckanext.westsuffolk.model import AllowedValueRecord, ValidationResultRecord

        migrate_db_for("westsuffolk")
        for table in (AllowedValueRecord, ValidationResultRecord):  # CKAN's reset empties only its own
            model.Session.query(table).delete()
        model.Session.commit()
