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

from loyalty import charts, dashboard, exports, story
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


#: A slide (and a PDF page) in px at the projector's 1280×720 (96 px per inch on 13.333 in).
SLIDE_PX = (1280, 720)
PX_PER_INCH = 96
#: Where the chart sits on a slide, in inches (left, top, width, height): the image is
#: rendered at exactly this size in px, so PRESENT_FONT px in the figure is that many px in
#: the room.
CHART_BOX = (0.3, 1.35, 8.3, 5.9)
TEXT_PT = (18, 16)  # first line, the rest: 24 and 21 px at 1280×720


def deck_figure(fig: go.Figure) -> go.Figure:
    """The step's chart as the deck and the PDF show it (presenter typography)."""
    return charts.presentation(
        fig, height=round(CHART_BOX[3] * PX_PER_INCH), width=round(CHART_BOX[2] * PX_PER_INCH)
    )


def build_pptx(steps: list[story.Step], lang: str, wave: str, progress: Progress = _noop) -> bytes:
    """A 16:9 deck: a title slide, then one slide per step (chart left, text right), chart
    text at least charts.PRESENT_FONT px when the deck is shown at 1280×720."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title, subtitle = deck_title(lang, wave)
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    blank = deck.slide_layouts[5]  # title only
    left, top, width, height = CHART_BOX
    for i, step in enumerate(steps):
        progress(i / len(steps), step.title)
        slide = deck.slides.add_slide(blank)
        slide.shapes.title.text = step.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
        png = exports.chart_image(
            deck_figure(step.figure),
            "png",
            width=round(width * PX_PER_INCH),
            height=round(height * PX_PER_INCH),
            scale=3,
        )
        slide.shapes.add_picture(
            io.BytesIO(png), Inches(left), Inches(top), width=Inches(width), height=Inches(height)
        )
        box = slide.shapes.add_textbox(
            Inches(left + width + 0.2), Inches(top), Inches(13.333 - left - width - 0.4), Inches(6)
        )
        frame = box.text_frame
        frame.word_wrap = True
        for j, line in enumerate(step.lines):
            para = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            para.text = _plain(line)
            para.font.size = Pt(TEXT_PT[0] if j == 0 else TEXT_PT[1])
            para.space_after = Pt(8)
    progress(1.0, t("report.done", lang))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _plain(line: str) -> str:
    """A story line without its markdown emphasis (the deck's text boxes show it as is)."""
    return line.replace("**", "")


def _page(fig: go.Figure, title: str, lines: tuple[str, ...]) -> go.Figure:
    """One PDF page laid out like a slide at 1280×720: the step's title on top, the chart
    (with its own title, n and interval) on the left, the step's lines on the right; every
    text at least charts.PRESENT_FONT px."""
    width, height = SLIDE_PX
    chart_right = CHART_BOX[2] * PX_PER_INCH / width
    page = charts.presentation(fig, height=height, width=round(CHART_BOX[2] * PX_PER_INCH))
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
    size = round(TEXT_PT[1] * 4 / 3)
    # the text column: from chart_right of the page to its right edge, in the plot's paper
    # coordinates (which start after the left margin)
    chars = int((1 - chart_right) * width / (0.62 * size)) - 2
    text = "<br><br>".join("<br>".join(textwrap.wrap(_plain(line), chars)) for line in lines)
    page.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=(chart_right * width - 30) / (width - 50),
        y=1,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": size},
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
