"""Progress events under load: N signed-in students reporting their position every 5 s.

Each simulated student is a python-socketio AsyncClient speaking Reflex's event protocol
over the websocket, with its own session cookie: it sends PlayerState.load for a lesson,
then PlayerState.report(seconds=...) every `--interval` s (± `--jitter`) for `--duration` s.
The same load then goes to a minimal Reflex app (benchmarks/floor_app: one state, one
SQLite upsert per report, memory state manager), and the ratio LMS / floor is printed.

Round trip = emit to the reply that carries this event's update. A report changes no var
the browser sees, so Reflex sends nothing back for it; every event therefore carries a
unique marker in its router_data query (?m=<hex>), which changes the router vars, so the
reply to exactly this event contains the marker. (No second event, no extra query.)

Students are created straight in the LMS database (users.create_user with one
precomputed password hash, enroll_student, create_session), named bench-<run>-<i>, so
runs never collide. After each run the database is checked: one progress row per
student, holding the furthest acknowledged position (the floor app keeps the last one).

By default the script starts and stops both servers itself, one at a time, so the idle
one costs nothing: the LMS from `--lms-dir` (migrate, seed-demo when empty, `python -m
lms_reflex.serve`) with the LMS_* variables of the caller (LMS_BASE_URL names its port), and
the floor app from benchmarks/floor_app on `--floor-port`.

    LMS_BASE_URL=http://localhost:3300 LMS_DATA_DIR=... LMS_DATABASE_URL=sqlite:///... \\
    python -m benchmarks.progress_bench --clients 100,500,1000 --duration 60

Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import socketio

ROOT = Path(__file__).resolve().parents[1]
FLOOR_DIR = Path(__file__).resolve().parent / "floor_app"
NAMESPACE = "/_event"
REPLY_TIMEOUT_S = 30.0
ANY_REPLY = "*"  # Student.pending key of an unmarked event: the next message answers it
CONNECT_CONCURRENCY = 25
BENCH_PASSWORD = "Bench-progress-2024!x"  # throwaway accounts in a bench database


# ------------------------------------------------------------------------------ targets


@dataclass
class Target:
    """One server under test and how to talk to it."""

    label: str
    base_url: str
    load_event: str
    report_event: str
    slug: str
    lesson_id: int
    duration_s: float
    cookies: list[str]  # one Cookie header per client ('' for none)

    @property
    def path(self) -> str:
        return f"/learn/{self.slug}/{self.lesson_id}"


def lms_handler_names() -> tuple[str, str]:
    import lms_reflex.lms_reflex  # noqa: F401  (registers every state)
    from lms_reflex.state.learning.player import PlayerState

    name = PlayerState.get_full_name()
    return f"{name}.load", f"{name}.report"


def floor_handler_names() -> tuple[str, str]:
    sys.path.insert(0, str(FLOOR_DIR))
    from floor_app.state import ProgressState

    name = ProgressState.get_full_name()
    return f"{name}.load", f"{name}.report"


# ------------------------------------------------------------------------------ LMS data


@dataclass
class LmsLesson:
    course_id: int
    lesson_id: int
    duration_s: int


def find_lesson(slug: str, lesson_id: int | None) -> LmsLesson:
    """The lesson to watch: the given one, or the course's first non-preview lesson."""
    from sqlmodel import col, select

    from lms_reflex.db import session_scope
    from lms_reflex.models import Course, Lesson, Section

    with session_scope(readonly=True) as session:
        query = (
            select(Course.id, Lesson.id, Lesson.duration_s, Lesson.is_preview)
            .join(Section, col(Section.course_id) == col(Course.id))
            .join(Lesson, col(Lesson.section_id) == col(Section.id))
            .where(Course.slug == slug)
            .order_by(col(Section.position), col(Lesson.position), col(Lesson.id))
        )
        rows = session.exec(query).all()
    for course_id, lid, duration, preview in rows:
        if (lesson_id is None and not preview) or lid == lesson_id:
            return LmsLesson(course_id, lid, duration)
    raise SystemExit(f"error: no suitable lesson in course {slug!r}")


def create_students(count: int, tag: str, course_id: int) -> list[tuple[int, str]]:
    """`count` verified students enrolled in the course, each with a session token.

    create_user hashes with argon2 on purpose (slow); here every account gets the same
    precomputed hash, so a thousand accounts take seconds.
    """
    from lms_reflex.db import session_scope
    from lms_reflex.services.accounts import sessions, users
    from lms_reflex.services.accounts.passwords import hash_password
    from lms_reflex.services.actor import load_actor
    from lms_reflex.services.learning import enrollment

    hashed = hash_password(BENCH_PASSWORD)
    original = users.hash_password
    users.hash_password = lambda _password: hashed
    out = []
    try:
        with session_scope() as session:
            for i in range(count):
                uid = users.create_user(
                    session=session,
                    email=f"bench-{tag}-{i}@bench.example.org",
                    password=BENCH_PASSWORD,
                    role="student",
                    first_name="Bench",
                    last_name=f"Student {i}",
                    verified=True,
                )
                actor = load_actor(session, uid)
                enrollment.enroll_student(session=session, actor=actor, course_id=course_id)
                token = sessions.create_session(
                    session=session, user_id=uid, ip="127.0.0.1", user_agent="progress_bench"
                )
                out.append((uid, token))
    finally:
        users.hash_password = original
    return out


def lms_stored_positions(user_ids: list[int], lesson_id: int) -> dict[int, float]:
    from sqlmodel import col, select

    from lms_reflex.db import session_scope
    from lms_reflex.models import LessonProgress

    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(LessonProgress.user_id, LessonProgress.position_s).where(
                col(LessonProgress.user_id).in_(user_ids), LessonProgress.lesson_id == lesson_id
            )
        ).all()
    return {uid: pos for uid, pos in rows}


def floor_stored_positions(db: Path, tokens: list[str], lesson_id: int) -> dict[str, float]:
    conn = sqlite3.connect(db)
    try:
        wanted = set(tokens)
        rows = conn.execute(
            "SELECT token, position FROM progress WHERE lesson = ?", (lesson_id,)
        ).fetchall()
    finally:
        conn.close()
    return {tok: pos for tok, pos in rows if tok in wanted}


# ------------------------------------------------------------------------------ servers


def port_of(url: str) -> int:
    from urllib.parse import urlsplit

    return urlsplit(url).port or 80


def wait_until_up(url: str, proc: subprocess.Popen | None, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"error: server exited early, see {log}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"error: {url} did not answer within {timeout:.0f} s (log: {log})")


def reflex_binary() -> str:
    return shutil.which("reflex", path=str(Path(sys.executable).parent)) or "reflex"


def start_server(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(proc: subprocess.Popen | None) -> None:
    """End the server and its workers (they share its process group)."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# The README's server: pages built by a child process, then granian's workers
# (lms_reflex/serve.py). The floor app runs as `reflex run --env prod`.
LMS_COMMAND = [sys.executable, "-m", "lms_reflex.serve"]


def start_lms(lms_dir: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    py = sys.executable
    subprocess.run([py, "-m", "lms_reflex", "migrate"], cwd=lms_dir, env=env, check=True)
    empty = subprocess.run([py, "-m", "lms_reflex", "is-empty"], cwd=lms_dir, env=env)
    if empty.returncode == 0:
        subprocess.run(
            [py, "-m", "lms_reflex", "seed-demo"],
            cwd=lms_dir,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return start_server(LMS_COMMAND, lms_dir, env, log)


def start_floor(port: int, db: Path, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "REFLEX_STATE"))}
    env.update({"FLOOR_PORT": str(port), "FLOOR_DB": str(db)})
    return start_server([reflex_binary(), "run", "--env", "prod"], FLOOR_DIR, env, log)


def server_processes(port: int) -> list[psutil.Process]:
    """The processes listening on `port`, their children, and their server parents.

    The kernel names one process per listening socket, so the parent (the reflex CLI or
    lms_reflex.serve that supervises granian, or nginx's master) and all its children are
    added.
    """
    found: dict[int, psutil.Process] = {}
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            with contextlib.suppress(psutil.Error):
                found[conn.pid] = psutil.Process(conn.pid)
    for proc in list(found.values()):
        with contextlib.suppress(psutil.Error):
            for child in proc.children(recursive=True):
                found[child.pid] = child
            parent = proc.parent()
            while parent is not None and any(
                word in " ".join(parent.cmdline()) for word in ("reflex", "granian", "nginx")
            ):
                found[parent.pid] = parent
                for child in parent.children(recursive=True):
                    found.setdefault(child.pid, child)
                parent = parent.parent()
    return list(found.values())


@contextlib.contextmanager
def client_gc_paused() -> Iterator[None]:
    """Keep the load generator's own garbage collector out of the measured round trips.

    With 1,000 clients its full collections took 200-250 ms every few seconds (seen with
    gc.callbacks), and every reply that arrived meanwhile waited for it: the pause was
    counted as server latency. The runs are minutes long; the cycles left are freed after.
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
        gc.collect()


class Usage:
    """CPU seconds and RSS of a server's processes between start() and stop().

    The process set is refreshed every second (children of the processes found at the
    start), so a worker that the server restarts mid-run is counted, and reported.
    """

    def __init__(self, port: int) -> None:
        self.procs = {p.pid: p for p in server_processes(port)}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.started = False
        self.new_processes = 0
        self.peak_rss = 0
        self._sampler: asyncio.Task | None = None

    def _refresh(self) -> None:
        for proc in list(self.procs.values()):
            with contextlib.suppress(psutil.Error):
                for child in proc.children(recursive=True):
                    if child.pid not in self.procs:
                        self.procs[child.pid] = child
        for pid, proc in self.procs.items():
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                self.last[pid] = times.user + times.system
                if pid not in self.first:
                    self.first[pid] = self.last[pid] if not self.started else 0.0
                    self.new_processes += self.started

    def pss(self) -> int:
        """Memory counted once: pages a worker shares with its parent split between them."""
        total = 0
        for proc in self.procs.values():
            with contextlib.suppress(psutil.Error):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    total += proc.memory_full_info().pss
        return total

    def rss(self) -> int:
        total = 0
        for proc in self.procs.values():
            with contextlib.suppress(psutil.Error):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    total += proc.memory_info().rss
        return total

    async def _sample(self) -> None:
        while True:
            self._refresh()
            self.peak_rss = max(self.peak_rss, self.rss())
            await asyncio.sleep(1)

    def start(self) -> None:
        self.first, self.last, self.new_processes = {}, {}, 0
        self._refresh()
        self.started = True
        self._sampler = asyncio.create_task(self._sample())

    def cpu_now(self) -> float:
        """CPU seconds the server's processes have used so far (for `settle`)."""
        self._refresh()
        return sum(self.last.values())

    def stop(self) -> float:
        """CPU seconds used since start()."""
        if self._sampler:
            self._sampler.cancel()
        self._refresh()
        self.peak_rss = max(self.peak_rss, self.rss())
        return sum(self.last[pid] - self.first.get(pid, 0.0) for pid in self.last)


# ------------------------------------------------------------------------------ clients


@dataclass
class Student:
    """One simulated browser tab."""

    index: int
    cookie: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    sio: socketio.AsyncClient | None = None
    pending: dict[str, tuple[float, asyncio.Future]] = field(default_factory=dict)
    last_acked: float | None = None
    furthest_acked: float | None = None
    acked: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    label: str
    clients: int
    connected: int
    load_ms: list[float]
    report_ms: list[float]
    sent: int
    errors: int
    window_s: float
    cpu_s: float
    pss_before: int
    rss_before: int
    rss_after: int
    rss_peak: int
    bench_cpu_s: float
    stored_ok: int = 0
    rows: int = 0
    new_processes: int = 0
    error_samples: list[str] = field(default_factory=list)
    browser: bool = False  # --browser-reports: reports sent as a browser does, no replies

    @property
    def events(self) -> int:
        """Reports the CPU figures divide by: acknowledged ones, or all sent (--browser-reports)."""
        return self.sent if self.browser else len(self.report_ms)

    @property
    def events_per_s(self) -> float:
        return self.events / self.window_s if self.window_s else 0.0


def router_data(target: Target, marker: str | None) -> dict[str, Any]:
    """What the tab says about its page. A browser sends the same for every event on a page;
    a marker in the query makes each event's reply findable (see "How they measure")."""
    query = {"course_slug": target.slug, "lesson": str(target.lesson_id)}
    if marker is None:
        return {"pathname": target.path, "asPath": target.path, "query": query}
    path = f"{target.path}?m={marker}"
    return {"pathname": target.path, "asPath": path, "query": {**query, "m": marker}}


def reply_error(data: Any) -> str | None:
    """A toast or alert the server sent back for an event, if it looks like an error."""
    events = data.get("events") if isinstance(data, dict) else None
    if not events:
        return None
    text = json.dumps(events)
    if "error" in text.lower() or "alert" in text.lower():
        return text[:300]
    return None


async def connect(student: Student, target: Target) -> None:
    sio = socketio.AsyncClient(reconnection=False)

    @sio.on("event", namespace=NAMESPACE)
    async def on_event(data: Any) -> None:
        if not student.pending:
            return
        if ANY_REPLY in student.pending:  # a load sent with browser router data: one at a time
            start, fut = student.pending.pop(ANY_REPLY)
            if not fut.done():
                fut.set_result((time.perf_counter() - start, reply_error(data)))
            return
        text = json.dumps(data)
        for marker in list(student.pending):
            if marker in text:
                start, fut = student.pending.pop(marker)
                if not fut.done():
                    fut.set_result((time.perf_counter() - start, reply_error(data)))

    headers = {"Origin": target.base_url}
    if student.cookie:
        headers["Cookie"] = student.cookie
    await sio.connect(
        f"{target.base_url}?token={student.token}",
        socketio_path="/_event",
        namespaces=[NAMESPACE],
        transports=["websocket"],
        headers=headers,
        wait_timeout=30,
    )
    student.sio = sio


def count_error(student: Student, name: str, exc: BaseException) -> None:
    """One failed event of `name`; the first three kept as samples."""
    student.errors += 1
    if len(student.error_samples) < 3:
        student.error_samples.append(f"{name.rsplit('.', 1)[-1]}: {type(exc).__name__}")


async def send(
    student: Student, target: Target, name: str, payload: dict, *, marked: bool = True
) -> float | None:
    """Emit one event and wait for its reply; the round trip in ms, or None on failure.

    Unmarked, the event carries a browser's router data and the next message is its reply.
    """
    assert student.sio is not None
    marker = uuid.uuid4().hex if marked else None
    fut: asyncio.Future = asyncio.get_running_loop().create_future()
    student.pending[marker or ANY_REPLY] = (time.perf_counter(), fut)
    try:
        await student.sio.emit(
            "event",
            {"name": name, "payload": payload, "router_data": router_data(target, marker)},
            namespace=NAMESPACE,
        )
        seconds, error = await asyncio.wait_for(fut, REPLY_TIMEOUT_S)
    except (TimeoutError, socketio.exceptions.SocketIOError) as exc:
        student.pending.pop(marker or ANY_REPLY, None)
        count_error(student, name, exc)
        return None
    if error is not None:
        student.errors += 1
        if len(student.error_samples) < 3:
            student.error_samples.append(error)
        return None
    return seconds * 1000


async def fire(student: Student, target: Target, name: str, payload: dict) -> None:
    """Emit one event as a browser does, and wait for nothing: a report that changes nothing
    on screen gets no reply from Reflex, and the browser waits for none."""
    assert student.sio is not None
    data = {"name": name, "payload": payload, "router_data": router_data(target, None)}
    try:
        await student.sio.emit("event", data, namespace=NAMESPACE)
    except socketio.exceptions.SocketIOError as exc:
        count_error(student, name, exc)


def position(index: int, k: int, duration: float, interval: float) -> float:
    """The k-th playhead of a student: a video looping over the lesson, never past its end."""
    return round((index * 0.37 + k * interval) % max(duration, 1.0), 2)


async def report_loop(
    student: Student,
    target: Target,
    args: argparse.Namespace,
    stop_at: float,
    out: list[float],
    counters: dict[str, int],
) -> None:
    rng = random.Random(student.index)
    await asyncio.sleep(rng.uniform(0, args.interval))  # spread the clients over a period
    k = 0
    while time.monotonic() < stop_at:
        pos = position(student.index, k, target.duration_s, args.interval)
        counters["sent"] += 1
        if args.browser_reports:
            await fire(student, target, target.report_event, {"seconds": pos})
            ms = None
            student.last_acked, student.furthest_acked = pos, max(pos, student.furthest_acked or 0)
        else:
            ms = await send(student, target, target.report_event, {"seconds": pos})
        if ms is not None:
            out.append(ms)
            student.last_acked = pos
            student.furthest_acked = max(pos, student.furthest_acked or 0.0)
            student.acked += 1
        k += 1
        await asyncio.sleep(max(0.0, args.interval + rng.uniform(-args.jitter, args.jitter)))


async def settle(usage: Usage, limit_s: float) -> float:
    """Wait until the server is quiet; returns the seconds waited.

    An acknowledged load is not the end of a page's loading: the LMS player's `load`
    chains five more events (quiz, notes, captions, questions, announcements) that the
    server runs after the reply. Without this wait the first reports queue behind the
    ones still running, and the window's CPU counts them as report CPU. Quiet means two
    seconds in a row under 10 % of a core (the sockets' pings stay below that).
    """
    start, quiet = time.monotonic(), 0
    before = usage.cpu_now()
    while quiet < 2 and time.monotonic() - start < limit_s:
        await asyncio.sleep(1)
        now = usage.cpu_now()
        quiet = quiet + 1 if now - before < 0.1 else 0
        before = now
    return time.monotonic() - start


async def run_load(
    target: Target, args: argparse.Namespace, usage: Usage
) -> tuple[RunResult, list[Student]]:
    students = [Student(i, cookie) for i, cookie in enumerate(target.cookies)]
    rss_before, pss_before = usage.rss(), usage.pss()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    load_ms: list[float] = []
    connect_failures: list[str] = []

    async def join(student: Student) -> None:
        async with gate:
            try:
                await connect(student, target)
            except Exception as exc:  # count every way a connect can fail
                connect_failures.append(f"connect: {type(exc).__name__}: {exc}"[:200])
                return
            marked = not args.browser_reports
            ms = await send(student, target, target.load_event, {}, marked=marked)
            if ms is not None:
                load_ms.append(ms)

    start, cpu_before_loads = time.perf_counter(), usage.cpu_now()
    await asyncio.gather(*(join(s) for s in students))
    live = [s for s in students if s.sio is not None and s.sio.connected]
    print(
        f"  {target.label}: {len(live)}/{len(students)} connected and loaded in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )
    if args.settle_s > 0:
        waited = await settle(usage, args.settle_s)
        print(f"  {target.label}: server quiet after {waited:.1f} s more", flush=True)
        loads_cpu = usage.cpu_now() - cpu_before_loads
        print(
            f"  {target.label}: server CPU for the connects and loads {loads_cpu:.1f} s "
            f"({1000 * loads_cpu / max(len(live), 1):.1f} ms per student, the quiet seconds "
            "included)",
            flush=True,
        )
    report_ms: list[float] = []
    counters = {"sent": 0}
    me = psutil.Process()
    bench0 = sum(me.cpu_times()[:2])
    usage.start()
    t0 = time.monotonic()
    stop_at = t0 + args.duration
    with client_gc_paused():
        await asyncio.gather(
            *(report_loop(s, target, args, stop_at, report_ms, counters) for s in live)
        )
    window = time.monotonic() - t0
    if args.browser_reports:  # no replies: count the CPU of the reports still being handled
        await settle(usage, 30)
    cpu = usage.stop()
    bench_cpu = sum(me.cpu_times()[:2]) - bench0
    rss_after = usage.rss()
    await asyncio.gather(*(s.sio.disconnect() for s in live), return_exceptions=True)
    samples = connect_failures[:3] + [e for s in students for e in s.error_samples][:5]
    return RunResult(
        label=target.label,
        clients=len(students),
        connected=len(live),
        load_ms=load_ms,
        report_ms=report_ms,
        sent=counters["sent"],
        errors=len(connect_failures) + sum(s.errors for s in students),
        window_s=window,
        cpu_s=cpu,
        pss_before=pss_before,
        rss_before=rss_before,
        rss_after=rss_after,
        rss_peak=usage.peak_rss,
        bench_cpu_s=bench_cpu,
        new_processes=usage.new_processes,
        error_samples=samples,
        browser=args.browser_reports,
    ), students


# ------------------------------------------------------------------------------ report


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def show(r: RunResult) -> None:
    mb = 1024 * 1024
    ms = r.report_ms
    print(
        f"  {r.label:<5} N={r.clients:<5} reports {len(ms):>6}/{r.sent:<6} "
        f"p50 {pct(ms, 50):7.1f} ms  p95 {pct(ms, 95):7.1f} ms  p99 {pct(ms, 99):7.1f} ms  "
        f"{r.events_per_s:6.1f} ev/s  errors {r.errors}"
    )
    print(
        f"        server CPU {100 * r.cpu_s / r.window_s:5.1f} % of a core "
        f"({1000 * r.cpu_s / max(r.events, 1):.2f} ms/event)  "
        f"RSS {r.rss_before / mb:.0f} -> {r.rss_after / mb:.0f} MiB (peak {r.rss_peak / mb:.0f}, "
        f"{(r.rss_after - r.rss_before) / 1024 / max(r.connected, 1):.0f} KiB/client; "
        f"idle PSS {r.pss_before / mb:.0f} MiB)  "
        f"load p50 {pct(r.load_ms, 50):.1f} ms p95 {pct(r.load_ms, 95):.1f} ms  "
        f"bench client CPU {100 * r.bench_cpu_s / r.window_s:.0f} %"
    )
    print(
        f"        stored: {r.rows} progress rows for {r.connected} students; "
        f"{r.stored_ok} hold the furthest (LMS) or last (floor) acknowledged position"
    )
    if r.new_processes:
        print(f"        {r.new_processes} server process(es) started during the run")
    for sample in r.error_samples:
        print(f"        error sample: {sample}")


def check_lms(result: RunResult, students: list[Student], uids: list[int], lesson: int) -> None:
    stored = lms_stored_positions(uids, lesson)
    result.rows = len(stored)
    result.stored_ok = sum(
        1
        for s, uid in zip(students, uids, strict=True)
        # The LMS keeps the furthest position reached (issue 6), not the latest one.
        if s.furthest_acked is not None and abs(stored.get(uid, -1.0) - s.furthest_acked) < 1e-6
    )


def check_floor(result: RunResult, students: list[Student], db: Path, lesson: int) -> None:
    stored = floor_stored_positions(db, [s.token for s in students], lesson)
    result.rows = len(stored)
    result.stored_ok = sum(
        1
        for s in students
        if s.last_acked is not None and abs(stored.get(s.token, -1.0) - s.last_acked) < 1e-6
    )


# ------------------------------------------------------------------------------ main


async def bench_lms(
    n: int, args: argparse.Namespace, lesson: LmsLesson, names: tuple[str, str]
) -> RunResult:
    from lms_reflex.services.accounts.sessions import cookie_name
    from lms_reflex.settings import get_settings

    tag = f"{int(time.time())}-{n}"
    start = time.perf_counter()
    pairs = await asyncio.to_thread(create_students, n, tag, lesson.course_id)
    print(f"  created {n} students in {time.perf_counter() - start:.1f} s", flush=True)
    target = Target(
        label="LMS",
        base_url=get_settings().base_url.rstrip("/"),
        load_event=names[0],
        report_event=names[1],
        slug=args.course,
        lesson_id=lesson.lesson_id,
        duration_s=lesson.duration_s,
        cookies=[f"{cookie_name()}={token}" for _, token in pairs],
    )
    usage = Usage(port_of(target.base_url))
    result, students = await run_load(target, args, usage)
    await asyncio.sleep(1)
    check_lms(result, students, [uid for uid, _ in pairs], lesson.lesson_id)
    return result


async def bench_floor(
    n: int, args: argparse.Namespace, lesson: LmsLesson, names: tuple[str, str], db: Path
) -> RunResult:
    target = Target(
        label="floor",
        base_url=f"http://localhost:{args.floor_port}",
        load_event=names[0],
        report_event=names[1],
        slug=args.course,
        lesson_id=lesson.lesson_id,
        duration_s=lesson.duration_s,
        cookies=[""] * n,
    )
    usage = Usage(args.floor_port)
    result, students = await run_load(target, args, usage)
    await asyncio.sleep(1)
    check_floor(result, students, db, lesson.lesson_id)
    return result


def main() -> None:  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,500,1000", help="comma-separated N values")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of reporting")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--jitter", type=float, default=0.5)
    parser.add_argument("--course", default="git-and-github-essentials")
    parser.add_argument("--lesson", type=int, default=None, help="default: first non-preview")
    parser.add_argument("--lms-dir", type=Path, default=ROOT, help="where to run the LMS")
    parser.add_argument("--floor-port", type=int, default=3310)
    parser.add_argument("--floor-db", type=Path, default=None, help="default: a temp file")
    parser.add_argument(
        "--no-start",
        action="store_true",
        help="use servers already running (LMS at LMS_BASE_URL, floor at --floor-port)",
    )
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument(
        "--settle-s",
        type=float,
        default=120.0,
        help="wait up to this long after the loads for the server to go quiet (0: start at once)",
    )
    parser.add_argument(
        "--browser-reports",
        action="store_true",
        help="send reports with a browser's router data and wait for no reply: CPU per event "
        "only (no round trip is measured, as Reflex replies to none)",
    )
    parser.add_argument("--logs", type=Path, default=Path("/tmp/progress_bench_logs"))
    args = parser.parse_args()

    from lms_reflex.settings import get_settings

    settings = get_settings()
    counts = [int(x) for x in args.clients.split(",") if x.strip()]
    args.logs.mkdir(parents=True, exist_ok=True)
    floor_db = args.floor_db or args.logs / f"floor-{os.getpid()}.db"
    lms_names, floor_names = lms_handler_names(), floor_handler_names()
    print(
        f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
        f"LMS {settings.base_url} ({settings.database_url}); floor port {args.floor_port}; "
        f"{args.duration:.0f} s per run, a report every {args.interval:g} ± {args.jitter:g} s",
        flush=True,
    )
    results: list[tuple[RunResult, RunResult | None]] = []
    lms_proc = floor_proc = None
    lms_url = settings.base_url.rstrip("/")
    try:
        if not args.no_start:
            lms_proc = start_lms(args.lms_dir, args.logs / "lms.log")
            wait_until_up(f"{lms_url}/api/health", lms_proc, args.logs / "lms.log", 900)
            wait_until_up(f"{lms_url}/", lms_proc, args.logs / "lms.log", 120)
        lesson = find_lesson(args.course, args.lesson)
        print(
            f"lesson {lesson.lesson_id} of {args.course} ({lesson.duration_s} s long)", flush=True
        )
        lms_results = []
        for n in counts:
            print(f"LMS, N={n}", flush=True)
            lms_results.append(asyncio.run(bench_lms(n, args, lesson, lms_names)))
            show(lms_results[-1])
            if not args.no_start:  # a fresh server per N: RSS and state start from zero
                stop_server(lms_proc)
                if n != counts[-1]:
                    log = args.logs / f"lms-after-{n}.log"
                    lms_proc = start_server(
                        LMS_COMMAND,
                        args.lms_dir,
                        dict(os.environ),
                        log,
                    )
                    wait_until_up(f"{lms_url}/api/health", lms_proc, log, 900)
        floor_results: list[RunResult | None] = [None] * len(counts)
        if not args.skip_floor:
            for i, n in enumerate(counts):
                if not args.no_start:
                    floor_proc = start_floor(args.floor_port, floor_db, args.logs / "floor.log")
                    wait_until_up(
                        f"http://localhost:{args.floor_port}/",
                        floor_proc,
                        args.logs / "floor.log",
                        900,
                    )
                print(f"floor, N={n}", flush=True)
                floor_results[i] = asyncio.run(bench_floor(n, args, lesson, floor_names, floor_db))
                show(floor_results[i])
                stop_server(floor_proc)
                floor_proc = None
        results = list(zip(lms_results, floor_results, strict=True))
    finally:
        stop_server(lms_proc)
        stop_server(floor_proc)
    print("\nsummary (report round trip; ratio = LMS / floor)")
    print(
        f"{'N':>6} {'p50 ms':>14} {'p95 ms':>14} {'p99 ms':>14} {'ev/s':>12} "
        f"{'CPU % core':>13} {'RSS MiB':>11} {'errors':>8} {'stored':>12}"
    )
    for lms, floor in results:
        for r in (lms, floor):
            if r is None:
                continue
            print(
                f"{r.label + ' ' + str(r.clients):>12} {pct(r.report_ms, 50):8.1f} "
                f"{pct(r.report_ms, 95):14.1f} {pct(r.report_ms, 99):14.1f} "
                f"{r.events_per_s:12.1f} {100 * r.cpu_s / r.window_s:13.1f} "
                f"{r.rss_after / 2**20:11.0f} {r.errors:8d} {r.stored_ok:>6}/{r.connected:<5}"
            )
        if floor is not None and floor.report_ms:
            print(
                f"{'ratio':>12} {pct(lms.report_ms, 50) / pct(floor.report_ms, 50):8.2f} "
                f"{pct(lms.report_ms, 95) / pct(floor.report_ms, 95):14.2f} "
                f"{pct(lms.report_ms, 99) / pct(floor.report_ms, 99):14.2f} "
                f"{'':12} {lms.cpu_s / max(floor.cpu_s, 1e-9):13.2f} "
                f"{lms.rss_after / max(floor.rss_after, 1):11.2f}"
            )


if __name__ == "__main__":
    main()
