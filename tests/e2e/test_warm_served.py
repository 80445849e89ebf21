"""The served app (serve.py) warms the pages' caches once the server runs: its log says how
many entries for which revision, and a first visit then finds the overview ready."""

from __future__ import annotations

import shutil
import time

from e2e.conftest import serve


def test_the_server_warms_the_caches_after_start(served_db, tmp_path, page):
    db = tmp_path / "warm.duckdb"
    shutil.copy(served_db, db)
    log = tmp_path / "server.log"
    with serve(db, log, env={"LOYALTY_WARM_UP": "on"}) as url:
        deadline = time.monotonic() + 120
        while "entries warmed for revision" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        line = next(x for x in log.read_text().splitlines() if "entries warmed" in x)
        assert int(line.split("caches: ")[1].split()[0]) > 30
        page.goto(f"{url}/?lang=en")
        page.get_by_role("heading", name="The loyalty chain").wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
