"""The story as a PowerPoint deck (python-pptx) or a PDF (kaleido pages joined with pypdf).

Both take the steps of :mod:`loyalty.story` (suppressed data only, like the screen) and report
progress through an optional callback ``progress(fraction, message)``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go

from loyalty import charts, dashboard, exports, i18n, story
from loyalty.fitting import (
    CHART_BOX,
    LEAD_PX,
    PX_PER_INCH,
    SLIDE_PX,
    TEXT_HEIGHT_PX,
    TEXT_TOP_PX,
    layout,
    plain,
)
from loyalty.i18n import t

Progress = Callable[[float, str], None]
FORMATS = (".pptx", ".pdf")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def _noop(fraction: float, message: str) -> None:
    return None


def deck_title(lang: str, wave: str, today: dt.date | None = None) -> tuple[str, str]:
    """The title page's title and subtitle: the wave and the day it was made (``today``,
    default the current day) in the language's format."""
    day = i18n.date(today or dt.date.today(), lang)
    return t("report.title", lang), t("report.subtitle", lang, wave=wave, date=day)


def deck_figure(fig: go.Figure, width_px: int = round(CHART_BOX[2] * PX_PER_INCH)) -> go.Figure:
    """The step's chart as the deck shows it (presenter typography), ``width_px`` wide."""
    return charts.presentation(fig, height=round(CHART_BOX[3] * PX_PER_INCH), width=width_px)


def build_pptx(steps: list[story.Step], lang: str, wave: str, progress: Progress = _noop) -> bytes:
    """A 16:9 deck: a title slide, then one slide per step (chart left, text right, laid out by
    :func:`layout`), chart text at least charts.PRESENT_FONT px when the deck is shown at
    1280×720; every step's lines are also in the slide's notes."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title, subtitle = deck_title(lang, wave)
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    blank = deck.slide_layouts[5]  # title only
    left, top, _, height = CHART_BOX
    for i, step in enumerate(steps):
        progress(i / len(steps), step.title)
        fit = layout(step.lines)
        width = fit.chart_px / PX_PER_INCH
        slide = deck.slides.add_slide(blank)
        slide.shapes.title.text = step.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
        png = exports.chart_image(
            deck_figure(step.figure, fit.chart_px),
            "png",
            width=fit.chart_px,
            height=round(height * PX_PER_INCH),
            scale=3,
        )
        slide.shapes.add_picture(
            io.BytesIO(png), Inches(left), Inches(top), width=Inches(width), height=Inches(height)
        )
        box = slide.shapes.add_textbox(
            Inches(left + width + 0.2),
            Inches(top),
            Inches(fit.column_px / PX_PER_INCH),
            Inches(TEXT_HEIGHT_PX / PX_PER_INCH),
        )
        frame = box.text_frame
        frame.word_wrap = True
        for j, line in enumerate(step.lines):
            para = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            para.text = plain(line)
            para.font.size = Pt((fit.size_px + (LEAD_PX if j == 0 else 0)) * 0.75)
            para.space_after = Pt(fit.size_px * 0.75)
        slide.notes_slide.notes_text_frame.text = "\n\n".join(plain(x) for x in step.lines)
    progress(1.0, t("report.done", lang))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _page(fig: go.Figure, title: str, lines: tuple[str, ...]) -> go.Figure:
    """One PDF page laid out like a slide at 1280×720: the step's title on top, the chart
    (with its own title, n and interval) on the left, the step's lines on the right (as
    :func:`layout` fits them); every chart text at least charts.PRESENT_FONT px."""
    width, height = SLIDE_PX
    fit = layout(lines)
    chart_right = fit.chart_px / width
    page = charts.presentation(fig, height=height, width=fit.chart_px)
    heading = 50  # px for the step's title, the first line of the page's title
    top = page.layout.margin.t + heading
    page.update_layout(
        width=width,
        margin={"l": 30, "r": 20, "t": top, "b": 40},
        title={"text": f"<b>{title}</b><br>{page.layout.title.text}"},
        legend={"x": chart_right, "xanchor": "left"},
    )
    page.update_xaxes(domain=[0, chart_right - 0.08])
    for trace in page.data:
        marker = getattr(trace, "marker", None)
        if marker is not None and marker.colorbar.title.text:
            marker.colorbar.update(x=chart_right - 0.07, xanchor="left")
    paragraphs = ["<br>".join(rows) for rows in fit.rows]
    if paragraphs:  # the first line a little larger, as on the slide
        paragraphs[0] = f"<span style='font-size:{fit.size_px + LEAD_PX}px'>{paragraphs[0]}</span>"
    page.add_annotation(
        text="<br><br>".join(paragraphs),
        xref="paper",
        yref="paper",
        x=(chart_right * width - 30) / (width - 50),
        # the text starts where the slide's text box does (TEXT_TOP_PX from the page's top),
        # in paper coordinates, which run over the plot area between the margins
        y=1 + (top - TEXT_TOP_PX) / (height - top - 40),
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": fit.size_px},
    )
    return page


def _title_page(title: str, subtitle: str) -> go.Figure:
    page = go.Figure()
    page.update_layout(
        template="plotly_white",
        width=SLIDE_PX[0],
        height=SLIDE_PX[1],
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
    """A PDF with a title page and one 16:9 page per step (vector charts and text)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    title, subtitle = deck_title(lang, wave)
    pages = [(title, _title_page(title, subtitle))]
    pages += [(step.title, _page(step.figure, step.title, step.lines)) for step in steps]
    width, height = SLIDE_PX
    for i, (name, page) in enumerate(pages):
        progress(i / len(pages), name)
        pdf = exports.chart_image(page, "pdf", width=width, height=height)
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
