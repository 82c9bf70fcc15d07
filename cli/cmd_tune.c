/* rlm tune: choose the LM weight, the word-insertion penalty and (optionally) the interpolation
 * of two LM columns on dev n-best lists, for WER or BLEU: a grid, then a local search
 * (plugin/rlm_tune.h over decoder-glue/rlm_nbest_tune.h). Prints every point it evaluated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "rlm_nbest_tune.h"

static const char usage_text[] =
    "usage: rlm tune --format kaldi|srilm|moses|pocketsphinx|tsv IN... --ref REF\n"
    "                [--metric wer|bleu] [--plain-ref] [--base COL] [--lm COL] [--old-lm COL]\n"
    "                [--lm-weight LO:HI:N] [--wip LO:HI:N] [--interp LO:HI:N]\n"
    "                [--min-step F] [--max-evals N] [--symbols words.txt]\n"
    "                [-o BEST.opts] [--best OUT.1best]\n"
    "Searches the weights that rerank dev n-best lists best against the references: a grid over\n"
    "every dimension, then coordinate descent with shrinking steps from the best grid point.\n"
    "Each utterance's hypothesis with the highest\n"
    "  total = base + lm_weight * ((1 - a) * old_lm + a * lm) + wip * n_words\n"
    "is chosen, every score a log10 probability (the n-best readers convert Kaldi's -ln costs and\n"
    "pocketsphinx's base 1.0001; see rlm nbest --help). Without --old-lm, a = 1. This is the\n"
    "total `rlm nbest --lm-weight W --wip P [--old-lm COL --interp A]` ranks by.\n"
    "Prints the table it searched, one line per point (lm_weight, wip[, a], metric, grid|local),\n"
    "then the best point (the first of equal ones).\n"
    "  --ref REF       references, `utt-id word ...` (Kaldi text) matched by utterance id;\n"
    "                  --plain-ref: one sentence a line, the i-th for the i-th utterance\n"
    "  --metric        wer (default; percent, lower is better, counted as NIST sclite does) or\n"
    "                  bleu (corpus BLEU-4, sacreBLEU's exp smoothing, higher is better)\n"
    "  --base COL      the base score column (default ac; moses: total)\n"
    "  --lm COL        the LM column lm_weight weighs (default rlm when the lists have it, as\n"
    "                  `rlm nbest --add-column` writes them, else lm)\n"
    "  --old-lm COL    also search a, the interpolation between COL and the --lm column\n"
    "  --lm-weight     grid LO:HI:N, N points from LO to HI (default 0:2:11); the search stays\n"
    "  --wip           inside [LO, HI] (defaults -1:1:11 and, for --interp, 0:1:6)\n"
    "  --min-step F    stop when every step is below F * (HI - LO) (default 0.001)\n"
    "  --max-evals N   at most N points in all (default 10000)\n"
    "  -o FILE         write the best point as options for rlm nbest: `--lm-weight W --wip P`,\n"
    "                  and with --old-lm `--old-lm COL --interp A` (rlm nbest --add-column then\n"
    "                  ranks its new column as --lm, the column tuned here)\n"
    "  --best FILE     `utt w1 w2 ...`, each utterance's hypothesis at the best point\n";

static int usage_error(const char *what, const char *arg) {
    return args_usage_error("tune", usage_text, what, arg);
}

/* "LO:HI:N" -> dim; 0, or -1 when malformed. */
static int parse_range(const char *s, const char *name, rlm_tune_dim *d) {
    char buf[256];
    if (!s) return 0;
    if (strlen(s) >= sizeof buf) return -1;
    strcpy(buf, s);
    char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) return -1;
    *c1 = *c2 = '\0';
    int64_t n;
    if (args_parse_double(buf, &d->lo) || args_parse_double(c1 + 1, &d->hi) ||
        args_parse_int64(c2 + 1, 1, 100000, &n) || !(d->lo <= d->hi) || d->hi - d->lo > 1e300)
        return -1;
    d->grid = (int)n, d->name = name;
    return 0;
}

/* The best point as rlm nbest options; %.17g reads back as the same double. */
static rlm_status write_options(const char *path, const rlm_tune_point *b, const char *old_lm,
                                rlm_error *err) {
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, path, err)) return err->status;
    fprintf(af.f, "--lm-weight %.17g --wip %.17g", b->params[0], b->params[1]);
    if (old_lm) fprintf(af.f, " --old-lm %s --interp %.17g", old_lm, b->params[2]);
    fputc('\n', af.f);
    return rlm_atomic_commit(&af, err);
}

/* Reorders every utterance by the total at the best point (as rlm nbest ranks) and writes the
 * first hypotheses. */
static rlm_status write_best(rlm_nbest *nb, const rlm_nbest_tune_spec *spec,
                             const double *params, const char *path, rlm_error *err) {
    if (rlm_nbest_tune_rerank(nb, spec, params, err)) return err->status;
    return rlm_nbest_write_best(nb, path, err);
}

int cmd_tune(int argc, char **argv) {
    const char *format = NULL, *ref_path = NULL, *metric = "wer", *base = NULL, *lm = NULL;
    const char *old_lm = NULL, *w_text = NULL, *p_text = NULL, *a_text = NULL, *symbols = NULL;
    const char *opts_out = NULL, *best_out = NULL;
    int plain_ref = 0, max_evals = 0;
    double min_step = 0;
    const arg_spec specs[] = {
        {"--format", ARG_STRING, &format},   {"--ref", ARG_STRING, &ref_path},
        {"--metric", ARG_STRING, &metric},   {"--plain-ref", ARG_FLAG, &plain_ref},
        {"--base", ARG_STRING, &base},       {"--lm", ARG_STRING, &lm},
        {"--old-lm", ARG_STRING, &old_lm},   {"--lm-weight", ARG_STRING, &w_text},
        {"--wip", ARG_STRING, &p_text},      {"--interp", ARG_STRING, &a_text},
        {"--min-step", ARG_DOUBLE, &min_step}, {"--max-evals", ARG_INT, &max_evals},
        {"--symbols", ARG_STRING, &symbols}, {"-o", ARG_STRING, &opts_out},
        {"--best", ARG_STRING, &best_out},
    };
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    int n_in, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], in,
                                      argc, &n_in, usage_text);
    if (rc >= 0) goto free_args;
    rc = 2;
    int fmt = format ? rlm_nbest_format_parse(format) : -1;
    rlm_nbest_tune_spec spec = {0};
    rlm_tune_options o = {0};
    o.n_dims = old_lm ? 3 : 2;
    o.dim[0] = (rlm_tune_dim){"lm_weight", 0, 2, 11};
    o.dim[1] = (rlm_tune_dim){"wip", -1, 1, 11};
    o.dim[2] = (rlm_tune_dim){"a", 0, 1, 6};
    if (!format) { usage_error("--format is required%s", ""); goto free_args; }
    if (fmt < 0) { usage_error("--format: unknown format '%s'", format); goto free_args; }
    if (!n_in) { usage_error("no n-best files%s", ""); goto free_args; }
    if (!ref_path) { usage_error("--ref REF is required%s", ""); goto free_args; }
    if (!strcmp(metric, "wer")) spec.metric = RLM_NBEST_TUNE_WER;
    else if (!strcmp(metric, "bleu")) spec.metric = RLM_NBEST_TUNE_BLEU;
    else { usage_error("--metric: expected wer or bleu, not '%s'", metric); goto free_args; }
    if (parse_range(w_text, "lm_weight", &o.dim[0])) { usage_error("--lm-weight: expected LO:HI:N with LO <= HI and N >= 1, not '%s'", w_text); goto free_args; }
    if (parse_range(p_text, "wip", &o.dim[1])) { usage_error("--wip: expected LO:HI:N with LO <= HI and N >= 1, not '%s'", p_text); goto free_args; }
    if (a_text && !old_lm) { usage_error("--interp needs --old-lm COL%s", ""); goto free_args; }
    if (parse_range(a_text, "a", &o.dim[2]) || o.dim[2].lo < 0 || o.dim[2].hi > 1) { usage_error("--interp: expected LO:HI:N within [0, 1], not '%s'", a_text); goto free_args; }
    if (min_step < 0 || min_step >= 1) { usage_error("--min-step: expected a fraction in [0, 1)%s", ""); goto free_args; }
    if (max_evals < 0) { usage_error("--max-evals: expected a positive count%s", ""); goto free_args; }
    if (symbols && fmt != RLM_NBEST_KALDI) { usage_error("--symbols is for kaldi lists%s", ""); goto free_args; }
    o.min_step_fraction = min_step, o.max_evals = max_evals;

    rc = 1;
    rlm_error err = {0};
    rlm_nbest *nb = NULL;
    rlm_transcripts *ref = NULL;
    rlm_nbest_tune_data *data = NULL;
    rlm_tune_result res = {0};
    const rlm_tune_problem *prob;
    rlm_nbest_read_options ro = {symbols};
    if (rlm_nbest_read((rlm_nbest_format)fmt, in, n_in, &ro, &nb, &err)) goto done;
    if (rlm_transcripts_read(ref_path, plain_ref ? RLM_TRN_PLAIN : 0, &ref, &err)) goto done;
    if (!base) base = fmt == RLM_NBEST_MOSES ? "total" : "ac";
    if (!lm) lm = rlm_nbest_column(nb, "rlm") >= 0 ? "rlm" : "lm";
    spec.base_col = rlm_nbest_column(nb, base);
    spec.lm_col = rlm_nbest_column(nb, lm);
    spec.old_lm_col = old_lm ? rlm_nbest_column(nb, old_lm) : -1;
    spec.by_order = plain_ref;
    const char *missing = spec.base_col < 0 ? base : spec.lm_col < 0 ? lm
                        : old_lm && spec.old_lm_col < 0 ? old_lm : NULL;
    if (missing) {
        rlm_fail(&err, RLM_E_ARG, "%s: the lists have no column '%s'", in[0], missing);
        goto done;
    }
    if (rlm_nbest_tune_prepare(nb, ref, &spec, &data, &prob, &err)) goto done;
    if (rlm_tune_search(prob, &o, &res, &err)) goto done;

    const char *mname = spec.metric == RLM_NBEST_TUNE_WER ? "WER" : "BLEU";
    printf("#lm_weight\twip%s\t%s\tsearch\n", old_lm ? "\ta" : "", mname);
    for (size_t i = 0; i < res.n_table; i++) {
        const rlm_tune_point *t = &res.table[i];
        for (int d = 0; d < o.n_dims; d++) printf("%.6g\t", t->params[d]);
        printf("%.4f\t%s\n", t->metric, t->local ? "local" : "grid");
    }
    printf("best: lm_weight=%.6g wip=%.6g", res.best.params[0], res.best.params[1]);
    if (old_lm) printf(" a=%.6g", res.best.params[2]);
    printf(" %s=%.4f (%zu utterances, %zu points; base=%s lm=%s%s%s)\n", mname, res.best.metric,
           nb->n_utts, res.n_table, base, lm, old_lm ? " old_lm=" : "", old_lm ? old_lm : "");
    if (opts_out && write_options(opts_out, &res.best, old_lm, &err)) goto done;
    if (best_out && write_best(nb, &spec, res.best.params, best_out, &err)) goto done;
    rc = 0;
done:
    if (rc) fprintf(stderr, "rlm tune: %s\n", err.message);
    rlm_tune_result_free(&res);
    rlm_nbest_tune_free(data);
    rlm_transcripts_free(ref);
    rlm_nbest_free(nb);
free_args:
    free(in);
    return rc;
}
