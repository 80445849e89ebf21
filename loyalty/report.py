"""The story as a PowerPoint deck (python-pptx) or a PDF (kaleido pages joined with pypdf).

Both take the steps of :mod:`loyalty.story` (suppressed data only, like the screen) and report
progress through an optional callback ``progress(fraction, message)``.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
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


def deck_figure(fig: go.Figure, width_px: int = round(CHART_BOX[2] * PX_PER_INCH)) -> go.Figure:
    """The step's chart as the deck shows it (presenter typography), ``width_px`` wide."""
    return charts.presentation(fig, height=round(CHART_BOX[3] * PX_PER_INCH), width=width_px)


@dataclass(frozen=True)
class Layout:
    """How one step fills a 1280×720 page: the chart's width and the text column beside it.

    The text is never cut: the largest text size (of TEXT_PX) at which the lines fit beside
    the chart wins, with the chart as wide as the text allows (of CHART_WIDTHS_PX)."""

    chart_px: int  # the chart's width; its height is CHART_BOX's
    size_px: int  # the text column's size (the first line LEAD_PX larger)
    rows: tuple[tuple[str, ...], ...]  # each line wrapped to the column

    @property
    def column_px(self) -> int:
        return SLIDE_PX[0] - self.chart_px - MARGINS_PX

    @property
    def height_px(self) -> float:
        """The text's height: its rows and one empty row between lines."""
        n = sum(len(r) for r in self.rows) + len(self.rows) - 1
        return (n * self.size_px + LEAD_PX) * LINE_SPACING


#: The text column's sizes in px, largest first (21 px = 16 pt at 1280×720), and the chart's
#: widths in px, widest first (797 px = CHART_BOX's 8.3 in).
TEXT_PX = (21, 19, 17)
CHART_WIDTHS_PX = (797, 700, 620, 560)
LEAD_PX = 3
MARGINS_PX = 60  # left of the chart, between chart and text, right of the text
LINE_SPACING = 1.3  # plotly's and PowerPoint's single line spacing, about
#: The text column's height: from the chart's top to 40 px above the page's bottom.
TEXT_TOP_PX = round(CHART_BOX[1] * PX_PER_INCH)
TEXT_HEIGHT_PX = SLIDE_PX[1] - TEXT_TOP_PX - 40


def _wrap(lines: tuple[str, ...], column_px: int, size_px: int) -> tuple[tuple[str, ...], ...]:
    chars = int(column_px / (0.55 * size_px)) - 1  # an average glyph is about 0.5 em wide
    return tuple(tuple(textwrap.wrap(_plain(line), chars)) for line in lines)


def layout(lines: tuple[str, ...]) -> Layout:
    """The step's :class:`Layout` (the same for the deck and the PDF)."""
    best = None
    for size in TEXT_PX:
        for chart in CHART_WIDTHS_PX:
            best = Layout(chart, size, ())
            best = Layout(chart, size, _wrap(lines, best.column_px, size))
            if best.height_px <= TEXT_HEIGHT_PX:
                return best
    return best  # more text than a page holds: the smallest size beside the narrowest chart


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
            para.text = _plain(line)
            para.font.size = Pt((fit.size_px + (LEAD_PX if j == 0 else 0)) * 0.75)
            para.space_after = Pt(fit.size_px * 0.75)
        slide.notes_slide.notes_text_frame.text = "\n\n".join(_plain(x) for x in step.lines)
    progress(1.0, t("report.done", lang))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _plain(line: str) -> str:
    """A story line without its markdown emphasis (the deck's text boxes show it as is)."""
    return line.replace("**", "")


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
