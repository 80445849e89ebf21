"""Any chart downloads as PNG or SVG from its image menu (rendered in the system Chromium)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from e2e.pages import wait_for_app


def test_a_chart_downloads_as_svg_and_png(page, server):
    page.goto(f"{server}/drivers?lang=en")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    for fmt, magic in (("SVG", b"<svg"), ("PNG", b"\x89PNG")):
        page.get_by_role("button", name="Image").first.click()
        button = page.get_by_role("button", name=fmt, exact=True)
        expect(button).to_be_visible()
        with page.expect_download(timeout=60_000) as info:
            button.click()
        data = Path(info.value.path()).read_bytes()
        assert data[:16].lstrip().startswith(magic), data[:40]
        assert info.value.suggested_filename == f"loyalty-drivers_chart.{fmt.lower()}"
        page.keyboard.press("Escape")
