#!/usr/bin/env bash
# After `make package`: every function has its zip, none over 4 MiB; prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((4 * 1024 * 1024))
status=0
for dir in functions/*/; do
  function=$(basename "$dir")
  zip=target/lambda/$function/bootstrap.zip
  if [ ! -f "$zip" ]; then
    echo "missing: $zip" >&2
    status=1
    continue
  fi
  bytes=$(stat -c %s "$zip")
  awk -v f="$function" -v b="$bytes" 'BEGIN { printf "%-26s %5.2f MiB\n", f, b / 1048576 }'
  if [ "$bytes" -gt "$limit" ]; then
    echo "over 4 MiB: $zip" >&2
    status=1
  fi
done
exit $status
