from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher

from loyalty import cli, demo, users
from loyalty.store import Store


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    monkeypatch.setattr(
        users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.setattr(users, "_dummy_hash", [])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.duckdb"
    st = Store(path)
    demo.seed_store(st, demo.generate(demo.DemoParams(n_branches=12, n_waves=4)))
    st.close()
    return str(path)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_user_add_prints_a_one_time_password_that_works(db, capsys):
    code, out, _ = _run(
        capsys, "user", "add", "Anna", "--role", "hr", "--region", "Nord", "--email",
        "anna@example.de", "--db", db, "--lang", "en", "--actor", "root",
    )  # fmt: skip
    assert code == 0 and "User anna added (role hr)." in out
    otp = out.strip().rsplit(" ", 1)[-1]
    st = Store(db)
    try:
        session = users.verify_password(st, "anna", otp)
        assert session is not None and session.must_change_password
        assert session.principal.regions == {"Nord"}
        assert users.user_for_email(st, "anna@example.de").username == "anna"
        assert st.sql("SELECT actor FROM audit_log WHERE action = 'user_add'")["actor"][0] == (
            "root"
        )
    finally:
        st.close()


def test_user_add_reads_the_password_from_stdin(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code, out, _ = _run(capsys, "user", "add", "boss", "--role", "admin", "--password-stdin",
                        "--db", db, "--lang", "de")  # fmt: skip
    assert code == 0 and "Benutzer boss angelegt" in out and "Einmal-Passwort" not in out
    st = Store(db)
    try:
        assert users.verify_password(st, "boss", "a long enough password") is not None
    finally:
        st.close()


def test_user_add_refuses_bad_input(db, capsys, monkeypatch):
    code, _, err = _run(capsys, "user", "add", "x1", "--role", "hr", "--region", "Atlantis",
                        "--db", db, "--lang", "en")  # fmt: skip
    assert code == 1 and "Unknown region 'Atlantis'" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = _run(capsys, "user", "add", "x2", "--role", "hr", "--password-stdin",
                        "--db", db, "--lang", "en")  # fmt: skip
    assert code == 1 and "at least 12 characters" in err
    with pytest.raises(SystemExit) as exc:
        cli.main(["user", "add", "x3", "--role", "root", "--db", db])
    assert exc.value.code == 2
    capsys.readouterr()


def test_user_list_reset_remove(db, capsys):
    _run(capsys, "user", "add", "root", "--role", "admin", "--db", db)
    _run(capsys, "user", "add", "hr.nord", "--role", "hr", "--region", "Nord", "--branch",
         "B001", "--no-password", "--db", db)  # fmt: skip
    code, out, _ = _run(capsys, "user", "list", "--db", db, "--lang", "en")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[1].startswith("hr.nord | hr | - | region Nord; branch B001 | active")
    assert lines[2].startswith("root | admin | - | all branches | active")
    code, out, _ = _run(capsys, "user", "reset", "hr.nord", "--db", db, "--lang", "en")
    assert code == 0 and "One-time password" in out
    code, _, err = _run(capsys, "user", "remove", "root", "--db", db, "--lang", "en")
    assert code == 1 and "last active administrator" in err
    code, out, _ = _run(capsys, "user", "remove", "hr.nord", "--db", db, "--lang", "en")
    assert code == 0 and "removed" in out
    code, _, err = _run(capsys, "user", "remove", "hr.nord", "--db", db, "--lang", "en")
    assert code == 1 and "no user hr.nord" in err


def test_purge_dry_run_then_purge(db, capsys):
    code, out, _ = _run(capsys, "purge", "--months", "12", "--dry-run", "--db", db,
                        "--lang", "en")  # fmt: skip
    assert code == 0 and "Dry run" in out and "2024-H1" in out
    st = Store(db)
    before = st.sql("SELECT count(*) AS n FROM responses")["n"][0]
    st.close()
    code, out, _ = _run(capsys, "purge", "--months", "12", "--db", db, "--lang", "de")
    assert code == 0 and "Gelöscht" in out
    st = Store(db)
    try:
        assert st.sql("SELECT count(*) AS n FROM responses")["n"][0] < before
        assert st.sql("SELECT count(*) AS n FROM branch_aggregates")["n"][0] > 0
    finally:
        st.close()
    code, out, _ = _run(capsys, "purge", "--months", "12", "--db", db, "--lang", "en")
    assert code == 0 and "Nothing to purge" in out
