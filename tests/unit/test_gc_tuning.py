"""The server's GC thresholds: applied by the app, and they keep full collections rare."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections import Counter, deque

from lms_reflex import gc_tuning

TUNED = (
    gc_tuning.YOUNG_OBJECTS,
    gc_tuning.YOUNG_COLLECTIONS_PER_MIDDLE,
    gc_tuning.MIDDLE_COLLECTIONS_PER_FULL,
)


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


def collections_in_a_fresh_interpreter(threshold: tuple[int, int, int]) -> Counter[int]:
    """`collections_under_load` where the heap holds only the simulation.

    A full collection waits until the objects awaiting it reach a quarter of the long-lived
    ones, so the suite's own heap (every module its earlier tests imported) would decide the
    count instead of the thresholds.
    """
    code = (
        "import json, sys; from tests.unit.test_gc_tuning import collections_under_load; "
        f"print(json.dumps(collections_under_load({threshold!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    return Counter({int(generation): n for generation, n in counts.items()})


def test_tuned_thresholds_keep_full_collections_rare() -> None:
    default = collections_in_a_fresh_interpreter((700, 10, 10))
    tuned = collections_in_a_fresh_interpreter(TUNED)

    assert default[2] >= 4, default  # the pauses the tuning is for
    assert tuned[2] == 0, tuned
    assert tuned[0] < default[0] / 20, (tuned, default)
