#!/usr/bin/env bash
# e2e tests drive Chromium: Debian's headless shell when apt is available (the browser
# download of `playwright install` is blocked on machines without general internet), else
# Playwright's. The shell needs half the CPU of the full browser in headless mode
# (tests/e2e/conftest.py); the full browser still works when the shell cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."
for candidate in "${LMS_CHROMIUM:-}" /usr/lib/chromium/chromium-headless-shell; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
apt_install() {
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}
if apt_install chromium-headless-shell; then exit 0; fi
for candidate in /usr/lib/chromium/chromium /usr/bin/chromium; do
  if [ -x "$candidate" ]; then exit 0; fi
done
apt_install chromium || .venv/bin/python -m playwright install chromium
