"""The story as a PowerPoint deck (python-pptx) or a PDF (kaleido pages joined with pypdf).

Both take the steps of :mod:`loyalty.story` (suppressed data only, like the screen) and report
progress through an optional callback ``progress(fraction, message)``.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go

from loyalty import dashboard, exports, story
from loyalty.i18n import t

Progress = Callable[[float, str], None]
FORMATS = (".pptx", ".pdf")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def _noop(fraction: float, message: str) -> None:
    return None


def deck_title(lang: str, wave: str) -> tuple[str, str]:
    return t("report.title", lang), t(
        "report.subtitle", lang, wave=wave, date=dt.date.today().isoformat()
    )


def build_pptx(steps: list[story.Step], lang: str, wave: str, progress: Progress = _noop) -> bytes:
    """A 16:9 deck: a title slide, then one slide per step (chart left, text right)."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title, subtitle = deck_title(lang, wave)
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    blank = deck.slide_layouts[5]  # title only
    for i, step in enumerate(steps):
        progress(i / len(steps), step.title)
        slide = deck.slides.add_slide(blank)
        slide.shapes.title.text = step.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
        png = exports.chart_image(step.figure, "png", width=1100, height=700, scale=2)
        slide.shapes.add_picture(io.BytesIO(png), Inches(0.4), Inches(1.5), width=Inches(8.2))
        box = slide.shapes.add_textbox(Inches(8.8), Inches(1.6), Inches(4.2), Inches(5.4))
        frame = box.text_frame
        frame.word_wrap = True
        for j, line in enumerate(step.lines):
            para = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            para.text = line
            para.font.size = Pt(15 if j == 0 else 13)
            para.space_after = Pt(8)
    progress(1.0, t("report.done", lang))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _page(fig: go.Figure, title: str, lines: tuple[str, ...]) -> go.Figure:
    """One PDF page as a plotly figure: title, chart, and the step's lines below it."""
    page = go.Figure(fig)
    text = "<br>".join("<br>".join(textwrap.wrap(line, 140)) for line in lines)
    page.update_layout(
        title={"text": f"<b>{title}</b>", "font": {"size": 26}, "x": 0.02},
        width=1400,
        height=990,
        margin={"l": 60, "r": 40, "t": 100, "b": 300},
    )
    page.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.12,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 16},
    )
    return page


def _title_page(title: str, subtitle: str) -> go.Figure:
    page = go.Figure()
    page.update_layout(
        template="plotly_white",
        width=1400,
        height=990,
        xaxis={"visible": False},
        yaxis={"visible": False},
        title={"text": ""},
    )
    page.add_annotation(
        text=f"<b>{title}</b>",
        x=0.5,
        y=0.58,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 54},
    )
    page.add_annotation(
        text=subtitle,
        x=0.5,
        y=0.44,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 22, "color": "#555"},
    )
    return page


def build_pdf(steps: list[story.Step], lang: str, wave: str, progress: Progress = _noop) -> bytes:
    """A PDF with a title page and one page per step (vector charts and text)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    title, subtitle = deck_title(lang, wave)
    pages = [_title_page(title, subtitle)]
    pages += [_page(step.figure, step.title, step.lines) for step in steps]
    for i, page in enumerate(pages):
        progress(i / len(pages), page.layout.title.text or title)
        pdf = exports.chart_image(page, "pdf", width=1400, height=990)
        writer.append(PdfReader(io.BytesIO(pdf)))
    progress(1.0, t("report.done", lang))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write(
    core: dashboard.Dashboard,
    out: Path,
    *,
    wave: str | None,
    lang: str,
    loyalty: str = "nps",
    progress: Progress = _noop,
) -> Path:
    """Build the story for ``wave`` (default: the newest complete wave, as in the app) from
    the core's results and write it as ``out`` (.pptx or .pdf)."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(suffix)
    wave = core.resolve_wave(wave)
    steps = core.story(wave, lang, loyalty)
    data = (build_pptx if suffix == ".pptx" else build_pdf)(steps, lang, wave, progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)  # never a half-written file under the real name
    return out
