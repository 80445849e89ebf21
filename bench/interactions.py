"""Interaction times: every page's first visit and the main interactions, as the server's time
for the script run (Streamlit's AppTest, no browser), after the caches were warmed as the
served app warms them (``pages/_shared.warm``: after a start and after every import).

``python -m bench.interactions`` measures the demo chain against 300 ms, and
``python -m bench.interactions --branches 10000 --waves 8 --respondents 1000000 --limit 1``
a chain of 10,000 branches against 1 s (issue 5's bar); ``make bench`` runs both. Each
interaction runs ``--runs`` times, each time on another branch or option where there is a
choice (so per-branch caches do not flatter it); the slowest run counts. Exit code 1 if any
interaction is slower than the limit. ``--results`` writes a section to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/interactions.py` and the pages' `from pages import`
    sys.path.insert(0, str(ROOT))

from bench.results import (  # noqa: E402
    RESULTS,
    machine,
    machine_lines,
    median,
    replace_section,
    seconds,
)


@dataclass(frozen=True)
class Timing:
    page: str
    action: str
    times: tuple[float, ...]

    @property
    def worst(self) -> float:
        return max(self.times)


def _interactions(branches: list[str], regions: list[str], waves: list[str]):
    """(page, [(action, change)]) where ``change(at, i)`` sets up the i-th run's widget change
    (None: the page's first visit)."""

    def pick(values: list[str], i: int) -> str:
        return values[i % len(values)]

    return [
        ("overview", "pages/overview.py", [
            ("measure: retention", lambda at, i: at.radio(key="loyalty_measure").set_value(
                "retention")),
            ("another wave", lambda at, i: at.selectbox(key="wave").set_value(pick(waves[:-1], i))),
        ]),
        ("branches", "pages/branches.py", [
            ("region filter", lambda at, i: at.multiselect(key="f_region").set_value(
                [pick(regions, i)])),
            ("search by name", lambda at, i: at.text_input(key="f_query").input(str(i + 1))),
            ("sort", lambda at, i: at.selectbox(key="f_sort").set_value(
                pick(list(at.selectbox(key="f_sort").options[1:]), i))),
        ]),
        ("branch", "pages/branch.py", [
            ("another branch", lambda at, i: at.selectbox(key="branch_select").set_value(
                pick(branches[1:], i))),
        ]),
        ("compare", "pages/compare.py", [
            ("three branches", lambda at, i: at.multiselect(key="compare_select").set_value(
                [pick(branches, 3 * i + k) for k in range(3)])),
        ]),
        ("drivers", "pages/drivers.py", []),
        ("what if", "pages/whatif.py", [
            ("raise by 0.5", lambda at, i: at.select_slider(key="whatif_delta").set_value(
                round(0.5 + 0.1 * (i % 6), 1))),
        ]),
        ("methods", "pages/methods.py", []),
        ("present", "pages/present.py", [
            ("next step", lambda at, i: at.button(key="present_next").click()),
        ]),
        ("data", "pages/data.py", []),
    ]  # fmt: skip


def measure(db: Path, runs: int = 3, lang: str = "en") -> tuple[list[Timing], float, str]:
    """Warm the caches, then time every interaction ``runs`` times; (timings, warm seconds,
    what the store holds)."""
    from streamlit.testing.v1 import AppTest

    from bench.run import app_environment
    from loyalty import analysis, config
    from loyalty.store import open_store

    with app_environment(db):
        from pages import _shared

        store = open_store(config.db_address())
        started = time.perf_counter()
        warmed = _shared.warm(config.db_address(), store.revision())
        warm_seconds = time.perf_counter() - started
        if warmed.failed:
            raise RuntimeError(f"warming failed: {warmed.first_error}")

        waves = analysis.waves(store)
        table = analysis.branch_table(store, analysis.default_wave(store))
        shown = table.filter(~table["suppressed"])["branch_id"].to_list()
        branches = shown[:: max(1, len(shown) // (4 * runs))][: 4 * runs]
        regions = sorted(table["region"].unique().to_list())
        responses = store.sql("SELECT count(*) AS n FROM active_responses")["n"][0]
        holds = f"{table.height:,} branches, {len(waves)} waves, {responses:,} survey responses"
        plan = _interactions(branches, regions, waves)
        found: dict[tuple[str, str], list[float]] = {}
        # the server has served before: one session, not timed, for Python's first-call costs
        AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
        for i in range(runs):
            # a new session's first page, then every page switched to within that session
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.query_params["lang"] = lang
            t0 = time.perf_counter()
            at.run()
            found.setdefault(("(new session)", "first page"), []).append(time.perf_counter() - t0)
            _check(at, "new session", "first page")
            for name, page, changes in plan:
                at.switch_page(page)
                if page == "pages/branch.py":
                    at.query_params["branch"] = branches[0]
                t0 = time.perf_counter()
                at.run()
                found.setdefault((name, "switch to"), []).append(time.perf_counter() - t0)
                _check(at, name, "switch to")
                for action, change in changes:
                    change(at, i)
                    t0 = time.perf_counter()
                    at.run()
                    found.setdefault((name, action), []).append(time.perf_counter() - t0)
                    _check(at, name, action)
    return [Timing(p, a, tuple(t)) for (p, a), t in found.items()], warm_seconds, holds


def _check(at, page: str, action: str) -> None:
    if at.exception:
        raise RuntimeError(f"{page} / {action}: {at.exception[0].value}")


def _demo_store(folder: Path, branches: int, waves: int, respondents: int | None) -> Path:
    from loyalty import demo
    from loyalty.store import Store

    db = folder / "interactions.duckdb"
    store = Store(db)
    params = demo.DemoParams(n_branches=branches, n_waves=waves, n_respondents=respondents)
    demo.seed_store(store, demo.generate(params))
    store.close()
    return db


def report(timings: list[Timing], limit: float, label: str, warm: float) -> str:
    lines = [
        f"{label}. Caches warmed first as the served app does after a start or an import: "
        f"{seconds(warm)}. Server time of the script run in AppTest (no browser); each "
        f"interaction {len(timings[0].times)} times, on another branch or option each time; "
        f"the slowest counts, against {seconds(limit)}.",
        "",
        "| page | interaction | median | slowest | within |",
        "|---|---|---:|---:|---|",
    ]
    for t in timings:
        ok = "yes" if t.worst <= limit else "**no**"
        lines.append(
            f"| {t.page} | {t.action} | {seconds(median(list(t.times)))} "
            f"| {seconds(t.worst)} | {ok} |"
        )
    worst = max(timings, key=lambda t: t.worst)
    lines += ["", f"Slowest: {worst.page} / {worst.action}, {seconds(worst.worst)}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None, run: Callable = measure) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", type=Path, help="a store to measure (a copy is not needed: read only)")
    p.add_argument("--branches", type=int, default=120, help="demo chain size (without --db)")
    p.add_argument("--waves", type=int, default=4, help="demo chain waves (without --db)")
    p.add_argument("--respondents", type=int, help="demo chain: responses over all waves")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--limit", type=float, default=0.3, help="seconds")
    p.add_argument("--results", action="store_true", help="write a section to RESULTS.md")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or _demo_store(Path(tmp), args.branches, args.waves, args.respondents)
        timings, warm, holds = run(db, args.runs)
    label = f"{'Store ' + args.db.name if args.db else 'Demo chain'}: {holds}"
    text = report(timings, args.limit, label, warm)
    print(text)
    if args.results:
        heading = f"Interactions ({holds.split(' branches')[0]} branches)"
        replace_section(RESULTS, heading, "\n".join([*machine_lines(machine()), "", text]))
    return 0 if all(t.worst <= args.limit for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
