"""Two app servers (replicas) on one PostgreSQL store behind nginx, as `make cluster` runs them
(loyalty/devcluster.py), with password sign-in:

- an HR user imports a new wave on replica A; an executive on replica B sees it at the next
  rerun of the session B already had open (the store's revision is in the database);
- the session cookie: a sign-in survives a reload, a second tab and a switch to the other
  replica; signing out on one replica ends the session on the other at its next rerun;
- failover: replica A is killed (SIGKILL) while sessions are active on both; the session on B
  carries on, a browser of A reloading is served by B and still signed in, and the store lost
  nothing.

Needs PostgreSQL, nginx and Chromium: locally the tests skip without them, with CI=true they
fail (``make test`` installs all three as root).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import expect

from e2e.pages import BranchPage, DataPage, SignInPage, wait_for_app
from loyalty import demo, devcluster, devdb, results, sessions, store, users

PASSWORD = "replicas-secret-1"
ROUTE = "loyalty_route"


@pytest.fixture(scope="module")
def cluster(pg_server, demo_data, tmp_path_factory, chromium_path):
    """Two replicas and nginx on a seeded PostgreSQL database of its own."""
    if devcluster.nginx() is None:
        try:
            devcluster.install()
        except devcluster.ClusterError as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"nginx cannot be installed (CI=true): {exc}")
            pytest.skip(f"nginx cannot be installed: {exc}")
    address = devdb.create_database(pg_server, "replicas", template="loyalty_template")
    seeded = store.connect(address)
    demo.seed_store(seeded, demo_data)
    for name, role in (("hr", "hr"), ("exec", "executive"), ("exec2", "executive")):
        users.add_user(seeded, name, role=role, actor="test", password=PASSWORD)
    seeded.close()
    folder = tmp_path_factory.mktemp("cluster")
    # no background warm-up (as the other browser tests' servers): less CPU beside the tests
    env = {"LOYALTY_AUTH": "password", "LOYALTY_RETENTION_MONTHS": "1200", "LOYALTY_WARM_UP": "off"}
    try:
        running = devcluster.start(folder, replicas=2, db=address, env=env, seed=False)
    except devcluster.ClusterError as exc:
        pytest.fail(f"the cluster did not start: {exc}")
    try:
        yield running
    finally:
        devcluster.stop(folder)
        store.close_all()
        devdb.disconnect(pg_server, ["replicas"])


def _context(browser, locale="en-US"):
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale=locale)
    context.set_default_timeout(60_000)
    return context


def _rerun_by_language(page, language: str) -> None:
    """A rerun of the same session: switch the sidebar's language."""
    page.locator('[data-testid="stSidebar"]').get_by_text(language, exact=True).click()
    wait_for_app(page)


def _wave_options(page, label: str) -> list[str]:
    page.get_by_role("combobox", name=label).click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    found = options.all_inner_texts()
    page.keyboard.press("Escape")
    return [o.strip() for o in found]


def _signed_in(page, name: str, lang: str = "en") -> None:
    caption = {"en": "Signed in: ", "de": "Angemeldet: "}[lang]
    expect(page.get_by_text(f"{caption}{name} (", exact=False)).to_be_visible()
    sign_in = {"en": "Sign in", "de": "Anmelden"}[lang]
    expect(page.get_by_role("button", name=sign_in, exact=True)).to_have_count(0)


def _sign_in_form(page, lang: str = "en") -> None:
    label = {"en": "User name", "de": "Benutzername"}[lang]
    expect(page.get_by_role("textbox", name=label, exact=True)).to_be_visible()


def test_an_import_on_one_replica_is_seen_on_the_other_at_its_next_rerun(
    browser, cluster, demo_data, tmp_path
):
    a, b = cluster.replicas
    from e2e.test_import_excel import _german_excel

    excel = _german_excel(demo_data, tmp_path)
    frame = pl.read_excel(excel).with_columns(pl.lit("2026-H1").alias("Welle"))
    frame.write_excel(excel, worksheet="Befragung")

    executive = _context(browser, "de-DE")
    seeing = executive.new_page()
    SignInPage(seeing, b.url).sign_in("exec", PASSWORD, "branch", "branch=B042", "de")
    assert "2026-H1" not in _wave_options(seeing, "Befragungswelle")

    hr = _context(browser, "de-DE")
    importing = hr.new_page()
    SignInPage(importing, a.url).sign_in("hr", PASSWORD, "data", lang="de")
    data = DataPage(importing, a.url)
    data.upload(excel)
    data.choose("In welche Welle?", "aus einer Spalte der Datei")
    data.choose("Filialnummer *", "Betrieb")
    data.click("Prüfen")
    expect(importing.get_by_text("Die Prüfung ist bestanden")).to_be_visible()
    data.click("Import bestätigen")
    expect(importing.get_by_text("Gespeichert: Welle 2026-H1, Version 1")).to_be_visible()

    # B's open session, next rerun: the new wave is there, with its figures
    _rerun_by_language(seeing, "English")
    assert "2026-H1" in _wave_options(seeing, "Survey wave")
    seeing.get_by_role("combobox", name="Survey wave").click()
    seeing.get_by_role("option", name="2026-H1", exact=True).click()
    wait_for_app(seeing)
    expect(BranchPage(seeing, b.url).metric_locator("Engagement index (1–5)")).to_contain_text(
        "5.00"
    )
    hr.close()
    executive.close()


def test_the_session_cookie_survives_reload_second_tab_and_the_other_replica(browser, cluster):
    a, b = cluster.replicas
    context = _context(browser)
    first = context.new_page()
    SignInPage(first, a.url).sign_in("exec2", PASSWORD)
    cookie = SignInPage(first, a.url).wait_for_cookie()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert first.evaluate("document.cookie").find(sessions.COOKIE) == -1  # not for scripts

    first.reload()
    wait_for_app(first)
    _signed_in(first, "exec2")

    second = context.new_page()  # a second tab
    SignInPage(second, a.url).open()
    _signed_in(second, "exec2")

    other = context.new_page()  # the other replica (same host: the browser sends the cookie)
    SignInPage(other, b.url).open("branches")
    _signed_in(other, "exec2")

    other.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    wait_for_app(other)
    _sign_in_form(other)
    # the first tab, on the other replica: its next rerun ends there too
    _rerun_by_language(first, "Deutsch")
    _sign_in_form(first, "de")
    first.reload()  # the language stays in the URL (?lang=de)
    wait_for_app(first)
    _sign_in_form(first, "de")
    context.close()


def _replica_of(url: str, route: str) -> str:
    request = urllib.request.Request(
        f"{url}/_stcore/health", headers={"Cookie": f"{ROUTE}={route}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Loyalty-Replica"]


def _routes_to(cluster) -> dict[int, str]:
    """For each replica's port a route cookie value that nginx sends there."""
    found: dict[int, str] = {}
    for n in range(200):
        port = int(_replica_of(cluster.url, f"probe{n}").rsplit(":", 1)[1])
        found.setdefault(port, f"probe{n}")
        if len(found) == len(cluster.replicas):
            return found
    raise AssertionError(f"nginx sent 200 route keys to {sorted(found)} only")


def _answered_by(line: str) -> str:
    """The replica that answered a request of nginx's access log (the last one it tried)."""
    return re.search(r'upstream="([^"]*)"', line).group(1).split(", ")[-1]


def _kill_replica(replica) -> None:
    """SIGKILL the replica's whole process group, as the OOM killer or a lost machine would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(replica.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(replica.pid, 0)


def _store_facts(address: str) -> tuple:
    s = store.connect(address)
    try:
        imports = s.sql("SELECT import_id, active FROM imports ORDER BY import_id").rows()
        live = s.sql("SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL")["n"][0]
        return imports, s.revision(), live
    finally:
        s.close()


def test_when_a_replica_dies_the_other_serves_every_browser(browser, cluster):
    a, b = cluster.replicas
    routes = _routes_to(cluster)
    pages = {}
    for replica, name in ((a, "exec"), (b, "exec2")):
        context = _context(browser)
        context.add_cookies([{"name": ROUTE, "value": routes[replica.port], "url": cluster.url}])
        page = context.new_page()
        SignInPage(page, cluster.url).sign_in(name, PASSWORD, "overview")
        response = page.request.get(f"{cluster.url}/_stcore/health")
        assert response.headers["x-loyalty-replica"] == f"127.0.0.1:{replica.port}"
        pages[replica.port] = page
    before = _store_facts(cluster.db)
    logged = len(Path(cluster.folder, "nginx-access.log").read_text().splitlines())

    _kill_replica(a)

    on_b = pages[b.port]  # carries on: a rerun of its session
    _rerun_by_language(on_b, "Deutsch")
    _signed_in(on_b, "exec2", "de")
    expect(on_b.locator('[data-testid="stException"]')).to_have_count(0)

    on_a = pages[a.port]  # its tab reconnects by itself, to B (nginx's log says so) ...
    log = Path(cluster.folder, "nginx-access.log")
    for _ in range(600):
        lines = log.read_text().splitlines()[logged:]
        answered = [_answered_by(line) for line in lines if "/_stcore/host-config" in line]
        if f"127.0.0.1:{b.port}" in answered:
            break
        on_a.wait_for_timeout(100)
    else:
        raise AssertionError(f"the tab of replica A did not reconnect to B: {answered}")
    response = on_a.reload()  # ... and so does a reload: served by B, signed in by the cookie
    # nginx lists every replica it tried ("A, B" while it finds A gone): B answered
    assert response.headers["x-loyalty-replica"].split(", ")[-1] == f"127.0.0.1:{b.port}"
    wait_for_app(on_a)
    _signed_in(on_a, "exec")
    expect(on_a.locator(".js-plotly-plot").first).to_be_visible()
    expect(on_a.locator('[data-testid="stException"]')).to_have_count(0)

    assert _store_facts(cluster.db) == before  # imports, revision and sessions as they were
    for page in pages.values():
        page.context.close()


def test_the_cluster_keeps_its_files_in_its_folder(cluster):
    folder = Path(cluster.folder)
    conf = (folder / "nginx.conf").read_text()
    assert f"pid {folder}/nginx.pid;" in conf and "daemon off;" in conf
    assert "hash $loyalty_route consistent;" in conf and "proxy_http_version 1.1;" in conf
    for replica in cluster.replicas:
        assert f"server 127.0.0.1:{replica.port} " in conf
    assert (folder / "nginx.pid").read_text().strip() == str(cluster.nginx_pid)
    # the replicas keep the results they computed in the cluster's folder, shared by both,
    # not in the project's data/ (loyalty.results; $LOYALTY_RESULTS unset)
    kept = folder / "results"
    assert list(kept.rglob("*.pickle"))
    project = Path(__file__).resolve().parents[2] / "data" / "results"
    assert not results.Shelf(project, cluster.db, 0, 5).store_folder.exists()
