"""Video streaming: /api/media/<key> with Range requests, against nginx serving the same file.

`--clients` concurrent students each read the same lesson video in `--chunk-kib` Range
requests (bytes=a-b, as a player seeking through a file would) from start to end, for
`--rounds` rounds. The LMS checks access on every request (session cookie, or a signed
URL with --auth signed); nginx (the Debian package, started here with a generated config
on `--nginx-port`, -p <tmpdir>, -g 'daemon off;') serves the same bytes from a temp root
with no checks. Printed: throughput MB/s, requests/s, time to first byte p50/p95, errors,
server CPU, and the ratio LMS / nginx.

The test file is `--size-mb` MB of random bytes, stored under the lesson's video key for
the duration of the run (the original file is put back at the end). Each client is a
different enrolled student made straight in the database (see progress_bench).

    LMS_BASE_URL=http://localhost:3300 LMS_DATA_DIR=... LMS_DATABASE_URL=sqlite:///... \\
    LMS_MEDIA_DIR=... python -m benchmarks.media_bench [--clients 50] [--rounds 3]

By default the LMS is started from `--lms-dir` with the caller's LMS_* variables and
stopped at the end; --no-start uses one already running at LMS_BASE_URL (same media dir).
The client runs on the same machine: with 2 cores its CPU share is printed too, since it
is part of what limits the nginx figure. The default client is aiohttp: one httpx
AsyncClient with a 50-connection pool (--client httpx) costs about 3 ms of client CPU per
request here and tops out near 60-70 MB/s, far below nginx, so it measured the client.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx
import psutil

from benchmarks.progress_bench import (
    ROOT,
    Usage,
    create_students,
    find_lesson,
    port_of,
    start_lms,
    stop_server,
    wait_until_up,
)

MB = 1_000_000

NGINX_CONF = """\
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ video/mp4 mp4; }}
    default_type application/octet-stream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/root;
        location / {{ }}
    }}
}}
"""


# In front of the LMS: /api/media/ goes to the LMS, which checks access and answers with
# X-Accel-Redirect; nginx then sends the bytes from the internal location.
PROXY_CONF = """\
user {user};
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ video/mp4 mp4; }}
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream lms {{ server 127.0.0.1:{lms_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location /api/ {{
            proxy_pass http://lms;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
        location {prefix} {{
            internal;
            alias {media}/;
        }}
    }}
}}
"""
ACCEL_PREFIX = "/_protected_media/"


@dataclass
class Result:
    label: str
    seconds: float = 0.0
    bytes: int = 0
    requests: int = 0
    errors: int = 0
    ttfb_ms: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    bench_cpu_s: float = 0.0
    digest_ok: bool | None = None
    error_samples: list[str] = field(default_factory=list)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / MB / self.seconds if self.seconds else 0.0


def pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


class Fetcher:
    """One Range GET: the status, the body bytes, and when the first byte came."""

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def get(self, url: str, headers: dict[str, str], sink) -> tuple[int, float | None]:
        raise NotImplementedError


class AiohttpFetcher(Fetcher):
    def __init__(self, connections: int) -> None:
        self.connections = connections

    async def __aenter__(self) -> AiohttpFetcher:
        connector = aiohttp.TCPConnector(limit=self.connections, force_close=False)
        timeout = aiohttp.ClientTimeout(total=60)
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    async def get(self, url: str, headers: dict[str, str], sink) -> tuple[int, float | None]:
        first = None
        async with self.session.get(url, headers=headers) as resp:
            async for piece in resp.content.iter_any():
                if first is None:
                    first = time.perf_counter()
                sink(piece)
            return resp.status, first


class HttpxFetcher(Fetcher):
    def __init__(self, connections: int) -> None:
        self.connections = connections

    async def __aenter__(self) -> HttpxFetcher:
        limits = httpx.Limits(
            max_connections=self.connections, max_keepalive_connections=self.connections
        )
        self.client = httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def get(self, url: str, headers: dict[str, str], sink) -> tuple[int, float | None]:
        first = None
        async with self.client.stream("GET", url, headers=headers) as resp:
            async for piece in resp.aiter_raw():
                if first is None:
                    first = time.perf_counter()
                sink(piece)
            return resp.status_code, first


CLIENT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, OSError, TimeoutError)


async def stream_file(
    fetcher: Fetcher,
    url: str,
    headers: dict[str, str],
    size: int,
    chunk: int,
    result: Result,
    hasher: hashlib._Hash | None,
    rate_bytes_s: float = 0.0,
) -> None:
    """Read the whole file in Range requests of `chunk` bytes, one after another.

    chunk <= 0: one open-ended request (bytes=0-), as Chromium's player makes when it
    plays a file from the start. rate_bytes_s > 0: wait after each request so that the
    client averages that rate, as a player that has buffered ahead reads at its video's
    bit rate.
    """
    offset = 0
    began = time.perf_counter()
    while offset < size:
        end = size - 1 if chunk <= 0 else min(offset + chunk, size) - 1
        wanted = f"bytes={offset}-" if chunk <= 0 else f"bytes={offset}-{end}"
        got = 0

        def sink(piece: bytes, hasher: hashlib._Hash | None = hasher) -> None:
            nonlocal got
            got += len(piece)
            if hasher is not None:
                hasher.update(piece)

        start = time.perf_counter()
        try:
            status, first = await fetcher.get(url, {**headers, "Range": wanted}, sink)
        except CLIENT_ERRORS as exc:
            status, first = 0, None
            if len(result.error_samples) < 5:
                result.error_samples.append(f"{type(exc).__name__}: {exc}"[:200])
        result.requests += 1
        result.bytes += got
        if status != 206 or got != end - offset + 1:
            result.errors += 1
            if status and len(result.error_samples) < 5:
                result.error_samples.append(f"status {status}, {got} bytes at {offset}")
            hasher = None
        if first is not None:
            result.ttfb_ms.append((first - start) * 1000)
        offset = end + 1
        if rate_bytes_s > 0:
            await asyncio.sleep(max(0.0, began + offset / rate_bytes_s - time.perf_counter()))


async def run_clients(
    label: str,
    url_for: list[str],
    headers_for: list[dict[str, str]],
    args: argparse.Namespace,
    size: int,
    digest: str,
    port: int,
    rounds: int,
) -> Result:
    result = Result(label)
    fetcher_class = AiohttpFetcher if args.client == "aiohttp" else HttpxFetcher
    async with fetcher_class(args.clients) as client:
        # Warm-up: one small request per client opens the connections.
        warm = Result("warm")
        await asyncio.gather(
            *(
                stream_file(client, url_for[i], headers_for[i], min(size, 1024), 1024, warm, None)
                for i in range(args.clients)
            )
        )
        if warm.errors:
            print(f"  {label}: warm-up errors {warm.errors}: {warm.error_samples[:2]}")
        hashers = [hashlib.sha256() if i == 0 else None for i in range(args.clients)]
        usage = Usage(port)
        me = psutil.Process()
        bench0 = sum(me.cpu_times()[:2])
        usage.start()
        start = time.perf_counter()

        async def one_client(i: int) -> None:
            if args.rate_mbit > 0:  # players start at different moments, not in step
                interval = max(args.chunk_kib, 1) * 1024 * 8 / (args.rate_mbit * 1_000_000)
                await asyncio.sleep(random.uniform(0, interval))
            for r in range(rounds):
                hasher = hashers[i] if r == 0 else None
                await stream_file(
                    client,
                    url_for[i],
                    headers_for[i],
                    size,
                    args.chunk_kib * 1024,
                    result,
                    hasher,
                    args.rate_mbit * 1_000_000 / 8,
                )

        await asyncio.gather(*(one_client(i) for i in range(args.clients)))
        result.seconds = time.perf_counter() - start
        result.cpu_s = usage.stop()
        result.bench_cpu_s = sum(me.cpu_times()[:2]) - bench0
        assert hashers[0] is not None
        result.digest_ok = hashers[0].hexdigest() == digest
    return result


def show(r: Result) -> None:
    print(
        f"  {r.label:<6} {r.mb_per_s:8.1f} MB/s  {r.requests / r.seconds:8.1f} req/s  "
        f"TTFB p50 {pct(r.ttfb_ms, 50):7.2f} ms  p95 {pct(r.ttfb_ms, 95):7.2f} ms  "
        f"errors {r.errors}/{r.requests}  bytes ok {r.digest_ok}  "
        f"server CPU {100 * r.cpu_s / r.seconds:5.1f} % of a core  "
        f"bench client CPU {100 * r.bench_cpu_s / r.seconds:4.0f} %  ({r.seconds:.1f} s)"
    )
    for sample in r.error_samples:
        print(f"         error sample: {sample}")


def start_nginx(tmp: Path, port: int, data: bytes) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (tmp / "root").mkdir()
    (tmp / "root/lesson.mp4").write_bytes(data)
    for path in (tmp, tmp / "root"):
        path.chmod(0o755)  # nginx workers run as nobody when started by root
    (tmp / "root/lesson.mp4").chmod(0o644)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
    log = (tmp / "stdout.log").open("w")
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/lesson.mp4", proc, tmp / "error.log", 30)
    return proc


def start_proxy(tmp: Path, port: int, lms_port: int, media: Path) -> subprocess.Popen:
    """nginx in front of the LMS, as docs/deploy/ describes (X-Accel-Redirect)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp.chmod(0o755)
    conf = tmp / "nginx.conf"
    conf.write_text(
        PROXY_CONF.format(
            user=getpass.getuser(),  # the media files are private to the LMS's user
            tmp=tmp,
            port=port,
            lms_port=lms_port,
            prefix=ACCEL_PREFIX,
            media=media.resolve(),
        )
    )
    log = (tmp / "stdout.log").open("w")
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/api/health", proc, tmp / "error.log", 30)
    return proc


def lesson_video_key(lesson_id: int) -> str:
    from lms_reflex.db import session_scope
    from lms_reflex.models import Lesson

    with session_scope(readonly=True) as session:
        lesson = session.get(Lesson, lesson_id)
        if lesson is None or not lesson.video_key:
            raise SystemExit(f"error: lesson {lesson_id} has no video")
        return lesson.video_key


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument(
        "--chunk-kib", type=int, default=256, help="0: one open-ended request per read"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--rate-mbit",
        type=float,
        default=0.0,
        help="each client's average rate, as a player at that bit rate (0: as fast as served)",
    )
    parser.add_argument(
        "--nginx-rounds",
        type=int,
        default=30,
        help="nginx finishes 3 rounds in about a second; more rounds give steadier figures",
    )
    parser.add_argument("--auth", choices=("cookie", "signed"), default="cookie")
    parser.add_argument("--client", choices=("aiohttp", "httpx"), default="aiohttp")
    parser.add_argument("--course", default="git-and-github-essentials")
    parser.add_argument("--lesson", type=int, default=None, help="default: first non-preview")
    parser.add_argument("--nginx-port", type=int, default=3320)
    parser.add_argument(
        "--via-nginx",
        action="store_true",
        help="put nginx in front of the LMS; the LMS checks, nginx sends (X-Accel-Redirect)",
    )
    parser.add_argument("--proxy-port", type=int, default=3321)
    parser.add_argument("--lms-dir", type=Path, default=ROOT)
    parser.add_argument("--no-start", action="store_true", help="use the LMS at LMS_BASE_URL")
    parser.add_argument("--logs", type=Path, default=Path("/tmp/media_bench_logs"))
    args = parser.parse_args()

    from lms_reflex.media import storage
    from lms_reflex.media.signing import sign_media_url
    from lms_reflex.services.accounts.sessions import cookie_name
    from lms_reflex.settings import get_settings

    base = get_settings().base_url.rstrip("/")
    port = port_of(base)
    fetch_base = f"http://127.0.0.1:{port}"  # the server listens on IPv4 only; skip ::1
    args.logs.mkdir(parents=True, exist_ok=True)
    size = int(args.size_mb * MB)
    data = os.urandom(size)
    digest = hashlib.sha256(data).hexdigest()
    paced = f" at {args.rate_mbit:g} Mbit/s per client" if args.rate_mbit > 0 else ""
    print(
        f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
        f"{args.clients} clients x {args.rounds} rounds (nginx {args.nginx_rounds}) of a "
        f"{size / MB:.0f} MB file in "
        f"{args.chunk_kib} KiB Range requests{paced}; LMS {base} ({args.auth}), "
        f"nginx :{args.nginx_port}; client {args.client}",
        flush=True,
    )
    lms_proc = nginx_proc = None
    original: bytes | None = None
    key = ""
    results: list[Result] = []
    proxy_dir = Path(tempfile.mkdtemp(prefix="media-bench-proxy-"))
    proxy_proc = None
    if args.via_nginx:
        os.environ["LMS_MEDIA_ACCEL_REDIRECT"] = ACCEL_PREFIX
    try:
        if not args.no_start:
            lms_proc = start_lms(args.lms_dir, args.logs / "lms.log")
            wait_until_up(f"{base}/api/health", lms_proc, args.logs / "lms.log", 900)
        if args.via_nginx:
            media = get_settings().media_dir
            proxy_proc = start_proxy(proxy_dir, args.proxy_port, port, media)
            fetch_base = f"http://127.0.0.1:{args.proxy_port}"
        lesson = find_lesson(args.course, args.lesson)
        key = lesson_video_key(lesson.lesson_id)
        path = storage.path_for(key)
        original = path.read_bytes() if path.is_file() else None
        storage.write_atomic(key, data)
        students = create_students(args.clients, f"media-{int(time.time())}", lesson.course_id)
        if args.auth == "cookie":
            urls = [f"{fetch_base}/api/media/{key}"] * args.clients
            headers = [{"Cookie": f"{cookie_name()}={token}"} for _, token in students]
        else:
            # Signed URLs are bound to the session they were made in: send its cookie too.
            urls = [
                fetch_base + sign_media_url(key, uid, lesson.lesson_id, token, 3600)
                for uid, token in students
            ]
            headers = [{"Cookie": f"{cookie_name()}={token}"} for _, token in students]
        print(f"lesson {lesson.lesson_id}, key {key}", flush=True)
        label = "LMS via nginx" if args.via_nginx else "LMS"
        lms = asyncio.run(run_clients(label, urls, headers, args, size, digest, port, args.rounds))
        show(lms)
        results.append(lms)
        stop_server(lms_proc)
        stop_server(proxy_proc)
        lms_proc = proxy_proc = None
        with tempfile.TemporaryDirectory(prefix="media-bench-nginx-") as tmp:
            nginx_proc = start_nginx(Path(tmp), args.nginx_port, data)
            try:
                url = f"http://127.0.0.1:{args.nginx_port}/lesson.mp4"
                nginx = asyncio.run(
                    run_clients(
                        "nginx",
                        [url] * args.clients,
                        [{}] * args.clients,
                        args,
                        size,
                        digest,
                        args.nginx_port,
                        args.nginx_rounds,
                    )
                )
            finally:
                stop_server(nginx_proc)
                nginx_proc = None
        show(nginx)
        results.append(nginx)
    finally:
        stop_server(lms_proc)
        stop_server(proxy_proc)
        stop_server(nginx_proc)
        shutil.rmtree(proxy_dir, ignore_errors=True)
        if key and original is not None:
            storage.write_atomic(key, original)
    if len(results) == 2:
        ours, ref = results
        print(
            f"ratio LMS / nginx: throughput {ours.mb_per_s / ref.mb_per_s:.3f}  "
            f"TTFB p50 {pct(ours.ttfb_ms, 50) / pct(ref.ttfb_ms, 50):.1f}x  "
            f"p95 {pct(ours.ttfb_ms, 95) / pct(ref.ttfb_ms, 95):.1f}x  "
            f"server CPU per MB {ours.cpu_s / ours.bytes / max(ref.cpu_s / ref.bytes, 1e-12):.1f}x"
        )


if __name__ == "__main__":
    main()
