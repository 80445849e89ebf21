"""Checks on a rendered page for the readability tests: English words in German mode,
decimal points, overlapping or cut-off chart text, chart font sizes; and screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from e2e.pages import wait_for_app

ROOT = Path(__file__).resolve().parents[2]
#: Written by the browser tests (``make test``), ignored by git; look at them after a run.
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"

#: Every page of the app: url path, query, the charts it shows on the demo data (waited for),
#: the tab to open first (its index; None: the first, as the page opens). The presenter
#: steps have a test of their own.
PAGES = (
    ("", "", 4, None),
    ("branches", "", 1, None),
    ("compare", "branches=B001,B002,B004,B007", 1, None),
    ("branch", "branch=B042", 4, None),
    ("whatif", "", 1, None),
    ("drivers", "", 1, None),
    ("actions", "", 1, 1),  # the effect tab: the forest plot of the actions' effects
    ("methods", "", 1, None),
    ("data", "", 0, None),
    ("admin", "", 0, None),
)
#: Charts a reader sees (a chart on a tab not opened is in the page but hidden).
_SHOWN = '[data-testid="stPlotlyChart"]:visible'


#: English that must not appear in German mode, chosen from what has leaked before and what
#: would leak: Streamlit's own widget texts (uploader, select boxes, status), our own nouns
#: that exist as English keys (branch, company, wave, responses, page), and function words
#: that occur in any English sentence but in no German one (the, of, and, with; not "per",
#: which German uses too: "per OIDC").
#: Case-sensitive whole words; data values (branch and region names) are German.
ENGLISH = (
    "the",
    "of",
    "and",
    "with",
    "is",
    "are",
    "branch",
    "branches",
    "Branch",
    "Branches",
    "company",
    "Company",
    "wave",
    "responses",
    "Upload",
    "Download",
    "Browse",
    "Drag",
    "drop",
    "file",
    "files",
    "Settings",
    "Page",
    "Difference",
    "Choose",
    "Select",
    "Search",
    "Running",
    "Loading",
    "None",
    "True",
    "False",
    "nan",
    "null",
)
_ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH) + r")(?![\w-])")
#: A decimal point in a number: digits, a point, then one, two or four and more digits (a
#: German thousands group has exactly three digits, "10.000").
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.(\d{1,2}|\d{4,})(?![\d.])")

_CHART_TEXTS = """
(root) => {
  const container = root.querySelector('.svg-container').getBoundingClientRect();
  const outer = root.getBoundingClientRect();  // the chart's element: wider figures are cut
  const rect = (r) => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const visible = (el) => {
    for (let e = el; e && e !== root; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0')
        return false;
    }
    return true;
  };
  // The area a text is drawn in: its ancestors' clip paths (plotly clips value labels to
  // the plot area unless cliponaxis is off), in screen coordinates.
  const clipOf = (el) => {
    let box = null;
    for (let e = el; e && e !== root; e = e.parentElement) {
      const ref = e.getAttribute && e.getAttribute('clip-path');
      const id = ref && (ref.match(/url\\(["']?#([^"')]+)["']?\\)/) || [])[1];
      const shape = id && document.getElementById(id)?.querySelector('rect');
      if (!shape) continue;
      const m = e.getScreenCTM();
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => shape[a].baseVal.value);
      const c = {x0: m.a * x + m.e, y0: m.d * y + m.f, x1: m.a * (x + w) + m.e,
                 y1: m.d * (y + h) + m.f};
      box = box ? {x0: Math.max(box.x0, c.x0), y0: Math.max(box.y0, c.y0),
                   x1: Math.min(box.x1, c.x1), y1: Math.min(box.y1, c.y1)} : c;
    }
    return box;
  };
  const texts = [];
  for (const el of root.querySelectorAll('svg.main-svg text')) {
    const text = el.textContent.trim();
    if (!text || el.closest('.hoverlayer') || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // plotly shrinks a value label that does not fit its bar by a transform: the size
    // a reader sees is the font size times that scale
    const m = el.getScreenCTM();
    const scale = m ? Math.hypot(m.a, m.b) : 1;
    texts.push({text, cls: el.getAttribute('class') || '',
                size: Math.round(parseFloat(getComputedStyle(el).fontSize) * scale * 10) / 10,
                legend: !!el.closest('g.legend'), clip: clipOf(el), ...rect(r)});
  }
  // What a label must keep clear of: error-bar whiskers (each a path in g.errorbar; its box
  // is the interval line and its caps, widened by half the stroke) and the legend's box.
  const marks = [];
  for (const el of root.querySelectorAll('g.errorbar path')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const half = (parseFloat(getComputedStyle(el).strokeWidth) || 1) / 2;
    marks.push({kind: 'whisker', x0: r.left - half, y0: r.top - half, x1: r.right + half,
                y1: r.bottom + half});
  }
  for (const el of root.querySelectorAll('g.legend rect.bg')) {
    if (visible(el)) marks.push({kind: 'legend', ...rect(el.getBoundingClientRect())});
  }
  // Category axes whose labels plotly thinned out because they did not fit (every second
  // bar unnamed): the axis' categories against the ticks it drew.
  const skipped = [];
  const layout = root.querySelector('.js-plotly-plot')?._fullLayout || {};
  for (const [name, ax] of Object.entries(layout)) {
    if (!/^[xy]axis\\d*$/.test(name) || ax.type !== 'category' || !ax.visible) continue;
    const shown = (ax._vals || []).filter(v => v.text !== undefined && v.text !== '').length;
    const all = (ax._categories || []).length;
    if (ax.showticklabels && shown < all) skipped.push({axis: name, shown, all});
  }
  const box = {x0: Math.max(container.left, outer.left), y0: Math.max(container.top, outer.top),
               x1: Math.min(container.right, outer.right),
               y1: Math.min(container.bottom, outer.bottom)};
  return {texts, marks, skipped, box};
}
"""


def open_page(page: Page, url: str, charts: int = 0) -> None:
    """Open ``url`` and wait until the run is over, the page's title is drawn and at least
    ``charts`` charts are drawn, each with its text (a page without charts: until no
    placeholder is left)."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(
        """(n) => (n > 0 || !document.querySelector('[data-testid="stSkeleton"]'))
                 && document.querySelector('[data-testid="stMain"] h1')
                 && !document.querySelector('[data-testid="stStatusWidget"]')
                 && document.querySelectorAll('[data-testid="stPlotlyChart"]').length >= n
                 && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .every(c => c.querySelector('svg.main-svg text'))""",
        arg=charts,
        timeout=180_000,
    )
    page.wait_for_timeout(800)


def open_tab(page: Page, index: int) -> None:
    """Click the page's ``index``-th tab and wait until a chart on it is drawn."""
    page.get_by_role("tab").nth(index).click()
    page.locator(_SHOWN).first.locator("svg.main-svg text").first.wait_for()
    page.wait_for_timeout(800)


def visible_text(page: Page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


_SHOWN_TEXT = """
(root) => {
  // What a reader sees: text nodes and CSS generated content (::before, ::after) that are
  // displayed, visible and not 0 px; icons (a ligature such as "upload") are glyphs.
  const out = [];
  const shows = (style) => style.display !== 'none' && style.visibility !== 'hidden'
                           && style.opacity !== '0' && parseFloat(style.fontSize) > 0;
  const generated = (el, pseudo) => {
    const style = getComputedStyle(el, pseudo);
    const content = style.content;
    if (!shows(style) || !content || content === 'none' || content === 'normal') return;
    out.push(content.replace(/^["']|["']$/g, '').replace(/\\\\(.)/g, '$1'));
  };
  const walk = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || el.matches('[data-testid="stIconMaterial"]')) return;
    generated(el, '::before');
    for (const node of el.childNodes) {
      if (node.nodeType === Node.ELEMENT_NODE) walk(node);
      else if (node.nodeType === Node.TEXT_NODE && node.textContent.trim() && shows(style))
        out.push(node.textContent.trim());
    }
    generated(el, '::after');
  };
  walk(root);
  return out.join(' ');
}
"""


def shown_text(page: Page, selector: str) -> str:
    """The text a reader sees in the first element matching ``selector``, CSS generated
    content included and hidden text left out (``innerText`` knows neither)."""
    return page.locator(selector).first.evaluate(_SHOWN_TEXT)


def drag_file_over(page: Page, selector: str) -> None:
    """A file dragged over (not dropped on) the drop zone ``selector``."""
    files = page.evaluate_handle(
        """() => { const d = new DataTransfer();
                   d.items.add(new File(['a;b'], 'a.csv', {type: 'text/csv'})); return d; }"""
    )
    page.locator(selector).first.dispatch_event("dragenter", {"dataTransfer": files})


def english_words(text: str) -> list[str]:
    return sorted(set(_ENGLISH.findall(text)))


def decimal_points(text: str) -> list[str]:
    return sorted({m.group(0) for m in _DECIMAL_POINT.finditer(text)})


def chart_texts(page: Page) -> list[dict]:
    """Per chart shown: its text elements (text, font size, box, clip area), its whiskers and
    legend box, and the chart's box."""
    charts = page.locator(_SHOWN)
    return [charts.nth(i).evaluate(_CHART_TEXTS) for i in range(charts.count())]


def _overlap(a: dict, b: dict, tolerance: float = 1.0) -> bool:
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return dx > tolerance and dy > tolerance


def _inside(t: dict, box: dict, tolerance: float = 1.0) -> bool:
    return (
        t["x0"] >= box["x0"] - tolerance
        and t["x1"] <= box["x1"] + tolerance
        and t["y0"] >= box["y0"] - tolerance
        and t["y1"] <= box["y1"] + tolerance
    )


def collisions(chart: dict) -> list[str]:
    """What makes a chart's text unreadable: two texts that overlap; a whisker (error bar)
    through a text; the legend's box over a text that is not the legend's; a text that sticks
    out of the chart or out of the area it is clipped to (a value label beyond the axis
    range is cut off by the plot area)."""
    texts, box = chart["texts"], chart["box"]
    found = [
        f"{a['text']!r} overlaps {b['text']!r}"
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if _overlap(a, b)
    ]
    for mark in chart.get("marks", ()):
        if mark["kind"] == "whisker":
            found += [f"a whisker crosses {t['text']!r}" for t in texts if _overlap(t, mark, 0.5)]
        else:
            found += [
                f"the legend covers {t['text']!r}"
                for t in texts
                if not t["legend"] and _overlap(t, mark)
            ]
    found += [
        f"{s['axis']} names {s['shown']} of its {s['all']} categories (too little room)"
        for s in chart.get("skipped", ())
    ]
    found += [
        f"{t['text']!r} is cut off"
        for t in texts
        if not _inside(t, box) or (t.get("clip") and not _inside(t, t["clip"]))
    ]
    return found


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def chart_screenshots(page: Page, name: str) -> None:
    """Each chart shown on its own (the page shot shows only the top of a long page)."""
    charts = page.locator(_SHOWN)
    for i in range(charts.count()):
        charts.nth(i).screenshot(path=str(SCREENSHOTS / f"{name}-chart{i + 1}.png"))
