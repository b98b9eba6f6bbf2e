"""The server's GC thresholds: applied by the app, and they keep full collections rare."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections import Counter, deque
from collections.abc import Iterator

import pytest

from lms_reflex import gc_tuning

TUNED = (
    gc_tuning.YOUNG_OBJECTS,
    gc_tuning.YOUNG_COLLECTIONS_PER_MIDDLE,
    gc_tuning.MIDDLE_COLLECTIONS_PER_FULL,
)


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def collections_under_load(threshold: tuple[int, int, int]) -> Counter[int]:
    """Collections per generation while a server-like heap takes events.

    200,000 long-lived objects stand for the open tabs' state. Each of 3,000 events makes
    300 objects that live while the next 20 events run (a handler awaiting the database)
    and then become cyclic garbage, as coroutine frames and state trees do, which only a
    collection frees.
    """
    tabs = [{"tab": i} for i in range(200_000)]
    gc.collect()
    seen: Counter[int] = Counter()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen[info["generation"]] += 1

    gc.set_threshold(*threshold)
    gc.callbacks.append(count)
    try:
        in_flight: deque[dict[str, object]] = deque()
        for event in range(3_000):
            handler: dict[str, object] = {"event": event}
            handler["objects"] = [{"handler": handler, "n": n} for n in range(300)]
            in_flight.append(handler)
            if len(in_flight) > 20:
                in_flight.popleft()
    finally:
        gc.callbacks.remove(count)
    del tabs
    return seen


def test_importing_the_app_applies_the_server_thresholds() -> None:
    # A fresh interpreter: this one may have imported the app already.
    code = "import gc, lms_reflex.lms_reflex; print(list(gc.get_threshold()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == list(TUNED)


def test_tuned_thresholds_keep_full_collections_rare(restore_gc: None) -> None:
    default = collections_under_load((700, 10, 10))
    tuned = collections_under_load(TUNED)

    assert default[2] >= 4, default  # the pauses the tuning is for
    assert tuned[2] == 0, tuned
    assert tuned[0] < default[0] / 20, (tuned, default)
