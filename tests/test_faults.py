"""Faults: two imports of the same wave at once, a second process on a locked store, and an
export killed half-way. Nothing is lost, nothing is half-written, every message says why."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from loyalty import demo
from loyalty.importing import run
from loyalty.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _survey(demo_data, folder: Path) -> Path:
    return next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)


def test_two_imports_of_the_same_wave_at_once_both_land_as_versions(demo_db, demo_data, tmp_path):
    db = tmp_path / "twice.duckdb"
    shutil.copy(demo_db, db)
    survey = _survey(demo_data, tmp_path)
    store = Store(db)
    outcomes, errors = [], []

    def one() -> None:
        try:
            outcomes.append(
                run.run_import(store, survey, kind="engagement", wave="2025-H2", actor="t")
            )
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and all(o.stored for o in outcomes)
    versions = store.sql(
        "SELECT version, active, row_count FROM imports "
        "WHERE kind = 'engagement' AND wave = '2025-H2' ORDER BY version"
    )
    assert versions["version"].to_list() == [1, 2, 3]  # the demo's and both new ones
    assert versions["active"].to_list() == [False, False, True]
    rows = survey.read_bytes().count(b"\n") - 1
    assert versions["row_count"].to_list()[1:] == [rows, rows]
    active = store.sql("SELECT count(*) AS n FROM active_responses WHERE wave = '2025-H2'")["n"][0]
    assert active == rows  # one active version, not two summed
    store.close()


def test_a_second_process_on_a_locked_store_is_refused_clearly(demo_db, demo_data, tmp_path):
    db = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, db)
    survey = _survey(demo_data, tmp_path)
    holder = Store(db)  # this process holds DuckDB's write lock (as a running server does)
    before = holder.sql("SELECT count(*) AS n FROM imports")["n"][0]
    done = subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(survey), "--kind", "engagement",
         "--wave", "2025-H2", "--db", str(db), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    message = done.stderr + done.stdout
    assert "cannot be opened" in message and "Traceback" not in message
    assert holder.sql("SELECT count(*) AS n FROM imports")["n"][0] == before
    holder.close()


def test_an_export_killed_half_way_leaves_no_file_and_an_intact_store(demo_db, tmp_path):
    db = tmp_path / "export.duckdb"
    shutil.copy(demo_db, db)
    out = tmp_path / "deck.pptx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "loyalty", "report", "--out", str(out), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    time.sleep(4)  # building: the story is computed, the charts are being rendered
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # never a half-written deck under the real name
    store = Store(db)
    assert store.sql("SELECT count(*) AS n FROM imports WHERE active")["n"][0] > 0
    table = store.sql("SELECT count(*) AS n FROM active_responses")["n"][0]
    store.close()
    assert table > 0
