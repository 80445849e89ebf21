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

#: Every page of the app: url path, query, the charts it shows on the demo data (waited for).
PAGES = (
    ("", "", 4),
    ("branches", "", 1),
    ("compare", "branches=B001,B002,B004,B007", 1),
    ("branch", "branch=B042", 4),
    ("whatif", "", 1),
    ("drivers", "", 1),
    ("methods", "", 1),
    ("data", "", 0),
    ("admin", "", 0),
)

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
  const svgs = [...root.querySelectorAll('svg.main-svg')];
  const outer = root.querySelector('.svg-container').getBoundingClientRect();
  const out = [];
  for (const el of root.querySelectorAll('svg.main-svg text')) {
    const text = el.textContent.trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0')
      continue;
    if (el.closest('.hoverlayer')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    out.push({text, cls: el.getAttribute('class') || '', size: parseFloat(style.fontSize),
              x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  }
  return {texts: out, box: {x0: outer.left, y0: outer.top, x1: outer.right, y1: outer.bottom}};
}
"""


def open_page(page: Page, url: str, charts: int = 0) -> None:
    """Open ``url`` and wait until the run is over and at least ``charts`` charts are drawn,
    each with its text (a page without charts: until no placeholder is left)."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(
        """(n) => (n > 0 || !document.querySelector('[data-testid="stSkeleton"]'))
                 && !document.querySelector('[data-testid="stStatusWidget"]')
                 && document.querySelectorAll('[data-testid="stPlotlyChart"]').length >= n
                 && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .every(c => c.querySelector('svg.main-svg text'))""",
        arg=charts,
        timeout=180_000,
    )
    page.wait_for_timeout(800)


def visible_text(page: Page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def english_words(text: str) -> list[str]:
    return sorted(set(_ENGLISH.findall(text)))


def decimal_points(text: str) -> list[str]:
    return sorted({m.group(0) for m in _DECIMAL_POINT.finditer(text)})


def chart_texts(page: Page) -> list[dict]:
    """Per chart: its text elements (text, font size, box) and the chart's box."""
    charts = page.locator('[data-testid="stPlotlyChart"]')
    return [charts.nth(i).evaluate(_CHART_TEXTS) for i in range(charts.count())]


def _overlap(a: dict, b: dict, tolerance: float = 1.0) -> bool:
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return dx > tolerance and dy > tolerance


def collisions(chart: dict) -> list[str]:
    """Pairs of text elements that overlap, and texts that stick out of the chart."""
    texts, box = chart["texts"], chart["box"]
    found = [
        f"{a['text']!r} overlaps {b['text']!r}"
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if _overlap(a, b)
    ]
    found += [
        f"{t['text']!r} is cut off"
        for t in texts
        if t["x0"] < box["x0"] - 1
        or t["x1"] > box["x1"] + 1
        or t["y0"] < box["y0"] - 1
        or t["y1"] > box["y1"] + 1
    ]
    return found


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def chart_screenshots(page: Page, name: str) -> None:
    """Each chart on its own (the page shot shows only the top of a long page)."""
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).screenshot(path=str(SCREENSHOTS / f"{name}-chart{i + 1}.png"))
