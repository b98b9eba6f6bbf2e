"""Garbage-collector thresholds for the app server.

A backend worker keeps every open tab's state in memory: with 1,000 tabs that is a few
hundred thousand objects. CPython's default thresholds (700, 10, 10) collect the young
generation every 700 new objects, so an event's short-lived objects, still alive while
the event awaits the database, get promoted; the old generations then fill quickly and a
full collection runs every few seconds. Each one walks every tab's state while holding the
GIL: 200-480 ms per pause at 1,000 students (measured with gc.callbacks under
benchmarks/load.py), and every event that arrives meanwhile waits.

A young generation of 50,000 objects lets an event's garbage die young. Collections are
rarer and each one is still short (a few ms), and with fewer promotions full collections
drop from about one every 10 s to about one per 150 s run. Memory stays bounded: cycles are
still collected, just in bigger batches.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS = 50_000
YOUNG_COLLECTIONS_PER_MIDDLE = 20
MIDDLE_COLLECTIONS_PER_FULL = 100


def tune_gc() -> None:
    """Apply the server's thresholds; workers forked after this inherit them."""
    gc.set_threshold(YOUNG_OBJECTS, YOUNG_COLLECTIONS_PER_MIDDLE, MIDDLE_COLLECTIONS_PER_FULL)
