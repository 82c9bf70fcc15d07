/* rlm nbest: rescore n-best lists of a decoder (Kaldi, SRILM, Moses, pocketsphinx, TSV) with an
 * RNN and/or n-gram models, rerank, and write the same format back plus a 1-best text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "clock.h"
#include "commands.h"
#include "mix_cli.h"
#include "nbest_rescore.h"
#include "rlm_nbest.h"
#include "rlm_nbest_tune.h"

static const char usage_text[] =
    "usage: rlm nbest --format kaldi|srilm|moses|pocketsphinx|tsv IN... [--model RNN]\n"
    "                 [--ngram LM ...] [--mix linear:W|loglinear:W] [--lm-weight W] [--wip P]\n"
    "                 [--old-lm COL --interp A] [--replace-lm|--add-column] [--column NAME]\n"
    "                 [--threads N] [--symbols words.txt] -o OUT [--best OUT.1best]\n"
    "Scores every hypothesis with the language model(s) (log10, `</s>` included, from <s>),\n"
    "computes total = base + W * ((1 - A) * old_lm + A * lm) + P * words (log10; base = the\n"
    "acoustic score, Moses: its total score; lm = the new score; A = 1 without --old-lm),\n"
    "reranks each utterance by total, and writes the lists back in their format. This is rlm\n"
    "tune's total: the options its -o writes give the ranking it chose.\n"
    "IN:   kaldi: TEXT [AC_COSTS [LM_COSTS]] (utt-N keys, costs -ln P; --symbols for integer\n"
    "      word ids); srilm: one file per utterance; moses, pocketsphinx, tsv: files in order\n"
    "OUT:  kaldi: OUT, OUT.ac, OUT.lm (and OUT.NAME); srilm: a directory; others: a file\n"
    "  --replace-lm    the new score replaces the LM column (default; not for moses)\n"
    "  --add-column    the new score is a new column NAME (default rlm): a Moses feature,\n"
    "                  a Kaldi cost file OUT.NAME, a TSV column (moses, kaldi, tsv; default\n"
    "                  for moses); the decoder's LM score stays, but is not in the total\n"
    "  --mix           how RNN and n-grams combine per token (needed with two or more models)\n"
    "  --lm-weight W   default 1; --wip P: per word, default 0; --threads N: default 1\n"
    "  --old-lm COL    interpolate the new score with the lists' column COL (the decoder's LM,\n"
    "  --interp A      e.g. lm with --add-column) by A in [0, 1], as rlm tune --old-lm does\n"
    "  --best FILE     `utt w1 w2 ...`, each utterance's new first hypothesis\n";

static int usage_error(const char *what, const char *arg) {
    return args_usage_error("nbest", usage_text, what, arg);
}

/* The rescorer's view of the lists: word pointers, one LM score per hypothesis. */
static int rescore(const rlm_nbest *nb, const rlm_rescore_models *rm, int threads,
                   rlm_rescore_utt **out_utts, rlm_rescore_hyp **out_hyps,
                   rlm_rescore_stats *stats, rlm_error *err) {
    size_t n_hyps = 0;
    for (size_t u = 0; u < nb->n_utts; u++) n_hyps += nb->utts[u].n_hyps;
    rlm_rescore_utt *utts = calloc(nb->n_utts ? nb->n_utts : 1, sizeof *utts);
    rlm_rescore_hyp *hyps = calloc(n_hyps ? n_hyps : 1, sizeof *hyps);
    if (!utts || !hyps) {
        free(utts), free(hyps);
        return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    }
    rlm_rescore_hyp *h = hyps;
    for (size_t u = 0; u < nb->n_utts; u++) {
        utts[u].hyps = h, utts[u].n_hyps = nb->utts[u].n_hyps;
        for (size_t i = 0; i < nb->utts[u].n_hyps; i++, h++) {
            h->words = (const char *const *)nb->utts[u].hyps[i].words;
            h->n_words = nb->utts[u].hyps[i].n_words;
        }
    }
    *out_utts = utts, *out_hyps = hyps;
    return rlm_nbest_rescore(rm, utts, nb->n_utts, threads, stats, err);
}

int cmd_nbest(int argc, char **argv) {
    mix_models mm = {0};
    const char *format = NULL, *out = NULL, *best = NULL, *mix_text = NULL, *symbols = NULL;
    const char *column = "rlm", *old_lm = NULL;
    double lm_weight = 1, wip = 0, interp = NAN; /* NAN: no --interp */
    int replace = 0, add = 0, threads = 1;
    if ((argc = mix_take_ngram_options("nbest", argc, argv, &mm)) < 0) return 2;
    const arg_spec specs[] = {
        {"--format", ARG_STRING, &format},  {"--model", ARG_STRING, &mm.rnn_path},
        {"--mix", ARG_STRING, &mix_text},   {"--lm-weight", ARG_DOUBLE, &lm_weight},
        {"--wip", ARG_DOUBLE, &wip},        {"--replace-lm", ARG_FLAG, &replace},
        {"--add-column", ARG_FLAG, &add},   {"--column", ARG_STRING, &column},
        {"--threads", ARG_INT, &threads},   {"--symbols", ARG_STRING, &symbols},
        {"-o", ARG_STRING, &out},           {"--best", ARG_STRING, &best},
        {"--old-lm", ARG_STRING, &old_lm},  {"--interp", ARG_DOUBLE, &interp},
    };
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    int n_in, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], in,
                                      argc, &n_in, usage_text);
    if (rc >= 0) goto free_args;
    rc = 2;
    int fmt = format ? rlm_nbest_format_parse(format) : -1;
    if (!format) { usage_error("--format is required%s", ""); goto free_args; }
    if (fmt < 0) { usage_error("--format: unknown format '%s'", format); goto free_args; }
    if (!n_in) { usage_error("no input files%s", ""); goto free_args; }
    if (!out) { usage_error("-o OUT is required%s", ""); goto free_args; }
    if (replace && add) { usage_error("--replace-lm and --add-column exclude each other%s", ""); goto free_args; }
    if (fmt == RLM_NBEST_MOSES && replace) { usage_error("--replace-lm: %s lists have no LM column; use --add-column", format); goto free_args; }
    if (add && (fmt == RLM_NBEST_SRILM || fmt == RLM_NBEST_POCKETSPHINX)) { usage_error("--add-column: %s lists have no room for another column; use --replace-lm", format); goto free_args; }
    if (threads < 1) { usage_error("--threads must be at least 1%s", ""); goto free_args; }
    if (!old_lm != !!isnan(interp)) { usage_error("--old-lm COL and --interp A go together%s", ""); goto free_args; }
    if (old_lm && !(interp >= 0 && interp <= 1)) { usage_error("--interp: expected A in [0, 1]%s", ""); goto free_args; }
    if (old_lm && !strcmp(old_lm, "lm") && !add && fmt != RLM_NBEST_MOSES) { usage_error("--old-lm lm: --replace-lm overwrites that column with the new score; use --add-column%s", ""); goto free_args; }
    if (fmt == RLM_NBEST_KALDI && n_in > 3) { usage_error("kaldi input is TEXT [AC_COSTS [LM_COSTS]]%s", ""); goto free_args; }
    if (symbols && fmt != RLM_NBEST_KALDI) { usage_error("--symbols is for kaldi lists%s", ""); goto free_args; }
    const int n_models = mix_n_models(&mm);
    if (n_models < 1) { usage_error("give --model and/or --ngram%s", ""); goto free_args; }
    if (n_models > 1 && !mix_text) { usage_error("two or more models need --mix%s", ""); goto free_args; }
    rlm_error err = {0};
    rlm_rescore_models rm = {0};
    if (mix_text && rlm_mix_spec_parse(mix_text, n_models, "--mix", &rm.mix, &err)) {
        usage_error("%s", err.message);
        goto free_args;
    }
    if (fmt == RLM_NBEST_MOSES) add = 1;

    rc = 1;
    rlm_nbest *nb = NULL;
    rlm_rescore_utt *utts = NULL;
    rlm_rescore_hyp *hyps = NULL;
    rlm_nbest_read_options ro = {symbols};
    if (mix_load("nbest", &mm)) goto done;
    if (rlm_nbest_read((rlm_nbest_format)fmt, in, n_in, &ro, &nb, &err)) goto done;
    if (old_lm && rlm_nbest_column(nb, old_lm) < 0) {
        rlm_fail(&err, RLM_E_ARG, "%s: the lists have no column '%s' (--old-lm)", in[0], old_lm);
        goto done;
    }
    rm.rnn = mm.rnn, rm.ngrams = (const rlm_ngram *const *)mm.ngrams, rm.n_ngrams = mm.n_ngrams;
    rlm_rescore_stats stats;
    double t0 = rlm_now_s();
    if (rescore(nb, &rm, threads, &utts, &hyps, &stats, &err)) goto done;
    double seconds = rlm_now_s() - t0;

    int col = add ? rlm_nbest_column(nb, column) : rlm_nbest_column(nb, "lm");
    if (add && col >= 0) {
        fprintf(stderr, "rlm nbest: the lists already have a column '%s' (choose --column)\n", column);
        goto done;
    }
    if (col < 0 && (col = rlm_nbest_add_column(nb, add ? column : "lm")) < 0) {
        rlm_fail(&err, RLM_E_NOMEM, "out of memory");
        goto done;
    }
    size_t changed = 0;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) nb->utts[u].hyps[h].score[col] = utts[u].hyps[h].lm;
    /* the 1-best before: the first hypothesis as read; remember its words to count changes */
    char ***first = calloc(nb->n_utts ? nb->n_utts : 1, sizeof *first);
    if (!first) goto done;
    for (size_t u = 0; u < nb->n_utts; u++) first[u] = nb->utts[u].n_hyps ? nb->utts[u].hyps[0].words : NULL;
    /* tune's ranking (rlm_nbest_tune.h): a = 1 and no old column without --old-lm */
    rlm_nbest_tune_spec spec = {.base_col = rlm_nbest_column(nb, fmt == RLM_NBEST_MOSES ? "total" : "ac"),
                                .lm_col = col, .old_lm_col = old_lm ? rlm_nbest_column(nb, old_lm) : -1};
    const double params[3] = {lm_weight, wip, interp};
    if (rlm_nbest_tune_rerank(nb, &spec, params, &err)) {
        free(first);
        goto done;
    }
    for (size_t u = 0; u < nb->n_utts; u++) changed += nb->utts[u].n_hyps && nb->utts[u].hyps[0].words != first[u];
    free(first);
    if (rlm_nbest_write(nb, out, &err)) goto done;
    if (best && rlm_nbest_write_best(nb, best, &err)) goto done;
    size_t n_hyps = 0;
    for (size_t u = 0; u < nb->n_utts; u++) n_hyps += nb->utts[u].n_hyps;
    fprintf(stderr,
            "rlm nbest: %zu utterances, %zu hypotheses, %llu tokens; RNN scored %llu prefix-tree "
            "nodes (%.1f%% of the tokens) in %llu batched calls; %.3f s, %.0f tokens/s; 1-best "
            "changed in %zu utterances\n",
            nb->n_utts, n_hyps, (unsigned long long)stats.tokens,
            (unsigned long long)stats.rnn_nodes,
            stats.tokens ? 100.0 * (double)stats.rnn_nodes / (double)stats.tokens : 0.0,
            (unsigned long long)stats.batches, seconds,
            seconds > 0 ? (double)stats.tokens / seconds : 0.0, changed);
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm nbest: %s\n", err.message);
    free(hyps);
    free(utts);
    rlm_nbest_free(nb);
    mix_free(&mm);
free_args:
    free(in);
    return rc;
}
