"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data") / "loyalty.duckdb"
#: Smallest group whose engagement scores may be shown (brief: default 5, never below 3).
DEFAULT_MIN_GROUP_SIZE = 5


def db_path() -> Path:
    """The embedded store's file: ``$LOYALTY_DB`` or ``data/loyalty.duckdb``."""
    return Path(os.environ.get("LOYALTY_DB") or DEFAULT_DB)


def min_group_size() -> int:
    """Minimum group size for scores: ``$LOYALTY_MIN_GROUP_SIZE`` (at least 3), default 5."""
    raw = os.environ.get("LOYALTY_MIN_GROUP_SIZE")
    value = int(raw) if raw else DEFAULT_MIN_GROUP_SIZE
    return max(3, value)
