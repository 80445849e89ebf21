"""bench/browser.py at a tiny size: the machinery runs end to end (server, recording, floor
app, Chromium) and reports every measure beside its floor. Times are not asserted here
(``make bench`` does that)."""

from __future__ import annotations

import pytest

from bench import browser


@pytest.mark.bench
def test_browser_bench_measures_a_page_and_its_floor(chromium_path, tmp_path):
    opts = browser.Options(
        branches=30,
        waves=2,
        runs=1,
        visits=2,
        pages=("branch", "whatif"),
        chromium=chromium_path,
        timeout=180,
    )
    report = browser.run_bench(opts)
    assert report.real.errors == [] and report.floor.errors == []
    rows = browser.rows(report)
    assert [(r.page, r.measure) for r in rows] == [
        ("Branch", "first paint"),
        ("Branch", "switch"),
        ("Branch", "interaction"),
        ("What if", "first paint"),
        ("What if", "switch"),
        ("What if", "interaction"),
    ]
    for row in rows:
        assert len(row.real) == 1 and len(row.floor) == 1
        real, floor = row.real[0], row.floor[0]
        assert real.total > 0 and floor.total > 0
        assert real.received > 0 and floor.received > 0  # both got the page over the websocket
    # the what-if slider sits in an st.fragment: its floor replays the fragment's own run
    assert report.fragments == {"whatif"}
    first = rows[0]
    assert first.real[0].boot is not None and first.floor[0].boot is not None
    # the floor drew what the real page sent: the same elements, so about the same bytes
    assert 0.5 < first.floor[0].received / first.real[0].received < 2
    text = browser.describe(report)
    assert "| Branch | interaction (another branch) |" in text
    assert "Load average" in text and "Errors: **0**" in text
    assert report.warm_seconds is not None
    assert report.warm_again is not None  # a second server on the same store warmed too
    assert report.warm_import is not None  # and a third after the newest wave's imports
    # each page's first visit during the warm-up: on a new store, without the warm-up, and
    # after the import (each server with a copy of the results kept until then)
    # (two visits per page during the warm-up, one without it)
    for timings, measure, visits in (
        (report.during, "during warm-up", 2),
        (report.cold, "without warm-up", 1),
        (report.during_import, "during warm-up", 2),
    ):
        assert timings.errors == []
        assert sorted(timings.samples) == [("branch", measure), ("whatif", measure)]
        for samples in timings.samples.values():
            assert len(samples) == visits
            assert all(x.total > 0 and x.received > 0 for x in samples)
    assert "During the warm-up after an import" in text
    assert report.kept_files > 0  # the servers after the import started with kept results
