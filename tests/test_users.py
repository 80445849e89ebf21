from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from argon2 import PasswordHasher

from loyalty import store, users
from loyalty.store import Store

PASSWORD = "correct horse battery"

#: The role matrix of issues 6 and 18, written out independently of loyalty.users.PERMISSIONS.
MATRIX = {
    "admin": set(users.ACTIONS),
    "hr": {"view_dashboards", "import_engagement", "view_data_quality", "record_actions"},
    "controller": {"view_dashboards", "import_loyalty", "import_finance"},
    "executive": {"view_dashboards", "record_actions"},
    "presenter": {"view_dashboards", "export"},
}


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    """argon2id still, with small costs so the tests run fast."""
    monkeypatch.setattr(
        users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(users, "_dummy_hash", [])
    for name in ("LOYALTY_LOCKOUT_ATTEMPTS", "LOYALTY_LOCKOUT_MINUTES"):
        monkeypatch.delenv(name, raising=False)


#: Tests marked so run on PostgreSQL too (those that read or write the store in their own
#: way: scopes, constraints, list, audit, lock-out times); the others on DuckDB.
BOTH = pytest.mark.parametrize("s", ["duckdb", "postgresql"], indirect=True)


@pytest.fixture
def s(request, stores_on):
    stores = stores_on(getattr(request, "param", "duckdb"))
    st = stores.open()
    with st.transaction() as cur:
        cur.execute(
            "INSERT INTO branches VALUES ('B1', 'Eins', 'Nord', 'City', 10), "
            "('B2', 'Zwei', 'Nord', 'Mall', 12), ('B3', 'Drei', 'Süd', 'City', 8), "
            "('B4', 'Vier', 'West', 'Outlet', 9)"
        )
    yield st
    st.close()
    stores.drop_created()


def _audit(st: Store) -> pl.DataFrame:
    return st.sql("SELECT * FROM audit_log ORDER BY event_id")


# --- the role matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", users.ROLES)
@pytest.mark.parametrize("action", users.ACTIONS)
def test_role_matrix(role, action):
    assert users.Principal("u", role).can(action) is (action in MATRIX[role])


def test_the_matrix_covers_exactly_the_actions_of_the_issue():
    assert set(users.ACTIONS) == {
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
    }
    assert set(users.PERMISSIONS) == set(MATRIX) == set(users.ROLES)
    with pytest.raises(ValueError):
        users.Principal("u", "admin").can("drop_tables")


# --- scopes --------------------------------------------------------------------------------


def test_branch_filter_from_regions_and_branches(s):
    assert users.Principal("a", "executive").branch_filter(s) is None  # no scope: all
    north = users.Principal("a", "hr", regions=frozenset({"Nord"}))
    assert north.branch_filter(s) == {"B1", "B2"}
    mixed = users.Principal("a", "hr", regions=frozenset({"Süd"}), branches=frozenset({"B4"}))
    assert mixed.branch_filter(s) == {"B3", "B4"}
    frame = s.sql("SELECT branch_id, region FROM branches")
    assert mixed.branch_filter(frame) == {"B3", "B4"}
    # administrators see everything, whatever scope they carry
    assert users.Principal("a", "admin", regions=frozenset({"Nord"})).branch_filter(s) is None


@BOTH
def test_scopes_are_stored_and_checked(s):
    users.add_user(s, "hr1", role="hr", actor="t", regions=["Nord"], branches=["B3"])
    p = users.get_principal(s, "HR1")
    assert (p.regions, p.branches) == ({"Nord"}, {"B3"})
    with pytest.raises(users.UserError) as exc:
        users.add_user(s, "hr2", role="hr", actor="t", regions=["Atlantis"])
    assert exc.value.code == "unknown_region"
    with pytest.raises(users.UserError) as exc:
        users.add_user(s, "hr2", role="hr", actor="t", branches=["B99"])
    assert exc.value.code == "unknown_branch"
    assert users.get_principal(s, "hr2") is None


# --- adding, removing, resetting -----------------------------------------------------------


@BOTH
def test_add_user_validates(s):
    for kwargs, code in [
        ({"username": "x"}, "bad_username"),
        ({"username": "a b"}, "bad_username"),
        ({"username": "Local"}, "reserved_username"),  # who acts without sign-in
        ({"role": "superuser"}, "bad_role"),
        ({"email": "not-an-address"}, "bad_email"),
        ({"password": "short"}, "password_too_short"),
    ]:
        args = {"username": "ok.user", "role": "hr", "actor": "t", **kwargs}
        with pytest.raises(users.UserError) as exc:
            users.add_user(s, **args)
        assert exc.value.code == code
        assert exc.value.message("de") and exc.value.message("en")
    users.add_user(s, "ok.user", role="hr", actor="t", email="A@B.de")
    with pytest.raises(users.UserError, match="exists"):
        users.add_user(s, "OK.user", role="hr", actor="t")
    with pytest.raises(users.UserError, match="email_taken"):
        users.add_user(s, "other", role="hr", actor="t", email="a@b.DE")


@BOTH
def test_the_role_constraint_is_in_the_schema_too(s):
    import duckdb
    import psycopg

    broken = (duckdb.ConstraintException, psycopg.errors.CheckViolation)
    with pytest.raises(broken), s.transaction() as cur:
        cur.execute("INSERT INTO users (username, role) VALUES ('z', 'root')")


def test_passwords_are_stored_as_argon2id_only(s):
    users.add_user(s, "anna", role="hr", actor="t", password=PASSWORD)
    stored = s.sql("SELECT password_hash FROM users")["password_hash"][0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password_hash" not in users.list_users(s).columns


def test_one_time_password_must_be_changed(s):
    otp = users.add_user(s, "anna", role="hr", actor="t", one_time_password=True)
    assert otp and len(otp) >= users.MIN_PASSWORD_LENGTH
    session = users.verify_password(s, "anna", otp)
    assert session is not None and session.must_change_password
    users.change_password(s, "anna", otp, PASSWORD)
    session = users.verify_password(s, "anna", PASSWORD)
    assert session is not None and not session.must_change_password
    assert users.verify_password(s, "anna", otp) is None
    with pytest.raises(users.UserError, match="wrong_password"):
        users.change_password(s, "anna", "wrong password!", "another long password")


def test_user_without_password_cannot_sign_in_with_one(s):
    assert users.add_user(s, "oidc.only", role="executive", actor="t", email="o@x.de") is None
    assert users.verify_password(s, "oidc.only", "") is None
    assert _audit(s)["detail"][-1] == "password: no password set"


def test_reset_password_generates_or_sets_and_unlocks(s):
    users.add_user(s, "anna", role="hr", actor="t", password=PASSWORD)
    now = datetime(2026, 1, 1, 12, 0)
    for _ in range(5):
        users.verify_password(s, "anna", "wrong", now)
    assert users.verify_password(s, "anna", PASSWORD, now) is None  # locked
    otp = users.reset_password(s, "anna", actor="admin")
    assert otp is not None
    assert users.verify_password(s, "anna", otp, now).must_change_password
    assert users.reset_password(s, "anna", actor="admin", password="a brand new password") is None
    assert users.verify_password(s, "anna", "a brand new password", now) is not None
    with pytest.raises(users.UserError, match="unknown_user"):
        users.reset_password(s, "nobody", actor="admin")


@BOTH
def test_remove_user_keeps_the_last_admin(s):
    users.add_user(s, "root", role="admin", actor="t", password=PASSWORD)
    users.add_user(s, "hr1", role="hr", actor="t", regions=["Nord"])
    with pytest.raises(users.UserError, match="last_admin"):
        users.remove_user(s, "root", actor="t")
    users.remove_user(s, "hr1", actor="root")
    assert users.get_principal(s, "hr1") is None
    assert s.sql("SELECT count(*) AS n FROM user_scopes")["n"][0] == 0
    users.add_user(s, "root2", role="admin", actor="t")
    users.remove_user(s, "root", actor="root2")
    with pytest.raises(users.UserError, match="unknown_user"):
        users.remove_user(s, "root", actor="root2")


def test_user_for_email_maps_oidc_identities(s):
    users.add_user(s, "anna", role="presenter", actor="t", email="Anna.Schmidt@Example.de")
    p = users.user_for_email(s, " anna.schmidt@example.DE ")
    assert p is not None and p.username == "anna" and p.can("export")
    assert users.user_for_email(s, "someone@example.de") is None
    assert users.user_for_email(s, "") is None
    s.sql("UPDATE users SET disabled = TRUE")  # a disabled user maps to nobody
    assert users.user_for_email(s, "anna.schmidt@example.de") is None
    assert users.record_oidc_sign_in(s, "anna.schmidt@example.de") is None
    assert _audit(s)["action"][-1] == "sign_in_failed"


@BOTH
def test_list_users_shows_roles_scopes_and_status(s):
    assert users.list_users(s).height == 0
    users.add_user(s, "bb", role="hr", actor="t", regions=["Nord", "Süd"], branches=["B4"])
    users.add_user(s, "aa", role="admin", actor="t")
    frame = users.list_users(s)
    assert frame["username"].to_list() == ["aa", "bb"]
    assert frame["regions"].to_list() == [[], ["Nord", "Süd"]]
    assert frame["branches"].to_list() == [[], ["B4"]]


# --- sign-in, lock-out, audit --------------------------------------------------------------


@BOTH
def test_sign_in_success_and_failure_are_audited_never_the_password(s):
    users.add_user(s, "anna", role="hr", actor="admin", password=PASSWORD, regions=["Nord"])
    session = users.verify_password(s, "Anna", PASSWORD)
    assert session is not None
    assert session.principal == users.Principal("anna", "hr", frozenset({"Nord"}))
    assert users.verify_password(s, "anna", "wrong guess 1") is None
    assert users.verify_password(s, "nobody", "typed into the name field") is None
    assert users.verify_password(s, PASSWORD, "x") is None  # password in the name field
    log = _audit(s)
    assert log["action"].to_list() == [
        "user_add",
        "sign_in",
        "sign_in_failed",
        "sign_in_failed",
        "sign_in_failed",
    ]
    assert log["actor"].to_list()[-2:] == [users.UNKNOWN_USER, users.UNKNOWN_USER]
    text = " ".join(str(v) for row in log.rows() for v in row)
    for secret in (PASSWORD, "wrong guess 1", "typed into the name field", "$argon2"):
        assert secret not in text


@BOTH
def test_lock_out_after_five_failures_for_fifteen_minutes(s):
    users.add_user(s, "anna", role="hr", actor="t", password=PASSWORD)
    start = datetime(2026, 3, 1, 9, 0)
    for i in range(4):
        assert users.verify_password(s, "anna", f"wrong {i}", start) is None
    # four failures: not locked yet, a right password resets the count
    assert users.verify_password(s, "anna", PASSWORD, start) is not None
    for i in range(5):
        assert users.verify_password(s, "anna", f"wrong {i}", start) is None
    row = s.sql("SELECT locked_until FROM users").row(0)
    assert row[0] == start + timedelta(minutes=15)
    # locked: even the right password fails, until the lock has run out
    assert users.verify_password(s, "anna", PASSWORD, start + timedelta(minutes=14)) is None
    assert _audit(s)["action"][-1] == "sign_in_locked"
    assert users.verify_password(s, "anna", PASSWORD, start + timedelta(minutes=15, seconds=1))
    # after the lock the count starts again from zero
    later = start + timedelta(hours=1)
    for i in range(4):
        users.verify_password(s, "anna", f"again {i}", later)
    assert users.verify_password(s, "anna", PASSWORD, later) is not None


def test_lock_out_is_configurable(s, monkeypatch):
    monkeypatch.setenv("LOYALTY_LOCKOUT_ATTEMPTS", "2")
    monkeypatch.setenv("LOYALTY_LOCKOUT_MINUTES", "60")
    users.add_user(s, "anna", role="hr", actor="t", password=PASSWORD)
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    users.verify_password(s, "anna", "x", now)
    users.verify_password(s, "anna", "y", now)
    assert users.verify_password(s, "anna", PASSWORD, now + timedelta(minutes=59)) is None
    assert users.verify_password(s, "anna", PASSWORD, now + timedelta(minutes=61)) is not None


def test_disabled_users_cannot_sign_in(s):
    users.add_user(s, "anna", role="hr", actor="t", password=PASSWORD)
    s.sql("UPDATE users SET disabled = TRUE")
    assert users.verify_password(s, "anna", PASSWORD) is None
    assert users.get_principal(s, "anna") is None


@BOTH
def test_user_changes_are_audited(s):
    users.add_user(s, "anna", role="hr", actor="root", password=PASSWORD, regions=["Nord"])
    users.reset_password(s, "anna", actor="root")
    users.remove_user(s, "anna", actor="root")
    log = _audit(s)
    assert log["action"].to_list() == ["user_add", "password_reset", "user_remove"]
    assert set(log["actor"]) == {"root"}
    assert log["detail"][0] == "role hr; scope region Nord; password set"


# --- migration 3 ---------------------------------------------------------------------------


def test_migrations_are_numbered_in_ascending_order():
    """migrate() skips every number at or below the file's version, so a migration listed
    after a higher number would never run: the list must stay sorted."""
    numbers = [m[0] for m in store.MIGRATIONS]
    assert numbers == sorted(set(numbers))
    assert 3 in numbers and max(numbers) == store.SCHEMA_VERSION


def test_a_store_at_version_2_gets_users_and_aggregates(tmp_path, monkeypatch):
    base = [m for m in store.MIGRATIONS if m[0] <= 2]
    three = next(m for m in store.MIGRATIONS if m[0] == 3)
    import duckdb

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    monkeypatch.setattr(store, "MIGRATIONS", base)
    assert store.migrate(con) == [1, 2]
    monkeypatch.setattr(store, "MIGRATIONS", [*base, three])
    assert store.migrate(con) == [3]
    assert store.current_version(con) == 3
    assert store.migrate(con) == []
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert {"users", "user_scopes", "branch_aggregates"} <= tables
    con.close()


@pytest.mark.parametrize(
    ("url", "path"),
    [("http://h:8501/branch?branch=B042", "branch"), ("http://h/", ""), (None, ""),
     ("https://h/loyalty/data", "data")],
)  # fmt: skip
def test_page_path_of_a_deep_link(url, path):
    from loyalty import access

    assert access.page_path(url) == path


def test_the_users_table_names_the_roles_in_words(s):
    users.add_user(s, "hr.one", role="hr", actor="t")
    listing = users.list_users(s)
    assert users.users_table(listing, "de").filter(pl.col("username") == "hr.one")[
        "role"
    ].to_list() == ["Personalabteilung (HR)"]
    assert users.role_name("executive", "en") == "Management"
    assert users.role_name("executive", "de") == "Geschäftsleitung"
