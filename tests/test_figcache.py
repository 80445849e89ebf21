"""loyalty.figcache: figures kept by the content of their inputs."""

from __future__ import annotations

import copy
import pickle
import threading
import types
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest

from loyalty import analysis, charts, figcache, wording
from loyalty.figcache import fingerprint


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"branch_id": ["B1", "B2", "B3"], "nps": [10.0, float("nan"), None], "n": [5, 6, 7]}
    )


@dataclass
class Result:
    value: float
    frame: pl.DataFrame
    names: types.MappingProxyType


def test_equal_content_gives_an_equal_key_whatever_the_objects():
    names = types.MappingProxyType({"B1": "Kiel", "B2": "Köln"})
    one = Result(0.1 + 0.2, _frame(), names)
    two = Result(0.1 + 0.2, _frame(), types.MappingProxyType(dict(names)))
    assert one.frame is not two.frame
    assert fingerprint((one, "de", [1, 2.5])) == fingerprint((two, "de", [1, 2.5]))
    assert fingerprint(np.arange(4.0)) == fingerprint(np.arange(4.0))
    assert fingerprint(float("nan")) == fingerprint(float("nan"))


@pytest.mark.parametrize(
    "changed",
    [
        _frame().with_columns(pl.col("nps").fill_nan(11.0)),  # one value
        _frame().with_columns(pl.col("n").cast(pl.Float64)),  # a dtype, same numbers
        _frame().rename({"n": "size"}),  # a column's name
        _frame().reverse(),  # the order of the rows
        _frame().head(2),  # a row fewer
        _frame().with_columns(pl.col("branch_id").replace("B3", "B4")),  # a label
    ],
)
def test_any_change_of_a_frame_changes_its_key(changed):
    assert fingerprint(changed) != fingerprint(_frame())


def test_other_changes_change_the_key():
    names = {"B1": "Kiel"}
    assert fingerprint(names) != fingerprint({"B1": "Köln"})
    assert fingerprint(Result(1.0, _frame(), types.MappingProxyType(names))) != fingerprint(
        Result(1.0 + 1e-15, _frame(), types.MappingProxyType(names))
    )
    assert fingerprint(np.arange(4.0)) != fingerprint(np.arange(4))  # same numbers, other type
    assert fingerprint((1, "a")) != fingerprint([1, "a"])
    assert fingerprint(1) != fingerprint(1.0) != fingerprint(True)


def test_a_shared_frame_is_hashed_once_while_it_lives(monkeypatch):
    frame = _frame()
    first = fingerprint(frame)
    calls = []
    monkeypatch.setattr(
        pl.DataFrame, "hash_rows", lambda self, seed=0: calls.append(seed) or pl.Series([0])
    )
    assert fingerprint(frame) == first and calls == []
    assert fingerprint(_frame()) != first  # a new frame is hashed (here: by the stub)
    assert calls == [0, 1]


def _bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    return go.Figure(
        [go.Bar(x=frame["branch_id"].to_list(), y=frame["n"].to_list())],
        layout={"title": {"text": lang}},
    )


def test_a_kept_builder_builds_once_per_content(monkeypatch):
    figures = figcache.Figures()
    monkeypatch.setattr(figcache, "FIGURES", figures)
    bars = figcache.kept(_bars)
    first = bars(_frame(), "de")
    assert bars(_frame(), "de") is first
    assert bars(_frame(), "en") is not first
    other = bars(_frame().with_columns(pl.col("n") + 1), "de")
    assert list(other.data[0].y) == [6, 7, 8]
    assert figures.built["_bars"] == 3 and len(figures) == 3
    assert bars.build(_frame(), "de") is not first  # the builder itself: always new
    assert bars.build(_frame(), "de").to_dict() == first.to_dict()


def test_an_input_without_a_content_key_is_built_every_time(monkeypatch):
    figures = figcache.Figures()
    monkeypatch.setattr(figcache, "FIGURES", figures)
    bars = figcache.kept(lambda frame, lock: _bars(frame, "de"))
    lock = threading.Lock()  # pickle refuses a lock
    assert bars(_frame(), lock) is not bars(_frame(), lock)
    assert sum(figures.built.values()) == 2 and len(figures) == 0


def test_the_cache_holds_at_most_its_figures_and_values(monkeypatch):
    figures = figcache.Figures(size=3, values=40)
    monkeypatch.setattr(figcache, "FIGURES", figures)
    bars = figcache.kept(_bars)
    kept = [bars(_frame().with_columns(pl.col("n") + i), "de") for i in range(5)]
    assert len(figures) == 3  # the two oldest went
    assert bars(_frame().with_columns(pl.col("n") + 4), "de") is kept[4]
    assert bars(_frame(), "de") is not kept[0]
    assert figcache.weight(kept[0]) == 7  # x and y of three bars, and one
    assert figures.held == sum(figcache.weight(f) for f in figures._kept.values()) <= 40
    wide = pl.DataFrame({"branch_id": [f"B{i}" for i in range(20)], "n": list(range(20))})
    bars(wide, "de")  # 41 values: more than a quarter of the budget, not kept
    assert len(figures) == 3 and figures.held <= 40


def test_the_weight_counts_every_array_of_the_traces_and_every_label():
    fig = go.Figure(
        [
            go.Bar(
                x=[1.5, 2.5, 3.5],
                y=["a", "b", "c"],
                orientation="h",
                error_x={"type": "data", "array": np.array([0.1, 0.2, 0.3])},  # 3
                customdata=np.column_stack([np.arange(3.0), np.arange(3.0)]),  # 6
                marker={"color": ["red", "blue", "green"]},  # 3
            ),
            go.Heatmap(z=[[1, 2, 3, 4], [5, 6, 7, 8]], x=list("abcd")),  # 8 and 4
        ]
    )
    fig.add_annotation(text="one", x=1, y=1)
    fig.add_annotation(text="two", x=2, y=2)
    fig.add_vline(x=2)  # a shape
    # x and y of the bars 6, error bars 3, customdata 6, colours 3, z 8, its x 4; 3 labels
    assert figcache.weight(fig) == 1 + 6 + 3 + 6 + 3 + 8 + 4 + 3


def test_a_kept_figure_gives_the_same_dict_json_copy_and_pickle():
    plain = _bars(_frame(), "de")
    fig = _bars(_frame(), "de")
    fig.__class__ = figcache.KeptFigure
    assert fig.to_dict() == plain.to_dict()
    fig.to_dict()["extra"] = 1  # a caller's key stays in its own dict
    assert "extra" not in fig.to_dict()
    assert pio.to_json(fig.to_dict(), validate=False) == pio.to_json(
        plain.to_dict(), validate=False
    )
    for twin in (pickle.loads(pickle.dumps(fig)), copy.deepcopy(fig), go.Figure(fig)):
        assert twin.to_dict() == plain.to_dict()
    assert set(fig.to_dict()) == {"data", "layout"}  # pickling added nothing to the kept dict


def test_the_pages_builders_are_kept_and_equal_to_building_anew(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[0]
    args = (table, link, "de", wording.link_subtitle(link, "de"))
    fig = charts.link_scatter(*args)
    again = analysis.chain_links(analysis.branch_table(demo_store, "2025-H2"))[0]
    assert charts.link_scatter(table.clone(), again, "de", args[3]) is fig
    assert pio.to_json(fig.to_dict(), validate=False) == pio.to_json(
        charts.link_scatter.build(*args).to_dict(), validate=False
    )
    assert charts.link_scatter(table, link, "en", args[3]) is not fig


def test_minus_zero_and_zero_are_other_content():
    # polars' row hash takes them for equal; a page prints "-0,0" against "0,0"
    assert fingerprint(pl.DataFrame({"x": [-0.0]})) != fingerprint(pl.DataFrame({"x": [0.0]}))
    assert fingerprint(pl.DataFrame({"x": [0.0, None]})) == fingerprint(
        pl.DataFrame({"x": [0.0, None]})
    )


def test_builders_of_one_name_in_two_modules_and_two_themes_are_apart(monkeypatch):
    figures = figcache.Figures()
    monkeypatch.setattr(figcache, "FIGURES", figures)
    other = types.FunctionType(_bars.__code__, {**globals()}, "_bars")
    other.__module__ = "elsewhere"
    first, second = figcache.kept(_bars), figcache.kept(other)
    assert first(_frame(), "de") is not second(_frame(), "de")
    kept = first(_frame(), "de")
    monkeypatch.setattr(pio.templates, "default", "plotly_dark")
    assert first(_frame(), "de") is not kept


def test_the_value_budget_evicts_the_oldest(monkeypatch):
    figures = figcache.Figures(size=100, values=30)
    monkeypatch.setattr(figcache, "FIGURES", figures)
    bars = figcache.kept(_bars)
    kept = [bars(_frame().with_columns(pl.col("n") + i), "de") for i in range(5)]  # 7 each
    assert len(figures) == 4 and figures.held == 28
    assert bars(_frame().with_columns(pl.col("n") + 4), "de") is kept[4]
    assert bars(_frame(), "de") is not kept[0]  # the oldest went for the budget, not the count


def test_copies_of_a_kept_figure_in_many_threads_leave_it_whole(monkeypatch):
    figures = figcache.Figures()
    monkeypatch.setattr(figcache, "FIGURES", figures)

    def mixed(n: int) -> go.Figure:
        xs = list(range(n))
        return go.Figure([go.Bar(x=xs, y=xs), go.Scatter(x=xs, y=xs, mode="lines")])

    fig = figcache.kept(mixed)(50)
    before = pio.to_json(fig.to_dict(), validate=False)
    wrong: list[str] = []

    def copy_many() -> None:
        for _ in range(100):
            twin = figcache.copy_of(fig)
            types_ = [trace.type for trace in twin.data]
            if types_ != ["bar", "scatter"]:
                wrong.append(str(types_))
            charts.presentation(fig)  # the copy the presenter, deck and PDF make

    threads = [threading.Thread(target=copy_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert pio.to_json(fig.to_dict(), validate=False) == before
    assert [trace.type for trace in fig.data] == ["bar", "scatter"]
