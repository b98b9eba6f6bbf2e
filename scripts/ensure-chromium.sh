#!/usr/bin/env bash
# e2e tests drive Chromium. Debian's package when apt is available (the browser download of
# `playwright install` is blocked on machines without general internet), else Playwright's.
set -euo pipefail
cd "$(dirname "$0")/.."
for candidate in "${LMS_CHROMIUM:-}" /usr/lib/chromium/chromium /usr/bin/chromium; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  .venv/bin/python -m playwright install chromium
fi
