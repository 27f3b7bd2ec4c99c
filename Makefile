# Developer entry points. `make test` is what CI runs (via .ci/run).
CARGO ?= cargo

.PHONY: test test-rust test-python lint eval eval-rules eval-engine bench bench-rules

test: test-rust test-python

test-rust:
	$(CARGO) test --workspace --all-targets

test-python:
	scripts/ci-python.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Rule packs (issue 2): heavy evaluations and benchmarks, run by hand; figures go to docs/.
eval: eval-rules eval-engine
eval-rules:
	$(CARGO) run --release -p unspin-cli -- eval fingerprints --fast --rules ../shared/data/tortured/pps_fingerprints.csv
	$(CARGO) run --release -p unspin-cli -- eval clean --fast --rules ../shared/data/tortured/pps_fingerprints.csv

# Noisy-channel engine (issue 3): seed001 rows, dev pairs and clean enwiki2018 with the embedded
# model, the full engine on clean text, and the document score (docs/evaluation.md).
eval-engine:
	$(CARGO) build --release -p unspin-cli -p unspin --example dev_eval
	./target/release/examples/dev_eval --lm default --limit 1000
	./target/release/unspin eval clean --limit 1000
	./target/release/unspin eval score --limit 300

bench: bench-rules
bench-rules:
	$(CARGO) bench -p unspin --bench rules
