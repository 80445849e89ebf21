"""Serve the app: ``python serve.py [streamlit options]`` (what ``make run`` does).

Before serving, answers older than the retention period are purged (:mod:`loyalty.retention`,
``LOYALTY_RETENTION_MONTHS``, default 24; branch figures stay), as ``loyalty purge`` does.

Streamlit treats a folder named ``pages/`` beside the entry point as a legacy multipage app
until the entry point has called ``st.navigation`` once. A deep link as the very first request
after start (``/branch?branch=B042``) would then run ``pages/branch.py`` without ``app.py``:
without page config, navigation and sign-in gate. This app always navigates with
``st.navigation``, so we say so before the first session starts.
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from loyalty import config, retention
from loyalty.store import Store, StoreUnavailable


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
        for wave in result.waves:
            print(
                f"retention: answers of wave {wave.wave} (ended {wave.end_date}) deleted, "
                f"{wave.responses} responses; branch figures kept",
                file=sys.stderr,
            )
    finally:
        store.close()


if __name__ == "__main__":
    purge_on_start()
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
