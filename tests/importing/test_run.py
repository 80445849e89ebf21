"""run_import end to end: read → validate → one transaction; rejected imports change nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from loyalty import analysis, demo, i18n
from loyalty.importing.instrument import instrument_for_wave, parse_yaml, to_yaml
from loyalty.importing.run import (
    matching_mappings,
    run_import,
    save_mapping,
    saved_mappings,
)
from loyalty.store import Store, connect

TABLES = (
    "branches",
    "waves",
    "dimensions",
    "items",
    "wave_items",
    "imports",
    "responses",
    "response_scores",
    "loyalty",
    "churn_reasons",
    "financials",
    "mappings",
    "audit_log",
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def snapshot(store: Store) -> dict:
    """Row counts of every table plus the imports and waves rows themselves."""
    counts = {t: store.sql(f"SELECT count(*) AS n FROM {t}")["n"][0] for t in TABLES}
    return {
        "counts": counts,
        "imports": store.sql("SELECT * FROM imports ORDER BY import_id").rows(),
        "waves": store.sql("SELECT * FROM waves ORDER BY wave").rows(),
        "items": store.sql("SELECT * FROM items ORDER BY item_id").rows(),
    }


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """A small demo chain (30 branches, 2 waves) and its sample files."""
    root = tmp_path_factory.mktemp("chain")
    data = demo.generate(demo.DemoParams(n_branches=30, n_waves=2))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    samples = demo.write_samples(data, root / "samples")
    return {"data": data, "base": base, "samples": samples}


#: Tests marked so run on both backends (the store's transaction, versions and rollback on
#: PostgreSQL too); the others on DuckDB.
BOTH = pytest.mark.parametrize("store", ["duckdb", "postgresql"], indirect=True)


@pytest.fixture
def store(request, chain, tmp_path, stores_on):
    backend = getattr(request, "param", "duckdb")
    if backend == "duckdb":
        path = tmp_path / "s.duckdb"
        path.write_bytes(chain["base"].read_bytes())
        s = Store(path)
        yield s
        s.close()
        return
    stores = stores_on(backend)
    s = connect(stores.seeded("import-chain", lambda st: demo.seed_store(st, chain["data"])))
    yield s
    s.close()
    stores.drop_created()


def survey_csv(chain, wave: str | None = None, edit=None) -> bytes:
    """The German survey sample, optionally relabelled to another wave or edited."""
    text = chain["samples"][0].read_bytes().decode("cp1252")
    frame = pl.read_csv(text.encode(), separator=";", infer_schema=False)
    if wave:
        frame = frame.with_columns(pl.lit(wave).alias("Welle"))
    if edit is not None:
        frame = edit(frame)
    return frame.write_csv(separator=";").encode("cp1252")


@BOTH
def test_the_demo_samples_import(chain, store):
    data, (survey, finance, loyalty, _instrument) = chain["data"], chain["samples"]
    wave = data.waves["wave"][-1]
    out = run_import(store, survey, survey.name, "engagement", wave, actor="hr")
    assert out.stored, out.report.render_text("en")
    assert out.version == 2
    assert [(s.wave, s.version) for s in out.imports] == [(wave, 2)]
    n = data.responses.filter(pl.col("wave") == wave).height
    assert out.imports[0].rows == n
    active = store.sql(
        "SELECT count(*) AS n, count(DISTINCT import_id) AS i FROM active_responses WHERE wave = ?",
        [wave],
    ).row(0)
    assert active == (n, 1)
    # the same answers as the generator's, item by item
    stored = store.sql(
        "SELECT item_id, sum(score)::BIGINT AS s FROM active_scores s JOIN active_responses r "
        "USING (import_id, response_id) WHERE r.wave = ? GROUP BY item_id ORDER BY item_id",
        [wave],
    )
    truth = (
        data.scores.join(data.responses.filter(pl.col("wave") == wave), on="response_id")
        .group_by("item_id")
        .agg(pl.col("score").cast(pl.Int64).sum().alias("s"))
        .sort("item_id")
    )
    assert stored.rows() == truth.rows()

    out = run_import(store, finance, finance.name, "finance", None, actor="controlling")
    assert out.stored, out.report.render_text("en")
    fin = store.sql(
        "SELECT branch_id, revenue, operating_profit FROM active_financials WHERE wave = ? "
        "ORDER BY branch_id",
        [wave],
    )
    expected = data.financials.filter(pl.col("wave") == wave).sort("branch_id")
    assert fin["revenue"].to_list() == pytest.approx(expected["revenue"].to_list())
    assert fin["operating_profit"].to_list() == pytest.approx(
        expected["operating_profit"].to_list()
    )

    out = run_import(store, loyalty, loyalty.name, "loyalty", wave, actor="crm")
    assert out.stored
    warnings = [w.kind for w in out.report.validation.warnings]
    assert "churn_kept" in warnings  # the sample has no churn columns: they stay
    table = analysis.branch_table(store, wave)
    assert table.height == 30
    assert table["nps"].is_not_null().all()


def test_metadata_is_kept_and_the_raw_file_is_not(chain, store):
    secret = "anna.schmidt@example.com"
    raw = survey_csv(
        chain,
        edit=lambda f: f.with_columns(pl.lit(secret).alias("E-Mail")),
    )
    wave = chain["data"].waves["wave"][-1]
    out = run_import(store, raw, "umfrage.csv", "engagement", wave, actor="hr-anna")
    assert out.stored, out.report.render_text("de")
    row = store.sql(
        "SELECT source, sha256, size_bytes, file_format, imported_by, dropped_columns, row_count "
        "FROM imports WHERE import_id = ?",
        [out.import_id],
    ).row(0, named=True)
    assert row["source"] == "umfrage.csv"
    assert row["sha256"] == hashlib.sha256(raw).hexdigest()
    assert row["size_bytes"] == len(raw)
    assert row["file_format"] == "csv"
    assert row["imported_by"] == "hr-anna"
    assert json.loads(row["dropped_columns"]) == ["Antwort-ID", "E-Mail"]
    # the e-mail address is nowhere in the store
    text_columns = store.sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' AND table_schema = 'main'"
    ).rows()
    for table, column in text_columns:
        hits = store.sql(
            f'SELECT count(*) AS n FROM "{table}" WHERE "{column}" LIKE ?', [f"%{secret}%"]
        )["n"][0]
        assert hits == 0, (table, column)


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (lambda f: f.with_columns(pl.lit("9").alias("MOT1")), "out_of_range"),
        (lambda f: f.with_columns(pl.lit("B999").alias("Filiale")), "unknown_branch"),
        (lambda f: f.with_columns(pl.lit("7").alias("Antwort-ID")), "duplicate_respondent"),
        (lambda f: f.with_columns(pl.lit("vielleicht").alias("KUN2")), "unknown_label"),
        (lambda f: f.with_columns(pl.lit("2,5").alias("KUN2")), "between_scale_points"),
        (lambda f: f.with_columns(pl.lit("2025-H1").alias("Welle")), "wave_mismatch"),
    ],
)
def test_a_rejected_engagement_import_changes_nothing(chain, store, edit, kind):
    before = snapshot(store)
    wave = chain["data"].waves["wave"][-1]
    out = run_import(store, survey_csv(chain, edit=edit), "f.csv", "engagement", wave, actor="x")
    assert not out.stored
    assert out.import_id is None
    assert kind in out.report.validation.problems["kind"].to_list()
    assert snapshot(store) == before


@BOTH
def test_rejected_loyalty_finance_and_branch_imports_change_nothing(chain, store):
    before = snapshot(store)
    wave = chain["data"].waves["wave"][-1]
    loyalty = pl.read_csv(chain["samples"][2], separator=";", infer_schema=False)
    bad = loyalty.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("999999"))
        .otherwise(pl.col("Gehaltene Kunden"))
        .alias("Gehaltene Kunden")
    )
    out = run_import(
        store, bad.write_csv(separator=";").encode(), "k.csv", "loyalty", wave, actor="x"
    )
    assert out.report.validation.problems["kind"].to_list() == ["retained_exceeds_active"]
    finance = pl.read_excel(chain["samples"][1]).with_columns(pl.lit(-1.0).alias("Umsatz (EUR)"))
    out = run_import(store, finance.write_csv().encode(), "f.csv", "finance", wave, actor="x")
    assert set(out.report.validation.problems["kind"]) == {"negative"}
    branches = b"Filiale;Name;Mitarbeiter\nB001;Neu;abc\n"
    out = run_import(store, branches, "b.csv", "branches", None, actor="x")
    assert out.report.validation.problems["kind"].to_list() == ["not_a_number"]
    out = run_import(store, b"", "leer.csv", "finance", wave, actor="x")
    assert out.report.read_error == ("empty_file", {"filename": "leer.csv"})
    assert "Die Datei „leer.csv“ ist leer." in out.report.render_text("de")
    assert snapshot(store) == before


def test_dry_run_checks_everything_and_stores_nothing(chain, store):
    before = snapshot(store)
    out = run_import(
        store,
        chain["samples"][0],
        None,
        "engagement",
        chain["data"].waves["wave"][-1],
        actor="x",
        dry_run=True,
    )
    assert out.report.ok and not out.stored
    assert "Probelauf: Die Datei ist in Ordnung; nichts wurde gespeichert." in (
        out.report.render_text("de")
    )
    assert snapshot(store) == before


def _reads(monkeypatch) -> list[str]:
    """The names of the files :func:`run_import` reads from now on."""
    from loyalty.importing import run

    seen: list[str] = []
    real = run.read_file

    def counting(source, filename, **kwargs):
        seen.append(filename)
        return real(source, filename, **kwargs)

    monkeypatch.setattr(run, "read_file", counting)
    return seen


def _stored_scores(store: Store, wave: str) -> list[tuple]:
    return store.sql(
        "SELECT r.branch_id, s.item_id, sum(s.score)::BIGINT AS s, count(*) AS n "
        "FROM active_scores s JOIN active_responses r USING (import_id, response_id) "
        "WHERE r.wave = ? GROUP BY r.branch_id, s.item_id ORDER BY r.branch_id, s.item_id",
        [wave],
    ).rows()


@BOTH
def test_a_checked_file_is_stored_without_reading_it_again(chain, store, monkeypatch, tmp_path):
    """The Data page's confirm after its check: the dry run's checked rows are stored as a
    full import would store them, without reading and checking the file a second time."""
    wave = chain["data"].waves["wave"][-1]
    data = survey_csv(chain)
    checked = run_import(store, data, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert checked.checked is not None
    reads = _reads(monkeypatch)
    steps: list[str] = []
    out = run_import(
        store,
        data,
        "s.csv",
        "engagement",
        wave,
        actor="hr",
        checked=checked,
        progress=lambda f, step: steps.append(step),
    )
    assert out.stored and out.version == 2 and not out.report.dry_run
    assert reads == [] and steps == ["storing", "storing", "done"]
    assert out.report.validation.warnings == checked.report.validation.warnings
    # the same rows and metadata as a full import of the same file into the same store
    other_path = tmp_path / "full.duckdb"
    other_path.write_bytes(chain["base"].read_bytes())
    other = Store(other_path)
    full = run_import(other, data, "s.csv", "engagement", wave, actor="hr")
    assert reads == ["s.csv"] and full.stored
    assert _stored_scores(store, wave) == _stored_scores(other, wave)
    meta = "SELECT source, imported_by, sha256, size_bytes, file_format, dropped_columns, "
    meta += "row_count, version FROM imports WHERE wave = ? AND active"
    assert store.sql(meta, [wave]).rows() == other.sql(meta, [wave]).rows()
    other.close()


def test_a_check_is_not_reused_for_other_choices_another_file_or_a_changed_store(
    chain, store, monkeypatch
):
    wave = chain["data"].waves["wave"][-1]
    data = survey_csv(chain)

    def check(source: bytes):
        return run_import(store, source, "s.csv", "engagement", wave, actor="hr", dry_run=True)

    reads = _reads(monkeypatch)
    checked = check(data)
    # the same file with other choices: read and checked as given
    out = run_import(store, data, "s.csv", "engagement", wave, actor="it", checked=checked)
    assert len(reads) == 2 and out.stored and out.version == 2
    # another file than the one checked
    checked = check(data)
    edited = survey_csv(chain, edit=lambda f: f.head(f.height - 1))
    out = run_import(store, edited, "s.csv", "engagement", wave, actor="hr", checked=checked)
    assert len(reads) == 4 and out.stored and out.version == 3
    assert out.imports[0].rows == checked.report.validation.frames["responses"].height - 1
    # the store changed since the check (the import above): nothing stored, checked again
    # for the user to see what holds now (it replaces the version stored in between)
    before = snapshot(store)
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", checked=checked)
    assert len(reads) == 5 and not out.stored and out.rechecked and out.report.dry_run
    assert snapshot(store) == before and out.checked is not None
    # confirmed again: stored as that new check found it
    again = run_import(store, data, "s.csv", "engagement", wave, actor="hr", checked=out)
    assert len(reads) == 5 and again.stored and again.version == 4 and not again.rechecked
    assert again.imports[0].rows == checked.report.validation.frames["responses"].height


@BOTH
def test_a_changed_questionnaire_makes_a_check_stale(chain, store):
    """A scale corrected after the check (same item wording): the check's verdict no longer
    holds, so the confirm checks again, refuses the answers now out of range and stores
    nothing."""
    from dataclasses import replace

    from loyalty.importing.instrument import save_instrument

    wave = "2026-H1"
    asked = instrument_for_wave(store, chain["data"].waves["wave"][-1])
    new = replace(asked.items[0], item_id="NEWX", text_de="Neu", text_en="New", scale_max=7)
    save_instrument(store, wave, replace(asked, items=(*asked.items, new)), "hr")
    data = survey_csv(chain, wave, edit=lambda f: f.with_columns(pl.lit("7").alias("NEWX")))
    checked = run_import(store, data, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert checked.report.ok and checked.checked is not None
    revision = store.revision()
    five = replace(new, scale_max=5)
    save_instrument(store, wave, replace(asked, items=(*asked.items, five)), "hr")
    assert store.revision() != revision  # the definition, not only the wording, counts
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", checked=checked)
    assert out.rechecked and not out.stored and not out.report.ok
    assert "NEWX" in set(out.report.validation.problems["column"])
    assert (
        store.sql("SELECT count(*) AS n FROM response_scores WHERE item_id = 'NEWX'")["n"][0] == 0
    )


def test_a_checked_file_saves_its_mapping_and_a_saved_mapping_is_read_again(
    chain, store, monkeypatch
):
    """The confirm after a check saves the mapping it was asked to; an import by a saved
    mapping's name (which may have changed since the check) never reuses a check."""
    wave = chain["data"].waves["wave"][-1]
    loyalty = chain["samples"][2].read_bytes()
    mapping = {"branch_id": "Filiale", "wave": "Periode", "active_customers": "Aktive Kunden",
               "retained_customers": "Gehaltene Kunden", "promoters": "Promotoren",
               "passives": "Passive", "detractors": "Kritiker"}  # fmt: skip
    reads = _reads(monkeypatch)

    def import_(**how):
        return run_import(store, loyalty, "k.csv", "loyalty", wave, actor="crm", **how)

    checked = import_(mapping=mapping, dry_run=True)
    out = import_(mapping=mapping, checked=checked, save_mapping_as="CRM")
    assert len(reads) == 1 and out.stored and out.report.mapping_saved == "CRM"
    assert [(m.name, m.mapping) for m in saved_mappings(store, "loyalty")] == [("CRM", mapping)]
    checked = import_(mapping_name="CRM", dry_run=True)
    assert checked.checked is not None and len(reads) == 2
    out = import_(mapping_name="CRM", checked=checked)
    assert len(reads) == 3 and out.stored and not out.rechecked


def test_a_file_already_read_is_not_read_again(chain, store, monkeypatch):
    """``as_read``: the Data page's table as read stands for the file; a table of another
    file does not."""
    from loyalty.importing.read import read_file

    wave = chain["data"].waves["wave"][-1]
    data = survey_csv(chain)
    shorter = survey_csv(chain, edit=lambda f: f.head(f.height - 1))
    as_read = read_file(data, "s.csv")
    reads = _reads(monkeypatch)
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", as_read=as_read)
    assert reads == [] and out.stored and out.imports[0].rows == as_read.frame.height
    out = run_import(store, shorter, "s.csv", "engagement", wave, actor="hr", as_read=as_read)
    assert reads == ["s.csv"] and out.stored and out.imports[0].rows == as_read.frame.height - 1


def test_the_report_says_rows_were_not_checked_when_the_columns_do_not_fit(chain, store):
    wave = chain["data"].waves["wave"][-1]
    data = survey_csv(chain, edit=lambda f: f.drop("Filiale"))
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert not out.report.ok and not out.report.validation.rows_checked
    n = out.report.validation.rows_read
    said = f"Zeilen: {i18n.num(n, 'de', 0)} gelesen, nicht geprüft (erst die Spalten müssen passen)"
    assert said in out.report.render_text("de")
    assert "gültig" not in out.report.render_text("de")
    fine = run_import(store, survey_csv(chain), "s.csv", "engagement", wave, actor="hr",
                      dry_run=True)  # fmt: skip
    assert fine.report.validation.rows_checked
    assert "gültig, 0 übersprungen" in fine.report.render_text("de")


def test_a_dry_run_with_problems_leaves_nothing_to_store(chain, store):
    wave = chain["data"].waves["wave"][-1]
    bad = survey_csv(chain, edit=lambda f: f.with_columns(pl.lit("9").alias("MOT1")))
    out = run_import(store, bad, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert not out.report.ok and out.checked is None


@BOTH
def test_each_import_is_a_new_active_version(chain, store):
    wave = chain["data"].waves["wave"][-1]
    for _ in range(2):
        run_import(store, chain["samples"][0], None, "engagement", wave, actor="x")
    versions = store.sql(
        "SELECT version, active FROM imports WHERE kind = 'engagement' AND wave = ? "
        "ORDER BY version",
        [wave],
    ).rows()
    assert versions == [(1, False), (2, False), (3, True)]
    ids = store.sql("SELECT response_id FROM responses")["response_id"]
    assert ids.n_unique() == ids.len()  # response ids are never reused


def test_a_new_wave_is_created_with_the_previous_instrument(chain, store):
    out = run_import(
        store, survey_csv(chain, wave="2025-H1"), "s.csv", "engagement", "2025-h1", actor="x"
    )
    assert out.stored, out.report.render_text("de")
    kinds = [w.kind for w in out.report.validation.warnings]
    assert kinds[0] == "instrument_from_wave" and "new_wave" in kinds
    assert "replaces_version" not in kinds  # a new wave has no version to replace
    assert out.report.validation.warnings[0].message("de") == (
        "Für Welle 2025-H1 ist kein eigener Fragebogen hinterlegt; verwendet wird der "
        "Fragebogen der Welle 2024-H2."
    )
    waves = store.sql(
        "SELECT wave, seq, start_date::VARCHAR AS s, end_date::VARCHAR AS e FROM waves ORDER BY seq"
    ).rows()
    assert waves[-1] == ("2025-H1", 3, "2025-01-01", "2025-06-30")
    assert instrument_for_wave(store, "2025-H1") == instrument_for_wave(store, "2024-H2")
    assert analysis.waves(store)[-1] == "2025-H1"
    assert analysis.branch_table(store, "2025-H1")["engagement"].is_not_null().any()


@BOTH
def test_an_explicit_instrument_is_stored_with_the_import(chain, store):
    base = instrument_for_wave(store, "2024-H2")
    extra = to_yaml(base).replace(
        "  - id: KUN3\n",
        "  - id: KUN4\n    text:\n      de: Ich kenne unser Sortiment.\n"
        "      en: I know our range.\n  - id: KUN3\n",
    )
    instrument = parse_yaml(extra)
    raw = survey_csv(
        chain, wave="2025-H1", edit=lambda f: f.with_columns(pl.lit("4").alias("KUN4"))
    )
    out = run_import(store, raw, "s.csv", "engagement", "2025-H1", actor="x", instrument=instrument)
    assert out.stored, out.report.render_text("de")
    assert len(instrument_for_wave(store, "2025-H1").items) == 13
    assert store.sql("SELECT count(*) AS n FROM active_scores WHERE item_id = 'KUN4'")["n"][0] > 0


@BOTH
def test_mappings_are_saved_offered_and_reused(chain, store):
    wave = chain["data"].waves["wave"][-1]
    loyalty = chain["samples"][2]
    mapping = {
        "branch_id": "Filiale",
        "wave": "Periode",
        "active_customers": "Aktive Kunden",
        "retained_customers": "Gehaltene Kunden",
        "promoters": "Promotoren",
        "passives": "Passive",
        "detractors": "Kritiker",
    }
    out = run_import(
        store,
        loyalty,
        None,
        "loyalty",
        wave,
        mapping=mapping,
        mapping_name="CRM-Export",
        actor="crm",
    )
    assert out.stored and out.report.mapping_saved == "CRM-Export"
    saved = saved_mappings(store, "loyalty")
    assert [(m.name, m.mapping) for m in saved] == [("CRM-Export", mapping)]
    assert saved_mappings(store, "finance") == []
    columns = pl.read_csv(loyalty, separator=";", n_rows=1).columns
    assert [m.name for m in matching_mappings(store, "loyalty", columns)] == ["CRM-Export"]
    assert matching_mappings(store, "loyalty", ["Filiale"]) == []
    out = run_import(store, loyalty, None, "loyalty", wave, mapping_name="CRM-Export", actor="crm")
    assert out.stored and not out.report.mapping_suggested
    before = snapshot(store)
    out = run_import(
        store, loyalty, None, "loyalty", wave, mapping_name="Gibt es nicht", actor="crm"
    )
    assert not out.stored and out.report.unknown_mapping == "Gibt es nicht"
    assert snapshot(store) == before
    save_mapping(store, "Zweite", "loyalty", {"branch_id": "Filiale"}, actor="crm")
    assert {m.name for m in saved_mappings(store, "loyalty")} == {"CRM-Export", "Zweite"}


@BOTH
def test_unknown_branches_skip_and_add(chain, store):
    wave = chain["data"].waves["wave"][-1]

    def rename_two(f: pl.DataFrame) -> pl.DataFrame:
        return f.with_columns(
            pl.when(pl.col("Filiale") == "B001")
            .then(pl.lit("N01"))
            .otherwise(pl.col("Filiale"))
            .alias("Filiale")
        )

    raw = survey_csv(chain, edit=rename_two)
    n_new = (
        pl.read_csv(raw, separator=";", infer_schema=False, encoding="cp1252")
        .filter(pl.col("Filiale") == "N01")
        .height
    )
    skipped = run_import(
        store, raw, "s.csv", "engagement", wave, actor="x", unknown_branches="skip"
    )
    assert skipped.stored
    assert skipped.report.validation.rows_skipped == n_new
    assert store.sql("SELECT count(*) AS n FROM branches WHERE branch_id = 'N01'")["n"][0] == 0
    added = run_import(store, raw, "s.csv", "engagement", wave, actor="x", unknown_branches="add")
    assert added.stored
    assert store.sql(
        "SELECT name, region, format, headcount FROM branches WHERE branch_id = 'N01'"
    ).rows() == [("N01", "", "", 0)]
    assert (
        store.sql("SELECT count(*) AS n FROM active_responses WHERE branch_id = 'N01'")["n"][0]
        == n_new
    )


@BOTH
def test_a_branch_import_updates_what_the_file_has_and_adds_new_branches(store):
    before = store.sql("SELECT * FROM branches WHERE branch_id = 'B002'").row(0, named=True)
    raw = b"Filiale;Mitarbeiter;Region\nB002;99;\nB777;12;Nord\n"
    out = run_import(store, raw, "b.csv", "branches", None, actor="hr")
    assert out.stored, out.report.render_text("de")
    b002 = store.sql("SELECT * FROM branches WHERE branch_id = 'B002'").row(0, named=True)
    assert b002 == {**before, "headcount": 99}  # an empty cell keeps the stored region
    assert store.sql("SELECT * FROM branches WHERE branch_id = 'B777'").rows() == [
        ("B777", "B777", "Nord", "", 12)
    ]
    assert "Gespeichert: Filialliste, Version 2" in out.report.render_text("de")
    assert [w.kind for w in out.report.validation.warnings] == ["new_branches"]


def test_progress_is_reported_in_order(chain, store):
    seen = []
    run_import(
        store,
        chain["samples"][1],
        None,
        "finance",
        None,
        actor="x",
        progress=lambda f, k: seen.append((f, k)),
    )
    assert [k for _, k in seen] == [
        "reading",
        "validating",
        "storing",
        "done",
    ]
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


@BOTH
def test_a_file_with_several_waves_becomes_one_version_per_wave(chain, store):
    data = chain["data"]
    finance = data.financials.join(data.branches.select("branch_id"), on="branch_id").select(
        pl.col("branch_id").alias("Filiale"),
        pl.col("wave").alias("Periode"),
        pl.col("revenue").alias("Umsatz"),
        pl.col("gross_margin").alias("Rohertrag"),
        pl.col("operating_profit").alias("EBIT"),
    )
    out = run_import(
        store,
        finance.write_csv(separator=";", decimal_comma=True).encode(),
        "alle.csv",
        "finance",
        None,
        actor="x",
    )
    assert out.stored, out.report.render_text("de")
    assert [(s.wave, s.version, s.rows) for s in out.imports] == [
        ("2024-H1", 2, 30),
        ("2024-H2", 2, 30),
    ]


# --- the fixture corpus of the reading half -----------------------------------------------------


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.fail(f"the committed fixture {name} is missing (tests/importing/fixtures)")
    return path


@pytest.mark.parametrize(
    ("name", "scores"),
    [
        ("engagement_utf8.csv", 72),
        ("engagement_utf8_bom.csv", 72),
        ("engagement.xlsx", 72),
        ("unicode_text.txt", 12),  # two items: MOT1, MOT2
        ("engagement_cp1252.csv", 12),
    ],
)
def test_fixture_surveys_import(store, name, scores):
    out = run_import(store, fixture(name), name, "engagement", "2025-H1", actor="x")
    assert out.stored, out.report.render_text("de")
    assert out.imports[0].rows == 6
    stored = store.sql(
        "SELECT count(*) AS n FROM response_scores WHERE import_id = ?", [out.import_id]
    )["n"][0]
    assert stored == scores


def test_fixture_german_finance_with_decimal_comma(store):
    out = run_import(
        store, fixture("finance_decimal_comma.csv"), "f.csv", "finance", None, actor="x"
    )
    assert out.stored, out.report.render_text("de")
    assert out.report.validation.decimal == ","
    rows = store.sql(
        "SELECT branch_id, revenue, gross_margin, operating_profit FROM active_financials "
        "WHERE wave = '2025-H1' ORDER BY branch_id"
    ).rows()
    assert rows == [
        ("B001", 1234567.89, 345678.90, -12345.67),
        ("B002", 2345678.0, 612000.50, 98765.43),
        ("B003", 987654.32, 234567.80, 0.0),
    ]


@pytest.mark.parametrize("name", ["loyalty_semicolon_de.csv", "loyalty_comma_en.csv"])
def test_fixture_loyalty_files(store, name):
    out = run_import(store, fixture(name), name, "loyalty", None, actor="x")
    assert out.stored, out.report.render_text("de")
    active = store.sql(
        "SELECT active_customers FROM active_loyalty WHERE wave = '2025-H1' ORDER BY branch_id"
    )["active_customers"].to_list()
    assert active[:3] == [1234, 2480, 987]


def test_fixture_likert_words(store):
    before = snapshot(store)
    out = run_import(store, fixture("likert_de.csv"), "l.csv", "engagement", None, actor="x")
    assert not out.stored
    text = out.report.render_text("de")
    assert (
        "    Zeile 5, Spalte „MOT1“: „Stimme eher halb zu“ (erwartet: Zahl 1–5 oder Antworttext "
        "der Skala)" in text
    )
    assert snapshot(store) == before
    english = fixture("likert_en.csv")
    out = run_import(store, english, "l.csv", "engagement", None, actor="x")
    assert out.report.validation.problems["kind"].to_list() == ["no_item_columns"]
    out = run_import(
        store,
        english,
        "l.csv",
        "engagement",
        None,
        actor="x",
        mapping={"branch_id": "Store ID", "wave": "Wave", "MOT1": "Q1", "MOT2": "Q2"},
    )
    assert out.stored, out.report.render_text("en")
    scores = store.sql(
        "SELECT r.branch_id, s.item_id, s.score FROM response_scores s JOIN responses r "
        "USING (import_id, response_id) WHERE import_id = ? ORDER BY s.response_id, s.item_id",
        [out.import_id],
    ).rows()
    assert scores[:4] == [
        ("B001", "MOT1", 5),
        ("B001", "MOT2", 4),
        ("B001", "MOT1", 3),
        ("B001", "MOT2", 3),
    ]
    assert ("B003", "MOT1", 4) not in scores  # "Don't know" is no answer


def test_fixture_qualtrics_and_surveymonkey(store):
    out = run_import(
        store,
        fixture("qualtrics.csv"),
        "q.csv",
        "engagement",
        None,
        actor="x",
        mapping={"respondent_id": "ResponseId", "branch_id": "Q1", "wave": "Q3"},
    )
    assert out.stored, out.report.render_text("de")
    v = out.report.validation
    assert v.item_columns == {"MOT1": "Q2_1", "COM1": "Q2_2"}
    dropped = [c for c, _ in v.dropped_columns]
    for column in ("IPAddress", "RecipientEmail", "RecipientLastName", "LocationLatitude"):
        assert column in dropped
    out = run_import(
        store,
        fixture("surveymonkey.xlsx"),
        "s.xlsx",
        "engagement",
        "2025-H1",
        actor="x",
        mapping={"respondent_id": "Respondent ID", "branch_id": "In welcher Filiale arbeiten Sie?"},
    )
    assert out.stored, out.report.render_text("de")
    v = out.report.validation
    assert set(v.item_columns) == {"MOT1", "LEA2"}
    # a differently worded statement is listed as unused, not guessed to be COM1
    assert (
        "Wie sehr stimmen Sie den folgenden Aussagen zu? - Ich bin stolz auf das Unternehmen."
        in (v.ignored_columns)
    )
    assert "Collector ID" in [c for c, _ in v.dropped_columns]


@pytest.mark.parametrize(
    ("name", "kind", "wave", "lines"),
    [
        (
            "v_score_out_of_range.csv",
            "engagement",
            "2025-H1",
            [
                "Zeile 2, Spalte „MOT1“: 7 (erwartet: 1–5)",
                "Zeile 3, Spalte „MOT1“: 0 (erwartet: 1–5)",
            ],
        ),
        (
            "v_unknown_branch.csv",
            "engagement",
            "2025-H1",
            [
                "Zeile 3, Spalte „Filiale“: „B999“ – nächstliegende Filialen: B029 Leipzig "
                "Altstadt, B019 Berlin Süd, B009 Osnabrück Altstadt"
            ],
        ),
        (
            "v_duplicate_respondent.csv",
            "engagement",
            None,
            ["Zeile 4, Spalte „Respondent ID“: „R1“ steht schon in Zeile 2."],
        ),
        (
            "v_missing_wave.csv",
            "engagement",
            None,
            [
                "Geben Sie die Welle an (z. B. --wave 2025-H2) oder ordnen Sie eine Spalte mit "
                "der Welle zu."
            ],
        ),
        (
            "v_negative_revenue.csv",
            "finance",
            None,
            ["Zeile 3, Spalte „Umsatz“: -1.000,00 (erwartet: ≥ 0)"],
        ),
        (
            "v_retained_gt_active.csv",
            "loyalty",
            None,
            [
                "Zeile 3, Spalte „Gehaltene Kunden“: 1200 (erwartet: höchstens 1000, die Zahl "
                "der aktiven Kunden)"
            ],
        ),
    ],
)
def test_fixture_error_files_are_rejected_with_exact_lines(store, name, kind, wave, lines):
    before = snapshot(store)
    out = run_import(store, fixture(name), name, kind, wave, actor="x")
    assert not out.stored
    text = out.report.render_text("de")
    for line in lines:
        assert f"    {line}\n" in text, text
    assert out.report.problem_count() == len(lines)
    assert snapshot(store) == before


@BOTH
def test_a_conflicting_instrument_rejects_the_import_and_changes_nothing(chain, store):
    base = instrument_for_wave(store, "2024-H2")
    changed = parse_yaml(to_yaml(base).replace("Ich gehe gern zur Arbeit.", "Ich arbeite gern."))
    before = snapshot(store)
    out = run_import(
        store,
        survey_csv(chain, wave="2025-H1"),
        "s.csv",
        "engagement",
        "2025-H1",
        actor="x",
        instrument=changed,
    )
    assert not out.stored and not out.report.ok
    text = out.report.render_text("de")
    assert "  Der Fragebogen passt nicht zu den gespeicherten Fragen\n" in text
    assert "    Die Frage MOT1 ist bereits mit anderer Definition gespeichert" in text
    assert out.report.problems_frame("en")["kind"].to_list() == [
        "The questionnaire conflicts with the stored items"
    ]
    assert snapshot(store) == before


def test_without_a_wave_the_files_wave_picks_the_questionnaire(chain, store):
    # 2024-H1 has its own questionnaire; the file names the wave only in its column
    out = run_import(
        store, survey_csv(chain, wave="2024-H1"), "s.csv", "engagement", None, actor="x"
    )
    assert out.stored, out.report.render_text("de")
    assert "instrument_from_wave" not in [w.kind for w in out.report.validation.warnings]
    assert [s.wave for s in out.imports] == ["2024-H1"]
