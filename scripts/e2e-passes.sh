#!/usr/bin/env bash
# The browser journeys, once on one worker + SQLite and, when LMS_TEST_POSTGRES_URL names a
# PostgreSQL server, once more on PostgreSQL + Redis + 3 workers (LMS_E2E_MODE=scaled).
#
# The two passes wait on Chromium and the app far more than they compute, so they run side
# by side. The scaled pass builds into .web-scaled on the next port, and starts only once
# the first pass's app answers: two builds at once would both rewrite reflex.lock.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
port=${LMS_E2E_PORT:-3111}

if [ -z "${LMS_TEST_POSTGRES_URL:-}" ]; then
  echo "e2e: LMS_TEST_POSTGRES_URL is not set, so only the one-worker SQLite pass runs"
  exec "$py" -m pytest tests/e2e -q
fi

"$py" -m pytest tests/e2e -q &
single=$!
for _ in $(seq 900); do
  curl -sf "http://localhost:$port/api/health" >/dev/null && break
  kill -0 "$single" 2>/dev/null || break
  sleep 1
done

scaled_log=$(mktemp)
LMS_E2E_MODE=scaled LMS_E2E_PORT=$((port + 1)) REFLEX_WEB_WORKDIR=.web-scaled \
  "$py" -m pytest tests/e2e -q >"$scaled_log" 2>&1 &
scaled=$!

wait "$single"
single_rc=$?
wait "$scaled"
scaled_rc=$?
echo "== e2e on PostgreSQL + Redis + 3 workers (LMS_E2E_MODE=scaled) =="
cat "$scaled_log"
rm -f "$scaled_log"
echo "e2e exit codes: one worker + SQLite $single_rc, several workers $scaled_rc"
[ "$single_rc" -eq 0 ] && [ "$scaled_rc" -eq 0 ]
