"""Action plans: recording, changing (append-only history), roles × operations, scope, audit."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from loyalty import access, actions, users
from loyalty.i18n import t
from loyalty.store import Store

ROLES_THAT_RECORD = {"admin", "hr", "executive"}


@pytest.fixture
def s(tmp_path):
    st = Store(tmp_path / "actions.duckdb")
    with st.transaction() as cur:
        cur.execute(
            "INSERT INTO branches VALUES ('B1', 'Eins', 'Nord', 'City', 10), "
            "('B2', 'Zwei', 'Nord', 'Mall', 12), ('B3', 'Drei', 'Süd', 'City', 8)"
        )
        cur.execute(
            "INSERT INTO dimensions VALUES ('leadership', 'Führung', 'Leadership', 1), "
            "('motivation', 'Motivation', 'Motivation', 2)"
        )
        cur.execute(
            "INSERT INTO waves VALUES ('2025-H1', 1, '2025-01-01', '2025-06-30'), "
            "('2025-H2', 2, '2025-07-01', '2025-12-31')"
        )
    yield st
    st.close()


def viewer(s: Store, role: str = "hr", **scope) -> access.Viewer:
    principal = users.Principal(
        "u-" + role,
        role,
        regions=frozenset(scope.get("regions", ())),
        branches=frozenset(scope.get("branches", ())),
    )
    return access.Viewer.of(s, principal)


def draft(**changes) -> actions.Draft:
    base = {
        "dimension_id": "leadership",
        "title": "Feedback every six weeks",
        "owner": "A. Becker",
        "start_date": dt.date(2025, 8, 1),
        "status": "planned",
        "target_type": "branch",
        "target_value": "B1",
    }
    return actions.Draft(**{**base, **changes})


def audit(s: Store) -> pl.DataFrame:
    return s.sql("SELECT actor, action, target, detail FROM audit_log ORDER BY event_id")


@pytest.mark.parametrize("role", users.ROLES)
def test_each_role_records_and_changes_exactly_as_the_matrix_says(s, role):
    v = viewer(s, role)
    if role in ROLES_THAT_RECORD:
        action_id = actions.add(s, v, draft(), actor=v.principal.username)
        assert actions.change(s, v, action_id, draft(status="running"), actor="x") == 2
        assert audit(s)["action"].to_list() == ["action_add", "action_change"]
    else:  # presenter and controller read only: nothing is written, not even to the audit log
        with pytest.raises(access.NotPermitted):
            actions.add(s, v, draft(), actor="x")
        admin_id = actions.add(s, viewer(s, "admin"), draft(), actor="admin")
        with pytest.raises(access.NotPermitted):
            actions.change(s, v, admin_id, draft(status="done"), actor="x")
        assert audit(s)["action"].to_list() == ["action_add"]
        assert actions.current(s)["status"].to_list() == ["planned"]
    assert actions.current(s).height == 1  # and everyone reads it


def test_changes_are_new_versions_with_who_and_what_in_history_and_audit(s):
    v = viewer(s, "hr")
    action_id = actions.add(s, v, draft(), actor="hr-anna")
    actions.change(s, v, action_id, draft(status="running", owner="M. Schneider"), actor="hr-ben")
    history = actions.history(s, action_id)
    assert history["version"].to_list() == [2, 1]
    assert history["changed_by"].to_list() == ["hr-ben", "hr-anna"]
    assert history["status"].to_list() == ["running", "planned"]  # the old version is kept
    last = audit(s).row(-1, named=True)
    assert (last["actor"], last["action"], last["target"]) == (
        "hr-ben",
        "action_change",
        f"action {action_id}",
    )
    assert "status: planned → running" in last["detail"] and "owner:" in last["detail"]
    # nothing changed: no new version, no audit entry
    before = audit(s).height
    same = draft(status="running", owner="M. Schneider")
    assert actions.change(s, v, action_id, same, actor="hr-ben") == 2
    assert audit(s).height == before


def test_the_audit_line_counts_one_branch_in_the_singular(s):
    actions.add(s, viewer(s, "admin"), draft(target_value="B3"), actor="a")
    assert "(1 branch)," in audit(s)["detail"][-1]


def test_scope_limits_recording_changing_and_reading(s):
    nord = viewer(s, "executive", regions=["Nord"])
    actions.add(s, nord, draft(target_type="region", target_value="Nord"), actor="exec")
    with pytest.raises(actions.ActionError) as err:
        actions.add(s, nord, draft(target_value="B3"), actor="exec")
    assert err.value.code == "out_of_scope"
    assert "B3" in err.value.message("en") and "B3" in err.value.message("de")
    # one branch: singular in both languages (not "Filiale(n) liegen", "branch(es) lie")
    assert err.value.message("de").startswith("1 Filiale liegt außerhalb")
    assert err.value.message("en").startswith("1 branch lies outside")
    with pytest.raises(actions.ActionError) as err:
        actions.add(s, nord, draft(target_type="list", target_value="B3, B9"), actor="exec")
    assert err.value.message("de").startswith("Unbekannte Filiale: B9.")
    admin = viewer(s, "admin")
    everywhere = actions.add(s, admin, draft(target_type="list", target_value="B3, B1"), actor="a")
    # an action that covers a branch outside the scope cannot be changed from inside it
    with pytest.raises(actions.ActionError):
        actions.change(s, nord, everywhere, draft(target_type="list", target_value="B1"), actor="e")
    # reading: actions touching the scope, with only the scope's branches
    seen = actions.current(s, nord.branches)
    assert sorted(seen["branch_ids"].to_list()) == [["B1"], ["B1", "B2"]]
    b3_only = viewer(s, "hr", branches=["B3"])
    assert actions.current(s, b3_only.branches)["branch_ids"].to_list() == [["B3"]]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"dimension_id": "pay"}, "dimension"),
        ({"title": "  "}, "empty"),
        ({"owner": "x" * 501}, "too_long"),
        ({"status": "someday"}, "status"),
        ({"target_type": "city"}, "target_type"),
        ({"target_value": "B9"}, "unknown_branch"),
        ({"target_type": "region", "target_value": "Atlantis"}, "no_branches"),
    ],
)
def test_bad_drafts_are_refused_in_both_languages_and_nothing_is_stored(s, changes, code):
    with pytest.raises(actions.ActionError) as err:
        actions.add(s, viewer(s, "admin"), draft(**changes), actor="a")
    assert err.value.code == code
    assert err.value.message("de") != err.value.message("en")
    assert s.sql("SELECT count(*) AS n FROM action_versions")["n"][0] == 0
    assert audit(s).height == 0


@pytest.mark.parametrize(
    ("n", "de", "en"),
    [
        (1, "1 Maßnahme, 1 Filiale", "1 action, 1 branch"),
        (1200, "1.200 Maßnahmen, 1.200 Filialen", "1,200 actions, 1,200 branches"),
    ],
)
def test_counts_of_actions_take_the_plural_of_their_language(n, de, en):
    assert t("actions.count", "de", n=n, branches=n) == de
    assert t("actions.count", "en", n=n, branches=n) == en
    assert t("actions.import.rejected", "en", n=1).startswith("1 problem:")
    assert t("actions.import.ready", "de", n=1) == "1 Maßnahme geprüft und bereit."
    assert t("actions.import.done", "en", n=2) == "2 actions stored."


def test_targets_cover_their_branches_and_the_listing_speaks_the_language(s):
    admin = viewer(s, "admin")
    actions.add(s, admin, draft(target_type="format", target_value="City"), actor="a")
    actions.add(
        s, admin, draft(start_date=dt.date(2025, 2, 1), dimension_id="motivation"), actor="a"
    )
    now = actions.current(s)
    assert now["branch_ids"].to_list() == [["B1", "B3"], ["B1"]]
    assert now["wave"].to_list() == ["2025-H2", "2025-H1"]  # the wave holding the start date
    dims = s.sql("SELECT dimension_id, name_de, name_en FROM dimensions")
    de = actions.listing(now, dims, "de")
    en = actions.listing(now, dims, "en")
    assert de["dimension"].to_list() == ["Führung", "Motivation"]
    assert de["status_label"].to_list() == ["geplant", "geplant"]
    assert en["target"].to_list() == ["Format City", "B1"]
    chosen = actions.matching(
        now, s.sql("SELECT * FROM branches"), actions.Filter(regions=("Süd",))
    )
    assert chosen["target_value"].to_list() == ["City"]
    by_wave = actions.matching(
        now, s.sql("SELECT * FROM branches"), actions.Filter(waves=("2025-H1",))
    )
    assert by_wave["dimension_id"].to_list() == ["motivation"]


def test_the_history_is_append_only_in_the_schema(s):
    actions.add(s, viewer(s, "admin"), draft(), actor="a")
    # the same version twice is refused by the key
    with pytest.raises(Exception, match="(?i)constraint|duplicate"), s.transaction() as cur:
        cur.execute("INSERT INTO action_versions SELECT * FROM action_versions WHERE version = 1")
    assert actions.revision(s) == 1


def test_the_actions_revision_is_read_once_per_write(s, queries_of):
    """Every run of a page with actions asks for their revision: asked again without a write
    in between, the store answers without a query; a recorded action is seen at once."""
    assert actions.revision(s) == 0
    with queries_of(s) as queries:
        assert actions.revision(s) == 0
    assert not queries
    actions.add(s, viewer(s, "admin"), draft(), actor="a")
    assert actions.revision(s) == 1
