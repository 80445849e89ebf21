"""After the retention purge every page still renders the purged wave from its saved branch
figures, and says where answers are gone."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from loyalty import retention
from loyalty.store import open_store


@pytest.fixture
def purged_db(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "purged.duckdb"
    shutil.copy(demo_db, path)
    store = open_store(path)
    retention.purge(store, months=24, now=datetime(2026, 11, 22), actor="test")
    monkeypatch.setenv("LOYALTY_DB", str(path))
    return path


@pytest.mark.parametrize(
    "page", ["overview", "branches", "compare", "branch", "whatif", "drivers", "methods", "present"]
)
def test_pages_render_a_purged_wave(app, purged_db, page):
    query = {"wave": "2024-H1", "lang": "en"}
    if page == "branch":
        query["branch"] = "B042"
    if page == "compare":
        query["branches"] = "B042,B043"
    at = app(None if page == "overview" else f"pages/{page}.py", **query).run()
    assert not at.exception, at.exception
    if page == "methods":
        assert any("deleted after the retention period" in i.value for i in at.info)
