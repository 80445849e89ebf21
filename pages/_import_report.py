"""Streamlit glue, the Data page's import: the uploaded file as read, the suggested mapping,
a questionnaire file, and the validation report."""

import streamlit as st

from loyalty import exports, i18n, tables
from loyalty.importing import instrument, mapping, read, validate
from pages._widgets import styled


@st.cache_resource(max_entries=2, show_spinner=False, scope="session")
def _read_upload(file_id: str, name: str, sheet, header_row, _data: bytes):
    return read.read_file(_data, name, sheet=sheet, header_row=header_row)


def read_upload(upload, sheet=None, header_row=None):
    """The uploaded file as read, kept per upload (Streamlit's ``file_id``, new for every
    upload) and options: a rerun neither reads the file again nor hashes or copies it (the
    table as read is immutable). Kept in the session only (two entries: a file and another
    sheet or header row of it), let go of when the session ends."""
    return _read_upload(upload.file_id, upload.name, sheet, header_row, upload.getvalue())


def forget_file_options() -> None:
    """A new file starts with the first sheet and the header row found by itself."""
    for key in ("data_sheet", "data_header_row"):
        st.session_state.pop(key, None)


def file_options(raw, lang: str) -> None:
    """The sheet (when the workbook has several) and the header row the file is read with:
    their values are read from the session before the file is read, on the next run. Without
    ``raw`` (the file could not be read, perhaps with the header row chosen) only the header
    row, so a wrong choice can be undone."""
    if raw is not None and len(raw.sheet_names) > 1:
        st.selectbox(
            i18n.t("data.sheet", lang),
            raw.sheet_names,
            key="data_sheet",
            placeholder=i18n.t("ui.choose", lang),
        )
    if raw is None or raw.file_format != "parquet":
        found = f" ({raw.header_row})" if raw is not None else ""
        st.number_input(
            i18n.t("data.header_row", lang),
            min_value=1,
            value=None,
            step=1,
            placeholder=i18n.t("data.header_row_auto", lang) + found,
            help=i18n.t("data.header_row_help", lang),
            key="data_header_row",
        )


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
    st.markdown(report.summary(lang))
    store_failure = report.store_failure()
    if store_failure:  # the file is fine; the data directory is full or read-only
        st.error(store_failure)
    elif not result.problems.is_empty():
        st.error(i18n.t("data.rejected", lang))
        for kind, count, part in result.problem_groups(20):
            with st.expander(f"{i18n.t(f'import.problem.{kind}', lang)} ({count})"):
                for row in part.iter_rows(named=True):
                    st.markdown("- " + validate.problem_line(kind, row, lang))
                if count > tables.number_of(part):
                    st.caption(i18n.t("data.more", lang, n=count - tables.number_of(part)))
        st.download_button(
            i18n.t("data.problems_csv", lang),
            exports.table_csv(report.problems_frame(lang), lang, label=False),
            file_name="import-problems.csv",
            mime="text/csv",
            on_click="ignore",
            key="data_problems_csv",
        )
    for notice in report.page_warnings():
        st.warning(notice.message(lang))
    if dropped := report.dropped_note(lang):
        st.info(dropped)
    if result.ignored_columns:
        st.caption(i18n.t("data.ignored", lang, columns=", ".join(result.ignored_columns)))
    if result.item_columns:
        st.caption(i18n.t("data.items_found", lang, n=len(result.item_columns)))
    if result.ok:
        st.success(i18n.t("data.ready", lang))
        preview = result.preview()
        if preview is not None:
            st.dataframe(  # numbers in the user's format (4.211.400 on a German page)
                styled(preview, lang, tables.number_digits(preview)),
                hide_index=True,
                key="data_preview",
                column_config=validate.preview_headings(preview.columns, lang),
            )
