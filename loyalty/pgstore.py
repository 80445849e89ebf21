"""The store on PostgreSQL, chosen by the store address (``LOYALTY_DB=postgresql://…``).

Same schema, migrations, versioned imports, audit log, users and retention as the embedded
DuckDB store (:mod:`loyalty.store`): the code above the store writes one SQL for both. Where the
dialects differ, the difference is here and nowhere else:

- :func:`to_postgres` turns DuckDB spellings into PostgreSQL ones (``?`` placeholders,
  ``INSERT OR REPLACE``/``OR IGNORE``, ``DOUBLE``, the ``QUALIFY`` of one view);
- :class:`Cursor` offers what the writers use of a DuckDB cursor: ``execute``/``fetchall``
  (a data change "returns" its row count, as in DuckDB), ``executemany``, ``register`` of a
  polars frame (a temporary table filled by ``COPY``), ``sql(...).pl()`` (a polars frame).

Values always travel as parameters or through ``COPY``, never inside the SQL text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl
import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.numeric import FloatLoader

from loyalty import store as _store
from loyalty.i18n import t
from loyalty.store import T

#: Key of the advisory lock under which one process at a time migrates the schema.
_MIGRATION_LOCK = 0x4C6F79616C7479  # "Loyalty"


def shown(address: str) -> str:
    """The address without its password, for messages and logs."""
    parts = urlsplit(address)
    if parts.password is None:
        return address
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


# --- the dialect -----------------------------------------------------------------------------

_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)(.*)$", re.S | re.I)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO (.*)$", re.S | re.I)
_DOUBLE = re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.I)
#: DuckDB's QUALIFY (migration 4's view of the current version of each action plan).
_QUALIFY = (
    "SELECT * FROM action_versions\n"
    "            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY version DESC) = 1",
    "SELECT * FROM action_versions WHERE (action_id, version) IN "
    "(SELECT action_id, max(version) FROM action_versions GROUP BY action_id)",
)


@lru_cache(maxsize=512)
def to_postgres(query: str, has_params: bool = True, keys: tuple[str, ...] = ()) -> str:
    """The PostgreSQL spelling of ``query`` (written for DuckDB).

    ``keys``: the primary key of the table of an ``INSERT OR REPLACE`` (its conflict target).

    >>> to_postgres("SELECT * FROM t WHERE a = ? AND b LIKE 'x%'")
    "SELECT * FROM t WHERE a = %s AND b LIKE 'x%%'"
    >>> to_postgres("INSERT OR REPLACE INTO t (k, v) SELECT k, v FROM s", keys=("k",))
    'INSERT INTO t (k, v) SELECT k, v FROM s ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v'
    """
    sql = _DOUBLE.sub("DOUBLE PRECISION", query.replace(*_QUALIFY))
    replace = _REPLACE.match(sql)
    if replace:
        table, cols, rest = replace.groups()
        names = [c.strip() for c in cols.split(",")]
        update = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in keys)
        action = f"DO UPDATE SET {update}" if update else "DO NOTHING"
        sql = f"INSERT INTO {table} ({cols}){rest} ON CONFLICT ({', '.join(keys)}) {action}"
    ignore = _IGNORE.match(sql)
    if ignore:
        sql = f"INSERT INTO {ignore.group(1)} ON CONFLICT DO NOTHING"
    if has_params:  # psycopg's placeholders are %s; a literal % is then %%
        sql = sql.replace("%", "%%").replace("?", "%s")
    return sql


#: polars type of a frame column → the column type of its temporary table.
_PG_TYPES: dict[type[pl.DataType], str] = {
    pl.Boolean: "BOOLEAN",
    pl.Int8: "SMALLINT",
    pl.Int16: "SMALLINT",
    pl.UInt8: "SMALLINT",
    pl.Int32: "INTEGER",
    pl.UInt16: "INTEGER",
    pl.Int64: "BIGINT",
    pl.UInt32: "BIGINT",
    pl.UInt64: "NUMERIC",
    pl.Float32: "REAL",
    pl.Float64: "DOUBLE PRECISION",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
}

#: PostgreSQL type (by oid) of a result column → polars type; anything else is read as text.
_POLARS_TYPES: dict[int, pl.DataType] = {
    16: pl.Boolean(),
    20: pl.Int64(),
    21: pl.Int16(),
    23: pl.Int32(),
    700: pl.Float32(),
    701: pl.Float64(),
    1700: pl.Float64(),
    1082: pl.Date(),
    1114: pl.Datetime("us"),
    1184: pl.Datetime("us", "UTC"),
    1000: pl.List(pl.Boolean()),
    1005: pl.List(pl.Int16()),
    1007: pl.List(pl.Int32()),
    1016: pl.List(pl.Int64()),
    1022: pl.List(pl.Float64()),
    1009: pl.List(pl.String()),
    1015: pl.List(pl.String()),
}


def _pg_type(dtype: pl.DataType) -> str:
    return _PG_TYPES.get(dtype.base_type(), "TEXT")


class Cursor:
    """What the store's writers and readers use of a DuckDB cursor, on one connection."""

    def __init__(
        self, conn: psycopg.Connection, keys: dict[str, tuple[str, ...]], *, owns: bool = False
    ) -> None:
        self._conn = conn
        self._cur = conn.cursor()
        self._keys = keys  # primary keys by table, filled on first use
        self._owns = owns  # close() closes the connection too (PgStore.cursor)

    def execute(self, query: str, params: Sequence[Any] | None = None) -> Cursor:
        keys: tuple[str, ...] = ()
        replace = _REPLACE.match(query)
        if replace:
            keys = self._primary_key(replace.group(1))
        self._cur.execute(to_postgres(query, params is not None, keys), params, prepare=False)
        return self

    def executemany(self, query: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        self._cur.executemany(to_postgres(query), rows)
        return self

    def fetchall(self) -> list[tuple]:
        if self._cur.description is None:  # a data change: DuckDB answers with its row count
            return [(self._cur.rowcount,)]
        return self._cur.fetchall()

    def fetchone(self) -> tuple | None:
        return self.fetchall()[0] if self._cur.description is None else self._cur.fetchone()

    def sql(self, query: str, params: Sequence[Any] | None = None) -> Cursor:
        return self.execute(query, params)

    def pl(self) -> pl.DataFrame:
        """The result as a polars frame, typed by the result's column types."""
        if self._cur.description is None:  # a data change, as DuckDB answers it
            return pl.DataFrame({"Count": [self._cur.rowcount]}, schema={"Count": pl.Int64})
        desc = self._cur.description
        schema = {d.name: _POLARS_TYPES.get(d.type_code, pl.String()) for d in desc}
        rows = self._cur.fetchall()
        if not rows:
            return pl.DataFrame(schema=schema)
        return pl.DataFrame(rows, schema=schema, orient="row")

    def register(self, name: str, frame: Any) -> None:
        """A temporary table ``name`` holding ``frame`` (polars or Arrow), filled by COPY."""
        if not isinstance(frame, pl.DataFrame):
            frame = pl.from_arrow(frame)
        self.unregister(name)
        columns = ", ".join(f'"{c}" {_pg_type(t)}' for c, t in frame.schema.items())
        self._cur.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')
        if frame.height:
            text = frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String)).write_csv(
                include_header=False, null_value="\\N", quote_style="non_numeric"
            )
            with self._cur.copy(f"COPY \"{name}\" FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
                copy.write(text.encode())

    def unregister(self, name: str) -> None:
        if self._conn.info.transaction_status == TransactionStatus.INERROR:
            return  # the rollback drops it
        self._cur.execute(f'DROP TABLE IF EXISTS "{name}"')

    def cursor(self) -> Cursor:
        return Cursor(self._conn, self._keys)

    def close(self) -> None:
        self._cur.close()
        if self._owns:
            self._conn.close()

    def _primary_key(self, table: str) -> tuple[str, ...]:
        if table not in self._keys:
            rows = self._conn.execute(
                "SELECT a.attname FROM pg_index x JOIN pg_attribute a "
                "ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey) "
                "WHERE x.indrelid = %s::regclass AND x.indisprimary ORDER BY a.attnum",
                [table],
            ).fetchall()
            self._keys[table] = tuple(r[0] for r in rows)
        return self._keys[table]


class Connection:
    """One PostgreSQL connection in autocommit mode: the store's BEGIN/COMMIT frame its
    transactions, as on DuckDB."""

    def __init__(self, address: str, keys: dict[str, tuple[str, ...]]) -> None:
        self.raw = psycopg.connect(address, autocommit=True)
        self.raw.adapters.register_loader("numeric", FloatLoader)
        self._keys = keys

    def cursor(self) -> Cursor:
        return Cursor(self.raw, self._keys)

    def execute(self, query: str, params: Sequence[Any] | None = None) -> Cursor:
        return self.cursor().execute(query, params)

    def close(self) -> None:
        self.raw.close()


# --- the store -------------------------------------------------------------------------------

#: PostgreSQL's words (beside the operating system's) for a write that cannot happen.
_READ_ONLY = ("read-only transaction", "permission denied for")


class PgUnavailable(_store.StoreUnavailable):
    """The database cannot be reached or refuses the connection."""

    def message(self, lang: str) -> str:
        return t("store.pg_unavailable", lang, path=self.path, reason=self.reason)


class PgWriteError(_store.StoreWriteError):
    """A write transaction failed because the database server's disk is full or the
    database may not be written; it was rolled back."""

    def message(self, lang: str) -> str:
        return t(f"store.pg_{self.problem}", lang, path=self.path)


def write_problem(error: BaseException) -> str | None:
    """As :func:`loyalty.store.write_problem`, with PostgreSQL's own words for a read-only
    database or missing privileges."""
    text = str(error).lower()
    if any(s in text for s in _READ_ONLY):
        return "not_writable"
    return _store.write_problem(text)


class PgStore(_store.Store):
    """A PostgreSQL database as the store. Threads share a small pool of connections (each
    query or transaction takes one); several processes (servers, the CLI) may use the
    database at once, so :meth:`revision` is read from the database at every call."""

    errors = (psycopg.Error,)

    def __init__(self, address: str, *, read_only: bool = False, **_: object) -> None:
        self.address = address
        self.path = shown(address)  # type: ignore[assignment]  # named in messages
        self._read_only = read_only
        self._release_after = None
        self._lock = threading.Lock()  # one write transaction at a time in this process
        self._state = threading.Lock()
        self._idle: list[Connection] = []
        self._keys: dict[str, tuple[str, ...]] = {}
        self._file = address
        self._con = None
        if not read_only:
            with self._connection() as con:
                con.execute("SELECT pg_advisory_lock(?)", [_MIGRATION_LOCK])
                try:
                    _store.migrate(con)
                finally:
                    con.execute("SELECT pg_advisory_unlock(?)", [_MIGRATION_LOCK])

    def _open(self) -> Connection:
        try:
            return Connection(self.address, self._keys)
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().split("\n")[0]
            raise PgUnavailable(self.path, reason) from exc  # type: ignore[arg-type]

    @contextmanager
    def _connection(self) -> Iterator[Connection]:  # type: ignore[override]
        with self._state:
            con = self._idle.pop() if self._idle else None
        if con is None or con.raw.closed:
            con = self._open()
        try:
            yield con
        finally:
            status = con.raw.info.transaction_status
            if con.raw.closed or status != TransactionStatus.IDLE:
                con.close()
            else:
                with self._state:
                    self._idle.append(con)

    def _raise_write_problem(self, exc: BaseException) -> None:
        if isinstance(exc, self.errors):
            problem = write_problem(exc)
            if problem is not None:
                detail = str(exc).split("\n")[0]
                raise PgWriteError(self.path, problem, detail) from exc  # type: ignore[arg-type]

    def cursor(self) -> Cursor:  # type: ignore[override]
        """A cursor on a connection of its own, closed with the cursor."""
        con = self._open()
        return Cursor(con.raw, self._keys, owns=True)

    def close(self) -> None:
        with self._state:
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()

    def kept(self, name: str, read: Callable[[], T]) -> T:
        """Other processes write too: always read."""
        return read()
