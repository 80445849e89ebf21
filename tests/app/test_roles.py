"""Who may see what, on screen: every role × page × action, scopes, and the sign-in forms
(LOYALTY_AUTH=password). The rules live in loyalty.access / loyalty.users; these tests check
that the app obeys them."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from loyalty import access, analysis, demo, model, sessions, users
from loyalty.importing import run
from loyalty.store import open_store

PAGES = ("overview", "branches", "compare", "branch", "whatif", "drivers", "methods", "data",
         "admin", "present", "actions")  # fmt: skip
ROLES = ("admin", "hr", "controller", "executive", "presenter")
EXPECTED_PAGES = {
    "admin": set(PAGES),
    "hr": set(PAGES) - {"admin"},
    "controller": set(PAGES) - {"admin", "methods"},
    "executive": set(PAGES) - {"admin", "methods", "data"},
    "presenter": set(PAGES) - {"admin", "methods", "data"},
}
NOT_PERMITTED = "Your role does not permit this."


@pytest.fixture
def signed_db(demo_db, tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("roles") / "roles.duckdb"
    shutil.copy(demo_db, path)
    store = open_store(path)
    for role in ROLES:
        users.add_user(store, f"{role}-user", role=role, actor="test", password="x" * 12 + role)
    users.add_user(
        store, "nord-exec", role="executive", regions=["Nord"], actor="test", password="y" * 14
    )
    monkeypatch.setenv("LOYALTY_DB", str(path))
    monkeypatch.setenv("LOYALTY_AUTH", "password")
    return store


def _as(app, store, username, page=None, **query):
    at = app(page and f"pages/{page}.py", lang="en", **query)
    at.session_state["session_id"] = sessions.start(store, username).session_id
    return at.run()


def _texts(at) -> str:
    return "\n".join(str(e.value) for e in (*at.error, *at.warning, *at.info, *at.markdown))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_pages(app, signed_db, role):
    assert {p for p in PAGES if access.Viewer.of(
        signed_db, users.get_principal(signed_db, f"{role}-user")
    ).may_open(p)} == EXPECTED_PAGES[role]  # fmt: skip
    for page in PAGES:
        query = {"branch": "B042"} if page == "branch" else {}
        at = _as(app, signed_db, f"{role}-user", page, **query)
        assert not at.exception, (role, page, at.exception)
        refused = NOT_PERMITTED in [e.value for e in at.error]
        assert refused == (page not in EXPECTED_PAGES[role]), (role, page)


@pytest.mark.parametrize("role", ROLES)
def test_exports_only_for_roles_that_may_export(app, signed_db, role):
    at = _as(app, signed_db, f"{role}-user", "branches")
    keys = {b.key for b in at.get("download_button")}
    may = role in ("admin", "presenter")
    assert ({"dl_csv", "dl_xlsx"} <= keys) == may
    assert ("heatmap_branches_download_png" in keys) == may
    assert ("funnel_download_png" in keys) == may
    at = _as(app, signed_db, f"{role}-user", "present")
    assert bool([b for b in at.button if b.key == "build_pptx"]) == may


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        ("admin", ["engagement", "loyalty", "finance", "branches"]),
        ("hr", ["engagement"]),
        ("controller", ["loyalty", "finance"]),
    ],
)
def test_data_page_offers_only_the_imports_a_role_may_make(
    app, signed_db, role, kinds, demo_data, tmp_path
):
    survey = demo.write_samples(demo_data, tmp_path)[0]  # a second version: one to delete
    assert run.run_import(signed_db, survey, kind="engagement", wave="2025-H2", actor="t").stored
    at = _as(app, signed_db, f"{role}-user", "data")
    assert not at.exception
    assert at.radio(key="data_kind").options == [
        {"engagement": "employee survey", "loyalty": "customer loyalty",
         "finance": "financial figures", "branches": "branch list"}[k]
        for k in kinds
    ]  # fmt: skip
    deleting = [b for b in at.selectbox if b.key == "version_delete_pick"]
    assert bool(deleting) == (role == "admin")


def test_a_region_scoped_user_never_sees_another_region(app, signed_db):
    nord = set(signed_db.sql("SELECT branch_id FROM branches WHERE region = 'Nord'")["branch_id"])
    sued = signed_db.sql("SELECT branch_id FROM branches WHERE region = 'Süd'")["branch_id"][0]
    at = _as(app, signed_db, "nord-exec", "branches")
    assert not at.exception
    shown = set(at.dataframe[0].value.data["branch_id"]) if hasattr(
        at.dataframe[0].value, "data"
    ) else set(at.dataframe[0].value["branch_id"])  # fmt: skip
    assert shown and shown <= nord
    # also by editing the URL
    at = _as(app, signed_db, "nord-exec", "branch", branch=sued)
    assert not at.exception
    assert f"There is no branch “{sued}”." in _texts(at)  # as if it did not exist
    assert not at.metric
    at = _as(app, signed_db, "nord-exec", "compare", branches=f"{sued},{min(nord)}")
    assert at.multiselect(key="compare_select").value == [min(nord)]
    at = _as(app, signed_db, "nord-exec", "present")
    assert not at.exception
    # the overview's statistics are those of Nord's branches
    table = analysis.branch_table(signed_db, "2025-H2")
    nord_table = table.filter(pl.col("region") == "Nord")
    n_nord = model.chain_model(nord_table, n_boot=0).result.n
    assert n_nord < model.chain_model(table, n_boot=0).result.n
    at = _as(app, signed_db, "nord-exec")
    assert f"n\u00a0=\u00a0{n_nord} branches (branch level)" in _texts(at)


def test_what_a_region_scoped_user_computes_ahead_stays_in_the_region(app, signed_db, record_ahead):
    """Served, presenter mode and the Branch page compute ahead in the viewer's own scope
    (the region's branches), never the company's."""
    nord = frozenset(
        signed_db.sql("SELECT branch_id FROM branches WHERE region = 'Nord'")["branch_id"]
    )
    asked = record_ahead()
    assert not _as(app, signed_db, "nord-exec", "present").exception
    assert not _as(app, signed_db, "nord-exec", "branch", branch=min(nord)).exception
    assert {name for name, *_ in asked} >= {"lags", "quadrants", "estimates", "drivers"}
    assert set(asked.scopes) == {nord}
    asked = record_ahead()
    assert not _as(app, signed_db, "executive-user", "present").exception
    assert asked and set(asked.scopes) == {None}  # the whole company's


def test_sign_in_form_wrong_password_then_right(app, signed_db):
    at = app(lang="en").run()
    assert not at.exception
    assert at.text_input(key="sign_in_user") is not None
    at.text_input(key="sign_in_user").input("executive-user")
    at.text_input(key="sign_in_password").input("wrong password")
    at.button[0].click().run()
    assert "Sign-in failed" in at.error[0].value
    at.text_input(key="sign_in_user").input("executive-user")
    at.text_input(key="sign_in_password").input("x" * 12 + "executive")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "The loyalty chain"
    log = signed_db.sql("SELECT action, actor FROM audit_log WHERE action LIKE 'sign_in%'")
    assert log.filter(pl.col("action") == "sign_in_failed").height == 1
    assert log.filter(pl.col("action") == "sign_in")["actor"].to_list() == ["executive-user"]


def test_exports_are_written_to_the_audit_log(app, signed_db):
    """Every download button's data is wrapped in ``audited``; the wrapper logs when it runs."""
    from pages import _shared as ui

    before = signed_db.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'export'")["n"][0]
    build = ui.audited("branch table", lambda: b"x", format="csv")
    assert build() == b"x"
    log = signed_db.sql("SELECT * FROM audit_log WHERE action = 'export' ORDER BY event_id")
    assert log.height == before + 1 and log["target"][-1] == "branch table"


def test_oidc_signed_out_sees_only_the_sign_in_button(app, signed_db, monkeypatch):
    monkeypatch.setenv("LOYALTY_AUTH", "oidc")
    at = app(lang="en")
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.key for b in at.button] == ["oidc_login"]
    assert at.button[0].label == "Sign in with your company account"
    assert not at.get("plotly_chart")


def test_oidc_maps_the_confirmed_email_to_a_user(app, signed_db, monkeypatch):
    monkeypatch.setenv("LOYALTY_AUTH", "oidc")
    users.add_user(
        signed_db, "anna", role="executive", regions=["Nord"], email="anna@example.de",
        actor="test", password=None,
    )  # fmt: skip
    at = app(lang="en")
    at.user = {"is_logged_in": True, "email": "anna@example.de", "name": "Anna"}
    at.run()
    assert not at.exception
    assert at.title[0].value == "The loyalty chain"
    assert at.session_state["principal"].username == "anna"
    log = signed_db.sql("SELECT actor, detail FROM audit_log WHERE action = 'sign_in'")
    assert ("anna", "oidc") in log.rows()


def test_oidc_unknown_email_is_refused(app, signed_db, monkeypatch):
    monkeypatch.setenv("LOYALTY_AUTH", "oidc")
    at = app(lang="en")
    at.user = {"is_logged_in": True, "email": "stranger@example.de"}
    at.run()
    assert not at.exception
    assert at.error[0].value == (
        "No user is set up for stranger@example.de; please ask an administrator."
    )
    assert [b.key for b in at.button] == ["oidc_logout"]
    assert not at.get("plotly_chart")
