#!/usr/bin/env python3
"""Turn CMU's generic US-English language model (PyPI pocketsphinx) into count lists.

    python3 models/cmu_bigrams.py SYMSPELL_UNIGRAMS SYMSPELL_BIGRAMS OUT_DIR

An experiment (docs/evaluation.md, "Tried and not merged"), not part of the default build: run it
inside a virtual environment where `pocketsphinx` is installed.
Writes OUT_DIR/unigrams.txt (`word count`) and OUT_DIR/bigrams.txt (`w1 w2 count`) for
`unspin model import-counts`, and prints a JSON description of what went in.

Why: symspellpy's 242 k Google Books bigrams are too few to tell an unattested spun bigram
("ukrainian pressures") from a rare real one. pocketsphinx ships a pruned trigram model
(72 k words, 2.05 M bigrams, 1.67 M trigrams). Its trigrams cannot be read back: the ARPA
writer of pocketsphinx 5.1.1 (and of Debian's sphinxbase) crashes at the trigram section
(an assertion on the trie's n-gram counts), so the writer runs in a child process and this
script keeps what it wrote before the crash, once it has checked that the unigram and bigram
sections are complete (all but at most 0.01% of the declared bigrams: the child's last
unflushed write buffer).

Bigram probabilities become counts in the scale of symspellpy's unigram counts:
c(w1 w2) = P(w2 | w1) * c(w1), so that the counts model's relative frequencies reproduce the
CMU conditional probabilities. Where symspellpy has a real count, the larger one is kept.
"""

import json
import math
import os
import subprocess
import sys
import tempfile

WRITER = r"""
import os, sys
import pocketsphinx as p
path = os.path.join(os.path.dirname(p.__file__), "model", "en-us", "en-us.lm.bin")
config = p.Config()
logmath = p.LogMath()
model = p.NGramModel(config, logmath, path)
model.write(sys.argv[1], p.NGramModel.str_to_type("arpa"))
"""

MARKERS = {"<s>", "</s>", "<unk>"}


def read_counts(path, n):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != n + 1:
                continue
            key = " ".join(p.lower() for p in parts[:n])
            counts[key] = max(counts.get(key, 0), int(parts[n]))
    return counts


def read_arpa(path):
    declared = {}
    grams = {1: {}, 2: {}}
    section = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("ngram "):
                n, c = line[6:].split("=")
                declared[int(n)] = int(c)
                continue
            if line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:-7])
                continue
            if section not in grams:
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                continue
            # pocketsphinx separates the words by tabs too: `logp<TAB>w1<TAB>w2[<TAB>backoff]`.
            words = fields[1 : 1 + section]
            if len(words) != section or any(" " in w for w in words):
                continue
            try:
                logp = float(fields[0])
            except ValueError:
                continue
            grams[section][tuple(words)] = logp
    return declared, grams


def main():
    uni_path, bi_path, out_dir = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        arpa = os.path.join(tmp, "en-us.arpa")
        child = subprocess.run([sys.executable, "-c", WRITER, arpa], capture_output=True)
        declared, grams = read_arpa(arpa)
    for n in (1, 2):
        have, want = len(grams[n]), declared.get(n, 0)
        if want == 0 or have < want * 0.9999:
            sys.exit(
                f"pocketsphinx wrote {have} of {want} {n}-grams (exit status {child.returncode}):"
                f" the model cannot be read\n{child.stderr.decode(errors='replace')[-2000:]}"
            )

    symspell_uni = read_counts(uni_path, 1)
    symspell_bi = read_counts(bi_path, 2)
    total = sum(symspell_uni.values())

    unigrams = dict(symspell_uni)
    for (w,), logp in grams[1].items():
        w = w.lower()
        if w in MARKERS:
            continue
        pseudo = max(1, round(10 ** logp * total))
        if w not in unigrams:
            unigrams[w] = pseudo
    bigrams = dict(symspell_bi)
    for (w1, w2), logp in grams[2].items():
        w1, w2 = w1.lower(), w2.lower()
        if w1 in MARKERS or w2 in MARKERS or w1 not in unigrams:
            continue
        key = f"{w1} {w2}"
        pseudo = max(1, round(10 ** logp * unigrams[w1]))
        bigrams[key] = max(bigrams.get(key, 0), pseudo)

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "unigrams.txt"), "w", encoding="utf-8") as f:
        for w in sorted(unigrams):
            f.write(f"{w} {unigrams[w]}\n")
    with open(os.path.join(out_dir, "bigrams.txt"), "w", encoding="utf-8") as f:
        for k in sorted(bigrams):
            f.write(f"{k} {bigrams[k]}\n")
    json.dump(
        {
            "cmu_declared": declared,
            "cmu_read": {str(n): len(g) for n, g in grams.items()},
            "unigrams": len(unigrams),
            "bigrams": len(bigrams),
            "writer_exit_status": child.returncode,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
