"""The server's routes for the session cookie (loyalty/session_routes.py, served by serve.py):
a ticket is redeemed once for an HttpOnly, SameSite=Lax cookie (Secure behind https); another
site's request is refused; sign-out ends the session and deletes the cookie."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher
from starlette.requests import Request

from loyalty import session_routes, sessions, store, users


@pytest.fixture
def address(stores, monkeypatch):
    monkeypatch.setattr(
        users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.delenv("LOYALTY_SESSION_SECRET", raising=False)
    sessions._secrets_cache.clear()
    address = stores.new()
    monkeypatch.setenv("LOYALTY_DB", address)
    s = store.open_store(address)
    users.add_user(s, "ada", role="executive", actor="test", password="correct horse battery")
    yield address
    store.close_all()


def _post(route, body: str = "", headers: dict[str, str] | None = None, scheme: str = "http"):
    scope = {
        "type": "http",
        "method": "POST",
        "path": sessions.ROUTE,
        "scheme": scheme,
        "server": ("127.0.0.1", 8501),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }

    async def receive():
        return {"type": "http.request", "body": body.encode(), "more_body": False}

    return asyncio.run(route(Request(scope, receive)))


def _cookie_header(response) -> str:
    return next(v.decode() for k, v in response.raw_headers if k == b"set-cookie")


def test_a_ticket_is_redeemed_once_for_an_http_only_cookie(address):
    ticket = sessions.start(store.open_store(address), "ada").ticket
    response = _post(session_routes.session_route, f"ticket={ticket}")
    assert response.status_code == 204
    cookie = _cookie_header(response)
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Max-Age=" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.from_cookie(store.open_store(address), value).principal.username == "ada"
    again = _post(session_routes.session_route, f"ticket={ticket}")
    assert again.status_code == 403 and not any(k == b"set-cookie" for k, _ in again.raw_headers)


def test_behind_https_the_cookie_is_secure(address):
    ticket = sessions.start(store.open_store(address), "ada").ticket
    response = _post(
        session_routes.session_route, f"ticket={ticket}", {"X-Forwarded-Proto": "https"}
    )
    assert "Secure" in _cookie_header(response)


def test_another_sites_request_and_a_made_up_ticket_are_refused(address):
    ticket = sessions.start(store.open_store(address), "ada").ticket
    cross = _post(
        session_routes.session_route, f"ticket={ticket}", {"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert _post(session_routes.session_route, "ticket=made-up").status_code == 403
    assert _post(session_routes.session_route, "").status_code == 403
    # the refused requests did not use the ticket up
    assert _post(session_routes.session_route, f"ticket={ticket}").status_code == 204


def test_sign_out_ends_the_session_and_deletes_the_cookie(address):
    s = store.open_store(address)
    started = sessions.start(s, "ada")
    value, _ = sessions.redeem(s, started.ticket)
    response = _post(
        session_routes.sign_out_route, headers={"Cookie": f"{sessions.COOKIE}={value}"}
    )
    assert response.status_code == 204
    cookie = _cookie_header(response)
    assert cookie.startswith(f'{sessions.COOKIE}="";') and "Max-Age=0" in cookie
    assert sessions.check(s, started.session_id) is None
