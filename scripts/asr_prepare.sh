#!/usr/bin/env bash
# Audio for the ASR demo: held-out KJV verses spoken by Festival, ready for pocketsphinx.
#   test: verses of Matthew..John (data/kjv/kjv.test.txt), the demo's WER test set
#   dev:  verses of Acts and Romans (data/kjv/kjv.valid.txt), for tuning LM weights
# A verse qualifies when it has ASR_MIN_WORDS..ASR_MAX_WORDS words (punctuation tokens dropped)
# and every word is in pocketsphinx's dictionary (cmudict-en-us.dict) and in its en-us LM: the
# decoder outputs no other words, and an error no hypothesis can fix says nothing of rescoring.
# The qualifying verses are put in a fixed pseudo-random order (a hash of the line number) and
# the first N taken, so a small run is a subset of a large one and reuses its audio.
# Voices rotate in that order among Festival's cmu_us_slt_arctic_hts (female, HTS),
# kal_diphone and ked_diphone (male, diphone), so acoustic conditions vary. Each wav is resampled
# by sox to 16 kHz 16-bit mono with its peak at -3 dBFS (Festival's output is near full scale and
# would clip), padded with 0.25 s at both ends and mixed with white noise at about -66 dBFS RMS:
# the diphone voices write runs of exact zeros, whose log energy breaks the MFCC frames (and
# pocketsphinx's noise estimate).
#
# usage: scripts/asr_prepare.sh [OUTDIR]     (default data/asr)
#   ASR_TEST_N (default 300), ASR_DEV_N (default 200): utterances per set; ~20 for a quick run
#   ASR_MIN_WORDS (6), ASR_MAX_WORDS (20)
# Writes, for S in test, dev: OUTDIR/S/text ("utt-id w1 w2 ...", Kaldi's form), wav.scp
# ("utt-id path"), utt2spk ("utt-id voice"), wav/UTT.wav. Idempotent (existing audio is kept;
# lists are replaced only when they change) and atomic (every file is written under a temporary
# name and renamed). Needs festival, the three voices, sox and build/ps_nbest (for the LM's
# vocabulary): scripts/setup.sh demo installs the packages, `make build/ps_nbest` builds the tool.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/data/asr}
kjv=${KJV_DIR:-$root/data/kjv}
ps_nbest=${PS_NBEST:-$root/build/ps_nbest}
dict=${PS_DICT:-/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict}
test_n=${ASR_TEST_N:-300}
dev_n=${ASR_DEV_N:-200}
min_words=${ASR_MIN_WORDS:-6}
max_words=${ASR_MAX_WORDS:-20}
voices="cmu_us_slt_arctic_hts kal_diphone ked_diphone"
noise_vol=0.00155 # sox whitenoise at this volume measures -66 dBFS RMS
pad=0.25

die() { echo "asr_prepare: $*" >&2; exit 1; }
for c in festival sox soxi; do command -v $c >/dev/null || die "'$c' not found (scripts/setup.sh demo)"; done
[ -x "$ps_nbest" ] || die "$ps_nbest not found (make build/ps_nbest)"
[ -r "$dict" ] || die "$dict not found (apt-get install pocketsphinx-en-us)"
for s in test valid; do [ -r "$kjv/kjv.$s.txt" ] || die "$kjv/kjv.$s.txt not found (scripts/prepare_kjv.sh)"; done
for n in "$test_n" "$dev_n" "$min_words" "$max_words"; do
    [[ $n =~ ^[0-9]+$ ]] || die "ASR_TEST_N, ASR_DEV_N, ASR_MIN_WORDS, ASR_MAX_WORDS: expected integers, got '$n'"
done

mkdir -p "$out"
tmp=$(mktemp -d "$out/.asr_prepare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The words pocketsphinx can output: dictionary entries (without "(2)" variants) that the LM has.
awk '{ sub(/\(.*/, "", $1); print $1 }' "$dict" | sort -u >"$tmp/dict.words"
"$ps_nbest" --vocab | sort -u >"$tmp/lm.words"
comm -12 "$tmp/dict.words" "$tmp/lm.words" >"$tmp/vocab"

# select SPLIT PREFIX N: "utt-id<TAB>voice<TAB>words" for N qualifying verses, sorted by utt-id.
select_verses() {
    local split=$1 prefix=$2 n=$3
    awk -v V="$tmp/vocab" -v lo="$min_words" -v hi="$max_words" -v prefix="$prefix" '
        BEGIN { while ((getline w < V) > 0) ok[w] = 1 }
        {
            n = 0; good = 1; text = ""
            for (i = 1; i <= NF; i++) {
                if ($i !~ /[a-z0-9]/) continue   # punctuation tokens are not spoken
                n++; text = text (n > 1 ? " " : "") $i
                if (!($i in ok)) good = 0
            }
            # Knuth multiplicative hash of the line number: a fixed, well-spread order.
            if (good && n >= lo && n <= hi)
                printf "%.0f\t%s-%05d\t%s\n", (NR * 2654435761) % 4294967296, prefix, NR, text
        }' "$kjv/kjv.$split.txt" |
        sort -n -k1,1 | awk -v n="$n" 'NR <= n' | # not head: its early exit would fail the pipe
        awk -F '\t' -v voices="$voices" 'BEGIN { nv = split(voices, v, " ") }
            { printf "%s\t%s\t%s\n", $2, v[(NR - 1) % nv + 1], $3 }' |
        sort -t "$(printf '\t')" -k1,1
}

# replace_if_changed NEW TARGET: atomic rename, skipped when identical (keeps timestamps stable).
replace_if_changed() {
    if [ -f "$2" ] && cmp -s "$1" "$2"; then rm -f "$1"; else mv -f "$1" "$2"; fi
}

synth_start=$(date +%s.%N)
n_synth=0
for set in test dev; do
    case $set in
    test) split=test n=$test_n ;;
    dev) split=valid n=$dev_n ;;
    esac
    dir=$out/$set
    mkdir -p "$dir/wav"
    select_verses "$split" "kjv$set" "$n" >"$tmp/$set.tsv"
    got=$(wc -l <"$tmp/$set.tsv")
    [ "$got" -eq "$n" ] || echo "asr_prepare: $set: only $got verses qualify (asked for $n)" >&2

    # Festival, one process per voice for all its missing utterances (starting it costs more
    # than synthesising a verse). It writes into $tmp; sox writes the final file atomically.
    for voice in $voices; do
        scm=$tmp/$set.$voice.scm
        echo "(voice_$voice)" >"$scm"
        todo=0
        while IFS=$'\t' read -r utt v words; do
            [ "$v" = "$voice" ] && [ ! -s "$dir/wav/$utt.wav" ] || continue
            printf '(utt.save.wave (utt.synth (Utterance Text "%s")) "%s" (quote riff))\n' \
                "$words" "$tmp/$utt.raw.wav" >>"$scm"
            todo=$((todo + 1))
        done <"$tmp/$set.tsv"
        [ $todo -gt 0 ] || continue
        echo "asr_prepare: $set: synthesising $todo utterances with $voice" >&2
        nice -n 19 festival --batch "$scm" >"$tmp/festival.log" 2>&1 ||
            { cat "$tmp/festival.log" >&2; die "festival failed on $scm"; }
        while IFS=$'\t' read -r utt v _; do
            [ "$v" = "$voice" ] && [ ! -s "$dir/wav/$utt.wav" ] || continue
            raw=$tmp/$utt.raw.wav
            [ -s "$raw" ] || die "festival wrote no audio for $utt"
            dur=$(soxi -D "$raw")
            total=$(awk -v d="$dur" -v p="$pad" 'BEGIN { printf "%.4f", d + 2 * p }')
            # -R: the same noise on every run, so the audio (and the WER) is reproducible.
            nice -n 19 sox -R -m \
                -v 1 "|sox -R $raw -p gain -n -3 rate -h 16000 channels 1 pad $pad $pad" \
                -v 1 "|sox -R -n -r 16000 -c 1 -p synth $total whitenoise vol $noise_vol" \
                -r 16000 -c 1 -b 16 -e signed-integer "$tmp/$utt.wav"
            mv -f "$tmp/$utt.wav" "$dir/wav/$utt.wav"
            rm -f "$raw"
            n_synth=$((n_synth + 1))
        done <"$tmp/$set.tsv"
    done

    cut -f 1,3 "$tmp/$set.tsv" | tr '\t' ' ' >"$tmp/$set.text"
    awk -F '\t' -v d="$dir/wav" '{ print $1, d "/" $1 ".wav" }' "$tmp/$set.tsv" >"$tmp/$set.scp"
    cut -f 1,2 "$tmp/$set.tsv" | tr '\t' ' ' >"$tmp/$set.utt2spk"
    replace_if_changed "$tmp/$set.text" "$dir/text"
    replace_if_changed "$tmp/$set.scp" "$dir/wav.scp"
    replace_if_changed "$tmp/$set.utt2spk" "$dir/utt2spk"
done
synth_end=$(date +%s.%N)

for set in test dev; do
    awk -v s="$set" '{ w += NF - 1 } END { printf "asr_prepare: %s: %d utterances, %d words\n", s, NR, w }' "$out/$set/text"
done
if [ $n_synth -gt 0 ]; then
    awk -v n=$n_synth -v a="$synth_start" -v b="$synth_end" \
        'BEGIN { printf "asr_prepare: synthesised %d utterances in %.1f s (%.2f s each)\n", n, b - a, (b - a) / n }'
else
    echo "asr_prepare: all audio was there already"
fi
