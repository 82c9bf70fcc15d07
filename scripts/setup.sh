#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages a step needs, when they are missing. Idempotent and
# quiet when everything is there.   usage: scripts/setup.sh build|demo|bench
set -eu
build_pkgs="gcc g++ make libopenblas-dev libyaml-dev zlib1g-dev liblzma-dev sctk hunspell hunspell-en-us
  libfst-dev libfst-tools"
# sctk: NIST sclite, which tests/cli/test_wer_sclite.sh checks rlm wer against.
# hunspell, hunspell-en-us: the spelling candidates of rlm spell (tests/cli/test_spell.sh).
# g++, libfst-dev: the extern "C" OpenFst wrapper (decoder-glue/fst_wrap.cc); libfst-tools:
# fstcompile/fstprint, the independent reference the lattice tests compare with.
# The sanitizer and fuzzing runtimes come with clang; `make test` uses gcc's, `make fuzz` clang's.
demo_pkgs="bible-kjv bible-kjv-text pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  pkg-config festival festvox-us-slt-hts festvox-kallpc16k festvox-kdlpc16k sox irstlm
  python3 apertium apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-eo-en"
# The ASR demo: pocketsphinx 0.8 decodes (build/ps_nbest links its library, found by pkg-config)
# speech that Festival synthesises from held-out verses with three US English voices
# (festvox-kdlpc16k provides the voice ked_diphone); sox resamples it and adds a noise floor.
# irstlm: the n-gram ARPA that recipes/asr-pocketsphinx.yaml builds on KJV train (recipes/irstlm_arpa.sh).
# apertium and four English pairs: the MT n-best lists (round trips through Spanish, Catalan,
# Galician, Esperanto) that scripts/mt_nbest.py writes for recipes/mt-moses.yaml.
bench_pkgs="bible-kjv bible-kjv-text"

case "${1:-build}" in
build) want=$build_pkgs ;;
demo) want="$build_pkgs $demo_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
*) echo "usage: $0 build|demo|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "setup: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
