"""AppTest fixtures: the app runs against the seeded demo store, served 'on localhost'."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "app.py")


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("LOYALTY_DB", str(demo_db))
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "localhost")

    def make(page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        if page:
            at.switch_page(page)
        for key, value in query.items():
            at.query_params[key] = value
        return at

    yield make
    st_config.set_option("server.address", previous)


@pytest.fixture
def own_db(demo_db, tmp_path, monkeypatch) -> Path:
    """A copy of the demo store for this test, served as the app's store (imports change it)."""
    path = tmp_path / "own.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("LOYALTY_DB", str(path))
    return path


@pytest.fixture
def held_effects(monkeypatch, no_ahead):
    """The served app (warm-up enabled, no warm-up thread that would outlive the test) with
    the effects of actions held back until the returned event is set (at the latest when the
    test ends), and the pages' patience for them at 0.2 s."""
    import threading

    from loyalty.dashboard import Dashboard
    from pages import _pending
    from pages import _shared as ui

    gate = threading.Event()
    compute = Dashboard.action_effects

    def held(self, horizon):
        gate.wait(120)
        return compute(self, horizon)

    monkeypatch.setattr(Dashboard, "action_effects", held)
    monkeypatch.setattr(_pending, "PATIENCE", 0.2)
    monkeypatch.setattr(ui.warmer, "enabled", True)
    monkeypatch.setattr(ui, "warm_in_background", lambda db, rev: None)
    yield gate
    gate.set()


@pytest.fixture
def no_ahead(monkeypatch) -> None:
    """Served pages compute nothing ahead (``pages._warm.ahead``): no thread that would
    outlive the test."""
    from pages import _warm

    monkeypatch.setattr(_warm, "_ahead_job", lambda *args: None)


class Asked(list):
    """What the pages asked to compute ahead, ``(method, *args)`` each; their viewers' scopes
    in :attr:`scopes`, in the same order."""

    def __init__(self) -> None:
        super().__init__()
        self.scopes: list = []


@pytest.fixture
def record_ahead(monkeypatch):
    """``record(served=True)``: the served app from now on (warm-up enabled, no warm-up
    thread; ``served=False``: as in scripts and tests), and what the pages ask to compute
    ahead (:class:`Asked`), each computed at once in the page's thread (a background thread
    would outlive the test)."""
    from concurrent.futures import Future

    from pages import _shared as ui
    from pages import _warm

    readers = dict(_warm.CACHED)

    def record(served: bool = True) -> Asked:
        monkeypatch.setattr(ui.warmer, "enabled", served)
        monkeypatch.setattr(ui, "warm_in_background", lambda db, rev: None)
        asked = Asked()

        def recording(name):
            def read(db, rev, scope, *args):
                asked.append((name, *args))
                asked.scopes.append(scope)
                return readers[name](db, rev, scope, *args)

            return read

        monkeypatch.setattr(_warm, "CACHED", {name: recording(name) for name in readers})

        def at_once(compute, name=""):
            future: Future = Future()
            future.set_result(compute())
            return future

        monkeypatch.setattr(_warm.warming, "in_background", at_once)
        return asked

    return record
