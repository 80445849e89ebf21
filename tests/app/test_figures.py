"""Every page's figures are built once for the same data (loyalty.figcache): a second run of
a page, as after any click that changes nothing it shows, builds no figure again."""

from __future__ import annotations

import pytest

from loyalty import figcache


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("pages/overview.py", {"lang": "de"}),
        ("pages/branches.py", {"lang": "de"}),
        ("pages/branch.py", {"lang": "en", "branch": "B001"}),
        ("pages/compare.py", {"lang": "en", "branches": "B001,B042"}),
        ("pages/drivers.py", {"lang": "de"}),
        ("pages/whatif.py", {"lang": "de"}),
        ("pages/methods.py", {"lang": "en"}),
        ("pages/present.py", {"lang": "de"}),
    ],
)
def test_a_second_run_of_a_page_builds_no_figure(app, page, query, monkeypatch):
    figures = figcache.Figures()
    monkeypatch.setattr(figcache, "FIGURES", figures)
    at = app(page, **query).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    first = sum(figures.built.values())
    assert first >= 1 and len(figures) == first  # the page's figures, all kept
    at.run()
    assert not at.exception
    assert [c.proto.spec for c in at.get("plotly_chart")] == [c.proto.spec for c in charts]
    assert sum(figures.built.values()) == first
