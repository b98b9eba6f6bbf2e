"""Load benchmark (issue 8): simulated students doing what students do, against a real LMS.

Each simulated student is one browser tab speaking Reflex's event protocol (socket.io on
/_event) plus the HTTP cookie route, with 1-5 s of think time between steps:

  sign in (password form -> one-time ticket -> /api/auth/complete -> session cookie; the
  tab then reconnects with the cookie, as the browser's full page load does) -> catalog ->
  search -> a course page -> enroll -> the player -> progress every --progress-every s
  (seek, end, next lesson) -> 10 % write a review on the course page.

Printed per step: count, p50/p95/p99 round trip, errors; then events/s, server CPU, RSS,
open connections, and a consistency check: for every lesson, the stored position is at
least the furthest position the server acknowledged (nothing acknowledged was lost).
With --sync N, N signed-in students open the same lesson within 10 s and then report
progress: p95 per 5 s window shows how long the server takes to recover.

    LMS_BASE_URL=http://localhost:3300 LMS_DATABASE_URL=... python -m benchmarks.load \\
        --students 200 --duration 180 [--no-start] [--sync 500]

Without --no-start the LMS is started from --lms-dir with the caller's LMS_* variables
(so LMS_DATABASE_URL=postgresql+psycopg://... and LMS_REDIS_URL=redis://... select the
scaled mode). Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import psutil
import socketio

from benchmarks.progress_bench import (
    BENCH_PASSWORD,
    CONNECT_CONCURRENCY,
    NAMESPACE,
    REPLY_TIMEOUT_S,
    ROOT,
    Usage,
    client_gc_paused,
    create_students,
    pct,
    port_of,
    reply_error,
    start_lms,
    stop_server,
    wait_until_up,
)

PAGES = ("/", "/search", "/courses/[slug]", "/learn/[course_slug]/[lesson]")
# A refusal now sits under its field (a non-empty `*_error` var), not in a toast; the first
# delta of the page already names those vars, empty.
REFUSED_FIELD = re.compile(r'error[a-z_]*_rx_state_": "[^"]')
TICKET_SCRIPT = re.compile(r"lms_ticket_key=([\w-]+).*?(/api/auth/complete\?[^\"\\]+)")


def reviewed(text: str) -> bool:
    """The review's final reply: a toast, either way."""
    return "toast" in text.lower()


def handler_names() -> dict[str, str]:
    """Full Reflex event names of the handlers the mix calls outside page loads."""
    import lms_reflex.lms_reflex  # noqa: F401  (registers every state)
    from lms_reflex.state.accounts.auth import LoginState
    from lms_reflex.state.catalog.course import CourseState, ReviewsState
    from lms_reflex.state.learning.player import PlayerState

    pairs = {
        "login": (LoginState, "login"),
        "enroll": (CourseState, "enroll"),
        "report": (PlayerState, "report"),
        "ended": (PlayerState, "ended"),
        "review": (ReviewsState, "save"),
    }
    return {k: f"{state.get_full_name()}.{name}" for k, (state, name) in pairs.items()}


def page_loads(*routes: str) -> dict[str, list[str]]:
    """Each route's on_load events as the app declares them, in the order it sends them."""
    from reflex.utils import format

    from lms_reflex.lms_reflex import app

    return {
        route: [format.format_event_handler(e) for e in app.get_load_events(route)]  # type: ignore[arg-type]
        for route in routes
    }


@dataclass
class CourseInfo:
    slug: str
    title_word: str
    lessons: list[tuple[int, float]]  # (lesson id, duration s) in syllabus order


def bench_course(tag: str, lessons: int, seconds: int) -> CourseInfo:
    """A free published course whose lessons last `seconds` each (the demo's last 7 s).

    Its lessons reuse a demo lesson's video file: the benchmark never streams media, and
    the player takes lesson lengths from the database. Positions and completion follow
    the real rules for a lesson of that length.
    """
    from sqlmodel import col, select

    from lms_reflex.db import session_scope
    from lms_reflex.models import Course, CourseStatus, Lesson, Section, utcnow

    with session_scope() as session:
        template = session.exec(
            select(Course).where(Course.status == CourseStatus.PUBLISHED).order_by(col(Course.id))
        ).first()
        video = session.exec(
            select(Lesson.video_key).where(col(Lesson.video_key).is_not(None)).limit(1)
        ).one()
        assert template is not None and video is not None, "seed the demo data first"
        course = Course(
            slug=f"loadbench-{tag}",
            title=f"Loadbench {tag} course",
            subtitle="Made by benchmarks/load.py",
            instructor_id=template.instructor_id,
            category_id=template.category_id,
            status=CourseStatus.PUBLISHED,
            published_at=utcnow(),
        )
        session.add(course)
        session.flush()
        section = Section(course_id=course.id, title="Lessons", position=0)
        session.add(section)
        session.flush()
        rows = [
            Lesson(
                section_id=section.id,
                title=f"Lesson {i + 1}",
                video_key=video,
                duration_s=seconds,
                position=i,
            )
            for i in range(lessons)
        ]
        session.add_all(rows)
        session.flush()
        return CourseInfo(course.slug, "Loadbench", [(int(r.id), float(seconds)) for r in rows])


def published_courses() -> list[CourseInfo]:
    from sqlmodel import col, select

    from lms_reflex.db import session_scope
    from lms_reflex.models import Course, CourseStatus, Lesson, Section

    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(Course.slug, Course.title, Lesson.id, Lesson.duration_s)
            .join(Section, col(Section.course_id) == col(Course.id))
            .join(Lesson, col(Lesson.section_id) == col(Section.id))
            .where(Course.status == CourseStatus.PUBLISHED, col(Lesson.video_key).is_not(None))
            .where(Course.price_cents == 0)  # paid courses are enrolled by an admin
            .order_by(col(Course.id), col(Section.position), col(Lesson.position))
        ).all()
    courses: dict[str, CourseInfo] = {}
    for slug, title, lesson_id, duration in rows:
        info = courses.setdefault(slug, CourseInfo(slug, title.split()[0], []))
        info.lessons.append((lesson_id, float(duration)))
    return list(courses.values())


@dataclass
class Stats:
    """Round trips per step, errors, and what the server acknowledged."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    events: int = 0
    acked: dict[tuple[int, int], float] = field(default_factory=dict)  # (user, lesson) -> s
    windows: dict[int, list[float]] = field(default_factory=dict)  # 5 s window -> report ms

    def ok(self, step: str, ms: float) -> None:
        self.steps.setdefault(step, []).append(ms)

    def fail(self, step: str, why: str) -> None:
        self.errors[step] = self.errors.get(step, 0) + 1
        if len(self.samples) < 8:
            self.samples.append(f"{step}: {why}"[:240])


class Tab:
    """One browser tab: a socket.io connection and the page it shows."""

    def __init__(self, base_url: str, origin: str, cookie: str = "", token: str = "") -> None:
        self.base_url, self.origin, self.cookie = base_url, origin, cookie
        self.token = token or str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.waiters: list[tuple[Any, asyncio.Future]] = []
        self.page: tuple[str, dict[str, str]] = ("/", {})
        self.sio.on("event", self._on_event, namespace=NAMESPACE)

    async def _on_event(self, data: Any) -> None:
        text = json.dumps(data)
        for item in list(self.waiters):
            match, fut = item
            if match(text) and not fut.done():
                self.waiters.remove(item)
                fut.set_result((text, reply_error(data)))

    async def connect(self) -> None:
        headers = {"Origin": self.origin, **({"Cookie": self.cookie} if self.cookie else {})}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers=headers,
            wait_timeout=30,
        )

    async def event(self, name: str, payload: dict, until: Any = None) -> tuple[float, str]:
        """Send one event; wait for its reply (or for a reply matching `until`)."""
        route, params = self.page
        marker = uuid.uuid4().hex
        query = {**params, "m": marker}
        as_path = route + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        for key, value in params.items():
            as_path = as_path.replace(f"[{key}]", value)
        router = {"pathname": route, "asPath": as_path, "query": query}
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self.waiters.append((until or (lambda text: marker in text), fut))
        start = time.perf_counter()
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload, "router_data": router},
            namespace=NAMESPACE,
        )
        text, error = await asyncio.wait_for(fut, REPLY_TIMEOUT_S)
        if error is not None:
            raise RuntimeError(error)
        return (time.perf_counter() - start) * 1000, text

    async def close(self) -> None:
        await self.sio.disconnect()


class Student:
    """One simulated student walking through the mix."""

    def __init__(self, index: int, user: tuple[int, str, str], ctx: Context) -> None:
        self.index, self.user_id, self.email, self.token = index, user[0], user[1], user[2]
        self.ctx, self.rng = ctx, random.Random(index)
        self.tab: Tab | None = None

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.ctx.think))

    async def step(self, step: str, name: str, payload: dict | None = None, **kw: Any) -> str:
        assert self.tab is not None
        self.ctx.stats.events += 1
        ms, text = await self.tab.event(self.ctx.names[name], payload or {}, **kw)
        self.ctx.stats.ok(step, ms)
        return text

    async def open_page(self, step: str, route: str, params: dict[str, str]) -> float:
        """A client-side navigation: the page's on_load events, one after another."""
        assert self.tab is not None
        self.tab.page = (route, params)
        start = time.perf_counter()
        for name in self.ctx.pages[route]:
            self.ctx.stats.events += 1
            event_ms, _ = await self.tab.event(name, {})
            self.ctx.stats.ok("(one on_load)", event_ms)
        ms = (time.perf_counter() - start) * 1000
        self.ctx.stats.ok(step, ms)
        return ms

    async def sign_in(self) -> None:
        self.tab = Tab(self.ctx.base_url, self.ctx.origin)
        await self.tab.connect()
        self.tab.page = ("/login", {})
        start = time.perf_counter()
        self.ctx.stats.events += 1
        _, text = await self.tab.event(
            self.ctx.names["login"],
            {"form": {"email": self.email, "password": BENCH_PASSWORD}},
            until=lambda t: "lms_ticket_key" in t or REFUSED_FIELD.search(t) is not None,
        )
        found = TICKET_SCRIPT.search(text.replace("\\u0026", "&").replace("&amp;", "&"))
        if found is None:
            raise RuntimeError("no sign-in ticket in the reply")
        key, path = found.group(1), found.group(2)
        async with self.ctx.http.get(
            self.ctx.base_url + path,
            headers={"Cookie": f"lms_ticket_key={key}"},
            allow_redirects=False,
        ) as resp:
            session_cookie = resp.cookies.get(self.ctx.cookie_name)
            if resp.status != 303 or session_cookie is None:
                raise RuntimeError(f"cookie route answered {resp.status} without a session")
        await self.tab.close()
        # The full page load after the cookie route keeps the tab's token (a browser keeps
        # it in sessionStorage), so the server goes on with the same state.
        cookie = f"{self.ctx.cookie_name}={session_cookie.value}"
        self.tab = Tab(self.ctx.base_url, self.ctx.origin, cookie, token=self.tab.token)
        await self.tab.connect()
        self.ctx.stats.ok("sign in", (time.perf_counter() - start) * 1000)

    async def watch(self, course: CourseInfo, stop_at: float) -> None:
        """Play lessons in order, reporting every few seconds; end and go on to the next."""
        every = self.ctx.progress_every
        for lesson_id, duration in course.lessons:
            if time.monotonic() >= stop_at:
                return
            params = {"course_slug": course.slug, "lesson": str(lesson_id)}
            await self.open_page("open lesson", "/learn/[course_slug]/[lesson]", params)
            position, started = 0.0, time.monotonic()
            while position < duration and time.monotonic() < stop_at:
                await asyncio.sleep(min(every, duration - position + 0.5))
                position = min(duration, time.monotonic() - started)
                window = int((time.monotonic() - self.ctx.t0) // 5)
                text_ms = await self.timed_report(position)
                self.ctx.stats.windows.setdefault(window, []).append(text_ms)
                self.ctx.stats.acked[(self.user_id, lesson_id)] = max(
                    position, self.ctx.stats.acked.get((self.user_id, lesson_id), 0.0)
                )
            if position >= duration:
                await self.step("lesson end", "ended")
                self.ctx.stats.acked[(self.user_id, lesson_id)] = duration
            await self.think()

    async def timed_report(self, position: float) -> float:
        assert self.tab is not None
        self.ctx.stats.events += 1
        ms, _ = await self.tab.event(self.ctx.names["report"], {"seconds": round(position, 2)})
        self.ctx.stats.ok("progress", ms)
        return ms

    async def run_sync(self, stop_at: float) -> None:
        """Already signed in; open the course's first lesson within the first 10 s, then
        report every few seconds (the position loops over the lesson)."""
        ctx = self.ctx
        course = ctx.courses[0]
        lesson_id, duration = course.lessons[0]
        await asyncio.sleep(self.rng.uniform(0, ctx.ramp))
        try:
            async with ctx.gate:
                self.tab = Tab(ctx.base_url, ctx.origin, f"{ctx.cookie_name}={self.token}")
                await self.tab.connect()
            params = {"course_slug": course.slug, "lesson": str(lesson_id)}
            await self.open_page("open lesson", "/learn/[course_slug]/[lesson]", params)
            k = 0
            while time.monotonic() < stop_at:
                await asyncio.sleep(ctx.progress_every + self.rng.uniform(-0.5, 0.5))
                k += 1
                position = round((self.index * 0.37 + k * ctx.progress_every) % duration, 2)
                ms = await self.timed_report(position)
                window = int((time.monotonic() - ctx.t0) // 5)
                ctx.stats.windows.setdefault(window, []).append(ms)
                key = (self.user_id, lesson_id)
                ctx.stats.acked[key] = max(position, ctx.stats.acked.get(key, 0.0))
        except Exception as exc:  # every way a step can fail counts as an error
            ctx.stats.fail("journey", f"{type(exc).__name__}: {exc}")
        finally:
            if self.tab is not None:
                await self.tab.close()

    async def run(self, stop_at: float) -> None:
        ctx, stats = self.ctx, self.ctx.stats
        await asyncio.sleep(self.rng.uniform(0, ctx.ramp))
        course = self.rng.choice(ctx.courses)
        try:
            async with ctx.gate:
                await self.sign_in()
            await self.think()
            await self.open_page("catalog", "/", {})
            await self.think()
            await self.open_page("search", "/search", {"q": course.title_word})
            await self.think()
            await self.open_page("course page", "/courses/[slug]", {"slug": course.slug})
            await self.think()
            await self.step("enroll", "enroll", until=lambda t: "enrolled in" in t or "error" in t)
            await self.think()
            await self.watch(course, stop_at)
            if self.rng.random() < ctx.review_share and time.monotonic() < stop_at:
                await self.open_page("course page", "/courses/[slug]", {"slug": course.slug})
                form = {"rating": str(self.rng.randint(3, 5)), "body": "Clear and practical."}
                await self.step("review", "review", {"form": form}, until=reviewed)
        except Exception as exc:  # every way a step can fail counts as an error
            stats.fail("journey", f"{type(exc).__name__}: {exc}")
        finally:
            if self.tab is not None:
                await self.tab.close()


@dataclass
class Context:
    base_url: str
    origin: str
    names: dict[str, str]
    pages: dict[str, list[str]]
    courses: list[CourseInfo]
    cookie_name: str
    think: tuple[float, float]
    progress_every: float
    review_share: float
    ramp: float
    http: aiohttp.ClientSession
    gate: asyncio.Semaphore
    stats: Stats = field(default_factory=Stats)
    t0: float = 0.0


def course_id(slug: str) -> int:
    from sqlmodel import select

    from lms_reflex.db import session_scope
    from lms_reflex.models import Course

    with session_scope(readonly=True) as session:
        return int(session.exec(select(Course.id).where(Course.slug == slug)).one())


def connections(port: int) -> int:
    return sum(
        1
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED
    )


def stored_positions(keys: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    from sqlmodel import col, select

    from lms_reflex.db import session_scope
    from lms_reflex.models import LessonProgress

    users = sorted({u for u, _ in keys})
    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(
                LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.position_s
            ).where(col(LessonProgress.user_id).in_(users))
        ).all()
    return {(u, lesson): float(p) for u, lesson, p in rows}


def show(stats: Stats, seconds: float, cpu_s: float, usage: Usage, conns: int) -> None:
    print(f"  {'step':<14}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for step, values in stats.steps.items():
        print(
            f"  {step:<14}{len(values):>7}{pct(values, 50):>10.1f}{pct(values, 95):>10.1f}"
            f"{pct(values, 99):>10.1f}{stats.errors.get(step, 0):>8}"
        )
    print(
        f"  events {stats.events} in {seconds:.0f} s = {stats.events / seconds:.1f} ev/s; "
        f"errors {sum(stats.errors.values())}; server CPU {cpu_s / seconds * 100:.0f} % of a "
        f"core; RSS peak {usage.peak_rss / 2**20:.0f} MiB; connections at peak {conns}"
    )
    for sample in stats.samples:
        print(f"    error sample: {sample}")
    stored = stored_positions(list(stats.acked))
    lost = [k for k, acked in stats.acked.items() if stored.get(k, -1.0) + 0.01 < acked]
    print(
        f"  consistency: {len(stats.acked) - len(lost)}/{len(stats.acked)} acknowledged "
        f"lesson positions stored (lost {len(lost)})"
    )
    for key in lost[:3]:
        acked, got = stats.acked[key], stored.get(key)
        print(f"    lost: user {key[0]} lesson {key[1]}: acknowledged {acked}, stored {got}")


def show_windows(stats: Stats) -> None:
    print("  progress p95 per 5 s window (window start s: p95 ms, count):")
    line = [f"{w * 5}s: {pct(v, 95):.0f} ({len(v)})" for w, v in sorted(stats.windows.items())]
    for i in range(0, len(line), 6):
        print("    " + "   ".join(line[i : i + 6]))


async def run_mix(
    args: argparse.Namespace, base_url: str, port: int, users: list, courses: list[CourseInfo]
) -> Stats:
    from lms_reflex.services.accounts.sessions import cookie_name
    from lms_reflex.settings import get_settings

    async with aiohttp.ClientSession() as http:
        ctx = Context(
            base_url=base_url,
            origin=get_settings().base_origin,
            names=handler_names(),
            pages=page_loads(*PAGES),
            courses=courses,
            cookie_name=cookie_name(),
            think=(args.think_min, args.think_max),
            progress_every=args.progress_every,
            review_share=args.review_share,
            ramp=args.ramp,
            http=http,
            gate=asyncio.Semaphore(CONNECT_CONCURRENCY),
        )
        students = [Student(i, user, ctx) for i, user in enumerate(users)]
        usage = Usage(port)
        usage.start()
        ctx.t0 = time.monotonic()
        stop_at = ctx.t0 + args.duration
        peak = 0

        async def watch_connections() -> None:
            nonlocal peak
            while True:
                peak = max(peak, connections(port))
                await asyncio.sleep(2)

        watcher = asyncio.create_task(watch_connections())
        client_cpu = time.process_time()
        with client_gc_paused():
            await asyncio.gather(*((s.run_sync if args.sync else s.run)(stop_at) for s in students))
        watcher.cancel()
        seconds = time.monotonic() - ctx.t0
        cpu = usage.stop()
        client_cpu = time.process_time() - client_cpu
    print(
        f"{len(users)} students, {args.duration:.0f} s, think {args.think_min}-{args.think_max} s"
    )
    show(ctx.stats, seconds, cpu, usage, peak)
    print(f"  load generator CPU {client_cpu / seconds * 100:.0f} % of a core (same machine)")
    show_windows(ctx.stats)
    return ctx.stats


def machine_speed() -> tuple[str, float]:
    """Two figures that move with the CPU, so runs on different machines can be compared;
    and one argon2 verify in ms, the sign-in target's unit."""
    from lms_reflex.services.accounts.passwords import hash_password, verify_password

    hashed = hash_password(BENCH_PASSWORD)
    start = time.process_time()
    for _ in range(5):
        verify_password(BENCH_PASSWORD, hashed)
    argon2_ms = (time.process_time() - start) * 200
    start, total = time.perf_counter(), 0
    for i in range(2_000_000):
        total += i
    loop_ms = (time.perf_counter() - start) * 1000
    line = f"machine: argon2 verify {argon2_ms:.0f} ms CPU, 2M-step Python loop {loop_ms:.0f} ms"
    return line, argon2_ms


def with_emails(users: list[tuple[int, str]], tag: str) -> list[tuple[int, str, str]]:
    """(user id, email, session token): create_students names its accounts this way."""
    return [(uid, f"bench-{tag}-{i}@bench.example.org", tok) for i, (uid, tok) in enumerate(users)]


def mix_arguments(parser: argparse.ArgumentParser) -> None:
    """The mix's options (benchmarks/saturation.py takes them too)."""
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--ramp", type=float, default=60.0, help="arrivals spread over this")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument("--progress-every", type=float, default=10.0)
    parser.add_argument("--review-share", type=float, default=0.1)
    parser.add_argument(
        "--lesson-seconds",
        type=int,
        default=120,
        help="lesson length of a course made for the run; 0 plays the demo courses (7 s)",
    )
    parser.add_argument("--lessons", type=int, default=6)
    parser.add_argument(
        "--sync", action="store_true", help="everyone starts within 10 s and reports every 5 s"
    )
    parser.add_argument("--lms-dir", default=str(ROOT))
    parser.add_argument("--no-start", action="store_true")


def run_lms_mix(args: argparse.Namespace) -> tuple[Stats, list[CourseInfo], float]:
    """Start the LMS (unless --no-start), run the mix once with `args`, stop it.

    Returns:
        The mix's figures, the courses it played, and one argon2 verify in ms.
    """
    from pathlib import Path

    from lms_reflex.settings import get_settings

    if args.sync:
        args.ramp, args.progress_every = 10.0, 5.0
    handler_names()  # registers the LMS's states in the main context (the floor's join them)
    base = get_settings().base_url.rstrip("/")
    port = port_of(base)
    proc = None
    try:
        if not args.no_start:
            log = Path("/tmp/load_bench_lms.log")
            proc = start_lms(Path(args.lms_dir), log)
            wait_until_up(f"{base}/api/health", proc, log, 900)
        tag = uuid.uuid4().hex[:8]
        if args.lesson_seconds:
            courses = [bench_course(tag, args.lessons, args.lesson_seconds)]
        else:
            courses = published_courses()
        machine, argon2_ms = machine_speed()
        print(machine, flush=True)
        first = course_id(courses[0].slug)  # run_sync plays this course
        users = with_emails(create_students(args.students, tag, first), tag)
        stats = asyncio.run(run_mix(args, f"http://127.0.0.1:{port}", port, users, courses))
    finally:
        stop_server(proc)
    return stats, courses, argon2_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mix_arguments(parser)
    parser.add_argument("--floor-port", type=int, default=3310)
    parser.add_argument("--skip-floor", action="store_true", help="no floor run after the mix")
    args = parser.parse_args()
    stats, courses, argon2_ms = run_lms_mix(args)
    if not args.skip_floor and not args.sync:
        run_the_floor(args, courses, stats, argon2_ms)


def run_the_floor(
    args: argparse.Namespace, courses: list[CourseInfo], stats: Stats, argon2_ms: float
) -> None:
    """The same students against the floor app, then the LMS's steps as ratios to it."""
    from pathlib import Path

    from benchmarks.load_floor import Plan, run_floor, show_floor, show_ratios

    if args.no_start:
        print("note: the LMS given with --no-start still runs beside the floor app")
    lessons = courses[0].lessons
    plan = Plan(
        students=args.students,
        duration=args.duration,
        ramp=args.ramp,
        think=(args.think_min, args.think_max),
        progress_every=args.progress_every,
        lesson_seconds=lessons[0][1] if lessons else 120.0,
        lessons=len(lessons),
    )
    floor = run_floor(plan, args.floor_port, Path("/tmp"))
    show_floor(floor)
    show_ratios(stats.steps, floor, argon2_ms)


if __name__ == "__main__":
    main()
