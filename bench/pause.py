"""A click after a pause: each page's main interaction over Streamlit's websocket protocol (no
browser), once right after the page was drawn and once after the user read it for a while.

People read a page before they click. Whatever the server lets go of while nobody clicks (the
store's file, so that commands can take it; caches that expire) is paid by the click after the
pause, which ``bench/browser.py`` (the interaction right after the first paint) does not see.
Each page is opened on its deep link; then ``--clicks`` times: wait the pause, the interaction
(timed: from the request until the run's end arrived), the page again as it was (not timed).

``python -m bench.pause`` on the demo chain, ``--big`` at 10,000 branches, 1,000,000 responses,
8 waves; ``--results`` writes a section of ``bench/RESULTS.md``. No target: the table shows
what a pause costs (the column "pause costs"); exit code 1 only when an action failed.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser, protocol  # noqa: E402
from bench.results import (  # noqa: E402
    RESULTS,
    add_chain_arguments,
    chain_size,
    machine,
    machine_lines,
    median,
    replace_section,
)
from bench.served import start_server, stop_server  # noqa: E402


@dataclass
class Options:
    branches: int = 120
    respondents: int | None = None
    waves: int = 4
    pages: tuple[str, ...] = ()  # url paths ("" for the overview); none: every page with one
    pauses: tuple[float, ...] = (0.5, 3.0)  # seconds; the first is the quick click
    clicks: int = 5  # timed interactions per page and pause
    timeout: float = 120.0
    results: Path | None = None


@dataclass
class Report:
    opts: Options
    info: dict[str, str]
    warm: float | None
    #: (page's nav label, action) -> pause -> seconds of each timed interaction
    times: dict[tuple[str, str], dict[float, list[float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def _page(url: str, spec, chain, opts: Options, report: Report) -> None:
    for pause in opts.pauses:
        session = protocol.Session(url)
        await session.connect()
        try:
            await session.run(page="")
            first = await session.run(page=spec.path, query=spec.deep(chain))
            states = spec.protocol(first, chain)
            fragment = first.fragment_of(states[0].id)
            times = report.times.setdefault((spec.nav, spec.action), {}).setdefault(pause, [])
            for _ in range(opts.clicks):
                await asyncio.sleep(pause)
                run = await session.run(widgets=states, fragment_id=fragment, timeout=opts.timeout)
                if run.exceptions:
                    raise protocol.ProtocolError(run.exceptions[0][:200])
                times.append(run.seconds)
                await session.run(page=spec.path, query=spec.deep(chain), timeout=opts.timeout)
        except Exception as exc:  # counted; the next page goes on
            report.errors.append(f"{spec.nav}, after {pause:g} s: {exc!r}"[:300])
        finally:
            await session.close()


def run_pauses(opts: Options) -> Report:
    from bench.load import Options as LoadOptions
    from bench.load import prepare_db

    specs = [
        s
        for s in browser.SPECS
        if s.protocol is not None and (not opts.pages or s.path in opts.pages)
    ]
    report = Report(opts, machine(), None)
    folder = Path(tempfile.mkdtemp(prefix="loyalty-pause-"))
    try:
        db = prepare_db(
            LoadOptions(branches=opts.branches, respondents=opts.respondents, waves=opts.waves),
            folder,
        )
        chain = browser._read_chain(db)
        log = folder / "server.log"
        proc, url = start_server(db, log)
        try:
            report.warm = browser._wait_warm(log, proc, timeout=1800)
            for spec in specs:
                protocol.run(_page(url, spec, chain, opts, report))
        finally:
            stop_server(proc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _ms(x: float) -> str:
    return f"{1000 * x:,.0f} ms" if x == x else "–"


def describe(report: Report) -> str:
    opts = report.opts
    size = f"{opts.branches:,} branches, {opts.waves} waves" + (
        f", {opts.respondents:,} responses" if opts.respondents else ""
    )
    quick, *later = opts.pauses
    warm = f"{report.warm:.1f} s" if report.warm is not None else "not seen"
    head = [f"after {quick:g} s (median)", *(f"after {p:g} s (median)" for p in later)]
    lines = [
        "Machine:",
        "",
        *machine_lines(report.info),
        "",
        f"`python -m bench.pause`: demo chain of {size}; warm-up {warm} (waited for)."
        f" Each page's main interaction over the protocol, {opts.clicks} times"
        f" after each pause (the page opened again in between, not timed): from the request"
        " until the run's end arrived. Pause costs: the longest pause's median minus the"
        " quick click's.",
        "",
        "| page | interaction | " + " | ".join(head) + " | pause costs |",
        "|---|---|" + "---:|" * (len(head) + 1),
    ]
    for (nav, action), by_pause in report.times.items():
        medians = [median(by_pause.get(p, [])) for p in opts.pauses]
        cost = medians[-1] - medians[0]
        said = f"{round(1000 * cost):+,d} ms" if cost == cost else "–"
        lines.append(
            f"| {nav} | {action} | " + " | ".join(_ms(m) for m in medians) + f" | {said} |"
        )
    lines += ["", f"Errors: **{len(report.errors)}**", *(f"- {e}" for e in report.errors)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_chain_arguments(p, 120, 4)
    p.add_argument("--pages", default="", help="url paths, comma-separated (overview: '')")
    p.add_argument("--pauses", default="0.5,3", help="seconds, comma-separated, quick first")
    p.add_argument("--clicks", type=int, default=5)
    p.add_argument("--results", action="store_true", help="write a section of RESULTS.md")
    a = p.parse_args(argv)
    opts = Options(
        **chain_size(a),
        pages=tuple(x.strip() for x in a.pages.split(",")) if a.pages else (),
        pauses=tuple(float(x) for x in a.pauses.split(",")),
        clicks=a.clicks,
        results=RESULTS if a.results else None,
    )
    report = run_pauses(opts)
    text = describe(report)
    print(text)
    if opts.results is not None:
        size = "10,000 branches" if opts.branches >= 10_000 else f"{opts.branches:,} branches"
        replace_section(opts.results, f"A click after a pause (bench/pause.py, {size})", text)
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
