"""Remember which values a column has already used, in bounded memory.

Values are kept in a dict until there are SPILL_AFTER of them, then moved to a
temporary SQLite file (deleted on close), so checking uniqueness in a file of
millions of rows uses about as much memory as in a file of thousands.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile

SPILL_AFTER = 50_000
_CACHE_KIB = 4096  # SQLite page cache, so memory stays flat once spilled


class SeenValues:
    """A set of keys (str) that remembers the row each key was first seen in."""

    def __init__(self, spill_after: int = SPILL_AFTER):
        self._memory: dict[str, int] | None = {}
        self._spill_after = spill_after
        self._db: sqlite3.Connection | None = None
        self._path: str | None = None

    def add(self, key: str, row_number: int) -> int | None:
        """Record `key`; return the row it was first seen in, or None if it is new."""
        if self._memory is not None:
            first = self._memory.setdefault(key, row_number)
            if first != row_number:
                return first
            if len(self._memory) >= self._spill_after:
                self._spill()
            return None
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, row_number))
        if cursor.rowcount:
            return None
        return self._db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()[0]

    def _spill(self) -> None:
        fd, self._path = tempfile.mkstemp(prefix="westsuffolk-seen-", suffix=".sqlite")
        os.close(fd)
        self._db = sqlite3.connect(self._path, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", self._memory.items())
        self._memory = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._path is not None:
            os.remove(self._path)
            self._path = None
