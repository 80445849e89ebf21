"""The server is killed (SIGKILL, the whole process tree, as a supervisor or the OOM killer
would) during an import and during an export. After a restart the store opens, the
interrupted import is absent, every earlier version is intact, and no partial export is left.

The import: the server runs with the test-only hook ``LOYALTY_TEST_IMPORT_PAUSE`` (see
``loyalty/importing/run.py``), so after writing every row it shows "Committing the changes" and
waits *inside* the open transaction; the kill lands there.

The export: the Present page builds the deck in memory (``report.build_pptx`` returns bytes,
handed to ``st.download_button``; the app writes no export file) and records the export in the
audit log only when the deck is complete. The kill lands while the progress bar shows a slide
being rendered; afterwards no deck file exists beside the store, in the server's working
directory or in the temporary directory, and the audit log has no export entry.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import tempfile
from pathlib import Path

from playwright.sync_api import expect
from store_snapshot import snapshot

from e2e.conftest import ROOT, serve
from e2e.pages import DataPage, wait_for_app
from loyalty import demo

#: The server purges old answers when it starts (serve.py); here nothing is old enough, so any
#: change to the store would be the kill's.
KEEP = {"LOYALTY_RETENTION_MONTHS": "1200"}


def _descendants(pid: int) -> list[int]:
    """The process ids below ``pid`` (kaleido's Chromium, …), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_server(url) -> None:
    """SIGKILL the server and every process it started, at once; wait for the server."""
    proc = url.process
    below = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    for pid in below:
        with contextlib.suppress(ProcessLookupError):  # gone with its parent already
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def restart_and_open(db: Path, log: Path, page) -> None:
    """A new server on the same store: the app loads and shows the versions table."""
    with serve(db, log, env=KEEP) as url:
        page.goto(f"{url}/data?lang=en")
        wait_for_app(page)
        page.get_by_role("tab", name="Versions").click()
        panel = page.get_by_role("tabpanel", name="Versions")
        expect(panel.locator('[data-testid="stDataFrame"]')).to_be_visible()
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _store_copy(demo_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "store.duckdb"
    shutil.copy(demo_db, db)
    return db


def test_server_killed_during_an_import_keeps_every_earlier_version(
    browser, tmp_path, demo_db, demo_data
):
    db = _store_copy(demo_db, tmp_path)
    survey = next(p for p in demo.write_samples(demo_data, tmp_path) if "befragung" in p.name)
    before = snapshot(db)
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    with serve(
        db, tmp_path / "server.log", env={**KEEP, "LOYALTY_TEST_IMPORT_PAUSE": "120"}
    ) as url:
        data = DataPage(page, url).open("en")
        data.upload(str(survey))
        data.choose("Into which wave?", "2025-H2")
        data.click("Check")
        expect(page.get_by_text("The check passed")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Confirm the import").click()
        # every row is written; the transaction is open and waiting for the commit
        expect(page.get_by_text("Committing the changes")).to_be_visible(timeout=60_000)
        kill_server(url)
    restart_and_open(db, tmp_path / "restart.log", page)
    context.close()
    after = snapshot(db)
    assert after == before  # the interrupted import is absent, every version as it was


def _deck_files() -> set[Path]:
    found = set()
    for folder in (ROOT, Path(tempfile.gettempdir())):
        for suffix in ("pptx", "pdf"):
            found |= set(folder.glob(f"*.{suffix}"))
    return found


def test_server_killed_during_an_export_leaves_no_file_and_an_intact_store(
    browser, tmp_path, demo_db
):
    db = _store_copy(demo_db, tmp_path)
    before = snapshot(db)
    decks = _deck_files()
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    with serve(db, tmp_path / "server.log", env=KEEP) as url:
        page.goto(f"{url}/present?lang=en")
        wait_for_app(page)
        page.get_by_role("button", name="Settings").click()
        page.get_by_role("button", name="Build PowerPoint").click()
        progress = page.locator('[data-testid="stProgress"]')
        expect(progress).to_be_visible(timeout=60_000)
        # past the start: a slide's chart is being rendered (the text is the step's title)
        expect(progress).not_to_contain_text("Building the export", timeout=60_000)
        kill_server(url)
    left = sorted(p.name for p in db.parent.iterdir() if p.name != "store.duckdb.results")
    assert left in (["store.duckdb"], ["store.duckdb", "store.duckdb.wal"])
    for kept in (db.parent / "store.duckdb.results").rglob("*.pickle"):  # results kept so far
        pickle.loads(kept.read_bytes())  # each whole: written to a temporary file, then renamed
    assert _deck_files() == decks  # no half-written deck anywhere the app could write
    restart_and_open(db, tmp_path / "restart.log", page)
    context.close()
    after = snapshot(db)
    assert after == before  # the interrupted export was never recorded, nothing else changed
