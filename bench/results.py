"""Shared by bench/run.py and bench/load.py: the machine, peak memory, RESULTS.md sections."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import platform
import re
import resource
import statistics
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
LIBRARIES = (
    "polars",
    "duckdb",
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "streamlit",
    "plotly",
    "pyarrow",
    "playwright",
)
TITLE = "# Loyalty: benchmark and load test\n"


def machine() -> dict[str, str]:
    """CPU model and count, RAM, Python and library versions, date, load before the run."""
    cpu, count = "unknown", os.cpu_count() or 0
    try:
        text = Path("/proc/cpuinfo").read_text()
        models = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
        count = len(re.findall(r"^processor\s*:", text, re.M)) or count
        cpu = models[0].strip() if models else platform.processor() or cpu
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024**2:.1f} GiB"
    except (OSError, AttributeError):
        pass
    libs = []
    for name in LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            libs.append(f"{name} {version(name)}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "cpu": f"{cpu} × {count}",
        "ram": ram,
        "python": platform.python_version(),
        "libraries": ", ".join(libs),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load": " / ".join(f"{x:.2f}" for x in load) + " (1 / 5 / 15 min, at the start)",
    }


def machine_lines(info: dict[str, str]) -> list[str]:
    return [
        f"- CPU: {info['cpu']}",
        f"- RAM: {info['ram']}",
        f"- Python {info['python']}; {info['libraries']}",
        f"- Date: {info['date']}; load average {info['load']}",
    ]


class PeakRss:
    """Peak resident memory of a process over a phase.

    On Linux, writing ``5`` to ``/proc/<pid>/clear_refs`` resets the high-water mark
    ``VmHWM`` to the current RSS, so the peak of each phase is measured on its own, including
    memory that numpy, polars (Rust) and DuckDB (C++) allocate outside Python. Where that is
    not possible, ``ru_maxrss`` (the peak of the whole process so far) is reported instead.
    """

    def __init__(self, pid: int | str = "self") -> None:
        self.pid = pid
        self.resettable = True

    def _status(self, field: str) -> float | None:
        try:
            text = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
        return int(match.group(1)) / 1024 if match else None

    def reset(self) -> None:
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            self.resettable = False

    def rss_mb(self) -> float | None:
        return self._status("VmRSS")

    def peak_mb(self) -> float:
        peak = self._status("VmHWM") if self.resettable else None
        if peak is None:
            self.resettable = False
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak

    @property
    def method(self) -> str:
        if self.resettable:
            return "peak RSS per phase (VmHWM, reset through /proc/self/clear_refs)"
        return "peak RSS of the whole process so far (getrusage ru_maxrss)"


async def sample_rss(memory: PeakRss, samples: list[float], stop: asyncio.Event) -> None:
    """Append the process's RSS (MB) to ``samples`` once a second until ``stop`` is set."""
    while not stop.is_set():
        rss = memory.rss_mb()
        if rss is not None:
            samples.append(rss)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


def process_cpu(pid: int | str = "self") -> float:
    """CPU seconds (user + system) a process has used so far (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy so far (all cores, /proc/stat)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_line(cpu: dict[str, float]) -> str:
    """Where the CPU went during a load: the server's share of what the machine used."""
    share = cpu["server"] / cpu["machine"] if cpu["machine"] > 0 else float("nan")
    return (
        f"CPU during the load: the server {cpu['server']:,.0f} s, the whole machine "
        f"{cpu['machine']:,.0f} s of {cpu['capacity']:,.0f} s available ({os.cpu_count()} "
        f"cores × {cpu['elapsed']:,.0f} s); the server's share {share:.0%}, the rest the "
        "Chromium sessions and the driver on the same machine."
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation as numpy's default."""
    if not values:
        return float("nan")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def seconds(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 100:
        return f"{value:.2f} s"
    return f"{value:.0f} s"


def speed(ours: float, theirs: float) -> str:
    """'N× faster' (or 'N× slower') for our time against the notebook's."""
    if not (ours > 0 and theirs > 0):
        return "–"
    ratio = theirs / ours
    if ratio >= 1:
        return f"{ratio:.1f}× faster" if ratio < 100 else f"{ratio:.0f}× faster"
    return f"{1 / ratio:.1f}× slower"


def replace_section(path: Path, heading: str, body: str) -> None:
    """Put ``## heading`` + ``body`` into ``path`` in place of a section of that heading (or
    at the end); other sections stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    if not text.startswith("# "):
        text = TITLE + "\n" + text
    marker = f"## {heading}\n"
    section = marker + "\n" + body.strip() + "\n"
    start = text.find(marker)
    if start < 0:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(marker))
        rest = text[end + 1 :] if end >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    path.write_text(text, encoding="utf-8")


#: ``--big``: the size the issue's targets name beside the demo chain.
BIG = {"branches": 10_000, "respondents": 1_000_000, "waves": 8}


def add_chain_arguments(p, branches: int, waves: int) -> None:
    """The demo chain's size on a bench's command line: ``--branches``, ``--respondents``,
    ``--waves`` and ``--big`` (:data:`BIG`; read with :func:`chain_size`)."""
    p.add_argument("--branches", type=int, default=branches)
    p.add_argument("--respondents", type=int, default=None)
    p.add_argument("--waves", type=int, default=waves)
    p.add_argument("--big", action="store_true", help="10,000 branches, 1,000,000, 8 waves")


def chain_size(a) -> dict[str, int | None]:
    """Branches, respondents and waves of parsed :func:`add_chain_arguments`."""
    if a.big:
        return dict(BIG)
    return {"branches": a.branches, "respondents": a.respondents, "waves": a.waves}
