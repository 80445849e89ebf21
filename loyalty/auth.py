"""Sign-in policy: the mode from ``LOYALTY_AUTH`` (``none``, ``password`` or ``oidc``; see
:mod:`loyalty.access` and ``docs/privacy.md``). Mode ``none`` is allowed only when the server
listens on localhost (what ``make run`` does)."""

from __future__ import annotations

import os

LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})


def mode() -> str:
    return (os.environ.get("LOYALTY_AUTH") or "none").strip().lower()


def allowed_without_sign_in(server_address: str | None) -> bool:
    """Mode ``none`` is only safe when nobody but this machine can reach the server."""
    return mode() == "none" and (server_address or "").strip() in LOCAL_ADDRESSES
