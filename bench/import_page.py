"""The import where the user waits for it: the Data page in Chromium, the newest wave's survey
export uploaded, checked and imported, each click timed until its result is on screen.

A served app on a demo chain (warm-up waited for), a new browser page per run: upload the
German survey export (`demo.write_samples`: cp1252, ``;``) → the file's wave → **Check**
(timed: from the click until the check's result and the confirm button are drawn and
Streamlit is idle) → **Confirm the import** (timed: until "Stored: …" is drawn and Streamlit
is idle). Each run stores another version of the newest wave (as a corrected export would),
so every check after the first also compares with the version it replaces. Beside them the
websocket bytes the browser received for each click.

``python -m bench.import_page`` on the demo chain, ``--big`` at 10,000 branches, 1,000,000
responses, 8 waves; ``--results`` writes a section of ``bench/RESULTS.md``. No target of its
own: the import's target (within 1.5× of parsing and storing) is judged by ``bench/run.py``
on the same calls without a browser; this shows what the browser adds. Exit code 1 when a run
failed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser  # noqa: E402
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

CLICKS = ("check", "import")


@dataclass
class Options:
    branches: int = 120
    respondents: int | None = None
    waves: int = 4
    runs: int = 3
    timeout: float = 120.0
    chromium: str = "/usr/bin/chromium"
    results: Path | None = None
    shots: Path | None = None  # a screenshot of each failed run here


@dataclass
class Report:
    opts: Options
    info: dict[str, str]
    warm: float | None = None
    rows: int = 0  # the survey's rows
    size_mb: float = 0.0
    #: CLICKS key -> seconds per run; and the websocket bytes received for it
    times: dict[str, list[float]] = field(default_factory=dict)
    received: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _idle(page, timeout: float) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )


def _one_run(browser_, url: str, survey: Path, opts: Options, report: Report) -> None:
    page = browser_.new_page(viewport={"width": 1440, "height": 900})
    frames: list[tuple[float, int]] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda payload: frames.append((time.perf_counter(), len(payload)))
        ),
    )
    wait = opts.timeout * 1000
    try:
        page.goto(f"{url}/data?lang=en")
        page.wait_for_selector('[data-testid="stApp"]', timeout=wait)
        _idle(page, opts.timeout)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
            str(survey)
        )
        page.get_by_text("Detected:").first.wait_for(timeout=wait)
        _idle(page, opts.timeout)
        page.get_by_role("combobox", name="Into which wave?", exact=True).click()
        page.get_by_role("option", name="from a column of the file", exact=True).click()
        _idle(page, opts.timeout)
        confirm = page.get_by_role("button", name="Confirm the import")
        marks = [time.perf_counter()]
        page.get_by_role("button", name="Check").click()
        confirm.wait_for(timeout=wait)
        _idle(page, opts.timeout)
        marks.append(time.perf_counter())
        confirm.click()
        page.get_by_text("Stored: wave").wait_for(timeout=wait)
        _idle(page, opts.timeout)
        marks.append(time.perf_counter())
        for key, begin, end in zip(CLICKS, marks, marks[1:], strict=False):
            report.times.setdefault(key, []).append(end - begin)
            got = sum(n for t, n in frames if begin <= t <= end)
            report.received.setdefault(key, []).append(got)
    except Exception as exc:  # counted; the next run goes on
        report.errors.append(f"{exc!r}"[:300])
        if opts.shots is not None:
            page.screenshot(path=str(opts.shots / f"failed-{len(report.errors)}.png"))
    finally:
        page.close()


def run_bench(opts: Options) -> Report:
    from playwright.sync_api import sync_playwright

    from bench.load import Options as LoadOptions
    from bench.load import prepare_db

    if not Path(opts.chromium).exists():
        raise SystemExit(f"{opts.chromium} is missing: install Debian's chromium (make chromium)")
    report = Report(opts, machine())
    folder = Path(tempfile.mkdtemp(prefix="loyalty-import-page-"))
    try:
        db = prepare_db(
            LoadOptions(branches=opts.branches, respondents=opts.respondents, waves=opts.waves),
            folder,
            samples=folder / "newest",
        )
        survey = next((folder / "newest").glob("mitarbeiterbefragung_*.csv"))
        report.rows = sum(1 for _ in survey.open("rb")) - 1
        report.size_mb = survey.stat().st_size / 1024**2
        log = folder / "server.log"
        proc, url = start_server(db, log)
        try:
            report.warm = browser._wait_warm(log, proc, timeout=1800)
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=opts.chromium)
                try:
                    for _ in range(opts.runs):
                        _one_run(chromium, url, survey, opts, report)
                finally:
                    chromium.close()
        finally:
            stop_server(proc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def describe(report: Report) -> str:
    opts = report.opts
    size = f"{opts.branches:,} branches, {opts.waves} waves" + (
        f", {opts.respondents:,} responses" if opts.respondents else ""
    )
    warm = f"{report.warm:.1f} s" if report.warm is not None else "not seen"
    lines = [
        "Machine:",
        "",
        *machine_lines(report.info),
        "",
        f"`python -m bench.import_page`: demo chain of {size}; warm-up {warm} (waited for)."
        f" The newest wave's survey export ({report.rows:,} rows, {report.size_mb:.1f} MB,"
        " cp1252, `;`) uploaded on the Data page in Chromium, checked and imported, "
        f"{opts.runs} runs (each stores another version of the wave). Times from the click "
        "until its result is drawn and Streamlit is idle; bytes: what the browser received "
        "over the websocket meanwhile.",
        "",
        "| click | median | runs | received (median) |",
        "|---|---:|---|---:|",
    ]
    for key, label in (("check", "Check"), ("import", "Confirm the import")):
        took = report.times.get(key, [])
        runs = ", ".join(f"{1000 * x:,.0f}" for x in took) or "–"
        got = report.received.get(key, [])
        kb = f"{median(got) / 1024:,.0f} KB" if got else "–"
        said = f"{1000 * median(took):,.0f} ms" if took else "–"
        lines.append(f"| {label} | {said} | {runs} ms | {kb} |")
    lines += ["", f"Errors: **{len(report.errors)}**", *(f"- {e}" for e in report.errors)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_chain_arguments(p, 120, 4)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--results", action="store_true", help="write a section of RESULTS.md")
    p.add_argument("--shots", type=Path, help="a screenshot of each failed run in this folder")
    a = p.parse_args(argv)
    opts = Options(
        **chain_size(a), runs=a.runs, results=RESULTS if a.results else None, shots=a.shots
    )
    report = run_bench(opts)
    text = describe(report)
    print(text)
    if opts.results is not None:
        size = "10,000 branches" if opts.branches >= 10_000 else f"{opts.branches:,} branches"
        heading = f"Import on the Data page (bench/import_page.py, {size})"
        replace_section(opts.results, heading, text)
    return 1 if report.errors or not report.times else 0


if __name__ == "__main__":
    raise SystemExit(main())
