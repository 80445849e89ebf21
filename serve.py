"""Serve the app: ``python serve.py [streamlit options]`` (what ``make run`` does).

Before serving, answers older than the retention period are purged (:mod:`loyalty.retention`,
``LOYALTY_RETENTION_MONTHS``, default 24; branch figures stay), as ``loyalty purge`` does.

Streamlit treats a folder named ``pages/`` beside the entry point as a legacy multipage app
until the entry point has called ``st.navigation`` once. A deep link as the very first request
after start (``/branch?branch=B042``) would then run ``pages/branch.py`` without ``app.py``:
without page config, navigation and sign-in gate. This app always navigates with
``st.navigation``, so we say so before the first session starts.

Once the server runs, a background thread fills the pages' caches for the store's current
revision (the default view first), so that a first visit does not wait for the statistics.
"""

import sys
import threading
import time

from streamlit import runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from loyalty import config, retention
from loyalty.store import Store, StoreUnavailable, open_store


def purge_on_start() -> None:
    path = config.db_path()
    if not path.exists():
        return
    try:
        store = Store(path)
    except StoreUnavailable as exc:  # another process holds the store: the next start purges
        print(f"retention: not checked ({exc.reason})", file=sys.stderr)
        return
    try:
        result = retention.purge(store, actor="system (start)")
    finally:
        store.close()
    for line in retention.log_lines(result):
        print(line, file=sys.stderr)


def warm_when_serving() -> None:
    """Once Streamlit's runtime is up, fill the pages' caches in the background
    (``pages/_shared.warm_in_background``): the first visitor finds them ready."""

    def wait_and_warm() -> None:
        while not runtime.exists():
            time.sleep(0.1)
        from pages import _shared

        try:
            rev = open_store(config.db_path()).revision()
        except StoreUnavailable as exc:
            print(f"caches: not warmed ({exc.reason})", file=sys.stderr)
            return
        _shared.enable_warming(str(config.db_path()), rev)

    threading.Thread(target=wait_and_warm, name="loyalty-warm-start", daemon=True).start()


if __name__ == "__main__":
    purge_on_start()
    warm_when_serving()
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
