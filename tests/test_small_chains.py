"""Small chains: a model that cannot be estimated says so in a sentence (the deck, presenter
mode, the overview), and counts of one take the singular in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalty import demo, wording
from loyalty.dashboard import Dashboard
from loyalty.i18n import t
from loyalty.store import Store

WAVE = "2026-H1"


def _seed(path: Path, n_branches: int) -> Path:
    """The store ``loyalty demo --branches N --last-wave 2026-H1`` makes."""
    store = Store(path)
    demo.seed_store(
        store, demo.generate(demo.DemoParams(n_branches=n_branches, first_year=2024, first_half=2))
    )
    store.close()
    return path


@pytest.fixture(scope="module")
def six_db(tmp_path_factory) -> Path:
    """Six branches, five with an engagement score: adjusted for branch size, nothing of the
    branches' engagement is left between them, and the corrected chain cannot be estimated
    (scipy raised 'array must not contain infs or NaNs' through the Overview, presenter mode
    and ``loyalty report``)."""
    return _seed(tmp_path_factory.mktemp("six") / "six.duckdb", 6)


@pytest.fixture(scope="module")
def three_db(tmp_path_factory) -> Path:
    return _seed(tmp_path_factory.mktemp("three") / "three.duckdb", 3)


def test_the_corrected_chain_of_six_branches_cannot_be_estimated_and_says_so(six_db):
    store = Store(six_db)
    try:
        core = Dashboard(store, n_boot=200)
        corrected = core.corrected_links(WAVE, "nps")
        assert corrected.a.n_groups == corrected.c.n_groups == 5
        assert not corrected.a.converged and not corrected.c.converged
        chain = core.chain_model(WAVE, "nps")
        for lang in ("de", "en"):
            na = t("corrected.na", lang, n=5)
            assert wording.corrected_chain_sentences(corrected, chain, lang) == [na]  # Overview
            steps = core.story(WAVE, lang)
            told = next(s for s in steps if s.key == "chain")
            assert any(line.endswith(na) for line in told.lines)
            assert next(s for s in steps if s.key == "whatif").lines
    finally:
        store.close()


def test_a_story_of_three_branches_counts_one_in_the_singular(three_db, monkeypatch):
    """At a minimum group size of 12 one branch of three is in the what-if, one action is
    recorded, and the quadrants hold one branch each (no interval)."""
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "12")
    store = Store(three_db)
    try:
        core = Dashboard(store, n_boot=200)
        steps = core.story(WAVE, "de")
        de = {s.key: "\n".join(s.lines) for s in steps}
        en = {s.key: "\n".join(s.lines) for s in core.story(WAVE, "en")}
    finally:
        store.close()
    # no estimate: the what-if chart draws no bars of NaN under "zusammen – € [95-%-KI –; –]"
    chart = next(s for s in steps if s.key == "whatif").figure
    assert not chart.data and "keine Schätzung" in chart.layout.title.text
    assert "–" not in chart.layout.title.text
    assert "1 Filiale, Engagement im Mittel" in de["whatif"]
    assert "1 branch, engagement up" in en["whatif"]
    assert "Stichproben" not in de["whatif"] and "resamples" not in en["whatif"]
    assert "1 Maßnahme erfasst: " in de["actions"]
    assert "1 action recorded: " in en["actions"]
    assert "[–––]" not in de["quadrants"] + en["quadrants"]
    assert "(n\u00a0=\u00a01, kein Intervall)" in de["quadrants"]
    assert "(n\u00a0=\u00a01, no interval)" in en["quadrants"]


#: (key, values with a count of one, what German says, what English says)
ONE = [
    ("whatif.loyalty", dict(k=1, delta="0,30", value="+1,0", unit="", low="0", high="2"),
     "1 Filiale, ", "1 branch, "),
    ("whatif.profit", dict(value="+1", low="0", high="2", revenue="3,7", n_boot="200", n=1),
     "über 1 Filiale (", "over 1 branch ("),
    ("whatif.na", dict(k=1, delta="0,30", n=1),
     "1 Filiale, Engagement", "1 branch, engagement"),
    ("whatif.chart_subtitle", dict(total="1", low="0", high="2", k=1, shown=1),
     "1 Filiale (die 1 größte gezeigt", "1 branch (the 1 largest shown"),
    ("quadrant.subtitle", dict(n=1), "n\u00a0=\u00a01 Filiale (", "n\u00a0=\u00a01 branch ("),
    ("story.branches.line", dict(k=1, lost="1", share="100"),
     "Diese 1 Filiale verliert 1 Kunden,", "This 1 branch loses 1 customer,"),
    ("story.why.line", dict(staff="100", price="0", quality="0", n="1"),
     "n\u00a0=\u00a01 verlorener Kunde,", "n\u00a0=\u00a01 lost customer,"),
    ("churn.staff_total", dict(branch="100", company="67", n="1"),
     "n\u00a0=\u00a01 verlorener Kunde", "n\u00a0=\u00a01 lost customer"),
    ("branch.peers.who", dict(k=1, region="Mitte", format="Mall", headcount="28"),
     "1 Filiale derselben Region", "1 branch of the same region"),
    ("methods.rwg_share", dict(share="100", n=1), "von 1 Filiale über", "of 1 branch above"),
    ("quality.rwg_subtitle", dict(n=1, min=5), "1 Filiale mit mindestens", "1 branch with at"),
    ("drivers.na", dict(n=1), "Aus 1 Filiale mit", "From 1 branch with"),
    ("import.warning.churn_kept", dict(count="1", wave="2025-H2", version=1),
     "von 1 Filiale der Welle", "of 1 branch of wave"),
    ("import.warning.missing_branches.loyalty",
     dict(count="1", wave="2025-H2", version=1, branches="B003"),
     "1 Filiale mit Kundenbindungszahlen in Version 1 der Welle 2025-H2 fehlt",
     "1 branch with loyalty figures in version 1 of wave 2025-H2 is not"),
    ("actions.story.did", dict(n=1, running=1, done=0, planned=0, dropped=0),
     "1 Maßnahme erfasst: 1 läuft,", "1 action recorded: 1 running,"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "values", "de", "en"), ONE, ids=[k for k, *_ in ONE])
def test_a_count_of_one_takes_the_singular_in_both_languages(key, values, de, en):
    assert de in t(key, "de", **values)
    assert en in t(key, "en", **values)


def test_the_words_follow_the_count_one_way_and_the_other():
    for k, de, en in (
        (1, "Diese 1 Filiale verliert 1 Kunden,", "This 1 branch loses 1 customer,"),
        (2, "Diese 2 Filialen verlieren 2 Kunden,", "These 2 branches lose 2 customers,"),
    ):
        values = dict(k=k, lost=str(k), share="9")
        assert t("story.branches.line", "de", **values).startswith(de)
        assert t("story.branches.line", "en", **values).startswith(en)
    for n, de, en in (
        (1, "1 Maßnahme erfasst: 1 läuft,", "1 action recorded: 1 running,"),
        (2, "2 Maßnahmen erfasst: 2 laufen,", "2 actions recorded: 2 running,"),
    ):
        values = dict(n=n, running=n, done=0, planned=0, dropped=0)
        assert t("actions.story.did", "de", **values).startswith(de)
        assert t("actions.story.did", "en", **values).startswith(en)


def test_sentences_for_too_few_branches_say_so_instead_of_dashes():
    from loyalty import model, quality

    for lang, words in (("de", "Mit 1 Filiale lässt sich kein Zusammenhang"),
                        ("en", "with 1 branch no association can be estimated")):  # fmt: skip
        sentence = wording.power_sentence(model.power(1), lang)
        assert words in sentence and "|r|" not in sentence and "–" not in sentence
    assert "|r|\u00a0=\u00a00,43" in wording.power_sentence(model.power(40), "de")
    empty = quality.Aggregation.__new__(quality.Aggregation)
    object.__setattr__(empty, "n_branches_rwg", 0)
    object.__setattr__(empty, "rwg_share_strong", float("nan"))
    assert wording.rwg_share(empty, "de") == "keine Filiale mit mindestens 5 Antworten"
    assert wording.rwg_share(empty, "en") == "no branch with at least 5 responses"


def test_a_quadrant_without_a_mean_is_labelled_with_a_dash_alone(three_db, monkeypatch):
    from loyalty import charts

    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "12")
    store = Store(three_db)
    try:
        quads = Dashboard(store, n_boot=200).quadrants(WAVE, "nps")
    finally:
        store.close()
    assert quads["mean"].is_null().any() or quads["mean"].is_nan().any()
    for lang in ("de", "en"):
        fig = charts.quadrant_bars(quads, "nps", lang, "")
        labels = [n.text for n in fig.layout.annotations]
        assert "–" in labels and not [x for x in labels if x.startswith("–") and "%" in x]
        # no quadrant has an interval here: the note does not promise one
        note = wording.quadrant_note(quads, lang)
        assert ("ohne Intervall" if lang == "de" else "without an interval") in note
        assert "Bootstrap-Intervall" not in note and "bootstrap interval" not in note


def test_weights_that_cannot_be_estimated_say_why():
    import polars as pl

    few = pl.DataFrame({"dimension_id": ["a", "b", "c", "d"], "n": [5] * 4})
    many = pl.DataFrame({"dimension_id": ["a", "b", "c", "d"], "n": [40] * 4})
    assert wording.drivers_na(few, "en") == t("drivers.na", "en", n=5)
    assert "does not differ between the branches" in wording.drivers_na(many, "en")
    assert "unterscheidet sich zwischen den Filialen nicht" in wording.drivers_na(many, "de")
