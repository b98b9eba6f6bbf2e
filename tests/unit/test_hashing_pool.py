"""Password hashing runs in its own small pool, so sign-in bursts cannot take every core."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

from sqlmodel import Session

from lms_reflex import db

marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="")


async def test_at_most_hashing_slots_run_at_once_and_the_context_goes_along(settings_env) -> None:
    settings_env()
    lock, running, peak, seen = threading.Lock(), [0], [0], []

    def slow_service(*, session: Session, n: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        seen.append((threading.current_thread().name, marker.get()))
        with lock:
            running[0] -= 1
        return n * 2

    marker.set("from the event")
    calls = [db.call_hashing_service(slow_service, n=n) for n in range(db.HASHING_SLOTS + 3)]
    assert await asyncio.gather(*calls) == [n * 2 for n in range(db.HASHING_SLOTS + 3)]
    assert peak[0] == db.HASHING_SLOTS
    assert all(name.startswith("argon2") and value == "from the event" for name, value in seen)
