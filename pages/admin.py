"""Administration: users with roles and scopes, and the audit log (view and export)."""

import streamlit as st

from loyalty import exports, tables, users, versions
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("admin")
st.title(t("admin.title", lang))
tab_users, tab_audit = st.tabs([t("admin.tab.users", lang), t("admin.tab.audit", lang)])

with tab_users:
    if not ui.can("manage_users"):
        st.info(t("auth.not_permitted", lang))
    else:
        listing = users.users_table(users.list_users(ui.store()), lang)
        ui.table(
            listing,
            t("admin.no_users", lang),
            key="users_table",
            column_config={c: t(f"admin.col.{c}", lang) for c in listing.columns},
        )
        with st.form("add_user", clear_on_submit=True):
            st.subheader(t("admin.add_user", lang))
            c1, c2, c3 = st.columns(3)
            name = c1.text_input(t("auth.username", lang))
            role = c2.selectbox(
                t("admin.role", lang),
                users.ROLES,
                format_func=lambda r: users.role_name(r, lang),
                placeholder=t("ui.choose", lang),
            )
            email = c3.text_input(t("admin.email", lang))
            regions = st.multiselect(
                t("admin.regions", lang),
                tables.choices(ui.branch_table(None), "region"),
                placeholder=t("branches.all", lang),
            )
            if st.form_submit_button(t("admin.add", lang)):
                try:
                    password = users.add_user(
                        ui.store(),
                        name,
                        role=role,
                        regions=regions,
                        email=email or None,
                        actor=ui.actor(),
                        one_time_password=True,
                    )
                    st.success(t("admin.added", lang, name=name, password=password))
                except users.UserError as exc:
                    st.error(exc.message(lang))

with tab_audit:
    if not ui.can("view_audit"):
        st.info(t("auth.not_permitted", lang))
    else:
        log = versions.audit_log(ui.store())
        newest = tables.newest_first(log, 1000)
        ui.table(
            versions.audit_table(newest.shown, lang),
            t("admin.audit_empty", lang),
            key="audit_table",
            column_config={c: t(f"admin.col.{c}", lang) for c in newest.shown.columns},
        )
        st.caption(t("admin.audit_count", lang, n=newest.total))
        st.download_button(
            t("admin.audit_csv", lang),
            ui.audited(
                "audit log",
                lambda: exports.table_csv(tables.audit_export(log, lang), lang, label=False),
            ),
            file_name="loyalty-audit.csv",
            mime="text/csv",
            on_click="ignore",
            key="audit_csv",
        )
