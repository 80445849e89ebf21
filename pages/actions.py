"""Actions: what branches do after a survey, and whether it changed anything (issue 18)."""

import streamlit as st

from loyalty import actions, actions_import, actions_view, confidentiality, effects, exports, i18n
from loyalty.i18n import t
from loyalty.importing.read import ReadError
from pages import _action_glue as glue
from pages import _shared as ui

lang = ui.page_start("actions")
st.title(t("actions.title", lang))
st.caption(t("actions.intro", lang))
choose = t("ui.choose", lang)  # what an empty choice reads (Streamlit's own is English)

dims = ui.dimensions()
dim_names = i18n.dimension_names(dims, lang)
current = glue.current()
branches = glue.branches()
options = actions.target_options(branches)
may_record = ui.can("record_actions")
labels = [t("actions.tab.list", lang), t("actions.tab.effect", lang)]
if may_record:
    labels += [t("actions.tab.record", lang), t("actions.tab.import", lang)]
tabs = st.tabs(labels)

with tabs[0]:
    c1, c2, c3, c4 = st.columns(4)
    anything = t("actions.filter.any", lang)
    chosen = actions.Filter(
        regions=tuple(
            c1.multiselect(
                t("actions.filter.region", lang),
                options["region"],
                placeholder=anything,
                key="actions_region",
            )
        ),
        dimensions=tuple(
            c2.multiselect(
                t("actions.filter.dimension", lang),
                list(dim_names),
                format_func=dim_names.get,
                placeholder=anything,
                key="actions_dimension",
            )
        ),
        statuses=tuple(
            c3.multiselect(
                t("actions.filter.status", lang),
                actions.STATUSES,
                format_func=lambda s: t(f"actions.status.{s}", lang),
                placeholder=anything,
                key="actions_status",
            )
        ),
        waves=tuple(
            c4.multiselect(
                t("actions.filter.wave", lang), ui.waves(), placeholder=anything, key="actions_wave"
            )
        ),
        branch_id=st.query_params.get("branch"),
    )
    shown = actions.matching(current, branches, chosen)
    if chosen.branch_id:
        st.caption(f"{t('actions.target.branch', lang)}: {chosen.branch_id}")
    if shown.is_empty():
        st.info(t("actions.none", lang))
    else:
        n_actions, n_branches = actions.counts(shown)
        st.caption(t("actions.count", lang, n=n_actions, branches=n_branches))
        table = glue.listing_table(shown, lang)
        event = st.dataframe(
            table,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key="actions_table",
            column_config=glue.date_columns(lang),
        )
        picked = event.selection.rows if event else []
        if picked:
            action_id = int(shown["action_id"][picked[0]])
            st.subheader(t("actions.history", lang, id=action_id))
            history = actions.history(ui.store(), action_id)
            st.dataframe(
                exports.labelled(history, lang),
                hide_index=True,
                key="actions_history",
                column_config=glue.date_columns(lang),
            )
        else:
            st.caption(t("actions.pick_row", lang))
        if ui.can("export"):
            d1, d2, _ = st.columns([1, 1, 3])
            plain = actions_view.export_listing(shown, dims, lang)
            d1.download_button(
                t("actions.download_csv", lang),
                data=ui.audited(
                    "actions csv", lambda: exports.table_csv(plain, lang), n=len(plain)
                ),
                file_name="loyalty-actions.csv",
                mime="text/csv",
                on_click="ignore",
                key="actions_csv",
            )
            d2.download_button(
                t("actions.download_xlsx", lang),
                data=ui.audited(
                    "actions xlsx",
                    lambda: exports.table_xlsx(plain, lang, t("export.sheet.actions", lang)),
                    n=len(plain),
                ),
                file_name="loyalty-actions.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                on_click="ignore",
                key="actions_xlsx",
            )
    if not may_record:
        st.caption(t("actions.read_only", lang))

with tabs[1]:
    found = glue.horizons()
    horizon = (
        st.radio(
            t("actions.horizon", lang),
            found,
            horizontal=True,
            help=t("actions.horizon_help", lang),
            key="actions_horizon",
        )
        if found
        else None
    )
    if horizon is None:
        st.info(t("actions.story.none", lang))
    elif not glue.effect_ready(horizon):  # at 10,000 branches 6-8 s a horizon
        st.warning(t("actions.caution", lang))
        st.info(t("actions.computing", lang), icon=":material/hourglass_top:")
        ui.rerun_when(lambda: glue.effect_ready(horizon, wait=False))
    else:
        result = glue.effect(horizon)
        st.warning(t("actions.caution", lang))
        st.dataframe(
            actions_view.effect_table(result, dims, lang), hide_index=True, key="actions_effects"
        )
        outcome = st.radio(
            t("actions.outcome_pick", lang),
            effects.OUTCOMES,
            horizontal=True,
            format_func=lambda o: actions_view.outcome_label(o, lang),
            key="actions_outcome",
        )
        ui.chart(
            actions_view.effect_chart(result, outcome, dims, lang),
            key=f"actions_effect_{horizon}_{outcome}",
            lang=lang,
        )
        st.caption(t("actions.method", lang, n_boot=result.n_boot, min=confidentiality.minimum()))

if may_record:
    viewer = ui.viewer()
    with tabs[2]:
        mode = st.radio(
            t("actions.mode", lang),
            ("new", "edit"),
            format_func=lambda m: t(f"actions.mode.{m}", lang),
            horizontal=True,
            key="actions_mode",
        )
        base = None
        if mode == "edit" and not current.is_empty():
            titles = actions.titles(current)
            picked_id = st.selectbox(
                t("actions.form.pick", lang),
                list(titles),
                format_func=titles.get,
                key="actions_pick",
                placeholder=choose,
            )
            base = actions.draft_for(current, picked_id)
        branch = st.query_params.get("branch")
        suggested = st.query_params.get("dimension")
        if base is None and branch and suggested in dim_names:
            st.info(
                t("actions.form.suggested", lang, branch=branch, dimension=dim_names[suggested])
            )
        target_type = st.radio(
            t("actions.field.target_type", lang),
            actions.TARGET_TYPES,
            index=actions.TARGET_TYPES.index(base.target_type) if base else 0,
            format_func=lambda k: t(f"actions.target.{k}", lang),
            horizontal=True,
            key=f"actions_target_type_{mode}",
        )
        with st.form(f"actions_form_{mode}"):
            label = t("actions.field.target_value", lang)
            if target_type == "list":
                value = st.text_input(
                    label,
                    value=base.target_value if base and base.target_type == "list" else "",
                    help=t("actions.field.list_hint", lang),
                )
            else:
                opts = options[target_type]
                keep = base.target_value if base else branch
                value = st.selectbox(
                    label,
                    opts,
                    index=opts.index(keep) if keep in opts else 0,
                    placeholder=choose,
                )
            dim_ids = list(dim_names)
            first_dim = base.dimension_id if base else suggested
            dimension = st.selectbox(
                t("actions.field.dimension_id", lang),
                dim_ids,
                index=dim_ids.index(first_dim) if first_dim in dim_ids else 0,
                format_func=dim_names.get,
                placeholder=choose,
            )
            title = st.text_input(t("actions.field.title", lang), value=base.title if base else "")
            owner = st.text_input(t("actions.field.owner", lang), value=base.owner if base else "")
            start = st.date_input(
                t("actions.field.start_date", lang),
                value=base.start_date if base else "today",
                format=exports.SCREEN_DATE[lang],
            )
            status = st.selectbox(
                t("actions.field.status", lang),
                actions.STATUSES,
                index=actions.STATUSES.index(base.status) if base else 0,
                format_func=lambda s: t(f"actions.status.{s}", lang),
                placeholder=choose,
            )
            if st.form_submit_button(t("actions.form.save", lang)):
                draft = actions.Draft(dimension, title, owner, start, status, target_type, value)
                try:
                    if base is None:
                        new_id = actions.add(ui.store(), viewer, draft, actor=ui.actor())
                        st.success(t("actions.saved", lang, id=new_id, version=1))
                    else:
                        version = actions.change(
                            ui.store(), viewer, picked_id, draft, actor=ui.actor()
                        )
                        st.success(t("actions.saved", lang, id=picked_id, version=version))
                except actions.ActionError as err:
                    st.error(err.message(lang))

    with tabs[3]:
        st.caption(t("actions.import.hint", lang))
        upload = ui.file_uploader(
            t("actions.import.file", lang),
            lang,
            type=["csv", "tsv", "txt", "xlsx"],
            key="actions_file",
        )
        if upload is not None:
            try:
                raw = ui.read_upload(upload)
            except ReadError as exc:
                st.error(exc.message(lang))
                st.stop()
            columns = raw.frame.columns
            suggested_map = actions_import.suggest(columns)
            none = t("actions.import.none", lang)
            chosen_map = {}
            cols = st.columns(4)
            for i, field in enumerate(actions_import.FIELDS):
                pick = cols[i % 4].selectbox(
                    t("actions.import.map", lang, field=t(f"actions.field.{field}", lang)),
                    [none, *columns],
                    index=1 + columns.index(suggested_map[field]) if suggested_map[field] else 0,
                    key=f"actions_map_{field}",
                    placeholder=choose,
                )
                chosen_map[field] = None if pick == none else pick
            checked = actions_import.check(ui.store(), viewer, raw, chosen_map)
            if checked.problems:
                st.error(t("actions.import.rejected", lang, n=len(checked.problems)))
                st.dataframe(
                    actions_import.problems_frame(checked, lang),
                    hide_index=True,
                    key="actions_problems",
                )
            elif checked.ok:
                st.success(t("actions.import.ready", lang, n=len(checked.drafts)))
                if st.button(t("actions.import.confirm", lang), key="actions_import_confirm"):
                    ids = actions_import.store_checked(
                        ui.store(),
                        viewer,
                        checked,
                        actor=ui.actor(),
                        source=f"import {upload.name}",
                    )
                    st.success(t("actions.import.done", lang, n=len(ids)))
