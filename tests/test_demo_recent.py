"""The demo a new user seeds is whole on first start (issue 15, point 2): its waves are dated
relative to today, so the retention purge on start removes nothing; and when a purge does
remove answers, the server log and the Data page say what."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from loyalty import cli, demo, retention
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _serve():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recent_waves_end_with_the_last_half_year_that_has_ended():
    assert demo.recent_start(4, date(2026, 12, 2)) == (2024, 2)
    assert demo.wave_labels(4, 2024, 2) == ["2024-H2", "2025-H1", "2025-H2", "2026-H1"]
    assert demo.recent_start(4, date(2026, 3, 1)) == (2024, 1)
    assert demo.recent_start(1, date(2026, 7, 1)) == (2026, 1)


def test_four_recent_waves_are_never_due_for_the_purge_on_any_day():
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):
        year, half = demo.recent_start(4, day)
        labels = demo.wave_labels(4, year, half)
        oldest_end = date.fromisoformat(demo._wave_end(labels[0]))
        newest_end = date.fromisoformat(demo._wave_end(labels[-1]))
        assert newest_end < day  # only waves that have ended
        assert oldest_end >= retention.months_before(day, 24), day
        day += timedelta(days=1)


def test_the_first_start_keeps_the_whole_demo_and_logs_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOYALTY_LANG", "en")
    db = tmp_path / "first.duckdb"
    assert cli.main(["demo", "--db", str(db), "--branches", "12", "--no-samples"]) == 0
    out = capsys.readouterr().out
    year, half = demo.recent_start(4)
    labels = demo.wave_labels(4, year, half)
    assert f"4 waves ({labels[0]} … {labels[-1]})" in out
    monkeypatch.setenv("LOYALTY_DB", str(db))
    monkeypatch.delenv("LOYALTY_RETENTION_MONTHS", raising=False)
    _serve().purge_on_start()
    assert "retention: nothing to purge" in capsys.readouterr().err
    store = Store(db)
    try:
        per_wave = store.sql(
            "SELECT w.wave, count(r.response_id) AS n FROM waves w "
            "LEFT JOIN active_responses r USING (wave) GROUP BY w.wave ORDER BY w.wave"
        )
    finally:
        store.close()
    assert per_wave["wave"].to_list() == labels
    assert (per_wave["n"] > 0).all()


def test_demo_last_wave_option(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOYALTY_LANG", "en")
    db = tmp_path / "fixed.duckdb"
    args = ["demo", "--db", str(db), "--branches", "6", "--waves", "3", "--no-samples"]
    assert cli.main([*args, "--last-wave", "2025-H1"]) == 0
    assert "3 waves (2024-H1 … 2025-H1)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--force", "--last-wave", "2025"])
    assert exc.value.code == 2


def test_a_purge_on_start_says_what_it_removed(demo_db, tmp_path, monkeypatch, capsys):
    path = tmp_path / "old.duckdb"
    shutil.copy(demo_db, path)  # the fixed test demo: 2024-H1 … 2025-H2
    monkeypatch.setenv("LOYALTY_DB", str(path))
    monkeypatch.setenv("LOYALTY_RETENTION_MONTHS", "12")
    _serve().purge_on_start()
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("retention: wave")]
    assert [line.split()[2] for line in lines] == [
        w
        for w in ("2024-H1", "2024-H2", "2025-H1")
        if date.fromisoformat(demo._wave_end(w)) < retention.months_before(date.today(), 12)
    ]
    assert "more than 12 months ago" in lines[0] and "responses and" in lines[0]
    assert "branch figures kept" in lines[0]
    store = Store(path)
    try:
        notes_de = retention.purge_notes(store, "de")
        notes_en = retention.purge_notes(store, "en")
    finally:
        store.close()
    assert len(notes_de) == len(lines)
    assert notes_de[0].startswith("Aufbewahrungsfrist: Die ")
    assert "einzelnen Antworten der Welle 2024-H1 (Ende 30.06.2024) wurden am" in notes_de[0]
    assert "länger als 12 Monate zurückliegt" in notes_de[0]
    assert "individual answers of wave 2024-H1 (ended 30 Jun 2024) were deleted on" in notes_en[0]
