"""The one-worker state manager keeps only the states a tab's pages filled (state/lazy_tree.py).

Driven on the real app's state classes: an event builds its own branch, a handler's
`get_state` builds a sibling, changed states survive every later event of the tab, unchanged
ones leave the tree when the event ends, and a hydrate still sends the whole tree.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import reflex as rx
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex_base.event.context import EventContext

import lms_reflex.lms_reflex  # registers every page and state
from lms_reflex.services.admin.users import AdminUserRow
from lms_reflex.state import lazy_tree
from lms_reflex.state.admin.users import AdminUsersState
from lms_reflex.state.lazy_tree import LazyStateManagerMemory, states_for, use_lazy_tree
from lms_reflex.state.learning.notes import NotesState
from lms_reflex.state.learning.player import PlayerState
from lms_reflex.state.session import SessionState
from lms_reflex.state.tab_owner import TabOwnerState, reset_changed

ROW = AdminUserRow(7, "Other Person", "other@example.com", "student", True, True, "today", 0, False)


@pytest.fixture
async def manager() -> AsyncIterator[LazyStateManagerMemory]:
    made = LazyStateManagerMemory()
    context = EventContext(token="", state_manager=made, enqueue_impl=None)  # type: ignore[arg-type]
    reset_token = EventContext.set(context)
    yield made
    EventContext.reset(reset_token)
    await made.close()


def held(manager: LazyStateManagerMemory, tab: str) -> set[str]:
    """The names of the states the tab's tree holds right now (the root's direct substates)."""
    return set(manager.states[tab].substates)


def token(tab: str, cls: type[rx.State]) -> BaseStateToken:
    return BaseStateToken(ident=tab, cls=cls)


async def test_an_event_builds_only_its_own_branch(manager: LazyStateManagerMemory) -> None:
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, PlayerState)) as root:
        assert PlayerState.get_name() in root.substates
        assert AdminUsersState.get_name() not in root.substates
        (await root.get_state(PlayerState)).problem = "Intro"
    assert held(manager, tab) == {PlayerState.get_name()}


async def test_a_changed_state_keeps_its_values_across_other_branches(
    manager: LazyStateManagerMemory,
) -> None:
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, AdminUsersState)) as root:
        (await root.get_state(AdminUsersState)).rows = [ROW]
    async with manager.modify_state(token(tab, PlayerState)) as root:
        (await root.get_state(PlayerState)).problem = "Intro"
    async with manager.modify_state(token(tab, AdminUsersState)) as root:
        assert (await root.get_state(AdminUsersState)).rows == [ROW]
        assert (await root.get_state(PlayerState)).problem == "Intro"


async def test_a_handlers_get_state_builds_a_sibling_that_then_stays(
    manager: LazyStateManagerMemory,
) -> None:
    """The player's load fills its panels' states through `get_state`."""
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, PlayerState)) as root:
        player = await root.get_state(PlayerState)
        notes = await player.get_state(NotesState)
        assert isinstance(notes, NotesState) and notes.parent_state is root
        notes.editing = 3
    assert NotesState.get_name() in held(manager, tab)
    async with manager.modify_state(token(tab, NotesState)) as root:
        assert (await root.get_state(NotesState)).editing == 3


async def test_states_only_read_leave_the_tree_when_the_event_ends(
    manager: LazyStateManagerMemory,
) -> None:
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, PlayerState)) as root:
        assert (await root.get_state(NotesState)).editing == 0
        assert (await root.get_state(AdminUsersState)).rows == []
    assert held(manager, tab) == set()


async def test_a_hydrate_sends_every_state_and_keeps_only_the_changed(
    manager: LazyStateManagerMemory,
) -> None:
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, SessionState)) as root:
        (await root.get_state(SessionState)).first_name = "Ada"
    async with manager.modify_state(token(tab, rx.State)) as root:
        snapshot = root.dict()
        assert snapshot[AdminUsersState.get_full_name()]["rows_rx_state_"] == []
        assert snapshot[SessionState.get_full_name()]["first_name_rx_state_"] == "Ada"
        assert len(root.substates) == len(rx.State.get_substates())
        root._clean()
    assert SessionState.get_name() in held(manager, tab)
    assert AdminUsersState.get_name() not in held(manager, tab)


async def test_a_state_with_a_delta_still_to_send_is_kept(manager: LazyStateManagerMemory) -> None:
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, PlayerState)) as root:
        player = await root.get_state(PlayerState)
        object.__setattr__(player, "_was_touched", False)
        root.dirty_substates.add(PlayerState.get_name())
    assert PlayerState.get_name() in held(manager, tab)


async def test_a_changed_state_keeps_the_states_its_dependants_need(
    manager: LazyStateManagerMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A computed var reading another state's var: that state stays with the changed one.

    No state of ours reads another's vars today, so the dependency is stated here: as if the
    notes panel had a computed var over the player's fields.
    """
    real = lazy_tree.states_for

    def with_notes(cls: type[rx.State]) -> tuple[type[rx.State], ...]:
        needed = real(cls)
        return (*needed, NotesState) if cls is PlayerState else needed

    monkeypatch.setattr(lazy_tree, "states_for", with_notes)
    tab = uuid.uuid4().hex
    async with manager.modify_state(token(tab, PlayerState)) as root:
        (await root.get_state(PlayerState)).problem = "Intro"
        assert (await root.get_state(NotesState)).editing == 0  # read, never changed
    assert held(manager, tab) == {PlayerState.get_name(), NotesState.get_name()}


def test_an_event_needs_its_parents_substates_and_dependents() -> None:
    needed = states_for(PlayerState)
    assert needed[0] is rx.State and PlayerState in needed  # the root comes first
    assert set(PlayerState._get_potentially_dirty_states()) <= set(needed)
    assert AdminUsersState not in needed and NotesState not in needed
    assert set(states_for(rx.State)) >= set(rx.State.get_substates())


def test_reset_changed_assigns_only_what_differs() -> None:
    fresh = AdminUsersState(_reflex_internal_init=True)
    reset_changed(fresh)
    assert not fresh._was_touched and not fresh.dirty_vars

    filled = AdminUsersState(_reflex_internal_init=True)
    filled.rows, filled.total = [ROW], 1
    object.__setattr__(filled, "_was_touched", False)
    filled.dirty_vars.clear()
    assert filled.query == ""  # read, so stored, but still its default
    reset_changed(filled)
    assert (filled.rows, filled.total) == ([], 0)
    assert filled.dirty_vars == {"rows", "total"} and filled._was_touched


def test_the_app_serves_its_tabs_from_the_lazy_manager_in_one_worker_mode() -> None:
    assert isinstance(lms_reflex.lms_reflex.app.state_manager, LazyStateManagerMemory)


def test_redis_mode_is_left_alone() -> None:
    class App:
        state_manager = object()
        _state_manager = state_manager

    app = App()
    use_lazy_tree(app)
    assert app._state_manager is App.state_manager


async def test_the_stock_memory_manager_still_builds_every_state() -> None:
    """Reflex's own manager is untouched: with it, a missing state is still an error."""
    stock = StateManagerMemory()
    reset_token = EventContext.set(EventContext(token="", state_manager=stock, enqueue_impl=None))  # type: ignore[arg-type]
    try:
        tab = uuid.uuid4().hex
        async with stock.modify_state(token(tab, PlayerState)) as root:
            assert len(root.substates) == len(rx.State.get_substates())
            del root.substates[TabOwnerState.get_name()]
            with pytest.raises(RuntimeError):
                await root.get_state(TabOwnerState)
    finally:
        EventContext.reset(reset_token)
        await stock.close()
