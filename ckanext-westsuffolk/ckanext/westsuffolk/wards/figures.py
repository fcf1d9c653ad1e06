"""A ward-level table's figures, added up in PostgreSQL over its DataStore table.

The sums run on the DataStore's read-only connection (the `datastore_default` role), never by reading
rows into Python: one GROUP BY over the ward column for the counts, sums, first and last dates, and two
more per category column (its most common values, then the counts and sums for those). Rows are grouped
by the ward code exactly as stored; the caller folds " e05012763" into E05012763 (few distinct values),
and uses the stored spellings to link each number to its rows.

A measure column the DataStore holds as text (an upload loaded without types) is added up only when
every value is a plain number; otherwise the measure is left out with the reason, never a wrong total.

Caching: the figures of a table are kept in Redis under the table's version stamp, the transaction id
(xmin) of its row in the DataStore's own `_table_stats` table. Every DataStore write (create, upsert,
delete) deletes that row and the DataStore's record count (a background job, or this module) writes a
new one, so a stamp names one state of the table. Stamp and sums are read in one REPEATABLE READ
transaction, so they describe the same snapshot.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from westsuffolk_core.ward_level import WardLevel, current_codes

log = logging.getLogger(__name__)

__all__ = ["NOT_A_WARD", "Cell", "TableFigures", "councillors", "table_figures"]

MAX_CODES = 2000  # distinct ward column values read back; beyond, the rest are one "not a ward" group
NOT_A_WARD = "\x1fnot a ward"  # that group's key (a text no ward column holds)
CATEGORY_LIMIT = 25  # most common values of a category column kept; the rest are "all other values"
STATEMENT_TIMEOUT_MS = 120_000
CACHE_PREFIX = "westsuffolk:wards:figures:v1"
CACHE_SECONDS = 30 * 24 * 3600  # a stamp never comes back: old entries only need to expire some day
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
NUMERIC_TYPES = ("numeric", "integer", "bigint", "smallint", "double precision", "real")
DATE_TYPES = ("date", "timestamp without time zone", "timestamp with time zone")


@dataclass
class Cell:
    """The figures of one group of rows: how many, and the sum of each "sum" measure."""

    rows: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: Cell) -> None:
        self.rows += other.rows
        for name, value in other.sums.items():
            self.sums[name] = self.sums.get(name, Decimal(0)) + value

    def minus(self, other: Cell) -> Cell:
        return Cell(self.rows - other.rows, {name: value - other.sums.get(name, Decimal(0))
                                             for name, value in self.sums.items()})


@dataclass
class TableFigures:
    """Every group of a table: by stored ward code (None: blank), and by category value for each."""

    resource_id: str
    by_code: dict[str | None, Cell] = field(default_factory=dict)
    names: dict[str | None, str] = field(default_factory=dict)  # the ward name most rows of a code give
    categories: dict[str, dict[str | None, dict[str | None, Cell]]] = field(default_factory=dict)
    category_values: dict[str, list[str | None]] = field(default_factory=dict)  # most common first
    first_date: date | None = None
    last_date: date | None = None
    unusable: dict[str, str] = field(default_factory=dict)  # measure name -> why it cannot be added up
    missing: list[str] = field(default_factory=list)  # columns of the schema the table does not have

    @property
    def total(self) -> Cell:
        total = Cell(sums={m: Decimal(0) for m in self._sum_names()})
        for cell in self.by_code.values():
            total.add(cell)
        return total

    def _sum_names(self) -> set[str]:
        return {name for cell in self.by_code.values() for name in cell.sums}


# ---------------------------------------------------------------------------- entry points


def table_figures(resource_id: str, level: WardLevel) -> TableFigures:
    """The figures of a DataStore table, from the cache when the table has not changed since."""
    for last_try in (False, True):
        with _snapshot() as conn:
            stamp = _stamp(conn, resource_id)
            if stamp or last_try:
                key = _cache_key(resource_id, stamp, level) if stamp else None
                cached = _cache_get(key) if key else None
                if cached is not None:
                    return cached
                figures = _compute(conn, resource_id, level)
                break
        _record_count(resource_id)  # the table changed since the DataStore last counted it
    if key:
        _cache_set(key, figures)
    return figures


def councillors(resource_id: str, level: WardLevel, codes: list[str]) -> list[dict[str, str]]:
    """The councillors of one ward (its codes as stored), by name: a few rows, by their ward."""
    columns = _columns_of(resource_id)
    if level.councillor not in columns or level.ward_code not in columns or not codes:
        return []
    party = f"{_ident(level.party)}::text" if level.party in columns else "NULL"
    sql = (f"SELECT {_ident(level.councillor)}::text AS name, {party} AS party FROM {_ident(resource_id)} "
           f"WHERE {_ident(level.ward_code)} = ANY(:codes) ORDER BY 1")
    with _snapshot() as conn:
        rows = conn.execute(sa.text(sql), {"codes": codes}).all()
    return [{"name": name, "party": party or ""} for name, party in rows if name]


# ---------------------------------------------------------------------------- the sums


def _compute(conn: sa.Connection, resource_id: str, level: WardLevel) -> TableFigures:
    figures = TableFigures(resource_id=resource_id)
    columns = _column_types(conn, resource_id)
    wanted = [level.ward_code, level.ward_name, level.date, *level.sum_fields, *level.categories]
    figures.missing = [name for name in dict.fromkeys(wanted) if name and name not in columns]
    if level.ward_code not in columns:
        return figures
    table = _ident(resource_id)
    sums = _sum_expressions(level, columns, figures)
    selects = ["count(*) AS rows"]
    selects += [f"{expression} AS {_ident('sum_' + name)}" for name, expression in sums.items()]
    selects += _problem_expressions(level, columns, figures)
    dated = level.date if level.date in columns else None
    if dated:
        first, last = _date_range(dated, columns[dated])
        selects += [f"{first} AS first_date", f"{last} AS last_date"]
    named = level.ward_name if level.ward_name in columns else None
    if named:
        selects.append(f"min({_ident(named)}::text) AS ward_name")
    code = f"{_ident(level.ward_code)}::text"
    result = _run(conn, f"SELECT {code} AS code, {', '.join(selects)} FROM {table} GROUP BY 1")
    rows = result.mappings().fetchmany(MAX_CODES + 1)
    if len(rows) > MAX_CODES:  # a column of junk: today's wards stay exact, the rest is one group
        result.close()
        spaced = f"upper(regexp_replace({code}, '\\s', '', 'g'))"
        wards = ", ".join(f"'{known}'" for known in current_codes())
        code = f"CASE WHEN {code} IS NULL THEN NULL WHEN {spaced} IN ({wards}) THEN {code} ELSE '{NOT_A_WARD}' END"
        rows = _run(conn, f"SELECT {code} AS code, {', '.join(selects)} FROM {table} GROUP BY 1").mappings().all()
    bad: dict[str, list[Any]] = {}
    for row in rows:
        figures.by_code[row["code"]] = Cell(int(row["rows"]), {name: row["sum_" + name] or Decimal(0)
                                                               for name in sums})
        if named and row["ward_name"]:
            figures.names[row["code"]] = row["ward_name"]
        if dated:
            figures.first_date = _earliest(figures.first_date, row["first_date"])
            figures.last_date = _latest(figures.last_date, row["last_date"])
        for name in list(figures.unusable):
            count, example = row.get(f"bad_{name}"), row.get(f"example_{name}")
            if count:
                bad.setdefault(name, [0, example])[0] += count
    _say_unusable(level, figures, bad)
    for category in level.categories:
        if category in columns:
            _category(conn, table, code, category, sums, figures)
    return figures


def _sum_expressions(level: WardLevel, columns: dict[str, str], figures: TableFigures) -> dict[str, str]:
    """Measure name -> SQL sum, for "sum" measures over a column the table has."""
    expressions = {}
    for measure in level.measures:
        if measure.aggregate != "sum":
            continue
        kind = columns.get(measure.field)
        column = _ident(measure.field)
        if kind is None:
            figures.unusable[measure.name] = f'the DataStore table has no column "{measure.field}"'
        elif kind in NUMERIC_TYPES:
            expressions[measure.name] = f"sum({column}::numeric)"
        elif kind == "text":
            # Summed only if every value is a plain number; the count of others decides (see below).
            expressions[measure.name] = f"sum(CASE WHEN btrim({column}) ~ :number THEN btrim({column})::numeric END)"
            figures.unusable[measure.name] = ""  # checked once the rows are counted
        else:
            figures.unusable[measure.name] = f'the column "{measure.field}" holds {kind} values, not numbers'
    return expressions


def _problem_expressions(level: WardLevel, columns: dict[str, str], figures: TableFigures) -> list[str]:
    """Counts (and an example) of the values of a text measure column that are not plain numbers."""
    selects = []
    for measure in level.measures:
        if figures.unusable.get(measure.name) == "":
            column = _ident(measure.field)
            not_number = f"nullif(btrim({column}), '') IS NOT NULL AND NOT btrim({column}) ~ :number"
            selects += [f"count(*) FILTER (WHERE {not_number}) AS {_ident('bad_' + measure.name)}",
                        f"min({column}) FILTER (WHERE {not_number}) AS {_ident('example_' + measure.name)}"]
    return selects


def _say_unusable(level: WardLevel, figures: TableFigures, bad: dict[str, list[Any]]) -> None:
    for name in list(figures.unusable):
        if figures.unusable[name]:
            continue
        if name not in bad:
            del figures.unusable[name]  # every value was a number: the sum is right
            continue
        count, example = bad[name]
        field_name = level.measure(name).field
        figures.unusable[name] = (f'{count:,} value{"s" if count != 1 else ""} in column "{field_name}" '
                                  f'{"are" if count != 1 else "is"} not {"numbers" if count != 1 else "a number"} '
                                  f'(for example "{example}"), so the column cannot be added up')
        for cell in figures.by_code.values():
            cell.sums.pop(name, None)


def _date_range(name: str, kind: str) -> tuple[str, str]:
    column = _ident(name)
    if kind in DATE_TYPES:
        return f"min({column})::date", f"max({column})::date"
    iso = f"{column}::text ~ '{ISO_DATE}'"
    return (f"min(left({column}::text, 10)) FILTER (WHERE {iso})",
            f"max(left({column}::text, 10)) FILTER (WHERE {iso})")


def _category(conn: sa.Connection, table: str, code: str, category: str, sums: dict[str, str],
              figures: TableFigures) -> None:  # code: the SQL of the ward column's groups
    """The counts and sums of a category column's most common values, by ward code. What is left of
    each ward's total (the rest of the values) is worked out by the caller, so totals always add up."""
    column = f"{_ident(category)}::text"
    top = _run(conn, f"SELECT {column} AS value FROM {table} GROUP BY 1 ORDER BY count(*) DESC, 1 "
                     f"LIMIT {CATEGORY_LIMIT}").scalars().all()
    figures.category_values[category] = list(top)
    values = [value for value in top if value is not None]
    condition = f"{column} = ANY(:values)" + (f" OR {column} IS NULL" if None in top else "")
    selects = [f"{code} AS code", f"{column} AS value", "count(*) AS rows"]
    selects += [f"{expression} AS {_ident('sum_' + name)}" for name, expression in sums.items()]
    result = _run(conn, f"SELECT {', '.join(selects)} FROM {table} WHERE {condition} GROUP BY 1, 2", values=values)
    by_code: dict[str | None, dict[str | None, Cell]] = {}
    for row in result.mappings():
        by_code.setdefault(row["code"], {})[row["value"]] = Cell(
            int(row["rows"]), {name: row["sum_" + name] or Decimal(0) for name in sums
                               if name not in figures.unusable})
    figures.categories[category] = by_code


def _run(conn: sa.Connection, sql: str, **params: Any) -> sa.CursorResult:
    """Run a statement with the bind parameters it uses (:number, the plain-number pattern, when asked)."""
    params = {"number": NUMBER, **params}
    return conn.execute(sa.text(sql), {key: value for key, value in params.items() if f":{key}" in sql})


def _earliest(a: Any, b: Any) -> date | None:
    b = _as_date(b)
    return b if a is None or (b is not None and b < a) else a


def _latest(a: Any, b: Any) -> date | None:
    b = _as_date(b)
    return b if a is None or (b is not None and b > a) else a


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------------- the DataStore


def _engine() -> sa.Engine:
    from ckanext.datastore.backend.postgres import get_read_engine

    return get_read_engine()


def _ident(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier

    return identifier(name)


class _snapshot:
    """A read-only REPEATABLE READ transaction on the DataStore's read connection."""

    def __enter__(self) -> sa.Connection:
        self._connection = _engine().connect().execution_options(isolation_level="REPEATABLE READ")
        self._transaction = self._connection.begin()
        self._connection.execute(sa.text("SET TRANSACTION READ ONLY"))
        self._connection.execute(sa.text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        return self._connection

    def __exit__(self, *exc: object) -> None:
        try:
            self._transaction.rollback()  # nothing was written
        finally:
            self._connection.close()


def _column_types(conn: sa.Connection, resource_id: str) -> dict[str, str]:
    rows = conn.execute(sa.text("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_schema = 'public' AND table_name = :table"), {"table": resource_id})
    return {str(name): str(kind) for name, kind in rows.all()}


def _columns_of(resource_id: str) -> dict[str, str]:
    with _snapshot() as conn:
        return _column_types(conn, resource_id)


def _stamp(conn: sa.Connection, resource_id: str) -> str | None:
    if conn.execute(sa.text("SELECT to_regclass('public._table_stats')")).scalar() is None:
        return None  # a DataStore without its statistics table: nothing is cached
    row = conn.execute(sa.text('SELECT xmin::text, stats::text FROM "_table_stats" WHERE resource_id = :id'),
                       {"id": resource_id}).first()
    return f"{row[0]}:{row[1]}" if row else None


def _record_count(resource_id: str) -> None:
    """Have the DataStore record the table's row count, as its own background job does after each write:
    the record is the version stamp the cache is keyed by."""
    try:
        from ckanext.datastore.backend import DatastoreBackend

        DatastoreBackend.get_active_backend().calculate_record_count(resource_id)
    except Exception:  # no stamp only means no cache
        log.warning("could not record the DataStore row count of %s", resource_id, exc_info=True)


# ---------------------------------------------------------------------------- the cache


def _cache_key(resource_id: str, stamp: str, level: WardLevel) -> str:
    spec = json.dumps([dataclasses.asdict(level), CATEGORY_LIMIT], sort_keys=True, default=str)
    digest = hashlib.sha256(f"{stamp}|{spec}".encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{tk.config.get('ckan.site_id')}:{resource_id}:{digest}"


def _redis():
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def _cache_get(key: str) -> TableFigures | None:
    try:
        raw = _redis().get(key)
    except Exception:
        log.warning("Redis is not available: ward figures are added up again", exc_info=True)
        return None
    return _loads(raw) if raw else None


def _cache_set(key: str, figures: TableFigures) -> None:
    try:
        _redis().setex(key, CACHE_SECONDS, _dumps(figures))
    except Exception:
        log.warning("Redis is not available: ward figures not kept", exc_info=True)


def _cell_out(cell: Cell) -> list:
    return [cell.rows, {name: str(value) for name, value in cell.sums.items()}]


def _cell_in(data: list) -> Cell:
    return Cell(data[0], {name: Decimal(value) for name, value in data[1].items()})


_NONE = "\x00none"  # JSON object keys are text: a blank ward code or category value


def _key_out(value: str | None) -> str:
    return _NONE if value is None else value


def _key_in(value: str) -> str | None:
    return None if value == _NONE else value


def _dumps(figures: TableFigures) -> str:
    return json.dumps({
        "resource_id": figures.resource_id,
        "by_code": {_key_out(k): _cell_out(v) for k, v in figures.by_code.items()},
        "names": {_key_out(k): v for k, v in figures.names.items()},
        "categories": {c: {_key_out(k): {_key_out(v): _cell_out(cell) for v, cell in values.items()}
                           for k, values in by_code.items()} for c, by_code in figures.categories.items()},
        "category_values": {c: [_key_out(v) for v in values] for c, values in figures.category_values.items()},
        "first_date": figures.first_date.isoformat() if figures.first_date else None,
        "last_date": figures.last_date.isoformat() if figures.last_date else None,
        "unusable": figures.unusable, "missing": figures.missing,
    })


def _loads(raw: bytes | str) -> TableFigures:
    data = json.loads(raw)
    return TableFigures(
        resource_id=data["resource_id"],
        by_code={_key_in(k): _cell_in(v) for k, v in data["by_code"].items()},
        names={_key_in(k): v for k, v in data["names"].items()},
        categories={c: {_key_in(k): {_key_in(v): _cell_in(cell) for v, cell in values.items()}
                        for k, values in by_code.items()} for c, by_code in data["categories"].items()},
        category_values={c: [_key_in(v) for v in values] for c, values in data["category_values"].items()},
        first_date=_as_date(data["first_date"]), last_date=_as_date(data["last_date"]),
        unusable=data["unusable"], missing=data["missing"],
    )
