"""The pages on a chain of six branches, whose corrected chain cannot be estimated: the
Overview and presenter mode's steps that show it render a sentence, not an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalty import demo
from loyalty.i18n import t
from loyalty.store import Store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The app fixture's store here: that of ``loyalty demo --branches 6 --last-wave 2026-H1``
    (five branches with an engagement score)."""
    path = tmp_path_factory.mktemp("six") / "six.duckdb"
    store = Store(path)
    params = demo.DemoParams(n_branches=6, first_year=2024, first_half=2)
    demo.seed_store(store, demo.generate(params))
    store.close()
    return path


def _text(at) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning))


def test_overview_says_the_corrected_chain_cannot_be_estimated(app):
    at = app(lang="en").run()
    assert not at.exception
    assert t("corrected.na", "en", n=5) in _text(at)


@pytest.mark.parametrize("step", ["1", "6"])
def test_presenter_steps_that_show_the_corrected_chain_render(app, step):
    at = app("pages/present.py", lang="de", step=step).run()
    assert not at.exception
    assert f"Schritt {step} von" in at.markdown[0].value


@pytest.mark.parametrize("lang", ["de", "en"])
def test_drivers_of_five_branches_say_they_cannot_be_estimated(app, lang):
    """Four dimensions need at least six branches: no chart of NaN bars ("R² = – %")."""
    at = app("pages/drivers.py", lang=lang).run()
    assert not at.exception
    assert t("drivers.na", lang, n=5) in [i.value for i in at.info]
    assert not at.get("plotly_chart")
