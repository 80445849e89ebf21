"""The server's own HTTP routes for the session cookie (:mod:`loyalty.sessions`), served beside
the app by ``serve.py`` (Streamlit's ``st.App(..., routes=ROUTES)``): a script run cannot set a
cookie, a response of the server can.

- ``POST /_loyalty/session`` with the form field ``ticket`` (posted by the sign-in page's
  script): redeems the one-time ticket, answers 204 with the HttpOnly, SameSite=Lax session
  cookie (``Secure`` when the request came over https, also behind a proxy that says so in
  ``X-Forwarded-Proto``); 403 for an unknown, used or old ticket.
- ``POST /_loyalty/sign-out``: ends the cookie's session on every server and deletes the cookie.

Both refuse a browser's request from another site (``Sec-Fetch-Site``), and SameSite=Lax keeps
the cookie off other sites' requests anyway.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loyalty import config, sessions
from loyalty.store import open_store


def _same_site(request: Request) -> bool:
    """A request from the app's own page (a browser says so; other clients send no header)."""
    return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"


def _secure(request: Request) -> bool:
    return "https" in (request.url.scheme, request.headers.get("x-forwarded-proto"))


async def session_route(request: Request) -> Response:
    """Redeem the sign-in's ticket (form field ``ticket``) for the session cookie."""
    if not _same_site(request):
        return Response(status_code=403)
    ticket = parse_qs((await request.body()).decode(errors="replace")).get("ticket", [""])[0]
    redeemed = await run_in_threadpool(
        lambda: sessions.redeem(open_store(config.db_address()), ticket)
    )
    if redeemed is None:
        return Response(status_code=403)
    value, max_age = redeemed
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        sessions.COOKIE,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


async def sign_out_route(request: Request) -> Response:
    """End the session of the request's cookie (on every server) and delete the cookie."""
    if not _same_site(request):
        return Response(status_code=403)
    value = request.cookies.get(sessions.COOKIE)
    if value:
        await run_in_threadpool(
            lambda: sessions.end_by_cookie(open_store(config.db_address()), value)
        )
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [
    Route(sessions.ROUTE, session_route, methods=["POST"]),
    Route(sessions.SIGN_OUT_ROUTE, sign_out_route, methods=["POST"]),
]
