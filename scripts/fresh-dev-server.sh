# Sourced by the scripts that need `make dev`'s server: starts a fresh one (built already) on free
# ports with its own data folder and DynamoDB Local, stops it and removes the folder on exit, and
# exports what it tells a user to export (API, BUYER_TOKEN, SELLER_TOKEN, ADMIN_TOKEN) and
# ORDERS_DEV_PORT / ORDERS_DEV_DATA_DIR, so tools like sign-alipay-notify find it.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dev_data=$(mktemp -d)
ORDERS_DEV_PORT=$(free_port)
ORDERS_DEV_DYNAMODB_PORT=$(free_port)
ORDERS_DEV_DATA_DIR=$dev_data
export ORDERS_DEV_PORT ORDERS_DEV_DYNAMODB_PORT ORDERS_DEV_DATA_DIR
target/debug/dev-server >"$dev_data/server.out" 2>"$dev_data/server.err" &
dev_server=$!
trap 'kill "$dev_server" 2>/dev/null; wait "$dev_server" 2>/dev/null; rm -rf "$dev_data"' EXIT
for _ in $(seq 1 600); do
  grep -q "^Order service on" "$dev_data/server.out" 2>/dev/null && break
  kill -0 "$dev_server" 2>/dev/null || { cat "$dev_data/server.err" >&2; exit 1; }
  sleep 0.1
done
grep -q "^Order service on" "$dev_data/server.out" || { echo "the dev server did not start" >&2; exit 1; }
eval "$(sed -n 's/^  export /export /p' "$dev_data/server.out")"
