#!/usr/bin/env bash
# The tests behind `make test` (lint has run): unit, integration and every e2e journey on
# one worker + SQLite; with LMS_TEST_POSTGRES_URL set (CI), every journey again on
# PostgreSQL + Redis + 3 workers, alongside the first pass. A browser journey mostly waits
# (on the browser, the server, the network), so the two passes share the cores well: on a
# slow 2-core machine one after the other took 16.6 min of CI's 20.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${BIN:-.venv/bin}/python"

scaled_pid=""
scaled_log="$(mktemp -t e2e-scaled.XXXXXX)"
stop_scaled() {
  if [ -n "$scaled_pid" ] && kill -0 "$scaled_pid" 2>/dev/null; then
    kill -INT "$scaled_pid"  # pytest runs its teardown (stops the app) on an interrupt
    wait "$scaled_pid"
  fi
  rm -f "$scaled_log"
}
trap stop_scaled EXIT

if [ -n "${LMS_TEST_POSTGRES_URL:-}" ]; then
  echo "e2e on PostgreSQL + Redis + 3 workers (LMS_E2E_MODE=scaled, port 3112) runs alongside;"
  echo "its report follows the first pass."
  LMS_E2E_MODE=scaled LMS_E2E_PORT=3112 REFLEX_WEB_WORKDIR=.web-scaled \
    "$PY" -m pytest tests/e2e -q -p no:cacheprovider >"$scaled_log" 2>&1 &
  scaled_pid=$!
else
  echo "LMS_TEST_POSTGRES_URL is not set: skipped the several-worker e2e pass"
fi

"$PY" -m pytest tests/unit tests/integration tests/e2e -q
first=$?
scaled=0
if [ -n "$scaled_pid" ]; then
  wait "$scaled_pid"
  scaled=$?
  scaled_pid=""
  echo "---- e2e on PostgreSQL + Redis + 3 workers (exit $scaled) ----"
  cat "$scaled_log"
fi
[ "$first" -eq 0 ] && [ "$scaled" -eq 0 ]
