"""Front-end weight (issue 22): what a cold visit to the home page moves and how soon it paints.

Chromium (headless, the same binary the journeys use) opens the page in a fresh context, so
nothing is cached, waits until the network is idle, and reads the browser's own counters:

- bytes over the wire: `transferSize` of the navigation and of every resource (body as sent,
  compressed, plus headers), as the Resource Timing API reports it for same-origin files;
- JavaScript unpacked: `decodedBodySize` of every script;
- first contentful paint: the `first-contentful-paint` paint entry.

A second visit in the same context shows what the cache keeps (`/assets/` files are
immutable for a year, lms_reflex/api/static_cache.py). The floor app (a minimal Reflex app,
benchmarks/floor_app) is measured the same way, in the same run, as the floor.

    python -m benchmarks.frontend_bench --lms-dir /tmp/benchwt --runs 7

Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from playwright.sync_api import Browser, Page, sync_playwright

from benchmarks.progress_bench import (
    ROOT,
    port_of,
    start_floor,
    start_lms,
    stop_server,
    wait_until_up,
)

CHROMIUM = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium")
READ_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    fcp: fcp ? fcp.startTime : null,
    files: [nav, ...res].map(e => ({
      name: e.name, type: e.initiatorType, wire: e.transferSize,
      body: e.encodedBodySize, unpacked: e.decodedBodySize,
    })),
  };
}"""


@dataclass
class Visit:
    fcp_ms: float
    wire: int
    js_unpacked: int
    files: list[dict] = field(default_factory=list)


def visit(browser: Browser, url: str, warm: bool) -> tuple[Visit, Visit | None]:
    """One cold visit in a fresh context, then (if asked) a second one in the same context."""
    context = browser.new_context()
    try:
        first = _load(context.new_page(), url)
        second = _load(context.new_page(), url) if warm else None
    finally:
        context.close()
    return first, second


def _load(page: Page, url: str) -> Visit:
    page.goto(url, wait_until="networkidle")
    data = page.evaluate(READ_TIMING)
    files = data["files"]
    page.close()
    return Visit(
        fcp_ms=data["fcp"] or float("nan"),
        wire=sum(f["wire"] for f in files),
        js_unpacked=sum(f["unpacked"] for f in files if f["name"].endswith((".js", ".mjs"))),
        files=files,
    )


def summarize(label: str, visits: list[Visit], warm: list[Visit]) -> dict[str, float]:
    fcp = statistics.median(v.fcp_ms for v in visits)
    wire = statistics.median(v.wire for v in visits)
    unpacked = statistics.median(v.js_unpacked for v in visits)
    again = statistics.median(v.wire for v in warm) if warm else float("nan")
    print(
        f"{label:6} cold: {wire / 1024:7.1f} KiB over the wire, {len(visits[0].files):3d} files, "
        f"JS unpacked {unpacked / 1024:7.1f} KiB, FCP p50 {fcp:6.1f} ms "
        f"(min {min(v.fcp_ms for v in visits):.1f}, max {max(v.fcp_ms for v in visits):.1f}); "
        f"second visit {again / 1024:.1f} KiB"
    )
    return {"fcp": fcp, "wire": wire, "unpacked": unpacked}


KINDS = {
    ".js": "script",
    ".mjs": "script",
    ".css": "style",
    ".woff2": "font",
    ".woff": "font",
    ".jpg": "image",
    ".png": "image",
    ".webp": "image",
    ".svg": "image",
    ".ico": "image",
}


def by_kind(visit_: Visit) -> None:
    """Bytes over the wire per kind of file, so a change can be aimed at the biggest."""
    totals: dict[str, list[int]] = {}
    for f in visit_.files:
        path = f["name"].split("?", 1)[0]
        kind = next((k for ext, k in KINDS.items() if path.endswith(ext)), "page/other")
        count, wire = totals.get(kind, [0, 0])
        totals[kind] = [count + 1, wire + f["wire"]]
    parts = [f"{k} {n} files {w / 1024:.1f} KiB" for k, (n, w) in sorted(totals.items())]
    print("  by kind: " + ", ".join(parts))


def largest(visit_: Visit, count: int) -> None:
    print(f"  largest {count} files of one cold visit (KiB over the wire / unpacked):")
    for f in sorted(visit_.files, key=lambda f: -f["wire"])[:count]:
        name = f["name"].split("/", 3)[-1] or "/"
        print(f"    {f['wire'] / 1024:7.1f} {f['unpacked'] / 1024:8.1f}  {name}")


def measure(url: str, runs: int) -> tuple[list[Visit], list[Visit]]:
    exe = next((p for p in CHROMIUM if Path(p).exists()), None)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe) if exe else pw.chromium.launch()
        try:
            visit(browser, url, warm=False)  # the server's first answers warm its caches
            cold, warm = [], []
            for _ in range(runs):
                first, second = visit(browser, url, warm=True)
                cold.append(first)
                if second is not None:
                    warm.append(second)
        finally:
            browser.close()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lms-dir", default=str(ROOT))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--path", default="/", help="the page to open")
    parser.add_argument("--no-start", action="store_true")
    parser.add_argument("--floor-port", type=int, default=3310)
    parser.add_argument("--skip-floor", action="store_true")
    args = parser.parse_args()
    from lms_reflex.settings import get_settings

    base = get_settings().base_url.rstrip("/")
    url = f"http://localhost:{port_of(base)}{args.path}"
    print(
        f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
        f"{args.runs} cold visits of {url} in headless Chromium, then the floor app"
    )
    proc = None
    try:
        if not args.no_start:
            log = Path("/tmp/frontend_bench_lms.log")
            proc = start_lms(Path(args.lms_dir), log)
            wait_until_up(f"{base}/api/health", proc, log, 900)
        cold, warm = measure(url, args.runs)
    finally:
        stop_server(proc)
    lms = summarize("LMS", cold, warm)
    by_kind(cold[0])
    largest(cold[0], 12)
    if args.skip_floor:
        return
    log = Path("/tmp/frontend_bench_floor.log")
    floor_proc = start_floor(args.floor_port, Path("/tmp/frontend_bench_floor.db"), log)
    try:
        wait_until_up(f"http://localhost:{args.floor_port}/", floor_proc, log, 900)
        floor_cold, floor_warm = measure(f"http://localhost:{args.floor_port}/", args.runs)
    finally:
        stop_server(floor_proc)
    floor = summarize("floor", floor_cold, floor_warm)
    by_kind(floor_cold[0])
    print(
        f"ratios to the floor: bytes {lms['wire'] / floor['wire']:.2f}x, "
        f"JS unpacked {lms['unpacked'] / floor['unpacked']:.2f}x, "
        f"FCP {lms['fcp'] / floor['fcp']:.2f}x"
    )


if __name__ == "__main__":
    main()
