# Developer entry points. `make test` is what CI runs (via .ci/run).
CARGO ?= cargo

.PHONY: test test-rust test-python lint eval eval-rules eval-engine eval-engine-enwiki bench bench-rules bench-engine-enwiki

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
	$(CARGO) build --release -p unspin-cli
	$(CARGO) build --release -p unspin --example dev_eval --example propose_eval --example tortured_docs_eval
	./target/release/examples/dev_eval --lm default --limit 1000
	./target/release/examples/tortured_docs_eval --lm default --docs 500
	./target/release/unspin eval clean --limit 1000
	./target/release/unspin eval score --limit 300
	./target/release/unspin eval fingerprints --rules crates/unspin/rules/builtin.toml --show 0

# The same with an order-3 model of all of enwiki2015 (built once, ~3 minutes on 2 cores, 150 MB,
# never committed): collocation repairs and their calibration on synthetic spins.
ENWIKI_MODEL ?= target/models/enwiki2015-o3.lm
$(ENWIKI_MODEL):
	$(CARGO) build --release -p unspin-cli
	mkdir -p $(dir $(ENWIKI_MODEL))
	./target/release/unspin model build --corpus ../shared/data/corpora/enwiki2015.jsonl.zst --out $(ENWIKI_MODEL) \
	  --order 3 --min-count 2 --prune-from 3 --memory 3072 \
	  --source "enwiki2015.jsonl.zst (27,937 English Wikipedia articles, 2015)" --licence "CC BY-SA 3.0"

eval-engine-enwiki: $(ENWIKI_MODEL)
	$(CARGO) build --release -p unspin-cli
	$(CARGO) build --release -p unspin --example dev_eval --example collocation_eval --example propose_eval --example tortured_docs_eval
	./target/release/examples/dev_eval --lm file:$(ENWIKI_MODEL) --limit 1000
	./target/release/examples/propose_eval --lm file:$(ENWIKI_MODEL)
	./target/release/examples/tortured_docs_eval --lm file:$(ENWIKI_MODEL) --docs 500
	./target/release/unspin eval clean --model $(ENWIKI_MODEL) --limit 1000
	./target/release/examples/collocation_eval --lm file:$(ENWIKI_MODEL) --docs 300

bench: bench-rules
bench-rules:
	$(CARGO) bench -p unspin --bench rules

# Engine throughput at corpus scale (docs/benchmarks.md, ninth pass): enwiki2018 articles
# 5,001-15,000, one thread, the embedded model and the order-3 model.
bench-engine-enwiki: $(ENWIKI_MODEL)
	$(CARGO) build --release -p unspin-cli
	FROM=5001 ARTICLES=10000 RUNS=2 scripts/bench-engine-ab.sh target/release/unspin target/release/unspin@$(ENWIKI_MODEL)
