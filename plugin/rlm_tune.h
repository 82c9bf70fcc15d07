/* Tuning score weights on a dev set: grid search, then coordinate descent with shrinking steps
 * from the best grid point. Format-free: the caller turns its n-best lists into per-hypothesis
 * feature rows and per-hypothesis sufficient statistics (precomputed against the references, so
 * the search never re-aligns), and supplies
 *   score(features, params)  the ranking score of one hypothesis under the weights params (for
 *                            ASR: ac + lm_weight * lm + wip * nwords, all log10);
 *   metric(sums)             the corpus metric from the statistics summed over the chosen
 *                            hypotheses (WER: errors / ref_words; BLEU: from n-gram matches,
 *                            totals and lengths).
 * For each utterance the hypothesis with the highest score is chosen (ties: the first). */
#ifndef RLM_TUNE_H
#define RLM_TUNE_H

#include <stddef.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_TUNE_MAX_DIMS 4

typedef struct rlm_tune_dim {
    const char *name; /* for the table, e.g. "lm_weight" */
    double lo, hi;    /* the search stays within [lo, hi] */
    int grid;         /* grid points from lo to hi inclusive (1: only lo) */
} rlm_tune_dim;

typedef struct rlm_tune_problem {
    size_t n_utts;
    const size_t *utt_start; /* n_utts + 1 offsets: utterance u has hypotheses [start[u], start[u+1]) */
    int n_features;
    const double *features;  /* n_hyps rows of n_features */
    int n_stats;
    const double *stats;     /* n_hyps rows of n_stats */
    double (*score)(const double *features, const double *params, void *ctx);
    void *score_ctx;
    double (*metric)(const double *sums, void *ctx);
    void *metric_ctx;
    int maximize;            /* 1: higher metric is better (BLEU); 0: lower (WER) */
} rlm_tune_problem;

typedef struct rlm_tune_options {
    int n_dims; /* 1..RLM_TUNE_MAX_DIMS */
    rlm_tune_dim dim[RLM_TUNE_MAX_DIMS];
    double min_step_fraction; /* local search stops when every step < this * (hi - lo);
                                 0 means 1e-3 */
    int max_evals;            /* 0 means 10000 */
} rlm_tune_options;

typedef struct rlm_tune_point {
    double params[RLM_TUNE_MAX_DIMS];
    double metric;
    int local; /* 0: a grid point; 1: found by the local search */
} rlm_tune_point;

typedef struct rlm_tune_result {
    rlm_tune_point best;
    rlm_tune_point *table; /* every point evaluated, in order: the grid, then the local search */
    size_t n_table;
} rlm_tune_result;

/* RLM_E_ARG for a bad option (dimension count, lo > hi, grid < 1, grid too large); RLM_E_NOMEM. */
RLM_API rlm_status rlm_tune_search(const rlm_tune_problem *p, const rlm_tune_options *o,
                                   rlm_tune_result *out, rlm_error *err);
RLM_API void rlm_tune_result_free(rlm_tune_result *r);

#ifdef __cplusplus
}
#endif

#endif
