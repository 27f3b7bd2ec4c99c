#!/usr/bin/env python3
"""Give American spellings the counts of their British forms in symspellpy's count lists.

symspellpy's lists come from Google Books with British spellings only for hundreds of words:
"labour", "favourite", "offence", "kilometres" are there, "labor", "favorite", "offense",
"kilometers" are not, and "center", "behavior", "color" are there without any of their bigrams
("centre of", "behaviour of", "colour of" are). Every American text then reads as full of words
the model has never seen, which the decoder must keep as written and whose neighbours look
unattested. The same word spelled the other way gets the same counts.

Which words are spelling variants comes from SCOWL's two Debian word lists (`wamerican`,
`wbritish`): a word only the American list holds is paired with a word only the British list
holds when one regular spelling change turns one into the other (-or/-our, -ize/-ise,
-yze/-yse, -ense/-ence, -er/-re, -l-/-ll- before a suffix, -og/-ogue, e/ae, e/oe; a word may
take two of them, "anesthetize"/"anaesthetise"), and only when exactly one British word matches.

    american_spellings.py UNIGRAMS BIGRAMS AMERICAN BRITISH OUT_DIR

writes OUT_DIR/unigrams.txt and OUT_DIR/bigrams.txt (the input lines first, unchanged, then
the added lines) and prints a JSON summary: pairs found, unigram and bigram lines added.
Deterministic: the same inputs give the same bytes.
"""

import json
import re
import sys

# (American, British) fragments: each is tried at every place the American word has it.
CHANGES = [
    ("or", "our"),
    ("iz", "is"),
    ("yz", "ys"),
    ("ens", "enc"),
    ("og", "ogue"),
    ("ter", "tre"),
    ("ber", "bre"),
    ("ger", "gre"),
    ("ver", "vre"),
    ("cer", "cre"),
    ("e", "ae"),
    ("e", "oe"),
]
# -l- doubled before a suffix: "traveled" / "travelled", "counseling" / "counselling".
DOUBLED_L = re.compile(r"l(ed|ing|er|ers)$")


def one_change(word):
    out = set()
    for us, uk in CHANGES:
        for m in re.finditer(us, word):
            out.add(word[: m.start()] + uk + word[m.end() :])
    m = DOUBLED_L.search(word)
    if m:
        out.add(word[: m.start()] + "l" + word[m.start() :])
    return out


def british_forms(word):
    first = one_change(word)
    second = set()
    for w in first:
        second |= one_change(w)
    return first | second


def read_words(path):
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def read_counts(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    counts = {}
    for line in lines:
        *words, count = line.split()
        counts[tuple(words)] = int(count)
    return lines, counts


def main():
    uni_path, bi_path, american_path, british_path, out_dir = sys.argv[1:]
    american, british = read_words(american_path), read_words(british_path)
    american_only, british_only = american - british, british - american

    british_to_american = {}
    for word in sorted(american_only):
        if not word.isalpha() or not word.islower():
            continue
        matches = sorted(british_forms(word) & british_only)
        if len(matches) == 1:
            british_to_american.setdefault(matches[0], word)

    uni_lines, unigrams = read_counts(uni_path)
    bi_lines, bigrams = read_counts(bi_path)

    added_uni = []
    for (word,), count in unigrams.items():
        us = british_to_american.get(word)
        if us and (us,) not in unigrams:
            added_uni.append(f"{us} {count}")
    added_bi = []
    for (a, b), count in bigrams.items():
        us = (british_to_american.get(a, a), british_to_american.get(b, b))
        if us != (a, b) and us not in bigrams:
            added_bi.append(f"{us[0]} {us[1]} {count}")

    with open(f"{out_dir}/unigrams.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(uni_lines + added_uni) + "\n")
    with open(f"{out_dir}/bigrams.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(bi_lines + added_bi) + "\n")
    summary = {
        "pairs": len(british_to_american),
        "unigrams_added": len(added_uni),
        "bigrams_added": len(added_bi),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
