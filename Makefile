# Developer entry points. `make test` is what CI runs (via .ci/run).
CARGO ?= cargo

.PHONY: test test-rust test-python lint eval bench

test: test-rust test-python

test-rust:
	$(CARGO) test --workspace --all-targets

test-python:
	scripts/ci-python.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Rule packs (issue 2): heavy evaluations and benchmarks, run by hand; figures go to docs/.
eval: eval-rules
eval-rules:
	$(CARGO) run --release -p unspin-cli -- eval fingerprints --fast --rules ../shared/data/tortured/pps_fingerprints.csv
	$(CARGO) run --release -p unspin-cli -- eval clean --fast --rules ../shared/data/tortured/pps_fingerprints.csv

bench: bench-rules
bench-rules:
	$(CARGO) bench -p unspin --bench rules
