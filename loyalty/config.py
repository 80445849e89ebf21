"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data") / "loyalty.duckdb"
#: Smallest group whose engagement scores may be shown (brief: default 5, never below 3).
DEFAULT_MIN_GROUP_SIZE = 5


def db_address() -> str:
    """The store: ``$LOYALTY_DB`` as given — a DuckDB file, or a ``postgresql://`` address
    (:mod:`loyalty.pgstore`) — or ``data/loyalty.duckdb``."""
    return os.environ.get("LOYALTY_DB") or str(DEFAULT_DB)


def is_postgres(address: Path | str | None) -> bool:
    """True when the store address names a PostgreSQL database (``postgresql://…``)."""
    return isinstance(address, str) and address.startswith(("postgresql://", "postgres://"))


def db_path() -> Path:
    """The embedded store's file: ``$LOYALTY_DB`` or ``data/loyalty.duckdb`` (a
    ``postgresql://`` address is not a file: use :func:`db_address`)."""
    return Path(db_address())


def min_group_size() -> int:
    """Minimum group size for scores: ``$LOYALTY_MIN_GROUP_SIZE`` (at least 3), default 5."""
    raw = os.environ.get("LOYALTY_MIN_GROUP_SIZE")
    value = int(raw) if raw else DEFAULT_MIN_GROUP_SIZE
    return max(3, value)


def results_root(address: str | None = None) -> Path | None:
    """Where the served app keeps computed results across restarts (:mod:`loyalty.results`):
    ``$LOYALTY_RESULTS``, a folder, or ``off`` (none kept). Unset: beside a DuckDB store's file
    (``loyalty.duckdb.results``); for a PostgreSQL store ``data/results``."""
    raw = (os.environ.get("LOYALTY_RESULTS") or "").strip()
    if raw.lower() in _OFF:
        return None
    if raw:
        return Path(raw)
    address = db_address() if address is None else address
    if is_postgres(address):
        return Path("data") / "results"
    return Path(f"{address}.results")


#: Months survey responses are kept after a wave ends before ``loyalty purge`` removes them.
DEFAULT_RETENTION_MONTHS = 24
#: Failed sign-ins in a row that lock an account, and for how long.
DEFAULT_LOCKOUT_ATTEMPTS = 5
DEFAULT_LOCKOUT_MINUTES = 15


def _int_env(name: str, default: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    return int(raw) if raw else default


def retention_months() -> int:
    """Months after a wave's end before its responses are purged: ``$LOYALTY_RETENTION_MONTHS``
    (default 24, at least 1)."""
    return max(1, _int_env("LOYALTY_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


def lockout_attempts() -> int:
    """Failed sign-ins in a row before an account locks: ``$LOYALTY_LOCKOUT_ATTEMPTS``
    (default 5, at least 1)."""
    return max(1, _int_env("LOYALTY_LOCKOUT_ATTEMPTS", DEFAULT_LOCKOUT_ATTEMPTS))


def lockout_minutes() -> int:
    """How long a locked account stays locked: ``$LOYALTY_LOCKOUT_MINUTES`` (default 15,
    at least 1)."""
    return max(1, _int_env("LOYALTY_LOCKOUT_MINUTES", DEFAULT_LOCKOUT_MINUTES))


#: Hours a sign-in (the session cookie) lasts.
DEFAULT_SESSION_HOURS = 12


def session_hours() -> int:
    """How long a sign-in lasts before the session cookie expires: ``$LOYALTY_SESSION_HOURS``
    (default 12, at least 1)."""
    return max(1, _int_env("LOYALTY_SESSION_HOURS", DEFAULT_SESSION_HOURS))


def session_secret() -> str | None:
    """The key that signs session cookies: ``$LOYALTY_SESSION_SECRET``; unset, a random key
    kept in the store (so that every server on the same store agrees)."""
    return (os.environ.get("LOYALTY_SESSION_SECRET") or "").strip() or None


#: Values of ``$LOYALTY_WARM_UP`` that turn the background warm-up off or on.
_OFF, _ON = ("off", "0", "false", "no"), ("on", "1", "true", "yes", "")


def warm_up() -> bool:
    """Whether the served app fills the pages' caches in the background after start and after
    each import: ``$LOYALTY_WARM_UP`` ``on`` (default) or ``off`` (the caches then fill on each
    first visit). Any other value raises ValueError, naming the setting."""
    raw = (os.environ.get("LOYALTY_WARM_UP") or "").strip().lower()
    if raw in _OFF:
        return False
    if raw in _ON:
        return True
    raise ValueError(f"LOYALTY_WARM_UP={raw!r}: expected 'on' or 'off'")
