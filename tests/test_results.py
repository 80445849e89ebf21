"""loyalty/results.py: results kept on disk across restarts, per store revision, code and
minimum group size; and the memo that reads them before it computes."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loyalty import analysis, config, results
from loyalty.dashboard import Dashboard, Memo
from loyalty.results import MISSING, Shelf, open_shelf
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _never(*args, **kwargs):
    raise AssertionError("computed again although it was kept")


def test_a_kept_value_is_read_back_and_a_missing_one_is_missing(tmp_path):
    shelf = Shelf(tmp_path, "store", 7, 5)
    frame = pl.DataFrame({"branch_id": ["B1", "B2"], "engagement": [3.5, None]})
    shelf.save(("table", None, 2000, "2025-H1", "nps"), frame)
    again = Shelf(tmp_path, "store", 7, 5)  # as a new process opens it
    assert again.load(("table", None, 2000, "2025-H1", "nps")).equals(frame)
    assert again.load(("table", None, 2000, "2025-H2", "nps")) is MISSING
    assert [p.suffix for p in again.folder.iterdir()] == [".pickle"]  # no temporary file left


def test_another_revision_minimum_or_store_is_another_folder(tmp_path):
    key = ("headline", None, 2000, "2025-H1", "nps")
    Shelf(tmp_path, "store", 7, 5).save(key, 1.5)
    assert Shelf(tmp_path, "store", 8, 5).load(key) is MISSING
    assert Shelf(tmp_path, "store", 7, 6).load(key) is MISSING  # suppression differs
    assert Shelf(tmp_path, "other", 7, 5).load(key) is MISSING


def test_a_scope_names_the_same_file_in_every_process(tmp_path):
    """A frozenset's order depends on the process's hash seed: the key is ordered first."""
    code = (
        "import sys; from pathlib import Path; from loyalty.results import Shelf;"
        "s = Shelf(Path(sys.argv[1]), 'store', 1, 5);"
        "print(s._path(('quadrants', frozenset({'B1', 'B2', 'B3', 'B10', 'B7'}), 2000)).name)"
    )
    names = {
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(names) == 1


def test_opening_a_shelf_deletes_the_stores_other_folders_only(tmp_path):
    key = ("headline", None, 2000, "w", "nps")
    old = Shelf(tmp_path, "store", 1, 5)
    old.save(key, 1.0)
    other_store = Shelf(tmp_path, "other", 1, 5)
    other_store.save(key, 2.0)
    new = Shelf(tmp_path, "store", 2, 5)
    assert new.forget_others() == [old.folder]
    assert not old.folder.exists()
    assert other_store.load(key) == 2.0


def test_what_a_killed_writer_left_is_deleted_once_it_is_stale(tmp_path):
    shelf = Shelf(tmp_path, "store", 1, 5)
    shelf.save(("headline", None, 1), 1.0)
    old, fresh = shelf.folder / "old.tmp", shelf.folder / "fresh.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    stale = time.time() - results.STALE_SECONDS - 1
    os.utime(old, (stale, stale))
    assert Shelf(tmp_path, "store", 1, 5).forget_others() == [old]
    assert not old.exists() and fresh.exists() and len(list(shelf.folder.glob("*.pickle"))) == 1


def test_a_damaged_file_is_computed_again_and_replaced(tmp_path, capsys):
    shelf = Shelf(tmp_path, "store", 1, 5)
    key = ("headline", None, 2000, "w", "nps")
    shelf.save(key, 1.0)
    shelf._path(key).write_bytes(b"half a pick")
    memo = Memo(shelf=shelf)
    assert memo.get(key, lambda: 3.0) == 3.0
    assert "unreadable" in capsys.readouterr().err
    assert Shelf(tmp_path, "store", 1, 5).load(key) == 3.0


def test_a_failed_write_leaves_the_value_in_memory(tmp_path, capsys):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    memo = Memo(shelf=Shelf(blocked, "store", 1, 5))
    assert memo.get(("headline", None, 1), lambda: 4.0) == 4.0
    assert "not kept" in capsys.readouterr().err


def test_the_memo_keeps_only_the_slow_results(tmp_path):
    shelf = Shelf(tmp_path, "store", 1, 5)
    Memo(shelf=shelf).get(("quadrants", None, 2000, "w", "nps"), lambda: "slow")
    Memo(shelf=shelf).get(("names", None, 2000, "w"), lambda: "cheap")
    memo = Memo(shelf=Shelf(tmp_path, "store", 1, 5))
    assert memo.get(("quadrants", None, 2000, "w", "nps"), _never) == "slow"
    assert memo.get(("names", None, 2000, "w"), lambda: "again") == "again"


@pytest.fixture
def copy_of(demo_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, path)
    return path


def _dashboard(path: Path) -> Dashboard:
    store = Store(path, read_only=True)
    shelf = open_shelf(str(path), store.revision(), store.wave_revisions())
    return Dashboard(store, memo=Memo(shelf=shelf))


def test_a_new_dashboard_reads_what_the_last_one_computed(copy_of, monkeypatch):
    first = _dashboard(copy_of)
    wave = first.default_wave()
    ratio, table = first.headline(wave), first.branch_table(wave)
    assert Path(f"{copy_of}.results").is_dir()  # beside the store's file, by default
    first.store.close()
    monkeypatch.setattr(analysis, "headline_ratio", _never)
    monkeypatch.setattr(analysis, "branch_table", _never)
    again = _dashboard(copy_of)
    assert again.headline(wave) == ratio
    assert again.branch_table(wave).equals(table)
    again.store.close()


def test_another_minimum_group_size_computes_its_own_suppression(copy_of, monkeypatch):
    first = _dashboard(copy_of)
    wave = first.default_wave()
    shown = first.branch_table(wave).filter(~pl.col("suppressed")).height
    first.store.close()
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "25")
    stricter = _dashboard(copy_of)
    table = stricter.branch_table(wave)
    assert table.filter(~pl.col("suppressed")).height < shown
    assert (
        table.filter(pl.col("n_respondents") < 25)["engagement"].null_count()
        == table.filter(pl.col("n_respondents") < 25).height
    )
    stricter.store.close()


def _survey(demo_data, folder: Path) -> Path:
    from loyalty import demo

    return next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)


#: Every kept result of one wave (loyalty.dashboard.ONE_WAVE), as a dashboard asks for it.
ONE_WAVE_RESULTS = {
    "company_table": lambda d, w: d.branch_table(w),
    "headline": lambda d, w: d.headline(w),
    "links": lambda d, w: d.chain_links(w),
    "quadrants": lambda d, w: d.quadrants(w),
    "chain": lambda d, w: d.chain_model(w),
    "corrected": lambda d, w: d.corrected_links(w),
    "drivers": lambda d, w: d.drivers(w),
    "expected": lambda d, w: d.expected_vs_actual(w),
    "company_estimates": lambda d, w: d.estimates(w),
    "quality": lambda d, w: d.data_quality(w),
    "what_if_paths": lambda d, w: d.what_if(w, "nps", "all", (), 0.2),
}


def _same(a, b) -> bool:
    """Equal, floats to 1e-6: rows read in another order change a sum in its last bit and
    the factor model's omega within its optimiser's tolerance (~1e-7)."""
    if isinstance(a, (pl.DataFrame, pl.Series)):
        a, b = pl.DataFrame(a), pl.DataFrame(b)
        try:
            assert_frame_equal(a, b, rel_tol=1e-6, abs_tol=1e-9)
        except AssertionError:
            return False
        return True
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and _same(dataclasses.astuple(a), dataclasses.astuple(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (float, np.ndarray)):
        return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True))
    return a == b


def test_an_import_into_one_wave_leaves_the_other_waves_results(copy_of, demo_data, tmp_path):
    """A new version of the newest wave's survey: that wave's results go (and are computed
    again), the store's revision folder is another, and every kept result of an older wave is
    read back without computing, equal to what the new store gives computed afresh."""
    from loyalty import dashboard
    from loyalty.importing import run

    assert set(ONE_WAVE_RESULTS) == dashboard.ONE_WAVE
    first = _dashboard(copy_of)
    newest, older = first.waves()[-1], first.waves()[0]
    for ask in ONE_WAVE_RESULTS.values():
        ask(first, newest), ask(first, older)
    first.benchmarks()
    shelf = first.memo.shelf
    kept_older = shelf.wave_folders[older]
    assert len(list(kept_older.glob("*.pickle"))) == len(ONE_WAVE_RESULTS)
    assert shelf.wave_folders[newest].is_dir() and shelf.folder.is_dir()
    first.store.close()

    store = Store(copy_of)
    run.run_import(store, _survey(demo_data, tmp_path), kind="engagement", wave=newest, actor="t")
    store.close()
    again = _dashboard(copy_of)
    assert again.memo.shelf.wave_folders[older] == kept_older and kept_older.is_dir()
    assert not shelf.wave_folders[newest].exists() and not shelf.folder.exists()
    fresh = Dashboard(again.store)  # nothing kept: computed from the store as it is now
    for name, ask in ONE_WAVE_RESULTS.items():
        assert _same(ask(again, older), ask(fresh, older)), name
        assert _same(ask(again, newest), ask(fresh, newest)), name
    assert len(list(again.memo.shelf.wave_folders[newest].glob("*.pickle"))) == len(
        ONE_WAVE_RESULTS
    )
    again.store.close()


def test_reading_an_older_waves_kept_results_computes_nothing(
    copy_of, demo_data, tmp_path, monkeypatch
):
    from loyalty import model, quality
    from loyalty.importing import run

    first = _dashboard(copy_of)
    older = first.waves()[0]
    expected = {name: ask(first, older) for name, ask in ONE_WAVE_RESULTS.items()}
    first.store.close()
    store = Store(copy_of)
    run.run_import(
        store, _survey(demo_data, tmp_path), kind="engagement", wave=first.waves()[-1], actor="t"
    )
    store.close()
    for module, name in (
        (analysis, "branch_table"),
        (analysis, "headline_ratio"),
        (analysis, "chain_links"),
        (analysis, "quadrant_table"),
        (analysis, "respondent_engagement"),
        (model, "chain_model"),
        (model, "corrected_links"),
        (model, "drivers"),
        (model, "expected_vs_actual"),
        (model, "what_if_paths"),
        (quality, "data_quality"),
    ):
        monkeypatch.setattr(module, name, _never)
    again = _dashboard(copy_of)
    for name, ask in ONE_WAVE_RESULTS.items():
        if name != "what_if_paths":  # what_if itself is not kept: its paths are
            assert _same(ask(again, older), expected[name]), name
    again.what_if(older, "nps", "all", (), 0.2)
    again.store.close()


def test_every_waves_table_after_an_import_computes_only_that_waves(
    copy_of, demo_data, tmp_path, monkeypatch
):
    from loyalty.importing import run

    first = _dashboard(copy_of)
    newest = first.waves()[-1]
    first.branch_table(None)
    first.store.close()
    store = Store(copy_of)
    run.run_import(store, _survey(demo_data, tmp_path), kind="engagement", wave=newest, actor="t")
    store.close()
    computed = []
    branch_table = analysis.branch_table

    def counted(store, wave=None, **kwargs):
        computed.append(wave)
        return branch_table(store, wave, **kwargs)

    monkeypatch.setattr(analysis, "branch_table", counted)
    again = _dashboard(copy_of)
    whole = again.branch_table(None)
    assert computed == [newest]
    assert _same(whole, branch_table(again.store, None))
    again.store.close()


def test_a_purge_or_a_deleted_version_takes_that_waves_kept_results_with_it(copy_of):
    from loyalty import retention, versions

    first = _dashboard(copy_of)
    waves = first.waves()
    for wave in waves:
        first.headline(wave)
    shelf = first.memo.shelf
    first.store.close()
    store = Store(copy_of)
    result = retention.purge(store, months=24, now=date(2100, 1, 1), actor="t")
    assert result.waves  # every wave purged
    store.close()
    again = _dashboard(copy_of)
    assert not any(shelf.wave_folders[w].exists() for w in waves)
    again.headline(waves[-1])
    newest = again.memo.shelf.wave_folders[waves[-1]]
    assert newest.is_dir()
    again.store.close()
    store = Store(copy_of)
    history = versions.history(store, "finance", waves[-1])
    versions.delete(store, history["import_id"][0], actor="t", allow_active=True)
    store.close()
    third = _dashboard(copy_of)
    assert not newest.exists()
    third.store.close()


def test_a_store_built_again_at_the_same_path_is_another_revision(demo_data, tmp_path):
    """Two stores seeded alike at one path: the time of the last import tells them apart, so
    the second never reads what the first kept."""
    from loyalty import demo

    path = tmp_path / "again.duckdb"
    revisions = []
    for _ in range(2):
        path.unlink(missing_ok=True)
        store = Store(path)
        demo.seed_store(store, demo_data)
        revisions.append(store.revision())
        store.close()
    assert revisions[0] != revisions[1]


def test_the_root_is_beside_the_file_or_set_or_off(monkeypatch, tmp_path):
    monkeypatch.delenv("LOYALTY_RESULTS", raising=False)
    assert config.results_root("data/x.duckdb") == Path("data/x.duckdb.results")
    assert config.results_root("postgresql://u@h/db") == Path("data") / "results"
    monkeypatch.setenv("LOYALTY_RESULTS", str(tmp_path))
    assert config.results_root("data/x.duckdb") == tmp_path
    monkeypatch.setenv("LOYALTY_RESULTS", "off")
    assert config.results_root("data/x.duckdb") is None
    assert results.open_shelf("data/x.duckdb", 1, {}) is None


def test_loyalty_report_keeps_its_results_and_reads_them_the_next_time(
    copy_of, tmp_path, monkeypatch
):
    from loyalty import cli, quality, report
    from loyalty.store import close_all

    monkeypatch.delenv("LOYALTY_RESULTS", raising=False)
    monkeypatch.setattr(report, "build_pptx", lambda steps, lang, wave, progress: b"deck")
    deck = tmp_path / "deck.pptx"
    argv = ["report", "--out", str(deck), "--db", str(copy_of), "--lang", "en"]
    assert cli.main(argv) == 0
    close_all()
    assert len(list(Path(f"{copy_of}.results").rglob("*.pickle"))) >= 5
    for module, name in ((analysis, "headline_ratio"), (analysis, "quadrant_table")):
        monkeypatch.setattr(module, name, _never)
    monkeypatch.setattr(quality, "data_quality", _never)
    deck.unlink()
    assert cli.main(argv) == 0 and deck.read_bytes() == b"deck"
    close_all()
