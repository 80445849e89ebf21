"""Importing a list of actions: mapping, validation with row/column/value in both languages,
scope, all-or-nothing; and the export, neutralised against spreadsheet formulas."""

from __future__ import annotations

import datetime as dt

import pytest

from loyalty import access, actions, actions_import, exports, users
from loyalty.importing.read import read_file
from loyalty.store import Store

GOOD = (
    "Filiale;Dimension;Maßnahme;Verantwortlich;Beginn;Status\n"
    "B1;Führung;Feedbackgespräche;A. Becker;01.03.2025;läuft\n"
    "Süd;motivation;Teamziele;M. Schneider;2025-04-01;\n"
    'B1, B2;Leadership;=HYPERLINK("x");K. Wagner;2025-05-01;abgeschlossen\n'
)
BAD = (
    "Filiale;Dimension;Maßnahme;Verantwortlich;Beginn;Status\n"
    "B1;Führung;Gut;A. Becker;01.03.2025;läuft\n"
    "B9;Führung;Unbekannte Filiale;A. Becker;01.03.2025;läuft\n"
    "B2;Gehalt;Falsche Dimension;A. Becker;01.03.2025;läuft\n"
    "B2;Führung;Falsches Datum;A. Becker;31.02.2025;läuft\n"
    "B2;Führung;Falscher Status;A. Becker;01.03.2025;vielleicht\n"
)


@pytest.fixture
def s(tmp_path):
    st = Store(tmp_path / "import.duckdb")
    with st.transaction() as cur:
        cur.execute(
            "INSERT INTO branches VALUES ('B1', 'Eins', 'Nord', 'City', 10), "
            "('B2', 'Zwei', 'Nord', 'Mall', 12), ('B3', 'Drei', 'Süd', 'City', 8)"
        )
        cur.execute(
            "INSERT INTO dimensions VALUES ('leadership', 'Führung', 'Leadership', 1), "
            "('motivation', 'Motivation', 'Motivation', 2)"
        )
    yield st
    st.close()


def _viewer(s, role="hr", **scope):
    principal = users.Principal("importer", role, regions=frozenset(scope.get("regions", ())))
    return access.Viewer.of(s, principal)


def _checked(s, text: str, viewer, name="massnahmen.csv"):
    raw = read_file(text.encode("cp1252", errors="replace"), name)
    return actions_import.check(s, viewer, raw, actions_import.suggest(list(raw.frame.columns)))


def test_checking_a_list_lets_go_of_the_store(s):
    """A served store lets go of its file for waiting commands only when no read holds it:
    checking a list must end its reads (it kept the connection for the rest of the process)."""
    assert _checked(s, GOOD, _viewer(s)).ok
    assert _checked(s, BAD, _viewer(s)).problems
    assert s._users == 0


def test_a_good_list_is_mapped_checked_and_stored_whole(s):
    viewer = _viewer(s)
    checked = _checked(s, GOOD, viewer)
    assert checked.ok, [p.text("en") for p in checked.problems]
    ids = actions_import.store_checked(s, viewer, checked, actor="hr-anna", source="import x")
    assert len(ids) == 3
    now = actions.current(s).sort("action_id")
    assert now["target_type"].to_list() == ["branch", "region", "list"]
    assert now["status"].to_list() == ["running", "planned", "done"]
    assert now["dimension_id"].to_list() == ["leadership", "motivation", "leadership"]
    assert now["start_date"].to_list()[0] == dt.date(2025, 3, 1)
    assert now["branch_ids"].to_list()[1] == ["B3"]
    audit = s.sql("SELECT actor, action FROM audit_log")
    assert audit["action"].to_list() == ["action_add"] * 3
    # the export neutralises the formula a spreadsheet would run
    listing = actions.listing(now, s.sql("SELECT * FROM dimensions"), "de")
    csv = exports.table_csv(listing, "de").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "Maßnahme" in csv.splitlines()[0]
    xlsx = exports.table_xlsx(listing, "en", "Actions")
    assert xlsx[:2] == b"PK"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_problems_name_row_column_value_and_nothing_is_stored(s, lang):
    checked = _checked(s, BAD, _viewer(s))
    assert not checked.ok
    found = {(p.row, p.column, p.value, p.code) for p in checked.problems}
    assert found == {
        (3, "Filiale", "B9", "unknown_branch"),
        (4, "Dimension", "Gehalt", "dimension"),
        (5, "Beginn", "31.02.2025", "date"),
        (6, "Status", "vielleicht", "status"),
    }
    table = actions_import.problems_frame(checked, lang)
    assert table.columns[0] == ("Zeile" if lang == "de" else "Row")
    expected = "erwartet" if lang == "de" else "expected"
    assert all(expected in text for text in table[table.columns[3]].to_list()[1:])
    with pytest.raises(ValueError):
        actions_import.store_checked(s, _viewer(s), checked, actor="x", source="x")
    assert s.sql("SELECT count(*) AS n FROM action_versions")["n"][0] == 0


def test_rows_outside_the_scope_are_problems_and_read_only_roles_cannot_store(s):
    checked = _checked(s, GOOD, _viewer(s, regions=["Nord"]))
    assert [(p.row, p.code) for p in checked.problems] == [(3, "out_of_scope")]
    good = _checked(s, GOOD, _viewer(s))
    with pytest.raises(access.NotPermitted):
        actions_import.store_checked(s, _viewer(s, "controller"), good, actor="c", source="x")
    assert s.sql("SELECT count(*) AS n FROM action_versions")["n"][0] == 0


def test_unmapped_required_fields_are_named(s):
    raw = read_file(b"Filiale;Irgendwas\nB1;x\n", "x.csv")
    checked = actions_import.check(
        s, _viewer(s), raw, actions_import.suggest(["Filiale", "Irgendwas"])
    )
    assert {p.value or p.column for p in checked.problems} >= {"title", "owner", "start_date"}
    assert "title" in checked.problems[0].text("en") or "dimension_id" in checked.problems[0].text(
        "en"
    )
