"""Starts the real app once per run (prod build, SMTP sink, demo data).

Two modes, picked by LMS_E2E_MODE:
- `single` (default): one worker, a fresh SQLite file, the memory state manager.
- `scaled`: a fresh PostgreSQL database (on the server of LMS_TEST_POSTGRES_URL), a flushed
  Redis database (LMS_E2E_REDIS_URL, else one picked from the port) and LMS_E2E_WORKERS
  backend workers (GRANIAN_WORKERS, default 3), as the README's several-worker deployment.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, create_engine, text

from lms_reflex import routes
from tests.e2e.csp import Violations
from tests.e2e.smtp_sink import SmtpSink
from tests.pg import postgres_database_url
from tests.stripe_standin import SECRET_KEY as STRIPE_SECRET_KEY
from tests.stripe_standin import WEBHOOK_SECRET as STRIPE_WEBHOOK_SECRET
from tests.stripe_standin import StripeStandin

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("LMS_E2E_PORT", "3111"))
MODE = os.environ.get("LMS_E2E_MODE", "single")
SCALED = MODE == "scaled"
WORKERS = int(os.environ.get("LMS_E2E_WORKERS", "3"))
# Redis databases 1..14, one per port, so helpers on other ports do not flush each other.
REDIS_URL = os.environ.get("LMS_E2E_REDIS_URL", f"redis://127.0.0.1:6379/{1 + PORT % 14}")
BASE_URL = f"http://localhost:{PORT}"
STARTUP_TIMEOUT_S = 900
# Two cores run the app, its build and Chromium at once; 5 s (the default) is too tight.
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
]


# Debian's headless shell first: the full browser in headless mode runs a browser and a
# GPU process that composite every frame; measured on the catalog, search, learning and
# notes journeys, the shell used half the CPU (29.8 s against 58.7 s), and CI's two cores
# are shared by three browsers, three servers and the unit tests.
CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
)


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("LMS_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    path = _chromium_path()
    return {
        **browser_type_launch_args,
        "args": CHROMIUM_ARGS,
        **({"executable_path": path} if path else {}),
    }


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def _wait_until_up(proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/api/health", timeout=2) as resp:
                if resp.status == 200:
                    with urllib.request.urlopen(BASE_URL + "/", timeout=5):
                        return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"app did not start in {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


def _flush_redis(url: str) -> None:
    import redis

    with redis.Redis.from_url(url, socket_timeout=5) as client:
        client.flushdb()


@pytest.fixture(scope="session")
def scaled_env() -> Iterator[dict[str, str]]:
    """In scaled mode: a fresh PostgreSQL database, a flushed Redis db, several workers."""
    if not SCALED:
        yield {}
        return
    if not os.environ.get("LMS_TEST_POSTGRES_URL"):
        pytest.fail("LMS_E2E_MODE=scaled needs LMS_TEST_POSTGRES_URL (a server to make a db on)")
    _flush_redis(REDIS_URL)
    with postgres_database_url() as url:
        yield {"LMS_DATABASE_URL": url, "LMS_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": str(WORKERS)}
    _flush_redis(REDIS_URL)


LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">'
    '<rect width="32" height="32" rx="6" fill="#3e63dd"/>'
    '<path d="M9 8v16h14" stroke="#fff" stroke-width="4" fill="none"/></svg>'
)


@pytest.fixture(scope="session")
def stripe_standin() -> Iterator[StripeStandin]:
    """The local Stripe stand-in (tests/stripe_standin.py); its Pay button signs the webhook."""
    standin = StripeStandin(webhook_url=f"{BASE_URL}{routes.WEBHOOK_STRIPE}").start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def app_env(
    tmp_path_factory: pytest.TempPathFactory,
    smtp: SmtpSink,
    scaled_env: dict[str, str],
    stripe_standin: StripeStandin,
) -> dict[str, str]:
    data = tmp_path_factory.mktemp("e2e-data")
    (data / "logo.svg").write_text(LOGO_SVG)  # LMS_SITE_LOGO: drawn in the header and footer
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        {
            "LMS_DATABASE_URL": f"sqlite:///{data}/lms.db",
            "LMS_DATA_DIR": str(data),
            "LMS_MEDIA_DIR": str(data / "media"),
            "LMS_MAIL_OUTBOX": str(data / "outbox"),
            "LMS_BASE_URL": BASE_URL,
            "LMS_SMTP_HOST": "127.0.0.1",
            "LMS_SMTP_PORT": str(smtp.port),
            "LMS_SMTP_STARTTLS": "0",
            # As behind the sample nginx; browsers here send no forwarding header, so
            # their address stays the peer's (tests/e2e/test_proxy_address.py sends one).
            "LMS_TRUSTED_PROXIES": "127.0.0.1",
            # Stripe Checkout against the local stand-in; bank transfer stays on as well.
            "LMS_STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
            "LMS_STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            "LMS_STRIPE_API_BASE": stripe_standin.base_url,
            "LMS_BANK_INSTRUCTIONS": "Transfer to IBAN XX00 TEST 0000 and quote the reference.",
            "LMS_SITE_LOGO": str(data / "logo.svg"),
            # The instructor's digest of new lesson questions, a second after the first one.
            "LMS_QUESTION_DIGEST_DELAY_S": "1",
            **scaled_env,
        }
    )
    return env


@functools.cache
def _engine(url: str) -> Engine:
    return create_engine(url)


def db_rows(app_env: dict[str, str], sql: str, **params: object) -> list[tuple]:
    """Rows of a query on the app's database, SQLite or PostgreSQL (quote "user")."""
    with _engine(app_env["LMS_DATABASE_URL"]).connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def db_row(app_env: dict[str, str], sql: str, **params: object) -> dict | None:
    """The first row of a query as a dict (column -> value), or None."""
    with _engine(app_env["LMS_DATABASE_URL"]).connect() as conn:
        row = conn.execute(text(sql), params).mappings().first()
        return dict(row) if row is not None else None


@pytest.fixture(scope="session")
def app_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the app's stdout and stderr go (tests read it to check what was logged)."""
    return tmp_path_factory.mktemp("e2e-log") / "app.log"


@pytest.fixture(scope="session")
def live_app(app_env: dict[str, str], app_log: Path) -> Iterator[str]:
    """The real app: `python -m lms_reflex migrate`, `seed-demo`, `python -m lms_reflex.serve`."""
    py = sys.executable
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run(
            [py, "-m", "lms_reflex", *command],
            cwd=ROOT,
            env=app_env,
            check=True,
            capture_output=True,
        )
    log = app_log
    with log.open("w") as out:
        proc = subprocess.Popen(
            [py, "-m", "lms_reflex.serve"],
            cwd=ROOT,
            env=app_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(proc, log)
        yield BASE_URL
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """End the app and its workers (they share its process group)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


@pytest.fixture(scope="session")
def base_url(live_app: str) -> str:
    """pytest-playwright resolves relative page.goto() against this."""
    return live_app


@pytest.fixture(autouse=True)
def _patient_pages(page: Page) -> None:
    page.set_default_timeout(WAIT_MS)


@pytest.fixture(autouse=True)
def _no_csp_violations(page: Page) -> Iterator[None]:
    """Every page the suite visits runs under the enforced policy with no violation."""
    violations = Violations(page)
    yield
    violations.check()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


SETTLE_ANIMATIONS = """() => Promise.race([
    Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => null))),
    new Promise((done) => setTimeout(done, 3000)),
])"""


def _without_leaving_toasts(violation: dict) -> dict:
    """A toast that started to leave while axe ran (sonner marks it data-removed) is fading
    out half-transparent; nobody reads it, so its contrast is not measured."""
    nodes = [n for n in violation["nodes"] if 'data-removed="true"' not in str(n["target"])]
    return {**violation, "nodes": nodes}


@pytest.fixture
def check_a11y(axe: Axe):
    """Fail on serious or critical axe-core violations of the page as it is now."""

    def check(page: Page) -> None:
        if MODE == "scaled":
            return  # axe judges the compiled front end, the same in both modes (README)
        # Dialogs and toasts fade in; axe would measure contrast half-way through.
        page.evaluate(SETTLE_ANIMATIONS)
        # A toast on its way out (sonner marks it data-removed) fades over a few hundred ms
        # and is gone; nobody reads it in between.
        page.wait_for_function(
            "() => !document.querySelector('[data-sonner-toast][data-removed=\"true\"]')",
            timeout=5000,
        )
        result = axe.run(page)
        bad = [
            v
            for v in map(_without_leaving_toasts, result.response["violations"])
            if v.get("impact") in ("serious", "critical") and v["nodes"]
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            f"{[(n['target'], n.get('html', '')[:200]) for n in v['nodes'][:3]]}"
            for v in bad
        )
        assert not bad, f"accessibility violations on {page.url}:\n{details}"

    return check


def eventually(
    done: Callable[[], bool], what: str | Callable[[], str], timeout_s: float = 15
) -> None:
    """Poll `done` until it holds: for what the server writes after the page has answered
    (debounced autosaves, progress sent in the background, files cleaned up). `what` says
    what never happened (a callable is asked only then, to show the last state seen)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, what() if callable(what) else what
        time.sleep(0.2)


def wait_for_app(page: Page) -> None:
    """Reflex pages hydrate over a websocket; wait until the page's data arrived."""
    page.wait_for_load_state("networkidle")
