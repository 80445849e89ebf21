"""Exports: formula injection, confidentiality exactly as on screen, formats per language."""

from __future__ import annotations

import io
import os
from pathlib import Path

import polars as pl
import pytest

from loyalty import analysis, charts, exports, wording


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
