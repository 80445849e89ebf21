"""story.copy, pack and unpack: copies of the steps serialise identically (a chart keeps its
identity); each step told from the parts it reads, presenter mode's steps made one by one."""

from __future__ import annotations

import pytest

from loyalty import story
from loyalty.dashboard import Dashboard


def test_copies_of_the_steps_serialise_identically(demo_store):
    steps = Dashboard(demo_store, n_boot=200).story("2025-H2", "en")
    first, second = story.copy(steps), story.copy(steps)
    assert first is not steps and first[0].figure is not steps[0].figure
    assert [s.figure.to_json() for s in first] == [s.figure.to_json() for s in second]
    assert [(s.key, s.title, s.lines) for s in first] == [(s.key, s.title, s.lines) for s in steps]


def test_unpacked_steps_serialise_like_copies(demo_store):
    """What the Present page gets from its cache (bytes, unpacked per run) serialises like a
    copy, run after run."""
    steps = Dashboard(demo_store, n_boot=200).story("2025-H2", "en")
    packed = story.pack(steps)
    assert isinstance(packed, bytes)
    one, two = story.unpack(packed), story.unpack(packed)
    assert one is not two and one[0].figure is not two[0].figure
    assert [s.figure.to_json() for s in one] == [s.figure.to_json() for s in two]
    assert [s.figure.to_json() for s in one] == [s.figure.to_json() for s in story.copy(steps)]


def test_the_deck_says_which_links_are_observed_and_which_corrected(demo_store):
    steps = Dashboard(demo_store, n_boot=200).story("2025-H2", "en")
    chain = " ".join(steps[0].lines)
    # one sentence for the links from engagement: the reliability once, then each link
    assert chain.count("corrected for the reliability of branch means: ") == 1
    assert (
        "Engagement → loyalty r\u00a0=\u00a0" in chain
        and "Engagement → return r\u00a0=\u00a0" in chain
    )
    assert (
        chain.count("instead of") == 2
        and chain.count("n\u00a0=\u00a0109 branches, branch level") == 1
    )
    whatif = " ".join(next(s for s in steps if s.key == "whatif").lines)
    assert "uses the observed paths" in whatif


def test_quadrant_step_states_the_multiplier_with_interval_and_n(demo_store):
    steps = Dashboard(demo_store, n_boot=300).story("2025-H2", "en")
    quadrants = next(s for s in steps if s.key == "quadrants")
    line = quadrants.lines[1]
    assert "earn **" in line and "×** [95% CI " in line and "branch level" in line
    assert "n\u00a0=\u00a0" in line and "bootstrap with 300 resamples" in line
    german = Dashboard(demo_store, n_boot=300).story("2025-H2", "de")
    quadrants = next(s for s in german if s.key == "quadrants")
    assert "-Fache** [95\u2011%\u2011KI " in quadrants.lines[1]


def test_a_step_line_that_is_also_a_subtitle_is_the_same_sentence(demo_store):
    """How the branches were split is a line of the quadrant step and its chart's subtitle:
    one sentence (loyalty.wording), put under the title by loyalty.charts."""
    steps = Dashboard(demo_store, n_boot=200).story("2025-H2", "de")
    quadrants = next(s for s in steps if s.key == "quadrants")
    split = quadrants.lines[2]
    assert "(Filialebene)" in split
    assert quadrants.figure.layout.meta["title"].endswith(f"<br><sup>{split}</sup>")
    chain = next(s for s in steps if s.key == "return")
    assert "<br><sup>r\u00a0=\u00a0" in chain.figure.layout.meta["title"]


def test_each_step_reads_the_parts_its_reads_name_and_no_other(demo_store):
    """``tell_step`` reads of the parts exactly those ``READS`` names for its step (what
    presenter mode computes for the step it shows), each when needed."""
    parts = Dashboard(demo_store, n_boot=200).story_parts("2025-H2", "nps")
    for key, names in story.READS.items():
        read: list[str] = []

        def reading(name: str, read=read) -> object:
            read.append(name)
            return getattr(parts, name)

        step = story.tell_step(key, reading, "en", "nps")
        assert step.key == key and step.figure is not None
        assert set(read) == set(names), key


def test_packed_steps_make_only_the_step_asked_for():
    """Presenter mode's steps: ``len()`` needs none made, ``[i]`` makes (and unpacks) step i
    alone, past the last is an IndexError (so a loop over them ends)."""
    steps = [story.Step(k, k.title(), (k,), None) for k in ("chain", "return", "why")]
    made: list[int] = []

    def pack(i: int) -> bytes:
        made.append(i)
        return story.presenter_pack(steps[i])

    packed = story.PackedSteps(len(steps), pack)
    assert len(packed) == 3 and made == []
    assert packed[1] == steps[1] and made == [1]
    assert [s.key for s in packed] == ["chain", "return", "why"]
    assert packed.packs() == [story.presenter_pack(step) for step in steps]
    with pytest.raises(IndexError):
        packed[3]
