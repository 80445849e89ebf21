"""The Data page's *Versions* tab: every import with its status, a version made active again,
an inactive one deleted (with the permission)."""

import streamlit as st

from loyalty import i18n, retention, schema, tables, versions
from loyalty.i18n import t
from pages import _shared as ui


def versions_tab(lang: str, actor: str) -> None:
    if done := st.session_state.pop("versions_done", None):  # said after the page's refresh
        st.success(done)
    for note in retention.purge_notes(ui.store(), lang):
        st.info(note, icon=":material/auto_delete:")
    history = versions.history(ui.store())
    counted, when = t("data.col.rows", lang), t("data.col.when", lang)
    ui.table(
        history,
        t("data.no_versions", lang),
        ui.styled(versions.history_table(history, lang), lang, {counted: 0}, (when,)),
        key="versions_table",
    )
    mine = ui.viewer().import_kinds(schema.KINDS)
    # inactive versions only: their labels do not change while one is picked (a widget keeps
    # its choice by label; "– aktiv" coming or going moved the choice to another version)
    ids = tables.live_versions(history, mine, inactive=True)
    labels = versions.version_labels(history, lang)
    if not ids:
        if not history.is_empty():
            st.caption(t("data.no_inactive", lang))
        return
    # nothing is picked until the user picks: an action never falls on a version by default
    pick = {"format_func": labels.get, "index": None}
    pick["placeholder"] = t("data.version_choose", lang)
    a1, a2 = st.columns(2)
    with a1:
        chosen = st.selectbox(t("data.version", lang), ids, key="version_pick", **pick)
        if st.button(t("data.activate", lang), key="version_activate", disabled=chosen is None):
            try:
                versions.activate(ui.store(), chosen, actor=actor)
                st.session_state["versions_done"] = t(
                    "data.version_activated", lang, label=labels[chosen]
                )
                st.rerun()  # the table and both lists as they are now
            except versions.VersionError as exc:
                st.error(exc.message(lang))
    if ui.can("delete_versions"):
        with a2:
            doomed = st.selectbox(
                t("data.version_delete", lang), ids, key="version_delete_pick", **pick
            )
            if doomed is None:
                return
            doomed_label = labels[doomed]
            sure = st.checkbox(  # the tick belongs to this version: another one starts unticked
                t("data.delete_confirm", lang, label=doomed_label),
                key=f"version_delete_sure_{doomed}",
            )
            if st.button(
                t("data.delete", lang),
                key="version_delete",
                disabled=not sure,
                icon=":material/delete:",
            ):
                try:
                    rows = versions.delete(ui.store(), doomed, actor=actor)
                    done = {"label": doomed_label, "rows": i18n.num(rows, lang, 0)}
                    st.session_state["versions_done"] = t("data.version_deleted", lang, **done)
                    st.rerun()
                except versions.VersionError as exc:
                    st.error(exc.message(lang))
