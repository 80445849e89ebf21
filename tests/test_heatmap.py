"""The heatmap's pages: order, paging and regions; never more than a page to the browser."""

from __future__ import annotations

import numpy as np
import polars as pl

from loyalty import analysis, heatmap


def _chain(n: int, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    dims = {f"dim_{d}": rng.normal(3.6, 0.3, n) for d in ("a", "b", "c", "d")}
    frame = pl.DataFrame(
        {
            "branch_id": [f"B{i:05d}" for i in range(n)],
            "name": [f"Filiale {i}" for i in range(n)],
            "region": [("Nord", "Süd", "West", "Ost")[i % 4] for i in range(n)],
            "n_respondents": rng.integers(2, 40, n),
            **dims,
        }
    ).with_columns((pl.col("n_respondents") < 5).alias("suppressed"))
    hide = [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in dims]
    return frame.with_columns(hide).with_columns(pl.mean_horizontal(*dims).alias("engagement"))


def test_ten_thousand_branches_give_a_page_of_twenty_rows_in_every_order():
    table = _chain(10_000)
    for order in heatmap.ORDERS:
        page = heatmap.branch_page(table, order, page=3)
        assert page.cells["key"].n_unique() == heatmap.PER_PAGE
        assert page.cells.height == heatmap.PER_PAGE * 4
        assert (page.page, page.pages, page.total) == (3, 500, 10_000)
        assert (page.first, page.last) == (41, 60)


def test_engagement_order_puts_the_best_first_and_suppressed_last():
    table = _chain(300)
    first = heatmap.branch_page(table, "engagement", 1)
    best = table.sort("engagement", descending=True, nulls_last=True)["branch_id"][0]
    assert first.cells["key"][0] == best
    last = heatmap.branch_page(table, "engagement", 10_000)
    assert last.page == last.pages == 15
    hidden = set(table.filter(pl.col("suppressed"))["branch_id"])
    assert set(last.cells.filter(pl.col("score").is_null())["key"]) <= hidden
    tail = heatmap.ordered(table, "engagement")["suppressed"].to_list()
    assert tail == sorted(tail)  # every suppressed branch after every shown one


def test_profile_order_puts_similar_profiles_together():
    # two kinds of branch: strong on a/b or strong on c/d; the order must not mix them
    n = 40
    kind = np.arange(n) % 2
    noise = np.linspace(0, 0.05, n)
    table = pl.DataFrame(
        {
            "branch_id": [f"B{i:03d}" for i in range(n)],
            "dim_a": 3 + kind + noise,
            "dim_b": 3 + kind - noise,
            "dim_c": 4 - kind + noise,
            "dim_d": 4 - kind - noise,
        }
    )
    order = heatmap.profile_order(table)
    kinds = [int(b[1:]) % 2 for b in order]
    switches = sum(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    assert switches == 1  # two blocks


def test_regions_mean_only_branches_with_a_score(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    page = heatmap.region_page(table)
    assert page.total == table["region"].n_unique()
    region = page.cells["key"][0]
    own = table.filter((pl.col("region") == region) & ~pl.col("suppressed"))
    first_dim = page.cells["dimension_id"][0]
    expected = own[f"dim_{first_dim}"].mean()
    assert abs(page.cells["score"][0] - expected) < 1e-12
    assert page.cells["n"][0] == own.height
