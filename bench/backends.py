"""Import and analysis on PostgreSQL beside the embedded DuckDB file (issue 17).

The same demo chain is imported into each store (``loyalty demo``'s path: every file in one
transaction, then the action plans), and then analysed as the served app warms its caches
after a start or an import (:meth:`loyalty.dashboard.Dashboard.warm_plan`, in order, on a
fresh connection): the first screen (the newest wave's overview and branch table), the story
in both languages (with the effects of recorded actions), then the rest (the other loyalty
measure, older waves). Beside each phase: how much of it was spent waiting for the store's
queries, the part that depends on the backend.

``python -m bench.backends`` measures the demo chain; ``make bench`` also runs
``--branches 10000 --waves 8 --respondents 1000000``. PostgreSQL is Debian's, started in a
temporary folder (durable: fsync on) unless ``--postgresql ADDRESS`` names an empty database.
``--results`` writes a section to ``bench/RESULTS.md``. No targets: the exit code is 1 only
when a step fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/backends.py`
    sys.path.insert(0, str(ROOT))

from bench.results import RESULTS, machine, machine_lines, replace_section, seconds  # noqa: E402

PHASES = (
    ("import", "import (4 files and the action plans, one transaction each)"),
    ("first screen", "first screen: the newest wave's overview and branch table"),
    ("story", "story in both languages, with the effects of actions"),
    ("rest", "rest of the warm-up: the other measure, older waves"),
)


@dataclass
class Timing:
    """Seconds per phase, and of each the seconds spent in the store's queries."""

    backend: str
    total: dict[str, float] = field(default_factory=dict)
    queries: dict[str, float] = field(default_factory=dict)
    requests: int = 0

    @property
    def analysis(self) -> float:
        return sum(v for k, v in self.total.items() if k != "import")

    @property
    def analysis_queries(self) -> float:
        return sum(v for k, v in self.queries.items() if k != "import")


def _counting(store, spent: list[float]) -> None:
    """Add the time of each of ``store``'s read queries to ``spent[0]``."""
    sql = store.sql

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return sql(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    store.sql = timed


def measure(backend: str, address: str, data) -> Timing:
    """Import ``data`` into the empty store at ``address``, then run the warm-up plan."""
    from loyalty import demo, i18n
    from loyalty.dashboard import Dashboard
    from loyalty.store import connect

    found = Timing(backend)
    store = connect(address)
    started = time.perf_counter()
    demo.seed_store(store, data)  # writes, in transactions: all of it is the store's
    found.total["import"], found.queries["import"] = time.perf_counter() - started, float("nan")
    store.close()

    store = connect(address)  # a new connection: nothing of the import is cached
    spent = [0.0]
    _counting(store, spent)
    core = Dashboard(store)
    phase = "first screen"
    for request in core.warm_plan(i18n.LANGUAGES):
        if request.method == "story":
            phase = "story"
        elif phase == "story":
            phase = "rest"
        before, started = spent[0], time.perf_counter()
        getattr(core.view(request.scope), request.method)(*request.args)
        found.total[phase] = found.total.get(phase, 0.0) + time.perf_counter() - started
        found.queries[phase] = found.queries.get(phase, 0.0) + spent[0] - before
        found.requests += 1
    store.close()
    return found


def _postgresql() -> tuple[str, Callable[[], None]]:
    """A durable PostgreSQL in a folder of its own (its owner, postgres, must reach it)."""
    from loyalty import devdb

    folder = Path(tempfile.mkdtemp(prefix="loyalty-backends-pg-"))

    def stop() -> None:
        devdb.stop(folder, mode="immediate")
        shutil.rmtree(folder, ignore_errors=True)

    try:
        server = devdb.start(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return devdb.create_database(server, "bench"), stop


def report(timings: list[Timing], label: str, generate: float) -> str:
    names = {"duckdb": "DuckDB file", "postgresql": "PostgreSQL"}
    head = " | ".join(f"{names[t.backend]} (queries)" for t in timings)
    lines = [
        f"{label}. Demo data generated once for both stores in {seconds(generate)}. Each "
        "phase's total time, and in brackets the part spent waiting for the store's queries; "
        "the analysis runs the served app's warm-up plan in its order "
        f"({timings[0].requests} requests), single-threaded, on a fresh connection.",
        "",
        f"| step | {head} |",
        "|---|" + "---:|" * len(timings),
    ]

    def cell(total: float, queries: float) -> str:
        return f"{seconds(total)} ({seconds(queries)})"

    for key, text in PHASES:
        cells = " | ".join(cell(t.total.get(key, 0.0), t.queries.get(key, 0.0)) for t in timings)
        lines.append(f"| {text} | {cells} |")
    cells = " | ".join(f"**{cell(t.analysis, t.analysis_queries)}**" for t in timings)
    lines.append(f"| **analysis, all of the warm-up** | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--branches", type=int, default=120)
    p.add_argument("--waves", type=int, default=4)
    p.add_argument("--respondents", type=int, help="survey responses over all waves")
    p.add_argument("--postgresql", help="an empty PostgreSQL database to use (else one is started)")
    p.add_argument("--backends", default="duckdb,postgresql", help="comma-separated")
    p.add_argument("--results", action="store_true", help="write a section to RESULTS.md")
    args = p.parse_args(argv)
    from loyalty import demo
    from loyalty.store import close_all

    started = time.perf_counter()
    params = demo.DemoParams(
        n_branches=args.branches, n_waves=args.waves, n_respondents=args.respondents
    )
    data = demo.generate(params)
    generate = time.perf_counter() - started
    timings = []
    with tempfile.TemporaryDirectory(prefix="loyalty-backends-") as tmp:
        # untimed: a tiny chain first, so that neither store pays Python's first calls
        tiny = demo.generate(demo.DemoParams(n_branches=20, n_waves=2, n_respondents=600))
        measure("duckdb", str(Path(tmp) / "prime.duckdb"), tiny)
        close_all()
        for backend in args.backends.split(","):
            stop = lambda: None  # noqa: E731
            if backend == "duckdb":
                address = str(Path(tmp) / "bench.duckdb")
            elif args.postgresql:
                address = args.postgresql
            else:
                address, stop = _postgresql()
            try:
                timings.append(measure(backend, address, data))
            finally:
                close_all()
                stop()
    holds = (
        f"{data.branches.height:,} branches, {data.waves.height} waves, "
        f"{data.responses.height:,} survey responses"
    )
    text = report(timings, f"Demo chain: {holds}", generate)
    print(text)
    if args.results:
        heading = f"PostgreSQL beside DuckDB ({data.branches.height:,} branches)"
        replace_section(RESULTS, heading, "\n".join([*machine_lines(machine()), "", text]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
