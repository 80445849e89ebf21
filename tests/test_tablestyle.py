"""loyalty.tablestyle: a styled table renders once and Streamlit sends the same as for a
plain pandas Styler with the same formats."""

from __future__ import annotations

import gc
import math
import weakref
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from pandas.io.formats.style import Styler
from streamlit.dataframe_util import is_pandas_styler
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from loyalty import figcache, tablestyle, versions

DIGITS = {"engagement": 2, "nps": 1, "headcount": 0}


def _frame(shift: float = 0.0) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "branch_id": ["B001", "B002", "B003", "B004"],
            "name": ["Köln Süd", None, "Hamburg", "München"],
            "headcount": [12, 4_250, None, 1_000_000],
            "n_respondents": [40, 3, 17, 8],
            "engagement": [3.14159 + shift, None, -0.004, math.nan],
            "nps": [-12.25, 1234.5, None, 0.0],
            "note": [None, "fewer than 5", None, ""],
        }
    )


def _plain(frame: pl.DataFrame, decimal: str, thousands: str) -> Styler:
    style = frame.to_pandas().style
    for column, places in DIGITS.items():
        style = style.format(
            precision=places, decimal=decimal, thousands=thousands, na_rep="–", subset=[column]
        )
    return style


def _sent(style: Styler) -> ArrowData:
    proto = ArrowData()
    marshall_styler(proto, style, "uuid")
    return proto


@pytest.mark.parametrize(("decimal", "thousands"), [(",", "."), (".", ",")])
def test_streamlit_sends_what_a_plain_styler_sends(decimal, thousands):
    frame = _frame()
    kept = tablestyle.Tables().styled(frame, decimal, thousands, DIGITS)
    plain = _sent(_plain(frame, decimal, thousands))
    for _ in range(2):  # rendered, then from what was kept
        ours = _sent(kept)
        assert ours.styler.display_values == plain.styler.display_values
        assert ours.styler.styles == plain.styler.styles
        assert ours.styler.caption == plain.styler.caption
    assert is_pandas_styler(kept)  # Streamlit knows a Styler by its type's exact name
    every = frame.to_pandas().style._translate(False, False)["body"]
    cells = [c for row in every for c in row if tablestyle._position(c.get("id"))]
    trimmed = kept._translate(False, False)["body"]
    assert 0 < sum(map(len, trimmed)) < len(cells)  # not the cells shown as str(value)


def test_the_numbers_read_in_the_reader_s_format():
    style = tablestyle.Tables().styled(_frame(), ",", ".", DIGITS)
    cells = {}
    for row in style._translate(False, False)["body"]:
        for cell in row:
            i, j = tablestyle._position(cell["id"])
            cells[(i, style.data.columns[j])] = cell["display_value"]
    assert cells[(0, "engagement")] == "3,14"
    assert cells[(1, "nps")] == "1.234,5"
    assert cells[(1, "headcount")] == "4.250"
    assert cells[(1, "engagement")] == "–"
    # a cell shown as its own text is left to Streamlit's str(value)
    assert (0, "branch_id") not in cells and (0, "n_respondents") not in cells


def test_a_table_renders_once_and_is_shared_by_content(monkeypatch):
    renders = []
    original = Styler._translate

    def counting(self, *args, **kwargs):
        renders.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Styler, "_translate", counting)
    tables = tablestyle.Tables(size=2)
    first = tables.styled(_frame(), ",", ".", DIGITS)
    again = tables.styled(_frame(), ",", ".", DIGITS)  # another frame, the same content
    assert again is first
    for _ in range(3):
        _sent(again)
    assert len(renders) == 1 and tables.built == 1

    english = tables.styled(_frame(), ".", ",", DIGITS)
    other = tables.styled(_frame(shift=1.0), ",", ".", DIGITS)
    assert english is not first and other is not first
    assert len(tables) == 2  # the least recently used (the first) gave way
    assert tables.styled(_frame(), ",", ".", DIGITS) is not first
    assert tables.built == 4


def test_the_readme_states_the_bound():
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text("utf-8").split())
    assert f"(`loyalty/tablestyle.py`, at most {tablestyle.MAX_TABLES} tables per server" in readme


def test_the_digits_are_part_of_the_key_and_an_unkeyable_table_is_not_kept(monkeypatch):
    tables = tablestyle.Tables()
    first = tables.styled(_frame(), ",", ".", DIGITS)
    assert tables.styled(_frame(), ",", ".", {**DIGITS, "nps": 2}) is not first

    def unkeyable(value):
        raise figcache.Unkeyable("frame")

    monkeypatch.setattr(figcache, "fingerprint", unkeyable)
    once, again = (tables.styled(_frame(), ",", ".", DIGITS) for _ in range(2))
    assert once is not again and len(tables) == 2
    plain = _sent(_plain(_frame(), ",", "."))
    assert _sent(once).styler.display_values == plain.styler.display_values


def test_a_table_given_way_is_freed_at_once():
    """The rendering holds its Styler weakly: no cycle keeps an evicted table (the server
    runs without Streamlit's forced collection after each run)."""
    tables = tablestyle.Tables(size=1)
    gc.disable()
    try:
        kept = weakref.ref(tables.styled(_frame(), ",", ".", DIGITS))
        _sent(kept())
        tables.styled(_frame(shift=1.0), ",", ".", DIGITS)
        assert kept() is None
    finally:
        gc.enable()


def test_a_rendering_with_other_arguments_keeps_the_formats():
    """Streamlit renders with (False, False); a rendering with other arguments is made anew
    and still has each formatted cell's format (only the default ones are let go)."""
    style = tablestyle.Tables().styled(_frame(), ",", ".", DIGITS)
    _sent(style)
    again = style._translate(True, True)
    shown = {c["id"]: c["display_value"] for row in again["body"] for c in row}
    engagement = list(style.data.columns).index("engagement")
    assert shown[f"row0_col{engagement}"] == "3,14"


def test_moments_read_in_the_reader_s_format_and_sort_as_moments():
    """The Data page's versions: a date-and-time column shown by the language's pattern
    (loyalty.versions.when_format), while the data Streamlit sends keeps the timestamps."""
    frame = pl.DataFrame(
        {
            "ID": [1, 2],
            "when": [datetime(2026, 12, 4, 15, 47), None],
        }
    )
    tables = tablestyle.Tables()
    for lang, shown in (("de", "04.12.2026 15:47"), ("en", "2026-12-04 15:47")):
        pattern = versions.when_format(lang)
        style = tables.styled(frame, ",", ".", {}, {"when": pattern})
        cells = {
            c["id"]: c["display_value"]
            for row in style._translate(False, False)["body"]
            for c in row
        }
        assert cells == {"row0_col1": shown, "row1_col1": "–"}
        plain = frame.to_pandas().style.format(
            lambda moment, p=pattern: moment.strftime(p), na_rep="–", subset=["when"]
        )
        assert _sent(style).styler.display_values == _sent(plain).styler.display_values
        assert str(style.data["when"].dtype).startswith("datetime64")  # sorted as moments
