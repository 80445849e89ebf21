"""Versions: history, activation, deletion, audit; nothing lost, nothing half-written."""

from __future__ import annotations

import re

import polars as pl
import pytest

from loyalty import access, analysis, cli, demo, store, versions
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


def _two_survey_versions(stores) -> tuple[str, str]:
    db = stores.new()  # a DuckDB file or a postgresql:// address
    s = store.connect(db)
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=6, n_waves=1, seed=1)))
    demo.seed_store(s, demo.generate(demo.DemoParams(n_branches=6, n_waves=1, seed=2)))
    wave = s.sql("SELECT wave FROM waves")["wave"][0]
    s.close()
    return db, wave


def test_cli_versions_are_listed_with_kind_wave_and_number_in_the_users_language(stores_on, capsys):
    db, wave = _two_survey_versions(stores_on("duckdb"))
    assert cli.main(["versions", "--db", db, "--kind", "engagement", "--lang", "de"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["Art", "Welle", "Version", "Status"]
    assert all(line.startswith("Mitarbeiterbefragung (engagement)") for line in out[1:])
    assert [line.split()[2:5] for line in out[1:]] == [[wave, "2", "aktiv"], [wave, "1", "-"]]
    assert re.search(r"  \d\d\.\d\d\.\d{4} \d\d:\d\d  ", out[1])  # German, to the minute
    assert cli.main(["versions", "list", "--db", db, "--kind", "engagement", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["Kind", "Wave", "Version", "Status"]
    assert out[1].startswith("employee survey (engagement)") and " active " in out[1]


def test_cli_activates_and_deletes_a_version_picked_by_wave_kind_and_number(stores, capsys):
    """On DuckDB and on PostgreSQL (``--db postgresql://…``)."""
    db, wave = _two_survey_versions(stores)
    pick = ["--kind", "engagement", "--wave", wave, "--db", db]
    assert cli.main(["versions", "delete", *pick, "--version", "1", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and f"employee survey {wave}, version 1" in err
    assert cli.main(["versions", "activate", *pick, "--version", "1", "--lang", "de"]) == 0
    assert f"Jetzt aktiv: Mitarbeiterbefragung {wave}, Version 1." in capsys.readouterr().out
    s = store.connect(db)
    active = versions.history(s, "engagement").filter(pl.col("active"))["version"].to_list()
    s.close()
    assert active == [1]
    assert cli.main(["versions", "delete", *pick, "--version", "2", "--yes", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert f"Gelöscht: Mitarbeiterbefragung {wave}, Version 2; " in out
    assert "Datensätze aus dem Datenspeicher entfernt (bei einer Befragung jede Antwort" in out
    assert cli.main(["versions", "delete", *pick, "--version", "2", "--yes", "--lang", "en"]) == 1
    assert f"employee survey {wave}, version 2 has already been deleted" in (
        capsys.readouterr().err
    )
    assert cli.main(["versions", "activate", *pick, "--version", "7", "--lang", "en"]) == 1
    assert f"employee survey {wave} has no version 7; there are: 1, 2." in (capsys.readouterr().err)
    # the short forms `activate` / `delete-version` take the same selectors
    assert cli.main(["activate", *pick, "--version", "1", "--lang", "en"]) == 0
    assert cli.main(["delete-version", *pick, "--version", "1", "--yes", "--lang", "en"]) == 1
    assert f"employee survey {wave}, version 1 is active" in capsys.readouterr().err


def test_cli_no_longer_takes_a_bare_import_id(stores_on, capsys):
    db, _ = _two_survey_versions(stores_on("duckdb"))
    with pytest.raises(SystemExit):
        cli.main(["versions", "activate", "3", "--db", db])


def test_history_table_words_the_status_and_headings_in_each_language(two_versions):
    hist = versions.history(two_versions)
    de = versions.history_table(hist, "de")
    assert de.columns[:6] == ["ID", "Art", "Welle", "Version", "Status", "Zeilen"]
    engagement = de.filter(pl.col("Art") == "Mitarbeiterbefragung", pl.col("Welle") == "2024-H1")
    assert engagement["Status"].to_list() == ["aktiv", "inaktiv"]
    assert engagement["Zeilen"].dtype.is_integer()  # numbers stay numbers (sortable)
    deleted_id = int(hist.filter(~pl.col("active"))["import_id"][0])
    versions.delete(two_versions, deleted_id, actor="test")
    en = versions.history_table(versions.history(two_versions), "en")
    assert en.filter(pl.col("ID") == deleted_id)["Status"].to_list() == ["deleted"]
    assert en.filter(pl.col("ID") != deleted_id)["Status"].is_in(["active", "inactive"]).all()


def test_history_table_words_the_products_own_entries_and_keeps_the_users(two_versions):
    """Who imported and from where, where the product itself did (the demo's seeding), in the
    reader's language; user names (also "local") and file names as they are."""
    hist = versions.history(two_versions)
    assert set(hist["imported_by"]) == {"loyalty demo"}
    hist = pl.concat(
        [hist, hist.head(2).with_columns(imported_by=pl.Series([access.LOCAL.username, "anna"]),
                                         source=pl.lit("Umfrage 2025.csv"))]
    )  # fmt: skip
    de, en = (versions.history_table(hist, lang) for lang in ("de", "en"))
    # "local" stays a name: a store from before it was reserved may hold a user so called
    assert set(de["von"]) == {"Loyalty (Demodaten)", "local", "anna"}
    assert set(en["By"]) == {"Loyalty (demo data)", "local", "anna"}
    assert set(de["Datei"]) == {
        "Demodaten (Startwert 1, 12 Filialen)",
        "Demodaten (Startwert 2, 12 Filialen)",
        "Umfrage 2025.csv",
    }
    assert "demo data (seed 2, 12 branches)" in set(en["File"])
    ten_thousand = hist.head(1).with_columns(
        source=pl.lit("demo generator (seed 7, 10000 branches)")
    )
    assert versions.history_table(ten_thousand, "de")["Datei"].to_list() == [
        "Demodaten (Startwert 7, 10.000 Filialen)"
    ]


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


def test_cli_options_before_the_subcommand_are_kept(stores_on, capsys):
    db, wave = _two_survey_versions(stores_on("duckdb"))
    assert cli.main(["versions", "--db", db, "--lang", "en", "list", "--kind", "engagement"]) == 0
    assert capsys.readouterr().out.startswith("Kind ")
    args = ["versions", "--db", db, "--lang", "de", "activate", "--kind", "engagement"]
    assert cli.main([*args, "--wave", wave, "--version", "1"]) == 0
    assert "Jetzt aktiv: Mitarbeiterbefragung" in capsys.readouterr().out


def _audited_actions() -> tuple[set[str], list[str]]:
    """Every action the code hands to the audit log (audit, audit_many, record; by position or
    as ``action=``), and where one is not a literal (but for ``record``'s own pass-through)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [*root.joinpath("loyalty").rglob("*.py"), *root.joinpath("pages").glob("*.py")]
    found: set[str] = set()
    hidden: list[str] = []
    for path in [*files, root / "app.py", root / "serve.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in ("audit", "audit_many", "record"):
                continue
            given = [k.value for k in node.keywords if k.arg == "action"]
            arg = node.args[2] if len(node.args) > 2 else (given[0] if given else None)
            if arg is None:
                continue
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif not (path.name == "versions.py" and isinstance(arg, ast.Name)):
                hidden.append(f"{path.name}:{node.lineno}")
    return found, hidden


def test_every_audited_action_has_words_in_both_languages():
    actions, hidden = _audited_actions()
    assert hidden == []  # an action the scan cannot read could miss its words
    assert {"import", "purge", "export", "action_add", "sign_in_failed"} <= actions
    assert actions <= set(versions.AUDIT_ACTIONS)


def test_the_audit_log_reads_in_the_readers_language_and_keeps_its_record(two_versions):
    versions.record(two_versions, versions.START_ACTOR, "purge", "wave 2024-H1", "ended …")
    versions.record(two_versions, "anna", "export", "branch table", "format=csv")
    unknown = versions.UNKNOWN_ACTOR
    versions.record(two_versions, unknown, "sign_in_failed", unknown, "password: no such user")
    log = versions.audit_log(two_versions)
    de, en = (versions.audit_table(log, lang) for lang in ("de", "en"))
    assert de["action"].to_list()[-3:-1] == ["Antworten gelöscht (Aufbewahrungsfrist)", "Export"]
    assert en["actor"].to_list()[-3:-1] == ["system (at start)", "anna"]
    assert de["actor"].to_list()[-3:-1] == ["System (beim Start)", "anna"]
    assert "Import" in set(de["action"]) and "Loyalty (Demodaten)" in set(de["actor"])
    # a sign-in under an unknown name: the product's own word, in who and in what
    assert [de[c][-1] for c in ("actor", "target")] == ["(unbekannter Name)"] * 2
    assert [en[c][-1] for c in ("actor", "target")] == ["(unknown name)"] * 2
    # what the entry names and its details are otherwise the record as written
    assert de.head(-1).select("target", "detail").equals(log.head(-1).select("target", "detail"))
    assert de["detail"][-1] == "password: no such user"
