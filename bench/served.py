"""The app served as `make run` serves it (``python serve.py``), on a free localhost port:
started and stopped for the load test (bench/load.py) and the browser tests
(tests/e2e/conftest.py); and the Chromium they drive."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The browser of the browser tests and benchmarks: Debian's Chromium, as for chart downloads.
CHROMIUM = os.environ.get("LOYALTY_CHROMIUM", "/usr/bin/chromium")
#: Flags for a closed network and a root user (see the machine notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db: Path,
    log: Path,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    script: str | None = None,
    options: tuple[str, ...] = (),
) -> tuple[subprocess.Popen, str]:
    """``python serve.py`` on ``db``, its output in ``log``; returns the process and the base
    URL once /_stcore/health answers. Raises RuntimeError (with the log) if the server exits
    or is not healthy within ``timeout`` seconds. ``env``: extra environment variables.
    ``script``: another Streamlit script served the same way (``streamlit run script``, from
    the project folder, so with the project's ``.streamlit/config.toml``), e.g. the floor
    pages of bench/browser.py. ``options``: more Streamlit options (``--runner.x``, ``y``)."""
    port = free_port()
    command = ["serve.py"] if script is None else ["-m", "streamlit", "run", script]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                *command,
                *options,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env={**os.environ, "LOYALTY_DB": str(db), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()}")
    stop_server(proc)
    raise RuntimeError(f"the server did not become healthy:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
