"""Streamlit glue shared by the pages: language, cached access to loyalty/, the store.

Caches hold aggregated frames only (branch tables, statistics), never row-level responses,
and are keyed by the store's revision so they refresh after an import.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from loyalty import (
    access,
    analysis,
    auth,
    config,
    exports,
    i18n,
    model,
    quality,
    schema,
    story,
    users,
    versions,
    warming,
)
from loyalty.importing import instrument, mapping, read, validate, validate_messages
from loyalty.store import StoreUnavailable, open_store

LANG_KEY = "lang"
PICKER_KEY = "lang_picker"


def language() -> str:
    """The session's language; first taken from the URL (?lang=), else from the browser."""
    if st.session_state.get(LANG_KEY) not in i18n.LANGUAGES:
        st.session_state[LANG_KEY] = i18n.pick_language(
            st.query_params.get("lang"), st.context.locale
        )
    return st.session_state[LANG_KEY]


def _language_changed() -> None:
    st.session_state[LANG_KEY] = st.session_state[PICKER_KEY]
    st.query_params["lang"] = st.session_state[LANG_KEY]


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


def page_start(page: str) -> str:
    """First call of every page: the language, the sign-in gate again (defence in depth,
    should a page ever run without app.py), and whether this user's role may open ``page``."""
    lang = language()
    if warmer.enabled:  # the served app (serve.py): fill the caches of a new revision
        warm_in_background(*_base())
    auth_gate(lang)
    if not viewer().may_open(page):
        st.error(i18n.t("auth.not_permitted", lang))
        st.stop()
    return lang


PRINCIPAL_KEY = "principal"
OLD_PASSWORD_KEY = "one_time_password"


def auth_gate(lang: str) -> None:
    """Sign-in by the configured mode (``LOYALTY_AUTH``); stops the script until signed in."""
    mode = auth.mode()
    if mode == "none":
        if not auth.allowed_without_sign_in(st.get_option("server.address")):
            st.error(i18n.t("auth.remote_none", lang))
            st.stop()
        st.session_state[PRINCIPAL_KEY] = access.LOCAL
    elif mode == "password":
        if PRINCIPAL_KEY not in st.session_state:
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
        if PRINCIPAL_KEY not in st.session_state:
            principal = users.record_oidc_sign_in(store(), st.user.email or "")
            if principal is None:
                st.error(i18n.t("auth.no_account", lang, email=st.user.email or "?"))
                st.button(i18n.t("auth.sign_out", lang), on_click=st.logout, key="oidc_logout")
                st.stop()
            st.session_state[PRINCIPAL_KEY] = principal
    else:
        st.error(i18n.t("auth.unknown_mode", lang, mode=mode))
        st.stop()
    st.session_state["username"] = st.session_state[PRINCIPAL_KEY].username


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
    if destination is None or PRINCIPAL_KEY not in st.session_state:
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
            session = users.verify_password(store(), name, password)
            if session is None:
                st.error(i18n.t("auth.sign_in_failed", lang))
                return
            st.session_state[PRINCIPAL_KEY] = session.principal
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
                    store(),
                    st.session_state[PRINCIPAL_KEY].username,
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
    lang = language()
    principal = st.session_state.get(PRINCIPAL_KEY)
    if principal is not None:
        st.sidebar.caption(
            i18n.t("auth.signed_in_as", lang, name=principal.username, role=principal.role)
        )

    def leave() -> None:
        st.session_state.pop(PRINCIPAL_KEY, None)
        if auth.mode() == "oidc":
            st.logout()

    st.sidebar.button(i18n.t("auth.sign_out", lang), on_click=leave, key="sign_out")


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


def store():
    try:
        return open_store(config.db_path())
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


# Cached results, keyed by the store file and its revision (and the viewer's scope).
# Polars frames are kept with st.cache_resource: every session gets the same object, not a
# copy unpickled on each run (that copy cost 20 ms a rerun of the Branch page at 10,000
# branches). Polars frames are immutable through the API the app uses (with_columns, filter,
# ... return new frames); tests/test_architecture.py keeps in-place methods out of the code.
# Everything else (lists, dicts, model results) stays with st.cache_data, which hands out copies.


@st.cache_data(max_entries=64, show_spinner=False)
def _waves(db: str, rev: int) -> list[str]:
    return analysis.waves(store())


@st.cache_resource(max_entries=64, show_spinner=False)
def _full_table(db: str, rev: int, wave: str | None, loyalty: str) -> pl.DataFrame:
    """The whole company's branch table, suppressed: never shown as such, only through
    :func:`_table`, which keeps the branches the viewer may see."""
    return analysis.branch_table(store(), wave, loyalty=loyalty)


@st.cache_resource(max_entries=64, show_spinner=False)
def _table(db: str, rev: int, scope, wave: str | None, loyalty: str) -> pl.DataFrame:
    return access.visible(_full_table(db, rev, wave, loyalty), scope)


@st.cache_resource(max_entries=64, show_spinner=False)
def _branch_names(db: str, rev: int, scope, wave: str | None) -> analysis.BranchNames:
    return analysis.BranchNames.of(_table(db, rev, scope, wave, "nps"))


@st.cache_data(max_entries=64, show_spinner=False)
def _ratio(db: str, rev: int, scope, wave: str, loyalty: str):
    return analysis.headline_ratio(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _benchmarks(db: str, rev: int, scope) -> dict:
    return analysis.company_benchmarks(_table(db, rev, scope, None, "nps"))


@st.cache_data(max_entries=64, show_spinner=False)
def _links(db: str, rev: int, scope, wave: str, loyalty: str):
    return analysis.chain_links(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_resource(max_entries=64, show_spinner=False)
def _quadrants(db: str, rev: int, scope, wave: str, loyalty: str) -> pl.DataFrame:
    return analysis.quadrant_table(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _chain(db: str, rev: int, scope, wave: str, loyalty: str):
    return model.chain_model(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_resource(max_entries=32, show_spinner=False)
def _drivers(db: str, rev: int, scope, wave: str, loyalty: str) -> pl.DataFrame:
    return model.drivers(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_resource(max_entries=16, show_spinner=False)
def _estimates(db: str, rev: int, scope, wave: str) -> pl.DataFrame:
    table = _full_table(db, rev, wave, "nps")
    shown = table.filter(~pl.col("suppressed"))["branch_id"]
    estimates = model.engagement_estimates(analysis.respondent_engagement(store(), wave), shown)
    return access.visible(estimates, scope)


@st.cache_resource(max_entries=32, show_spinner=False)
def _expected(db: str, rev: int, scope, wave: str, loyalty: str) -> pl.DataFrame:
    return model.expected_vs_actual(_table(db, rev, scope, wave, loyalty), loyalty)


@st.cache_data(max_entries=8, show_spinner=False)
def _lags(db: str, rev: int, scope, loyalty: str):

    return model.lag_direction(_table(db, rev, scope, None, loyalty), loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _quality(db: str, rev: int, wave: str):
    return quality.data_quality(store(), wave)


@st.cache_resource(max_entries=8, show_spinner=False)
def _responses(db: str, rev: int) -> pl.DataFrame:
    return quality.response_counts(store())


@st.cache_data(max_entries=16, show_spinner=False)
def _story(db: str, rev: int, scope, wave: str, lang: str, loyalty: str) -> bytes:
    """The story told from the pages' cached results (the same numbers the pages show)."""
    parts = story.Parts(
        table=_table(db, rev, scope, wave, loyalty),
        links=_links(db, rev, scope, wave, loyalty),
        ratio=_ratio(db, rev, scope, wave, loyalty),
        quadrants=_quadrants(db, rev, scope, wave, loyalty),
        churn=_churn(db, rev, scope, wave, None),
        what_if=_what_if(db, rev, scope, wave, loyalty, *model.WHAT_IF_DEFAULT),
        lags=_lags(db, rev, scope, loyalty),
    )
    return story.pack(story.tell(parts, lang, loyalty))


@st.cache_resource(max_entries=256, show_spinner=False)
def _churn(db: str, rev: int, scope, wave: str, branch_id: str | None) -> pl.DataFrame:
    if branch_id is not None and scope is not None and branch_id not in scope:
        raise access.NotPermitted("view_dashboards")
    return analysis.churn_shares(store(), wave, branch_id)


@st.cache_resource(max_entries=8, show_spinner=False)
def _dimensions(db: str, rev: int) -> pl.DataFrame:
    return analysis.dimensions(store())


def _base() -> tuple[str, int]:
    return str(config.db_path()), revision()


def _key() -> tuple[str, int, frozenset[str] | None]:
    """Cache key of what this viewer may see: the store, its revision and the scope."""
    return str(config.db_path()), revision(), viewer().branches


def waves() -> list[str]:
    return _waves(*_base())


def branch_table(wave: str | None, loyalty: str = "nps") -> pl.DataFrame:
    return _table(*_key(), wave, loyalty)


def branch_names(wave: str | None = None) -> analysis.BranchNames:
    """The branches this viewer may see in ``wave`` (None: in any wave): ids, names and the
    labels the selectors show."""
    return _branch_names(*_key(), wave)


def headline_ratio(wave: str, loyalty: str = "nps"):
    return _ratio(*_key(), wave, loyalty)


def company_benchmarks() -> dict:
    """The company's figures per wave (of the branches this viewer may see), as the Branch
    page compares against them: {wave: analysis.Benchmark}."""
    return _benchmarks(*_key())


def chain_links(wave: str, loyalty: str = "nps"):
    """The three links of the chain (correlations with intervals), shown branches."""
    return _links(*_key(), wave, loyalty)


def quadrants(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _quadrants(*_key(), wave, loyalty)


def chart(fig, key: str, lang: str, **select):
    """A plotly chart as the pages show it (no plotly toolbar), with a small menu to download
    it as PNG or SVG (rendered on request in the system Chromium, same figure as on screen).
    ``select`` takes st.plotly_chart's on_select/selection_mode; returns its event."""
    event = st.plotly_chart(fig, key=key, config={"displayModeBar": False}, **select)
    if can("export"):
        _chart_downloads(fig, key, lang)
    return event


@st.fragment
def _chart_downloads(fig, key: str, lang: str) -> None:
    with st.popover(i18n.t("chart.download", lang), icon=":material/download:", width="content"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                data=audited(
                    f"chart {key}", lambda fmt=fmt: exports.chart_image(fig, fmt), format=fmt
                ),
                file_name=f"loyalty-{key}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"{key}_download_{fmt}",
            )


def chain_model(wave: str, loyalty: str = "nps"):

    return _chain(*_key(), wave, loyalty)


def drivers(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _drivers(*_key(), wave, loyalty)


def engagement_estimates(wave: str) -> pl.DataFrame:
    """Shrunken engagement with interval and rank interval, shown branches only."""
    return _estimates(*_key(), wave)


def expected_vs_actual(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _expected(*_key(), wave, loyalty)


def branch_filter() -> analysis.BranchFilter:
    """The Branches page's filter and sort order, as carried in the URL."""
    return analysis.BranchFilter.from_query(st.query_params.to_dict())


@st.cache_data(max_entries=64, show_spinner=False)
def _what_if(db: str, rev: int, scope, wave: str, loyalty: str, rule: str, values, delta: float):
    table = _table(db, rev, scope, wave, loyalty)
    return model.what_if(table, model.select_branches(table, rule, values), delta, loyalty)


def what_if(wave: str, loyalty: str, rule: str, values: tuple[str, ...], delta: float):
    return _what_if(*_key(), wave, loyalty, rule, tuple(values), round(delta, 2))


def lag_direction(loyalty: str = "nps"):

    return _lags(*_key(), loyalty)


def data_quality(wave: str):
    """(aggregation, r_wg(j) values, reliability) for one wave."""
    return _quality(*_base(), wave)


@st.cache_data(max_entries=16, show_spinner=False)
def _has_answers(db: str, rev: int, wave: str) -> bool:
    return quality.has_answers(store(), wave)


def has_answers(wave: str) -> bool:
    return _has_answers(*_base(), wave)


def response_counts() -> pl.DataFrame:

    return _responses(*_base())


def story_steps(wave: str, lang: str, loyalty: str = "nps"):
    """The story's steps, always unpacked from bytes (cached as such): st.cache_data would
    hand out the original object on a miss and copies on hits, and the two serialise their
    figures with a different key order, which would give a chart a new identity (and lose its
    selection) on rerun. One unpickling per run, not two."""
    return story.unpack(_story(*_key(), wave, lang, loyalty))


def churn(wave: str, branch_id: str | None = None) -> pl.DataFrame:
    return _churn(*_key(), wave, branch_id)


def dimensions() -> pl.DataFrame:
    return _dimensions(*_base())


@st.cache_data(max_entries=8, show_spinner=False)
def _complete_waves(db: str, rev: int) -> list[str]:
    return analysis.complete_waves(store())


def wave_and_loyalty(lang: str, key: str) -> tuple[str, str]:
    """The wave selector (in the URL) and the loyalty measure (NPS or retention) side by side."""
    left, right = st.columns([1, 2])
    wave = wave_picker(lang, left)
    loyalty = right.radio(
        i18n.t("loyalty.label", lang),
        schema.LOYALTY_MEASURES,
        horizontal=True,
        format_func=lambda m: i18n.t(f"measure.{m}", lang),
        key=key,
    )
    return wave, loyalty


def default_wave() -> str:
    """The app's default wave, by the core's one rule (:func:`analysis.pick_default_wave`)."""
    return analysis.pick_default_wave(waves(), _complete_waves(*_base()))


def wave_picker(lang: str, container=st) -> str:
    """A wave selector kept in the URL (?wave=), defaulting to the latest wave with the whole
    chain (loyalty and finance); a newer survey-only wave stays selectable."""
    options = waves()
    current = st.query_params.get("wave")
    index = options.index(current) if current in options else options.index(default_wave())

    wave = container.selectbox(i18n.t("wave.label", lang), options, index=index, key="wave")
    if st.query_params.get("wave") != wave:
        st.query_params["wave"] = wave
    return wave


def styled(frame: pl.DataFrame, lang: str, digits: dict[str, int]):
    """A pandas Styler (the boundary st.dataframe needs for custom number formats) that shows
    numbers in the language's format while sorting keeps the numbers."""
    decimal, thousands = (",", ".") if lang == "de" else (".", ",")
    style = frame.to_pandas().style
    for column, places in digits.items():
        style = style.format(
            precision=places, decimal=decimal, thousands=thousands, na_rep="–", subset=[column]
        )
    return style


def query_list(name: str) -> list[str]:
    """A comma-separated list from the URL (?region=Nord,Süd)."""
    raw = st.query_params.get(name, "")
    return [part for part in raw.split(",") if part]


def set_query(name: str, value: str | list[str] | None) -> None:
    """Keep a filter in the URL; empty values are removed."""
    text = ",".join(value) if isinstance(value, list) else (value or "")
    if text:
        if st.query_params.get(name) != text:
            st.query_params[name] = text
    elif name in st.query_params:
        del st.query_params[name]


# Our own constant (never user text): presenter mode hides the sidebar and enlarges type.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"] {
  display: none;
}
div[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 3.75rem; }
div[data-testid="stMarkdownContainer"] p { font-size: 1.45rem; line-height: 1.5; }
h1 { font-size: 2.8rem !important; }
</style>
"""


def presenter_style() -> None:
    st.html(PRESENTER_CSS)


# --- Data page glue -----------------------------------------------------------------------


def audited(what: str, build, **detail):
    """``build()`` for a download, with an ``export`` entry in the audit log (who, what, when).
    Pass it as ``data=`` of a download button: it runs when the user downloads."""

    def run():
        versions.record(
            store(), actor(), "export", what, ", ".join(f"{k}={v}" for k, v in detail.items())
        )
        return build()

    return run


def actor() -> str:
    """Who is acting, for imports, version changes and the audit log."""
    return st.session_state.get("username") or "local"


@st.cache_data(max_entries=4, show_spinner=False)
def _read_upload(data: bytes, name: str, sheet):
    return read.read_file(data, name, sheet=sheet)


def read_upload(data: bytes, name: str, sheet=None):
    """The uploaded file as read (cached per file content: reruns do not re-read it)."""
    return _read_upload(data, name, sheet)


def suggested_mapping(columns: tuple[str, ...], kind: str) -> dict[str, str | None]:
    return mapping.suggest_mapping(list(columns), kind)


def parse_instrument(data: bytes, name: str):
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".csv"):
        return instrument.parse_csv(text)
    return instrument.parse_yaml(text)


def show_import_report(report, lang: str) -> None:
    """The validation report: problems grouped (first 20 of each kind and the count of the
    rest, all of them as a CSV), warnings apart, dropped and ignored columns, a preview."""
    if report.read_error:
        key, params = report.read_error
        st.error(read.ReadError(key, params).message(lang))
        return
    result = report.validation
    if result is None:
        st.error(report.render_text(lang))
        return
    st.markdown(
        i18n.t(
            "data.summary",
            lang,
            read=i18n.num(result.rows_read, lang, 0),
            valid=i18n.num(result.rows_valid, lang, 0),
            problems=i18n.num(report.problem_count(), lang, 0),
        )
    )
    store_failure = report.store_failure()
    if store_failure:  # the file is fine; the data directory is full or read-only
        st.error(store_failure)
    elif not result.problems.is_empty():
        st.error(i18n.t("data.rejected", lang))
        for kind, count, part in result.problem_groups(20):
            with st.expander(f"{validate_messages.t(f'import.problem.{kind}', lang)} ({count})"):
                for row in part.iter_rows(named=True):
                    st.markdown("- " + validate.problem_line(kind, row, lang))
                if count > part.height:
                    st.caption(i18n.t("data.more", lang, n=count - part.height))
        st.download_button(
            i18n.t("data.problems_csv", lang),
            exports.table_csv(report.problems_frame(lang), lang, label=False),
            file_name="import-problems.csv",
            mime="text/csv",
            on_click="ignore",
            key="data_problems_csv",
        )
    for notice in result.warnings:
        st.warning(notice.message(lang))
    if result.dropped_columns:
        st.info(
            i18n.t(
                "data.dropped",
                lang,
                columns=", ".join(
                    f"{c} ({validate_messages.t(r, lang)})" for c, r in result.dropped_columns
                ),
            )
        )
    if result.ignored_columns:
        st.caption(i18n.t("data.ignored", lang, columns=", ".join(result.ignored_columns)))
    if result.item_columns:
        st.caption(i18n.t("data.items_found", lang, n=len(result.item_columns)))
    if result.ok:
        st.success(i18n.t("data.ready", lang))
        preview = result.preview()
        if preview is not None:
            st.dataframe(
                preview,
                hide_index=True,
                key="data_preview",
                column_config=validate.preview_headings(preview.columns, lang),
            )


# Warming: a page's first visit after the server starts or after an import would otherwise
# compute its statistics (bootstraps, shrinkage, the story) while the user waits: seconds at
# 10,000 branches. One background thread per revision fills the same caches the pages read,
# the view a visitor sees first (newest complete wave, NPS, every branch) before the rest.
# Streamlit holds a lock per cache entry, so a page asking for an entry being computed waits
# for it instead of computing it twice.

warmer = warming.Warmer()


def enable_warming(db: str, rev: int):
    """From now on a page run that sees a new revision (an import, another active version)
    starts warming it; warms ``rev`` now. Called by serve.py once the runtime is up."""
    warmer.enabled = True
    return warm_in_background(db, rev)


def warm_in_background(db: str, rev: int):
    """Warm revision ``rev`` in a background thread, once per process (the thread, or None
    if it was started before)."""
    return warmer.start((db, rev), lambda: _warm_plan(db, rev), label=f"revision {rev}")


def warm(db: str, rev: int, current=lambda: True) -> warming.Warmed:
    """Compute, in order, what the pages read first, here and now; stops early once
    ``current()`` is false."""
    return warming.run(_warm_plan(db, rev), current)


def _user_scopes() -> list[frozenset[str]]:
    """The distinct branch scopes of the users limited to some regions or branches."""
    scopes = set()
    for name in users.list_users(store())["username"].to_list():
        principal = users.get_principal(store(), name)
        scope = principal.branch_filter(store()) if principal else None
        if scope is not None:
            scopes.add(scope)
    return sorted(scopes, key=lambda s: sorted(s))


def _warm_plan(db: str, rev: int) -> warming.Plan:
    yield lambda: _waves(db, rev)
    all_waves = _waves(db, rev)
    if not all_waves:
        return
    first = analysis.pick_default_wave(all_waves, _complete_waves(db, rev))
    later = [w for w in reversed(all_waves) if w != first]
    yield lambda: _responses(db, rev)
    yield lambda: _dimensions(db, rev)
    yield lambda: _benchmarks(db, rev, None)
    yield lambda: _branch_names(db, rev, None, None)
    measure, *others = schema.LOYALTY_MEASURES  # the pages' default measure first

    def view(scope, wave: str, loyalty: str) -> warming.Plan:
        yield lambda: _table(db, rev, scope, wave, loyalty)
        yield lambda: _ratio(db, rev, scope, wave, loyalty)
        yield lambda: _links(db, rev, scope, wave, loyalty)
        yield lambda: _chain(db, rev, scope, wave, loyalty)
        yield lambda: _quadrants(db, rev, scope, wave, loyalty)
        yield lambda: _drivers(db, rev, scope, wave, loyalty)
        yield lambda: _expected(db, rev, scope, wave, loyalty)

    def wave_only(scope, wave: str) -> warming.Plan:
        yield lambda: _branch_names(db, rev, scope, wave)
        yield lambda: _churn(db, rev, scope, wave, None)
        if wave == first:
            yield lambda: _what_if(db, rev, scope, wave, measure, *model.WHAT_IF_DEFAULT)
        if not _has_answers(db, rev, wave):  # answers purged: the pages show branch figures
            return
        yield lambda: _estimates(db, rev, scope, wave)
        if scope is None:
            yield lambda: _quality(db, rev, wave)

    yield from view(None, first, measure)
    yield from wave_only(None, first)
    yield lambda: _lags(db, rev, None, measure)
    for lang in i18n.LANGUAGES:
        yield lambda lang=lang: _story(db, rev, None, first, lang, measure)
    for other in others:
        yield from view(None, first, other)
        yield lambda other=other: _lags(db, rev, None, other)
    for scope in _user_scopes():
        yield lambda scope=scope: _branch_names(db, rev, scope, None)
        yield from view(scope, first, measure)
        yield from wave_only(scope, first)
    for wave in later:
        for loyalty in schema.LOYALTY_MEASURES:
            yield from view(None, wave, loyalty)
        yield from wave_only(None, wave)
