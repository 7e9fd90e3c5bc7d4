# The two commands a fresh machine needs: `make dev` and `make test`. Both install what they use.

VENV := .tools/venv
export SAM_CLI_TELEMETRY := 0

FUNCTIONS := $(notdir $(wildcard functions/*))
LAMBDA_PACKAGES := $(foreach f,$(FUNCTIONS),-p $(f))

.PHONY: tools tools-all bench-tools dev test contract contract-long lint validate build package bench clean openapi

tools: ## DynamoDB Local (and Java 17 if missing)
	scripts/tools.sh db

tools-all: ## also cargo-lambda and the SAM CLI
	scripts/tools.sh all

dev: tools ## DynamoDB Local + demo shop + every function on 127.0.0.1:3000
	cargo run -p orders-dev --bin dev-server

test: tools ## unit, property and integration tests against DynamoDB Local
	cargo run -q -p orders-dev --bin with-dynamodb -- scripts/run-tests.sh

contract: tools ## schemathesis against the dev server's OpenAPI description, as buyer, seller and admin
	scripts/tools.sh contract
	scripts/contract.sh

contract-long: tools ## the same with 10x the generated cases (a few minutes)
	scripts/tools.sh contract
	CONTRACT_EXAMPLES=500 scripts/contract.sh

openapi: ## rewrite docs/openapi.json from the code (a test fails when it is stale)
	cargo run -q -p orders-dev --bin openapi > docs/openapi.json

lint: ## what CI enforces
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

validate: tools-all ## sam validate --lint
	$(VENV)/bin/sam validate --lint

build: tools-all ## release Lambda packages for arm64 (target/lambda/<function>/bootstrap.zip)
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64 --output-format zip $(LAMBDA_PACKAGES)

bench-tools: tools-all ## the Python peer's runtime, wrk and valgrind
	scripts/tools.sh bench

bench: bench-tools build ## cold start, instructions, size, round trips, load, scale -> bench/results.json, docs/benchmarks.md
	cargo build --release --workspace --bins
	target/release/orders-bench

package: tools-all ## sam build (uses cargo-lambda)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build --beta-features

clean:
	rm -rf .aws-sam target/lambda
