"""The session cookie's core (loyalty/sessions.py), on DuckDB and on PostgreSQL: a ticket is
redeemed once for a signed cookie; the cookie signs in until it expires, the user signs out, the
password is reset, the user is removed, disabled or locked; a forged cookie never does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from loyalty import sessions, store, users

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 1, 9, 0)


@pytest.fixture(autouse=True)
def settings(monkeypatch):
    monkeypatch.setattr(
        users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    for name in ("LOYALTY_SESSION_SECRET", "LOYALTY_SESSION_HOURS", "LOYALTY_LOCKOUT_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    sessions._secrets_cache.clear()


@pytest.fixture
def s(stores):
    st = stores.open()
    users.add_user(st, "ada", role="executive", actor="test", password=PASSWORD, regions=[])
    users.add_user(st, "root", role="admin", actor="test", password=PASSWORD)
    yield st
    st.close()


def _cookie(s, username="ada", now=T0) -> tuple[str, str]:
    started = sessions.start(s, username, now=now)
    value, _ = sessions.redeem(s, started.ticket, now=now + timedelta(seconds=5))
    return started.session_id, value


def test_a_redeemed_ticket_gives_a_signed_cookie_that_signs_in(s):
    started = sessions.start(s, "ada", now=T0)
    assert sessions.check(s, started.session_id, now=T0).redeemed is False
    redeemed = sessions.redeem(s, started.ticket, now=T0 + timedelta(seconds=5))
    assert redeemed is not None
    value, max_age = redeemed
    assert max_age == 12 * 3600 - 5
    active = sessions.from_cookie(s, value, now=T0 + timedelta(hours=1))
    assert active.session_id == started.session_id and active.redeemed
    assert active.principal == users.get_principal(s, "ada")
    # the store keeps neither the token nor the ticket
    stored = s.sql("SELECT * FROM sessions").row(0, named=True)
    token = value.rpartition(".")[0]
    assert token not in str(stored.values()) and started.ticket not in str(stored.values())
    assert stored["ticket_hash"] is None and stored["token_hash"] is not None


def test_a_ticket_works_once_and_only_while_fresh(s):
    started = sessions.start(s, "ada", now=T0)
    assert sessions.redeem(s, started.ticket, now=T0) is not None
    assert sessions.redeem(s, started.ticket, now=T0) is None
    late = sessions.start(s, "ada", now=T0)
    too_late = T0 + timedelta(seconds=sessions.TICKET_SECONDS + 1)
    assert sessions.redeem(s, late.ticket, now=too_late) is None
    assert sessions.redeem(s, "made-up", now=T0) is None
    assert sessions.redeem(s, "", now=T0) is None


def test_a_changed_or_foreign_cookie_is_refused(s, monkeypatch):
    _, value = _cookie(s)
    token, _, signature = value.rpartition(".")
    assert sessions.from_cookie(s, f"{token}x.{signature}", now=T0) is None
    assert sessions.from_cookie(s, f"{token}.{'0' * len(signature)}", now=T0) is None
    assert sessions.from_cookie(s, token, now=T0) is None
    assert sessions.from_cookie(s, None, now=T0) is None
    # the same token signed with another key (another installation's secret)
    assert sessions.from_cookie(s, sessions.sign(b"other key", token), now=T0) is None


def test_the_session_expires_after_the_configured_hours(s, monkeypatch):
    monkeypatch.setenv("LOYALTY_SESSION_HOURS", "2")
    session_id, value = _cookie(s)
    assert sessions.from_cookie(s, value, now=T0 + timedelta(hours=1, minutes=59)) is not None
    assert sessions.from_cookie(s, value, now=T0 + timedelta(hours=2)) is None
    assert sessions.check(s, session_id, now=T0 + timedelta(hours=2)) is None


def test_sign_out_ends_the_session_for_every_holder_and_is_audited(s):
    session_id, value = _cookie(s)
    other_id, other = _cookie(s)  # the same user in another browser
    assert sessions.end(s, session_id, now=T0 + timedelta(minutes=1)) is True
    assert sessions.end(s, session_id) is False
    assert sessions.from_cookie(s, value, now=T0 + timedelta(minutes=2)) is None
    assert sessions.check(s, session_id, now=T0 + timedelta(minutes=2)) is None
    assert sessions.check(s, other_id, now=T0 + timedelta(minutes=2)) is not None
    assert sessions.end_by_cookie(s, other, now=T0 + timedelta(minutes=3)) is True
    assert sessions.from_cookie(s, other, now=T0 + timedelta(minutes=4)) is None
    log = s.sql("SELECT actor, action FROM audit_log WHERE action = 'sign_out'")
    assert log.rows() == [("ada", "sign_out"), ("ada", "sign_out")]


def test_a_disabled_or_locked_account_ends_its_sessions(s, monkeypatch):
    session_id, value = _cookie(s)
    with s.transaction() as cur:
        cur.execute("UPDATE users SET disabled = TRUE WHERE username = 'ada'")
    assert sessions.from_cookie(s, value, now=T0) is None
    with s.transaction() as cur:
        cur.execute("UPDATE users SET disabled = FALSE WHERE username = 'ada'")
    assert sessions.check(s, session_id, now=T0) is not None
    monkeypatch.setenv("LOYALTY_LOCKOUT_ATTEMPTS", "2")
    for _ in range(2):
        assert users.verify_password(s, "ada", "wrong password!", now=T0) is None
    assert sessions.check(s, session_id, now=T0 + timedelta(minutes=1)) is None
    # the lock runs out (15 minutes): the session is valid again until it expires
    assert sessions.check(s, session_id, now=T0 + timedelta(minutes=16)) is not None


def test_a_password_reset_or_removal_ends_the_users_sessions(s):
    session_id, _ = _cookie(s)
    root_id, _ = _cookie(s, "root")
    users.reset_password(s, "ada", actor="root")
    assert sessions.check(s, session_id, now=T0) is None
    assert sessions.check(s, root_id, now=T0) is not None
    again, _ = _cookie(s)
    users.remove_user(s, "ada", actor="root")
    assert sessions.check(s, again, now=T0) is None


def test_every_server_on_one_store_signs_with_the_same_secret(stores):
    address = stores.new()
    first, second = store.connect(address), store.connect(address)
    try:
        assert sessions.secret(first) == sessions.secret(second)
        sessions._secrets_cache.clear()
        key = sessions.secret(second)
        assert len(key) >= 48 and key == sessions.secret(first)
    finally:
        first.close()
        second.close()


def test_the_configured_secret_wins(s, monkeypatch):
    monkeypatch.setenv("LOYALTY_SESSION_SECRET", "a secret from the environment")
    _, value = _cookie(s)
    token = value.rpartition(".")[0]
    assert value == sessions.sign(b"a secret from the environment", token)
    monkeypatch.setenv("LOYALTY_SESSION_SECRET", "another one")
    assert sessions.from_cookie(s, value, now=T0) is None


def test_old_sessions_are_purged(s):
    _cookie(s, now=T0 - timedelta(days=3))
    ended, _ = _cookie(s)
    sessions.end(s, ended, now=T0 - timedelta(days=2))
    kept, _ = _cookie(s)
    assert sessions.purge(s, now=T0) == 2
    assert s.sql("SELECT session_id FROM sessions")["session_id"].to_list() == [kept]
