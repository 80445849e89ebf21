"""Serve the app: ``python serve.py [streamlit options]`` (what ``make run`` does).

Streamlit treats a folder named ``pages/`` beside the entry point as a legacy multipage app
until the entry point has called ``st.navigation`` once. A deep link as the very first request
after start (``/branch?branch=B042``) would then run ``pages/branch.py`` without ``app.py``:
without page config, navigation and sign-in gate. This app always navigates with
``st.navigation``, so we say so before the first session starts.
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
