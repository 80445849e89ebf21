"""Exports: formula injection, confidentiality exactly as on screen, formats per language."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import polars as pl
import pytest

from loyalty import actions, actions_view, analysis, charts, exports, tables, versions, wording
from loyalty.i18n import t


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Köln", "Köln"),
        ("", ""),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_text_columns_are_neutralised_numbers_kept():
    frame = pl.DataFrame({"name": ['=HYPERLINK("x")', "Bonn", "-evil"], "nps": [-5.0, 1.0, 2.0]})
    out = exports.safe_text(frame)
    assert out["name"].to_list() == ['\'=HYPERLINK("x")', "Bonn", "'-evil"]
    assert out["nps"].to_list() == [-5.0, 1.0, 2.0]
    assert [exports.neutralise(v) for v in frame["name"]] == out["name"].to_list()


@pytest.fixture
def listing(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    return analysis.branch_list(table, "fewer than 5 responses")


def test_csv_in_german_and_english(listing):
    de = exports.table_csv(listing, "de")
    assert de.startswith(b"\xef\xbb\xbf")
    text = de.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Nr.", "Filiale", "Region"]
    back = pl.read_csv(io.StringIO(text), separator=";", decimal_comma=True)
    assert back.height == listing.height
    assert back["NPS"].to_list() == pytest.approx(listing["nps"].to_list(), abs=0.006)
    en = exports.table_csv(listing, "en").decode("utf-8-sig")
    assert en.splitlines()[0].startswith("ID,Branch,Region")


def test_exports_never_contain_a_suppressed_value(listing, demo_store):
    hidden = listing.filter(pl.col("note") != "")
    assert hidden.height
    raw = analysis._engagement_by_branch(demo_store, "2025-H2")  # the unsuppressed figures
    secret = raw.filter(pl.col("branch_id").is_in(hidden["branch_id"].to_list()))
    for data in (exports.table_csv(listing, "en"), exports.table_csv(listing, "de")):
        text = data.decode("utf-8-sig")
        back = pl.read_csv(
            io.StringIO(text),
            separator=";" if ";" in text.splitlines()[0] else ",",
            decimal_comma=";" in text.splitlines()[0],
        )
        rows = back.filter(pl.col(back.columns[0]).is_in(hidden["branch_id"].to_list()))
        assert rows["Engagement"].null_count() == rows.height
    xlsx = pl.read_excel(io.BytesIO(exports.table_xlsx(listing, "en")))
    rows = xlsx.filter(pl.col("ID").is_in(hidden["branch_id"].to_list()))
    assert rows["Engagement"].null_count() == rows.height
    assert secret["engagement"].null_count() == 0  # the secret exists, but not in the files


def test_xlsx_keeps_numbers_as_numbers(listing):
    back = pl.read_excel(io.BytesIO(exports.table_xlsx(listing, "de")))
    assert back.columns[:2] == ["Nr.", "Filiale"]
    assert back["NPS"].dtype == pl.Float64 and back["Mitarbeitende"].dtype == pl.Int64


@pytest.mark.browser
def test_chart_images_render_in_the_system_chromium(demo_store, tmp_path):
    if not Path(exports.CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exports.CHROMIUM} is missing: `make test` installs it as root")
        pytest.skip(f"{exports.CHROMIUM} is missing")
    table = analysis.branch_table(demo_store, "2025-H2")
    fig = charts.link_scatter(
        table,
        analysis.chain_links(table)[0],
        "de",
        wording.link_subtitle(analysis.chain_links(table)[0], "de"),
    )
    png = exports.chart_image(fig, "png", width=800, height=500)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    svg = exports.chart_image(fig, "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Engagement" in svg
    pdf = exports.chart_image(fig, "pdf")
    assert pdf.startswith(b"%PDF")
    with pytest.raises(ValueError):
        exports.chart_image(fig, "gif")


# --- the Branches page's downloads: every figure with its n, level and interval -----------------

EXPORT_HEADERS = {
    "de": [
        "Nr.",
        "Filiale",
        "Region",
        "Format",
        "Mitarbeitende",
        "Engagement: n (Antworten)",
        "Engagement (Mitarbeitendenebene, Mittelwert)",
        "Engagement: 95\u2011%\u2011KI unten",
        "Engagement: 95\u2011%\u2011KI oben",
        "NPS: n (Kundenantworten)",
        "NPS (Filialebene)",
        "NPS: 95\u2011%\u2011KI unten",
        "NPS: 95\u2011%\u2011KI oben",
        "Kundenbindung: n (Kunden)",
        "Kundenbindung % (Filialebene)",
        "Kundenbindung: 95\u2011%\u2011KI unten",
        "Kundenbindung: 95\u2011%\u2011KI oben",
        "Umsatzrendite % (Filialebene, Finanzkennzahl: Vollerhebung, ohne Intervall)",
        "Hinweis",
    ],
    "en": [
        "ID",
        "Branch",
        "Region",
        "Format",
        "Staff",
        "Engagement: n (responses)",
        "Engagement (employee level, mean)",
        "Engagement: 95% CI low",
        "Engagement: 95% CI high",
        "NPS: n (customer answers)",
        "NPS (branch level)",
        "NPS: 95% CI low",
        "NPS: 95% CI high",
        "Retention: n (customers)",
        "Retention % (branch level)",
        "Retention: 95% CI low",
        "Retention: 95% CI high",
        "Return on sales % (branch level, financial figure: full count, no interval)",
        "Note",
    ],
}


def _read_csv(data: bytes, lang: str) -> pl.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    de = lang == "de"
    return pl.read_csv(io.StringIO(text), separator=";" if de else ",", decimal_comma=de)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_branch_export_has_each_figures_n_level_and_interval(demo_store, lang):
    table = analysis.branch_table(demo_store, "2025-H2")
    frame = tables.branch_export(table, lang, 5)
    assert frame.columns == EXPORT_HEADERS[lang]
    shown = table.filter(~pl.col("suppressed"))
    back = _read_csv(exports.table_csv(frame, lang, label=False), lang)
    assert back.columns == EXPORT_HEADERS[lang] and back.height == table.height
    rows = back.filter(pl.col(back.columns[0]).is_in(shown["branch_id"].to_list()))
    h = dict(zip(analysis.EXPORT_COLUMNS, EXPORT_HEADERS[lang], strict=True))
    for column in ("engagement", "engagement_low", "engagement_high", "nps", "nps_low",
                   "nps_high", "retention", "retention_low", "retention_high", "ros"):  # fmt: skip
        assert rows[h[column]].to_list() == pytest.approx(shown[column].to_list(), abs=0.006)
    for column in ("n_respondents", "nps_answers", "active_customers"):
        assert rows[h[column]].to_list() == shown[column].to_list()
    # each interval holds its figure
    for measure in ("engagement", "nps", "retention"):
        low, value, high = (rows[h[c]] for c in (f"{measure}_low", measure, f"{measure}_high"))
        assert ((low <= value + 0.01) & (value <= high + 0.01)).all()
    xlsx = exports.table_xlsx(frame, lang, "Sheet", label=False)
    sheet = pl.read_excel(io.BytesIO(xlsx))
    assert sheet.columns == EXPORT_HEADERS[lang]
    assert sheet[h["nps_low"]].dtype == pl.Float64
    assert sheet[h["active_customers"]].dtype == pl.Int64


def test_branch_export_leaves_every_engagement_figure_of_a_hidden_branch_empty(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2", min_size=8)
    hidden = table.filter(pl.col("suppressed"))["branch_id"].to_list()
    assert hidden
    raw = analysis._engagement_by_branch(demo_store, "2025-H2")  # the unsuppressed figures
    assert raw.filter(pl.col("branch_id").is_in(hidden))["engagement"].null_count() == 0
    for lang in ("de", "en"):
        frame = tables.branch_export(table, lang, 8)
        h = dict(zip(analysis.EXPORT_COLUMNS, EXPORT_HEADERS[lang], strict=True))
        secret = [h["engagement"], h["engagement_low"], h["engagement_high"]]
        for back in (
            _read_csv(exports.table_csv(frame, lang, label=False), lang),
            pl.read_excel(io.BytesIO(exports.table_xlsx(frame, lang, "S", label=False))),
        ):
            rows = back.filter(pl.col(back.columns[0]).is_in(hidden))
            assert rows.height == len(hidden)
            assert all(rows[c].null_count() == rows.height for c in secret)
            assert set(rows[h["note"]]) == {"weniger als 8 Antworten" if lang == "de"
                                            else "fewer than 8 responses"}  # fmt: skip
            assert rows[h["n_respondents"]].max() < 8  # the count stays, to say why
            others = back.filter(~pl.col(back.columns[0]).is_in(hidden))
            assert others[h["engagement_low"]].null_count() == 0


# --- dates, moments and sheet names in the reader's language -------------------------------------


def test_dates_and_moments_are_written_in_the_languages_format():
    frame = pl.DataFrame(
        {
            "day": [dt.date(2026, 12, 5)],
            "moment": [dt.datetime(2026, 12, 5, 12, 49, 10, 778987)],
            "x": [1.5],
        }
    )
    de = exports.table_csv(frame, "de", label=False).decode("utf-8-sig")
    assert de.splitlines()[1] == "05.12.2026;05.12.2026 12:49:10;1,50"
    en = exports.table_csv(frame, "en", label=False).decode("utf-8-sig")
    assert en.splitlines()[1] == "2026-12-05,2026-12-05 12:49:10,1.50"
    for lang, day, moment in (("de", "dd.mm.yyyy", "dd.mm.yyyy hh:mm:ss"),
                              ("en", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss")):  # fmt: skip
        data = exports.table_xlsx(frame, lang, "Blatt", label=False)
        back = pl.read_excel(io.BytesIO(data), sheet_name="Blatt")
        assert back["day"].to_list() == [dt.date(2026, 12, 5)]  # a real date
        assert back["moment"].to_list() == [dt.datetime(2026, 12, 5, 12, 49, 10)]
        styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
        assert f'formatCode="{day}"' in styles and f'formatCode="{moment}"' in styles


@pytest.mark.parametrize(("lang", "sheet", "start"), [("de", "Maßnahmen", "Beginn"),
                                                      ("en", "Actions", "Start")])  # fmt: skip
def test_actions_export_has_real_dates_and_a_sheet_in_the_language(demo_store, lang, sheet, start):
    current = actions.current(demo_store).sort("action_id")
    assert current.height
    listing = actions_view.export_listing(current, analysis.dimensions(demo_store), lang)
    data = exports.table_xlsx(listing, lang, t("export.sheet.actions", lang))
    back = pl.read_excel(io.BytesIO(data), sheet_name=sheet)
    assert back[start].dtype == pl.Date
    assert back[start].to_list() == current["start_date"].to_list()
    csv = _read_csv(exports.table_csv(listing, lang), lang)
    pattern = r"^\d\d\.\d\d\.\d{4}$" if lang == "de" else r"^\d{4}-\d\d-\d\d$"
    assert csv[start].str.contains(pattern).all()
    first = current["start_date"][0]
    shown = first.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
    assert csv[start][0] == shown


# --- the audit log's download --------------------------------------------------------------------


def test_audit_export_has_the_screens_headers_and_times_to_the_second(demo_store):
    log = versions.audit_log(demo_store)
    de = exports.table_csv(tables.audit_export(log, "de"), "de", label=False)
    lines = de.decode("utf-8-sig").splitlines()
    assert lines[0] == "Nr.;Zeitpunkt;Wer;Aktion;Gegenstand;Einzelheiten"
    first = log.row(0, named=True)
    assert lines[1].startswith(f"1;{first['happened_at'].strftime('%d.%m.%Y %H:%M:%S')};")
    en = exports.table_csv(tables.audit_export(log, "en"), "en", label=False)
    lines = en.decode("utf-8-sig").splitlines()
    assert lines[0] == "No.,Time,Who,Action,Target,Detail"
    assert lines[1].startswith(f"1,{first['happened_at'].strftime('%Y-%m-%d %H:%M:%S')},")
    # the branch list has no wave: its import is not logged as "branches None"
    imports = log.filter(pl.col("action") == "import")["detail"].to_list()
    assert any(d.startswith("branches version 1: ") for d in imports)
    assert not any("None" in d for d in imports)


def test_a_deleted_branch_list_is_logged_without_a_wave(demo_db, tmp_path):
    import shutil

    from loyalty.store import Store

    path = tmp_path / "audit.duckdb"
    shutil.copy(demo_db, path)
    store = Store(path)
    try:
        branch_list = versions.find(store, "branches", None, 1)
        versions.delete(store, branch_list, actor="admin", allow_active=True)
        log = versions.audit_log(store).filter(pl.col("action") == "delete")
        assert log["detail"].to_list() == ["branches version 1: 0 rows"]
    finally:
        store.close()
