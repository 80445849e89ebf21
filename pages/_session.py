"""Streamlit glue, the session: language, the store, the signed-in viewer, the audit trail."""

import streamlit as st

from loyalty import access, config, i18n, versions
from loyalty.store import StoreUnavailable, open_store

LANG_KEY = "lang"
PICKER_KEY = "lang_picker"
PRINCIPAL_KEY = "principal"


def language() -> str:
    """The session's language; first taken from the URL (?lang=), else from the browser."""
    if st.session_state.get(LANG_KEY) not in i18n.LANGUAGES:
        st.session_state[LANG_KEY] = i18n.pick_language(
            st.query_params.get("lang"), st.context.locale
        )
    return st.session_state[LANG_KEY]


#: Choice widgets (radio, selectbox, segmented control) whose options are written in the
#: user's language, by key or key prefix. Streamlit keeps such a widget's choice by the label
#: shown, so after a change of language the old label matched no option and the widget fell
#: back to its first option (the Data page then checked a finance file as a survey).
KEPT_CHOICES = (
    "data_kind",
    "data_wave_choice",
    "data_map_",
    "data_one_branch_",
    "data_unknown",
    "whatif_rule",
    "heat_view",
    "heat_order",
    "f_sort",
    "actions_dimension",
    "actions_status",
    "actions_outcome",
    "actions_mode",
    "actions_target_type_",
)


def _language_changed() -> None:
    """The language picker's callback: before the next run, every choice of
    :data:`KEPT_CHOICES` is set again as the value it stands for, which that run shows under
    the new language's label."""
    state = st.session_state
    for key in [k for k in state if isinstance(k, str) and k.startswith(KEPT_CHOICES)]:
        state[key] = state[key]
    state[LANG_KEY] = state[PICKER_KEY]
    st.query_params["lang"] = state[LANG_KEY]


def language_picker() -> None:
    """The sidebar switch. Its label is the same in both languages: a label that changed with
    the language would make a new widget."""
    labels = {"de": "Deutsch", "en": "English"}
    st.sidebar.radio(
        "Sprache / Language",
        i18n.LANGUAGES,
        horizontal=True,
        index=i18n.LANGUAGES.index(language()),
        format_func=labels.get,
        key=PICKER_KEY,
        on_change=_language_changed,
    )


def store():
    try:
        return open_store(config.db_address())
    except StoreUnavailable as exc:  # locked by another process, or a read-only directory
        st.error(exc.message(language()))
        st.stop()


def revision() -> int:
    return store().revision()


def require_data(lang: str) -> bool:
    """Say so when the store is empty; returns True then (only the Data page can help)."""
    if store().is_empty():
        st.warning(i18n.t("store.empty", lang))
        return True
    return False


def viewer() -> access.Viewer:
    """What the signed-in user may see and do (see :mod:`loyalty.access`)."""
    return access.Viewer.of(store(), st.session_state.get(PRINCIPAL_KEY, access.LOCAL))


def require(action: str, lang: str) -> None:
    """Stop the page unless the user's role permits ``action``."""
    if not viewer().can(action):
        st.error(i18n.t("auth.not_permitted", lang))
        st.stop()


def can(action: str) -> bool:
    return viewer().can(action)


def actor() -> str:
    """Who is acting, for imports, version changes and the audit log."""
    return st.session_state.get("username") or access.LOCAL.username


def audited(what: str, build, **detail):
    """``build()`` for a download, with an ``export`` entry in the audit log (who, what, when).
    Pass it as ``data=`` of a download button: it runs when the user downloads."""

    def run():
        versions.record(
            store(), actor(), "export", what, ", ".join(f"{k}={v}" for k, v in detail.items())
        )
        return build()

    return run
