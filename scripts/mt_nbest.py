#!/usr/bin/env python3
"""Moses-format n-best lists of real machine translation output for held-out KJV verses.

What it is: each verse is translated by Apertium (Debian's rule-based MT engine) from English
into a pivot language and back into English: Spanish (apertium-eng-spa), Catalan
(apertium-eng-cat), Galician (apertium-en-gl) and Esperanto (apertium-eo-en). The candidates are
real Apertium output; only the variation is ours. In the two pairs whose pipeline has a separate
bilingual look-up stage (`lt-proc -b`, Spanish and Catalan, both directions), a word with several
translations in the bilingual dictionary (de -> of / from, hermano -> brother / brethren, ...)
gives candidates: Apertium's own lexical selection (lrx-proc) first, then every other choice of
one word, then of two words, ... up to --fwd-variants variants of the way out and --ret-variants
of the way back. The original verse is the reference; no candidate is built from it.

This is not a Moses decoder: the feature values are what this script can count, with weights
fixed below (not tuned), in Moses's n-best format:
  ID ||| words ||| Pivot0= spa cat glg epo LexSel0= out back Unknown0= u WordPenalty0= -n ||| total
  Pivot0       one-hot: which round trip made the candidate
  LexSel0      minus the number of words whose translation differs from Apertium's lexical
               selection, on the way out and on the way back
  Unknown0     minus the number of words Apertium could not analyse or translate (marked *, @, #)
  WordPenalty0 minus the number of words (Moses's convention)
  total        the dot product with WEIGHTS; each list holds its --nbest best distinct candidates
               (tokenised as the references are), best first, as a decoder's n-best list does.

Verses: like scripts/asr_prepare.sh, those of --min-words..--max-words tokens in a fixed
pseudo-random order (Knuth's multiplicative hash of the line number), the first N, in file order.
Sentence ids are 0..N-1 (Moses's); the references file has `ID word ...` (Kaldi text).

usage: scripts/mt_nbest.py --kjv data/kjv --out data/mt [--dev-n 200] [--test-n 300]
Writes OUT/{dev,test}.nbest and OUT/{dev,test}.ref (dev from kjv.valid.txt, test from
kjv.test.txt), atomically, and OUT/{dev,test}.params (the options that made them); a set made
with the same options, newer than this script and the KJV text, is kept.
Needs apertium and the four pairs (scripts/setup.sh demo) and rlm (--rlm, for `rlm tokenize`).
"""
import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile

MODES = "/usr/share/apertium/modes"
# (name, mode out, mode back)
PIVOTS = [("spa", "eng-spa", "spa-eng"), ("cat", "eng-cat", "cat-eng"),
          ("glg", "en-gl", "gl-en"), ("epo", "en-eo", "eo-en")]
# Hand-set, not tuned: the Spanish round trip first, a lexical choice other than Apertium's
# costs 0.5, an unknown word 0.2, and the word penalty slightly favours longer output.
WEIGHTS = {"Pivot0": [1.0, 0.8, 0.6, 0.4], "LexSel0": [0.5, 0.5], "Unknown0": [0.2],
           "WordPenalty0": [-0.1]}
LU = re.compile(r"\^((?:[^\\^$]|\\.)*)\$")
SLASH = re.compile(r"(?<!\\)/")
NEWLINE_BLANK = "[\n]"  # how apertium-destxt carries a line break through the pipeline


def stages(mode):
    with open(os.path.join(MODES, mode + ".mode"), encoding="utf-8") as f:
        return [s.strip() for s in f.read().strip().split(" | ")]


def pipe(cmds, text):
    # $1 of a mode is the generator's option (-g: mark unknown words), $2 the tagger's.
    r = subprocess.run(["sh", "-c", " | ".join(cmds), "sh", "-g", ""], input=text.encode(),
                       stdout=subprocess.PIPE, check=True)
    return r.stdout.decode("utf-8")


def variants(seg_bil, seg_lrx, k):
    """Up to k segments: the lexical selection's own, then other choices of 1, 2, ... words.
    Returns [(segment, words changed)]."""
    out = [(seg_lrx, 0)]
    bil, lrx = LU.findall(seg_bil), list(LU.finditer(seg_lrx))
    if len(bil) != len(lrx):  # lrx-proc keeps the units; if not, no variants
        return out
    slots = []  # (span in seg_lrx, source, other translations)
    for b, m in zip(bil, lrx):
        alts, chosen = SLASH.split(b), SLASH.split(m.group(1))
        others = [a for a in alts[1:] if a != chosen[1]] if len(chosen) > 1 else []
        if others:
            slots.append((m.span(), alts[0], others))
    for r in range(1, len(slots) + 1):
        for combo in itertools.combinations(slots, r):
            for picks in itertools.product(*(s[2] for s in combo)):
                if len(out) >= k:
                    return out
                seg = seg_lrx
                for (span, src, _), alt in sorted(zip(combo, picks), key=lambda x: -x[0][0][0]):
                    seg = seg[:span[0]] + "^%s/%s$" % (src, alt) + seg[span[1]:]
                out.append((seg, r))
    return out


def translate(mode, texts, k):
    """Each text's translations: [[(text, words changed, unknown words)], ...]."""
    cmds = stages(mode)
    split = next((i for i, c in enumerate(cmds) if c.startswith("lt-proc -b")), None)
    if split is None or not cmds[split + 1].startswith("lrx-proc"):
        split, k = None, 1
    head = cmds[:split + 1] if split is not None else cmds
    # A sentinel last line takes the final "." that apertium-destxt adds to the text.
    stream = pipe(["apertium-destxt"] + head, "\n".join(texts + ["end"]) + "\n")
    owner = []
    if split is not None:
        bil = stream.split(NEWLINE_BLANK)
        lrx = pipe([cmds[split + 1]], stream).split(NEWLINE_BLANK)
        assert len(bil) == len(lrx) == len(texts) + 2, "%s: unexpected stream" % mode
        segs = []
        for i in range(len(texts)):
            for seg, changed in variants(bil[i], lrx[i], k):
                segs.append(seg)
                owner.append((i, changed))
        stream = NEWLINE_BLANK.join(segs + lrx[len(texts):])
        tail = cmds[split + 2:]
    else:
        owner = [(i, 0) for i in range(len(texts))]
        tail = []
    lines = pipe(tail + ["apertium-retxt"], stream).split("\n")
    assert len(lines) >= len(owner), "%s: %d lines for %d inputs" % (mode, len(lines), len(owner))
    out = [[] for _ in texts]
    for (i, changed), line in zip(owner, lines):
        words = line.split()
        unknown = sum(1 for w in words if w[0] in "*@#")
        out[i].append((" ".join(w.lstrip("*@#") or w for w in words), changed, unknown))
    return out


def select(path, n, lo, hi):
    with open(path, encoding="utf-8") as f:
        lines = [l.split() for l in f]
    ok = [i for i, w in enumerate(lines) if lo <= len(w) <= hi]
    ok.sort(key=lambda i: ((i + 1) * 2654435761) % 4294967296)
    return [" ".join(lines[i]) for i in sorted(ok[:n])]


def tokenize(rlm, texts):
    r = subprocess.run([rlm, "tokenize", "--keep-punct"], input="\n".join(texts).encode() + b"\n",
                       stdout=subprocess.PIPE, check=True)
    out = r.stdout.decode("utf-8").split("\n")
    return out[:len(texts)]


def total(feats):
    return sum(w * v for name, ws in WEIGHTS.items() for w, v in zip(ws, feats[name]))


def nbest(verses, args):
    cands = [dict() for _ in verses]  # tokenised text -> features (the best-scoring way to it)
    for p, (name, out_mode, back_mode) in enumerate(PIVOTS):
        fwd = translate(out_mode, verses, args.fwd_variants)
        flat = [(i, c) for i, vs in enumerate(fwd) for c in vs]
        back = translate(back_mode, [c[0] for _, c in flat], args.ret_variants)
        rows = [(i, c, b) for (i, c), bs in zip(flat, back) for b in bs]
        toks = tokenize(args.rlm, [b[0] for _, _, b in rows])
        for (i, c, b), text in zip(rows, toks):
            if not text:
                continue
            f = {"Pivot0": [1 if q == p else 0 for q in range(len(PIVOTS))],
                 "LexSel0": [-c[1], -b[1]], "Unknown0": [-(c[2] + b[2])],
                 "WordPenalty0": [-len(text.split())]}
            if text not in cands[i] or total(f) > total(cands[i][text]):
                cands[i][text] = f
        print("  %s: %d round trips" % (name, len(rows)), file=sys.stderr)
    for c in cands:
        ranked = sorted(c.items(), key=lambda kv: -total(kv[1]))  # stable: first found first
        yield ranked[:args.nbest]


def atomic_write(path, lines):
    """path appears whole or not at all."""
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path) or ".", delete=False,
                                     encoding="utf-8") as f:
        try:
            f.writelines(lines)
        except BaseException:
            os.unlink(f.name)
            raise
    os.replace(f.name, path)


def moses_line(i, text, feats):
    fs = " ".join("%s= %s" % (n, " ".join("%g" % v for v in feats[n])) for n in WEIGHTS)
    return "%d ||| %s ||| %s ||| %.4f\n" % (i, text, fs, total(feats))


def write_set(verses, args, stem):
    lists = list(nbest(verses, args))
    atomic_write(stem + ".nbest", (moses_line(i, text, feats) for i, ranked in enumerate(lists)
                                   for text, feats in ranked))
    atomic_write(stem + ".ref", ("%d %s\n" % (i, v) for i, v in enumerate(verses)))
    sizes = [len(r) for r in lists]
    print("%s.nbest: %d sentences, %d-%d candidates (mean %.1f)" % (
        stem, len(lists), min(sizes), max(sizes), sum(sizes) / len(sizes)), file=sys.stderr)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kjv", required=True, help="directory of kjv.{valid,test}.txt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dev-n", type=int, default=200)
    ap.add_argument("--test-n", type=int, default=300)
    ap.add_argument("--min-words", type=int, default=6)
    ap.add_argument("--max-words", type=int, default=25)
    ap.add_argument("--fwd-variants", type=int, default=6)
    ap.add_argument("--ret-variants", type=int, default=16)
    ap.add_argument("--nbest", type=int, default=100)
    ap.add_argument("--rlm", default="rlm")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, split, n in (("dev", "valid", args.dev_n), ("test", "test", args.test_n)):
        src, stem = os.path.join(args.kjv, "kjv.%s.txt" % split), os.path.join(args.out, name)
        params = "n=%d words=%d..%d variants=%d,%d nbest=%d\n" % (
            n, args.min_words, args.max_words, args.fwd_variants, args.ret_variants, args.nbest)
        newest = max(os.path.getmtime(src), os.path.getmtime(__file__))
        if all(os.path.exists(stem + e) and os.path.getmtime(stem + e) > newest
               for e in (".nbest", ".ref", ".params")) and read(stem + ".params") == params:
            print("%s.nbest: up to date" % stem, file=sys.stderr)
            continue
        write_set(select(src, n, args.min_words, args.max_words), args, stem)
        atomic_write(stem + ".params", [params])  # last: marks the set complete


if __name__ == "__main__":
    main()
