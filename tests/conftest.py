"""Shared fixtures: a seeded demo store, the reference data sets, and fresh stores on both
backends (the embedded DuckDB file and PostgreSQL)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from loyalty import demo, devdb, store
from loyalty.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queries_of(monkeypatch):
    """``with queries_of(store) as queries:`` lists the SQL ``store`` runs meanwhile."""

    @contextlib.contextmanager
    def record(store):
        queries, sql = [], store.sql

        def counted(text, *args, **kwargs):
            queries.append(text)
            return sql(text, *args, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(store, "sql", counted)
            yield queries

    return record


@pytest.fixture
def held_estimate(monkeypatch):
    """The effects of actions held inside their computation (``effects.estimate``, so inside
    the core's memo: the key counts as being computed) until the returned ``gate`` is set, at
    the latest when the test ends; ``started`` is set once a computation waits there."""
    import threading

    from loyalty import effects

    started, gate = threading.Event(), threading.Event()
    estimate = effects.estimate

    def held(*args, **kwargs):
        started.set()
        gate.wait(120)
        return estimate(*args, **kwargs)

    monkeypatch.setattr(effects, "estimate", held)
    yield started, gate
    gate.set()


@pytest.fixture(scope="session")
def demo_data() -> demo.DemoData:
    return demo.generate()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_data: demo.DemoData) -> Path:
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    store = Store(path)
    demo.seed_store(store, demo_data)
    store.close()
    return path


@pytest.fixture(scope="session")
def demo_store(demo_db: Path):
    store = Store(demo_db)
    yield store
    store.close()


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The folder of reference datasets; required where LOYALTY_REFERENCE_DATA is set."""
    raw = os.environ.get("LOYALTY_REFERENCE_DATA")
    if not raw:
        pytest.skip("LOYALTY_REFERENCE_DATA is not set (CI sets it to ../shared/reference-data)")
    path = Path(raw)
    if not (path / "README.md").exists():
        pytest.fail(f"LOYALTY_REFERENCE_DATA={raw} does not hold the reference datasets")
    return path


# --- both backends -------------------------------------------------------------------------

BACKENDS = ("duckdb", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[devdb.Server]:
    """One PostgreSQL for the whole session, in a temporary folder on a free port (not
    durable: fsync off). It fails the tests that need it when CI=true and it cannot start;
    elsewhere they are skipped, with the reason."""
    folder = Path(tempfile.mkdtemp(prefix="loyalty-pg-"))
    try:
        server = devdb.start(folder, durable=False)
        devdb.create_database(server, "loyalty_template")
        store.connect(server.address("loyalty_template")).close()  # migrated once
    except devdb.DevDbError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL cannot start (CI=true): {exc}")
        pytest.skip(f"PostgreSQL cannot start: {exc}")
    yield server
    store.close_all()
    devdb.stop(folder, mode="immediate")  # no shutdown checkpoint: the folder goes next
    shutil.rmtree(folder, ignore_errors=True)


class Stores:
    """Fresh stores on one backend (``backend``). ``new()``: an empty store's address;
    ``seeded(key, seed)``: a store seeded once per session and key, copied for each call
    (DuckDB: the file's bytes; PostgreSQL: ``CREATE DATABASE … TEMPLATE``)."""

    _names = itertools.count()

    def __init__(self, backend: str, folder: Path, server: devdb.Server | None) -> None:
        self.backend, self._folder, self._server = backend, folder, server
        self._bases: dict[str, str] = {}
        self.created: list[str] = []  # PostgreSQL databases of the running test

    def _name(self) -> str:
        return f"t{next(self._names)}"

    def _clone(self, template: str | None) -> str:
        name = self._name()
        if self._server is None:
            path = self._folder / f"{name}.duckdb"
            if template is not None:
                path.write_bytes(Path(template).read_bytes())
            return str(path)
        self.created.append(name)
        return devdb.create_database(self._server, name, template=template)

    def new(self, *, migrated: bool = True) -> str:
        """An empty store's address (``migrated=False``: not even the schema, PostgreSQL)."""
        if self._server is None:
            return self._clone(None)
        return self._clone("loyalty_template" if migrated else "template0")

    def open(self, **options) -> Store:
        return store.connect(self.new(), **options)

    def seeded(self, key: str, seed: Callable[[Store], None]) -> str:
        base = self._bases.get(key)
        if base is None:
            base = self.new()
            if self._server is not None:
                self.created.remove(base.rsplit("/", 1)[1])  # kept as a template
            st = store.connect(base)
            seed(st)
            st.close()
            base = self._bases[key] = base if self._server is None else base.rsplit("/", 1)[1]
        return self._clone(base)

    def drop_created(self) -> None:
        if self._server is not None and self.created:
            store.close_all()
            devdb.disconnect(self._server, self.created)
        self.created = []


@pytest.fixture(scope="session")
def stores_on(request, tmp_path_factory) -> Callable[[str], Stores]:
    """``stores_on(backend)``: the session's :class:`Stores` of that backend (PostgreSQL is
    started on first use). For a test that picks its backends itself; most use ``stores``."""
    made: dict[str, Stores] = {}

    def on(backend: str) -> Stores:
        if backend not in made:
            server = request.getfixturevalue("pg_server") if backend == "postgresql" else None
            made[backend] = Stores(backend, tmp_path_factory.mktemp(backend), server)
        return made[backend]

    return on


@pytest.fixture(params=BACKENDS)
def stores(request, stores_on) -> Iterator[Stores]:
    """Fresh stores, once on DuckDB and once on PostgreSQL."""
    stores = stores_on(request.param)
    yield stores
    stores.drop_created()
