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
