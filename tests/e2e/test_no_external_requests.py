"""A first visit asks nothing of any other server: a self-hosted dashboard works in a closed
network and tells no outside server who looks at it (the favicon used to come from
fonts.gstatic.com)."""

from __future__ import annotations


def test_the_overview_loads_everything_from_our_own_server(page, server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{server}/?lang=en")
    page.wait_for_function(  # the first run is over: the page config (favicon) has arrived
        "document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'"
        " && document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 3",
        timeout=180_000,
    )
    favicon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
    assert favicon.startswith("data:image/svg+xml"), favicon
    assert requests and requests[0].startswith(server)
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert outside == []
