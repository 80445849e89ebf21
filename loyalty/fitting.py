"""How a story step fits a 1280×720 screen: the largest text size at which its lines fit
beside its chart. The deck and the PDF (:mod:`loyalty.report`) and presenter mode use it, each
with its own :class:`Page`; nothing here draws.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

#: A slide (and a PDF page) in px at the projector's 1280×720 (96 px per inch on 13.333 in).
SLIDE_PX = (1280, 720)
PX_PER_INCH = 96
#: Where the chart sits on a slide, in inches (left, top, width, height): the image is
#: rendered at exactly this size in px, so PRESENT_FONT px in the figure is that many px in
#: the room.
CHART_BOX = (0.3, 1.35, 8.3, 5.9)


def plain(line: str) -> str:
    """A story line without its markdown emphasis (the deck's text boxes show it as is)."""
    return line.replace("**", "")


@dataclass(frozen=True)
class Page:
    """Where a step goes on a 1280×720 screen: a chart and a text column beside it."""

    width_px: int  # the chart, the text column and the margins together
    text_height_px: int  # the text column's height
    margins_px: int  # the margins and the gap between chart and text, together
    text_px: tuple[int, ...]  # the text's sizes, largest first
    chart_widths_px: tuple[int, ...]  # the chart's widths, widest first
    line_spacing: float  # a row's height in text sizes
    gap_px: int | None = None  # between two lines; None: one empty row
    glyph_em: float = 0.55  # an average glyph's width in text sizes (a little generous)


@dataclass(frozen=True)
class Layout:
    """How one step fills a :class:`Page`: the chart's width and the text column beside it.

    The text is never cut: the largest text size at which the lines fit beside the chart
    wins, with the chart as wide as the text allows."""

    chart_px: int  # the chart's width; its height is the page's
    size_px: int  # the text column's size (on the deck, the first line LEAD_PX larger)
    rows: tuple[tuple[str, ...], ...]  # each line wrapped to the column
    page: Page

    @property
    def column_px(self) -> int:
        return self.page.width_px - self.chart_px - self.page.margins_px

    @property
    def height_px(self) -> float:
        """The text's height: its rows and the gaps between lines."""
        rows, gaps = sum(len(r) for r in self.rows), len(self.rows) - 1
        spacing = self.page.line_spacing
        if self.page.gap_px is None:  # one empty row between lines; the first line larger
            lead = LEAD_PX * (len(self.rows[0]) if self.rows else 0)
            return ((rows + gaps) * self.size_px + lead) * spacing
        return rows * self.size_px * spacing + gaps * self.page.gap_px


LEAD_PX = 3
LINE_SPACING = 1.3  # plotly's and PowerPoint's single line spacing, about
#: The text column's height on a slide: from the chart's top to 40 px above the page's bottom.
TEXT_TOP_PX = round(CHART_BOX[1] * PX_PER_INCH)
TEXT_HEIGHT_PX = SLIDE_PX[1] - TEXT_TOP_PX - 40
#: The deck and the PDF: text at 21 px (16 pt at 1280×720), 19 or 17 px; the chart 797 px wide
#: (CHART_BOX's 8.3 in) down to 560 px; 60 px of margins.
DECK = Page(SLIDE_PX[0], TEXT_HEIGHT_PX, 60, (21, 19, 17), (797, 700, 620, 560), LINE_SPACING)
#: Presenter mode in the browser at 1280×720 (no sidebar): 1,120 px between the page's margins,
#: the step's text from 211 px (below the buttons and the title) to 15 px above the bottom;
#: paragraphs at 1.5 line height, 16 px apart (Streamlit's gap); text at 23 px (the screen's
#: largest) down to 17 px beside the chart at 672 px (3/5) or 600 px (its title wrapped to
#: that width, :func:`loyalty.story.presenter_pack`); not narrower: at 540 px the actions
#: step's axis title is cut off at 10,000 branches. Source Sans' glyphs at about 0.5 em.
PRESENTER = Page(1120, 494, 16, (23, 21, 19, 17), (672, 600), 1.5, 16, 0.5)


def _wrap(
    lines: tuple[str, ...], column_px: int, size_px: int, glyph_em: float = 0.55, lead_px: int = 0
) -> tuple[tuple[str, ...], ...]:
    """Each line wrapped to the column: the first at ``size_px + lead_px``, the rest at
    ``size_px``."""

    def chars(size: int) -> int:
        return int(column_px / (glyph_em * size)) - 1

    return tuple(
        tuple(textwrap.wrap(plain(line), chars(size_px + (lead_px if i == 0 else 0))))
        for i, line in enumerate(lines)
    )


def layout(lines: tuple[str, ...], page: Page = DECK) -> Layout:
    """The step's :class:`Layout` on ``page`` (the deck's is the PDF's too)."""
    best = None
    for size in page.text_px:
        for chart in page.chart_widths_px:
            best = Layout(chart, size, (), page)
            # the deck's first line is LEAD_PX larger (one empty row between lines): it is
            # wrapped at that size, or it would run past the page's edge
            lead = LEAD_PX if page.gap_px is None else 0
            rows = _wrap(lines, best.column_px, size, page.glyph_em, lead)
            best = Layout(chart, size, rows, page)
            if best.height_px <= page.text_height_px:
                return best
    return best  # more text than a page holds: the smallest size beside the narrowest chart
