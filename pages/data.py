"""Data: upload → detected format → column mapping → validation report → preview → confirm;
the versions of every import; the company's questionnaire per wave."""

import streamlit as st

from loyalty import i18n, schema, tables
from loyalty.i18n import t
from loyalty.importing import instrument as instruments
from loyalty.importing import read, run, validate
from pages import _shared as ui
from pages._versions_tab import versions_tab

lang = ui.page_start("data")
actor = ui.actor()
st.title(t("data.title", lang))
tab_import, tab_versions, tab_instrument = st.tabs(
    [t("data.tab.import", lang), t("data.tab.versions", lang), t("data.tab.instrument", lang)]
)

with tab_import:
    kind = st.radio(
        t("data.kind", lang),
        ui.viewer().import_kinds(schema.KINDS),
        horizontal=True,
        format_func=lambda k: t(f"import.kind.{k}", lang),
        key="data_kind",
    )
    upload = ui.file_uploader(
        t("data.upload", lang), lang, key="data_upload", on_change=ui.forget_file_options
    )
    if upload is None:
        st.info(t("data.upload_hint", lang))
    else:
        data = upload.getvalue()
        sheet = st.session_state.get("data_sheet")
        header_row = st.session_state.get("data_header_row")
        try:
            raw = ui.read_upload(upload, sheet, header_row)
        except read.ReadError as exc:
            st.error(exc.message(lang))
            raw = None
            ui.file_options(None, lang)
        if raw is not None:
            st.markdown(
                t(
                    "data.detected",
                    lang,
                    format=raw.file_format.upper(),
                    encoding=raw.encoding or "–",
                    delimiter={"\t": "Tab", None: "–"}.get(raw.delimiter, raw.delimiter or "–"),
                    layout=t(f"data.layout.{raw.layout}", lang),
                    header_row=raw.header_row,
                    rows=i18n.num(tables.size(raw.frame)[0], lang, 0),
                    columns=tables.size(raw.frame)[1],
                )
            )
            for note in raw.notes:
                st.caption(note.message(lang))
            ui.file_options(raw, lang)

            left, right = st.columns(2)
            wave = None
            if kind != "branches":
                new_label, from_file = "__new__", "__file__"  # codes: kept across languages
                labels = {
                    new_label: t("data.wave_new", lang),
                    from_file: t("data.wave_from_file", lang),
                }
                choice = left.selectbox(
                    t("data.wave", lang),
                    [*reversed(ui.waves()), new_label, from_file],
                    format_func=lambda w: labels.get(w, w),
                    key="data_wave_choice",
                    placeholder=t("ui.choose", lang),
                )
                if choice == new_label:
                    wave = left.text_input(
                        t("data.wave_label", lang), placeholder="2026-H1", key="data_wave_new"
                    ).strip()
                elif choice != from_file:
                    wave = choice
            saved = run.matching_mappings(ui.store(), kind, list(raw.frame.columns))
            saved_names = [m.name for m in saved]
            suggested_label = t("data.mapping_suggested", lang)
            base = right.selectbox(
                t("data.mapping_saved", lang),
                [suggested_label, *saved_names],
                key=f"data_mapping_base_{kind}",
                placeholder=t("ui.choose", lang),
            )
            start = (
                saved[saved_names.index(base)].mapping
                if base in saved_names
                else ui.suggested_mapping(tuple(raw.frame.columns), kind)
            )

            st.subheader(t("data.mapping", lang))
            st.caption(validate.mapping_help(kind, lang))
            columns = [None, *raw.frame.columns]
            mapping: dict[str, str | None] = {}
            cells = st.columns(3)
            for i, field in enumerate(schema.FIELDS[kind]):
                current = start.get(field.name)
                label = validate.field_label(field.name, lang) + (" *" if field.required else "")
                mapping[field.name] = cells[i % 3].selectbox(
                    label,
                    columns,
                    index=columns.index(current) if current in columns else 0,
                    format_func=lambda c: t("data.not_in_file", lang) if c is None else c,
                    key=f"data_map_{kind}_{field.name}_{base}",
                    placeholder=t("ui.choose", lang),
                )
            one_branch = None
            if kind != "branches" and mapping.get("branch_id") is None:
                names = ui.branch_names()
                one_branch = st.selectbox(
                    t("data.one_branch", lang),
                    [None, *names.ids],
                    format_func=lambda b: (
                        t("data.one_branch_none", lang) if b is None else names.labels[b]
                    ),
                    key=f"data_one_branch_{kind}",
                    placeholder=t("ui.choose", lang),
                    help=t("data.one_branch_help", lang),
                )
            o1, o2 = st.columns(2)
            unknown = o1.radio(
                t("data.unknown_branches", lang),
                validate.UNKNOWN_BRANCH_OPTIONS,
                format_func=lambda u: t(f"data.unknown.{u}", lang),
                key="data_unknown",
            )
            save_as = o2.text_input(t("data.save_mapping", lang), key="data_save_as").strip()
            request = (upload.file_id, kind, wave, *mapping.items(), unknown, sheet, one_branch)
            request += (header_row,)

            def run_import(**how):
                """The same import, as a check (dry run) or for real."""
                return run.run_import(
                    ui.store(),
                    data,
                    upload.name,
                    kind,
                    wave or None,
                    mapping=mapping,
                    sheet=sheet,
                    actor=actor,
                    unknown_branches=unknown,
                    lang=lang,
                    branch=one_branch,
                    header_row=header_row,
                    as_read=raw,  # the table read above, not read a second time
                    **how,
                )

            if st.button(t("data.check", lang), icon=":material/fact_check:", key="data_check"):
                with st.spinner(t("data.checking", lang)):
                    outcome = run_import(dry_run=True)
                st.session_state["data_checked"] = (request, outcome)
            checked = st.session_state.get("data_checked")
            if checked and checked[0] == request:
                report = checked[1].report
                if st.session_state.pop("data_rechecked", False):
                    st.warning(t("data.rechecked", lang), icon=":material/update:")
                ui.show_import_report(report, lang)
                agreed = not (report.ok and report.hides_branches) or st.checkbox(
                    t("data.confirm_hidden", lang), key=f"data_hides_ok_{id(report)}"
                )  # a correction of a few branches replaces the whole wave: said, and agreed
                if report.ok and st.button(
                    t("data.confirm", lang),
                    type="primary",
                    icon=":material/cloud_upload:",
                    key="data_confirm",
                    disabled=not agreed,
                ):
                    bar = st.progress(0.0, text=t("import.progress.reading", lang))
                    outcome = run_import(
                        checked=checked[1],  # stored as checked, unless the store changed since
                        save_mapping_as=save_as or None,
                        progress=lambda f, step: bar.progress(
                            min(f, 1.0), text=t(f"import.progress.{step}", lang)
                        ),
                    )
                    bar.empty()
                    if outcome.stored:
                        del st.session_state["data_checked"]
                        st.session_state["data_stored"] = [
                            (s.wave, s.version, s.rows) for s in outcome.imports
                        ]
                        st.rerun()
                    elif outcome.rechecked:  # the store changed since the check: its new
                        st.session_state["data_checked"] = (request, outcome)  # result, to
                        st.session_state["data_rechecked"] = True  # be confirmed again
                        st.rerun()
                    else:
                        ui.show_import_report(outcome.report, lang)
            elif checked:
                st.caption(t("data.recheck", lang))
    for wave_label, version, rows in st.session_state.pop("data_stored", []):
        done = {"wave": wave_label or "–", "version": version, "rows": i18n.num(rows, lang, 0)}
        st.success(t("data.stored", lang, **done))

with tab_versions:
    versions_tab(lang, actor)

with tab_instrument:
    st.caption(t("data.instrument_help", lang))
    waves = ui.waves()
    known = list(reversed(waves))
    new_label = t("data.wave_new", lang)
    chosen_wave = st.selectbox(
        t("wave.label", lang),
        [*known, new_label],
        key="instrument_wave",
        placeholder=t("ui.choose", lang),
    )
    if chosen_wave == new_label:
        chosen_wave = st.text_input(
            t("data.wave_label", lang), placeholder="2026-H1", key="instrument_new_wave"
        ).strip()
    current = instruments.instrument_for_wave(ui.store(), chosen_wave) if chosen_wave else None
    if current is None and known:  # a new wave starts from the latest questionnaire
        latest = instruments.latest_instrument(ui.store())
        current = latest[1] if latest else None
    editable = ui.can("import_engagement")
    dims_frame = tables.without(current.dimensions_frame() if current else None, "seq")
    items_frame = tables.without(current.items_frame() if current else None, "seq")
    st.subheader(t("data.instrument_dimensions", lang))
    dims_edit = st.data_editor(
        dims_frame,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        hide_index=True,
        key=f"instrument_dims_{chosen_wave}",
        column_config=instruments.column_labels(lang),
    )
    st.subheader(t("data.instrument_items", lang))
    items_edit = st.data_editor(
        items_frame,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        hide_index=True,
        key=f"instrument_items_{chosen_wave}",
        column_config=instruments.column_labels(lang),
    )
    b1, b2 = st.columns(2)
    if editable and chosen_wave and b1.button(t("data.instrument_save", lang), key="instr_save"):
        try:
            edited = instruments.from_tables(dims_edit, items_edit)
            instruments.save_instrument(ui.store(), chosen_wave, edited, actor)
            st.success(t("data.instrument_saved", lang, wave=chosen_wave, n=len(edited.items)))
        except instruments.InstrumentError as exc:
            for line in exc.messages(lang):
                st.error(line)
    if current is not None:
        b2.download_button(
            t("data.instrument_download", lang),
            instruments.to_yaml(current),
            file_name=f"instrument-{chosen_wave}.yaml",
            mime="application/yaml",
            on_click="ignore",
            key="instrument_download",
        )
    if editable:
        with st.expander(t("data.instrument_upload", lang)):
            new_file = ui.file_uploader(
                t("data.instrument_upload", lang),
                lang,
                type=["yaml", "yml", "csv"],
                key="instrument_upload",
            )
            if (
                new_file is not None
                and chosen_wave
                and st.button(t("data.instrument_save", lang), key="instr_save_file")
            ):
                try:
                    parsed = ui.parse_instrument(new_file.getvalue(), new_file.name)
                    instruments.save_instrument(ui.store(), chosen_wave, parsed, actor)
                    st.success(
                        t("data.instrument_saved", lang, wave=chosen_wave, n=len(parsed.items))
                    )
                except instruments.InstrumentError as exc:
                    for line in exc.messages(lang):
                        st.error(line)
