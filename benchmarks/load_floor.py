"""The floor for benchmarks/load.py (issue 22): the same students against a minimal Reflex app.

Right after the LMS mix, `load.py` starts benchmarks/floor_app and sends it the same
number of students, arriving over the same ramp, with the same think times and progress
interval. Each floor student connects, sends four page views (the mix's catalog, search,
course page and lesson), then reports progress every `--progress-every` s and views the
next lesson's page when a lesson ends. A floor page view is one query for a course row and
its 20 lessons (`floor_app.state.read_page`); a floor report is one SQLite upsert. The
LMS's figures are then printed as ratios to these, measured in the same run on the same
machine: page steps against the floor page, progress against the floor report.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.progress_bench import (
    CONNECT_CONCURRENCY,
    FLOOR_DIR,
    Usage,
    client_gc_paused,
    pct,
    start_floor,
    stop_server,
    wait_until_up,
)

FLOOR_ROUTE = "/learn/[course_slug]/[lesson]"
PAGE_STEPS = ("catalog", "search", "course page", "open lesson", "(one on_load)")


def floor_names() -> dict[str, str]:
    """Full event names of the floor state's handlers."""
    sys.path.insert(0, str(FLOOR_DIR))
    from floor_app.state import ProgressState

    name = ProgressState.get_full_name()
    return {"load": f"{name}.load", "page": f"{name}.page", "report": f"{name}.report"}


@dataclass
class FloorRun:
    """What the floor students measured."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    events: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    peak_rss: int = 0

    def ok(self, step: str, ms: float) -> None:
        self.steps.setdefault(step, []).append(ms)
        self.events += 1

    def fail(self, why: str) -> None:
        self.errors += 1
        if len(self.samples) < 5:
            self.samples.append(why[:200])


@dataclass
class Plan:
    """The mix's timing, copied from load.py's arguments."""

    students: int
    duration: float
    ramp: float
    think: tuple[float, float]
    progress_every: float
    lesson_seconds: float
    lessons: int


async def _student(
    index: int,
    plan: Plan,
    base_url: str,
    names: dict[str, str],
    run: FloorRun,
    gate: asyncio.Semaphore,
) -> None:
    from benchmarks.load import Tab  # load.py imports this module; import at call time

    rng = random.Random(index)
    stop_at = time.monotonic() + plan.duration
    await asyncio.sleep(rng.uniform(0, plan.ramp))
    origin = base_url.replace("127.0.0.1", "localhost")  # the floor's allowed origin
    tab = Tab(base_url, origin)
    try:
        async with gate:
            await tab.connect()
        tab.page = (FLOOR_ROUTE, {"course_slug": "floor-course", "lesson": "1"})
        run.ok("floor load", (await tab.event(names["load"], {}))[0])
        for _ in range(4):  # catalog, search, course page, the lesson
            await asyncio.sleep(rng.uniform(*plan.think))
            run.ok("floor page", (await tab.event(names["page"], {}))[0])
        for _ in range(plan.lessons):
            position, started = 0.0, time.monotonic()
            while position < plan.lesson_seconds and time.monotonic() < stop_at:
                await asyncio.sleep(min(plan.progress_every, plan.lesson_seconds - position + 0.5))
                position = min(plan.lesson_seconds, time.monotonic() - started)
                ms, _ = await tab.event(names["report"], {"seconds": round(position, 2)})
                run.ok("floor progress", ms)
            if time.monotonic() >= stop_at:
                return
            run.ok("floor page", (await tab.event(names["page"], {}))[0])  # the next lesson
    except Exception as exc:  # every way a step can fail counts as an error
        run.fail(f"{type(exc).__name__}: {exc}")
    finally:
        await tab.close()


async def _run(plan: Plan, port: int, names: dict[str, str]) -> FloorRun:
    run = FloorRun()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    usage = Usage(port)
    usage.start()
    t0 = time.monotonic()
    base_url = f"http://127.0.0.1:{port}"
    with client_gc_paused():
        await asyncio.gather(
            *(_student(i, plan, base_url, names, run, gate) for i in range(plan.students))
        )
    run.seconds = time.monotonic() - t0
    run.cpu_s = usage.stop()
    run.peak_rss = usage.peak_rss
    return run


def run_floor(plan: Plan, port: int, logs: Path) -> FloorRun:
    """Start the floor app, send it the students, stop it."""
    db = logs / f"floor-load-{int(time.time())}.db"
    log = logs / "floor-load.log"
    names = floor_names()  # Reflex registers states in this (the main) context
    proc = start_floor(port, db, log)
    try:
        wait_until_up(f"http://localhost:{port}/", proc, log, 900)
        return asyncio.run(_run(plan, port, names))
    finally:
        stop_server(proc)


def show_floor(run: FloorRun) -> None:
    print(f"floor app, same students and timing ({run.seconds:.0f} s)")
    print(f"  {'step':<16}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for step, values in run.steps.items():
        print(
            f"  {step:<16}{len(values):>7}{pct(values, 50):>10.1f}{pct(values, 95):>10.1f}"
            f"{pct(values, 99):>10.1f}"
        )
    rate = run.events / max(run.seconds, 1e-9)
    print(
        f"  events {run.events} = {rate:.1f} ev/s; errors {run.errors}; server CPU "
        f"{run.cpu_s / max(run.seconds, 1e-9) * 100:.0f} % of a core; RSS peak "
        f"{run.peak_rss / 2**20:.0f} MiB"
    )
    for sample in run.samples:
        print(f"    error sample: {sample}")


def show_ratios(lms_steps: dict[str, list[float]], floor: FloorRun, argon2_ms: float) -> None:
    """Each LMS step's p95 against its floor, and sign-in against the hash it must make."""
    page = pct(floor.steps.get("floor page", [0.0]), 95)
    report = pct(floor.steps.get("floor progress", [0.0]), 95)
    print("ratios to the floor (p95, same run; page steps / floor page, others / floor report)")
    print(f"  {'step':<16}{'LMS p95 ms':>12}{'floor p95 ms':>14}{'ratio':>8}")
    for step, values in lms_steps.items():
        floor_p95 = page if step in PAGE_STEPS else report
        ratio = pct(values, 95) / floor_p95 if floor_p95 else float("nan")
        print(f"  {step:<16}{pct(values, 95):>12.1f}{floor_p95:>14.1f}{ratio:>8.2f}")
    if "sign in" in lms_steps:
        budget = 2 * argon2_ms + 50
        signed = pct(lms_steps["sign in"], 95)
        print(
            f"  sign in p95 {signed:.0f} ms against 2 x argon2 verify ({argon2_ms:.0f} ms) "
            f"+ 50 ms = {budget:.0f} ms: ratio {signed / budget:.2f}"
        )
