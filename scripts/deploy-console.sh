#!/usr/bin/env bash
# Uploads the console to a stack deployed with ConsoleEnabled=true, with the config.json it reads:
#   scripts/deploy-console.sh <stack> <authorize URL> <token URL> <client id>
# e.g. with Cognito's hosted UI: https://<domain>.auth.<region>.amazoncognito.com/oauth2/authorize,
# .../oauth2/token and the user pool app client's id (public client, authorization code grant,
# the stack's ConsoleUrl among its callback URLs). Needs the AWS CLI and the stack's outputs.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 <stack> <authorize URL> <token URL> <client id>" >&2; exit 2; }
stack=$1 authorize_url=$2 token_url=$3 client_id=$4
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
api_url=$(output ApiUrl)
bucket=$(output ConsoleBucketName)
console_url=$(output ConsoleUrl)
if [ -z "$bucket" ] || [ "$bucket" = "None" ]; then
  echo "the stack $stack has no console: deploy it with ConsoleEnabled=true first" >&2
  exit 1
fi
make console
python3 - "$api_url" "$authorize_url" "$token_url" "$client_id" > console/dist/config.json <<'PY'
import json, sys
api_url, authorize_url, token_url, client_id = sys.argv[1:5]
print(json.dumps({"api_url": api_url, "authorize_url": authorize_url, "token_url": token_url,
                  "client_id": client_id, "scope": "openid"}, indent=2))
PY
# Hashed assets never change; the page and its config are read fresh.
aws s3 sync console/dist/assets "s3://$bucket/console/assets" --delete \
  --cache-control "public, max-age=31536000, immutable"
aws s3 cp console/dist/index.html "s3://$bucket/console/index.html" --cache-control "no-cache"
aws s3 cp console/dist/config.json "s3://$bucket/console/config.json" --cache-control "no-cache" \
  --content-type application/json
echo "the console is at $console_url (its sign-in returns there: keep it among the app client's callback URLs)"
