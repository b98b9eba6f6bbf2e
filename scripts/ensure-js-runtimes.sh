#!/usr/bin/env bash
# Reflex 0.10.1 needs node >= 22.22.0 and bun >= 1.4.4. Use the ones on PATH when they are
# new enough; otherwise install both from the npm registry into .tools/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

version_ok() {  # version_ok <have> <need>
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}
have() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | sed 's/^v//' | head -n1; }

node_v=$(have node || true)
bun_v=$(have bun || true)
if [ -n "$node_v" ] && version_ok "$node_v" 22.22.0 && [ -n "$bun_v" ] && version_ok "$bun_v" 1.4.4; then
  exit 0
fi
echo "Installing node 22 and bun 1.4.5 into .tools/ (found node '${node_v:-none}', bun '${bun_v:-none}')"
command -v npm >/dev/null || { echo "error: npm is needed to install node and bun" >&2; exit 1; }
# --prefix would also move npm's global config to .tools/etc/npmrc; keep the machine's one
# (it may name the CA bundle a TLS-inspecting proxy needs).
globalconfig=$(npm config get globalconfig)
npm install --prefix .tools --globalconfig "$globalconfig" --no-audit --no-fund \
  --loglevel=error bun@1.4.5 node@22 >/dev/null
.tools/node_modules/.bin/node --version >/dev/null
.tools/node_modules/.bin/bun --version >/dev/null
