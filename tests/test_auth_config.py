from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from loyalty import auth, config

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("192.0.2.10", False),
    ],
)
def test_no_sign_in_only_on_localhost(address, allowed, monkeypatch):
    monkeypatch.delenv("LOYALTY_AUTH", raising=False)
    assert auth.allowed_without_sign_in(address) is allowed


def test_other_modes_are_not_open_access(monkeypatch):
    monkeypatch.setenv("LOYALTY_AUTH", "password")
    assert not auth.allowed_without_sign_in("localhost")


def test_db_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("LOYALTY_DB", raising=False)
    assert config.db_path() == Path("data") / "loyalty.duckdb"
    monkeypatch.setenv("LOYALTY_DB", str(tmp_path / "x.duckdb"))
    assert config.db_path() == tmp_path / "x.duckdb"


def test_min_group_size_default_and_floor(monkeypatch):
    monkeypatch.delenv("LOYALTY_MIN_GROUP_SIZE", raising=False)
    assert config.min_group_size() == 5
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "1")
    assert config.min_group_size() == 3


def test_server_config_keeps_xsrf_protection_and_the_upload_limit():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 200  # MB, as the importer's default limit
    assert config["client"]["toolbarMode"] == "viewer"


@pytest.mark.parametrize(
    ("raw", "on"),
    [(None, True), ("", True), ("on", True), ("ON", True), ("1", True), ("off", False),
     ("0", False), ("false", False), (" Off ", False)],
)  # fmt: skip
def test_the_warm_up_setting(raw, on, monkeypatch):
    if raw is None:
        monkeypatch.delenv("LOYALTY_WARM_UP", raising=False)
    else:
        monkeypatch.setenv("LOYALTY_WARM_UP", raw)
    assert config.warm_up() is on


def test_a_misspelt_warm_up_setting_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("LOYALTY_WARM_UP", "sometimes")
    with pytest.raises(ValueError, match="LOYALTY_WARM_UP"):
        config.warm_up()


def test_the_server_warms_only_when_the_setting_says_so(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("serve", ROOT / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    started = []
    monkeypatch.setenv("LOYALTY_WARM_UP", "off")
    assert serve.warm_up_on_start(lambda: started.append(1)) is False and started == []
    assert "caches: no warm-up (LOYALTY_WARM_UP=off)" in capsys.readouterr().err
    monkeypatch.setenv("LOYALTY_WARM_UP", "on")
    assert serve.warm_up_on_start(lambda: started.append(1)) is True and started == [1]


def test_the_server_tells_the_warm_up_of_every_visitor_s_request(monkeypatch):
    """serve.py's app has the middleware, and the pages' warm-up waits for its visitors."""
    monkeypatch.syspath_prepend(str(ROOT))  # pages/ is found from the project folder
    from loyalty import warming
    from pages import _warm

    spec = importlib.util.spec_from_file_location("serve", ROOT / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    assert [m.cls for m in serve.app._user_middleware] == [warming.VisitorActivity]
    assert _warm.warmer.visits is warming.VISITS


def test_the_server_does_streamlit_s_first_run_work_before_it_answers(monkeypatch):
    """serve.py's main block loads what Streamlit's first script run would (the emoji pattern,
    inspect's index of modules) before it starts the server, so a first visit does not."""
    import ast
    import inspect
    import sys

    source = (ROOT / "serve.py").read_text(encoding="utf-8")
    main = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
    )
    line = {ast.unparse(n.func): n.lineno for n in ast.walk(main) if isinstance(n, ast.Call)}
    assert line["preload_first_run"] < line["cli.main"]

    spec = importlib.util.spec_from_file_location("serve", ROOT / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    monkeypatch.delitem(sys.modules, "streamlit.emojis", raising=False)
    looked = []
    monkeypatch.setattr(inspect, "stack", lambda *a: looked.append(a) or [])
    serve.preload_first_run()
    assert "streamlit.emojis" in sys.modules
    assert looked == [()]
