"""CPU per progress report inside one process: the LMS's event path against the floor's.

progress_bench measures through sockets, where granian, engine.io and socket.io cost as
much as the event itself and a run's noise hides changes of a tenth. This drives the same
events straight into each app's Reflex event processor (the app's own lifespan,
middleware, state manager and thread pool; no socket, and each reply is only encoded to
JSON), and reads the CPU clocks of the process and of its event-loop thread, so the split
between the loop and the worker threads shows. For the LMS it also times `run_service` and
`run_plain` (the database work of each call, in its thread).

Reports can come in bursts (`--reports K`: every tab sends its k-th report, 20 at once,
then the next round) or paced like real players (`--paced S`: every tab reports every
5 +- 0.5 s for S seconds). Paced reports cost several times the CPU of burst ones on the
same build, as each event then finds the caches cold; benchmarks/README.md, "Fifth
session", says why that is the figure to compare.

Each app runs in its own process (two Reflex apps cannot share one). The LMS uses the
caller's LMS_* variables and database (migrated and seeded with the demo, as
progress_bench leaves it); the floor, benchmarks/floor_app with a throwaway SQLite file.

    python -m benchmarks.event_cpu --tabs 500 --paced 30
    python -m benchmarks.event_cpu --tabs 200 --reports 10 --app lms

Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOOR_DIR = Path(__file__).resolve().parent / "floor_app"
COURSE = "git-and-github-essentials"
CONCURRENCY = 20  # events in flight at once in burst mode


@dataclass
class Setup:
    """One app ready to take events."""

    app: Any
    load: str
    report: str
    path: str  # the lesson's URL path
    lesson_id: int
    duration_s: float
    cookies: list[str]


def lms_setup(tabs: int) -> Setup:
    from benchmarks import progress_bench as pb
    from lms_reflex.services.accounts import sessions

    load, report = pb.lms_handler_names()
    lesson = pb.find_lesson(COURSE, None)
    students = pb.create_students(tabs, uuid.uuid4().hex[:8], lesson.course_id)
    import lms_reflex.lms_reflex as module

    cookies = [f"{sessions.cookie_name()}={token}" for _uid, token in students]
    path = f"/learn/{COURSE}/{lesson.lesson_id}"
    return Setup(module.app, load, report, path, lesson.lesson_id, lesson.duration_s, cookies)


def floor_setup(tabs: int) -> Setup:
    from benchmarks import progress_bench as pb

    load, report = pb.floor_handler_names()  # puts floor_app on sys.path
    import floor_app.floor_app as module  # type: ignore[import-not-found]
    from floor_app.state import FLOOR_SLUG, connect  # type: ignore[import-not-found]

    connect().close()  # the schema and WAL mode, before 20 threads connect at once
    app = getattr(module, "app")  # noqa: B009  (pyright cannot see into the floor app)
    return Setup(app, load, report, f"/learn/{FLOOR_SLUG}/1", 1, 120.0, [""] * tabs)


def timed_run_service() -> dict[str, float]:
    """Wrap what call_service and call_plain run in their thread with one clock."""
    import lms_reflex.db as db

    stats = {"calls": 0.0, "cpu": 0.0}

    def timed(original: Callable[..., Any]) -> Callable[..., Any]:
        def run(fn: Callable[..., Any], /, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return original(fn, **kwargs)
            finally:
                stats["calls"] += 1
                stats["cpu"] += time.thread_time() - start

        return run

    db.run_service = timed(db.run_service)  # type: ignore[assignment]
    if hasattr(db, "run_plain"):  # builds before the ninth session have none
        db.run_plain = timed(db.run_plain)  # type: ignore[assignment]
    return stats


class Driver:
    """Sends events for N tabs through the app's event processor."""

    def __init__(self, setup: Setup) -> None:
        from reflex_base.utils import format as rx_format

        self.setup = setup
        self.asgi = setup.app()
        self.tokens = [str(uuid.uuid4()) for _ in setup.cookies]
        self.route = "/" + (setup.app.router(setup.path) or "404").removeprefix("/")
        self.format = rx_format
        self.encoded = 0

    async def start(self) -> asyncio.Queue:
        """Run the app's lifespan (event processor, background tasks) until shutdown."""
        from reflex.app import _sio_dumps

        async def emit_update(update: Any, token: str) -> None:
            self.encoded += len(_sio_dumps(update))  # what the socket would have sent

        self.setup.app.event_namespace.emit_update = emit_update
        inbox: asyncio.Queue = asyncio.Queue()
        await inbox.put({"type": "lifespan.startup"})
        started = asyncio.Event()

        async def send(message: dict) -> None:
            if message["type"].startswith("lifespan.startup"):
                started.set()

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self.lifespan = asyncio.ensure_future(self.asgi(scope, inbox.get, send))
        await started.wait()
        return inbox

    def router_data(self, tab: int) -> dict[str, Any]:
        """What a browser tab on the lesson sends, plus what on_event adds from its socket."""
        query = {"course_slug": COURSE, "lesson": str(self.setup.lesson_id)}
        headers = {"cookie": self.setup.cookies[tab], "origin": "http://localhost:3000"}
        return {
            "pathname": self.route,
            "asPath": self.setup.path,
            "query": query,
            "headers": headers,
            "token": self.tokens[tab],
            "sid": f"sid-{self.tokens[tab]}",
            "ip": "127.0.0.1",
        }

    async def fire(self, tab: int, name: str, payload: dict[str, Any]) -> None:
        from reflex.event import Event

        event = Event(name=name, payload=payload, router_data=self.router_data(tab))
        processor = self.setup.app.event_processor
        await (await processor.enqueue(self.tokens[tab], event))

    async def open_tabs(self) -> None:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(tab: int, name: str) -> None:
            async with gate:
                await self.fire(tab, name, {})

        tabs = range(len(self.tokens))
        await asyncio.gather(*(one(t, "reflex___state____state.hydrate") for t in tabs))
        await asyncio.gather(*(one(t, self.setup.load) for t in tabs))

    def position(self, tab: int, k: int) -> float:
        return round((tab * 0.37 + k * 5.0) % max(self.setup.duration_s, 1.0), 2)

    async def bursts(self, rounds: int) -> int:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(tab: int, k: int) -> None:
            async with gate:
                await self.fire(tab, self.setup.report, {"seconds": self.position(tab, k)})

        for k in range(1, rounds + 1):
            await asyncio.gather(*(one(t, k) for t in range(len(self.tokens))))
        return rounds * len(self.tokens)

    async def paced(self, seconds: float) -> int:
        sent = 0
        end = time.perf_counter() + seconds

        async def player(tab: int) -> None:
            nonlocal sent
            await asyncio.sleep(random.uniform(0, 5))
            k = 0
            while time.perf_counter() < end:
                k += 1
                await self.fire(tab, self.setup.report, {"seconds": self.position(tab, k)})
                sent += 1
                await asyncio.sleep(random.uniform(4.5, 5.5))

        await asyncio.gather(*(player(t) for t in range(len(self.tokens))))
        return sent


async def measure(args: argparse.Namespace) -> None:
    setup = lms_setup(args.tabs) if args.app == "lms" else floor_setup(args.tabs)
    stats = timed_run_service() if args.app == "lms" else None
    driver = Driver(setup)
    inbox = await driver.start()
    await driver.open_tabs()
    if stats is not None:
        stats.update(calls=0.0, cpu=0.0)
    encoded_before = driver.encoded
    cpu, loop = time.process_time(), time.thread_time()
    sent = await (driver.paced(args.paced) if args.paced else driver.bursts(args.reports))
    cpu, loop = time.process_time() - cpu, time.thread_time() - loop
    per = 1000 / max(sent, 1)
    line = (
        f"{args.app:5s} {sent:6d} reports  CPU {cpu * per:6.3f} ms/report  "
        f"event loop {loop * per:6.3f}  other threads {(cpu - loop) * per:6.3f}  "
        f"reply {(driver.encoded - encoded_before) / max(sent, 1):6.0f} B"
    )
    if stats is not None and stats["calls"]:
        line += f"  run_service {1000 * stats['cpu'] / stats['calls']:6.3f} ms/call"
    print(line, flush=True)
    await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(driver.lifespan, 30)


def run_one(args: argparse.Namespace) -> None:
    if args.app == "floor":
        os.environ.setdefault("FLOOR_DB", str(Path(tempfile.mkdtemp()) / "floor.db"))
        os.chdir(FLOOR_DIR)
    sys.path.insert(0, str(ROOT))
    asyncio.run(measure(args))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--app", choices=["lms", "floor", "both"], default="both")
    parser.add_argument("--tabs", type=int, default=500)
    parser.add_argument("--reports", type=int, default=10, help="burst rounds (without --paced)")
    parser.add_argument("--paced", type=float, default=0.0, help="seconds of paced reporting")
    parser.add_argument("--runs", type=int, default=1, help="alternate the apps this many times")
    args = parser.parse_args()
    if args.app != "both":
        run_one(args)
        return
    flags = ["--tabs", str(args.tabs), "--reports", str(args.reports), "--paced", str(args.paced)]
    print(f"machine: {os.cpu_count()} CPUs; {args.tabs} tabs", flush=True)
    for _ in range(args.runs):
        for app in ("lms", "floor"):
            command = [sys.executable, "-m", "benchmarks.event_cpu", "--app", app, *flags]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            lines = [x for x in done.stdout.splitlines() if x.startswith(app)]
            print(lines[-1] if lines else f"{app}: failed\n{done.stderr[-2000:]}", flush=True)


if __name__ == "__main__":
    main()
