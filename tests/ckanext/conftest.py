"""Fixtures shared by the extension's tests."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from tests.integration.conftest import COUNCIL_FIELDS
from westsuffolk_core import table_schemas


def example(name: str, kind: str = "valid") -> bytes:
    """A table schema's example CSV (schemas/examples), as bytes."""
    return table_schemas.example_path(name, kind).read_bytes()


@pytest.fixture
def officer_and_dataset():
    """An editor of a new service area and a private council dataset of it."""
    officer = factories.User()
    org = factories.Organization(users=[{"name": officer["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], private=True, **COUNCIL_FIELDS)
    return officer, dataset
