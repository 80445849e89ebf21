"""Load test at the protocol level: N sessions against one server, no browser.

``python -m bench.load_protocol --sessions 25 --seconds 60 [--think 5]`` (``make load``):
serves a fresh demo chain as ``make run`` does (``bench/served.py``; ``--big`` for 10,000
branches, 1,000,000 responses, 8 waves), waits for the warm-up (the server log's ``caches: …
warmed`` line), then runs three phases:

1. **before**: one session, back to back, for ``--probe`` seconds;
2. **load**: ``--sessions`` sessions at once for ``--seconds`` (started over ``--ramp``
   seconds), each ``--think`` seconds (exponentially distributed, mean) between actions;
3. **after**: ``--idle`` seconds of nothing, then one session as in 1 (is anything slower, is
   memory still held?).

Each session speaks Streamlit's websocket protocol (``bench/protocol.py``) as the browser
does and loops: the overview (its first page when new), Branches via the sidebar, a branch by
deep link, another branch chosen in the selector, Drivers via the sidebar. An action's time
runs from the request until the run's ``script_finished`` arrived (server and transfer; the
browser's drawing is what ``bench/browser.py`` measures). Errors: exceptions drawn on the page,
timeouts, protocol errors. The server's CPU (``/proc/PID/stat``) per served action and its
memory (RSS, sampled each second) are reported; 25 Chromium instances on this machine would
measure Chromium, this client costs little beside the server.

``--cluster .cluster`` targets the replicas that ``make cluster`` runs behind nginx instead
(``loyalty/devcluster.py``; start it first, with ``REPLICAS=1`` or ``2`` to compare): the
sessions go to the proxy's URL, nginx spreads them over the replicas (each websocket stays on
one), branch ids come from the cluster's store, server CPU is the sum over the replicas and
memory is the first replica's.

Targets (issue 13, demo size, one server): server CPU per action ≤ 60 ms; 100 sessions with
5 s think time p95 ≤ 1 s and 0 errors; throughput does not fall as sessions grow; no slowdown
and no memory growth left after a heavy run. Exit code 1 on errors and when the server's CPU
per action or (with think time) the p95 under load misses its target (:func:`missed`); the
others are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import linecache
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import protocol  # noqa: E402
from bench.results import (  # noqa: E402
    RESULTS,
    PeakRss,
    add_chain_arguments,
    chain_size,
    machine,
    machine_cpu,
    machine_lines,
    percentile,
    process_cpu,
    replace_section,
    sample_rss,
    seconds,
)
from bench.served import start_server, stop_server  # noqa: E402

ACTIONS = ("first page", "overview", "switch page", "deep link", "another branch")


@dataclass
class Options:
    sessions: int = 25
    seconds: float = 60.0
    think: float = 0.0  # mean seconds between a session's actions
    ramp: float = 5.0
    probe: float = 15.0  # seconds of the one-session phases before and after
    idle: float = 10.0
    branches: int = 120
    respondents: int | None = None
    waves: int = 4
    timeout: float = 120.0
    server_options: tuple[str, ...] = ()
    results: Path | None = None
    label: str = ""
    seed: int = 0
    profile: Path | None = None  # py-spy's collapsed stacks of the server under the load
    cluster: Path | None = None  # the folder of a running `make cluster` to load instead
    #: the load and its idle time this many times in a row: memory that grows with each round
    #: is a leak, memory that stays after the first is what the bounded caches hold
    rounds: int = 1


@dataclass
class Phase:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0
    machine_cpu: float = 0.0
    client_cpu: float = 0.0  # this load client's own CPU seconds (its sessions' protocol work)
    bytes: int = 0

    @property
    def actions(self) -> int:
        return sum(len(v) for v in self.times.values())

    def all(self) -> list[float]:
        return [t for v in self.times.values() for t in v]


def _labels(db: Path) -> tuple[list[str], dict[str, str]]:
    from bench.load import read_chain

    chain = read_chain(db)
    return chain.ids, chain.names


async def session(
    number: int,
    url: str,
    ids: list[str],
    names: dict[str, str],
    opts: Options,
    deadline: float,
    phase: Phase,
    think: float,
    delay: float,
) -> None:
    rng = random.Random(opts.seed * 1000 + number)
    await asyncio.sleep(delay)
    client = protocol.Session(url)

    async def act(kind: str, **kw) -> protocol.Run:
        run = await client.run(timeout=opts.timeout, **kw)
        phase.times[kind].append(run.seconds)
        phase.bytes += run.received
        if run.exceptions:
            raise protocol.ProtocolError(f"exception on the page: {run.exceptions[0]}")
        return run

    async def pause() -> None:
        if think > 0:
            await asyncio.sleep(min(rng.expovariate(1 / think), 4 * think))

    first = True
    try:
        start = time.perf_counter()
        await client.connect()
        while time.monotonic() < deadline:
            one, two = rng.sample(ids, 2)
            try:
                if first:
                    run = await client.run(page="", timeout=opts.timeout)
                    phase.times["first page"].append(time.perf_counter() - start)
                    phase.bytes += run.received
                    first = False
                else:
                    await act("overview", page="")
                await pause()
                await act("switch page", page="branches")
                await pause()
                branch = await act("deep link", page="branch", query={"branch": one})
                await pause()
                selector = branch.widget("selectbox", "branch_select")
                chosen = await act(
                    "another branch", widgets=[protocol.choose(selector, f"{two} · {names[two]}")]
                )
                if names[two] not in chosen.text() and not any(
                    e.WhichOneof("type") == "heading" and e.heading.body == names[two]
                    for e in chosen.elements()
                ):
                    raise protocol.ProtocolError(f"another branch: {two} not shown")
                await pause()
                await act("switch page", page="drivers")
                await pause()
            except (protocol.ProtocolError, TimeoutError) as exc:
                phase.errors.append(f"session {number}: {type(exc).__name__}: {exc}"[:300])
    except Exception as exc:  # a connection that failed or broke
        phase.errors.append(f"session {number}: {type(exc).__name__}: {exc}"[:300])
    finally:
        with contextlib.suppress(Exception):
            await client.close()


def _servers_cpu(pid: int | list[int]) -> float:
    """CPU seconds of the server, or the sum over the replicas of a cluster."""
    return sum(process_cpu(p) for p in (pid if isinstance(pid, list) else [pid]))


async def run_phase(url, ids, names, opts, pid, sessions, seconds, think, ramp) -> Phase:
    phase = Phase()
    cpu, busy, own = _servers_cpu(pid), machine_cpu(), process_cpu()
    start = time.monotonic()
    deadline = start + ramp + seconds
    await asyncio.gather(
        *(
            session(i, url, ids, names, opts, deadline, phase, think, ramp * i / max(1, sessions))
            for i in range(sessions)
        )
    )
    phase.elapsed = time.monotonic() - start
    phase.server_cpu = _servers_cpu(pid) - cpu
    phase.machine_cpu = machine_cpu() - busy
    phase.client_cpu = process_cpu() - own
    return phase


def _start_profile(pid: int, opts: Options):
    """``py-spy record`` on the server for the load phase (``pip install py-spy``)."""
    import subprocess

    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [
            spy, "record", "--pid", str(pid), "--duration", str(int(opts.ramp + opts.seconds)),
            "--rate", "50", "--format", "raw", "--output", str(opts.profile), "--nonblocking",
            # whole paths: py-spy shortens a file's path to its top package, and pages/ is none
            # (pages/methods.py would read "methods.py", as Streamlit's own files might)
            "--full-filenames",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


#: Where the server's time goes: a busy sample goes to the category of its innermost frame that
#: has one (for a frame, the first category here whose marker it contains), else to "other".
#: So Streamlit's element work and plotly's JSON called from a page count as theirs, and work in
#: polars, numpy or DuckDB called from ``loyalty/`` (frames of no category) as ours.
CATEGORIES = (
    ("garbage collection after each run (runner.postScriptGC)", ("_on_script_finished",)),
    ("plotly (figures and their JSON)", ("to_plotly_json", "plotly/", "_plotly_utils")),
    ("protobuf and Arrow (elements)", ("protobuf", "pyarrow", "_pb2", "arrow")),
    # with whole paths (the recording's --full-filenames) the project's two folders; "(loyalty/"
    # is the shortened form of a profile recorded without them
    ("our pages and loyalty/", (f"{ROOT}/pages/", f"{ROOT}/loyalty/", "(loyalty/")),
    ("websocket and event loop", ("uvicorn", "starlette", "websockets", "asyncio")),
    ("Streamlit (script runner, elements, caches)", ("streamlit/",)),
)


_FRAME = re.compile(r"\((?P<file>[^()]+):(?P<line>\d+)\)$")


#: A source line that is a call of a sleep (``time.sleep(…)``, ``sleep(…)``), nothing before it.
_SLEEP_LINE = re.compile(r"\s*[\w.]*\bsleep\(")


@functools.cache
def _sleeps_at(file: str, line: int) -> bool:
    """Whether source line ``line`` of ``file`` (as py-spy names it: a whole path, or shortened
    to a path under the project or a folder on ``sys.path``) is a call of a sleep. The line is
    read from the files as they are now: summarise a profile of the code it was recorded on."""
    for folder in (ROOT, *map(Path, filter(None, sys.path))):
        candidate = folder / file  # a whole path stays itself
        if candidate.is_file():
            return _SLEEP_LINE.match(linecache.getline(str(candidate), line)) is not None
    return False


def _idle(leaf: str) -> bool:
    """Whether a sample's innermost frame waits: in select/epoll/Condition.wait, or at a line
    that calls ``time.sleep`` (a C function, so py-spy shows the line calling it; a sleeping
    thread is sampled while it wakes and waits for the interpreter lock, e.g. the store's
    watch and Streamlit's polling file watcher)."""
    if any(w in leaf for w in ("select (", "epoll", "sleep", "wait (threading", "_wait_for")):
        return True
    found = _FRAME.search(leaf)
    return found is not None and _sleeps_at(found["file"], int(found["line"]))


def _category(frames: list[str]) -> str:
    """The category of a sample's stack (outermost frame first): see :data:`CATEGORIES`."""
    for frame in reversed(frames):
        for name, markers in CATEGORIES:
            if any(m in frame for m in markers):
                return name
    return "other"


def summarise_profile(path: Path) -> list[tuple[str, float]]:
    """Shares of the samples (py-spy raw: ``frame;frame;… count`` per line) by category;
    idle threads (:func:`_idle`) are left out."""
    totals: dict[str, int] = defaultdict(int)
    busy = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        if _idle(stack.rsplit(";", 1)[-1]):
            continue
        n = int(count)
        busy += n
        totals[_category(stack.split(";"))] += n
    return sorted(((k, v / busy) for k, v in totals.items()), key=lambda kv: -kv[1]) if busy else []


@dataclass
class Report:
    opts: Options
    info: dict[str, str]
    load_after: str
    warm: float | None
    before: Phase
    load: Phase
    after: Phase
    rss: dict[str, float]
    #: the rounds of the load after the first (--rounds)
    later: list[Phase] = field(default_factory=list)


async def _phases(url, ids, names, opts: Options, pid: int | list[int]):
    memory = PeakRss(pid[0] if isinstance(pid, list) else pid)
    rss: dict[str, float] = {}
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(memory, samples, stop))
    try:
        before = await run_phase(url, ids, names, opts, pid, 1, opts.probe, 0.0, 0.0)
        rss["before load"] = memory.rss_mb() or float("nan")
        samples.clear()
        spy = _start_profile(pid, opts) if opts.profile else None
        rounds: list[Phase] = []
        for k in range(max(opts.rounds, 1)):
            samples.clear()
            rounds.append(
                await run_phase(
                    url, ids, names, opts, pid, opts.sessions, opts.seconds, opts.think, opts.ramp
                )
            )
            if spy is not None:
                spy.wait(timeout=120)
                spy = None
            said = f" (round {k + 1})" if opts.rounds > 1 else ""
            rss[f"peak under load{said}"] = max(samples) if samples else float("nan")
            rss[f"end of load{said}"] = memory.rss_mb() or float("nan")
            await asyncio.sleep(opts.idle)
            rss[f"after {opts.idle:.0f} s idle{said}"] = memory.rss_mb() or float("nan")
        load, *later = rounds
        after = await run_phase(url, ids, names, opts, pid, 1, opts.probe, 0.0, 0.0)
        rss["after the last probe"] = memory.rss_mb() or float("nan")
    finally:
        stop.set()
        await sampler
    return before, load, after, rss, later


def _wait_warm(log: Path, proc, timeout: float = 1800) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        match = re.search(r"caches: .* warmed for revision \d+ in ([\d.,]+) s", text)
        if match:
            return float(match.group(1).replace(",", ""))
        if "caches: no warm-up" in text:  # LOYALTY_WARM_UP=off (e.g. a cluster started so)
            return None
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()}")
        time.sleep(0.5)
    return None


def run_cluster_load(opts: Options) -> Report:
    """The phases against a running ``make cluster`` (its proxy URL and replicas)."""
    from loyalty import devcluster, store

    cluster = devcluster.Cluster.load(opts.cluster.resolve())
    if cluster is None:
        raise RuntimeError(f"no cluster runs in {opts.cluster}: start it with `make cluster`")
    info = machine()
    chain = store.connect(cluster.db)
    try:
        frame = chain.sql("SELECT branch_id, name FROM branches ORDER BY branch_id")
    finally:
        chain.close()
    ids = frame["branch_id"].to_list()
    names = dict(zip(frame["branch_id"], frame["name"], strict=True))
    pids = [r.pid for r in cluster.replicas]
    procs = [_Running(pid) for pid in pids]
    warm = max(
        (_wait_warm(Path(r.log), p) or 0.0 for r, p in zip(cluster.replicas, procs, strict=True)),
        default=None,
    )
    before, load, after, rss, later = protocol.run(_phases(cluster.url, ids, names, opts, pids))
    load_after = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return Report(opts, info, load_after + " (at the end)", warm, before, load, after, rss, later)


class _Running:
    """``poll()`` of a process this one did not start (a replica of the cluster)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        return None if Path(f"/proc/{self.pid}").exists() else 1


def run_load(opts: Options) -> Report:
    from bench.load import Options as LoadOptions
    from bench.load import prepare_db

    if opts.cluster is not None:
        return run_cluster_load(opts)
    info = machine()
    folder = Path(tempfile.mkdtemp(prefix="loyalty-protocol-"))
    try:
        db = prepare_db(
            LoadOptions(branches=opts.branches, respondents=opts.respondents, waves=opts.waves),
            folder,
        )
        ids, names = _labels(db)
        log = folder / "server.log"
        proc, url = start_server(db, log, options=opts.server_options)
        try:
            warm = _wait_warm(log, proc)
            before, load, after, rss, later = protocol.run(_phases(url, ids, names, opts, proc.pid))
        finally:
            stop_server(proc)
        load_after = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        return Report(
            opts, info, load_after + " (at the end)", warm, before, load, after, rss, later
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _row(name: str, values: list[float]) -> str:
    return (
        f"| {name} | {len(values)} | {seconds(percentile(values, 50))} | "
        f"{seconds(percentile(values, 95))} | {seconds(max(values) if values else float('nan'))} |"
    )


def cpu_per_action(phase: Phase) -> float:
    return phase.server_cpu / phase.actions if phase.actions else float("nan")


def load_rounds(report: Report) -> list[tuple[str, Phase]]:
    """Each round of the load and its name ("load", or "load (round k)" with --rounds)."""
    loads = [report.load, *report.later]
    return [
        (f"load{f' (round {k + 1})' if len(loads) > 1 else ''}", phase)
        for k, phase in enumerate(loads)
    ]


def all_errors(report: Report) -> list[str]:
    """Every error of every phase: each fails the run."""
    loads = [phase for _name, phase in load_rounds(report)]
    return report.before.errors + sum((p.errors for p in loads), []) + report.after.errors


#: Issue 13's targets for one server: server CPU per served action (s), and with think time
#: between actions the p95 of every action under load (s), for up to 100 sessions at the demo
#: size and 25 at 10,000 branches (:func:`p95_sessions`).
CPU_PER_ACTION = 0.060
P95_WITH_THINK = 1.0


def p95_sessions(branches: int) -> int:
    """How many sessions with think time the p95 target holds for at this size."""
    return 25 if branches >= 10_000 else 100


def missed(report: Report) -> list[str]:
    """The targets this run missed: server CPU per action in each load round (a round
    without actions misses it); with think time and at most :func:`p95_sessions` sessions,
    each round's p95 (sessions back to back have no p95 target). The targets are one
    server's: a run against ``make cluster`` (``--cluster``, its CPU summed over the
    replicas) is reported, not judged."""
    o = report.opts
    if o.cluster is not None:
        return []
    p95_holds = o.think > 0 and o.sessions <= p95_sessions(o.branches)
    out = []
    for name, phase in load_rounds(report):
        if not phase.actions:
            out.append(f"{name}: no action measured")
            continue
        cpu = cpu_per_action(phase)
        if not cpu <= CPU_PER_ACTION:
            out.append(
                f"{name}: server CPU per action {cpu * 1000:.0f} ms "
                f"(target {CPU_PER_ACTION * 1000:.0f} ms)"
            )
        p95 = percentile(phase.all(), 95)
        if p95_holds and not p95 <= P95_WITH_THINK:
            out.append(f"{name}: p95 {seconds(p95)} (target {seconds(P95_WITH_THINK)})")
    return out


def describe(report: Report) -> str:
    o = report.opts
    size = f"{o.branches:,} branches, {o.waves} waves" + (
        f", {o.respondents:,} responses" if o.respondents else ""
    )
    lines = [
        "Machine:",
        "",
        *machine_lines(report.info),
        f"- Load average {report.load_after}. Figures are noisy while other work runs.",
        "",
        f"`python -m bench.load_protocol --sessions {o.sessions} --seconds {o.seconds:.0f} "
        + (f"--rounds {o.rounds} " if o.rounds > 1 else "")
        + f"--think {o.think:g}`{(' ' + o.label) if o.label else ''}: demo chain of {size}, "
        f"warm-up {seconds(report.warm) if report.warm else 'not seen'} (waited for). "
        "Sessions speak Streamlit's websocket protocol (no browser); an action runs from the "
        "request until the run's end arrived.",
        "",
        "| phase / action | n | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    named = load_rounds(report)
    for name, phase in (
        ("before: 1 session", report.before),
        *((f"{name}: {o.sessions} sessions, think {o.think:g} s", p) for name, p in named),
        ("after: 1 session", report.after),
    ):
        lines.append(_row(f"**{name}**", phase.all()))
        for action in ACTIONS:
            if phase.times.get(action):
                lines.append(_row(f"{name}: {action}", phase.times[action]))
    lines.append("")
    lines.append(
        "| phase | actions/s | server CPU per action | server CPU share | load client | "
        "machine busy | errors |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, phase in (("before", report.before), *named, ("after", report.after)):
        rate = phase.actions / phase.elapsed if phase.elapsed else float("nan")
        share, client, busy = (
            (v / phase.elapsed if phase.elapsed else float("nan"))
            for v in (phase.server_cpu, phase.client_cpu, phase.machine_cpu)
        )
        lines.append(
            f"| {name} | {rate:.1f} | {cpu_per_action(phase) * 1000:.0f} ms | "
            f"{share:.2f} cores | {client:.2f} cores | {busy:.2f} cores | {len(phase.errors)} |"
        )
    lines.append("")
    lines.append(
        "Server memory (RSS): " + ", ".join(f"{k} {v:,.0f} MB" for k, v in report.rss.items()) + "."
    )
    errors = all_errors(report)
    lines.append("")
    lines.append(f"Errors: **{len(errors)}**")
    lines += [f"- {e}" for e in errors[:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    d = Options()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=d.sessions)
    p.add_argument("--seconds", type=float, default=d.seconds)
    p.add_argument("--think", type=float, default=d.think, help="mean seconds between actions")
    p.add_argument("--ramp", type=float, default=d.ramp)
    p.add_argument("--probe", type=float, default=d.probe)
    p.add_argument("--idle", type=float, default=d.idle)
    p.add_argument("--rounds", type=int, default=d.rounds, help="the load and idle time N times")
    add_chain_arguments(p, d.branches, d.waves)
    p.add_argument("--timeout", type=float, default=d.timeout)
    p.add_argument("--server-option", action="append", default=[], help="e.g. runner.x=false")
    p.add_argument("--results", action="store_true", help="write a section of RESULTS.md")
    p.add_argument("--label", default="")
    p.add_argument("--profile", type=Path, help="py-spy's raw profile of the load phase")
    p.add_argument(
        "--cluster", type=Path, help="load a running `make cluster` (its folder, e.g. .cluster)"
    )
    a = p.parse_args(argv)
    opts = Options(
        sessions=a.sessions,
        seconds=a.seconds,
        think=a.think,
        ramp=a.ramp,
        probe=a.probe,
        idle=a.idle,
        rounds=a.rounds,
        **chain_size(a),
        timeout=a.timeout,
        server_options=tuple(
            part for o in a.server_option for part in (f"--{o.split('=')[0]}", o.split("=")[1])
        ),
        results=RESULTS if a.results else None,
        label=a.label or ("against `make cluster` via nginx" if a.cluster else ""),
        profile=a.profile,
        cluster=a.cluster,
    )
    report = run_load(opts)
    text = describe(report)
    if opts.profile and opts.profile.exists():
        shares = summarise_profile(opts.profile)
        text += "\n\nWhere the server's busy samples went (py-spy, load phase):\n\n" + "\n".join(
            f"- {name}: {share:.0%}" for name, share in shares
        )
    print(text)
    if opts.results:
        label = f", {opts.label}" if opts.label else ""
        heading = (
            f"Protocol load (bench/load_protocol.py, {opts.branches:,} branches, "
            f"{opts.sessions} sessions, think {opts.think:g} s{label})"
        )
        replace_section(opts.results, heading, text)
    misses = missed(report)
    for line in misses:
        print(f"target missed: {line}")
    return 1 if all_errors(report) or misses else 0


if __name__ == "__main__":
    sys.exit(main())
