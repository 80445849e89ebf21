"""Users, roles, scopes and password sign-in.

* A user has one **role**; the role decides which actions are allowed (:data:`PERMISSIONS`).
* A user may have **scopes** (regions and/or branches); scoped users see only those branches
  on the dashboards (:meth:`Principal.branch_filter`). No scope means the whole company;
  administrators always see everything.
* Passwords are stored only as **argon2id** hashes (argon2-cffi's ``PasswordHasher``). After
  ``$LOYALTY_LOCKOUT_ATTEMPTS`` (5) failed sign-ins in a row the account is locked for
  ``$LOYALTY_LOCKOUT_MINUTES`` (15) minutes.
* Every sign-in attempt, successful or not, and every change to users is written to the
  insert-only audit log; the password never is, nor its hash.
* With OIDC sign-in (``st.login``) the identity provider checks the password; the app maps the
  signed-in e-mail address to a user here (:func:`user_for_email`).

Times (``locked_until``, ``now``) are naive UTC.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from loyalty import config
from loyalty.i18n import t, worded
from loyalty.store import Store
from loyalty.versions import LOCAL_ACTOR, UNKNOWN_ACTOR, audit

ROLES = ("admin", "hr", "controller", "executive", "presenter")
ACTIONS = (
    "view_dashboards",
    "export",
    "import_engagement",
    "import_loyalty",
    "import_finance",
    "view_data_quality",
    "manage_users",
    "change_settings",
    "delete_versions",
    "view_audit",
    "record_actions",
)
#: The role matrix: which role may do what.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "hr": frozenset(
        {"view_dashboards", "import_engagement", "view_data_quality", "record_actions"}
    ),
    "controller": frozenset({"view_dashboards", "import_loyalty", "import_finance"}),
    "executive": frozenset({"view_dashboards", "record_actions"}),
    "presenter": frozenset({"view_dashboards", "export"}),
}
SCOPE_TYPES = ("region", "branch")
MIN_PASSWORD_LENGTH = 12
UNKNOWN_USER = UNKNOWN_ACTOR

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); tests may swap it.
hasher = PasswordHasher()
_dummy_hash: list[str] = []  # verified against for unknown users: they take as long as others


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(hasher.hash(secrets.token_hex(16)))
    return _dummy_hash[0]


class UserError(ValueError):
    """A request about users that cannot be carried out; ``message(lang)`` says why."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values

    def message(self, lang: str) -> str:
        return t(f"users.{self.code}", lang, **self.values)


@dataclass(frozen=True)
class Principal:
    """Who is signed in: the role decides what they may do, the scopes what they may see."""

    username: str
    role: str
    regions: frozenset[str] = field(default_factory=frozenset)
    branches: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""

    def can(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return action in PERMISSIONS[self.role]

    @property
    def scoped(self) -> bool:
        """True if this user sees only part of the company."""
        return self.role != "admin" and bool(self.regions or self.branches)

    def branch_filter(self, branches: pl.DataFrame | Store) -> frozenset[str] | None:
        """The branch ids this user may see; ``None`` means all of them.

        ``branches`` is the store (its ``branches`` table is read) or a frame with
        ``branch_id`` and ``region``. A scope is the union of the branches of the listed
        regions and the listed branches.
        """
        if not self.scoped:
            return None
        if isinstance(branches, Store):
            branches = branches.sql("SELECT branch_id, region FROM branches")
        allowed = branches.filter(
            pl.col("region").is_in(sorted(self.regions))
            | pl.col("branch_id").is_in(sorted(self.branches))
        )
        return frozenset(allowed["branch_id"].to_list())


@dataclass(frozen=True)
class Session:
    """A successful password sign-in."""

    principal: Principal
    signed_in_at: datetime
    must_change_password: bool = False


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _naive_utc(moment: datetime | None) -> datetime:
    if moment is None:
        return utcnow()
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _normal(username: str) -> str:
    return (username or "").strip().lower()


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError("password_too_short", length=MIN_PASSWORD_LENGTH)


def generate_password() -> str:
    """A random one-time password (16 characters from a URL-safe alphabet)."""
    return secrets.token_urlsafe(12)


def _exists(cur, username: str) -> dict | None:
    rows = cur.execute("SELECT role, disabled FROM users WHERE username = ?", [username]).fetchall()
    return {"role": rows[0][0], "disabled": rows[0][1]} if rows else None


def _check_scopes(cur, regions: Iterable[str], branches: Iterable[str]) -> None:
    known = cur.execute("SELECT region, branch_id FROM branches").fetchall()
    if not known:
        return  # branches not imported yet: scopes are checked once there are some
    known_regions = {r for r, _ in known}
    known_branches = {b for _, b in known}
    for value in regions:
        if value not in known_regions:
            raise UserError("unknown_region", value=value)
    for value in branches:
        if value not in known_branches:
            raise UserError("unknown_branch", value=value)


def add_user(
    store: Store,
    username: str,
    *,
    role: str,
    actor: str,
    display_name: str = "",
    email: str | None = None,
    regions: Iterable[str] = (),
    branches: Iterable[str] = (),
    password: str | None = None,
    one_time_password: bool = False,
) -> str | None:
    """Add a user. ``password`` sets a password; ``one_time_password`` generates one, which is
    returned (it must be changed at the first sign-in). Without either the user can only sign
    in through OIDC until a password is set with :func:`reset_password`."""
    username = _normal(username)
    if not _USERNAME.match(username):
        raise UserError("bad_username", username=username)
    if username == LOCAL_ACTOR:  # the audit log could not tell them apart
        raise UserError("reserved_username", username=username)
    if role not in ROLES:
        raise UserError("bad_role", role=role, roles=", ".join(ROLES))
    email = (email or "").strip().lower() or None
    if email is not None and not _EMAIL.match(email):
        raise UserError("bad_email", email=email)
    regions, branches = sorted(set(regions)), sorted(set(branches))
    generated = None
    if password is not None:
        _check_password(password)
    elif one_time_password:
        password = generated = generate_password()
    password_hash = hasher.hash(password) if password is not None else None
    with store.transaction() as cur:
        if _exists(cur, username):
            raise UserError("exists", username=username)
        if email is not None:
            owner = cur.execute("SELECT username FROM users WHERE email = ?", [email]).fetchall()
            if owner:
                raise UserError("email_taken", email=email, username=owner[0][0])
        _check_scopes(cur, regions, branches)
        cur.execute(
            "INSERT INTO users (username, display_name, email, role, password_hash, "
            "must_change_password) VALUES (?, ?, ?, ?, ?, ?)",
            [username, display_name, email, role, password_hash, generated is not None],
        )
        for scope_type, values in (("region", regions), ("branch", branches)):
            for value in values:
                cur.execute(
                    "INSERT INTO user_scopes VALUES (?, ?, ?)", [username, scope_type, value]
                )
        scope = "; ".join(
            f"{t} {', '.join(v)}" for t, v in (("region", regions), ("branch", branches)) if v
        )
        audit(
            cur,
            actor,
            "user_add",
            f"user {username}",
            f"role {role}; scope {scope or 'all branches'}; "
            f"password {'set' if password_hash else 'none'}",
        )
    return generated


def _end_sessions(cur, username: str) -> None:
    """End the user's sign-in sessions on every server (:mod:`loyalty.sessions`)."""
    cur.execute(
        "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        [utcnow(), username],
    )


def remove_user(store: Store, username: str, *, actor: str) -> None:
    """Delete a user and their scopes (the audit log keeps what they did)."""
    username = _normal(username)
    with store.transaction() as cur:
        row = _exists(cur, username)
        if row is None:
            raise UserError("unknown_user", username=username)
        if row["role"] == "admin" and not row["disabled"]:
            others = cur.execute(
                "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled "
                "AND username <> ?",
                [username],
            ).fetchall()[0][0]
            if others == 0:
                raise UserError("last_admin", username=username)
        cur.execute("DELETE FROM user_scopes WHERE username = ?", [username])
        _end_sessions(cur, username)
        cur.execute("DELETE FROM users WHERE username = ?", [username])
        audit(cur, actor, "user_remove", f"user {username}", f"role {row['role']}")


def reset_password(
    store: Store, username: str, *, actor: str, password: str | None = None
) -> str | None:
    """Set ``password``, or generate a one-time password and return it (to be changed at the
    next sign-in). Either way the lock-out and the failed attempts are reset."""
    username = _normal(username)
    generated = None
    if password is None:
        password = generated = generate_password()
    else:
        _check_password(password)
    password_hash = hasher.hash(password)
    with store.transaction() as cur:
        if _exists(cur, username) is None:
            raise UserError("unknown_user", username=username)
        cur.execute(
            "UPDATE users SET password_hash = ?, must_change_password = ?, failed_attempts = 0, "
            "locked_until = NULL WHERE username = ?",
            [password_hash, generated is not None, username],
        )
        _end_sessions(cur, username)
        audit(
            cur,
            actor,
            "password_reset",
            f"user {username}",
            "one-time password generated" if generated else "password set",
        )
    return generated


def _principal(store: Store, row: dict) -> Principal:
    scopes = store.sql(
        "SELECT scope_type, value FROM user_scopes WHERE username = ?", [row["username"]]
    )
    pick = {
        t: frozenset(scopes.filter(pl.col("scope_type") == t)["value"].to_list())
        for t in SCOPE_TYPES
    }
    return Principal(
        username=row["username"],
        role=row["role"],
        regions=pick["region"],
        branches=pick["branch"],
        display_name=row["display_name"] or "",
    )


def _user_row(store: Store, where: str, value: str) -> dict | None:
    frame = store.sql(
        "SELECT username, display_name, email, role, password_hash, must_change_password, "
        f"failed_attempts, locked_until, disabled FROM users WHERE {where} = ?",
        [value],
    )
    return frame.row(0, named=True) if frame.height else None


def get_principal(store: Store, username: str) -> Principal | None:
    """The enabled user ``username``, or None."""
    row = _user_row(store, "username", _normal(username))
    return None if row is None or row["disabled"] else _principal(store, row)


def user_for_email(store: Store, email: str) -> Principal | None:
    """The enabled user with this e-mail address (case-insensitive), for OIDC sign-in."""
    address = (email or "").strip().lower()
    if not address:
        return None
    row = _user_row(store, "email", address)
    return None if row is None or row["disabled"] else _principal(store, row)


def record_oidc_sign_in(store: Store, email: str) -> Principal | None:
    """Map an e-mail address confirmed by the identity provider to a user and audit it."""
    principal = user_for_email(store, email)
    with store.transaction() as cur:
        if principal is None:
            audit(cur, UNKNOWN_USER, "sign_in_failed", UNKNOWN_USER, "oidc: no such user")
        else:
            audit(cur, principal.username, "sign_in", f"user {principal.username}", "oidc")
    return principal


def verify_password(
    store: Store, username: str, password: str, now: datetime | None = None
) -> Session | None:
    """Check a password sign-in; a :class:`Session` on success, else None.

    Locked, disabled and unknown accounts fail like a wrong password (the caller shows one
    message for all). Attempts are audited with the user name, or as ``(unknown user)`` when
    there is no such user (so that a password typed into the name field is never logged).
    """
    now = _naive_utc(now)
    name = _normal(username)
    row = _user_row(store, "username", name) if name else None
    usable = row is not None and not row["disabled"] and row["password_hash"]
    locked = usable and row["locked_until"] is not None and row["locked_until"] > now
    ok = False
    if usable and not locked:
        try:
            ok = hasher.verify(row["password_hash"], password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy(), password or "")  # the same work as for a real account
    attempts, minutes = config.lockout_attempts(), config.lockout_minutes()
    with store.transaction() as cur:
        if row is None:
            audit(cur, UNKNOWN_USER, "sign_in_failed", UNKNOWN_USER, "password: no such user")
            return None
        target = f"user {name}"
        if not usable:
            why = "disabled" if row["disabled"] else "no password set"
            audit(cur, name, "sign_in_failed", target, f"password: {why}")
            return None
        if locked:
            audit(
                cur, name, "sign_in_locked", target, f"password: locked until {row['locked_until']}"
            )
            return None
        if ok:
            new_hash = (
                hasher.hash(password) if hasher.check_needs_rehash(row["password_hash"]) else None
            )
            cur.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL, "
                "password_hash = coalesce(?, password_hash) WHERE username = ?",
                [new_hash, name],
            )
            audit(cur, name, "sign_in", target, "password")
        else:
            # a lock that has run out starts a fresh count
            previous = 0 if row["locked_until"] is not None else row["failed_attempts"]
            failed = previous + 1
            if failed >= attempts:
                until = now + timedelta(minutes=minutes)
                cur.execute(
                    "UPDATE users SET failed_attempts = 0, locked_until = ? WHERE username = ?",
                    [until, name],
                )
                detail = f"password: attempt {failed} of {attempts}; locked for {minutes} min"
            else:
                cur.execute(
                    "UPDATE users SET failed_attempts = ?, locked_until = NULL WHERE username = ?",
                    [failed, name],
                )
                detail = f"password: attempt {failed} of {attempts}"
            audit(cur, name, "sign_in_failed", target, detail)
    if not ok:
        return None
    return Session(_principal(store, row), now, bool(row["must_change_password"]))


def change_password(
    store: Store, username: str, old_password: str, new_password: str, now: datetime | None = None
) -> None:
    """A user replaces their own password (e.g. the one-time password after the first
    sign-in). Goes through :func:`verify_password`, so wrong attempts count for the lock-out."""
    _check_password(new_password)
    if verify_password(store, username, old_password, now) is None:
        raise UserError("wrong_password")
    name = _normal(username)
    password_hash = hasher.hash(new_password)
    with store.transaction() as cur:
        cur.execute(
            "UPDATE users SET password_hash = ?, must_change_password = FALSE WHERE username = ?",
            [password_hash, name],
        )
        audit(cur, name, "password_change", f"user {name}", "by the user")


def role_name(role: str, lang: str) -> str:
    """A role in words (``role.<role>``)."""
    return t(f"role.{role}", lang)


def users_table(listing: pl.DataFrame, lang: str) -> pl.DataFrame:
    """:func:`list_users` as the Administration page lists it: the roles in words."""
    return listing.with_columns(worded(listing["role"], lambda r: role_name(r, lang)))


def list_users(store: Store) -> pl.DataFrame:
    """All users with role, scopes and status; never a password hash."""
    users = store.sql(
        "SELECT username, display_name, email, role, disabled, failed_attempts, locked_until, "
        "must_change_password, password_hash IS NOT NULL AS has_password, created_at "
        "FROM users ORDER BY username"
    )
    scopes = store.sql(
        "SELECT username, "
        "array_agg(value ORDER BY value) FILTER (WHERE scope_type = 'region') AS regions, "
        "array_agg(value ORDER BY value) FILTER (WHERE scope_type = 'branch') AS branches "
        "FROM user_scopes GROUP BY username"
    )
    if scopes.height == 0:
        return users.with_columns(
            pl.lit([], dtype=pl.List(pl.String)).alias("regions"),
            pl.lit([], dtype=pl.List(pl.String)).alias("branches"),
        )
    return users.join(scopes, on="username", how="left").with_columns(
        pl.col("regions").fill_null([]), pl.col("branches").fill_null([])
    )
