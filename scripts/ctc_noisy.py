#!/usr/bin/env python3
"""Noisy-channel CTC posteriors from text, for `rlm ctc-decode` demos, tests and benchmarks.

usage: ctc_noisy.py TEXT ALPHABET_TEXT OUTDIR [--lines N] [--seed S] [--hard P]

Writes OUTDIR/alphabet.txt (<blank>, <space>, then every character of ALPHABET_TEXT, a training
text, in byte order), OUTDIR/post.txt (Kaldi text matrices of natural-log posteriors, one per
line of TEXT: utt0001, utt0002, ...) and OUTDIR/ref.txt (`utt text`). Lines with a character the
alphabet lacks are skipped. The channel, per character: one frame (two, a quarter of the time)
then a blank frame; a character frame puts 0.6 on the truth and 0.3 on a confusable partner
(chosen at random among its partners in PAIRS), or, with probability --hard (default 1/3), 0.35
on the truth and 0.55 on the partner; characters without a partner get 0.9; a blank frame 0.9 on
the blank; the remaining 0.1 is spread evenly over all labels. tests/test_ctc.c uses the same
channel and table.
"""
import math
import os
import random
import sys

PAIRS = ["ea", "il", "mn", "uv", "ce", "oa", "tf", "hb", "sz", "rn", "db", "yv", "wv", "gq"]


def partners():
    p = {}
    for a, b in PAIRS:
        p.setdefault(a, []).append(b)
        p.setdefault(b, []).append(a)
    return p


def main():
    args = sys.argv[1:]
    opts = {"--lines": "0", "--seed": "1", "--hard": str(1 / 3)}
    pos = []
    while args:
        a = args.pop(0)
        if a in opts and args:
            opts[a] = args.pop(0)
        else:
            pos.append(a)
    if len(pos) != 3:
        sys.exit(__doc__)
    text_path, alpha_path, out = pos
    rng = random.Random(int(opts["--seed"]))
    hard_p, max_lines = float(opts["--hard"]), int(opts["--lines"])
    with open(alpha_path, encoding="utf-8") as f:
        chars = sorted(set(f.read()) - set(" \t\r\n"))
    labels = ["<blank>", "<space>"] + chars
    index = {c: i for i, c in enumerate(labels)}
    index[" "] = 1
    part = partners()
    os.makedirs(out, exist_ok=True)
    n = 0
    L = len(labels)
    with open(text_path, encoding="utf-8") as src, \
            open(os.path.join(out, "post.txt.tmp"), "w") as post, \
            open(os.path.join(out, "ref.txt.tmp"), "w", encoding="utf-8") as ref:
        for line in src:
            line = " ".join(line.split())
            if not line or any(c not in index for c in line):
                continue
            n += 1
            utt = "utt%04d" % n
            ref.write("%s %s\n" % (utt, line))
            rows = []
            for c in line:
                mass = [0.0] * L
                conf = [x for x in part.get(c, []) if x in index]
                if conf:
                    hard = rng.random() < hard_p
                    other = rng.choice(conf)
                    mass[index[c]] = 0.35 if hard else 0.6
                    mass[index[other]] = 0.55 if hard else 0.3
                else:
                    mass[index[c]] = 0.9
                reps = 2 if rng.random() < 0.25 else 1
                blank = [0.0] * L
                blank[0] = 0.9
                rows += [mass] * reps + [blank]
            post.write("%s  [\n" % utt)
            for k, m in enumerate(rows):
                end = " ]" if k == len(rows) - 1 else ""
                post.write("  " + " ".join("%.5f" % math.log(x + 0.1 / L) for x in m) + end + "\n")
            if max_lines and n >= max_lines:
                break
    with open(os.path.join(out, "alphabet.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(labels) + "\n")
    os.replace(os.path.join(out, "post.txt.tmp"), os.path.join(out, "post.txt"))
    os.replace(os.path.join(out, "ref.txt.tmp"), os.path.join(out, "ref.txt"))
    print("ctc_noisy: %d utterances, %d labels -> %s" % (n, L, out), file=sys.stderr)


if __name__ == "__main__":
    main()
