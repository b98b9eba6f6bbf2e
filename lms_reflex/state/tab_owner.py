"""A tab's server-side state never outlives the session that filled it.

Reflex keeps one state tree per browser tab, keyed by a token the tab keeps across page
loads. Sign-out and sign-in are full page loads through our cookie routes, so the tab comes
back with a new cookie but the old tree: a reload would send the previous user's lists
again. Before every event a middleware compares the session of the cookie with the one
that filled the tree and, when they differ, resets every state of ours (docs/security.md,
"Sign-out and the tab's server-side state").
"""

from __future__ import annotations

import hashlib

import reflex as rx
from reflex.middleware.middleware import Middleware
from reflex.state import _ROUTER_FIELD_NAMES, BaseState
from reflex_base.event import Event

from lms_reflex.db import call_service
from lms_reflex.services.accounts import sessions
from lms_reflex.state.session import session_token

ENDED = ":ended"
_APP_PACKAGE = "lms_reflex."
_HYDRATE_EVENTS = frozenset(
    f"{rx.State.get_full_name()}.{name}" for name in ("hydrate", "hydrate_and_load")
)


def owner_mark(token: str | None) -> str:
    """A fingerprint of the session cookie ("" when signed out); never the cookie itself.

    The preimage differs from the database's token hash, so the state store (Redis) holds
    nothing that matches a session row either.
    """
    if not token:
        return ""
    return hashlib.sha256(f"tab-owner:{token}".encode()).hexdigest()[:32]


class TabOwnerState(rx.State):
    """Whose session filled this tab's state; a backend var, never sent to the browser."""

    _owner: str = ""


def app_states() -> list[type[BaseState]]:
    """Our top-level states (each `reset()` also resets its substates)."""
    found = [cls for cls in rx.State.get_substates() if cls.__module__.startswith(_APP_PACKAGE)]
    return sorted(found, key=lambda cls: cls.get_full_name())


async def current_owner(state: BaseState, *, hydrating: bool) -> str:
    """The mark of this event's session; at a (re)connect also whether it has ended.

    A cookie only changes with a new websocket, whose first event is the hydrate: asking
    the database there (once per connection, read-only, without touching the idle clock)
    also catches a session that expired or was revoked while the tab stayed open.
    """
    token = session_token(state)
    mark = owner_mark(token)
    if hydrating and token:
        actor, _due = await call_service(sessions.check_session, readonly=True, token=token)
        if actor is None:
            mark += ENDED
    return mark


def same_owner(stored: str, current: str, *, hydrating: bool) -> bool:
    """Whether the tree still belongs to this event's session.

    Between hydrates only the cookie is compared (no database read per event).
    """
    if hydrating:
        return stored == current
    return stored.removesuffix(ENDED) == current.removesuffix(ENDED)


async def reset_tab(state: BaseState) -> None:
    """Reset every state of ours in this tab, loading each first.

    An event's tree holds only its own branch (Redis mode, and the one-worker manager in
    state/lazy_tree.py), so each state is fetched first. Reflex's own states (hydration flag,
    router data) are left alone.
    """
    for cls in app_states():
        reset_changed(await state.get_state(cls))


def reset_changed(state: BaseState) -> None:
    """`state.reset()`, assigning only the fields that differ from their defaults.

    Assigning marks a state changed, and a changed state is kept (and, with Redis, written)
    for the rest of the tab's life: a fresh tab's first sign-in would otherwise keep all
    forty-odd states of ours. A field never read or set is still its default.
    """
    cls = type(state)
    stored = state.__dict__
    for name, field in cls.__fields__.items():
        if field._owner is not cls or name in _ROUTER_FIELD_NAMES or name not in stored:
            continue
        default = field.default_value()
        if stored[name] != default:
            setattr(state, name, default)
    for sub in state.substates.values():
        reset_changed(sub)


async def claim_tab(state: BaseState, *, hydrating: bool) -> bool:
    """Reset the tab when its session changed, and record the new owner.

    Returns:
        True when the tab's states were reset.
    """
    owner = await state.get_state(TabOwnerState)
    current = await current_owner(state, hydrating=hydrating)
    if same_owner(owner._owner, current, hydrating=hydrating):
        return False
    await reset_tab(state)
    owner._owner = current
    return True


class TabOwnerMiddleware(Middleware):
    """Runs `claim_tab` before every event, under the tab's state lock."""

    async def preprocess(self, app: rx.App, state: BaseState, event: Event) -> None:
        """Reset a tab whose session changed; the event then runs as usual."""
        await claim_tab(state, hydrating=event.name in _HYDRATE_EVENTS)
        return None
