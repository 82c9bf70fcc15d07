/* rlm ctc-decode: CTC prefix beam search over per-frame label posteriors, with or without an LM
 * fused in (decoder-glue/rlm_ctc.h), writing `utt text` lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "atomic_file.h"
#include "clock.h"
#include "commands.h"
#include "mix_cli.h"
#include "rlm_ctc.h"

static const char usage_text[] =
    "usage: rlm ctc-decode --alphabet LABELS POSTERIORS [--log-base e|10] [--model RNN]\n"
    "                      [--ngram LM ...] [--mix linear:W|loglinear:W] [--lm-mode char|word]\n"
    "                      [--lm-weight A] [--bonus B] [--oov-penalty P] [--beam N] [--top-k K]\n"
    "                      [--min-logpost X] [--per-beam] [-o OUT]\n"
    "Decodes each utterance of POSTERIORS with a CTC prefix beam search and writes `utt text`.\n"
    "LABELS:      one label a line in column order: <blank>, <space> (the word boundary), and\n"
    "             the characters\n"
    "POSTERIORS:  Kaldi text matrices (copy-matrix ark,t:), `utt [` then one frame a line of\n"
    "             log posteriors, one per label, the last frame ending in `]`\n"
    "  --log-base      e (default: natural log, as acoustic models emit) or 10\n"
    "  --model RNN     fuse an LM (and --ngram LM ..., with --mix, as rlm nbest); its level\n"
    "                  decides --lm-mode: char scores every character (space = <sp>), word\n"
    "                  scores a word when a space or the end completes it\n"
    "  --lm-weight A   score = log10 P_ac + A * log10 P_lm + B * tokens (default A 0.5, B 0)\n"
    "  --bonus B       per character (char mode) or per word (word mode), log10\n"
    "  --oov-penalty P log10 added to the LM score of a word no model knows (default 0)\n"
    "  --beam N        prefixes kept per frame (default 16); --top-k K: try only the K most\n"
    "                  probable labels per frame (default 0, all); --min-logpost X: skip labels\n"
    "                  below X (in --log-base; default: none)\n"
    "  --per-beam      score each prefix with its own LM call (default: one batch per frame)\n"
    "  -o OUT          default stdout\n";

static int usage_error(const char *what, const char *arg) {
    return args_usage_error("ctc-decode", usage_text, what, arg);
}

/* Decodes every utterance into f; 0, or 1 after printing the error. */
static int decode_all(rlm_ctc_decoder *d, rlm_scorer *sc, const rlm_ctc_posteriors *p, FILE *f) {
    rlm_error err;
    for (size_t u = 0; u < p->n_utts; u++) {
        const rlm_ctc_utterance *x = &p->utts[u];
        if (rlm_ctc_decode(d, x->log10post, x->frames, p->n_labels, &err)) {
            fprintf(stderr, "rlm ctc-decode: %s: %s\n", x->id, err.message);
            return 1;
        }
        const rlm_ctc_hyp *h = rlm_ctc_decoder_hyp(d, 0);
        fprintf(f, "%s%s%s\n", x->id, h && *h->text ? " " : "", h ? h->text : "");
        if (sc) rlm_scorer_clear_histories(sc); /* this command is the scorer's only user */
    }
    return 0;
}

int cmd_ctc_decode(int argc, char **argv) {
    mix_models mm = {0};
    const char *alphabet_path = NULL, *log_base = "e", *mix_text = NULL, *mode = NULL, *out = NULL;
    double lm_weight = 0.5, bonus = 0, min_logpost = -INFINITY, oov_penalty = 0;
    int beam = 16, top_k = 0, per_beam = 0;
    if ((argc = mix_take_ngram_options("ctc-decode", argc, argv, &mm)) < 0) return 2;
    const arg_spec specs[] = {
        {"--alphabet", ARG_STRING, &alphabet_path}, {"--log-base", ARG_STRING, &log_base},
        {"--model", ARG_STRING, &mm.rnn_path},      {"--mix", ARG_STRING, &mix_text},
        {"--lm-mode", ARG_STRING, &mode},           {"--lm-weight", ARG_DOUBLE, &lm_weight},
        {"--bonus", ARG_DOUBLE, &bonus},            {"--beam", ARG_INT, &beam},
        {"--top-k", ARG_INT, &top_k},               {"--min-logpost", ARG_DOUBLE, &min_logpost},
        {"--per-beam", ARG_FLAG, &per_beam},        {"-o", ARG_STRING, &out},
        {"--oov-penalty", ARG_DOUBLE, &oov_penalty},
    };
    const char *pos[2];
    int n_pos, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos, 2,
                                       &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (!alphabet_path) return usage_error("--alphabet LABELS is required%s", "");
    if (n_pos != 1) return usage_error("give one POSTERIORS file%s", "");
    int log_e = !strcmp(log_base, "e");
    if (!log_e && strcmp(log_base, "10")) return usage_error("--log-base: '%s'; expected e or 10", log_base);
    if (mode && strcmp(mode, "char") && strcmp(mode, "word"))
        return usage_error("--lm-mode: '%s'; expected char or word", mode);
    if (mode && !mm.rnn_path) return usage_error("--lm-mode needs --model%s", "");
    if (mm.n_ngrams && !mm.rnn_path) return usage_error("--ngram needs --model (the scorer's RNN)%s", "");
    if (mm.n_ngrams && !mix_text) return usage_error("--ngram needs --mix%s", "");
    if (beam < 1) return usage_error("--beam must be at least 1%s", "");
    if (top_k < 0) return usage_error("--top-k must be 0 (all) or more%s", "");
    if (!isfinite(lm_weight) || !isfinite(bonus) || !isfinite(oov_penalty))
        return usage_error("--lm-weight, --bonus and --oov-penalty must be finite%s", "");

    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.beam = beam, o.top_k = top_k, o.per_beam_scoring = per_beam;
    o.lm_weight = (float)lm_weight, o.bonus = (float)bonus;
    o.min_log10post = (float)(log_e ? min_logpost / log(10.0) : min_logpost);
    rlm_error err = {0};
    rlm_scorer_options so;
    rlm_scorer_options_init(&so);
    so.oov_log10penalty = (float)oov_penalty;
    if (mix_text && rlm_mix_spec_parse(mix_text, mix_n_models(&mm), "--mix", &so.mix, &err))
        return usage_error("%s", err.message);

    rc = 1;
    rlm_ctc_alphabet *a = NULL;
    rlm_ctc_posteriors *p = NULL;
    rlm_scorer *sc = NULL;
    rlm_ctc_decoder *d = NULL;
    rlm_atomic_file af = {0};
    if (rlm_ctc_alphabet_read(alphabet_path, &a, &err) ||
        rlm_ctc_posteriors_read(pos[0], a->n_labels, log_e ? RLM_CTC_LOG_E : 0, &p, &err))
        goto fail;
    if (mm.rnn_path) {
        if (mix_load("ctc-decode", &mm)) goto done;
        if (rlm_scorer_new(mm.rnn, (const rlm_ngram *const *)mm.ngrams, mm.n_ngrams, &so, &sc, &err))
            goto fail;
        int char_level = rlm_vocab_is_char_level(rlm_model_vocab(mm.rnn));
        o.lm_mode = mode ? (!strcmp(mode, "char") ? RLM_CTC_LM_CHAR : RLM_CTC_LM_WORD)
                         : (char_level ? RLM_CTC_LM_CHAR : RLM_CTC_LM_WORD);
    }
    if (rlm_ctc_decoder_new(a, sc, &o, &d, &err)) goto fail;
    if (out && rlm_atomic_open(&af, out, &err)) goto fail;
    double t0 = rlm_now_s();
    if (decode_all(d, sc, p, out ? af.f : stdout)) goto done;
    double seconds = rlm_now_s() - t0;
    if (out && rlm_atomic_commit(&af, &err)) goto fail;
    rlm_ctc_stats st;
    rlm_ctc_decoder_stats(d, &st);
    static const char *const mode_name[] = {"no LM", "char LM", "word LM"};
    fprintf(stderr,
            "rlm ctc-decode: %zu utterances, %llu frames, %s, beam %d; %llu prefixes, %llu LM "
            "pairs in %llu calls; %.3f s, %.0f frames/s\n",
            p->n_utts, (unsigned long long)st.frames, mode_name[o.lm_mode], beam,
            (unsigned long long)st.prefixes, (unsigned long long)st.lm_pairs,
            (unsigned long long)st.lm_calls, seconds, seconds > 0 ? (double)st.frames / seconds : 0.0);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "rlm ctc-decode: %s\n", err.message);
done:
    if (out && af.f) rlm_atomic_abort(&af);
    rlm_ctc_decoder_free(d);
    rlm_scorer_free(sc);
    mix_free(&mm);
    rlm_ctc_posteriors_free(p);
    rlm_ctc_alphabet_free(a);
    return rc;
}
