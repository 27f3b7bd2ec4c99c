# Developer entry points. `make test` is what CI runs (via .ci/run).
CARGO ?= cargo

.PHONY: test test-rust lint eval bench

test: test-rust

test-rust:
	$(CARGO) test --workspace --all-targets

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
