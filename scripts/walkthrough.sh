#!/usr/bin/env bash
# Runs docs/walkthrough.md against a fresh `make dev` server (its own ports, data folder and
# DynamoDB Local) and checks every answer (scripts/walkthrough.py). `--update` rewrites the
# walkthrough's answers from what the service says, for after a deliberate change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build -q -p orders-dev --bin dev-server --bin sign-alipay-notify --bin sign-wxpay-notify --bin sign-lianlian-notify
# shellcheck source=scripts/fresh-dev-server.sh
. scripts/fresh-dev-server.sh
python3 scripts/walkthrough.py docs/walkthrough.md "$@"
