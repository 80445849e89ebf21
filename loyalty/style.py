"""CSS the pages inject: built only from our own constants and message-catalogue texts, never
from user input (so st.html may show it).

Streamlit 1.67's file uploader has no option for its own texts ("Upload", "200MB per file",
"Drag and drop a file here" while a file is dragged over it are fixed English strings in its
frontend), so :func:`uploader_css` hides them and shows the catalogue's text in their place
through CSS generated content.
"""

from __future__ import annotations

from loyalty import i18n
from loyalty.i18n import t

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'
#: The uploaded file's size beside its name in the file's chip ("99.5KB", English format).
_FILE_SIZE = '[data-testid="stFileChip"] [data-testid="stFileChipName"] + div'
#: The box laid over the drop zone while a file is dragged over it (a div without a test id,
#: its text a span; the button's and the instructions' spans sit deeper or in a test id).
_DRAG = f"{_DROPZONE} > div:not([data-testid]) > span"


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, no line breaks)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def uploader_css(lang: str, max_mb: int) -> str:
    """The file uploader's button, size limit and drag-over text in ``lang``; the uploaded
    file's size (shown by Streamlit as "12.5KB") is hidden, the page reports rows instead.
    Hidden texts are ``visibility: hidden``, so screen readers and ``innerText`` skip the
    English."""
    button = css_string(t("upload.button", lang))
    limit = css_string(t("upload.limit", lang, size=i18n.num(max_mb, lang, 0)))
    drop = css_string(t("upload.drop", lang))
    return f"""<style>
{_DROPZONE} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; visibility: hidden; }}
{_DROPZONE} button [data-testid="stMarkdownContainer"] p::after {{
  content: {button}; font-size: 1rem; visibility: visible;
}}
{_INSTRUCTIONS} span {{ font-size: 0; visibility: hidden; }}
{_INSTRUCTIONS} span::after {{ content: {limit}; font-size: 0.875rem; visibility: visible; }}
{_DRAG} {{ font-size: 0; visibility: hidden; }}
{_DRAG}::after {{ content: {drop}; font-size: 0.875rem; visibility: visible; }}
{_FILE_SIZE} {{ display: none; }}
</style>"""


#: The presenter step's text container (``st.container(key=...)``; Streamlit gives it the
#: class ``st-key-<key>``).
PRESENTER_TEXT_KEY = "step_text"


def presenter_text_css(size_px: int) -> str:
    """The presenter step's text at ``size_px`` (an int: the layout's choice,
    :data:`loyalty.fitting.PRESENTER`), so the step fits a 1280×720 screen."""
    size = int(size_px)
    return (
        f'<style>.st-key-{PRESENTER_TEXT_KEY} div[data-testid="stMarkdownContainer"] p '
        f"{{ font-size: {size}px; line-height: 1.5; }}</style>"
    )
