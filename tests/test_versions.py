"""Versions: history, activation, deletion, audit; nothing lost, nothing half-written."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, cli, demo, store, versions
from loyalty.store import Store


@pytest.fixture
def two_versions(stores):
    """A small store whose waves were seeded twice, the second time with other data (on
    DuckDB and on PostgreSQL)."""
    s = stores.open()
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=12, n_waves=2, seed=1)))
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=12, n_waves=2, seed=2)))
    yield s
    s.close()


def _nps(s: Store) -> list[float]:
    return analysis.branch_table(s, "2024-H1")["nps"].to_list()


def test_history_lists_every_version_and_one_active_per_wave(two_versions):
    hist = versions.history(two_versions, "engagement", "2024-H1")
    assert hist["version"].to_list() == [2, 1]
    assert hist["active"].to_list() == [True, False]
    assert hist["imported_by"].to_list() == ["loyalty demo"] * 2
    all_versions = versions.history(two_versions)
    active = all_versions.filter(pl.col("active")).group_by("kind", "wave").len()
    assert (active["len"] == 1).all()


def test_an_earlier_version_can_be_made_active_again(two_versions):
    newest = _nps(two_versions)
    old = versions.history(two_versions, "loyalty", "2024-H1").filter(pl.col("version") == 1)
    revision = two_versions.revision()
    versions.activate(two_versions, old["import_id"][0], actor="tester")
    assert two_versions.revision() != revision  # same number of imports, another one active
    restored = _nps(two_versions)
    assert restored != newest

    first = demo.generate(demo.DemoParams(n_branches=12, n_waves=2, seed=1))
    loy = first.loyalty.filter(pl.col("wave") == "2024-H1").sort("branch_id")
    expected = (
        100
        * (loy["promoters"] - loy["detractors"])
        / (loy["promoters"] + loy["passives"] + loy["detractors"])
    ).to_list()
    assert restored == pytest.approx(expected)
    log = versions.audit_log(two_versions)
    assert log.filter(pl.col("action") == "activate")["actor"].to_list() == ["tester"]


def test_deleting_is_explicit_and_keeps_a_marked_entry(two_versions):
    hist = versions.history(two_versions, "engagement", "2024-H1")
    active_id, old_id = hist["import_id"].to_list()
    with pytest.raises(versions.VersionError) as exc:
        versions.delete(two_versions, active_id, actor="tester")
    assert exc.value.code == "active"
    assert "--allow-active" in exc.value.message("en")
    before = two_versions.sql("SELECT count(*) AS n FROM active_responses")["n"][0]
    removed = versions.delete(two_versions, old_id, actor="tester")
    assert removed > 0
    assert (
        two_versions.sql("SELECT count(*) AS n FROM responses WHERE import_id = ?", [old_id])["n"][
            0
        ]
        == 0
    )
    assert two_versions.sql("SELECT count(*) AS n FROM active_responses")["n"][0] == before
    row = versions.history(two_versions, "engagement", "2024-H1").filter(
        pl.col("import_id") == old_id
    )
    assert row["deleted_by"][0] == "tester" and row["deleted_at"][0] is not None
    with pytest.raises(versions.VersionError):
        versions.activate(two_versions, old_id, actor="tester")
    with pytest.raises(versions.VersionError):
        versions.delete(two_versions, old_id, actor="tester")


def test_deleting_the_active_version_needs_allow_active(two_versions):
    active_id = versions.history(two_versions, "finance", "2024-H2").filter(pl.col("active"))[
        "import_id"
    ][0]
    versions.delete(two_versions, active_id, actor="tester", allow_active=True)
    table = analysis.branch_table(two_versions, "2024-H2")
    assert table["ros"].null_count() == table.height  # no active finance data left


def test_unknown_version(two_versions):
    with pytest.raises(versions.VersionError) as exc:
        versions.activate(two_versions, 999, actor="x")
    assert exc.value.message("de") == "Es gibt keine Version mit der Nummer 999."


def test_every_import_is_in_the_audit_log(two_versions):
    log = versions.audit_log(two_versions)
    imports = versions.history(two_versions)
    assert log.filter(pl.col("action") == "import").height == imports.height


def test_a_version_1_store_is_upgraded_in_place(stores, monkeypatch):
    path = stores.new(migrated=False)
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    old = store.connect(path)
    with old._connection() as con:
        con.execute("INSERT INTO branches VALUES ('B1', 'A', 'Nord', 'City', 5)")
    assert old.schema_version() == 1
    old.close()
    monkeypatch.undo()
    upgraded = store.connect(path)
    assert upgraded.schema_version() == store.SCHEMA_VERSION
    assert upgraded.sql("SELECT name FROM branches")["name"].to_list() == ["A"]
    assert "sha256" in upgraded.sql("SELECT * FROM imports").columns
    upgraded.close()


def test_cli_versions_activate_and_delete(stores, capsys):
    db = stores.new()  # a DuckDB file or a postgresql:// address
    s = store.connect(db)
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=6, n_waves=1, seed=1)))
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=6, n_waves=1, seed=2)))
    s.close()
    assert cli.main(["versions", "--db", db, "--kind", "engagement"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["id", "kind", "wave"]
    assert [line.split()[4] for line in out[1:]] == ["active", "-"]
    old_id = int(out[2].split()[0])
    assert cli.main(["delete-version", str(old_id), "--db", db, "--lang", "en"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert cli.main(["activate", str(old_id), "--db", db, "--lang", "en"]) == 0
    assert f"Version {old_id} is now active." in capsys.readouterr().out
    new_id = int(out[1].split()[0])
    assert cli.main(["delete-version", str(new_id), "--db", db, "--yes", "--lang", "de"]) == 0
    assert "gelöscht" in capsys.readouterr().out
    assert cli.main(["delete-version", str(new_id), "--db", db, "--yes", "--lang", "en"]) == 1
    assert "already been deleted" in capsys.readouterr().err


def test_history_table_words_the_status_and_headings_in_each_language(two_versions):
    hist = versions.history(two_versions)
    de = versions.history_table(hist, "de")
    assert de.columns[:6] == ["ID", "Art", "Welle", "Version", "Status", "Zeilen"]
    engagement = de.filter(pl.col("Art") == "Mitarbeiterbefragung", pl.col("Welle") == "2024-H1")
    assert engagement["Status"].to_list() == ["aktiv", ""]
    assert engagement["Zeilen"].dtype.is_integer()  # numbers stay numbers (sortable)
    deleted_id = int(hist.filter(~pl.col("active"))["import_id"][0])
    versions.delete(two_versions, deleted_id, actor="test")
    en = versions.history_table(versions.history(two_versions), "en")
    assert en.filter(pl.col("ID") == deleted_id)["Status"].to_list() == ["deleted"]
    assert en.filter(pl.col("ID") != deleted_id)["Status"].is_in(["active", ""]).all()


def test_versions_are_picked_by_kind_wave_and_version_in_the_users_language(two_versions):
    hist = versions.history(two_versions)
    de = versions.history_table(hist, "de")
    assert set(de["Art"]) == {
        "Filialliste",
        "Mitarbeiterbefragung",
        "Kundenbindung",
        "Finanzzahlen",
    }
    assert set(versions.history_table(hist, "en")["Kind"]) == {
        "branch list",
        "employee survey",
        "customer loyalty",
        "financial figures",
    }
    when = de["Wann"] if "Wann" in de.columns else de[de.columns[6]]
    assert (when.dt.second() == 0).all() and (when.dt.microsecond() == 0).all()
    labels = versions.version_labels(hist, "de")
    row = hist.filter(
        (pl.col("kind") == "loyalty") & (pl.col("wave") == "2024-H2") & (pl.col("version") == 1)
    ).row(0, named=True)
    label = labels[row["import_id"]]
    assert label.startswith(f"Kundenbindung 2024-H2, Version 1 – {row['row_count']} Zeilen, ")
    assert label.endswith(row["created_at"].strftime("%d.%m.%Y %H:%M"))
    active = hist.filter(pl.col("active") & (pl.col("kind") == "finance")).row(0, named=True)
    assert "version 2 – active, " in versions.version_labels(hist, "en")[active["import_id"]]
