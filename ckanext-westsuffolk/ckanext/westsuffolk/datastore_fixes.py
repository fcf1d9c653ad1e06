"""A fix to CKAN 2.12's DataStore backend, applied when the plugin loads (plugin.update_config).

`resource_id_from_alias` (run by every datastore_search) reads its row after the `with` block has given
the connection back to the pool: under concurrent requests another thread may already be using that
connection, and the search fails with "cursor already closed", a 500 (bench/load.py saw it at 200
visitors). Here the row is read while the connection is still held; the answer is the same.
"""
from __future__ import annotations

import sqlalchemy as sa

from ckanext.datastore.backend.postgres import DatastorePostgresqlBackend

ALIAS_OF = sa.text('SELECT alias_of FROM "_table_metadata" WHERE name = :id')


def resource_id_from_alias(self, alias: str) -> tuple[bool, str | None]:
    """(whether `alias` names a DataStore table or alias, the table it is an alias of)."""
    with self._get_read_engine().connect() as connection:
        row = connection.execute(ALIAS_OF, {"id": alias}).fetchone()
    return row is not None, (row[0] if row is not None else None)


def apply() -> None:
    DatastorePostgresqlBackend.resource_id_from_alias = resource_id_from_alias
