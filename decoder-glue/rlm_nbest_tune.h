/* Tuning the weights of n-best reranking on a dev set: turns n-best lists and their references
 * into an rlm_tune_problem (plugin/rlm_tune.h), precomputing each hypothesis's errors (WER, aligned
 * as NIST sclite aligns) or BLEU sufficient statistics once, so the search never re-aligns.
 *
 * The ranking score of a hypothesis, every term a log10 as in rlm_nbest.h (higher is better):
 *   total = base + lm_weight * ((1 - a) * old_lm + a * lm) + wip * n_words
 * params[0] = lm_weight, params[1] = wip, params[2] = a (only with an old_lm column; without one
 * a is 1 and the problem has two dimensions). base is the acoustic column ("ac"; Moses: its
 * "total"), lm the new LM column, old_lm the decoder's. With a = 1 this is exactly the total
 * rlm_nbest_rerank computes. `rlm nbest --lm-weight W --wip P [--old-lm COL --interp A]` ranks
 * by rlm_nbest_tune_rerank, so the options `rlm tune -o` writes give the ranking tune chose.
 *
 * Metrics: WER = 100 * (sub + del + ins) / reference words (stats: errors, reference words;
 * minimised); BLEU = corpus BLEU-4 with sacreBLEU's exp smoothing (stats: 4 matches, 4 totals,
 * hypothesis and reference length; maximised). */
#ifndef RLM_NBEST_TUNE_H
#define RLM_NBEST_TUNE_H

#include "rlm_metrics.h"
#include "rlm_nbest.h"
#include "rlm_tune.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rlm_nbest_tune_metric { RLM_NBEST_TUNE_WER = 0, RLM_NBEST_TUNE_BLEU } rlm_nbest_tune_metric;

typedef struct rlm_nbest_tune_spec {
    int base_col;   /* column index of the base score (-1: 0) */
    int lm_col;     /* the (new) LM column, weighted by lm_weight */
    int old_lm_col; /* the column interpolated with lm_col by a, or -1 for none */
    rlm_nbest_tune_metric metric;
    int by_order;   /* 0: references matched by utterance id; 1: reference i is utterance i */
} rlm_nbest_tune_spec;

typedef struct rlm_nbest_tune_data rlm_nbest_tune_data;

/* Builds the problem; *problem points into *out, which owns its arrays (the lists and
 * references may be freed afterwards). RLM_E_FORMAT names the file and utterance when an
 * utterance has no reference (or, by_order, when the counts differ); RLM_E_ARG for a bad column. */
RLM_API rlm_status rlm_nbest_tune_prepare(const rlm_nbest *nb, const rlm_transcripts *ref,
                                          const rlm_nbest_tune_spec *spec,
                                          rlm_nbest_tune_data **out,
                                          const rlm_tune_problem **problem, rlm_error *err);
RLM_API void rlm_nbest_tune_free(rlm_nbest_tune_data *d);

/* The ranking score above for one hypothesis of nb under params (lm_weight, wip[, a]). */
RLM_API double rlm_nbest_tune_total(const rlm_nbest_hyp *h, const rlm_nbest_tune_spec *spec,
                                    const double *params);
/* Sets every hypothesis's total to rlm_nbest_tune_total and sorts by it (rlm_nbest_sort). */
RLM_API rlm_status rlm_nbest_tune_rerank(rlm_nbest *nb, const rlm_nbest_tune_spec *spec,
                                         const double *params, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
