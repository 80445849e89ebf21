"""CSS the pages inject: our own texts in the user's language, safely quoted."""

from __future__ import annotations

from loyalty import i18n, style


def test_uploader_texts_are_in_the_language_and_the_english_ones_hidden():
    css = style.uploader_css("de", 1000)
    assert '"Datei wählen"' in css and "höchstens 1.000 MB" in css
    assert "font-size: 0" in css  # Streamlit's fixed English button and limit are hidden
    assert '"Upload"' not in css
    assert '"Choose a file"' in style.uploader_css("en", 200)
    # while a file is dragged over: Streamlit's "Drag and drop a file here" hidden, ours shown
    assert '"Datei hier ablegen"' in css and '"Drop the file here"' in style.uploader_css("en", 1)
    assert f"{style._DRAG} {{ font-size: 0; visibility: hidden; }}" in css


def test_css_strings_cannot_break_out_of_their_quotes(monkeypatch):
    monkeypatch.setitem(i18n.MESSAGES, "upload.button", {"de": 'a"} body {x', "en": "x"})
    css = style.uploader_css("de", 200)
    assert 'content: "a\\"} body {x"' in css
    assert style.css_string('\\"') == '"\\\\\\""'
