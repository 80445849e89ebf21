"""Browser tests: a real server on a free port and Debian's Chromium through Playwright.

Without Chromium these tests skip locally and fail under CI=true (the brief: browser tests
must fail, not skip, in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.served import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def patient_expect():
    """Every assertion of a browser test waits up to a minute for its element: an upper bound
    for a busy 2-core machine running two test workers, not a time the test asserts."""
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium as root"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


class ServedURL(str):
    """The served app's base URL; ``.process`` is the server (for the fault tests' SIGKILL)."""

    process: subprocess.Popen


@contextmanager
def serve(db: Path, log: Path, env: dict[str, str] | None = None):
    """`python serve.py` (as `make run` does) on a free localhost port, polled on
    /_stcore/health; yields the base URL (a :class:`ServedURL`). ``env``: extra variables.
    The background warm-up is off (``LOYALTY_WARM_UP=off``: it would compete with the test for
    the CPU, computing pages no test opens) unless ``env`` turns it on, as test_warm_served does."""
    try:
        proc, base = start_server(
            db, log, timeout=60, env={"LOYALTY_WARM_UP": "off", **(env or {})}
        )
    except RuntimeError as exc:
        pytest.fail(str(exc))
    url = ServedURL(base)
    url.process = proc
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def served_db(demo_data, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served app's own seeded store (DuckDB lets one process at a time hold a file, so
    the tests' store cannot be shared)."""
    from loyalty import demo
    from loyalty.store import Store

    db = tmp_path_factory.mktemp("served") / "demo.duckdb"
    store = Store(db)
    demo.seed_store(store, demo_data)
    store.close()
    return db


@pytest.fixture(scope="session")
def server(served_db: Path, tmp_path_factory: pytest.TempPathFactory):
    with serve(served_db, tmp_path_factory.mktemp("log") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
