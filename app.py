"""Loyalty: entry point. Page config, sign-in gate, navigation; nothing else."""

import streamlit as st

from loyalty.i18n import t
from pages import _shared as ui

st.set_page_config(page_title="Loyalty", page_icon=":material/link:", layout="wide")
lang = ui.language()
ui.language_picker()
ui.auth_gate(lang)
ui.require_data(lang)
pages = [
    st.Page(
        "pages/overview.py",
        title=t("nav.overview", lang),
        url_path="overview",
        icon=":material/insights:",
        default=True,
    ),
    st.Page(
        "pages/branches.py",
        title=t("nav.branches", lang),
        url_path="branches",
        icon=":material/table_view:",
    ),
    st.Page(
        "pages/compare.py",
        title=t("nav.compare", lang),
        url_path="compare",
        icon=":material/compare_arrows:",
    ),
    st.Page(
        "pages/branch.py",
        title=t("nav.branch", lang),
        url_path="branch",
        icon=":material/storefront:",
    ),
    st.Page(
        "pages/whatif.py",
        title=t("nav.whatif", lang),
        url_path="whatif",
        icon=":material/trending_up:",
    ),
    st.Page(
        "pages/drivers.py",
        title=t("nav.drivers", lang),
        url_path="drivers",
        icon=":material/bar_chart:",
    ),
    st.Page(
        "pages/methods.py",
        title=t("nav.methods", lang),
        url_path="methods",
        icon=":material/fact_check:",
    ),
    st.Page(
        "pages/data.py",
        title=t("nav.data", lang),
        url_path="data",
        icon=":material/upload_file:",
    ),
    st.Page(
        "pages/present.py",
        title=t("nav.present", lang),
        url_path="present",
        icon=":material/co_present:",
    ),
]

st.navigation(pages).run()
