#!/usr/bin/env bash
# The console in a real browser: builds it (its API client generated from docs/openapi.json),
# checks the size budget, then runs its Playwright tests in Debian's headless Chromium against a
# fresh `make dev` server (its own ports, data folder and DynamoDB Local).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  echo "installing Debian's chromium..."
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
make console
(cd console && node scripts/size.mjs)
cargo build -q -p orders-dev --bin dev-server
# shellcheck source=scripts/fresh-dev-server.sh
. scripts/fresh-dev-server.sh
cd console
CONSOLE_API="$API" npx playwright test
