"""Serve the app: ``python serve.py [streamlit options]`` (what ``make run`` does).

Before serving, answers older than the retention period are purged (:mod:`loyalty.retention`,
``LOYALTY_RETENTION_MONTHS``, default 24; branch figures stay), as ``loyalty purge`` does.

Streamlit treats a folder named ``pages/`` beside the entry point as a legacy multipage app
until the entry point has called ``st.navigation`` once. A deep link as the very first request
after start (``/branch?branch=B042``) would then run ``pages/branch.py`` without ``app.py``:
without page config, navigation and sign-in gate. This app always navigates with
``st.navigation``, so we say so before the first session starts.

Once the server runs, a background thread fills the pages' caches for the store's current
revision (the default view first), so that a first visit does not wait for the statistics;
``LOYALTY_WARM_UP=off`` leaves that out (the caches then fill on each first visit).

The server is Streamlit's own (``st.App``, which ``streamlit run`` finds as ``app`` below)
with two routes of ours for the session cookie (:mod:`loyalty.session_routes`): one redeems a
sign-in's one-time ticket and sets the HttpOnly cookie, one ends the cookie's session and
deletes the cookie. A script run cannot set a cookie itself.
"""

import sys
import threading
import time
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from loyalty import config, retention, session_routes, sessions, stats, store, versions, warming
from loyalty.store import StoreUnavailable, connect, is_postgres, open_store

#: Seconds without a query or page run after which the server lets go of the store file for
#: other processes; a command of ours that waits for it gets it as soon as no query runs (the
#: server looks every :data:`loyalty.store.WATCH_SECONDS`). Holding it while people click saves
#: each click after a pause of more than 2 s opening it again (17-27 ms at 10,000 branches).
RELEASE_AFTER = 30.0


def purge_on_start() -> None:
    address = config.db_address()
    if not is_postgres(address) and not Path(address).exists():
        return
    try:
        store = connect(address)
    except StoreUnavailable as exc:  # another process holds the store: the next start purges
        print(f"retention: not checked ({exc.reason})", file=sys.stderr)
        return
    try:
        result = retention.purge(store, actor=versions.START_ACTOR)
        sessions.purge(store)
    finally:
        store.close()
    for line in retention.log_lines(result):
        print(line, file=sys.stderr)


def preload_first_run() -> None:
    """What Streamlit does once per process in its first script run, done before the server
    answers, so that the first visit after a start does not wait for it (at 10,000 branches
    ``app.py``'s part of the first visit during the warm-up took 0.28 s, now 0.02 s): the
    pattern of every emoji a page icon is checked against (``streamlit.emojis``, compiled on
    import) and the index of modules by file that ``inspect`` builds on its first look at the
    stack (Streamlit looks once, on the first element a run sends, whether it runs in a
    REPL)."""
    import inspect

    import streamlit.emojis  # noqa: F401

    inspect.stack()


def warm_when_serving() -> None:
    """Once Streamlit's runtime is up, fill the pages' caches in the background
    (``pages/_shared.warm_in_background``): the first visitor finds them ready."""

    def wait_and_warm() -> None:
        while not runtime.exists():
            time.sleep(0.1)
        from pages import _shared

        try:
            rev = open_store(config.db_address()).revision()
        except StoreUnavailable as exc:
            print(f"caches: not warmed ({exc.reason})", file=sys.stderr)
            return
        _shared.enable_warming(config.db_address(), rev)

    threading.Thread(target=wait_and_warm, name="loyalty-warm-start", daemon=True).start()


def warm_up_on_start(start=warm_when_serving) -> bool:
    """Start the background warm-up unless ``LOYALTY_WARM_UP=off`` (then say so in the log);
    whether it was started."""
    if config.warm_up():
        start()
        return True
    print("caches: no warm-up (LOYALTY_WARM_UP=off)", file=sys.stderr)
    return False


# every browser request tells the warm-up that a visitor is there (loyalty.warming.GRACE)
app = st.App(
    "app.py", routes=session_routes.ROUTES, middleware=[Middleware(warming.VisitorActivity)]
)


if __name__ == "__main__":
    purge_on_start()
    # let go of the store's file between page runs: `loyalty import` and the other commands
    # can write while the app runs, and the app reads what they wrote at its next rerun
    store.release_when_idle(RELEASE_AFTER)
    stats.preload()  # scipy and statsmodels load now (0.35 s), not during a first visit
    preload_first_run()
    warm_up_on_start()
    PagesManager.uses_pages_directory = False
    # `streamlit run` finds `app` above (st.App) and serves app.py with our routes; it imports
    # this file once more as the module `serve` (the block below does not run again)
    sys.argv = ["streamlit", "run", __file__, *sys.argv[1:]]
    sys.exit(cli.main())
