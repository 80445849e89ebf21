"""The floor pages of the browser benchmark (bench/browser.py): a bare Streamlit app that
draws, for every page of Loyalty, exactly the messages the real page sent, computing nothing.

``bench/browser.py`` records each real page through the websocket protocol
(``bench/protocol.py``): the page config, and every element and block with its place on the
page (widgets, text, tables, the serialised plotly figures). This script replays them with
``ScriptRunContext.enqueue``, the call every ``st.*`` element ends in, so the browser receives
the same widgets and figures from the same kind of server; only our code's time is missing.

Which recording a run replays: on arriving at a page, the deep-link recording if the URL
carries the page's query (e.g. ``?branch=``), else the one of the page opened from the
sidebar; a further run on the same page (a widget changed) replays the recording taken
after the page's main interaction. Where that interaction's widget sits in an ``st.fragment``,
the recording is the fragment's run, and a fragment under the real page's fragment id replays
it when the browser asks for that fragment's run. The recordings' file: ``LOYALTY_FLOOR_RECORDINGS``
(a pickle of ``{"pages": [...], "runs": {(url path, variant): [serialised ForwardMsg]}}``).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


@st.cache_resource
def recordings(path: str) -> dict:
    return pickle.loads(Path(path).read_bytes())


DATA = recordings(os.environ["LOYALTY_FLOOR_RECORDINGS"])


FRAGMENTS: dict[str, str] = DATA.get("fragments", {})


def enqueue(url_path: str, variant: str) -> None:
    ctx = get_script_run_ctx()
    for raw in DATA["runs"].get((url_path, variant), ()):
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        msg.hash = ""  # the server computes it again (and may send a cached reference)
        msg.metadata.cacheable = False
        ctx.enqueue(msg)


def replay(url_path: str) -> None:
    previous = st.session_state.get("floor_page")
    st.session_state["floor_page"] = url_path
    fragment = FRAGMENTS.get(url_path)
    if previous == url_path and (url_path, "after") in DATA["runs"] and not fragment:
        variant = "after"
    elif set(st.query_params) - {"lang", "wave"} and (url_path, "deep") in DATA["runs"]:
        variant = "deep"
    else:
        variant = "switch"
    enqueue(url_path, variant)
    if fragment:
        # The replayed widgets carry the real page's fragment id, so the browser asks for a
        # run of that fragment: registered under the same id, it replays the fragment's run.
        ctx = get_script_run_ctx()
        ctx.fragment_storage.register(fragment, lambda: enqueue(url_path, "after"))
        ctx.shared.new_fragment_ids.check_and_add(fragment)


def page(url_path: str):
    def run() -> None:
        replay(url_path)

    run.__name__ = f"floor_{url_path or 'home'}"
    return run


navigation = st.navigation(
    [
        st.Page(
            page(p["url_path"]),
            title=p["title"],
            url_path=p["url_path"] or None,
            icon=p["icon"] or None,
            default=p["default"],
        )
        for p in DATA["pages"]
    ]
)
navigation.run()
