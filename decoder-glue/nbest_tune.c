/* N-best lists + references -> a tuning problem: features (base, lm, old_lm, words) and the
 * per-hypothesis statistics of the chosen metric. */
#include <stdlib.h>

#include "rlm_nbest_tune.h"

enum { F_BASE, F_LM, F_OLD, F_WORDS, N_FEATURES };
enum { WER_STATS = 2, BLEU_STATS = 2 * RLM_BLEU_ORDER + 2 };

struct rlm_nbest_tune_data {
    rlm_tune_problem problem;
    size_t *utt_start;
    double *features, *stats;
    int interpolate;
};

static double column(const rlm_nbest_hyp *h, int col) { return col >= 0 ? h->score[col] : 0.0; }

static double mix_total(const double *f, const double *params, int interpolate) {
    const double a = interpolate ? params[2] : 1.0;
    return f[F_BASE] + params[0] * ((1.0 - a) * f[F_OLD] + a * f[F_LM]) + params[1] * f[F_WORDS];
}

double rlm_nbest_tune_total(const rlm_nbest_hyp *h, const rlm_nbest_tune_spec *spec,
                            const double *params) {
    const double f[N_FEATURES] = {column(h, spec->base_col), column(h, spec->lm_col),
                                  column(h, spec->old_lm_col), (double)h->n_words};
    return mix_total(f, params, spec->old_lm_col >= 0);
}

rlm_status rlm_nbest_tune_rerank(rlm_nbest *nb, const rlm_nbest_tune_spec *spec,
                                 const double *params, rlm_error *err) {
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t i = 0; i < nb->utts[u].n_hyps; i++)
            nb->utts[u].hyps[i].total = rlm_nbest_tune_total(&nb->utts[u].hyps[i], spec, params);
    return rlm_nbest_sort(nb, err);
}

static double score(const double *f, const double *params, void *ctx) {
    return mix_total(f, params, ((const rlm_nbest_tune_data *)ctx)->interpolate);
}

static double wer_metric(const double *s, void *ctx) {
    (void)ctx;
    if (s[1] > 0) return 100.0 * s[0] / s[1];
    return 100.0 * s[0]; /* no reference words: as rlm_wer_percent */
}

static double bleu_metric(const double *s, void *ctx) {
    (void)ctx;
    rlm_bleu_stats b;
    for (int n = 0; n < RLM_BLEU_ORDER; n++)
        b.match[n] = (int64_t)s[n], b.total[n] = (int64_t)s[RLM_BLEU_ORDER + n];
    b.hyp_len = (int64_t)s[2 * RLM_BLEU_ORDER], b.ref_len = (int64_t)s[2 * RLM_BLEU_ORDER + 1];
    return rlm_bleu_score(&b, RLM_BLEU_SMOOTH_EXP, NULL, NULL);
}

static rlm_status hyp_stats(const rlm_transcript_line *r, const rlm_nbest_hyp *h,
                            rlm_nbest_tune_metric m, double *out, rlm_error *err) {
    const char *const *hw = (const char *const *)h->words;
    if (m == RLM_NBEST_TUNE_WER) {
        rlm_wer_counts c;
        rlm_status s = rlm_wer_align(r->tokens, r->n_tokens, hw, (size_t)h->n_words, 0, &c, NULL,
                                     NULL, err);
        if (s) return s;
        out[0] = (double)(c.sub + c.del + c.ins), out[1] = (double)c.ref_words;
        return RLM_OK;
    }
    rlm_bleu_stats b;
    rlm_bleu_segment(r->tokens, r->n_tokens, hw, (size_t)h->n_words, &b);
    for (int n = 0; n < RLM_BLEU_ORDER; n++)
        out[n] = (double)b.match[n], out[RLM_BLEU_ORDER + n] = (double)b.total[n];
    out[2 * RLM_BLEU_ORDER] = (double)b.hyp_len, out[2 * RLM_BLEU_ORDER + 1] = (double)b.ref_len;
    return RLM_OK;
}

rlm_status rlm_nbest_tune_prepare(const rlm_nbest *nb, const rlm_transcripts *ref,
                                  const rlm_nbest_tune_spec *spec, rlm_nbest_tune_data **out,
                                  const rlm_tune_problem **problem, rlm_error *err) {
    *out = NULL, *problem = NULL;
    const int cols[3] = {spec->base_col, spec->lm_col, spec->old_lm_col};
    for (int i = 0; i < 3; i++)
        if (cols[i] < -1 || cols[i] >= nb->n_columns)
            return rlm_fail(err, RLM_E_ARG, "column index %d: the lists have %d columns", cols[i],
                            nb->n_columns);
    if (spec->by_order && ref->n_lines != nb->n_utts)
        return rlm_fail(err, RLM_E_FORMAT, "%s: %zu references for %zu utterances", ref->path,
                        ref->n_lines, nb->n_utts);
    size_t n_hyps = 0;
    for (size_t u = 0; u < nb->n_utts; u++) n_hyps += nb->utts[u].n_hyps;
    const int n_stats = spec->metric == RLM_NBEST_TUNE_WER ? WER_STATS : BLEU_STATS;
    rlm_nbest_tune_data *d = calloc(1, sizeof *d);
    if (!d) return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    d->utt_start = malloc((nb->n_utts + 1) * sizeof *d->utt_start);
    d->features = malloc((n_hyps ? n_hyps : 1) * N_FEATURES * sizeof *d->features);
    d->stats = malloc((n_hyps ? n_hyps : 1) * (size_t)n_stats * sizeof *d->stats);
    if (!d->utt_start || !d->features || !d->stats) {
        rlm_nbest_tune_free(d);
        return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t u = 0; u < nb->n_utts; u++) {
        const rlm_nbest_utt *ut = &nb->utts[u];
        ptrdiff_t r = spec->by_order ? (ptrdiff_t)u : rlm_transcripts_find(ref, ut->id);
        if (r < 0) {
            rlm_nbest_tune_free(d);
            return rlm_fail(err, RLM_E_FORMAT, "%s: utterance '%s' of the n-best lists has no reference",
                            ref->path, ut->id);
        }
        d->utt_start[u] = k;
        for (size_t i = 0; i < ut->n_hyps; i++, k++) {
            const rlm_nbest_hyp *h = &ut->hyps[i];
            double *f = d->features + k * N_FEATURES;
            f[F_BASE] = column(h, spec->base_col), f[F_LM] = column(h, spec->lm_col);
            f[F_OLD] = column(h, spec->old_lm_col), f[F_WORDS] = (double)h->n_words;
            rlm_status s = hyp_stats(&ref->lines[r], h, spec->metric, d->stats + k * (size_t)n_stats, err);
            if (s) {
                rlm_nbest_tune_free(d);
                return s;
            }
        }
    }
    d->utt_start[nb->n_utts] = k;
    d->interpolate = spec->old_lm_col >= 0;
    rlm_tune_problem *p = &d->problem;
    p->n_utts = nb->n_utts, p->utt_start = d->utt_start;
    p->n_features = N_FEATURES, p->features = d->features;
    p->n_stats = n_stats, p->stats = d->stats;
    p->score = score, p->score_ctx = d;
    p->metric = spec->metric == RLM_NBEST_TUNE_WER ? wer_metric : bleu_metric;
    p->metric_ctx = NULL;
    p->maximize = spec->metric == RLM_NBEST_TUNE_BLEU;
    *out = d, *problem = p;
    return RLM_OK;
}

void rlm_nbest_tune_free(rlm_nbest_tune_data *d) {
    if (!d) return;
    free(d->utt_start);
    free(d->features);
    free(d->stats);
    free(d);
}
