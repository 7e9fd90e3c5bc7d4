# The two commands a fresh machine needs: `make dev` and `make test`. Both install what they use.

VENV := .tools/venv
export SAM_CLI_TELEMETRY := 0

FUNCTIONS := $(notdir $(wildcard functions/*))
LAMBDA_PACKAGES := $(foreach f,$(FUNCTIONS),-p $(f))

.PHONY: tools tools-all bench-tools dev test contract contract-long walkthrough events lint validate package deploy bench clean openapi console console-test console-screenshots

tools: ## DynamoDB Local (and Java 17 if missing)
	scripts/tools.sh db

tools-all: ## also cargo-lambda and the SAM CLI
	scripts/tools.sh all

dev: tools console ## DynamoDB Local + demo shop + every function on 127.0.0.1:3000 (the console at /console)
	cargo run -p orders-dev --bin dev-server

CONSOLE_SOURCES := $(shell find console/src console/index.html console/package-lock.json console/vite.config.ts -type f -not -name schema.d.ts 2>/dev/null)

console: console/dist/index.html ## build the console (console/dist), its API client generated from docs/openapi.json

console/dist/index.html: $(CONSOLE_SOURCES) docs/openapi.json
	cd console && npm ci --no-audit --no-fund --loglevel=error && npm run build

console-test: tools ## the console in headless Chromium (Playwright, axe-core) against a fresh dev server, and its size budget
	scripts/console-test.sh

console-screenshots: tools ## rewrite docs/console/*.png from the console tests
	CONSOLE_SCREENSHOTS=1 scripts/console-test.sh

test: tools ## unit, property and integration tests against DynamoDB Local
	cargo run -q -p orders-dev --bin with-dynamodb -- scripts/run-tests.sh

contract: tools ## schemathesis against the dev server's OpenAPI description, as buyer, seller and admin
	scripts/tools.sh contract
	scripts/contract.sh

contract-long: tools ## the same with 10x the generated cases (a few minutes)
	scripts/tools.sh contract
	CONTRACT_EXAMPLES=500 scripts/contract.sh

walkthrough: tools ## run docs/walkthrough.md against a fresh dev server and check every answer
	scripts/walkthrough.sh

events: ## rewrite events/ from dev/src/events.rs (a test fails when they are stale)
	cargo run -q -p orders-dev --bin events

openapi: ## rewrite docs/openapi.json from the code (a test fails when it is stale)
	cargo run -q -p orders-dev --bin openapi > docs/openapi.json

lint: ## what CI enforces
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

validate: tools-all ## sam validate --lint, and every reference resolving after the SAM transform
	$(VENV)/bin/sam validate --lint
	$(VENV)/bin/python scripts/check-template.py template.yaml

package: tools-all ## every function as a release arm64 zip, in one cargo invocation (target/lambda/<function>/bootstrap.zip)
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64 --output-format zip $(LAMBDA_PACKAGES)
	scripts/check-zips.sh

bench-tools: tools-all ## the Python peer's runtime, wrk and valgrind
	scripts/tools.sh bench

bench: bench-tools package ## cold start, instructions, size, round trips, load, scale -> bench/results.json, docs/benchmarks.md
	cargo build --release --workspace --bins
	target/release/orders-bench

deploy: package ## sam deploy of template.yaml with the zips (asks for the parameters the first time)
	@if grep -q '^parameter_overrides' samconfig.toml; then \
	  $(VENV)/bin/sam deploy; \
	else \
	  $(VENV)/bin/sam deploy --guided; \
	fi

clean:
	rm -rf .aws-sam target/lambda
