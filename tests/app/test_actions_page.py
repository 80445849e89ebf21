"""The Actions page and the Branch page's list of actions: both languages, roles, the form,
the import, the export (AppTest against the seeded demo store)."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from loyalty import actions, sessions, users
from loyalty.store import open_store


def _frame_with(at, column: str):
    """The shown table with that column (AppTest keeps keys only of selectable tables)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def own_db(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "actions.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("LOYALTY_DB", str(path))
    return open_store(path)


@pytest.mark.parametrize(
    ("lang", "start", "date", "moment"),
    [
        ("de", "Beginn", "DD.MM.YYYY", "DD.MM.YYYY HH:mm"),
        ("en", "Start", "YYYY-MM-DD", "YYYY-MM-DD HH:mm"),
    ],
)
def test_the_list_shows_dates_as_the_language_writes_them(app, lang, start, date, moment):
    """Dates, not text: sorted as dates, shown 05.12.2026 on a German page."""
    import json

    at = app("pages/actions.py", lang=lang).run()
    table = next(d for d in at.dataframe if start in d.value.columns)
    assert str(table.value[start].dtype).startswith("datetime64")
    config = json.loads(table.proto.columns)
    assert config[start]["type_config"] == {"type": "date", "format": date}
    changed = next(c for c in config if c not in (start, "_index"))
    assert config[changed]["type_config"] == {"type": "datetime", "format": moment}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_page_lists_the_demo_actions_and_their_effect(app, lang):
    at = app("pages/actions.py", lang=lang).run()
    assert not at.exception
    listing = at.dataframe(key="actions_table").value
    assert len(listing) >= 30
    header = "Maßnahme" if lang == "de" else "Action"
    assert header in listing.columns
    effect = _frame_with(at, "Veränderung in" if lang == "de" else "Change in")
    assert len(effect) == 25  # (all + 4 dimensions) × 5 outcomes
    caution = "nicht zufällig" if lang == "de" else "not randomised"
    assert any(caution in w.value for w in at.warning)
    assert {b.key for b in at.get("download_button")} >= {"actions_csv", "actions_xlsx"}


def test_filters_narrow_the_list(app):
    at = app("pages/actions.py", lang="en").run()
    everything = len(at.dataframe(key="actions_table").value)
    at.multiselect(key="actions_status").select("planned").run()
    planned = at.dataframe(key="actions_table").value
    assert 0 < len(planned) < everything
    assert set(planned["Status"]) == {"planned"}


def test_recording_through_the_form_stores_a_version_and_audits_it(app, own_db):
    at = app("pages/actions.py", lang="en", branch="B042", dimension="leadership").run()
    assert any("Leadership" in i.value for i in at.info)  # the suggestion from "where to start"
    at.text_input[0].input("Weekly huddles")
    at.text_input[1].input("=HYPERLINK(evil)")  # stored as typed, neutralised in exports
    at.button(key="FormSubmitter:actions_form_new-Save").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    stored = actions.current(own_db).filter(pl.col("title") == "Weekly huddles")
    assert stored["branch_ids"].to_list() == [["B042"]]
    assert stored["dimension_id"].to_list() == ["leadership"]
    assert own_db.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'action_add' "
                      "AND actor = 'local'")["n"][0] == 1  # fmt: skip


@pytest.mark.parametrize("role", users.ROLES)
def test_only_roles_that_record_get_the_form(app, own_db, monkeypatch, role):
    users.add_user(own_db, f"{role}-user", role=role, actor="test", password="x" * 14)
    monkeypatch.setenv("LOYALTY_AUTH", "password")
    at = app("pages/actions.py", lang="en")
    at.session_state["session_id"] = sessions.start(own_db, f"{role}-user").session_id
    at.run()
    assert not at.exception
    has_form = any(b.key == "FormSubmitter:actions_form_new-Save" for b in at.button)
    assert has_form == (role in ("admin", "hr", "executive"))
    assert bool(at.dataframe(key="actions_table").value.shape[0])  # everyone reads


def test_the_branch_page_lists_its_actions(app, demo_store):
    first = actions.current(demo_store).row(-1, named=True)
    branch = first["branch_ids"][0]
    at = app("pages/branch.py", lang="de", branch=branch).run()
    assert not at.exception
    table = _frame_with(at, "Maßnahme")
    assert first["title"] in table["Maßnahme"].to_list()


def test_during_the_warm_up_the_list_does_not_wait_for_the_effects(app, own_db, held_effects):
    """Served (warm-up enabled), the page waits at most PATIENCE for the effects of actions:
    the list shows, the effect tab says they are being computed, and once they are it shows
    them."""
    at = app("pages/actions.py", lang="en").run()
    assert not at.exception
    assert len(at.dataframe(key="actions_table").value) >= 30
    assert any("being computed for the current data" in i.value for i in at.info)
    assert not any("Change in" in d.value.columns for d in at.dataframe)
    held_effects.set()
    for _ in range(600):  # the background job ends once the effects are let through
        at.run()
        if not any("being computed" in i.value for i in at.info):
            break
    assert not at.exception
    assert len(_frame_with(at, "Change in")) == 25
