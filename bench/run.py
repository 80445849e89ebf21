"""Benchmark at enterprise scale: Loyalty against the notebook way (pandas + statsmodels).

``make bench`` (or ``python -m bench.run``) generates the demo chain with 10,000 branches,
1,000,000 survey responses (12 items) over 8 waves and loyalty and finance for every branch and
wave, writes one wave's survey as the German CSV a survey tool exports, and measures, each as
the median of several runs:

(a) importing that CSV (read, validate, store) with ``loyalty.importing.run.run_import`` into a
    fresh store holding the branch list;
(b) the branch table of that wave (``analysis.branch_table``);
(c) the full analysis on it: aggregation checks (``quality.aggregation``), the three
    correlations, the chain model with 5,000 bootstrap resamples, drivers, the lag model on the
    all-waves table and expected vs actual;
(d) the server time of a drill-down rerun: the Branch page in ``streamlit.testing`` AppTest,
    warmed once, then rerun with another branch selected;
(e) peak memory.

The same steps the notebook way (``bench/notebook.py``, a competent notebook: its bootstraps
run every resample with numpy least squares in the loop) run in the same process on the same
data; both must give the same numbers (checked and printed). Targets (issue 13): import ≤ 5 s
and within 1.5× of parsing the file and appending its rows alone; the branch table within 1.5×
of one SQL aggregation of the same rows; full analysis ≤ 1 s; drill-down rerun ≤ 1 s; peak
memory ≤ 2 GB. The ratios to the notebook are reported, not targets: where ours is at the floor
of its method the floor says so. Results go to ``bench/RESULTS.md``; the exit code is 1 when a
target is missed or a check fails.

"1,000,000 survey responses" is the total over the 8 waves (``DemoParams.n_respondents`` is a
total): about 125,000 per wave, 12.5 per branch and wave (branches have about 20 staff), so
the imported CSV holds one wave, about 125,000 rows × 12 items.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from bench import notebook  # noqa: E402
from bench.results import (  # noqa: E402
    RESULTS,
    PeakRss,
    machine,
    machine_lines,
    median,
    replace_section,
    seconds,
    speed,
)
from loyalty import analysis, confidentiality, demo, model, quality  # noqa: E402
from loyalty.importing.instrument import parse_yaml  # noqa: E402
from loyalty.importing.read import read_file  # noqa: E402
from loyalty.importing.run import run_import  # noqa: E402
from loyalty.store import Store, open_store  # noqa: E402

TARGET_SECONDS = {"import": 5.0, "analysis": 1.0, "drilldown": 1.0}
TARGET_MEMORY_MB = 2048
#: Steps that must stay within this factor of the work they cannot skip (their floors).
TARGET_FLOOR_RATIO = {"import": 1.5, "table": 1.5}
STEPS = (
    ("import", "(a) import the survey CSV"),
    ("table", "(b) branch table, one wave"),
    ("analysis", "(c) full analysis"),
    ("drilldown", "(d) drill-down rerun"),
)
ANALYSIS_PARTS = ("aggregation", "correlations", "mediation", "drivers", "lags", "expected")
#: Work a step cannot do without, each timed alone: the floor its own time is set against.
FLOORS = {
    "parse": ("import", "`pandas.read_csv` of the file alone (the notebook's parse)"),
    "store": ("import", "storing the wave's responses and answers alone (one transaction)"),
    "sql": ("table", "the branch table's one DuckDB query over the wave's answers "
                     "(`analysis.engagement_query`: each respondent's dimension means, then "
                     "per branch n, mean and SD of the index and the dimension means) alone"),
    "page": ("drilldown", "a rerun of a page with the Branch page's widgets and charts, "
                          "computing nothing"),
}  # fmt: skip
#: Our import's phases: (its progress report at the start, the one at the end), as
#: :data:`loyalty.importing.run.PROGRESS_STEPS` names them.
IMPORT_PHASES = {
    "reading": ("reading", "validating"),
    "checks": ("validating", "storing"),
    "storing": ("storing", "done"),
}
#: The same import as the Data page makes it, one wait per click: the upload's preview reads
#: the file, "Check" checks that table (a dry run), "Import" stores what the check found.
PAGE_WAITS = ("preview", "check", "import")
#: The Branch page's elements without its numbers: a selector of every branch, four metric
#: columns, six charts with their download menus, some thirty lines of text.
SKELETON_PAGE = """
import streamlit as st
import plotly.graph_objects as go

ids = [f"B{{i:05d}}" for i in range({n})]
labels = {{b: f"{{b}} · Branch {{b}}" for b in ids}}
left, right = st.columns([2, 1])
branch = left.selectbox("Branch", ids, index=0, format_func=labels.__getitem__, key="branch")
right.selectbox("Wave", ["2025-H1", "2025-H2"], key="wave")
st.title(labels[branch])
for col in st.columns(4):
    col.metric("Measure", "3.50", delta="0.10")
    col.caption("95% CI 3.40–3.60, n = 12")
for line in range(24):
    st.markdown(f"A sentence about **{{branch}}**, line {{line}}.")
for chart in range(6):
    fig = go.Figure(
        [go.Bar(x=list("abcdefgh"), y=[chart] * 8), go.Bar(x=list("abcdefgh"), y=[1] * 8)],
        layout={{"height": 300, "title": {{"text": branch}}}},
    )
    st.plotly_chart(fig, key=f"chart{{chart}}", config={{"displayModeBar": False}})
    with st.popover("Download"):
        for fmt in ("png", "svg"):
            st.download_button(fmt, data=b"", file_name=f"c.{{fmt}}", key=f"d{{chart}}{{fmt}}")
"""
TOLERANCE = 1e-9


@dataclass
class Options:
    branches: int = 10_000
    respondents: int = 1_000_000  # total over all waves
    waves: int = 8
    first_year: int = 2022  # 8 waves: 2022-H1 … 2025-H2, all in the past
    seed: int = demo.DemoParams.seed
    runs: int = 5
    notebook_runs: int = 3
    boot: int = 5000  # mediation resamples, ours and the notebook's (every one run)
    results: Path | None = RESULTS
    workdir: Path | None = None
    quiet: bool = False


@dataclass
class Step:
    key: str
    label: str
    ours: list[float]
    notebook: list[float]
    target: float | None = None
    note: str = ""

    @property
    def ours_median(self) -> float:
        return median(self.ours)

    @property
    def notebook_median(self) -> float:
        return median(self.notebook)

    @property
    def ratio(self) -> float:
        return self.notebook_median / self.ours_median if self.ours_median > 0 else float("nan")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    options: Options
    machine: dict[str, str]
    data: dict[str, object] = field(default_factory=dict)
    setup: dict[str, float] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    parts: dict[str, tuple[float, float]] = field(default_factory=dict)  # ours, notebook
    memory: dict[str, float] = field(default_factory=dict)
    memory_method: str = ""
    checks: list[Check] = field(default_factory=list)
    floors: dict[str, list[float]] = field(default_factory=dict)  # FLOORS key: seconds
    # our import's phases per run (IMPORT_PHASES: seconds), from its progress reports
    import_phases: dict[str, list[float]] = field(default_factory=dict)
    # the same import as the Data page makes it (PAGE_WAITS: seconds per run)
    page_waits: dict[str, list[float]] = field(default_factory=dict)

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def floor(self, key: str) -> float:
        """The sum of the medians of step ``key``'s floors (NaN without one)."""
        found = [
            median(self.floors[k]) for k, (s, _) in FLOORS.items() if s == key and k in self.floors
        ]
        return sum(found) if found else float("nan")

    def floor_ratio(self, key: str) -> float:
        return self.step(key).ours_median / self.floor(key)

    def missed(self) -> list[str]:
        """Every target missed and every check failed, in words."""
        out = []
        for s in self.steps:
            if s.target is not None and not s.ours_median <= s.target:
                out.append(f"{s.label}: {seconds(s.ours_median)} > {seconds(s.target)}")
            limit = TARGET_FLOOR_RATIO.get(s.key)
            if limit is not None and not self.floor_ratio(s.key) <= limit:
                out.append(
                    f"{s.label}: {self.floor_ratio(s.key):.2f}× its floor "
                    f"({seconds(s.ours_median)} against {seconds(self.floor(s.key))}; "
                    f"target ≤ {limit}×)"
                )
        peak = self.memory.get("ours_peak_mb", float("nan"))
        if not peak <= TARGET_MEMORY_MB:
            out.append(f"peak memory: {peak:,.0f} MB > {TARGET_MEMORY_MB:,} MB")
        out += [f"check failed: {c.name} ({c.detail})" for c in self.checks if not c.ok]
        return out


# --- helpers ---------------------------------------------------------------------------------


def log(opts: Options, message: str) -> None:
    if not opts.quiet:
        print(message, flush=True)


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


@contextmanager
def app_environment(db: Path):
    """What the app needs to run under AppTest as under the server: LOYALTY_DB, a localhost
    server address, and one script cache for every run. The server compiles each page once
    (its Runtime keeps one ScriptCache); AppTest makes a new cache per run and would compile
    app.py and the page again each time, about 5 ms that no user waits for."""
    from streamlit import config as st_config
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    previous_db = os.environ.get("LOYALTY_DB")
    previous_address = st_config.get_option("server.address")
    previous_caches = app_test.ScriptCache, local_script_runner.ScriptCache
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    os.environ["LOYALTY_DB"] = str(db)
    st_config.set_option("server.address", "localhost")
    try:
        yield
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = previous_caches
        st_config.set_option("server.address", previous_address)
        if previous_db is None:
            os.environ.pop("LOYALTY_DB", None)
        else:
            os.environ["LOYALTY_DB"] = previous_db


def _close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    """Equal within ``tol`` relative to the size of the numbers (both NaN counts as equal)."""
    if np.isnan(a) and np.isnan(b):
        return True
    return bool(abs(a - b) <= tol * max(1.0, abs(a), abs(b)))


def _max_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    both_nan = np.isnan(a) & np.isnan(b)
    diff = np.where(both_nan, 0.0, np.abs(a - b))
    return float(np.nanmax(np.where(np.isnan(diff), np.inf, diff))) if diff.size else 0.0


# --- our steps -------------------------------------------------------------------------------


def our_analysis(
    store: Store, wave: str, table: pl.DataFrame, table_all: pl.DataFrame, n_boot: int
) -> tuple[dict, dict[str, float]]:
    parts: dict[str, float] = {}
    out: dict = {}
    for name, fn in (
        ("aggregation", lambda: quality.aggregation(store, wave)),
        ("correlations", lambda: analysis.chain_links(table)),
        ("mediation", lambda: model.chain_model(table, n_boot=n_boot)),
        ("drivers", lambda: model.drivers(table)),
        ("lags", lambda: model.lag_direction(table_all)),
        ("expected", lambda: model.expected_vs_actual(table)),
    ):
        with Timer() as t:
            out[name] = fn()
        parts[name] = t.seconds
    return out, parts


def our_drill_down(db: Path, branch_ids: list[str], names: dict[str, str]) -> list[float]:
    """Server time of Branch page reruns in AppTest: one warm run, then one rerun per further
    branch with that branch chosen in the page's selector."""
    from streamlit.testing.v1 import AppTest

    times = []
    with app_environment(db):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        at.switch_page("pages/branch.py")
        at.query_params["branch"] = branch_ids[0]
        at.query_params["lang"] = "en"
        at.run()  # warm: fills every cache the page uses
        _expect_branch(at, branch_ids[0], names)
        for branch_id in branch_ids[1:]:
            select = at.selectbox(key="branch_select")
            with Timer() as t:
                select.set_value(branch_id).run()
            _expect_branch(at, branch_id, names)
            times.append(t.seconds)
    return times


def page_import(
    template: Path, survey: Path, wave: str, instrument, db: Path
) -> list[tuple[str, float]]:
    """The Data page's three waits for ``survey`` (the calls its clicks make, no browser),
    into a fresh copy of ``template``: (PAGE_WAITS key, seconds)."""
    shutil.copy(template, db)
    store = Store(db)
    data = survey.read_bytes()
    try:
        with Timer() as preview:
            as_read = read_file(data, survey.name)
        with Timer() as check:
            checked = run_import(
                store, data, survey.name, "engagement", wave, actor="bench",
                instrument=instrument, dry_run=True, as_read=as_read,
            )  # fmt: skip
        with Timer() as stored:
            out = run_import(
                store, data, survey.name, "engagement", wave, actor="bench",
                instrument=instrument, checked=checked, as_read=as_read,
            )  # fmt: skip
        if not out.stored or checked.checked is None:
            raise RuntimeError(out.report.render_text("en"))
    finally:
        store.close()
        db.unlink()
    return [("preview", preview.seconds), ("check", check.seconds), ("import", stored.seconds)]


def floor_parse(survey: Path, runs: int) -> list[float]:
    """The notebook's parse of the survey file, alone."""
    import pandas as pd

    times = []
    for _ in range(runs):
        with Timer() as t:
            pd.read_csv(survey, sep=";", decimal=",", encoding="cp1252")
        times.append(t.seconds)
    return times


def floor_store(template: Path, rows: dict[str, pl.DataFrame], workdir: Path, runs: int):
    """Inserting rows an import stored (``rows``: table → its rows, read back from a store)
    into a fresh copy of ``template`` in one transaction, alone: no reading, no checks."""
    tables = {name: frame.to_arrow() for name, frame in rows.items()}
    times = []
    for i in range(runs):
        db = workdir / f"floor-store-{i}.duckdb"
        shutil.copy(template, db)
        con = duckdb.connect(str(db))
        try:
            with Timer() as t:
                con.begin()
                for name, table in tables.items():
                    con.register("new_rows", table)
                    con.execute(f"INSERT INTO {name} SELECT * FROM new_rows")
                    con.unregister("new_rows")
                con.commit()
            times.append(t.seconds)
        finally:
            con.close()
            db.unlink()
    return times


def floor_sql(store, wave: str, runs: int) -> list[float]:
    """The branch table's own query (:func:`loyalty.analysis.engagement_query`) on the store
    it reads, alone."""
    sql, params = analysis.engagement_query(wave, analysis.index_dimensions(store))
    con = store.cursor()
    times = []
    for _ in range(runs):
        with Timer() as t:
            con.execute(sql, params).fetchall()
        times.append(t.seconds)
    return times


def floor_page(workdir: Path, n_branches: int, runs: int) -> list[float]:
    """Reruns of :data:`SKELETON_PAGE` in AppTest, another branch chosen each time."""
    from streamlit.testing.v1 import AppTest

    script = workdir / "skeleton_page.py"
    script.write_text(SKELETON_PAGE.format(n=n_branches), encoding="utf-8")
    step = max(1, n_branches // (runs + 1))
    chosen = [f"B{i:05d}" for i in range(step, n_branches, step)][:runs]
    times = []
    with app_environment(workdir / "skeleton.duckdb"):
        at = AppTest.from_file(str(script), default_timeout=600)
        at.run()
        for branch in chosen:
            select = at.selectbox(key="branch")
            with Timer() as t:
                select.set_value(branch).run()
            if at.exception or at.title[0].value != f"{branch} · Branch {branch}":
                raise RuntimeError(f"the skeleton page did not show {branch}")
            times.append(t.seconds)
    return times


def _expect_branch(at, branch_id: str, names: dict[str, str]) -> None:
    if at.exception:
        raise RuntimeError(f"the Branch page raised: {at.exception[0].value}")
    title = at.title[0].value if len(at.title) else None
    if title != names[branch_id]:
        raise RuntimeError(f"the Branch page shows {title!r}, not {names[branch_id]!r}")


# --- the benchmark ---------------------------------------------------------------------------


def run_bench(opts: Options) -> Report:
    report = Report(opts, machine())
    memory = PeakRss()
    workdir = Path(opts.workdir or tempfile.mkdtemp(prefix="loyalty-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        _run(opts, report, memory, workdir)
    finally:
        if opts.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def _run(opts: Options, report: Report, memory: PeakRss, workdir: Path) -> None:
    minimum = confidentiality.minimum()
    params = demo.DemoParams(
        n_branches=opts.branches,
        n_respondents=opts.respondents,
        n_waves=opts.waves,
        first_year=opts.first_year,
        seed=opts.seed,
    )
    log(opts, f"generating {opts.branches:,} branches, {opts.respondents:,} responses, "
              f"{opts.waves} waves …")  # fmt: skip
    with Timer() as t:
        data = demo.generate(params)
    report.setup["generate"] = t.seconds
    wave = data.waves["wave"][-1]
    per_wave = data.responses.group_by("wave").len()
    wave_rows = int(per_wave.filter(pl.col("wave") == wave)["len"][0])
    counts = data.responses.filter(pl.col("wave") == wave).group_by("branch_id").len()
    shown_ids = counts.filter(pl.col("len") >= minimum)["branch_id"].sort().to_list()
    names = dict(zip(data.branches["branch_id"], data.branches["name"], strict=True))
    report.data = {
        "branches": data.branches.height,
        "waves": f"{data.waves['wave'][0]} … {wave} ({data.waves.height})",
        "responses": data.responses.height,
        "scores": data.scores.height,
        "responses_per_wave": f"{int(per_wave['len'].min()):,}–{int(per_wave['len'].max()):,}",
        "wave": wave,
        "wave_rows": wave_rows,
        "shown_branches": len(shown_ids),
    }

    with Timer() as t:
        samples = demo.write_samples(data, workdir / "samples", wave=wave)
    report.setup["write samples"] = t.seconds
    survey, instrument_path = samples[0], samples[3]
    report.data["csv_mb"] = survey.stat().st_size / 1024**2
    instrument = parse_yaml(instrument_path.read_text(encoding="utf-8"))

    chain_db = workdir / "chain.duckdb"
    with Timer() as t:
        store = Store(chain_db)
        demo.seed_store(store, data)
        store.close()
    report.setup["seed store (all waves)"] = t.seconds

    template = workdir / "branches.duckdb"
    store = Store(template)
    branch_csv = data.branches.write_csv(separator=";").encode()
    out = run_import(store, branch_csv, "filialen.csv", "branches", None, actor="bench")
    store.close()
    if not out.stored:
        raise RuntimeError(out.report.render_text("en"))

    step = max(1, len(shown_ids) // (opts.runs + 1))
    drill_ids = shown_ids[::step][: opts.runs + 1]
    if len(drill_ids) < 2:
        raise RuntimeError("too few branches with enough responses for the drill-down")
    del data, counts, per_wave
    gc.collect()
    report.memory["baseline_mb"] = memory.rss_mb() or float("nan")
    peaks: dict[str, float] = {}

    def peak(name: str, fn):
        memory.reset()
        value = fn()
        peaks[name] = max(peaks.get(name, 0.0), memory.peak_mb())
        return value

    # (a) ours: import into a fresh copy of the branch-list store
    ours: dict[str, list[float]] = {k: [] for k, _ in STEPS}
    stored_ours = None
    stored_rows: dict[str, pl.DataFrame] = {}
    for i in range(opts.runs):
        db = workdir / f"import-ours-{i}.duckdb"
        shutil.copy(template, db)
        store = Store(db)

        marks: dict[str, float] = {}

        def do_import(store=store, marks=marks):
            def progress(_fraction: float, step: str) -> None:
                marks.setdefault(step, time.perf_counter())

            with Timer() as t:
                out = run_import(
                    store,
                    survey,
                    None,
                    "engagement",
                    wave,
                    actor="bench",
                    instrument=instrument,
                    progress=progress,
                )
            return out, t.seconds

        out, took = peak("ours import", do_import)
        if not out.stored:
            raise RuntimeError(out.report.render_text("en"))
        ours["import"].append(took)
        for phase, (begin, end) in IMPORT_PHASES.items():
            report.import_phases.setdefault(phase, []).append(marks[end] - marks[begin])
        if stored_ours is None:
            stored_ours = _stored_scores(store, wave)
            stored_rows = {
                t: store.sql(f"SELECT * FROM {t}") for t in ("responses", "response_scores")
            }
        store.close()
        db.unlink()
    log(opts, f"(a) ours: import {seconds(median(ours['import']))}")
    for _ in range(opts.runs):
        for key, took in page_import(template, survey, wave, instrument, workdir / "page.duckdb"):
            report.page_waits.setdefault(key, []).append(took)

    # (b) ours: the branch table of the wave
    store = open_store(chain_db)
    table = None
    for _ in range(opts.runs):
        with Timer() as t:
            table = peak("ours table", lambda: analysis.branch_table(store, wave))
        ours["table"].append(t.seconds)
    table_all = analysis.branch_table(store, None)  # cached in the app, untimed on both sides
    log(opts, f"(b) ours: branch table {seconds(median(ours['table']))}")

    # (c) ours: the full analysis
    our_parts: dict[str, list[float]] = {k: [] for k in ANALYSIS_PARTS}
    results = None
    for _ in range(opts.runs):
        results, parts = peak(
            "ours analysis", lambda: our_analysis(store, wave, table, table_all, opts.boot)
        )
        ours["analysis"].append(sum(parts.values()))
        for k, v in parts.items():
            our_parts[k].append(v)
    log(opts, f"(c) ours: full analysis {seconds(median(ours['analysis']))}")

    # (d) ours: drill-down reruns in AppTest
    ours["drilldown"] = peak("ours drill-down", lambda: our_drill_down(chain_db, drill_ids, names))
    log(opts, f"(d) ours: drill-down rerun {seconds(median(ours['drilldown']))}")
    report.memory["ours_peak_mb"] = max(peaks.values())
    report.memory.update({f"{k} peak_mb": v for k, v in peaks.items()})

    # the notebook way, same process, same data
    theirs: dict[str, list[float]] = {k: [] for k, _ in STEPS}
    stored_theirs = None
    for i in range(opts.notebook_runs):
        db = workdir / f"import-notebook-{i}.duckdb"
        shutil.copy(template, db)
        con = duckdb.connect(str(db))

        def do_import(con=con):
            with Timer() as t:
                notebook.import_survey(con, survey, instrument_path, wave)
            return t.seconds

        theirs["import"].append(peak("notebook import", do_import))
        if stored_theirs is None:
            stored_theirs = _stored_scores_con(con, wave)
        con.close()
        db.unlink()
    log(opts, f"(a) notebook: import {seconds(median(theirs['import']))}")

    con = store.cursor()  # the analyst's duckdb.connect on the same database
    nb_table = None
    for _ in range(opts.notebook_runs):
        with Timer() as t:
            nb_table = peak("notebook table", lambda: notebook.branch_table(con, wave, minimum))
        theirs["table"].append(t.seconds)
    nb_all = notebook.branch_table(con, None, minimum)
    log(opts, f"(b) notebook: branch table {seconds(median(theirs['table']))}")

    nb_parts: dict[str, list[float]] = {k: [] for k in ANALYSIS_PARTS}
    nb = None
    for _ in range(opts.notebook_runs):
        nb = peak(
            "notebook analysis",
            lambda: notebook.full_analysis(con, wave, nb_table, nb_all, opts.boot, minimum),
        )
        theirs["analysis"].append(sum(nb.parts.values()))
        for k, v in nb.parts.items():
            nb_parts[k].append(v)
    log(opts, f"(c) notebook: full analysis {seconds(median(theirs['analysis']))} "
              f"({opts.boot:,} resamples run)")  # fmt: skip

    for branch_id in drill_ids[1:]:

        def cell(branch_id=branch_id):
            with Timer() as t:
                out = notebook.drill_down(con, nb_table, nb_all, nb, branch_id, wave)
            if out["name"] != names[branch_id]:
                raise RuntimeError(f"notebook drill-down for {branch_id} shows {out['name']}")
            return t.seconds

        theirs["drilldown"].append(peak("notebook drill-down", cell))
    log(opts, f"(d) notebook: drill-down {seconds(median(theirs['drilldown']))}")
    con.close()
    report.memory["notebook_peak_mb"] = max(v for k, v in peaks.items() if "notebook" in k)
    report.memory.update({f"{k} peak_mb": v for k, v in peaks.items() if "notebook" in k})
    report.memory["process_maxrss_mb"] = _maxrss_mb()
    report.memory_method = memory.method

    report.floors = {
        "parse": floor_parse(survey, opts.runs),
        "store": floor_store(template, stored_rows, workdir, opts.runs),
        "sql": floor_sql(open_store(chain_db), wave, opts.runs),
        "page": floor_page(workdir, report.data["branches"], opts.runs),
    }
    del stored_rows
    log(opts, "floors: " + ", ".join(f"{k} {seconds(median(v))}" for k, v in report.floors.items()))

    notes = {
        "import": f"{wave_rows:,} rows × 12 items, {report.data['csv_mb']:.1f} MB CSV",
        "table": f"{report.data['branches']:,} branches",
        "analysis": f"mediation: {opts.boot:,} resamples on both sides, every one run",
        "drilldown": "ours: AppTest rerun of the Branch page; notebook: the drill-down cell",
    }
    for key, label in STEPS:
        report.steps.append(
            Step(key, label, ours[key], theirs[key], TARGET_SECONDS.get(key), notes[key])
        )
    report.parts = {k: (median(our_parts[k]), median(nb_parts[k])) for k in ANALYSIS_PARTS}
    report.checks = _checks(stored_ours, stored_theirs, table, nb_table, results, nb)


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stored_scores(store: Store, wave: str) -> dict[str, int]:
    return _stored_scores_con(store.cursor(), wave)


def _stored_scores_con(con, wave: str) -> dict[str, int]:
    rows = con.execute(
        "SELECT s.item_id, count(*), sum(s.score)::BIGINT FROM active_scores s "
        "JOIN active_responses r USING (response_id) WHERE r.wave = ? GROUP BY ALL ORDER BY 1",
        [wave],
    ).fetchall()
    return {item: (n, total) for item, n, total in rows}


def _checks(stored_ours, stored_theirs, table, nb_table, ours, nb) -> list[Check]:
    checks = []
    same = stored_ours == stored_theirs and bool(stored_ours)
    n = sum(v[0] for v in stored_ours.values()) if stored_ours else 0
    checks.append(Check("import: the same answers stored", same, f"{n:,} scores, sums per item"))

    ids = table["branch_id"].to_list()
    nbt = nb_table.set_index("branch_id").loc[ids]
    d_eng = _max_diff(table["engagement"].to_numpy(), nbt["engagement"].to_numpy())
    d_n = _max_diff(table["n_respondents"].to_numpy(), nbt["n_respondents"].to_numpy())
    hidden = table["suppressed"].to_list() == nbt["suppressed"].to_list()
    checks.append(
        Check(
            "branch table: engagement means, n and suppression",
            d_eng <= TOLERANCE and d_n == 0 and hidden,
            f"max |Δ engagement| {d_eng:.1e}, {int((~table['suppressed']).sum()):,} shown",
        )
    )
    d_other = max(
        _max_diff(table[c].to_numpy(), nbt[c].to_numpy())
        for c in ("nps", "retention", "ros", "dim_customer_focus", "engagement_low")
    )
    checks.append(
        Check(
            "branch table: NPS, retention, return, dimensions, intervals",
            d_other <= TOLERANCE,
            f"max |Δ| {d_other:.1e}",
        )
    )

    agg = ours["aggregation"]
    pairs = [("ICC(1)", agg.icc.icc1, nb.icc1), ("ICC(2)", agg.icc.icc2, nb.icc2)]
    d_icc = max(abs(a - b) for _, a, b in pairs)
    d_rwg = abs(agg.rwg_median - nb.rwg_median)
    checks.append(
        Check(
            "aggregation: ICC(1), ICC(2), median r_wg(j)",
            d_icc <= TOLERANCE and d_rwg <= TOLERANCE,
            f"max |Δ| {max(d_icc, d_rwg):.1e}",
        )
    )
    d_reml = abs(agg.icc_mixed.icc1 - nb.icc_reml)
    checks.append(
        Check(
            "aggregation: REML ICC against statsmodels MixedLM",
            d_reml <= 1e-4,
            f"|Δ| {d_reml:.1e} (optimiser tolerance: 1e-4)",
        )
    )
    d_r = max(
        abs(link.result.r - nb.correlations[(link.x, link.y)][0]) for link in ours["correlations"]
    )
    checks.append(Check("correlations: r of the three links", d_r <= TOLERANCE, f"{d_r:.1e}"))
    res = ours["mediation"].result
    paths = [(res.a, nb.a), (res.b, nb.b), (res.c_prime, nb.c_prime), (res.c, nb.c)]
    ok = all(_close(a, b) for a, b in paths)
    checks.append(
        Check(
            "mediation: point estimates a, b, c', c",
            ok,
            f"a {res.a:.4f}, b {res.b:.4f}, c' {res.c_prime:.4f}, c {res.c:.4f}; "
            f"indirect CI ours [{res.indirect_ci[0]:.3f}; {res.indirect_ci[1]:.3f}] "
            f"({res.n_boot:,} resamples), notebook [{nb.indirect_ci[0]:.3f}; "
            f"{nb.indirect_ci[1]:.3f}] ({nb.boot_measured:,})",
        )
    )
    w_ours = dict(zip(ours["drivers"]["predictor"], ours["drivers"]["raw_weight"], strict=True))
    w_nb = dict(zip(nb.weights["predictor"], nb.weights["raw_weight"], strict=True))
    d_w = max(abs(w_ours[k] - w_nb[k]) for k in w_ours)
    checks.append(Check("drivers: relative weights", d_w <= TOLERANCE, f"max |Δ| {d_w:.1e}"))
    lags = ours["lags"]
    ok = _close(lags.x_to_y.coef, nb.lag_forward) and _close(lags.y_to_x.coef, nb.lag_backward)
    checks.append(
        Check(
            "lags: cross-lagged coefficients (within branches)",
            ok,
            f"engagement → NPS {lags.x_to_y.coef:.3f}, NPS → engagement {lags.y_to_x.coef:.3g}",
        )
    )
    eva = ours["expected"]
    nbe = nb.expected.set_index("branch_id").loc[eva["branch_id"].to_list()]
    d_e = max(
        _max_diff(eva[c].to_numpy(), nbe[c].to_numpy())
        for c in ("loyalty_residual", "ros_residual", "loyalty_high_95", "ros_low_95")
    )
    checks.append(
        Check("expected vs actual: residuals and limits", d_e <= TOLERANCE, f"max |Δ| {d_e:.1e}")
    )
    return checks


# --- output ----------------------------------------------------------------------------------


def _target(s: Step) -> str:
    parts = [f"≤ {seconds(s.target)}"] if s.target is not None else []
    if s.key in TARGET_FLOOR_RATIO:
        parts.append(f"≤ {TARGET_FLOOR_RATIO[s.key]}× floor")
    return ", ".join(parts) or "–"


def floor_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(step, ours, work timed alone, its median) per floor; then per step the sum of its
    floors and ours as a multiple of it."""
    rows = []
    for key, label in STEPS:
        floors = [
            (what, median(report.floors[k]))
            for k, (step, what) in FLOORS.items()
            if step == key and k in report.floors
        ]
        if not floors:
            continue
        ours = seconds(report.step(key).ours_median)
        for what, took in floors:
            rows.append((label, ours, what, seconds(took)))
        limit = TARGET_FLOOR_RATIO.get(key)
        ratio = report.floor_ratio(key)
        verdict = f"ours {ratio:.2f}× this" + (
            f" (target ≤ {limit}×: {'met' if ratio <= limit else 'missed'})" if limit else ""
        )
        rows.append((label, ours, f"together; {verdict}", seconds(report.floor(key))))
    return rows


def import_phases_line(report: Report) -> str:
    """Where our import's time goes (medians of its phases), beside the floor's two parts."""
    took = {k: seconds(median(v)) for k, v in report.import_phases.items()}
    parse, store = (seconds(median(report.floors[k])) for k in ("parse", "store"))
    return (
        f"Where (a)'s time goes (ours, medians of its progress reports): reading the file "
        f"{took['reading']} (decoding, layout, the cut-off check; the floor's parse: {parse}), "
        f"the checks {took['checks']} (mapping, identifying columns, every rule, the notes), "
        f"storing and committing {took['storing']} (questionnaire, wave, version and the rows; "
        f"the floor's storing: {store})."
    )


def page_waits_line(report: Report) -> str:
    """The same import as the Data page's user waits for it: three clicks, beside the floor."""
    took = {k: median(v) for k, v in report.page_waits.items()}
    store = median(report.floors["store"])
    return (
        f"On the Data page the same file is three waits (the calls its clicks make, no "
        f"browser; medians): the upload's preview reads it ({seconds(took['preview'])}), "
        f"“Check” checks the table read for the preview ({seconds(took['check'])}), "
        f"“Import” stores what the check found ({seconds(took['import'])}, "
        f"{took['import'] / store:.2f}× the floor's storing alone, {seconds(store)}); "
        f"together {seconds(sum(took.values()))}, {sum(took.values()) / report.floor('import'):.2f}"
        f"× the floor. The browser's part of these waits: `bench/RESULTS.md`, section "
        f"“What the seventh session of 2026-12-05 changed”."
    )


def step_status(s: Step, report: Report) -> str:
    """'ok', or which of the step's targets it missed."""
    missed = []
    if s.target is not None and not s.ours_median <= s.target:
        missed.append(f"> {seconds(s.target)}")
    limit = TARGET_FLOOR_RATIO.get(s.key)
    if limit is not None and not report.floor_ratio(s.key) <= limit:
        missed.append(f"{report.floor_ratio(s.key):.2f}× floor")
    return "ok" if not missed else "MISSED (" + ", ".join(missed) + ")"


def format_report(report: Report) -> str:
    o = report.options
    lines = [
        f"Data: {report.data['branches']:,} branches, {report.data['responses']:,} responses "
        f"({report.data['responses_per_wave']} per wave), waves {report.data['waves']}; "
        f"imported wave {report.data['wave']}: {report.data['wave_rows']:,} rows",
        f"Runs: ours median of {o.runs}, notebook median of {o.notebook_runs} "
        f"(drill-down: {len(report.step('drilldown').ours)} reruns each)",
        "",
        f"{'step':<30} {'ours':>10} {'notebook':>11}  {'ratio':<16} {'target':<14} status",
    ]
    for s in report.steps:
        lines.append(
            f"{s.label:<30} {seconds(s.ours_median):>10} {seconds(s.notebook_median):>11}  "
            f"{speed(s.ours_median, s.notebook_median):<16} {_target(s):<14} "
            f"{step_status(s, report)}"
        )
    m = report.memory
    lines.append(
        f"{'(e) peak memory':<30} {m['ours_peak_mb']:>7,.0f} MB {m['notebook_peak_mb']:>8,.0f} MB"
        f"  {'':<16} {f'≤ {TARGET_MEMORY_MB:,} MB':<14} "
        f"{'ok' if m['ours_peak_mb'] <= TARGET_MEMORY_MB else 'MISSED'}"
    )
    lines.append("")
    lines.append("(c) in parts:")
    for name, (a, b) in report.parts.items():
        lines.append(f"  {name:<28} {seconds(a):>10} {seconds(b):>11}  {speed(a, b)}")
    lines.append(f"  mediation bootstrap: {o.boot:,} resamples on both sides, every one run")
    lines.append("")
    lines.append(f"Memory: {report.memory_method}; baseline RSS {m['baseline_mb']:,.0f} MB "
                 f"before our steps; whole process ru_maxrss {m['process_maxrss_mb']:,.0f} MB "
                 "(includes generating the data)")  # fmt: skip
    lines.append("")
    lines.append("Same numbers both ways:")
    for c in report.checks:
        lines.append(f"  [{'ok' if c.ok else 'FAILED'}] {c.name}: {c.detail}")
    lines.append("")
    lines.append("Floors (work each step cannot skip, timed alone):")
    for label, allowed, what, took in floor_rows(report):
        lines.append(f"  {label:<28} {allowed:>10}  {took:>10}  {what}")
    lines.append("")
    lines.append(import_phases_line(report))
    lines.append(page_waits_line(report))
    missed = report.missed()
    lines.append("")
    lines.append("All targets met." if not missed else "Missed:\n  - " + "\n  - ".join(missed))
    return "\n".join(lines)


def results_markdown(report: Report) -> str:
    o, m = report.options, report.memory
    rows = [
        "| step | ours | notebook way | ratio | target | status |",
        "|---|---:|---:|---|---|---|",
    ]
    for s in report.steps:
        status = step_status(s, report).replace("MISSED", "**missed**")
        rows.append(
            f"| {s.label} | {seconds(s.ours_median)} | {seconds(s.notebook_median)} | "
            f"{speed(s.ours_median, s.notebook_median)} | {_target(s)} | {status} |"
        )
    memory_ok = m["ours_peak_mb"] <= TARGET_MEMORY_MB
    rows.append(
        f"| (e) peak memory | {m['ours_peak_mb']:,.0f} MB | {m['notebook_peak_mb']:,.0f} MB | | "
        f"≤ {TARGET_MEMORY_MB:,} MB | {'ok' if memory_ok else '**missed**'} |"
    )
    parts = ["| part of (c) | ours | notebook way | ratio |", "|---|---:|---:|---|"]
    for name, (a, b) in report.parts.items():
        parts.append(f"| {name} | {seconds(a)} | {seconds(b)} | {speed(a, b)} |")
    setup = ", ".join(f"{k} {seconds(v)}" for k, v in report.setup.items())
    missed = report.missed()
    d = report.data
    return "\n".join(
        [
            "Machine:",
            "",
            *machine_lines(report.machine),
            "",
            f"Data (`python -m bench.run --branches {o.branches} --respondents {o.respondents} "
            f"--waves {o.waves}`): {d['branches']:,} branches, {d['responses']:,} survey "
            f"responses × 12 items ({d['scores']:,} answers) over waves {d['waves']}, "
            f"{d['responses_per_wave']} per wave (`--respondents` is the total over the waves); "
            f"loyalty and finance for every branch and wave. The imported CSV is wave "
            f"{d['wave']}: {d['wave_rows']:,} rows, {d['csv_mb']:.1f} MB (German export: `;`, "
            f"decimal comma, cp1252). {d['shown_branches']:,} branches have at least the "
            f"minimum of responses in that wave. Setup (not timed): {setup}.",
            "",
            f"Medians: ours over {o.runs} runs, the notebook way over {o.notebook_runs} runs "
            f"(drill-down: {len(report.step('drilldown').ours)} reruns, each another branch).",
            "",
            *rows,
            "",
            *parts,
            "",
            "How it is measured:",
            "",
            "- (a) `run_import` (read, detect, map, validate, store in one transaction) into a "
            "fresh copy of a store holding only the branch list, the questionnaire given as "
            "`instrument.yaml`; notebook: `pandas.read_csv(sep=';', decimal=',', "
            "encoding='cp1252')`, checks per column and `apply` on the wave labels, `melt`, "
            "inserts into the same DuckDB schema.",
            "- (b) `analysis.branch_table(store, wave)`; notebook: the answers read from DuckDB "
            "into pandas, `groupby().apply` per branch, merges, the same intervals and "
            "suppression.",
            "- (c) on (b)'s table and the all-waves table (built once beforehand on both sides, "
            "as the app caches it): `quality.aggregation`, `analysis.chain_links`, "
            f"`model.chain_model` ({o.boot:,} resamples), `model.drivers` (2,000), "
            "`model.lag_direction`, `model.expected_vs_actual`. Notebook: ANOVA ICCs with "
            "groupby, REML ICC with statsmodels `MixedLM`, r_wg(j) by `groupby().apply`, "
            "`scipy.stats.pearsonr`, mediation with statsmodels OLS and a competent bootstrap — "
            f"**all {o.boot:,} resamples run**, each two numpy least-squares fits on indexed "
            "arrays, nothing extrapolated — relative weights with the same kind of loop "
            "(2,000), lags "
            "with formula OLS and cluster-robust errors, expected vs actual with "
            "`get_prediction`.",
            "- (d) ours: the Branch page in `streamlit.testing.v1.AppTest` (`app.py`, "
            "`switch_page('pages/branch.py')`, `?branch=…&lang=en`), run once to warm the "
            "caches, then timed reruns with another branch chosen in the selector (script run "
            "including charts, no browser). Notebook: rerunning the drill-down cell for "
            "another branch, with earlier cells' tables and fitted variance components in "
            "memory, charts built with plotly express and serialised.",
            f"- (e) {report.memory_method}; ours = the largest peak over (a)–(d), notebook "
            f"likewise; baseline RSS before our steps {m['baseline_mb']:,.0f} MB (Python, "
            f"libraries, DuckDB's buffer); whole process ru_maxrss "
            f"{m['process_maxrss_mb']:,.0f} MB including generating the data.",
            "",
            "Same numbers both ways:",
            "",
            *(f"- {'ok' if c.ok else '**FAILED**'} — {c.name}: {c.detail}" for c in report.checks),
            "",
            "Floors: work the step cannot skip, timed alone (medians of "
            f"{o.runs} runs); (a) and (b) must stay within "
            f"{TARGET_FLOOR_RATIO['import']}× of theirs. The skeleton page is "
            f"`bench.run.SKELETON_PAGE` with {d['branches']:,} branches in its selector, run "
            "like (d); the user's wait for another branch is measured in the browser "
            "(`bench/browser.py`).",
            "",
            "| step | ours | work timed alone | time |",
            "|---|---:|---|---:|",
            *(
                f"| {label} | {allowed} | {what} | {took} |"
                for label, allowed, what, took in floor_rows(report)
            ),
            "",
            import_phases_line(report),
            "",
            page_waits_line(report),
            "",
            "All targets met."
            if not missed
            else "Missed:\n\n" + "\n".join(f"- {item}" for item in missed),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    defaults = Options()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--branches", type=int, default=defaults.branches)
    p.add_argument(
        "--respondents",
        type=int,
        default=defaults.respondents,
        help="survey responses in total over all waves (default %(default)s)",
    )
    p.add_argument("--waves", type=int, default=defaults.waves)
    p.add_argument("--first-year", type=int, default=defaults.first_year)
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--runs", type=int, default=defaults.runs, help="runs of our steps")
    p.add_argument(
        "--notebook-runs", type=int, default=defaults.notebook_runs, help="runs the notebook way"
    )
    p.add_argument(
        "--boot", type=int, default=defaults.boot, help="mediation resamples, both sides"
    )
    p.add_argument("--results", type=Path, default=defaults.results, help="RESULTS.md to write")
    p.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    p.add_argument("--workdir", type=Path, help="keep the generated files here")
    args = p.parse_args(argv)
    opts = Options(
        **{
            f.name: getattr(args, f.name)
            for f in fields(Options)
            if f.name not in ("results", "quiet") and hasattr(args, f.name)
        },
        results=None if args.no_results else args.results,
    )
    if opts.runs < 1 or opts.notebook_runs < 1 or opts.boot < 1:
        p.error("--runs, --notebook-runs and --boot must be at least 1")
    report = run_bench(opts)
    print()
    print(format_report(report))
    if opts.results:
        replace_section(opts.results, "Benchmark (bench/run.py)", results_markdown(report))
        print(f"\nwritten: {opts.results}")
    return 1 if report.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
