"""Sentences for people are built in one room, loyalty/wording.py."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Messages that are whole sentences about a result: only wording.py fills them in.
SENTENCES = (
    '"overview.headline"',
    '"overview.headline_detail"',
    '"link.sentence"',
    '"chain.a"',
    '"power.enough"',
    '"lag.forward"',
    '"expected.above"',
    '"whatif.loyalty"',
)


def test_result_sentences_are_written_once_in_wording():
    places = {
        key: sorted(
            str(path.relative_to(ROOT))
            for path in [*(ROOT / "loyalty").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
            if path.name != "i18n.py" and key in path.read_text(encoding="utf-8")
        )
        for key in SENTENCES
    }
    assert places == dict.fromkeys(SENTENCES, ["loyalty/wording.py"])


def test_the_model_holds_no_prose():
    source = (ROOT / "loyalty" / "model.py").read_text(encoding="utf-8")
    assert "i18n" not in source and "import t" not in source
