from __future__ import annotations

import duckdb
import polars as pl
import pytest

from loyalty import demo, store
from loyalty.store import Store


def test_migrations_apply_once_and_record_their_version(tmp_path):
    s = Store(tmp_path / "a.duckdb")
    assert s.schema_version() == store.SCHEMA_VERSION
    assert store.migrate(s._con) == []  # a second run applies nothing
    s.close()
    reopened = Store(tmp_path / "a.duckdb")
    assert reopened.schema_version() == store.SCHEMA_VERSION
    assert reopened.is_empty()
    reopened.close()


def test_transaction_rolls_back_everything_on_error(tmp_path):
    s = Store(tmp_path / "b.duckdb")
    with pytest.raises(duckdb.ConstraintException), s.transaction() as cur:
        cur.execute("INSERT INTO branches VALUES ('B1', 'A', 'Nord', 'City', 5)")
        cur.execute("INSERT INTO branches VALUES ('B1', 'dup', 'Nord', 'City', 5)")
    assert s.sql("SELECT count(*) AS n FROM branches")["n"][0] == 0
    s.close()


def test_a_failing_seed_leaves_the_store_unchanged(tmp_path):
    s = Store(tmp_path / "c.duckdb")
    data = demo.generate(demo.DemoParams(n_branches=10, n_waves=2))
    demo.seed_store(s, data)
    before = s.sql("SELECT count(*) AS n FROM responses")["n"][0], s.revision()
    broken = demo.generate(demo.DemoParams(n_branches=10, n_waves=2, seed=7))
    broken.loyalty = broken.loyalty.with_columns(
        pl.when(pl.col("branch_id") == "B010")
        .then(-1)
        .otherwise(pl.col("active_customers"))
        .alias("active_customers")
    )
    with pytest.raises(duckdb.ConstraintException):
        demo.seed_store(s, broken)
    after = s.sql("SELECT count(*) AS n FROM responses")["n"][0], s.revision()
    assert after == before
    s.close()


def test_reseeding_a_wave_adds_a_version_and_keeps_the_old_one(tmp_path):
    s = Store(tmp_path / "d.duckdb")
    data = demo.generate(demo.DemoParams(n_branches=10, n_waves=1))
    demo.seed_store(s, data)
    rev = s.revision()
    demo.seed_store(s, data)
    versions = s.sql("SELECT version, active FROM imports WHERE kind = 'engagement' ORDER BY 1")
    assert versions.rows() == [(1, False), (2, True)]
    assert s.revision() != rev
    # both versions' rows are kept; the active views show only the newest
    total = s.sql("SELECT count(*) AS n FROM responses")["n"][0]
    active = s.sql("SELECT count(*) AS n FROM active_responses")["n"][0]
    assert total == 2 * active == 2 * data.responses.height
    s.close()


def test_open_store_shares_one_store_per_file(tmp_path):
    a = store.open_store(tmp_path / "e.duckdb")
    b = store.open_store(str(tmp_path / "e.duckdb"))
    assert a is b
    store.close_all()


def test_reads_return_polars_frames(demo_store):
    frame = demo_store.sql("SELECT * FROM branches")
    assert isinstance(frame, pl.DataFrame)
    assert frame.height == 120


def test_a_store_held_by_another_process_says_so(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True);"
            " sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(store.StoreUnavailable) as exc:
            Store(path)
        assert exc.value.path == path and "lock" in exc.value.reason.lower()
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


@pytest.mark.parametrize(
    ("said", "problem"),
    [
        ("No space left on device", "disk_full"),
        ("File too large", "disk_full"),
        ("Permission denied", "not_writable"),
        ("Read-only file system", "not_writable"),
    ],
)
def test_a_full_disk_or_read_only_directory_in_a_transaction_is_named(tmp_path, said, problem):
    s = Store(tmp_path / "w.duckdb")
    with pytest.raises(store.StoreWriteError) as caught, s.transaction() as cur:
        cur.execute("INSERT INTO branches VALUES ('B1', 'A', 'Nord', 'City', 5)")
        raise duckdb.IOException(f'IO Error: Could not write file "w.duckdb.wal": {said}')
    assert caught.value.problem == problem
    assert str(tmp_path) in caught.value.message("de")
    assert caught.value.message("de") != caught.value.message("en")
    assert said not in caught.value.message("en")
    assert s.sql("SELECT count(*) AS n FROM branches")["n"][0] == 0  # rolled back
    s.close()


def test_the_revision_is_read_again_after_any_write_to_the_file(tmp_path):
    """revision() is kept between writes (every page run asks several times) and read again
    after a write transaction, also one made through another Store object on the file."""
    path = tmp_path / "rev.duckdb"
    one = Store(path)
    other = Store(path)  # the same file in this process (as a test or the CLI may hold)
    first = one.revision()
    calls = []
    real_sql = one.sql
    one.sql = lambda *a, **k: (calls.append(a[0]), real_sql(*a, **k))[1]
    assert one.revision() == first and not calls  # kept
    from loyalty import demo

    demo.seed_store(other, demo.generate(demo.DemoParams(n_branches=10, n_waves=1)))
    second = one.revision()
    assert len(calls) == 1 and second != first
    assert one.revision() == second and len(calls) == 1
    one.close()
    other.close()
