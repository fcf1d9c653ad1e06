"""Write a prepared table into the DataStore in ONE transaction of its write engine, with COPY.

Same columns as the table there: delete every row and copy the new ones in (readers see the old rows
until the commit, never a half-filled table, and are never blocked). New or different columns: the
table is created (or dropped and created) with the DataStore's own DDL in the same transaction, so the
table appears complete at the commit. Loads of one resource queue behind each other (advisory lock).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import IO

import sqlalchemy as sa

from ckanext.datastore.backend import DatastoreBackend
from ckanext.datastore.backend import postgres as pg

COPY_CHUNK_BYTES = 1024 * 1024


class _Counting:
    """The CSV file as COPY reads it, telling how far it got."""

    def __init__(self, handle: IO[str], on_bytes: Callable[[int], None]):
        self.handle, self.on_bytes, self.done = handle, on_bytes, 0

    def read(self, size: int = -1) -> str:
        chunk = self.handle.read(COPY_CHUNK_BYTES if size is None or size < 0 else max(size, COPY_CHUNK_BYTES))
        self.done += len(chunk)
        self.on_bytes(self.done)
        return chunk

    def readline(self, size: int = -1) -> str:
        return self.handle.readline(size)


def _exists(conn, resource_id: str) -> bool:
    return conn.execute(sa.text("SELECT 1 FROM pg_tables WHERE tablename = :t"), {"t": resource_id}).first() is not None


def _same_shape(context: dict, resource_id: str, fields: list[dict], primary_key: list[str]) -> bool:
    conn = context["connection"]
    have = [(f["id"], f["type"]) for f in pg._get_fields(conn, resource_id)]
    if have != [(f["id"], f["type"]) for f in fields]:
        return False
    return sorted(pg._get_unique_key(context, {"resource_id": resource_id})) == sorted(primary_key)


def replace(resource_id: str, fields: list[dict], primary_key: list[str], rows_csv: IO[str],
            on_bytes: Callable[[int], None] = lambda done: None) -> None:
    """Make the DataStore table of `resource_id` hold exactly the rows in `rows_csv` (CSV, no headings)."""
    engine = pg.get_write_engine()
    pg._cache_types(engine)
    table = pg.identifier(resource_id)
    columns = ", ".join(pg.identifier(f["id"]) for f in fields)
    with engine.begin() as conn:
        context = {"connection": conn}
        conn.execute(sa.text("SET LOCAL statement_timeout = 0"))
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": "westsuffolk-load:" + resource_id})
        exists = _exists(conn, resource_id)
        same = exists and _same_shape(context, resource_id, fields, primary_key)
        if same:
            conn.execute(sa.text(f"DELETE FROM {table}"))
            pg.alter_table(context, {"resource_id": resource_id, "fields": fields, "delete_fields": False}, {})
        else:
            if exists:
                conn.execute(sa.text(f"DROP TABLE {table} CASCADE"))
            pg.create_table(context, {"resource_id": resource_id, "fields": fields}, {})
            pg._create_fulltext_trigger(conn, resource_id)
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", _Counting(rows_csv, on_bytes))
        if not same:
            pg.create_indexes(context, {"resource_id": resource_id, "primary_key": primary_key or None})
    backend = DatastoreBackend.get_active_backend()
    backend.clear_table_stats(resource_id)
    backend.calculate_record_count(resource_id)
