"""`python -m lms_reflex.serve`: the production server, with only its workers holding the app.

`reflex run --env prod` compiles the app inside its own process, keeps that process as
granian's supervisor and forks the worker from it, so the compiler's leftovers stay
resident in both (325-331 MiB counted once at idle; benchmarks/README.md, "Sixth session").
Here `reflex export` builds the pages in a child process that exits, and this process then
supervises granian without importing Reflex's app or the LMS: one worker imports the
already compiled app itself; several share one import made here before they fork
(`preload_app`). Whatever this module imports at the top stays resident for the server's
life, so it imports only the standard library.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import subprocess
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from urllib.parse import urlsplit

APP_TARGET = "lms_reflex.lms_reflex:app"
DEFAULT_BASE_URL = "http://localhost:3000"  # lms_reflex.settings.Settings.base_url's default
# What `reflex run` binds to; the deploy docs pass --host 127.0.0.1 behind nginx.
DEFAULT_HOST = "0.0.0.0"  # noqa: S104

# What `reflex run --env prod` tells its workers through the environment (names from
# reflex_base.environment; tests/unit/test_serve.py checks them against the installed
# Reflex): production mode, the pages are already built, and the backend serves them.
WORKER_ENV = {
    "REFLEX_ENV_MODE": "prod",
    "__REFLEX_SKIP_COMPILE": "true",
    "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
}


def listen_port(environ: Mapping[str, str]) -> int:
    """LMS_PORT, else LMS_BASE_URL's port, else 3000; rxconfig.py uses the same rule."""
    base_url = environ.get("LMS_BASE_URL") or DEFAULT_BASE_URL
    return int(environ.get("LMS_PORT") or urlsplit(base_url).port or 3000)


def worker_count(environ: Mapping[str, str]) -> int:
    """One worker without Redis: the memory state manager lives in one process.

    With Redis, GRANIAN_WORKERS, else Reflex's own default (2 x cores + 1, after a ping).
    """
    if not environ.get("LMS_REDIS_URL"):
        return 1
    if environ.get("GRANIAN_WORKERS"):
        return int(environ["GRANIAN_WORKERS"])
    from reflex.utils.processes import get_num_workers

    return get_num_workers()


def build_pages() -> int:
    """Compile the app and build the frontend in a child process; its exit status.

    The child also checks the LMS_* settings (rxconfig.py) and prints one line on a bad one.
    """
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    return subprocess.run([*command, "--env", "prod"], check=False).returncode  # noqa: S603


def prepare_worker_env(environ: MutableMapping[str, str]) -> None:
    """Set before granian forks: each worker reads these when it builds its app."""
    environ.update(WORKER_ENV)


def preload_app() -> None:
    """Import the app once in the supervisor, for several workers to share.

    Each worker would otherwise import it on its own: seconds of CPU each at start, and
    its own copy of the modules. Forked after the import, they share those pages
    copy-on-write; the freeze keeps their collections from writing to the shared objects
    (which would copy the pages). One worker gains nothing: the supervisor would hold the
    app beside it (203 MiB at idle against 184; benchmarks/README.md, "Sixth session").
    """
    importlib.import_module(APP_TARGET.partition(":")[0])
    gc.collect()
    gc.freeze()


def run_server(host: str, port: int, workers: int) -> None:
    """Granian's supervisor in this process; several workers share the app's import."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    if workers > 1:
        preload_app()
    Server(
        target=APP_TARGET,
        factory=True,  # Reflex's App is called once per worker to build its ASGI app
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        log_level=LogLevels(os.environ.get("GRANIAN_LOG_LEVEL", "warning")),
    ).serve()


def main(argv: Sequence[str] | None = None) -> int:
    """Build the pages, then serve; a failed build's status is the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lms_reflex.serve", description=__doc__)
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    args = parser.parse_args(argv)
    status = build_pages()
    if status != 0:
        return status
    prepare_worker_env(os.environ)
    port, workers = listen_port(os.environ), worker_count(os.environ)
    print(f"lms_reflex: serving http://{args.host}:{port}/ with {workers} worker(s)", flush=True)
    run_server(args.host, port, workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
