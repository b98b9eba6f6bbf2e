"""One worker's tabs keep in memory only the states their pages filled.

Reflex's memory manager builds every state class for every tab and keeps them all: a tab that
only ever opened the player still carries the builder's, the admin console's and forty other
pages' states, each with its own dicts and sets. Redis mode already works the other way (an
event loads its own branch, and only states that changed are stored), and the app is tested
in that mode. This manager gives the one-worker mode the same shape without Redis:

- an event's tree holds the root, the event's state with its parents and substates, and the
  states whose computed vars depend on it (the set Redis mode loads), built on first use;
- a handler's `get_state` of a state the tree does not hold builds it fresh, as Redis mode
  would load it;
- when an event ends, states that were never changed (so hold only their defaults) leave the
  tree, unless a changed one needs them as Redis mode would load them beside it; a hydrate
  snapshot builds them all, sends them, and lets them go again.

Measured in benchmarks/README.md ("Eighth session").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypeVar

from reflex.istate.manager import get_state_manager
from reflex.istate.manager.memory import StateManagerMemory, _ModifyState
from reflex.istate.manager.token import BaseStateToken, StateToken
from reflex.state import BaseState

S = TypeVar("S", bound=BaseState)


@functools.cache
def states_for(cls: type[BaseState]) -> tuple[type[BaseState], ...]:
    """The classes an event of `cls` needs, parents before children (Redis mode's set).

    Computed once per class: the state classes and their dependencies are fixed once the
    app has been imported, and every event asks.
    """
    needed: set[type[BaseState]] = set()
    _collect(cls, needed, with_substates=True)
    return tuple(sorted(needed, key=lambda c: len(c._get_substate_path())))


def _collect(cls: type[BaseState], needed: set[type[BaseState]], *, with_substates: bool) -> None:
    if with_substates:
        for sub in cls.get_substates():
            _collect(sub, needed, with_substates=True)
    if cls in needed:
        return
    needed.add(cls)
    for dependent in cls._get_potentially_dirty_states():
        _collect(dependent, needed, with_substates=False)
    if (parent := cls.get_parent_state()) is not None:
        _collect(parent, needed, with_substates=False)


def attach_states(root: BaseState, classes: Iterable[type[BaseState]]) -> None:
    """Build, under their parents, whichever of `classes` the tree does not hold yet."""
    for cls in classes:
        path = cls._get_substate_path()
        parent = root
        for name in path[1:-1]:
            parent = parent.substates[name]
        if len(path) > 1 and path[-1] not in parent.substates:
            parent.substates[path[-1]] = cls(
                parent_state=parent, init_substates=False, _reflex_internal_init=True
            )


def drop_unchanged(root: BaseState) -> None:
    """Let go of the substates, at any depth, that no changed state needs.

    A state whose fields were never assigned (nor mutated in place, nor a computed var cached)
    holds only its defaults, which a fresh one rebuilds. A changed state keeps what an event
    of its own would load: its parents, its substates, and the states whose computed vars
    read its vars (so a later `get_state` of it finds them). One waiting in its parent's
    dirty set still has a delta to send, and counts as changed.
    """
    keep: set[type[BaseState]] = set()
    stack = [root]
    while stack:
        state = stack.pop()
        for name, sub in state.substates.items():
            if sub._was_touched or name in state.dirty_substates:
                keep.update(states_for(type(sub)))
            stack.append(sub)
    _prune(root, keep)


def _prune(state: BaseState, keep: set[type[BaseState]]) -> None:
    for name, sub in list(state.substates.items()):
        _prune(sub, keep)
        if type(sub) not in keep and not sub.substates:
            del state.substates[name]


class LazyStateManagerMemory(StateManagerMemory):
    """The memory manager, building each tab's states on first use and dropping unchanged ones."""

    def _get_or_create_state(self, token: StateToken[Any]) -> Any:
        """The tab's root, holding at least what an event of `token.cls` needs."""
        if not isinstance(token, BaseStateToken):
            return super()._get_or_create_state(token)
        root = self.states.get(token.cache_key)
        if root is None:
            root = self.states[token.cache_key] = token.cls.get_root_state()(
                init_substates=False, _reflex_internal_init=True
            )
        attach_states(root, states_for(token.cls))
        return root

    def modify_state(self, token: StateToken[Any], **context: Any) -> _DropAfterEvent:
        """The stock locking, with unchanged states dropped as the event ends."""
        return _DropAfterEvent(self, token)


class _DropAfterEvent(_ModifyState[Any]):
    """`modify_state`: unchanged states leave the tree before the tab's lock is released."""

    __slots__ = ()

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            root = self._manager.states.get(self._token.cache_key)
            if isinstance(root, BaseState):
                drop_unchanged(root)
        finally:
            await super().__aexit__(*exc_info)


_load_missing = BaseState._get_state_from_redis


async def _build_missing(self: BaseState, state_cls: type[S]) -> S:
    """`get_state` of a state the tree does not hold: built fresh under the lazy manager.

    Reflex reaches this only when the tree lacks `state_cls`; with Redis it loads the state,
    with the stock memory manager it cannot happen (every state is built up front).
    """
    if not isinstance(get_state_manager(), LazyStateManagerMemory):
        return await _load_missing(self, state_cls)
    root = self._get_root_state()
    attach_states(root, states_for(state_cls))
    return self._get_state_from_cache(state_cls)


# Every state class inherits this method (Reflex's root `State` defers to it); any other
# manager still gets Reflex's own.
BaseState._get_state_from_redis = _build_missing  # type: ignore[method-assign]


def use_lazy_tree(app: Any) -> None:
    """Serve `app`'s tabs from a `LazyStateManagerMemory` when it keeps states in memory."""
    if type(app.state_manager) is not StateManagerMemory:
        return
    app._state_manager = LazyStateManagerMemory()
