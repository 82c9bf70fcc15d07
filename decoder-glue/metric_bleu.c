/* BLEU-4: clipped n-gram statistics of a segment, corpus BLEU as sacreBLEU computes it from the
 * summed statistics, and Lin & Och's add-one sentence BLEU for reranking. */
#include <math.h>
#include <string.h>

#include "rlm_metrics.h"

static int same_ngram(const char *const *a, const char *const *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (strcmp(a[k], b[k])) return 0;
    return 1;
}

/* Occurrences of the n-gram g in s[0..len). */
static int64_t count_ngram(const char *const *s, size_t len, const char *const *g, size_t n) {
    int64_t c = 0;
    for (size_t i = 0; i + n <= len; i++) c += same_ngram(s + i, g, n);
    return c;
}

/* Quadratic in the sentence length, which is short; no hashing of n-grams needed. */
void rlm_bleu_segment(const char *const *ref, size_t n_ref, const char *const *hyp, size_t n_hyp,
                      rlm_bleu_stats *out) {
    memset(out, 0, sizeof *out);
    out->hyp_len = (int64_t)n_hyp;
    out->ref_len = (int64_t)n_ref;
    for (size_t n = 1; n <= RLM_BLEU_ORDER && n <= n_hyp; n++) {
        out->total[n - 1] = (int64_t)(n_hyp - n + 1);
        for (size_t i = 0; i + n <= n_hyp; i++) {
            /* count each distinct n-gram once, at its first occurrence */
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++) seen = same_ngram(hyp + k, hyp + i, n);
            if (seen) continue;
            int64_t in_hyp = count_ngram(hyp, n_hyp, hyp + i, n);
            int64_t in_ref = count_ngram(ref, n_ref, hyp + i, n);
            out->match[n - 1] += in_hyp < in_ref ? in_hyp : in_ref;
        }
    }
}

void rlm_bleu_add(rlm_bleu_stats *sum, const rlm_bleu_stats *s) {
    for (int n = 0; n < RLM_BLEU_ORDER; n++) sum->match[n] += s->match[n], sum->total[n] += s->total[n];
    sum->hyp_len += s->hyp_len, sum->ref_len += s->ref_len;
}

static double brevity_penalty(const rlm_bleu_stats *s) {
    if (s->hyp_len >= s->ref_len) return 1.0;
    return s->hyp_len > 0 ? exp(1.0 - (double)s->ref_len / (double)s->hyp_len) : 0.0;
}

double rlm_bleu_score(const rlm_bleu_stats *s, rlm_bleu_smooth smooth,
                      double precision[RLM_BLEU_ORDER], double *bp_out) {
    double p[RLM_BLEU_ORDER] = {0}, bp = brevity_penalty(s), smooth_div = 1.0;
    int any = 0, zero = 0;
    for (int n = 0; n < RLM_BLEU_ORDER; n++) any |= s->match[n] > 0;
    for (int n = 0; any && n < RLM_BLEU_ORDER; n++) {
        if (s->total[n] == 0) { /* sacreBLEU stops here: the missing orders count as 0 */
            zero = 1;
            break;
        }
        if (s->match[n] > 0) {
            p[n] = 100.0 * (double)s->match[n] / (double)s->total[n];
        } else if (smooth == RLM_BLEU_SMOOTH_EXP) {
            smooth_div *= 2;
            p[n] = 100.0 / (smooth_div * (double)s->total[n]);
        } else {
            zero = 1;
        }
    }
    if (precision) memcpy(precision, p, sizeof p);
    if (bp_out) *bp_out = bp;
    if (!any || zero) return 0.0;
    double log_sum = 0;
    for (int n = 0; n < RLM_BLEU_ORDER; n++) log_sum += log(p[n] / 100.0);
    return 100.0 * bp * exp(log_sum / RLM_BLEU_ORDER);
}

double rlm_bleu_sentence_smoothed(const rlm_bleu_stats *s) {
    if (s->hyp_len == 0 || s->match[0] == 0) return 0.0;
    double log_sum = log((double)s->match[0] / (double)s->total[0]);
    for (int n = 1; n < RLM_BLEU_ORDER; n++)
        log_sum += log((double)(s->match[n] + 1) / (double)(s->total[n] + 1));
    return 100.0 * brevity_penalty(s) * exp(log_sum / RLM_BLEU_ORDER);
}
