"""An import killed half-way (SIGKILL, inside its transaction) leaves the store as it was.

The import runs as `loyalty import` in a subprocess. With the test-only hook
``LOYALTY_TEST_IMPORT_PAUSE`` (see ``loyalty/importing/run.py``) it reports
"Committing the changes" after writing every row, then sleeps inside the open transaction: the
test kills it there. A second case kills it as soon as it starts storing, without the hook: the
store must then hold either nothing of the import or all of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from store_snapshot import snapshot

from loyalty import analysis, demo
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]
ROWS = 300_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A seeded store (120 branches, one wave) and a 300,000-row survey file for its branches."""
    root = tmp_path_factory.mktemp("kill")
    params = demo.DemoParams(n_branches=120, n_waves=1)
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, demo.generate(params))
    store.close()
    # same seed and branch count: the same branches, only many more respondents
    data = demo.generate(demo.DemoParams(n_branches=120, n_waves=1, n_respondents=ROWS))
    survey = data.responses.join(
        data.scores.pivot(on="item_id", index="response_id", values="score"), on="response_id"
    ).select(
        pl.col("response_id").alias("Antwort-ID"),
        pl.col("branch_id").alias("Filiale"),
        pl.col("wave").alias("Welle"),
        *[pl.col(i[0]) for i in demo.ITEMS],
    )
    path = root / "gross.csv"
    path.write_bytes(survey.write_csv(separator=";").encode("cp1252"))
    return {"base": base, "file": path, "rows": survey.height, "wave": data.waves["wave"][0]}


def start(big, db: Path, pause: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    if pause:
        env["LOYALTY_TEST_IMPORT_PAUSE"] = pause
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loyalty",
            "import",
            str(big["file"]),
            "--kind",
            "engagement",
            "--wave",
            big["wave"],
            "--db",
            str(db),
            "--lang",
            "en",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_at(proc: subprocess.Popen, marker: str, timeout: float = 240) -> list[str]:
    """Read progress lines until ``marker``, then SIGKILL the process."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line.rstrip())
        if marker in line:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            return seen
    proc.kill()
    proc.wait(30)
    pytest.fail(f"never saw {marker!r}: {seen}")


def reopen_and_use(db: Path, wave: str) -> None:
    store = Store(db)
    try:
        assert store.schema_version() >= 2
        table = analysis.branch_table(store, wave)
        assert table.height == 120
        assert table["engagement"].is_not_null().any()
    finally:
        store.close()


def test_killed_inside_the_transaction_leaves_the_store_unchanged(big, tmp_path):
    db = tmp_path / "k.duckdb"
    db.write_bytes(big["base"].read_bytes())
    before = snapshot(db)
    proc = start(big, db, pause="120")
    seen = kill_at(proc, "Committing the changes")
    assert proc.returncode == -signal.SIGKILL
    assert any("Storing the data" in line for line in seen)
    assert snapshot(db) == before
    reopen_and_use(db, big["wave"])
    # and the store still takes the same import afterwards
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyalty",
            "import",
            str(big["file"]),
            "--kind",
            "engagement",
            "--wave",
            big["wave"],
            "--db",
            str(db),
            "--lang",
            "en",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    after = snapshot(db)
    assert after["counts"]["responses"] == before["counts"]["responses"] + big["rows"]


def test_killed_while_writing_is_all_or_nothing(big, tmp_path):
    db = tmp_path / "k2.duckdb"
    db.write_bytes(big["base"].read_bytes())
    before = snapshot(db)
    proc = start(big, db, pause=None)
    kill_at(proc, "Storing the data")
    after = snapshot(db)
    if after != before:  # the commit won the race: then everything is there
        assert after["counts"]["responses"] == before["counts"]["responses"] + big["rows"]
        assert len(after["imports"]) == len(before["imports"]) + 1
    reopen_and_use(db, big["wave"])
