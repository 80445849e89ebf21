"""Sign-in sessions that outlive one browser tab and one server: the session cookie.

A password sign-in (:func:`loyalty.users.verify_password`) starts a session in the store
(:func:`start`) and gets a **one-time ticket** (valid :data:`TICKET_SECONDS`). The page hands
the ticket to the server's own route (``serve.py``, ``POST /_loyalty/session``), which
redeems it (:func:`redeem`) and answers with the cookie: an HttpOnly, SameSite=Lax cookie
whose value is a random token and its HMAC-SHA256 signature. The store keeps only the
token's SHA-256, never the token or the ticket.

Every page run of every server checks the session against the store (:func:`check`,
:func:`from_cookie`): it ends when it expires (``$LOYALTY_SESSION_HOURS``, default 12), when
the user signs out on any server (:func:`end`), when an administrator resets the password
or removes the user, and while the account is disabled or locked.

The signing key is ``$LOYALTY_SESSION_SECRET``; unset, a random key is made once and kept in
the store (table ``app_secrets``), so that all servers on one store agree. A cookie signed with
another key (or changed by hand) is refused before the store is asked.

Times are naive UTC, as in :mod:`loyalty.users`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalty import config, users
from loyalty.store import Store
from loyalty.versions import audit

#: The cookie's name (and the name nginx's sticky routing must not confuse with its own).
COOKIE = "loyalty_session"
#: The route of the server that turns a ticket into the cookie (serve.py).
ROUTE = "/_loyalty/session"
#: The route that ends the cookie's session and deletes the cookie.
SIGN_OUT_ROUTE = "/_loyalty/sign-out"
#: Seconds a sign-in's ticket may wait for the browser to redeem it.
TICKET_SECONDS = 120
_SECRET_NAME = "session_secret"
_secrets_cache: dict[str, bytes] = {}


@dataclass(frozen=True)
class Started:
    """A session just started: its id (kept by the page's session) and the ticket."""

    session_id: str
    ticket: str


@dataclass(frozen=True)
class Active:
    """A session that is valid now, with the principal it signs in."""

    session_id: str
    principal: users.Principal
    expires_at: datetime
    #: The ticket was redeemed: the browser holds the cookie.
    redeemed: bool = True


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def secret(store: Store) -> bytes:
    """The signing key: ``$LOYALTY_SESSION_SECRET``, else the store's own (made on first use;
    concurrent first uses on several servers agree, the first insert wins)."""
    configured = config.session_secret()
    if configured is not None:
        return configured.encode()
    known = _secrets_cache.get(store._file)
    if known is not None:
        return known
    with store.transaction() as cur:
        cur.execute(
            "INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)",
            [_SECRET_NAME, secrets.token_urlsafe(48)],
        )
        value = cur.execute(
            "SELECT value FROM app_secrets WHERE name = ?", [_SECRET_NAME]
        ).fetchall()[0][0]
    _secrets_cache[store._file] = value.encode()
    return _secrets_cache[store._file]


def sign(key: bytes, token: str) -> str:
    """The cookie value for ``token``: ``token.signature`` (HMAC-SHA256, URL-safe hex)."""
    return f"{token}.{hmac.new(key, token.encode(), hashlib.sha256).hexdigest()}"


def unsign(key: bytes, value: str | None) -> str | None:
    """The token of a cookie value signed with ``key``; None for anything else."""
    if not isinstance(value, str):
        return None
    token, _, signature = value.rpartition(".")
    if not token or not signature:
        return None
    expected = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(expected, signature) else None


def start(store: Store, username: str, *, now: datetime | None = None) -> Started:
    """Start a session for ``username`` (who has just signed in); returns its id and the
    one-time ticket the browser redeems for the cookie."""
    now = users._naive_utc(now)
    started = Started(secrets.token_urlsafe(18), secrets.token_urlsafe(24))
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO sessions (session_id, username, ticket_hash, ticket_expires_at, "
            "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                started.session_id,
                users._normal(username),
                _hash(started.ticket),
                now + timedelta(seconds=TICKET_SECONDS),
                now,
                now + timedelta(hours=config.session_hours()),
            ],
        )
    return started


def redeem(store: Store, ticket: str, *, now: datetime | None = None) -> tuple[str, int] | None:
    """Turn a sign-in's ticket into the cookie: ``(value, max_age_seconds)``, or None when the
    ticket is unknown, used, too old, or its session has ended. A ticket works once."""
    now = users._naive_utc(now)
    if not ticket:
        return None
    token = secrets.token_urlsafe(32)
    with store.transaction() as cur:
        rows = cur.execute(
            "SELECT session_id, expires_at FROM sessions WHERE ticket_hash = ? "
            "AND ticket_expires_at > ? AND revoked_at IS NULL AND expires_at > ?",
            [_hash(ticket), now, now],
        ).fetchall()
        if not rows:
            return None
        session_id, expires_at = rows[0]
        changed = cur.execute(
            "UPDATE sessions SET token_hash = ?, ticket_hash = NULL, ticket_expires_at = NULL "
            "WHERE session_id = ? AND ticket_hash = ?",
            [_hash(token), session_id, _hash(ticket)],
        ).fetchall()[0][0]
        if changed != 1:  # redeemed by a concurrent request in between
            return None
    max_age = max(1, int((expires_at - now).total_seconds()))
    return sign(secret(store), token), max_age


_VALID = (
    "SELECT s.session_id, s.expires_at, s.token_hash IS NOT NULL AS redeemed, "
    "u.username, u.display_name, u.role "
    "FROM sessions s JOIN users u ON u.username = s.username "
    "WHERE {where} AND s.revoked_at IS NULL AND s.expires_at > ? AND NOT u.disabled "
    "AND (u.locked_until IS NULL OR u.locked_until <= ?)"
)


def _active(store: Store, where: str, value: str, now: datetime | None) -> Active | None:
    now = users._naive_utc(now)
    frame = store.sql(_VALID.format(where=where), [value, now, now])
    if frame.height == 0:
        return None
    row = frame.row(0, named=True)
    principal = users._principal(store, row)
    return Active(row["session_id"], principal, row["expires_at"], bool(row["redeemed"]))


def check(store: Store, session_id: str | None, *, now: datetime | None = None) -> Active | None:
    """The session ``session_id`` if it is valid now (not expired, not ended, the account
    enabled and not locked); else None."""
    if not session_id:
        return None
    return _active(store, "s.session_id = ?", session_id, now)


def from_cookie(store: Store, value: str | None, *, now: datetime | None = None) -> Active | None:
    """The valid session of a cookie value; None for a missing, forged or ended one."""
    token = unsign(secret(store), value) if value else None
    if token is None:
        return None
    return _active(store, "s.token_hash = ?", _hash(token), now)


def end(store: Store, session_id: str, *, now: datetime | None = None) -> bool:
    """Sign out: end session ``session_id`` on every server (audited); False when it had
    ended already."""
    now = users._naive_utc(now)
    with store.transaction() as cur:
        rows = cur.execute(
            "SELECT username FROM sessions WHERE session_id = ? AND revoked_at IS NULL",
            [session_id],
        ).fetchall()
        if not rows:
            return False
        cur.execute("UPDATE sessions SET revoked_at = ? WHERE session_id = ?", [now, session_id])
        audit(cur, rows[0][0], "sign_out", f"user {rows[0][0]}", "session ended")
    return True


def end_by_cookie(store: Store, value: str | None, *, now: datetime | None = None) -> bool:
    """Sign out with the cookie alone (the server's sign-out route)."""
    active = from_cookie(store, value, now=now)
    return active is not None and end(store, active.session_id, now=now)


def purge(store: Store, *, now: datetime | None = None) -> int:
    """Delete sessions that expired or ended more than a day ago; returns how many."""
    now = users._naive_utc(now)
    before = now - timedelta(days=1)
    with store.transaction() as cur:
        return cur.execute(
            "DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?", [before, before]
        ).fetchall()[0][0]
