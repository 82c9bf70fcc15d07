/* Word error rate: sclite's weighted Levenshtein alignment (costs and tie-breaking in
 * rlm_metrics.h) and the counts it yields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_metrics.h"

enum { COST_SUB = 4, COST_INS = 3, COST_DEL = 3 };

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static int same_word(const char *a, const char *b, int fold) {
    if (!fold) return !strcmp(a, b);
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b)) return 0;
    return *a == *b;
}

rlm_status rlm_wer_align(const char *const *ref, size_t n_ref, const char *const *hyp,
                         size_t n_hyp, int flags, rlm_wer_counts *counts, rlm_align_step *steps,
                         size_t *n_steps, rlm_error *err) {
    memset(counts, 0, sizeof *counts);
    if (n_steps) *n_steps = 0;
    size_t rows = n_ref + 1, cols = n_hyp + 1;
    if (n_ref > INT32_MAX / 8 || n_hyp > INT32_MAX / 8 || rows > SIZE_MAX / cols / 5)
        return rlm_fail(err, RLM_E_ARG, "alignment: sentences of %zu and %zu words are too long",
                        n_ref, n_hyp);
    int32_t *cost = malloc(rows * cols * sizeof *cost);
    unsigned char *op = malloc(rows * cols);
    if (!cost || !op) {
        free(cost);
        free(op);
        return rlm_fail(err, RLM_E_NOMEM, "alignment: out of memory for %zu x %zu words", n_ref,
                        n_hyp);
    }
    /* cell (i, j): the cheapest alignment of ref[0..i) with hyp[0..j) */
    cost[0] = 0;
    for (size_t j = 1; j < cols; j++) cost[j] = cost[j - 1] + COST_INS, op[j] = RLM_EDIT_INS;
    for (size_t i = 1; i < rows; i++) {
        int32_t *c = cost + i * cols, *up = c - cols;
        unsigned char *o = op + i * cols;
        c[0] = up[0] + COST_DEL, o[0] = RLM_EDIT_DEL;
        for (size_t j = 1; j < cols; j++) {
            int match = same_word(ref[i - 1], hyp[j - 1], flags & RLM_WER_FOLD_CASE);
            int32_t sub = up[j - 1] + (match ? 0 : COST_SUB);
            int32_t del = up[j] + COST_DEL, ins = c[j - 1] + COST_INS;
            /* sclite's order (net_dp.c): diagonal on <=, then deletion on <, else insertion */
            if (sub <= del && sub <= ins) c[j] = sub, o[j] = match ? RLM_EDIT_CORR : RLM_EDIT_SUB;
            else if (del < ins) c[j] = del, o[j] = RLM_EDIT_DEL;
            else c[j] = ins, o[j] = RLM_EDIT_INS;
        }
    }
    size_t n = 0, i = n_ref, j = n_hyp;
    while (i > 0 || j > 0) {
        rlm_edit e = op[i * cols + j];
        int32_t ri = -1, hj = -1;
        if (e == RLM_EDIT_CORR || e == RLM_EDIT_SUB) ri = (int32_t)--i, hj = (int32_t)--j;
        else if (e == RLM_EDIT_DEL) ri = (int32_t)--i;
        else hj = (int32_t)--j;
        if (e == RLM_EDIT_CORR) counts->corr++;
        else if (e == RLM_EDIT_SUB) counts->sub++;
        else if (e == RLM_EDIT_DEL) counts->del++;
        else counts->ins++;
        if (steps) steps[n] = (rlm_align_step){e, ri, hj};
        n++;
    }
    free(cost);
    free(op);
    if (steps) /* the trace ran backwards */
        for (size_t a = 0, b = n; a + 1 < b; a++, b--) {
            rlm_align_step t = steps[a];
            steps[a] = steps[b - 1], steps[b - 1] = t;
        }
    if (n_steps) *n_steps = n;
    counts->ref_words = (int64_t)n_ref;
    counts->hyp_words = (int64_t)n_hyp;
    counts->sentences = 1;
    counts->sentences_with_errors = counts->sub + counts->del + counts->ins > 0;
    return RLM_OK;
}

void rlm_wer_add(rlm_wer_counts *sum, const rlm_wer_counts *c) {
    sum->corr += c->corr, sum->sub += c->sub, sum->del += c->del, sum->ins += c->ins;
    sum->ref_words += c->ref_words, sum->hyp_words += c->hyp_words;
    sum->sentences += c->sentences, sum->sentences_with_errors += c->sentences_with_errors;
}

double rlm_wer_percent(const rlm_wer_counts *c) {
    int64_t errors = c->sub + c->del + c->ins;
    if (c->ref_words == 0) return 100.0 * (double)errors;
    return 100.0 * (double)errors / (double)c->ref_words;
}
