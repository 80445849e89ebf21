"""Streamlit glue, signing in: the gate by ``LOYALTY_AUTH``, the sign-in and password forms,
sign-out, and the deep link to open after signing in."""

import streamlit as st

from loyalty import access, auth, i18n, users
from pages import _session

OLD_PASSWORD_KEY = "one_time_password"


def auth_gate(lang: str) -> None:
    """Sign-in by the configured mode (``LOYALTY_AUTH``); stops the script until signed in."""
    mode = auth.mode()
    if mode == "none":
        if not auth.allowed_without_sign_in(st.get_option("server.address")):
            st.error(i18n.t("auth.remote_none", lang))
            st.stop()
        st.session_state[_session.PRINCIPAL_KEY] = access.LOCAL
    elif mode == "password":
        if _session.PRINCIPAL_KEY not in st.session_state:
            _remember_destination()
            _password_sign_in(lang)
            st.stop()

        if OLD_PASSWORD_KEY in st.session_state:
            _change_password(lang)
            st.stop()
    elif mode == "oidc":
        if not st.user.is_logged_in:
            st.title(i18n.t("app.title", lang))
            st.button(i18n.t("auth.sign_in_oidc", lang), on_click=st.login, key="oidc_login")
            st.stop()
        if _session.PRINCIPAL_KEY not in st.session_state:
            principal = users.record_oidc_sign_in(_session.store(), st.user.email or "")
            if principal is None:
                st.error(i18n.t("auth.no_account", lang, email=st.user.email or "?"))
                st.button(i18n.t("auth.sign_out", lang), on_click=st.logout, key="oidc_logout")
                st.stop()
            st.session_state[_session.PRINCIPAL_KEY] = principal
    else:
        st.error(i18n.t("auth.unknown_mode", lang, mode=mode))
        st.stop()
    st.session_state["username"] = st.session_state[_session.PRINCIPAL_KEY].username


DESTINATION_KEY = "after_sign_in"


def _remember_destination() -> None:
    """The page and query a signed-out visitor asked for (a shared deep link), to open after
    the sign-in: the sign-in run has no navigation, so the URL alone would not survive it."""
    if DESTINATION_KEY not in st.session_state:
        path = access.page_path(st.context.url)

        st.session_state[DESTINATION_KEY] = (path, st.query_params.to_dict())


def resume_after_sign_in(pages: list) -> None:
    """After a sign-in, open the page (with its query) that was asked for, if the user may."""
    destination = st.session_state.pop(DESTINATION_KEY, None)
    if destination is None or _session.PRINCIPAL_KEY not in st.session_state:
        return
    path, query = destination
    for page in pages:
        if page.url_path == path and path:
            st.switch_page(page, query_params=query)


def _password_sign_in(lang: str) -> None:

    st.title(i18n.t("app.title", lang))
    with st.form("sign_in"):
        name = st.text_input(i18n.t("auth.username", lang), key="sign_in_user")
        password = st.text_input(
            i18n.t("auth.password", lang), type="password", key="sign_in_password"
        )
        if st.form_submit_button(i18n.t("auth.sign_in", lang)):
            session = users.verify_password(_session.store(), name, password)
            if session is None:
                st.error(i18n.t("auth.sign_in_failed", lang))
                return
            st.session_state[_session.PRINCIPAL_KEY] = session.principal
            if session.must_change_password:
                st.session_state[OLD_PASSWORD_KEY] = password
            st.rerun()


def _change_password(lang: str) -> None:
    st.info(i18n.t("auth.must_change_password", lang))
    with st.form("change_password"):
        new = st.text_input(i18n.t("auth.new_password", lang), type="password")
        again = st.text_input(i18n.t("auth.repeat_password", lang), type="password")
        if st.form_submit_button(i18n.t("auth.save_password", lang)):
            if new != again:
                st.error(i18n.t("auth.passwords_differ", lang))
                return
            try:
                users.change_password(
                    _session.store(),
                    st.session_state[_session.PRINCIPAL_KEY].username,
                    st.session_state[OLD_PASSWORD_KEY],
                    new,
                )
            except users.UserError as exc:
                st.error(exc.message(lang))
                return
            del st.session_state[OLD_PASSWORD_KEY]
            st.rerun()


def sign_out() -> None:
    """The sidebar's sign-out (password and OIDC modes)."""
    if auth.mode() == "none":
        return
    lang = _session.language()
    principal = st.session_state.get(_session.PRINCIPAL_KEY)
    if principal is not None:
        st.sidebar.caption(
            i18n.t("auth.signed_in_as", lang, name=principal.username, role=principal.role)
        )

    def leave() -> None:
        st.session_state.pop(_session.PRINCIPAL_KEY, None)
        if auth.mode() == "oidc":
            st.logout()

    st.sidebar.button(i18n.t("auth.sign_out", lang), on_click=leave, key="sign_out")
