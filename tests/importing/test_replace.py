"""A new version never hides data the user did not ask to replace (issue 15, point 1).

A loyalty file without churn-reason columns keeps the churn reasons of the active version;
branches of the active version that a file lacks are named before the user confirms; a
loyalty, a finance and a survey import in any order leave every other kind as it was."""

from __future__ import annotations

import itertools
from datetime import date

import polars as pl
import pytest

from loyalty import demo, retention
from loyalty.importing.run import run_import
from loyalty.store import Store

WAVE_QUERIES = {
    "responses": "SELECT count(*) FROM active_responses WHERE wave = ?",
    "scores": "SELECT sum(score)::BIGINT FROM active_scores s JOIN active_responses r "
    "USING (import_id, response_id) WHERE r.wave = ?",
    "loyalty": "SELECT sum(active_customers)::BIGINT FROM active_loyalty WHERE wave = ?",
    "churn": "SELECT sum(customers)::BIGINT FROM active_churn WHERE wave = ?",
    "churn_branches": "SELECT count(DISTINCT branch_id) FROM active_churn WHERE wave = ?",
    "finance": "SELECT round(sum(revenue), 2) FROM active_financials WHERE wave = ?",
}


def figures(store: Store, wave: str) -> dict[str, object]:
    cur = store.cursor()
    try:
        return {k: cur.execute(q, [wave]).fetchall()[0][0] for k, q in WAVE_QUERIES.items()}
    finally:
        cur.close()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("replace")
    data = demo.generate(demo.DemoParams(n_branches=12, n_waves=2))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey, finance, loyalty, _ = demo.write_samples(data, root / "samples")
    return {
        "data": data,
        "base": base,
        "files": {"engagement": survey, "finance": finance, "loyalty": loyalty},
    }


@pytest.fixture
def store(chain, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    s = Store(path)
    yield s
    s.close()


def _wave(chain) -> str:
    return chain["data"].waves["wave"][-1]


def test_a_loyalty_file_without_churn_reasons_keeps_them_and_says_so(chain, store):
    wave = _wave(chain)
    before = figures(store, wave)
    assert before["churn"] > 0
    path = chain["files"]["loyalty"]
    check = run_import(store, path, path.name, "loyalty", wave, actor="crm", dry_run=True)
    text_de = check.report.render_text("de")
    text_en = check.report.render_text("en")
    assert (
        f"Die Datei hat keine Abwanderungsgründe; die Abwanderungsgründe von 12 Filialen der "
        f"Welle {wave} bleiben aus Version 1 erhalten." in text_de
    )
    assert (
        f"The file has no churn reasons; the churn reasons of 12 branches of wave {wave} "
        "stay from version 1." in text_en
    )
    assert (
        f"The file becomes version 2 of wave {wave} and replaces the active version 1, which "
        "stays under “Versions” and can be made active again." in text_en
    )
    assert f"Die Datei wird Version 2 der Welle {wave} und ersetzt die aktive Version 1;" in (
        text_de
    )
    out = run_import(store, path, path.name, "loyalty", wave, actor="crm")
    assert out.stored and out.version == 2
    assert figures(store, wave) == before
    # the carried rows belong to the new version: deleting version 1 keeps them
    from loyalty import versions

    old = store.sql(
        "SELECT import_id FROM imports WHERE kind = 'loyalty' AND wave = ? AND version = 1", [wave]
    )["import_id"][0]
    versions.delete(store, old, actor="admin")
    assert figures(store, wave) == before


def test_the_same_file_again_is_named_before_it_adds_an_identical_version(chain, store):
    wave = _wave(chain)
    path = chain["files"]["loyalty"]
    first = run_import(store, path, path.name, "loyalty", wave, actor="crm", lang="de")
    assert first.stored
    again = run_import(store, path, path.name, "loyalty", wave, actor="crm", dry_run=True)
    assert [w.kind for w in again.report.validation.warnings].count("same_file") == 1
    version = first.version
    assert (
        f"Diese Datei ist schon Version {version} der Welle {wave}, die aktive; mit derselben "
        "Zuordnung legt ein erneuter Import eine gleiche neue Version an."
        in again.report.render_text("de")
    )
    # the same file into another wave (a workbook's next sheet, a file without a wave
    # column) is no repeat
    frame = pl.read_csv(path.read_bytes().decode("cp1252").encode(), separator=";")
    wave_column = next(c for c in frame.columns if frame[c].cast(pl.String).eq(wave).all())
    no_wave = frame.drop(wave_column).write_csv(separator=";").encode()
    assert run_import(store, no_wave, "k.csv", "loyalty", wave, actor="crm").stored
    other_wave = chain["data"].waves["wave"][-2]
    elsewhere = run_import(store, no_wave, "k.csv", "loyalty", other_wave, actor="c", dry_run=True)
    assert elsewhere.report.validation.ok, elsewhere.report.render_text("en")
    assert "same_file" not in [w.kind for w in elsewhere.report.validation.warnings]
    same = run_import(store, no_wave, "k.csv", "loyalty", wave, actor="crm", dry_run=True)
    assert "same_file" in [w.kind for w in same.report.validation.warnings]
    # another file (one figure changed) is no such note
    frame = pl.read_csv(path.read_bytes().decode("cp1252").encode(), separator=";")
    other = frame.with_columns(pl.col(frame.columns[2]) + 1).write_csv(separator=";").encode()
    changed = run_import(store, other, "k.csv", "loyalty", wave, actor="crm", dry_run=True)
    assert "same_file" not in [w.kind for w in changed.report.validation.warnings]


def test_a_partial_loyalty_file_keeps_churn_reasons_only_of_its_branches(chain, store):
    """A version of a wave replaces it whole: the churn reasons carried over belong to the
    branches the new version has loyalty figures of, not to the ones it no longer shows."""
    wave = _wave(chain)
    path = chain["files"]["loyalty"]
    frame = pl.read_csv(path.read_bytes().decode("cp1252").encode(), separator=";")
    branch_col = frame.columns[0]
    three = frame[branch_col].sort().head(3).to_list()
    part = frame.filter(pl.col(branch_col).is_in(three)).write_csv(separator=";").encode()
    check = run_import(store, part, "korrektur.csv", "loyalty", wave, actor="crm", dry_run=True)
    assert (
        f"the churn reasons of 3 branches of wave {wave} stay from version 1"
        in check.report.render_text("en")
    )
    out = run_import(store, part, "korrektur.csv", "loyalty", wave, actor="crm")
    assert out.stored and out.version == 2
    kept = store.sql("SELECT DISTINCT branch_id FROM active_churn WHERE wave = ?", [wave])
    assert sorted(kept["branch_id"].to_list()) == sorted(three)
    shown = store.sql("SELECT DISTINCT branch_id FROM active_loyalty WHERE wave = ?", [wave])
    assert sorted(shown["branch_id"].to_list()) == sorted(three)


def test_a_loyalty_file_with_churn_reasons_replaces_them(chain, store):
    wave = _wave(chain)
    path = chain["files"]["loyalty"]
    frame = pl.read_csv(path.read_bytes().decode("cp1252").encode(), separator=";")
    frame = frame.with_columns(pl.lit(3).alias("Preis"))
    out = run_import(
        store,
        frame.write_csv(separator=";").encode(),
        "k.csv",
        "loyalty",
        wave,
        actor="crm",
        lang="en",
    )
    assert out.stored, out.report.render_text("en")
    assert "churn reasons" not in out.report.render_text("en")
    assert figures(store, wave)["churn"] == 3 * 12


def test_branches_missing_from_the_file_are_named_before_confirming(chain, store):
    wave = _wave(chain)
    path = chain["files"]["finance"]
    frame = pl.read_excel(path)
    short = frame.filter(~pl.col("Filiale").is_in(["B003", "B007"]))
    data = short.write_csv(separator=";").encode()
    out = run_import(store, data, "f.csv", "finance", wave, actor="c", dry_run=True, lang="de")
    assert out.report.ok
    assert (
        f"2 Filialen mit Finanzzahlen in Version 1 der Welle {wave} fehlen in dieser Datei; "
        "nach dem Import werden ihre Finanzzahlen nicht mehr gezeigt: B003, B007"
    ) in out.report.render_text("de")


def test_a_new_version_that_changes_a_shown_branch_by_a_few_responses_says_so(chain, store):
    """Before confirming: a branch shown in both versions whose responses change by fewer
    than the minimum (its figures before and after would give those few answers) is named,
    in German and English; the same file again changes nothing and says nothing."""
    wave = _wave(chain)
    path = chain["files"]["engagement"]
    frame = pl.read_csv(path, separator=";", encoding="cp1252", infer_schema=False)
    sizes = frame.group_by("Filiale").len().filter(pl.col("len") >= 8).sort("Filiale")
    branch, n = sizes.row(0)
    rows = frame.with_row_index().filter(pl.col("Filiale") == branch)["index"].head(2)
    fewer = frame.with_row_index().filter(~pl.col("index").is_in(rows.implode())).drop("index")
    data = fewer.write_csv(separator=";").encode()
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert out.report.ok
    assert (
        f"Gegenüber Version 1 der Welle {wave} ändert sich die Zahl der Antworten, die in die "
        f"Engagement-Werte eingehen, bei 1 Filiale um weniger als 5: {branch} ({n} → {n - 2}). "
        "Wer die Werte der Version 1 gesehen hat"
    ) in out.report.render_text("de")
    assert (
        f"Against version 1 of wave {wave}, for 1 branch the number of responses counted in the "
        f"engagement figures changes by fewer than 5: {branch} ({n} → {n - 2})"
    ) in out.report.render_text("en")
    same = frame.write_csv(separator=";").encode()
    again = run_import(store, same, "s.csv", "engagement", wave, actor="hr", dry_run=True)
    assert "few_changed" not in [w.kind for w in again.report.validation.warnings]
    # the same rows, two of them without any answer to one dimension: they no longer count,
    # and the difference of the figures would give their answers
    blanked = (
        frame.with_row_index()
        .with_columns(
            pl.when(pl.col("index").is_in(rows.implode())).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("LEA1", "LEA2", "LEA3")  # the leadership items
        )
        .drop("index")
    )
    data = blanked.write_csv(separator=";").encode()
    out = run_import(store, data, "s.csv", "engagement", wave, actor="hr", dry_run=True, lang="en")
    assert out.report.ok
    assert f"fewer than 5: {branch} ({n} → {n - 2})" in out.report.render_text("en")


def test_a_new_version_of_a_purged_wave_is_checked_against_the_figures_it_showed(chain, store):
    """Once a wave's answers are purged its pages show the saved branch figures: a new
    version is checked against those (the answers are gone)."""
    wave = _wave(chain)
    purged = retention.purge(store, months=1, now=date(2100, 1, 1), actor="t")
    assert wave in [w.wave for w in purged.waves]
    frame = pl.read_csv(
        chain["files"]["engagement"], separator=";", encoding="cp1252", infer_schema=False
    )
    sizes = frame.group_by("Filiale").len().filter(pl.col("len") >= 8).sort("Filiale")
    branch, n = sizes.row(0)
    rows = frame.with_row_index().filter(pl.col("Filiale") == branch)["index"].head(1)
    fewer = frame.with_row_index().filter(~pl.col("index").is_in(rows.implode())).drop("index")
    data = fewer.write_csv(separator=";").encode()
    out = run_import(store, data, "p.csv", "engagement", wave, actor="hr", dry_run=True, lang="en")
    assert out.report.ok
    assert f"fewer than 5: {branch} ({n} → {n - 1})" in out.report.render_text("en")


@pytest.mark.parametrize(
    "order", list(itertools.permutations(("loyalty", "finance", "engagement")))
)
def test_imports_in_any_order_hide_nothing(chain, store, order):
    wave = _wave(chain)
    before = figures(store, wave)
    for kind in order:
        path = chain["files"][kind]
        out = run_import(store, path, path.name, kind, wave, actor="t", lang="en")
        assert out.stored, out.report.render_text("en")
        assert figures(store, wave) == before, kind
        warnings = [w.kind for w in out.report.validation.warnings]
        assert not [w for w in warnings if w.startswith("missing_branches")]
