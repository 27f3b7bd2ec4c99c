#!/usr/bin/env python3
"""Convert TorturePhrases_Estimator's list (PyPI, MIT) into the screener's CSV format.

    tortured_to_csv.py LIST OUT.csv

The list holds the Problematic Paper Screener's fingerprint queries, one per line, unquoted
(`profound learning AND deep learning`, `extricating highlights~20 NOT specular`), repeated many
times. Each distinct query becomes one CSV row (`tortured_phrase,expected_phrase,num_papers`)
with its phrases quoted, as `unspin check --rules` reads the screener's own CSV:
- a parenthesis right after a phrase is text, not a group (`fourth era (4G)`): it is dropped;
- `X AND Y` with Y as many words as X gives Y as the expected wording (in the screener's own
  CSV that holds for 93% of such queries: the AND phrase is the original the paper also uses);
  every other row has no expected wording and the engine proposes one;
- queries with wildcards (`optimiz*`) or quotes are skipped and counted;
- a lone phrase that is the document context or the expected wording of another query
  (`Transfer learning`), or a lone acronym (`IoT`, `NLP`: spinners replace words, they do not
  coin acronyms), is a correct term the list holds by mistake: dropped and counted;
- so is a lone phrase of models/tortured-correct.tsv (hand-reviewed: the correct wording itself,
  "Hidden Markov Model", or ordinary English that clean texts write as-is).
Rows are sorted, so the output does not depend on the list's order.
"""
import csv
import os
import re
import sys

REVIEWED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tortured-correct.tsv")


def reviewed_correct():
    """Lower-cased phrases of models/tortured-correct.tsv."""
    with open(REVIEWED, encoding="utf-8") as f:
        return {l.split("\t")[0].lower() for l in f if l.strip() and not l.startswith("#")}

OPERATORS = {"AND", "OR", "NOT"}


def tokens(line):
    """(kind, text) pairs: P phrase, O operator, B bracket."""
    out, words = [], []

    def flush():
        if words:
            out.append(("P", " ".join(words)))
            words.clear()

    literal = 0  # depth inside a parenthesis that is text
    for t in re.findall(r"\(|\)|[^()\s]+", line):
        after_operator = not words and (not out or (out[-1][0] in "OB" and out[-1][1] != ")"))
        if literal:
            literal += (t == "(") - (t == ")")
        elif t == "(" and not after_operator:
            literal = 1
        elif t in OPERATORS:
            flush()
            out.append(("O", t))
        elif t in "()":
            flush()
            out.append(("B", t))
        else:
            words.append(t)
    flush()
    return out


def quoted(phrase):
    m = re.fullmatch(r"(.*?)~(\d+)", phrase)
    return f'"{m.group(1)}"~{m.group(2)}' if m else f'"{phrase}"'


def main(src, dst):
    seen, rows, skipped = set(), [], 0
    with open(src, encoding="utf-8") as f:
        for raw in f:
            line = " ".join(raw.split())
            if not line or line == "Tortured Phrases" or line in seen:
                continue
            seen.add(line)
            if '"' in line or "*" in line:
                skipped += 1
                continue
            toks = tokens(line)
            query = " ".join(quoted(v) if k == "P" else v for k, v in toks)
            expected = ""
            if [k for k, _ in toks] == ["P", "O", "P"] and toks[1][1] == "AND":
                x, y = toks[0][1], toks[2][1]
                if len(x.split()) == len(y.split()) and x.lower() != y.lower() and "~" not in x + y:
                    expected = y
            rows.append((query, expected, toks))
    # Correct wordings the list itself names: every AND/OR phrase after the first AND, and
    # every expected wording.
    correct = set()
    for _, expected, toks in rows:
        if expected:
            correct.add(expected.lower())
        ops = [i for i, (k, v) in enumerate(toks) if k == "O" and v == "AND"]
        if ops:
            correct.update(v.lower() for k, v in toks[ops[0]:] if k == "P")
    reviewed = reviewed_correct()
    kept, dropped = [], {
        "correct term named by another query": 0,
        "lone acronym": 0,
        "correct or ordinary wording (models/tortured-correct.tsv)": 0,
    }
    for query, expected, toks in rows:
        if len(toks) == 1:
            phrase = toks[0][1]
            if phrase.lower() in correct:
                dropped["correct term named by another query"] += 1
                continue
            if phrase.lower() in reviewed:
                dropped["correct or ordinary wording (models/tortured-correct.tsv)"] += 1
                continue
            if " " not in phrase and sum(c.isupper() for c in phrase) >= 2:
                dropped["lone acronym"] += 1
                continue
        kept.append((query, expected))
    rows = sorted(kept)
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["tortured_phrase", "expected_phrase", "num_papers"])
        for query, expected in rows:
            w.writerow([query, expected, ""])
    with_expected = sum(1 for _, e in rows if e)
    print(f"{len(rows)} queries, {with_expected} with an expected wording, {skipped} skipped", file=sys.stderr)
    for why, n in dropped.items():
        print(f"  dropped {n}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
