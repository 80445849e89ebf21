"""Loyalty: entry point. Page config, sign-in gate, navigation; nothing else."""

import streamlit as st

from loyalty.i18n import t
from pages import _shared as ui

# An emoji favicon: the frontend draws it as an inline SVG. A ":material/…" icon would be
# fetched from fonts.gstatic.com on every first visit (an outside request from a self-hosted app).
st.set_page_config(page_title="Loyalty", page_icon="🔗", layout="wide")
lang = ui.language()
ui.language_picker()
ui.auth_gate(lang)
ui.sign_out()
empty = ui.require_data(lang)  # an empty store: only the pages that fill it

PAGES = (  # (file, url path, icon); the title is nav.<url path>
    ("overview", "overview", ":material/insights:"),
    ("branches", "branches", ":material/table_view:"),
    ("compare", "compare", ":material/compare_arrows:"),
    ("branch", "branch", ":material/storefront:"),
    ("whatif", "whatif", ":material/trending_up:"),
    ("drivers", "drivers", ":material/bar_chart:"),
    ("actions", "actions", ":material/task_alt:"),
    ("methods", "methods", ":material/fact_check:"),
    ("data", "data", ":material/upload_file:"),
    ("admin", "admin", ":material/admin_panel_settings:"),
    ("present", "present", ":material/co_present:"),
)
viewer = ui.viewer()
pages = [
    st.Page(
        f"pages/{name}.py",
        title=t(f"nav.{path}", lang),
        url_path=path,
        icon=icon,
        default=name == "overview",
    )
    for name, path, icon in PAGES
    if viewer.may_open(name) and (not empty or name in ("data", "admin"))
]
if not pages:
    st.stop()
navigation = st.navigation(pages)
ui.resume_after_sign_in(pages)
with ui.visit():  # the background warm-up waits while a page runs
    navigation.run()
