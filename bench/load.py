"""Load test: concurrent real browser sessions against one Loyalty server on localhost.

``make load`` (or ``python -m bench.load``) starts ``serve.py`` as ``tests/e2e/conftest.py``
does (a free localhost port, polled on ``/_stcore/health``) on a copy of a store — the demo chain
by default, ``--db`` for your own — and drives ``--sessions`` (25) browser sessions at once for
``--seconds`` (60): one Debian Chromium, one context per session, asyncio for concurrency.
Each session, in a loop: opens the overview (first render), switches to the Branches page in
the sidebar, changes the region filter, opens a branch by deep link (first render), chooses
another branch in the Branch page's selector, and switches to the Drivers page (reruns).

Measured: p50/p95 of first renders (navigation until the expected content is there and
Streamlit's status widget is gone) and of reruns (action until the same), errors (exceptions,
timeouts and any element with ``data-testid="stException"``; must be 0), and the server's
memory (RSS from ``/proc/PID/status``) before and after, with its peak. The results are
appended to ``bench/RESULTS.md`` as their own section; the exit code is 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/load.py` as well as `python -m bench.load`
    sys.path.insert(0, str(ROOT))

from bench import protocol  # noqa: E402
from bench.results import (  # noqa: E402
    RESULTS,
    PeakRss,
    cpu_line,
    machine,
    machine_cpu,
    machine_lines,
    percentile,
    process_cpu,
    replace_section,
    sample_rss,
    seconds,
)
from bench.served import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

IDLE = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
EXCEPTION = '[data-testid="stException"]'


@dataclass
class Options:
    sessions: int = 25
    seconds: float = 60.0
    db: Path | None = None
    branches: int = 120  # the demo chain when no --db is given
    respondents: int | None = None
    waves: int = 4
    timeout: float = 120.0  # per action
    ramp: float = 5.0  # sessions start spread over this many seconds
    warm: bool = True
    chromium: str = CHROMIUM
    results: Path | None = RESULTS
    seed: int = 0


@dataclass
class Chain:
    """What the sessions need to know about the data to recognise the right page."""

    ids: list[str]
    names: dict[str, str]
    regions: dict[str, int]  # branches per region
    total: int


@dataclass
class Stats:
    first_render: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    rerun: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    loops: int = 0


# --- the server ------------------------------------------------------------------------------


def prepare_db(opts: Options, folder: Path, samples: Path | None = None) -> Path:
    """A store of our own for the server (DuckDB lets one process hold a file). ``samples``:
    also write the newest wave's files there as users bring them (survey, loyalty, finance;
    :func:`loyalty.demo.write_samples`), when the store is a demo chain made here."""
    db = folder / "load.duckdb"
    if opts.db:
        shutil.copy(opts.db, db)
        return db
    from loyalty import demo
    from loyalty.store import Store

    params = demo.DemoParams(
        n_branches=opts.branches, n_waves=opts.waves, n_respondents=opts.respondents
    )
    data = demo.generate(params)
    store = Store(db)
    demo.seed_store(store, data)
    store.close()
    if samples is not None:
        demo.write_samples(data, samples)
    return db


def read_chain(db: Path) -> Chain:
    from loyalty.store import Store

    store = Store(db)
    try:
        frame = store.sql("SELECT branch_id, name, region FROM branches ORDER BY branch_id")
    finally:
        store.close()
    regions: dict[str, int] = defaultdict(int)
    for region in frame["region"]:
        regions[region] += 1
    return Chain(
        frame["branch_id"].to_list(),
        dict(zip(frame["branch_id"], frame["name"], strict=True)),
        dict(regions),
        frame.height,
    )


# --- one browser session ---------------------------------------------------------------------


async def _idle_with(page, condition: str, timeout: float) -> None:
    """Wait until ``condition`` (JS expression) holds and no script run is under way."""
    await page.wait_for_function(f"() => ({condition}) && {IDLE}", timeout=timeout * 1000)


def _js(text: str) -> str:
    return repr(text).replace("\n", " ")


async def _check(page, what: str) -> None:
    if await page.locator(EXCEPTION).count():
        detail = (await page.locator(EXCEPTION).first.inner_text())[:200]
        raise RuntimeError(f"{what}: the page shows an exception: {detail}")


async def session(
    number: int,
    browser,
    url: str,
    chain: Chain,
    opts: Options,
    deadline: float,
    stats: Stats,
    max_loops: int | None = None,
) -> None:
    rng = random.Random(opts.seed * 1000 + number)
    await asyncio.sleep(opts.ramp * number / max(1, opts.sessions))
    context = await browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(opts.timeout * 1000)
    timeout = opts.timeout

    async def first_render(kind: str, path: str, condition: str) -> None:
        start = time.perf_counter()
        await page.goto(f"{url}{path}")
        await _idle_with(page, condition, timeout)
        stats.first_render[kind].append(time.perf_counter() - start)
        await _check(page, kind)

    async def rerun(kind: str, action, condition: str) -> None:
        start = time.perf_counter()
        await action()
        await _idle_with(page, condition, timeout)
        stats.rerun[kind].append(time.perf_counter() - start)
        await _check(page, kind)

    def h1_is(text: str) -> str:
        return f"document.querySelector('h1') && document.querySelector('h1').innerText.trim() === {_js(text)}"  # noqa: E501

    def nav(name: str):
        return page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name=name, exact=True
        )

    async def choose_region(region: str) -> None:
        await page.get_by_role("combobox", name="Region").click()
        await page.get_by_role("option", name=region, exact=True).click()
        await page.keyboard.press("Escape")

    async def choose_branch(branch_id: str) -> None:
        box = page.get_by_role("combobox", name="Find a branch")
        await box.click()
        await box.fill(branch_id)
        await page.get_by_role("option", name=f"{branch_id} · {chain.names[branch_id]}").click()

    steps = [
        (
            "overview",
            lambda: first_render(
                "overview",
                "/?lang=en",
                "document.querySelectorAll('.js-plotly-plot').length >= 3",
            ),
        ),
        (
            "switch page",
            lambda: rerun("switch page", nav("Branches").click, h1_is("Branches compared")),
        ),
    ]
    try:
        while time.monotonic() < deadline and (max_loops is None or stats.loops < max_loops):
            region = rng.choice(sorted(chain.regions))
            first, second = rng.sample(chain.ids, 2)
            plan = [
                *steps,
                (
                    "filter",
                    lambda region=region: rerun(
                        "filter",
                        lambda: choose_region(region),
                        f"/(^|[^0-9]){chain.regions[region]} of {chain.total} branches/"
                        ".test(document.body.innerText)",
                    ),
                ),
                (
                    "branch",
                    lambda first=first: first_render(
                        "branch", f"/branch?branch={first}&lang=en", h1_is(chain.names[first])
                    ),
                ),
                (
                    "choose branch",
                    lambda second=second: rerun(
                        "choose branch", lambda: choose_branch(second), h1_is(chain.names[second])
                    ),
                ),
                (
                    "switch page",
                    lambda: rerun("switch page", nav("Drivers").click, h1_is("Drivers of loyalty")),
                ),
            ]
            for name, step in plan:
                if time.monotonic() >= deadline:
                    break
                try:
                    await step()
                except Exception as exc:  # counted, then the loop starts over
                    stats.errors.append(f"session {number}, {name}: {type(exc).__name__}: {exc}")
                    break
            else:
                stats.loops += 1
    finally:
        await context.close()


async def drive(url: str, chain: Chain, opts: Options) -> Stats:
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=opts.chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            if opts.warm:  # one visit first, so the numbers describe a running server
                warm = Stats()
                one = Options(**{**opts.__dict__, "sessions": 1, "ramp": 0})
                forever = time.monotonic() + 3600
                await session(0, browser, url, chain, one, forever, warm, max_loops=1)
                stats.errors += [f"warm-up: {e}" for e in warm.errors]
            deadline = time.monotonic() + opts.ramp + opts.seconds
            await asyncio.gather(
                *(
                    session(i, browser, url, chain, opts, deadline, stats)
                    for i in range(opts.sessions)
                )
            )
        finally:
            await browser.close()
    return stats


async def drive_and_sample(url: str, chain: Chain, opts: Options, memory: PeakRss):
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(memory, samples, stop))
    try:
        stats = await drive(url, chain, opts)
    finally:
        stop.set()
        await sampler
    return stats, samples


# --- report ----------------------------------------------------------------------------------


def _row(kind: str, values: list[float]) -> str:
    return (
        f"| {kind} | {len(values)} | {seconds(percentile(values, 50))} | "
        f"{seconds(percentile(values, 95))} | {seconds(max(values) if values else float('nan'))} |"
    )


def summary(stats: Stats) -> dict[str, list[float]]:
    return {
        "first render": [v for vs in stats.first_render.values() for v in vs],
        "rerun": [v for vs in stats.rerun.values() for v in vs],
    }


def format_text(stats: Stats, memory: dict[str, float], opts: Options, elapsed: float) -> str:
    lines = [
        f"{opts.sessions} sessions for {opts.seconds:.0f} s ({elapsed:.0f} s with ramp-up and "
        f"the last actions), {stats.loops} complete loops",
        f"{'':<22} {'n':>5} {'p50':>9} {'p95':>9} {'max':>9}",
    ]
    groups = [
        *summary(stats).items(),
        *((f"  {k}", v) for k, v in sorted(stats.first_render.items())),
        *((f"  {k}", v) for k, v in sorted(stats.rerun.items())),
    ]
    for kind, values in groups:
        lines.append(
            f"{kind:<22} {len(values):>5} {seconds(percentile(values, 50)):>9} "
            f"{seconds(percentile(values, 95)):>9} "
            f"{seconds(max(values) if values else float('nan')):>9}"
        )
    lines.append(
        f"server RSS: before {memory['before']:,.0f} MB, after {memory['after']:,.0f} MB, "
        f"peak {memory['peak']:,.0f} MB"
    )
    if "cpu" in memory:
        lines.append(cpu_line(memory["cpu"]))
    lines.append(f"errors: {len(stats.errors)}")
    lines += [f"  - {e}" for e in stats.errors[:20]]
    if len(stats.errors) > 20:
        lines.append(f"  … and {len(stats.errors) - 20} more")
    return "\n".join(lines)


def results_markdown(
    stats: Stats, memory: dict[str, float], opts: Options, info: dict[str, str], data: str
) -> str:
    rows = ["| measure | n | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
    for kind, values in summary(stats).items():
        rows.append(_row(f"**{kind}**", values))
    for kind, values in sorted(stats.first_render.items()):
        rows.append(_row(f"first render: {kind}", values))
    for kind, values in sorted(stats.rerun.items()):
        rows.append(_row(f"rerun: {kind}", values))
    errors = [f"- {e}" for e in stats.errors[:20]]
    return "\n".join(
        [
            "Machine:",
            "",
            *machine_lines(info),
            "",
            f"`python -m bench.load --sessions {opts.sessions} --seconds {opts.seconds:.0f}`: "
            f"{opts.sessions} concurrent Chromium sessions (one browser, one context each) "
            f"against one `serve.py` on localhost, data: {data}. Sessions start spread over "
            f"{opts.ramp:.0f} s{', after one warm-up visit' if opts.warm else ''}; each loops: "
            "overview (first render) → Branches via the sidebar → region filter → a branch by "
            "deep link (first render) → another branch in the selector → Drivers via the "
            f"sidebar. {stats.loops} complete loops. Times run from the action until the "
            "expected content is there and Streamlit's status widget is gone.",
            "",
            *rows,
            "",
            f"Server memory (RSS, /proc/PID/status): before {memory['before']:,.0f} MB, after "
            f"{memory['after']:,.0f} MB, peak {memory['peak']:,.0f} MB.",
            *(["", cpu_line(memory["cpu"])] if "cpu" in memory else []),
            "",
            f"Errors (exceptions, timeouts of {opts.timeout:.0f} s, stException elements): "
            f"**{len(stats.errors)}**",
            *([""] + errors if errors else []),
        ]
    )


def run_load(opts: Options) -> tuple[Stats, dict[str, float], str, float]:
    if not Path(opts.chromium).exists():
        raise SystemExit(f"{opts.chromium} is missing: install Debian's chromium (make chromium)")
    folder = Path(tempfile.mkdtemp(prefix="loyalty-load-"))
    try:
        db = prepare_db(opts, folder)
        chain = read_chain(db)
        data = (
            f"a copy of {opts.db}"
            if opts.db
            else f"the demo chain ({opts.branches} branches, {opts.waves} waves)"
        ) + f", {chain.total:,} branches"
        proc, url = start_server(db, folder / "server.log")
        try:
            memory = PeakRss(proc.pid)
            before = memory.rss_mb() or float("nan")
            memory.reset()
            start = time.monotonic()
            server_cpu, busy = process_cpu(proc.pid), machine_cpu()
            stats, samples = protocol.run(drive_and_sample(url, chain, opts, memory))
            elapsed = time.monotonic() - start
            cpu = {
                "server": process_cpu(proc.pid) - server_cpu,
                "machine": machine_cpu() - busy,
                "capacity": (os.cpu_count() or 1) * elapsed,
                "elapsed": elapsed,
            }
            after = memory.rss_mb() or float("nan")
            peak = max([after, *samples, memory.peak_mb() if memory.resettable else 0.0])
        finally:
            stop_server(proc)
        memory_cpu = {"before": before, "after": after, "peak": peak, "cpu": cpu}
        return stats, memory_cpu, data, elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    d = Options()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=d.sessions)
    p.add_argument("--seconds", type=float, default=d.seconds, help="how long the sessions run")
    p.add_argument("--db", type=Path, help="serve a copy of this store (default: the demo chain)")
    p.add_argument("--branches", type=int, default=d.branches, help="demo chain size")
    p.add_argument("--respondents", type=int, help="demo chain: responses over all waves")
    p.add_argument("--waves", type=int, default=d.waves, help="demo chain: waves")
    p.add_argument("--timeout", type=float, default=d.timeout, help="seconds per action")
    p.add_argument("--ramp", type=float, default=d.ramp, help="seconds over which sessions start")
    p.add_argument("--no-warm", action="store_true", help="no warm-up visit before the load")
    p.add_argument("--chromium", default=d.chromium)
    p.add_argument("--results", type=Path, default=d.results)
    p.add_argument("--no-results", action="store_true")
    p.add_argument("--seed", type=int, default=d.seed)
    a = p.parse_args(argv)
    opts = Options(
        sessions=a.sessions,
        seconds=a.seconds,
        db=a.db,
        branches=a.branches,
        respondents=a.respondents,
        waves=a.waves,
        timeout=a.timeout,
        ramp=a.ramp,
        warm=not a.no_warm,
        chromium=a.chromium,
        results=None if a.no_results else a.results,
        seed=a.seed,
    )
    info = machine()
    stats, memory, data, elapsed = run_load(opts)
    print(format_text(stats, memory, opts, elapsed))
    if opts.results:
        replace_section(
            opts.results,
            "Load test (bench/load.py)",
            results_markdown(stats, memory, opts, info, data),
        )
        print(f"\nappended to: {opts.results}")
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
