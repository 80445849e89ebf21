"""The embedded DuckDB store: schema migrations, transactional writes, reads as polars frames.

Every data table carries the ``import_id`` of the import that wrote it; an import is one row of
``imports`` and is *active* or not. Readers only ever see active imports, through the
``active_*`` views, so a new version of a wave replaces the old one without deleting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from loyalty import config
from loyalty.config import is_postgres
from loyalty.i18n import t

T = TypeVar("T")

#: Versioned schema migrations, applied in order, each exactly once, each in one transaction.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "canonical model: branches, instrument, imports, responses, loyalty, financials",
        """
        CREATE TABLE branches (
            branch_id  VARCHAR PRIMARY KEY,
            name       VARCHAR NOT NULL,
            region     VARCHAR NOT NULL,
            format     VARCHAR NOT NULL,
            headcount  INTEGER NOT NULL CHECK (headcount >= 0)
        );
        CREATE TABLE waves (
            wave       VARCHAR PRIMARY KEY,
            seq        INTEGER NOT NULL,
            start_date DATE NOT NULL,
            end_date   DATE NOT NULL
        );
        CREATE TABLE dimensions (
            dimension_id VARCHAR PRIMARY KEY,
            name_de      VARCHAR NOT NULL,
            name_en      VARCHAR NOT NULL,
            seq          INTEGER NOT NULL
        );
        CREATE TABLE items (
            item_id      VARCHAR PRIMARY KEY,
            dimension_id VARCHAR NOT NULL,
            text_de      VARCHAR NOT NULL,
            text_en      VARCHAR NOT NULL,
            scale_min    INTEGER NOT NULL,
            scale_max    INTEGER NOT NULL,
            reverse      BOOLEAN NOT NULL DEFAULT FALSE,
            in_index     BOOLEAN NOT NULL DEFAULT TRUE,
            seq          INTEGER NOT NULL,
            CHECK (scale_max > scale_min)
        );
        CREATE SEQUENCE import_seq START 1;
        CREATE TABLE imports (
            import_id   INTEGER PRIMARY KEY DEFAULT nextval('import_seq'),
            kind        VARCHAR NOT NULL
                        CHECK (kind IN ('branches', 'engagement', 'loyalty', 'finance')),
            wave        VARCHAR,
            version     INTEGER NOT NULL,
            active      BOOLEAN NOT NULL,
            source      VARCHAR NOT NULL,
            row_count   BIGINT NOT NULL,
            created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE responses (
            import_id     INTEGER NOT NULL,
            response_id   BIGINT NOT NULL,
            wave          VARCHAR NOT NULL,
            branch_id     VARCHAR NOT NULL,
            tenure_band   VARCHAR,
            role          VARCHAR
        );
        CREATE TABLE response_scores (
            import_id    INTEGER NOT NULL,
            response_id  BIGINT NOT NULL,
            item_id      VARCHAR NOT NULL,
            score        SMALLINT NOT NULL
        );
        CREATE TABLE loyalty (
            import_id          INTEGER NOT NULL,
            branch_id          VARCHAR NOT NULL,
            wave               VARCHAR NOT NULL,
            active_customers   BIGINT NOT NULL CHECK (active_customers >= 0),
            retained_customers BIGINT NOT NULL CHECK (retained_customers >= 0),
            promoters          BIGINT NOT NULL CHECK (promoters >= 0),
            passives           BIGINT NOT NULL CHECK (passives >= 0),
            detractors         BIGINT NOT NULL CHECK (detractors >= 0),
            CHECK (retained_customers <= active_customers)
        );
        CREATE TABLE churn_reasons (
            import_id  INTEGER NOT NULL,
            branch_id  VARCHAR NOT NULL,
            wave       VARCHAR NOT NULL,
            reason     VARCHAR NOT NULL,
            customers  BIGINT NOT NULL CHECK (customers >= 0)
        );
        CREATE TABLE financials (
            import_id        INTEGER NOT NULL,
            branch_id        VARCHAR NOT NULL,
            wave             VARCHAR NOT NULL,
            revenue          DOUBLE NOT NULL CHECK (revenue >= 0),
            gross_margin     DOUBLE NOT NULL,
            operating_profit DOUBLE NOT NULL
        );
        CREATE VIEW active_responses AS
            SELECT r.* FROM responses r JOIN imports i USING (import_id) WHERE i.active;
        CREATE VIEW active_scores AS
            SELECT s.* FROM response_scores s JOIN imports i USING (import_id) WHERE i.active;
        CREATE VIEW active_loyalty AS
            SELECT l.* FROM loyalty l JOIN imports i USING (import_id) WHERE i.active;
        CREATE VIEW active_churn AS
            SELECT c.* FROM churn_reasons c JOIN imports i USING (import_id) WHERE i.active;
        CREATE VIEW active_financials AS
            SELECT f.* FROM financials f JOIN imports i USING (import_id) WHERE i.active;
        """,
    ),
    (
        2,
        "import metadata and deletion marks, items per wave, saved mappings, audit log",
        """
        ALTER TABLE imports ADD COLUMN sha256 VARCHAR;
        ALTER TABLE imports ADD COLUMN size_bytes BIGINT;
        ALTER TABLE imports ADD COLUMN file_format VARCHAR;
        ALTER TABLE imports ADD COLUMN imported_by VARCHAR;
        ALTER TABLE imports ADD COLUMN dropped_columns VARCHAR;
        ALTER TABLE imports ADD COLUMN deleted_at TIMESTAMP;
        ALTER TABLE imports ADD COLUMN deleted_by VARCHAR;
        CREATE TABLE wave_items (
            wave    VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            PRIMARY KEY (wave, item_id)
        );
        CREATE TABLE mappings (
            name       VARCHAR NOT NULL,
            kind       VARCHAR NOT NULL,
            mapping    VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (name, kind)
        );
        CREATE SEQUENCE audit_seq START 1;
        CREATE TABLE audit_log (
            event_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
            happened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            actor    VARCHAR NOT NULL,
            action   VARCHAR NOT NULL,
            target   VARCHAR,
            detail   VARCHAR
        );
        """,
    ),
    (
        3,
        "users, roles and scopes; branch aggregates kept when responses are purged",
        """
        CREATE TABLE users (
            username        VARCHAR PRIMARY KEY,
            display_name    VARCHAR NOT NULL DEFAULT '',
            email           VARCHAR,
            role            VARCHAR NOT NULL
                            CHECK (role IN ('admin', 'hr', 'controller', 'executive', 'presenter')),
            password_hash   VARCHAR,
            must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until    TIMESTAMP,
            created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
            disabled        BOOLEAN NOT NULL DEFAULT FALSE
        );
        CREATE TABLE user_scopes (
            username   VARCHAR NOT NULL,
            scope_type VARCHAR NOT NULL CHECK (scope_type IN ('region', 'branch')),
            value      VARCHAR NOT NULL,
            PRIMARY KEY (username, scope_type, value)
        );
        CREATE TABLE branch_aggregates (
            import_id     INTEGER NOT NULL,
            wave          VARCHAR NOT NULL,
            branch_id     VARCHAR NOT NULL,
            n_respondents INTEGER NOT NULL,
            suppressed    BOOLEAN NOT NULL,
            min_size      INTEGER NOT NULL,
            measure       VARCHAR NOT NULL,
            value         DOUBLE,
            created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (import_id, branch_id, measure),
            CHECK (value IS NULL OR NOT suppressed)
        );
        ALTER TABLE imports ADD COLUMN purged_at TIMESTAMP;
        """,
    ),
    (
        4,
        "action plans per branch, append-only: every change is a new version",
        """
        CREATE TABLE action_versions (
            action_id    INTEGER NOT NULL,
            version      INTEGER NOT NULL,
            dimension_id VARCHAR NOT NULL,
            title        VARCHAR NOT NULL,
            owner        VARCHAR NOT NULL,
            start_date   DATE NOT NULL,
            status       VARCHAR NOT NULL
                         CHECK (status IN ('planned', 'running', 'done', 'dropped')),
            target_type  VARCHAR NOT NULL
                         CHECK (target_type IN ('branch', 'region', 'format', 'list')),
            target_value VARCHAR NOT NULL,
            changed_by   VARCHAR NOT NULL,
            changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
            source       VARCHAR NOT NULL,
            PRIMARY KEY (action_id, version)
        );
        CREATE TABLE action_branches (
            action_id INTEGER NOT NULL,
            version   INTEGER NOT NULL,
            branch_id VARCHAR NOT NULL,
            PRIMARY KEY (action_id, version, branch_id)
        );
        CREATE VIEW current_actions AS
            SELECT * FROM action_versions
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY version DESC) = 1;
        CREATE VIEW current_action_branches AS
            SELECT b.action_id, b.branch_id
            FROM action_branches b JOIN current_actions a USING (action_id, version);
        """,
    ),
    (
        5,
        "sign-in sessions (the session cookie) and the store's own secrets",
        """
        CREATE TABLE sessions (
            session_id        VARCHAR PRIMARY KEY,
            username          VARCHAR NOT NULL,
            token_hash        VARCHAR,
            ticket_hash       VARCHAR,
            ticket_expires_at TIMESTAMP,
            created_at        TIMESTAMP NOT NULL,
            expires_at        TIMESTAMP NOT NULL,
            revoked_at        TIMESTAMP
        );
        CREATE TABLE app_secrets (
            name       VARCHAR PRIMARY KEY,
            value      VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        """,
    ),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


#: What the operating system says (through DuckDB's messages) when a write cannot happen.
_DISK_FULL = ("no space left on device", "file too large", "disk quota exceeded")
_NOT_WRITABLE = ("permission denied", "read-only file system", "operation not permitted")


def write_problem(error: BaseException | str) -> str | None:
    """``"disk_full"`` or ``"not_writable"`` if ``error`` says the disk is full or the data
    directory/file may not be written (read-only, no permission); else ``None``."""
    text = str(error).lower()
    if any(s in text for s in _DISK_FULL):
        return "disk_full"
    if any(s in text for s in _NOT_WRITABLE):
        return "not_writable"
    return None


def _problem_message(problem: str | None, path: Path, lang: str) -> str | None:
    if problem is None:
        return None
    return t(f"store.{problem}", lang, path=path, directory=path.parent)


# Write transactions per store file in this process (any Store object on that file), so that
# a cached revision is read again after a write.
_generations: dict[str, int] = {}


def _written(key: str) -> None:
    _generations[key] = _generations.get(key, 0) + 1


#: What :meth:`Store.revision` digests: every import's id, which are active, deleted or purged
#: and when the last was written, and the whole questionnaire (waves and their dates, the
#: dimensions, every item's definition, which items each wave asked): a changed scale or
#: reversal changes the figures (and what an import's checks found) as much as an import.
_REVISION = """
SELECT coalesce(max(import_id), 0)::VARCHAR || '|' ||
       coalesce(string_agg(CASE WHEN active THEN import_id::VARCHAR END, ','
                           ORDER BY import_id), '') || '|' ||
       count(deleted_at)::VARCHAR || '|' || count(purged_at)::VARCHAR || '|' ||
       coalesce(max(created_at)::VARCHAR, '') || '|' ||
       (SELECT coalesce(string_agg(wave || '/' || item_id, ',' ORDER BY wave, item_id), '')
        FROM wave_items) || '|' ||
       (SELECT coalesce(string_agg(wave || '/' || seq::VARCHAR || '/' || start_date::VARCHAR
                                   || '/' || end_date::VARCHAR, ',' ORDER BY wave), '')
        FROM waves) || '|' ||
       (SELECT coalesce(string_agg(dimension_id || '/' || name_de || '/' || name_en || '/' ||
                                   seq::VARCHAR, ',' ORDER BY dimension_id), '')
        FROM dimensions) || '|' ||
       (SELECT coalesce(string_agg(item_id || '/' || dimension_id || '/' || text_de || '/' ||
                                   text_en || '/' || scale_min::VARCHAR || '/' ||
                                   scale_max::VARCHAR || '/' || reverse::VARCHAR || '/' ||
                                   in_index::VARCHAR || '/' || seq::VARCHAR, ','
                                   ORDER BY item_id), '')
        FROM items) AS r,
       count(*) AS n
FROM imports
"""


def _revision_of(row: pl.DataFrame) -> tuple[int, bool]:
    digest = hashlib.blake2b(row["r"][0].encode(), digest_size=8).digest()
    return int.from_bytes(digest) >> 1, row["n"][0] == 0  # 63 bits: no collision to fear


class StoreUnavailable(RuntimeError):
    """The store file cannot be opened, e.g. another process holds DuckDB's write lock, or
    the data directory is read-only (``problem``: see :func:`write_problem`)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason
        self.problem = write_problem(reason)

    def message(self, lang: str) -> str:
        return _problem_message(self.problem, self.path, lang) or t(
            "store.unavailable", lang, path=self.path, reason=self.reason
        )


class StoreWriteError(RuntimeError):
    """A write transaction failed because the disk is full or the data directory is not
    writable; it was rolled back, the store is as it was. ``problem``: ``"disk_full"`` or
    ``"not_writable"``; ``detail``: DuckDB's message."""

    def __init__(self, path: Path, problem: str, detail: str) -> None:
        super().__init__(f"{path}: {problem}: {detail}")
        self.path, self.problem, self.detail = path, problem, detail

    def message(self, lang: str) -> str:
        return _problem_message(self.problem, self.path, lang) or self.detail


#: How long opening the store waits for another process (the app, or a command) to let go
#: of DuckDB's file lock before giving up.
LOCK_WAIT_SECONDS = 20.0
#: The server lets go of the file after this long without a query or a page run reading what
#: the store keeps (:func:`release_when_idle`).
_release_after: float | None = None
#: The idle time's clock (tests set it).
_clock = time.monotonic
#: How often a server's store looks whether a command waits for the file, or it was idle long
#: enough to let go of it (:meth:`Store._watch`).
WATCH_SECONDS = 0.1
#: A ``<store>.wanted`` marker not renewed for this long is stale: its writer renews it every
#: 0.1 s while it waits, so an older one was left by a command that was killed.
WANTED_STALE_SECONDS = 10.0


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a process of another user counts; a
    zombie, killed and not yet reaped, does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError, ValueError):  # (a pid too large for the system)
        return False
    with contextlib.suppress(OSError, IndexError):
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def ask_for_file(marker: Path) -> None:
    """Leave (or renew) the marker that asks a serving app to let go of the store's file: it
    holds the waiting process's id, its modification time says when it was last renewed."""
    with contextlib.suppress(OSError):
        marker.write_text(f"{os.getpid()}\n", encoding="ascii")


def file_wanted(marker: Path, *, now: float | None = None) -> bool:
    """Whether another process is waiting for the store's file right now.

    A marker whose process is gone (a command killed while it waited) or that was not renewed
    for :data:`WANTED_STALE_SECONDS` is stale: it is removed and does not count, so a left-over
    marker can never keep the app letting go of the file after every query."""
    try:
        stat = marker.stat()
        text = marker.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return False
    age = (time.time() if now is None else now) - stat.st_mtime
    pid = int(text) if text.isdigit() else None
    if pid == os.getpid():
        return False  # our own (a store of this process waited): nobody else asks
    stale = age > WANTED_STALE_SECONDS or (pid is not None and not process_alive(pid))
    if stale:
        with contextlib.suppress(OSError):
            marker.unlink()
        return False
    return True


def _drop_own_marker(marker: Path) -> None:
    """Remove the marker after opening the file, if this process (or nobody alive) left it."""
    with contextlib.suppress(OSError):
        text = marker.read_text(encoding="ascii", errors="replace").strip()
        if text == str(os.getpid()) or not file_wanted(marker):
            marker.unlink(missing_ok=True)


def release_when_idle(seconds: float | None) -> None:
    """Stores opened from now on in this process (:func:`open_store`) close their DuckDB
    connection after ``seconds`` without use (a query, or a :meth:`Store.kept` read, which
    every page run makes) and open it again on the next query.

    DuckDB lets one process at a time hold a file for writing. The server (serve.py) calls
    this, so that ``loyalty import``, ``versions``, ``report`` and ``user add`` can take the
    file at once when they wait for it (:func:`file_wanted`; the server looks every
    :data:`WATCH_SECONDS`), other programs when the app has been idle for ``seconds``;
    whatever they wrote is read at the app's next rerun (a reopened connection reads the
    revision again)."""
    global _release_after
    _release_after = seconds


def _locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


class Store:
    """One DuckDB file (:class:`loyalty.pgstore.PgStore`: the same on PostgreSQL; pick either
    with :func:`connect`). Use :func:`open_store` to share one connection per file and process.

    Normally the connection is held until :meth:`close`. With ``release_after`` (seconds) it
    is closed again when no query, transaction or :meth:`kept` read has used it for that long
    (a watcher thread looks every :data:`WATCH_SECONDS`), so other processes can open the file
    in between, and as soon as no query runs when one of them waits for it (it leaves a
    ``<file>.wanted`` marker with its process id while it waits; a stale one is ignored and
    removed, see :func:`file_wanted`); the next use opens it again. Opening waits up to
    :data:`LOCK_WAIT_SECONDS` while another process holds the file."""

    #: The driver's errors (a transaction rolls back on any error; these name a write problem).
    errors: tuple[type[BaseException], ...] = (duckdb.Error,)

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        release_after: float | None = None,
        wait: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._read_only = read_only
        self._release_after = release_after
        self._wait = LOCK_WAIT_SECONDS if wait is None else wait
        self._lock = threading.Lock()  # one write transaction at a time
        self._state = threading.Lock()  # the connection, its users and its watcher
        self._users = 0
        self._watcher: threading.Thread | None = None  # see _watch
        self._last_use = _clock()  # a query's end or a kept read (release_after)
        self._kept: dict[str, tuple[int, Any]] = {}  # name -> (generation, value): see kept()
        self._file = str(self.path.resolve())
        self._wanted = Path(str(self.path) + ".wanted")  # see _connect
        self._con: duckdb.DuckDBPyConnection | None = None
        self._con = self._connect(migrate_schema=not read_only)
        with self._state:
            self._watch_while_open()

    def _connect(self, *, migrate_schema: bool = False) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self._wait
        wanted = self._wanted
        while True:
            try:
                if not self._read_only:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                con = duckdb.connect(str(self.path), read_only=self._read_only)
                break
            except (duckdb.IOException, OSError) as exc:
                if _locked(exc) and time.monotonic() < deadline:
                    # another process holds the file: ask it to let go at its next pause
                    # (a server with release_after does), and try again shortly
                    ask_for_file(wanted)
                    time.sleep(0.1)
                    continue
                raise StoreUnavailable(self.path, str(exc).split("\n")[0]) from exc
        _drop_own_marker(wanted)
        if migrate_schema:
            try:
                migrate(con)
            except duckdb.Error as exc:
                if write_problem(exc) is None:
                    raise
                con.close()
                raise StoreUnavailable(self.path, str(exc).split("\n")[0]) from exc
        self._kept = {}  # another process may have written while we were away
        return con

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._state:
            if self._con is None:
                self._con = self._connect()
                self._watch_while_open()
            self._users += 1
            return self._con

    def _release(self) -> None:
        with self._state:
            self._users -= 1
            self._last_use = _clock()
            # another process waits for the file: let go now (else the watcher, when idle)
            if (
                self._users == 0
                and self._release_after is not None
                and self._con is not None  # (closed meanwhile)
                and file_wanted(self._wanted)
            ):
                con, self._con = self._con, None
                con.close()

    def _watch_while_open(self) -> None:
        """(Holding ``_state``, the connection just opened.) With ``release_after``, start
        the thread that lets go of the file when it is wanted or idle (:meth:`_watch`),
        unless one is watching."""
        if self._release_after is None or (self._watcher and self._watcher.is_alive()):
            return
        watcher = threading.Thread(
            target=self._watch, name=f"loyalty-store-watch-{self.path.name}", daemon=True
        )
        watcher.start()
        self._watcher = watcher

    def _watch(self) -> None:
        """While the connection is open: every :data:`WATCH_SECONDS`, let go of the file if
        no query runs and a command waits for it, or nothing used it for ``release_after``
        seconds; the thread ends with the connection (the next one starts another). A failed
        look is said and the watch goes on."""
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                if self._close_if_idle():
                    return
            except Exception as exc:  # noqa: BLE001 - the file must still be let go of later
                print(f"store: letting go of {self.path.name} failed: {exc!r}", file=sys.stderr)

    def _close_if_idle(self) -> bool:
        """Let go of the file if nothing uses it and it is wanted or idle; whether the
        connection is closed now (the watcher then ends)."""
        with self._state:
            if self._con is not None and not self._users:
                idle = _clock() - self._last_use >= self._release_after
                if idle or file_wanted(self._wanted):
                    con, self._con = self._con, None
                    con.close()
            if self._con is None:
                if self._watcher is threading.current_thread():  # it ends: a new one may start
                    self._watcher = None
                return True
            return False

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._acquire()
        try:
            yield con
        finally:
            self._release()

    def close(self) -> None:
        with self._state:
            if self._con is not None:
                self._con.close()
                self._con = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread (DuckDB connections are not shared across threads). It
        keeps the connection open (for analysts and benchmarks; the app uses :meth:`sql`,
        :meth:`reading` and :meth:`transaction`, which let go)."""
        return self._acquire().cursor()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for several reads in a row, let go of at the end of the block."""
        with self._connection() as con:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def sql(self, query: str, params: dict[str, Any] | list[Any] | None = None) -> pl.DataFrame:
        """Run a read query and return a polars frame."""
        with self._connection() as con:
            cur = con.cursor()
            try:
                return cur.sql(query, params=params).pl()
            finally:
                cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction: committed whole on success, rolled back on any error.

        A full disk or a data directory that may not be written (while writing or at the
        commit) raises :class:`StoreWriteError`; nothing of the transaction is kept."""
        with self._lock, self._connection() as con:
            cur = con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException as exc:
                try:
                    cur.execute("ROLLBACK")
                except self.errors:
                    if not isinstance(exc, self.errors):
                        raise
                self._raise_write_problem(exc)
                raise
            else:
                try:
                    cur.execute("COMMIT")  # a failed commit is rolled back by DuckDB
                except self.errors as exc:
                    self._raise_write_problem(exc)
                    raise
            finally:
                cur.close()
                _written(self._file)  # revision() reads the store again

    def _raise_write_problem(self, exc: BaseException) -> None:
        if isinstance(exc, self.errors):
            problem = write_problem(exc)
            if problem is not None:
                raise StoreWriteError(self.path, problem, str(exc).split("\n")[0]) from exc

    def schema_version(self) -> int:
        with self._connection() as con:
            return current_version(con)

    def is_empty(self) -> bool:
        """True while no import has been stored. Every page run asks: it comes with the
        revision, from the same read."""
        return self._revision_read()[1]

    def kept(self, name: str, read: Callable[[], T]) -> T:
        """``read()``, kept under ``name`` until this file's next write transaction in this
        process (all writes go through :meth:`transaction`, and no other process can write
        while this one holds the file), or — with ``release_after`` — until the connection
        was let go, when another process may have written. For what every page run asks."""
        # read before the query: a commit during the query makes the next call read again
        generation = _generations.get(self._file, 0)
        # held while looking and reading, so no other process can write in between; a use
        # (the idle time starts again; a waiting command gets the file at the end)
        with self._connection():
            kept = self._kept  # opening the file again (it was let go) started a new one
            known = kept.get(name)
            if known is not None and known[0] == generation:
                return known[1]
            value = read()
            kept[name] = (generation, value)
            return value

    def revision(self) -> int:
        """Changes whenever what the dashboards read changes (a new import, another active
        version, a deletion, a purge, the questionnaire); cache keys include it, and so do the
        results kept on disk (:mod:`loyalty.results`): the time of the last import makes a
        store built again at the same path another revision. Every page run asks for it,
        several times: it is :meth:`kept`."""
        return self._revision_read()[0]

    def _revision_read(self) -> tuple[int, bool]:
        """The revision and whether no import is stored, both from one :meth:`kept` read."""
        return self.kept("revision", self._read_revision)

    def _read_revision(self) -> tuple[int, bool]:
        return _revision_of(self.sql(_REVISION))

    @staticmethod
    def revision_in(con: Any) -> tuple[int, bool]:
        """:meth:`revision` and :meth:`is_empty` as ``con`` sees the store now, e.g. inside a
        write transaction (never kept)."""
        return _revision_of(con.sql(_REVISION).pl())

    def wave_revisions(self) -> dict[str, str]:
        """Per wave, a digest of everything its own figures are computed from: the imports of
        that wave (every version, whether active, deleted or purged, and when each was
        written), the branch lists, the questionnaire (dimensions, items, the wave's items) and
        the wave's dates. An import, deletion or purge in one wave leaves the other waves'
        digests as they were; what :mod:`loyalty.results` keeps per wave is filed under it."""

        def rows(query: str) -> list[tuple]:
            return self.sql(query).rows()

        imports = rows(
            "SELECT import_id, kind, wave, version, active, created_at, deleted_at, purged_at"
            " FROM imports ORDER BY import_id"
        )
        shared = repr(
            (
                [r for r in imports if r[2] is None],  # the branch lists
                rows("SELECT * FROM dimensions ORDER BY dimension_id"),
                rows("SELECT * FROM items ORDER BY item_id"),
            )
        )
        waves = rows("SELECT wave, seq, start_date, end_date FROM waves ORDER BY wave")
        items = rows("SELECT wave, item_id FROM wave_items ORDER BY wave, item_id")
        revisions = {}
        for wave in waves:
            own = (
                [r for r in imports if r[2] == wave[0]],
                wave,
                [r for r in items if r[0] == wave[0]],
            )
            text = f"{shared}|{own!r}"
            revisions[wave[0]] = hashlib.blake2b(text.encode(), digest_size=10).hexdigest()
        return revisions


def current_version(con: Any) -> int:
    """The schema version of the store behind ``con`` (a DuckDB connection or a
    :class:`loyalty.pgstore.Connection`)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, description VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
    return int(rows[0][0])


def migrate(con: Any) -> list[int]:
    """Apply the migrations this file lacks; returns the versions applied."""
    applied = []
    version = current_version(con)
    for number, description, ddl in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(ddl)
            con.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                [number, description],
            )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        applied.append(number)
    return applied


_stores: dict[Path | str, Store] = {}
_stores_lock = threading.Lock()


_resolved: dict[tuple[str, str], Path] = {}


def connect(address: Path | str | None = None, **options: Any) -> Store:
    """A new store for ``address`` (default: :func:`loyalty.config.db_address`): a
    ``postgresql://`` address opens :class:`loyalty.pgstore.PgStore`, anything else is the
    DuckDB file of that name. ``options`` as for :class:`Store`."""
    raw = address or config.db_address()
    if is_postgres(raw):
        from loyalty.pgstore import PgStore  # psycopg only where PostgreSQL is used

        return PgStore(str(raw), **options)
    return Store(raw, **options)


def open_store(path: Path | str | None = None) -> Store:
    """The process-wide store for ``path`` (default: :func:`loyalty.config.db_address`).

    Every page run asks for the store several times; the path is resolved once per spelling
    and working directory (``Path.resolve`` was 2% of the served app's CPU under load)."""
    raw = str(path or config.db_address())
    if is_postgres(raw):
        with _stores_lock:
            store = _stores.get(raw)
            if store is None:
                store = _stores[raw] = connect(raw)
            return store
    key = (raw, "" if os.path.isabs(raw) else os.getcwd())
    resolved = _resolved.get(key)
    if resolved is None:
        resolved = _resolved.setdefault(key, Path(raw).resolve())
    with _stores_lock:
        store = _stores.get(resolved)
        if store is None:
            store = Store(resolved, release_after=_release_after)
            _stores[resolved] = store
        return store


def close_all() -> None:
    """Close every shared store (tests and the CLI call this before reopening a file)."""
    with _stores_lock:
        for store in _stores.values():
            store.close()
        _stores.clear()
