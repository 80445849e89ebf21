"""Page objects for the browser tests: tests talk to these, not to raw selectors."""

from __future__ import annotations

import math
import re

from playwright.sync_api import Locator, Page, expect


def wait_for_app(page: Page) -> None:
    """Wait until the script run has finished (no 'running' indicator, content rendered)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def stable_box(locator: Locator, tries: int = 50) -> dict:
    """The element's box once it has stopped moving (content above it may still render)."""
    previous = None
    for _ in range(tries):
        box = locator.bounding_box()
        if box is not None and box == previous:
            return box
        previous = box
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} kept moving")


class ScatterChart:
    """One plotly scatter of the overview; points are SVG paths in data order."""

    def __init__(self, chart: Locator) -> None:
        self.chart = chart

    def branch_ids(self) -> list[str]:
        return self.chart.locator(".js-plotly-plot").evaluate("gd => gd.data[0].customdata")

    def point_boxes(self) -> list[dict]:
        points = self.chart.locator(".scatterlayer .trace").first.locator("path.point")
        expect(points.first).to_be_visible()
        return [points.nth(i).bounding_box() for i in range(points.count())]

    def click_point(self, index: int) -> str:
        """Click the index-th point of the first trace; returns its branch id."""
        point = self.chart.locator(".scatterlayer .trace").first.locator("path.point").nth(index)
        point.scroll_into_view_if_needed()
        box = stable_box(point)
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.chart.page.mouse.move(*centre)
        self.chart.page.mouse.click(*centre)
        return self.branch_ids()[index]

    def click_most_isolated_point(self) -> str:
        """Click the point farthest from its neighbours (so the click cannot hit another one)
        and return the branch id it stands for."""
        stable_box(self.chart)
        boxes = self.point_boxes()
        ids = self.branch_ids()
        centres = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes]

        def isolation(i: int) -> float:
            return min(math.dist(centres[i], c) for j, c in enumerate(centres) if j != i)

        best = max(range(len(centres)), key=isolation)
        self.chart.page.mouse.move(*centres[best])
        self.chart.page.mouse.click(*centres[best])
        return ids[best]

    def click_most_isolated_drawn_point(self) -> tuple[str, str]:
        """Like :meth:`click_most_isolated_point`, for any trace type: the positions come
        from plotly's axes (a WebGL trace draws into a canvas, no element per point).
        Returns the branch id and the trace's type."""
        stable_box(self.chart)
        found = self.chart.locator(".js-plotly-plot").evaluate(
            """gd => {
              const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
              const box = gd.getBoundingClientRect(), t = gd._fullData[0];
              const px = Array.from(t.x, v => box.left + xa._offset + xa.l2p(v));
              const py = Array.from(t.y, v => box.top + ya._offset + ya.l2p(v));
              let best = 0, farthest = -1;
              for (let i = 0; i < px.length; i++) {
                let near = Infinity;
                for (let j = 0; j < px.length; j++) {
                  if (j !== i) near = Math.min(near, Math.hypot(px[i] - px[j], py[i] - py[j]));
                }
                if (near > farthest) { farthest = near; best = i; }
              }
              return {x: px[best], y: py[best], id: t.customdata[best], type: t.type};
            }"""
        )
        self.chart.page.mouse.move(found["x"], found["y"])
        self.chart.page.mouse.click(found["x"], found["y"])
        return found["id"], found["type"]


class HeatmapChart:
    """The Branches page's heatmap: each cell is a bar; the first trace is the first
    dimension's column of cells with a score, in row order."""

    def __init__(self, chart: Locator) -> None:
        self.chart = chart

    def keys(self) -> list[str]:
        return self.chart.locator(".js-plotly-plot").evaluate("gd => gd.data[0].customdata")

    def click_cell(self, index: int) -> str:
        """Click the index-th cell of the first column; returns the row's key."""
        key = self.keys()[index]  # read before the click: the click reruns the page
        cell = self.chart.locator(".barlayer .trace").first.locator("path").nth(index)
        cell.scroll_into_view_if_needed()
        box = stable_box(cell)
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.chart.page.mouse.move(*centre)
        self.chart.page.mouse.click(*centre)
        return key


class OverviewPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, lang: str = "en") -> OverviewPage:
        self.page.goto(f"{self.base_url}/?lang={lang}")
        wait_for_app(self.page)
        expect(self.page.locator(".js-plotly-plot").nth(2)).to_be_visible()  # the three links
        return self

    def scatter(self, index: int) -> ScatterChart:
        return ScatterChart(self.page.locator('[data-testid="stPlotlyChart"]').nth(index))


class BranchPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, branch_id: str, lang: str = "en") -> BranchPage:
        self.page.goto(f"{self.base_url}/branch?branch={branch_id}&lang={lang}")
        wait_for_app(self.page)
        return self

    def metric_locator(self, label: str) -> Locator:
        return self.page.locator('[data-testid="stMetric"]').filter(has_text=label).first

    def metric(self, label: str) -> str:
        box = self.metric_locator(label)
        expect(box).to_be_visible()
        return box.locator('[data-testid="stMetricValue"]').inner_text()

    def expect_branch(self, branch_id: str, name: str) -> None:

        expect(self.page).to_have_url(re.compile(rf"/branch\?(.*&)?branch={branch_id}(&|$)"))
        expect(self.page.locator("h1").first).to_have_text(name)


class BranchesPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, query: str = "lang=en") -> BranchesPage:
        self.page.goto(f"{self.base_url}/branches?{query}")
        wait_for_app(self.page)
        # the table, the heatmap page and the funnel: slow on a loaded machine
        expect(self.page.locator(".js-plotly-plot").first).to_be_visible(timeout=120_000)
        return self

    def heatmap(self) -> HeatmapChart:
        return HeatmapChart(self.page.locator('[data-testid="stPlotlyChart"]').first)


class PresenterPage:
    """Presenter mode: one story step per screen, arrow keys step through it."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, query: str = "lang=en") -> PresenterPage:
        self.page.goto(f"{self.base_url}/present?{query}")
        wait_for_app(self.page)
        return self

    def title(self) -> Locator:
        return self.page.locator("h1").first

    def press(self, key: str) -> None:
        self.page.locator("h1").first.click()  # focus the page, not a widget
        self.page.keyboard.press(key)

    def chart(self) -> ScatterChart:
        return ScatterChart(self.page.locator('[data-testid="stPlotlyChart"]').first)

    def branch_card(self) -> Locator:
        return self.page.locator(".st-key-branch_card")

    def download(self, kind: str, label: str, download_label: str):
        """Build the export from the settings popover and download it; returns the path."""
        self.page.get_by_role("button", name="Settings").click()
        self.page.get_by_role("button", name=label).click()
        button = self.page.get_by_role("button", name=download_label)
        expect(button).to_be_visible(timeout=90_000)
        with self.page.expect_download() as info:
            button.click()
        return info.value.path()


class DataPage:
    """The Data page's import tab."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, lang: str = "en") -> DataPage:
        self.page.goto(f"{self.base_url}/data?lang={lang}")
        wait_for_app(self.page)
        return self

    def upload(self, path: str) -> None:
        uploader = self.page.locator('[data-testid="stFileUploader"]').first
        uploader.locator('input[type="file"]').set_input_files(path)
        wait_for_app(self.page)

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox labelled ``label``."""
        self.page.get_by_role("combobox", name=label, exact=True).click()
        self.page.get_by_role("option", name=option, exact=True).click()

        wait_for_app(self.page)

    def click(self, label: str) -> None:
        self.page.get_by_role("button", name=label).click()
        wait_for_app(self.page)


class SignInPage:
    """The password sign-in form (LOYALTY_AUTH=password)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def sign_in(
        self, user: str, password: str, path: str = "", query: str = "", lang: str = "en"
    ) -> None:
        """Open ``path?query`` (a fresh session: the sign-in form) and sign in there."""
        self.page.goto(f"{self.base_url}/{path}?{query + '&' if query else ''}lang={lang}")
        wait_for_app(self.page)
        labels = {
            "en": ("User name", "Password", "Sign in"),
            "de": ("Benutzername", "Passwort", "Anmelden"),
        }[lang]
        self.page.get_by_role("textbox", name=labels[0], exact=True).fill(user)
        self.page.get_by_role("textbox", name=labels[1], exact=True).fill(password)

        self.page.get_by_role("button", name=labels[2]).click()

        wait_for_app(self.page)
        self.wait_for_cookie()

    def wait_for_cookie(self, tries: int = 600) -> dict:
        """The session cookie, once the page has redeemed its ticket (HttpOnly: only the
        browser's cookie jar shows it, never the page's script)."""
        for _ in range(tries):
            for cookie in self.page.context.cookies():
                if cookie["name"] == "loyalty_session":
                    return cookie
            self.page.wait_for_timeout(100)
        raise AssertionError("the sign-in set no session cookie")

    def open(self, path: str = "", query: str = "", lang: str = "en") -> None:
        """Open ``path?query`` in a new session, with the cookie of an earlier sign-in."""
        self.page.goto(f"{self.base_url}/{path}?{query + '&' if query else ''}lang={lang}")
        wait_for_app(self.page)
