from __future__ import annotations

import duckdb
import polars as pl
import psycopg
import pytest

from loyalty import demo, store
from loyalty.importing import run
from loyalty.importing.run import ImportRefused
from loyalty.store import Store

#: A broken constraint (primary key, CHECK), as each backend's driver says it.
CONSTRAINT = (duckdb.ConstraintException, psycopg.errors.IntegrityError)


def test_migrations_apply_once_and_record_their_version(stores):
    address = stores.new(migrated=False)  # PostgreSQL: an empty database, no schema yet
    s = store.connect(address)
    assert s.schema_version() == store.SCHEMA_VERSION
    with s._connection() as con:
        assert store.migrate(con) == []  # a second run applies nothing
        applied = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [r[0] for r in applied] == [m[0] for m in store.MIGRATIONS]
    s.close()
    reopened = store.connect(address)
    assert reopened.schema_version() == store.SCHEMA_VERSION
    assert reopened.is_empty()
    # every view of the schema reads (the PostgreSQL spelling of DuckDB's QUALIFY included)
    for view in ("active_responses", "active_loyalty", "current_actions"):
        assert reopened.sql(f"SELECT count(*) AS n FROM {view}")["n"][0] == 0
    reopened.close()


def test_transaction_rolls_back_everything_on_error(stores):
    s = stores.open()
    with pytest.raises(CONSTRAINT), s.transaction() as cur:
        cur.execute("INSERT INTO branches VALUES ('B1', 'A', 'Nord', 'City', 5)")
        cur.execute("INSERT INTO branches VALUES ('B1', 'dup', 'Nord', 'City', 5)")
    assert s.sql("SELECT count(*) AS n FROM branches")["n"][0] == 0
    s.close()


def test_a_failing_seed_leaves_the_store_unchanged(stores):
    s = stores.open()
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
    # the loyalty table fails its check (as a user's file would) after the survey of both
    # waves was written in the same transaction: all of it is rolled back
    with pytest.raises(ImportRefused, match="negative"):
        demo.seed_store(s, broken)
    after = s.sql("SELECT count(*) AS n FROM responses")["n"][0], s.revision()
    assert after == before
    s.close()


def test_emptiness_comes_with_the_revision_and_an_import_ends_it(stores, queries_of):
    """Every page run asks whether the store is empty: the answer comes from the revision's
    read, no query of its own. DuckDB keeps that read until its next write (no query at
    all); PostgreSQL, written by other processes too, reads the revision again (one query).
    An import is seen at once."""
    s = stores.open()
    assert s.is_empty()
    with queries_of(s) as queries:
        assert s.is_empty()
    assert len(queries) == (1 if stores.backend == "postgresql" else 0)
    assert all("string_agg" in q for q in queries)  # the revision's read, nothing else
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=10, n_waves=1)))
    assert not s.is_empty()
    s.close()


def test_reseeding_a_wave_adds_a_version_and_keeps_the_old_one(stores):
    s = stores.open()
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


def test_a_waves_revision_changes_with_that_waves_data_only(stores, tmp_path):
    """What loyalty.results files one wave's results under: a new version of one wave's
    survey changes that wave's revision and no other; a new branch list changes every one."""
    s = stores.open()
    data = demo.generate(demo.DemoParams(n_branches=10, n_waves=2))
    demo.seed_store(s, data)
    before = s.wave_revisions()
    older, newer = sorted(before)
    files = demo.write_samples(data, tmp_path, wave=newer)
    survey = next(p for p in files if "befragung" in p.name)
    run.run_import(s, survey, kind="engagement", wave=newer, actor="t")
    after = s.wave_revisions()
    assert after[older] == before[older] and after[newer] != before[newer]
    branches = tmp_path / "branches.csv"
    data.branches.write_csv(branches)
    run.run_import(s, branches, kind="branches", actor="t")
    again = s.wave_revisions()
    assert again[older] != after[older] and again[newer] != after[newer]
    s.close()


def test_open_store_shares_one_store_per_file(tmp_path):
    a = store.open_store(tmp_path / "e.duckdb")
    b = store.open_store(str(tmp_path / "e.duckdb"))
    assert a is b
    store.close_all()


def test_the_store_address_picks_the_backend(stores):
    address = stores.new()
    s = store.open_store(address)
    assert s is store.open_store(address)
    assert (stores.backend == "postgresql") == (type(s).__name__ == "PgStore")
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
            Store(path, wait=1)  # waits 1 s for the lock instead of LOCK_WAIT_SECONDS
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
def test_a_full_disk_or_read_only_directory_in_a_transaction_is_named(stores, said, problem):
    s = stores.open()
    driver_error = s.errors[0]  # DuckDB's or psycopg's error, as the driver would raise it
    with pytest.raises(store.StoreWriteError) as caught, s.transaction() as cur:
        cur.execute("INSERT INTO branches VALUES ('B1', 'A', 'Nord', 'City', 5)")
        raise driver_error(f'IO Error: Could not write file "w.duckdb.wal": {said}')
    assert caught.value.problem == problem
    assert str(s.path.parent if stores.backend == "duckdb" else s.path) in (
        caught.value.message("de")
    )
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


def test_the_revision_follows_writes_of_other_processes_on_postgresql(stores):
    """On PostgreSQL other servers and the CLI write while this process runs: the revision
    is read at every call, so a write through another connection is seen at once."""
    address = stores.new()
    one, other = store.connect(address), store.connect(address)
    first = one.revision()
    demo.seed_store(other, demo.generate(demo.DemoParams(n_branches=10, n_waves=1)))
    if stores.backend == "postgresql":
        store._generations.clear()  # as if the write came from another process
    assert one.revision() != first
    one.close()
    other.close()


def test_an_unreachable_postgresql_is_named_in_the_users_language(pg_server):
    from loyalty import devdb

    address = f"postgresql://loyalty:secret@127.0.0.1:{devdb.free_port()}/nowhere"
    with pytest.raises(store.StoreUnavailable) as caught:
        store.connect(address)
    german, english = caught.value.message("de"), caught.value.message("en")
    assert "PostgreSQL-Datenbank" in german and "PostgreSQL database" in english
    assert "secret" not in german + english  # the password is never shown
    assert "postgresql://loyalty:***@127.0.0.1" in english


def test_the_demo_is_imported_as_a_users_files_are(stores, tmp_path):
    """The demo seeds through the import path: one version per kind and wave, by "loyalty
    demo", and its survey of a wave is stored as the sample file of that wave is when a user
    imports it (same answers per branch, tenure band, role and item)."""
    s = stores.open()
    data = demo.generate(demo.DemoParams(n_branches=12, n_waves=2))
    demo.seed_store(s, data)
    imports = s.sql("SELECT kind, wave, version, imported_by FROM imports ORDER BY import_id")
    waves = data.waves["wave"].to_list()
    assert imports.rows() == [
        ("branches", None, 1, "loyalty demo"),
        *(
            (kind, wave, 1, "loyalty demo")
            for kind in ("engagement", "loyalty", "finance")
            for wave in waves
        ),
    ]
    survey = demo.write_samples(data, tmp_path, wave=waves[-1])[0]
    out = run.run_import(s, survey, kind="engagement", wave=waves[-1], actor="t")
    assert out.stored
    answers = (
        "SELECT r.branch_id, r.tenure_band, r.role, sc.item_id, sum(sc.score) AS total, "
        "count(*) AS n FROM response_scores sc "
        "JOIN responses r ON r.import_id = sc.import_id AND r.response_id = sc.response_id "
        "JOIN imports i ON i.import_id = r.import_id "
        "WHERE i.kind = 'engagement' AND i.wave = ? AND i.version = ? "
        "GROUP BY r.branch_id, r.tenure_band, r.role, sc.item_id "
        "ORDER BY r.branch_id, r.tenure_band, r.role, sc.item_id"
    )
    seeded, imported = (s.sql(answers, [waves[-1], v]) for v in (1, 2))
    assert seeded.height > 0 and seeded.equals(imported)
    s.close()
