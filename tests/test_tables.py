"""What pages show of a computed frame, shaped in loyalty.tables."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import tables

FRAME = pl.DataFrame(
    {
        "branch_id": ["B1", "B2", "B3"],
        "region": ["Süd", "Nord", None],
        "headcount": [12, 4, 30],
        "suppressed": [False, True, False],
        "engagement": [3.5, None, 4.0],
    }
)


def test_one_row_choices_and_span():
    assert tables.row_of(FRAME, "B2")["headcount"] == 4
    assert tables.row_of(FRAME, "B9") is None
    assert tables.choices(FRAME, "region") == ["Nord", "Süd"]
    assert tables.span(FRAME, "headcount") == (4, 30)


def test_first_rows_know_the_total():
    rows = tables.first(FRAME, 2)
    assert rows.shown["branch_id"].to_list() == ["B1", "B2"] and rows.total == 3 and rows.cut
    assert not tables.first(FRAME).cut
    assert tables.newest_first(FRAME, 1).shown["branch_id"].to_list() == ["B3"]


def test_counts():
    assert tables.hidden(FRAME) == (1, 3)
    assert tables.with_engagement(FRAME) == 2
    assert tables.number_of(FRAME) == 3 and tables.sum_of(FRAME, "headcount") == 46


def test_live_versions_leave_out_deleted_branch_lists_and_other_kinds():
    history = pl.DataFrame(
        {
            "import_id": [1, 2, 3, 4],
            "kind": ["branches", "engagement", "finance", "engagement"],
            "deleted_at": [None, None, None, "2026-01-01"],
        }
    )
    assert tables.live_versions(history, ["engagement", "branches"]) == [2]


def test_exclusions_counted_in_the_language():
    excluded = pl.DataFrame(
        {
            "branch_id": ["B1", "B2", "B3"],
            "name": ["a", "b", "c"],
            "reason": ["no_finance", "below_minimum", "no_finance"],
        }
    )
    counts = tables.exclusion_counts(excluded, "en", 5)
    assert [n for _label, n in counts] == [2, 1]
    assert tables.exclusion_list(excluded, "en", 5).height == 3


def test_reasons_and_bands_are_worded_per_row_in_the_language():
    from loyalty.i18n import t

    excluded = pl.DataFrame(
        {"branch_id": ["B1", "B2", "B3"], "name": ["a", "b", "c"],
         "reason": ["no_finance", "below_minimum", "no_finance"]}
    )  # fmt: skip
    listed = tables.exclusion_list(excluded, "de", 7)
    assert listed.columns == ["Nr.", "Filiale", "Grund"]
    assert tables.exclusion_list(excluded, "en", 7).columns == ["ID", "Branch", "Reason"]
    words = [t(f"exclusion.{r}", "de", min=7) for r in excluded["reason"]]
    assert listed["Grund"].to_list() == words and words[0] != words[1]
    assert "7" in words[1]  # the minimum in the sentence
    reliability = pl.DataFrame(
        {"dimension_id": ["d1", "index"], "n_items": [3, 9], "n": [40, 40],
         "alpha": [0.8, None], "alpha_low": [0.7, None], "alpha_high": [0.9, None],
         "std_alpha": [0.8, None], "omega": [0.8, None], "band": ["good", None]}
    )  # fmt: skip
    dimensions = pl.DataFrame({"dimension_id": ["d1"], "name_en": ["Care"]})
    shown = tables.reliability_table(reliability, dimensions, "en")
    assert shown[:, -1].to_list() == [t("band.alpha.good", "en"), None]


def test_number_digits_give_whole_numbers_none_and_amounts_two():
    frame = pl.DataFrame(
        {"branch_id": ["B1"], "active_customers": [4525], "revenue": [4211400.0], "x": [True]}
    )
    assert tables.number_digits(frame) == {"active_customers": 0, "revenue": 2}


def test_a_text_table_goes_to_the_page_as_arrow_and_numbers_are_refused():
    listed = pl.DataFrame({"ID": ["B1", "B2"], "Filiale": ["Nord", None], "Grund": ["a", "b"]})
    arrow = tables.text_arrow(listed)
    assert arrow.column_names == ["ID", "Filiale", "Grund"]
    assert arrow.to_pylist() == listed.to_dicts()
    with pytest.raises(TypeError, match=r"not \['n'\]"):
        tables.text_arrow(listed.with_columns(n=pl.lit(3)))
