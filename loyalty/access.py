"""Who may see and do what, enforced where the data is read (not in the pages).

A :class:`Viewer` bundles the signed-in :class:`~loyalty.users.Principal` with the branches it
may see. Every branch-level frame a page shows comes from the core
(:class:`loyalty.dashboard.Dashboard`), which filters rows with :func:`visible` *after* the
whole company's table has been computed and suppressed (suppression
is never recomputed on a subset, so a scope cannot reveal a hidden score either). Caches are
keyed by :meth:`Viewer.key`, so two users with different scopes never share a cached frame.

Sign-in modes (``LOYALTY_AUTH``): ``none`` — no sign-in, allowed only when the server listens
on localhost; the single local user is an admin. ``password`` — users in the store, argon2id,
lock-out (:mod:`loyalty.users`). ``oidc`` — Streamlit's ``st.login`` with an identity provider;
the e-mail is mapped to a user (:func:`loyalty.users.record_oidc_sign_in`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from loyalty import users
from loyalty.store import Store

#: The one user of mode ``none`` (local only): everything is permitted.
LOCAL = users.Principal(username=users.LOCAL_ACTOR, role="admin", display_name=users.LOCAL_ACTOR)

#: Which pages a role reaches (the navigation shows only these; each page checks again).
PAGE_ACTIONS: dict[str, str | tuple[str, ...]] = {
    "overview": "view_dashboards",
    "branches": "view_dashboards",
    "compare": "view_dashboards",
    "branch": "view_dashboards",
    "whatif": "view_dashboards",
    "drivers": "view_dashboards",
    "present": "view_dashboards",
    "actions": "view_dashboards",
    "methods": "view_data_quality",
    "data": ("import_engagement", "import_loyalty", "import_finance"),
    "admin": ("manage_users", "view_audit"),
}
#: Which import kinds need which permission.
IMPORT_ACTIONS = {
    "engagement": "import_engagement",
    "loyalty": "import_loyalty",
    "finance": "import_finance",
    "branches": "change_settings",
}


class NotPermitted(PermissionError):
    """The signed-in user's role does not permit ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


@dataclass(frozen=True)
class Viewer:
    principal: users.Principal
    branches: frozenset[str] | None  # None: every branch

    @classmethod
    def of(cls, store: Store, principal: users.Principal) -> Viewer:
        return cls(principal, principal.branch_filter(store))

    def can(self, action: str) -> bool:
        return self.principal.can(action)

    def require(self, action: str) -> None:
        if not self.can(action):
            raise NotPermitted(action)

    def may_open(self, page: str) -> bool:
        needed = PAGE_ACTIONS[page]
        actions = (needed,) if isinstance(needed, str) else needed
        return any(self.can(a) for a in actions)

    def import_kinds(self, kinds) -> list[str]:
        return [k for k in kinds if self.can(IMPORT_ACTIONS[k])]

    def key(self) -> str:
        """Cache key part: the same for users who may see exactly the same."""
        if self.branches is None:
            return "all"
        return hashlib.sha256(",".join(sorted(self.branches)).encode()).hexdigest()[:16]

    def sees(self, branch_id: str) -> bool:
        return self.branches is None or branch_id in self.branches


def visible(frame: pl.DataFrame, branches: frozenset[str] | None) -> pl.DataFrame:
    """The rows of ``frame`` whose ``branch_id`` is in ``branches`` (None: all rows)."""
    if branches is None:
        return frame
    return frame.filter(pl.col("branch_id").is_in(sorted(branches)))


def page_path(url: str | None) -> str:
    """The page part of an app URL (``https://host/branch?x=1`` → ``branch``; root → "")."""
    from urllib.parse import urlsplit

    return urlsplit(url or "").path.strip("/").split("/")[-1]
