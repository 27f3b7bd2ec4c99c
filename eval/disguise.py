#!/usr/bin/env python3
"""Texts disguised with letters that look Latin ("сounterfeit" with Cyrillic U+0441, "machıne"
with dotless U+0131).

    eval/disguise.py UNSPIN [--shared ../shared] [--articles N] [--shares 0.1,0.3,1.0] [-- ARGS...]

The texts: the dev spun texts and their originals, and N enwiki2018 articles (#2,001 on). Each is
checked and restored as written, then again with each letter that has a Cyrillic look-alike
(a c e o p x y, A B C E H K M O P T X) swapped for it with the given probability (seeded, so
runs repeat); then the same with the Latin script's own look-alikes (i → ı, a → ɑ, g → ɡ,
j → ȷ). Reported per alphabet and share:

- findings kept: of the (rule, suggestion) pairs found in the plain texts, by any detector but
  `homoglyph`, the share found in the disguised ones too;
- restored alike: the texts whose restored disguised form is the restored plain form;
- same language: the texts whose language is that of the plain form;
- spun: the disguised texts judged spun (a disguise is itself evidence), against the plain ones;
- disguised words reported: `homoglyph` findings, against the words holding a swapped letter.

Then every letter in mathematical bold ("𝐜𝐨𝐮𝐧𝐭𝐞𝐫"), in fullwidth ("ｃｏｕｎｔｅｒ") and every lower-case
letter in small capitals ("ᴄᴏᴜɴᴛᴇʀ"), styling rather than a disguise: findings kept, and texts in
the language of their plain form.

Then an invisible character (zero-width space, joiners, word joiner, soft hyphen, direction mark)
inside each word with the given probability: findings kept, restored alike (soft hyphens aside,
which `restore` leaves as written), spun, and hidden words reported against the words that hold
one (soft hyphens aside).

Each text is one JSONL record of `UNSPIN check --format jsonl` and `UNSPIN restore` (plus ARGS).
Nothing is written to the repository.
"""

import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys
import tempfile

LOOK_ALIKES = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "x": "\u0445",
    "y": "\u0443", "A": "\u0410", "B": "\u0412", "C": "\u0421", "E": "\u0415", "H": "\u041d",
    "K": "\u041a", "M": "\u041c", "O": "\u041e", "P": "\u0420", "T": "\u0422", "X": "\u0425",
}


LATIN_LOOK_ALIKES = {"i": "\u0131", "a": "\u0251", "g": "\u0261", "j": "\u0237"}

# Each alphabet of look-alikes, and the letters by which a disguised word is counted.
ALPHABETS = [
    ("cyrillic", LOOK_ALIKES, "[\u0400-\u04ff]"),
    ("latin", LATIN_LOOK_ALIKES, "[\u0131\u0251\u0261\u0237]"),
]

SMALL_CAPITALS = dict(zip(
    "abcdefghijklmnopqrstuvwyz",
    "\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a\u1d0a\u1d0b\u029f\u1d0d\u0274\u1d0f"
    "\u1d18\ua7af\u0280\ua731\u1d1b\u1d1c\u1d20\u1d21\u028f\u1d22",
))


def disguise(text, share, seed, table=LOOK_ALIKES):
    rng = random.Random(seed)
    return "".join(table[c] if c in table and rng.random() < share else c for c in text)


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e"]


def hide(text, share, seed):
    """An invisible character (zero-width space, joiners, word joiner, soft hyphen, direction
    mark) inside each word of three letters or more with probability `share`."""
    rng = random.Random(seed)

    def word(m):
        w = m.group(0)
        if len(w) < 3 or rng.random() >= share:
            return w
        i = rng.randrange(1, len(w))
        return w[:i] + rng.choice(INVISIBLE) + w[i:]
    return re.sub(r"[A-Za-z]+", word, text)


def styled(text, style):
    """Every ASCII letter in mathematical bold or fullwidth: styling, not a disguise."""
    def letter(c):
        if not ("a" <= c <= "z" or "A" <= c <= "Z"):
            return c
        if style == "smallcaps":
            return SMALL_CAPITALS.get(c, c)
        if style == "fullwidth":
            return chr(ord(c) + 0xFEE0)
        return chr(0x1D400 + (ord(c) - 65 if c <= "Z" else 26 + ord(c) - 97))
    return "".join(letter(c) for c in text)


def texts(shared, articles):
    dev = os.path.join(shared, "eval/dev")
    out = []
    for name in sorted(os.listdir(dev)):
        if name.endswith(".txt"):
            with open(os.path.join(dev, name), encoding="utf-8") as f:
                out.append((name, f.read()))
    corpus = os.path.join(shared, "data/corpora/enwiki2018.jsonl.zst")
    lines = subprocess.run(
        ["zstdcat", corpus], stdout=subprocess.PIPE, check=False
    ).stdout.decode("utf-8").splitlines()
    for line in lines[2000:2000 + articles]:
        record = json.loads(line)
        out.append((record["id"], record["text"]))
    return out


def run(unspin, verb, docs, extra):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for name, text in docs:
            f.write(json.dumps({"id": name, "text": text}) + "\n")
        path = f.name
    try:
        args = [unspin, verb, "--no-config"] + (["--format", "jsonl"] if verb == "check" else [])
        done = subprocess.run(args + [path] + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if done.returncode not in (0, 1):
            sys.exit(done.stderr.decode())
        return [json.loads(l) for l in done.stdout.decode("utf-8").splitlines()]
    finally:
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unspin")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--shares", default="0.1,0.3,1.0")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    docs = texts(a.shared, a.articles)
    plain = run(a.unspin, "check", docs, a.extra)
    plain_restored = run(a.unspin, "restore", docs, a.extra)

    def pairs(doc):
        return collections.Counter(
            (f["rule"], f["suggestion"].lower()) for f in doc.get("findings", []) if f["rule"] != "homoglyph"
        )

    print(f"{len(docs)} texts ({len(docs) - a.articles} dev, {a.articles} enwiki2018 #2,001 on)")
    plain_spun = sum(p["verdict"] == "spun" for p in plain)
    print("alphabet  share  findings kept          restored alike  same language  spun (plain: %d)  disguised words reported" % plain_spun)
    for (alphabet, table, letters), share in [
        (alphabet, float(s)) for alphabet in ALPHABETS for s in a.shares.split(",")
    ]:
        disguised = [(n, disguise(t, share, i, table)) for i, (n, t) in enumerate(docs)]
        checked = run(a.unspin, "check", disguised, a.extra)
        restored = run(a.unspin, "restore", disguised, a.extra)
        kept = total = alike = same_language = spun = reported = words = 0
        for p, d, pr, dr, (_, text) in zip(plain, checked, plain_restored, restored, disguised):
            want, got = pairs(p), pairs(d)
            total += sum(want.values())
            kept += sum((want & got).values())
            alike += pr["text"] == dr["text"]
            same_language += p.get("language") == d.get("language")
            spun += d["verdict"] == "spun"
            reported += sum(f["rule"] == "homoglyph" for f in d.get("findings", []))
            words += sum(1 for w in re.findall(r"\w+", text) if re.search(letters, w))
        print(
            f"{alphabet:8}  {share:5.2f}  {kept:5}/{total:<5} {kept / max(total, 1):6.1%}"
            f"   {alike:4}/{len(docs)}"
            f"        {same_language:4}/{len(docs)}"
            f"       {spun:4}"
            f"              {reported}/{words}"
        )
    styles(a.unspin, docs, plain, a.extra, pairs)
    hidden(a.unspin, docs, plain, plain_restored, a.extra, pairs, a.shares)


def hidden(unspin, docs, plain, plain_restored, extra, pairs, shares):
    print("invisible  findings kept          restored alike  spun  hidden words reported")
    for share in [float(s) for s in shares.split(",")]:
        texts = [(n, hide(t, share, i)) for i, (n, t) in enumerate(docs)]
        checked = run(unspin, "check", texts, extra)
        restored = run(unspin, "restore", texts, extra)
        kept = total = alike = spun = reported = words = 0
        for p, d, pr, dr, (_, text) in zip(plain, checked, plain_restored, restored, texts):
            want, got = pairs(p), pairs(d)
            total += sum(want.values())
            kept += sum((want & got).values())
            # The soft hyphen is a hint where to break a word, not a disguise: left as written.
            alike += pr["text"] == dr["text"].replace("\u00ad", "")
            spun += d["verdict"] == "spun"
            reported += sum(f["rule"] == "homoglyph" for f in d.get("findings", []))
            words += len(re.findall("[A-Za-z][\u200b\u200c\u200d\u2060\u200e][A-Za-z]", text))
        print(
            f"{share:5.2f}      {kept:5}/{total:<5} {kept / max(total, 1):6.1%}"
            f"   {alike:4}/{len(docs)}      {spun:4}  {reported}/{words}"
        )


def styles(unspin, docs, plain, extra, pairs):
    print("style      findings kept          same language  homoglyph findings")
    for style in ["bold", "fullwidth", "smallcaps"]:
        checked = run(unspin, "check", [(n, styled(t, style)) for n, t in docs], extra)
        kept = total = same_language = reported = 0
        for p, d in zip(plain, checked):
            want, got = pairs(p), pairs(d)
            total += sum(want.values())
            kept += sum((want & got).values())
            same_language += p.get("language") == d.get("language")
            reported += sum(f["rule"] == "homoglyph" for f in d.get("findings", []))
        print(
            f"{style:9}  {kept:5}/{total:<5} {kept / max(total, 1):6.1%}"
            f"   {same_language:4}/{len(docs)}      {reported}"
        )


if __name__ == "__main__":
    main()
