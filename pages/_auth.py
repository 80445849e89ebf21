"""Streamlit glue, signing in: the gate by ``LOYALTY_AUTH``, the sign-in and password forms,
sign-out, and the deep link to open after signing in.

With passwords, a sign-in is a session in the store (:mod:`loyalty.sessions`), checked at
every run: signed out, expired, disabled or locked on any server ends it here at the next
rerun. The browser gets the session cookie from the server's own route (serve.py): the page
hands over a one-time ticket (our random text, in a container's key) to a fixed script that
posts it there; the script never sees the cookie (HttpOnly)."""

import streamlit as st

from loyalty import access, auth, i18n, sessions, users
from pages import _session

OLD_PASSWORD_KEY = "one_time_password"
SESSION_KEY = "session_id"
TICKET_KEY = "session_ticket"
CLEAR_COOKIE_KEY = "session_cookie_ended"
TICKET_BOX = "loyalty-ticket-"

#: Posts the ticket (the key of its container, ``st-key-loyalty-ticket-<ticket>``) to the
#: server, which answers with the HttpOnly session cookie.
REDEEM_SCRIPT = """<script>
(function redeem(tries) {
  const prefix = "st-key-loyalty-ticket-";
  const boxes = document.querySelectorAll('[class*="' + prefix + '"]');
  const box = boxes[boxes.length - 1];
  if (!box) { if (tries > 0) setTimeout(() => redeem(tries - 1), 100); return; }
  const name = Array.from(box.classList).find((c) => c.startsWith(prefix));
  fetch("/_loyalty/session", {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: "ticket=" + encodeURIComponent(name.slice(prefix.length)),
  });
})(50);
</script>"""
#: Asks the server to delete the session cookie (its session has ended already).
SIGN_OUT_SCRIPT = """<script>
fetch("/_loyalty/sign-out", {method: "POST", credentials: "same-origin"});
</script>"""


def auth_gate(lang: str) -> None:
    """Sign-in by the configured mode (``LOYALTY_AUTH``); stops the script until signed in."""
    mode = auth.mode()
    if mode == "none":
        if not auth.allowed_without_sign_in(st.get_option("server.address")):
            st.error(i18n.t("auth.remote_none", lang))
            st.stop()
        st.session_state[_session.PRINCIPAL_KEY] = access.LOCAL
    elif mode == "password":
        if _signed_in() is None:
            if st.session_state.pop(CLEAR_COOKIE_KEY, False):
                st.html(SIGN_OUT_SCRIPT, unsafe_allow_javascript=True)
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


def _signed_in() -> users.Principal | None:
    """The principal of this browser's valid session (this tab's, else the cookie's), or
    None; hands the ticket of a new session to the browser until it has the cookie."""
    if OLD_PASSWORD_KEY in st.session_state:  # signed in; the one-time password comes first
        return st.session_state.get(_session.PRINCIPAL_KEY)
    store = _session.store()
    active = sessions.check(store, st.session_state.get(SESSION_KEY))
    if active is None:
        active = sessions.from_cookie(store, st.context.cookies.get(sessions.COOKIE))
    if active is None:
        for key in (SESSION_KEY, TICKET_KEY, _session.PRINCIPAL_KEY):
            st.session_state.pop(key, None)
        return None
    st.session_state[SESSION_KEY] = active.session_id
    st.session_state[_session.PRINCIPAL_KEY] = active.principal
    if active.redeemed:
        st.session_state.pop(TICKET_KEY, None)
    return active.principal


def _hand_over_ticket() -> None:
    """While the browser has not redeemed this session's ticket: the ticket and the script
    that redeems it (once per run: the sidebar is drawn once, by app.py)."""
    ticket = st.session_state.get(TICKET_KEY)
    if ticket:
        with st.sidebar.container(key=f"{TICKET_BOX}{ticket}", border=False):
            st.html(REDEEM_SCRIPT, unsafe_allow_javascript=True)


def _start_session(username: str) -> None:
    started = sessions.start(_session.store(), username)
    st.session_state[SESSION_KEY] = started.session_id
    st.session_state[TICKET_KEY] = started.ticket


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
            else:
                _start_session(session.principal.username)
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
            _start_session(st.session_state[_session.PRINCIPAL_KEY].username)
            st.rerun()


def sign_out() -> None:
    """The sidebar's sign-out (password and OIDC modes)."""
    if auth.mode() == "none":
        return
    lang = _session.language()
    _hand_over_ticket()
    principal = st.session_state.get(_session.PRINCIPAL_KEY)
    if principal is not None:
        st.sidebar.caption(
            i18n.t(
                "auth.signed_in_as",
                lang,
                name=principal.username,
                role=users.role_name(principal.role, lang),
            )
        )

    def leave() -> None:
        st.session_state.pop(_session.PRINCIPAL_KEY, None)
        session_id = st.session_state.pop(SESSION_KEY, None)
        if session_id is not None:  # ends it on every server; the cookie goes next run
            sessions.end(_session.store(), session_id)
            st.session_state[CLEAR_COOKIE_KEY] = True
        if auth.mode() == "oidc":
            st.logout()

    st.sidebar.button(i18n.t("auth.sign_out", lang), on_click=leave, key="sign_out")
