"""A Streamlit client without a browser: speaks the app's websocket protocol.

The browser talks to a Streamlit server over one websocket (``/_stcore/stream``): it sends
``BackMsg`` protobufs (``rerun_script`` with the page, the query string and the widget states)
and receives ``ForwardMsg`` protobufs (``new_session``, ``navigation``, ``delta`` for each
element, ``script_finished``). Both are in the ``streamlit.proto`` package that ships with
Streamlit. This client does what the frontend does for the actions the load test needs:
open a page, switch page (the page's script hash from the ``navigation`` message), and change
a widget (its id from the element in the ``delta`` that drew it; selectboxes take the option's
label as ``string_value``, as the frontend sends it).

Like the frontend, it remembers the messages it has received (by hash) and tells the server
which ones it has (``cached_message_hashes``), so the server sends references for elements
that did not change; a reference counts as received content.

Used by ``bench/load_protocol.py`` (the load test) and ``bench/browser.py`` (to record a
page's messages for its floor page).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


def off_loop(fn, *args):
    """``fn(*args)``; in a worker thread when this thread's event loop is running (as it is
    while Playwright's sync API is open in a test session), where neither ``asyncio.run`` nor
    a second sync Playwright may start."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def run(coro):
    """``asyncio.run(coro)``, also where an event loop is running (see :func:`off_loop`)."""
    return off_loop(asyncio.run, coro)


FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}


class ProtocolError(RuntimeError):
    pass


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float  # from sending the rerun request until script_finished arrived
    received: int  # bytes of the ForwardMsgs of this run
    messages: list[ForwardMsg] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)  # st.exception elements drawn
    status: int = ForwardMsg.FINISHED_SUCCESSFULLY

    def elements(self) -> list:
        """The elements drawn in this run (new_element deltas), in order."""
        return [
            m.delta.new_element
            for m in self.messages
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
        ]

    def widget(self, kind: str, id_suffix: str):
        """The element proto of a widget of ``kind`` (e.g. "selectbox") whose id ends with
        ``id_suffix`` (the widget's key), or None."""
        for element in self.elements():
            if element.WhichOneof("type") == kind:
                proto = getattr(element, kind)
                if proto.id.endswith(id_suffix):
                    return proto
        return None

    def fragment_of(self, widget_id: str) -> str:
        """The fragment a widget was drawn in ("" outside any fragment): its rerun is a
        fragment run, as the frontend asks for it."""
        for m in self.messages:
            if m.WhichOneof("type") != "delta" or m.delta.WhichOneof("type") != "new_element":
                continue
            element = m.delta.new_element
            kind = element.WhichOneof("type")
            if getattr(getattr(element, kind), "id", None) == widget_id:
                return m.delta.fragment_id
        return ""

    def text(self) -> str:
        """The markdown / heading text of the run (to check what was drawn)."""
        parts = []
        for element in self.elements():
            kind = element.WhichOneof("type")
            if kind in ("markdown", "heading"):
                parts.append(getattr(element, kind).body)
        return "\n".join(parts)


class Session:
    """One browser tab's worth of protocol: connect, then ``run`` pages and widget changes."""

    def __init__(self, base_url: str, lang: str = "en") -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.lang = lang
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.page_name = ""
        self.query = ""
        self.cache: dict[str, ForwardMsg] = {}  # hash -> message, as the frontend keeps
        self.widgets: dict[str, WidgetState] = {}

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(
        self,
        page: str | None = None,
        query: dict[str, str] | None = None,
        widgets: list[WidgetState] = (),
        timeout: float = 120.0,
        fragment_id: str = "",
        keep_widgets: bool = True,
    ) -> Run:
        """Ask for a run, as the frontend does after a navigation (``page``: url path, "" for
        the default page), a new query string or a widget change; wait for script_finished."""
        if page is not None:
            self.page_name = page
            self.page_hash = self.pages.get(page, "")
            self.widgets = {}
            self.query = urlencode({"lang": self.lang, **(query or {})})
        elif query is not None:
            self.query = urlencode({"lang": self.lang, **query})
        if not keep_widgets:
            self.widgets = {}
        for state in widgets:
            self.widgets[state.id] = state
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.page_name = self.page_name
        rerun.fragment_id = fragment_id
        rerun.widget_states.widgets.extend(self.widgets.values())
        rerun.cached_message_hashes.extend(self.cache)
        rerun.context_info.locale = "en-US" if self.lang == "en" else "de-DE"
        rerun.context_info.timezone = "Europe/Berlin"
        rerun.context_info.url = f"http://localhost/{self.page_name}?{self.query}"
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._until_finished(start), timeout)

    async def _until_finished(self, start: float) -> Run:
        run = Run(seconds=float("nan"), received=0)
        while True:
            data = await self.ws.recv()
            run.received += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(fwd.ref_hash)
                if cached is None:
                    raise ProtocolError(f"reference to a message never received: {fwd.ref_hash}")
                ref = ForwardMsg()
                ref.CopyFrom(cached)
                ref.metadata.CopyFrom(fwd.metadata)
                fwd, kind = ref, ref.WhichOneof("type")
            elif fwd.metadata.cacheable and fwd.hash:
                self.cache[fwd.hash] = fwd
            run.messages.append(fwd)
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "exception":
                    run.exceptions.append(element.exception.message[:200])
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun / st.switch_page: a new run follows
                run.status = fwd.script_finished
                run.seconds = time.perf_counter() - start
                return run
            elif kind == "page_not_found":
                raise ProtocolError(f"page not found: {fwd.page_not_found.page_name}")


def choose(proto, option: str) -> WidgetState:
    """The widget state a selectbox or radio sends when ``option`` (its label) is chosen."""
    if option not in list(proto.options):
        raise ProtocolError(f"{proto.id}: no option {option!r}")
    return WidgetState(id=proto.id, string_value=option)


def choose_many(proto, options: list[str]) -> WidgetState:
    """A multiselect's state with ``options`` chosen (labels)."""
    state = WidgetState(id=proto.id)
    state.string_array_value.data.extend(options)
    return state


def slide(proto, steps: int = 1) -> WidgetState:
    """A ``st.select_slider`` moved ``steps`` options on from its default: its state is the
    chosen option's label (a string array), as the frontend sends it."""
    state = WidgetState(id=proto.id)
    state.string_array_value.data.append(proto.options[int(proto.default[0]) + steps])
    return state


def press(proto) -> WidgetState:
    """A button press (a trigger, sent once)."""
    return WidgetState(id=proto.id, trigger_value=True)
