#!/usr/bin/env bash
# Runs the README's walkthrough against a fresh `make dev` server (its own ports, data folder and
# DynamoDB Local) and checks every answer (scripts/walkthrough.py). `--update` rewrites the
# README's answers from what the service says, for after a deliberate change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build -q -p orders-dev --bin dev-server --bin sign-alipay-notify
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
data=$(mktemp -d)
export ORDERS_DEV_PORT=$(free_port) ORDERS_DEV_DYNAMODB_PORT=$(free_port) ORDERS_DEV_DATA_DIR=$data
target/debug/dev-server >"$data/server.out" 2>"$data/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  grep -q "^Order service on" "$data/server.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$data/server.err" >&2; exit 1; }
  sleep 0.1
done
# What the dev server tells a user to export.
eval "$(sed -n 's/^  export /export /p' "$data/server.out")"
python3 scripts/walkthrough.py README.md "$@"
