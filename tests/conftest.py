"""Shared fixtures: a seeded demo store and the reference data sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loyalty import demo
from loyalty.store import Store

ROOT = Path(__file__).resolve().parent.parent


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
