"""Issue 15 item 5 (docs/security.md case 50): a tab's state is reset when its session changes.

Drives the middleware's `claim_tab` on real Reflex state managers, memory and Redis. With
Redis an event loads only its own branch of the tree, so the reset must load the others:
the admin list is filled in one event and must be empty in a later event of another branch.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
import reflex as rx
from reflex.istate.manager import StateManager
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex_base.event.context import EventContext

import lms_reflex.lms_reflex  # registers every page and state
from lms_reflex.api import auth_cookie
from lms_reflex.services.accounts import sessions
from lms_reflex.services.admin.users import AdminUserRow
from lms_reflex.state.admin.users import AdminUsersState
from lms_reflex.state.lazy_tree import LazyStateManagerMemory
from lms_reflex.state.learning.player import PlayerState
from lms_reflex.state.session import SessionState, session_token
from lms_reflex.state.tab_owner import (
    ENDED,
    TabOwnerMiddleware,
    TabOwnerState,
    app_states,
    claim_tab,
    owner_mark,
)

REDIS_URL = "redis://127.0.0.1:6379/15"
ROW = AdminUserRow(7, "Other Person", "other@example.com", "student", True, True, "today", 0, False)


async def _redis_manager() -> StateManager | None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, aioredis.RedisError):
        await client.aclose()
        return None
    return StateManagerRedis(redis=client)


async def _made(kind: str) -> StateManager | None:
    if kind == "redis":
        return await _redis_manager()
    return LazyStateManagerMemory() if kind == "lazy" else StateManagerMemory()


@pytest.fixture(params=["memory", "lazy", "redis"])
async def manager(request: pytest.FixtureRequest) -> AsyncIterator[StateManager]:
    made = await _made(request.param)
    if made is None:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    context = EventContext(token="", state_manager=made, enqueue_impl=None)  # type: ignore[arg-type]
    reset_token = EventContext.set(context)
    yield made
    EventContext.reset(reset_token)
    await made.close()


@contextlib.asynccontextmanager
async def event(
    manager: StateManager, tab: str, cls: type[rx.State], cookie: str, *, hydrating=False
) -> AsyncIterator[rx.State]:
    """One event of `cls`'s branch from a tab whose cookie is `cookie`, middleware first."""
    async with manager.modify_state(BaseStateToken(ident=tab, cls=cls)) as root:
        data = {"token": tab, "headers": {"cookie": cookie}, "pathname": "/"}
        root.router_data = root._update_router_vars(data, root.router_data or {})
        await claim_tab(root, hydrating=hydrating)
        yield await root.get_state(cls)


def cookie_of(token: str) -> str:
    return f"{sessions.cookie_name()}={token}"


async def test_a_new_cookie_empties_every_branch_of_the_tab(manager: StateManager) -> None:
    tab = uuid.uuid4().hex
    async with event(manager, tab, AdminUsersState, cookie_of("admin-token")) as users:
        users.rows, users.total = [ROW], 1
    async with event(manager, tab, SessionState, cookie_of("admin-token")) as bar:
        bar.signed_in, bar.first_name = True, "Ada"

    # Signed out: the next event belongs to another branch than the admin list.
    async with event(manager, tab, SessionState, "") as bar:
        assert (bar.signed_in, bar.first_name) == (False, "")
    async with event(manager, tab, AdminUsersState, "") as users:
        assert (users.rows, users.total) == ([], 0)


async def test_the_same_cookie_keeps_the_tab(manager: StateManager) -> None:
    tab = uuid.uuid4().hex
    async with event(manager, tab, AdminUsersState, cookie_of("t1")) as users:
        users.rows = [ROW]
    async with event(manager, tab, SessionState, cookie_of("t1")) as bar:
        bar.first_name = "Ada"
    async with event(manager, tab, AdminUsersState, cookie_of("t1")) as users:
        assert users.rows == [ROW]
    async with event(manager, tab, SessionState, cookie_of("t1")) as bar:
        assert bar.first_name == "Ada"


async def test_signing_in_as_someone_else_empties_the_tab(manager: StateManager) -> None:
    tab = uuid.uuid4().hex
    async with event(manager, tab, AdminUsersState, cookie_of("admin")) as users:
        users.rows = [ROW]
    async with event(manager, tab, AdminUsersState, cookie_of("student")) as users:
        assert users.rows == []
    async with event(manager, tab, TabOwnerState, cookie_of("student")) as owner:
        assert owner._owner == owner_mark("student")  # no cookie is stored, only a mark


async def test_a_reconnect_with_an_ended_session_empties_the_tab(
    manager: StateManager, run, make_user
) -> None:
    token = run(sessions.create_session, user_id=make_user().id, ip="", user_agent="x")
    tab = uuid.uuid4().hex
    async with event(manager, tab, AdminUsersState, cookie_of(token), hydrating=True) as users:
        users.rows = [ROW]
    async with event(manager, tab, AdminUsersState, cookie_of(token), hydrating=True) as users:
        assert users.rows == [ROW]  # still signed in: a reconnect keeps the tab
    run(sessions.revoke_session, token=token)

    async with event(manager, tab, AdminUsersState, cookie_of(token), hydrating=True) as users:
        assert users.rows == []
        users.rows = [ROW]  # filled again while the dead cookie is still sent
    async with event(manager, tab, AdminUsersState, cookie_of(token)) as users:
        assert users.rows == [ROW]  # no reset per event for the same dead cookie
    async with event(manager, tab, TabOwnerState, cookie_of(token), hydrating=True) as owner:
        assert owner._owner == owner_mark(token) + ENDED


def test_the_mark_is_not_the_cookie_nor_its_database_hash() -> None:
    mark = owner_mark("abc")
    assert mark and "abc" not in mark and mark != sessions._session_hash("abc")
    assert owner_mark(None) == owner_mark("") == ""


def test_the_app_runs_the_check_before_every_event() -> None:
    app = lms_reflex.lms_reflex.app
    assert any(isinstance(m, TabOwnerMiddleware) for m in app._middlewares)


def test_every_state_of_ours_is_under_a_state_the_reset_reaches() -> None:
    """`reset()` recurses into substates: each state of ours must hang below a reset one."""
    tops = set(app_states())
    todo, missed = list(rx.State.get_substates()), []
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        chain = [cls, *cls.__mro__]
        if cls.__module__.startswith("lms_reflex.") and not tops.intersection(chain):
            missed.append(cls.__name__)
    assert missed == [] and {AdminUsersState, SessionState, TabOwnerState} <= tops


async def test_every_branch_reads_this_events_cookie(manager: StateManager) -> None:
    """The token comes from the router data of the root, whichever state asks."""
    tab = uuid.uuid4().hex
    async with event(manager, tab, PlayerState, f"theme=dark; {cookie_of('t1')}") as player:
        assert session_token(player) == "t1"
        assert session_token(await player.get_state(SessionState)) == "t1"
    async with event(manager, tab, PlayerState, cookie_of("t2")) as player:
        assert session_token(player) == "t2"
    async with event(manager, tab, PlayerState, "theme=dark") as player:
        assert session_token(player) is None
    async with event(manager, tab, PlayerState, "") as player:
        assert session_token(player) is None


def test_a_long_cookie_header_is_read_but_never_kept() -> None:
    """The parse cache holds short headers only, so made-up headers cannot fill memory."""
    auth_cookie._cached_parse.cache_clear()
    short = f"a=1; {cookie_of('short-token')}"
    long = "pad=" + "x" * 9000 + "; " + cookie_of("long-token")
    assert auth_cookie.token_from_cookie_header(short) == "short-token"
    assert auth_cookie.token_from_cookie_header(long) == "long-token"
    cached = auth_cookie._cached_parse.cache_info().currsize
    assert auth_cookie.token_from_cookie_header(long) == "long-token"
    assert auth_cookie._cached_parse.cache_info().currsize == cached == 1
