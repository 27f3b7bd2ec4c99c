#!/usr/bin/env python3
"""Screener fingerprints in text as PDF extraction gives it: lines wrapped mid-phrase, long words
hyphenated across the line break, and the typographic ligatures ﬁ, ﬂ, ﬀ kept.

    eval/pdf_text.py UNSPIN [--csv ../shared/data/tortured/pps_fingerprints.csv] [--limit N] [-- ARGS...]

Each fingerprint of the screener's CSV that names its expected wording and needs no context
(no AND) is placed in a sentence that is then set in narrow lines (the phrase always straddles a
line end, its crossing word hyphenated when it is long enough) and its fi/fl/ff turned into
ligatures; each sentence is one JSONL record, checked with `UNSPIN check --format json --fast --rules CSV` plus ARGS. A
placement is caught when a finding overlaps the phrase, exact when a finding's suggestion is the
expected wording. The same sentences unwrapped, without ligatures, are the baseline. Nothing
is written to the repository.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

TEMPLATE = "In this study the proposed {} was compared with earlier methods on three benchmarks."
LIGATURES = [("ffi", "\ufb03"), ("ffl", "\ufb04"), ("ff", "\ufb00"), ("fi", "\ufb01"), ("fl", "\ufb02")]


def fingerprints(path, limit):
    out = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            m = re.fullmatch(r'"([^"]+)"', row["tortured_phrase"].strip())
            expected = row["expected_phrase"].strip()
            if m and expected and "*" not in m.group(1):
                out.append((m.group(1), expected))
            if len(out) >= limit:
                break
    return out


def pdf_set(sentence, start, end):
    """The sentence in lines broken inside [start, end): the line ends in the phrase's middle
    word, hyphenated when it has 6 letters or more, else at the space before it."""
    words = list(re.finditer(r"\S+", sentence))
    inside = [w for w in words if w.start() >= start and w.end() <= end]
    w = inside[len(inside) // 2]
    word = w.group()
    if len(word) >= 6 and word.isalpha():
        cut = w.start() + len(word) // 2
        text = sentence[:cut] + "-\n" + sentence[cut:]
    else:
        text = sentence[: w.start()].rstrip() + "\n" + sentence[w.start():]
    return ligatures(text)


def ligatures(text):
    for letters, ligature in LIGATURES:
        text = text.replace(letters, ligature)
    return text


def run(unspin, records, extra, csv_path):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "placements.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i, text in enumerate(records):
                f.write(json.dumps({"id": i, "text": text}) + "\n")
        cmd = [unspin, "check", "--format", "json", "--fast", "--rules", csv_path, *extra, path]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)}: exit {done.returncode}\n{done.stderr}")
        return json.loads(done.stdout)


def score(reports, spans, expected):
    caught = exact = 0
    for report, (s, e), want in zip(reports, spans, expected):
        hits = [f for f in report["findings"] if f["start"] < e and f["end"] > s]
        caught += bool(hits)
        exact += any(f.get("suggestion", "").lower() == want.lower() for f in hits)
    return caught, exact


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unspin")
    ap.add_argument("--csv", default="../shared/data/tortured/pps_fingerprints.csv")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    pairs = fingerprints(a.csv, a.limit)
    plain, wrapped, spans_plain, spans_wrapped = [], [], [], []
    for phrase, _ in pairs:
        sentence = TEMPLATE.format(phrase)
        s = sentence.index(phrase)
        e = s + len(phrase)
        plain.append(sentence)
        spans_plain.append((len(sentence[:s].encode()), len(sentence[:e].encode())))
        text = pdf_set(sentence, s, e)
        wrapped.append(text)
        # Only the phrase's middle changes besides the ligatures: its span in UTF-8 bytes (as
        # findings count) runs from the set prefix to the set suffix.
        prefix, suffix = ligatures(sentence[:s]), ligatures(sentence[e:])
        spans_wrapped.append((len(prefix.encode()), len(text.encode()) - len(suffix.encode())))
    expected = [e for _, e in pairs]
    for name, records, spans in (("plain", plain, spans_plain), ("PDF-set", wrapped, spans_wrapped)):
        caught, exact = score(run(a.unspin, records, a.extra, a.csv), spans, expected)
        n = len(records)
        print(f"{name:8} {n} placements: caught {100 * caught / n:.1f}%, exact {100 * exact / n:.1f}%")


if __name__ == "__main__":
    main()
