#!/usr/bin/env python3
"""Extract the embedded name gazetteer of `unspin::names` from WordNet 3.0.

Source: `src/wordnet.jsonl` of the crates.io package `thesaurus-wordnet` 0.2.0 (WordNet 3.0,
Princeton WordNet licence, which allows redistribution with its notice; the crate's build script
lower-cases everything, so we read its raw file, which keeps capitals). Every crate the workspace
depends on is in cargo's registry after `cargo fetch`, so this runs on any machine:

    python3 models/names/wordnet_names.py \
        ~/.cargo/registry/src/*/thesaurus-wordnet-0.2.0/src/wordnet.jsonl \
        > crates/unspin/src/names/wordnet_names.txt
    python3 models/names/wordnet_names.py --proper \
        ~/.cargo/registry/src/*/thesaurus-wordnet-0.2.0/src/wordnet.jsonl \
        > crates/unspin/src/names/wordnet_proper.txt

Output, one record a line, sorted:
- `name<TAB>Security Council`: a WordNet lemma of 2-6 words whose first and last words are
  capitalised (an organisation, place, event, person or title: "Battle of Hastings");
- `title<TAB>president<TAB>N`: a common noun that starts N >= 2 such names followed only by
  capitalised words ("President Lincoln", "Queen Isabella"): a title that precedes names.

With `--proper`, the proper nouns instead: one lower-cased word a line, sorted, for every
one-word lemma WordNet writes only capitalised ("Persia", "Bombay", "Kiev"; not "Bush", which is
a common noun too). Such a word is the writer's choice of name, never a spinner's synonym.
"""
import json
import re
import sys
from collections import Counter

NAME = re.compile(r"[A-Za-z][A-Za-z.'\-]*( [A-Za-z][A-Za-z.'\-]*){1,5}")


def proper_nouns(path):
    lemmas = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            # "word" is lower-cased by the crate; the synonyms keep WordNet's capitals.
            lemmas.update(json.loads(line)["synonyms"])
    lower = {l for l in lemmas if l.islower()}
    proper = {
        l.lower()
        for l in lemmas
        if " " not in l
        and l[:1].isupper()
        and l[1:2].islower()
        and l.replace("-", "").replace("'", "").isalpha()
        and l.lower() not in lower
    }
    sys.stdout.write("\n".join(sorted(proper)) + "\n")


def main(path):
    names = set()
    common = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            for lemma in [entry["word"]] + entry["synonyms"]:
                if lemma.islower() and " " not in lemma and entry.get("pos") == "noun":
                    common.add(lemma)
                if not NAME.fullmatch(lemma):
                    continue
                words = lemma.split(" ")
                if words[0][0].isupper() and words[-1][0].isupper():
                    names.add(lemma)
    titles = Counter()
    for name in names:
        words = name.split(" ")
        first = words[0].lower()
        if first in common and all(w[0].isupper() for w in words[1:]) and len(words[1]) > 2:
            titles[first] += 1
    out = [f"name\t{n}" for n in names]
    out += [f"title\t{t}\t{c}" for t, c in titles.items() if c >= 2]
    sys.stdout.write("\n".join(sorted(out)) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--proper":
        proper_nouns(sys.argv[2])
    else:
        main(sys.argv[1])
