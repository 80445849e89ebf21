"""The command line as a user runs it: ``python -m loyalty …`` in a fresh process, without the
caller's LOYALTY_* settings (the tests pass ``--db`` and ``--lang`` themselves)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loyalty(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    return subprocess.run(
        [sys.executable, "-m", "loyalty", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
