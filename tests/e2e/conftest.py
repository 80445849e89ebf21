"""Browser tests: a real server on a free port and Debian's Chromium through Playwright.

Without Chromium these tests skip locally and fail under CI=true (the brief: browser tests
must fail, not skip, in CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LOYALTY_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network and a root user (see the machine notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    /_stcore/health; yields the base URL (a :class:`ServedURL`). ``env``: extra variables."""
    port = _free_port()
    env = {**os.environ, "LOYALTY_DB": str(db), **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "serve.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = ServedURL(f"http://127.0.0.1:{port}")
    url.process = proc
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            if proc.poll() is not None:
                pytest.fail(f"the server exited early:\n{log.read_text()}")
        else:
            pytest.fail(f"the server did not become healthy:\n{log.read_text()}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
