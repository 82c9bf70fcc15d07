/* bench_nbest MODEL NBEST.tsv THREADS LABEL: rescoring throughput on a TSV n-best set with the
 * prefix tree + batched calls (plugin/nbest_rescore.h) on 1 and THREADS threads, against scoring
 * each hypothesis alone word by word (rlm_model_log10prob + rlm_model_step). Prints one TSV row
 * per mode: LABEL, mode, threads, utterances, hypotheses, tokens, RNN evaluations, seconds,
 * tokens/s, speed-up over alone, and the largest score difference from alone (log10). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "nbest_rescore.h"
#include "rlm_nbest.h"

static double alone(const rlm_model *m, rlm_rescore_utt *utts, size_t n, double *lm) {
    const rlm_vocab *v = rlm_model_vocab(m);
    rlm_state *s = rlm_state_new(m);
    double t0 = rlm_now_s();
    size_t k = 0;
    for (size_t u = 0; u < n; u++)
        for (size_t h = 0; h < utts[u].n_hyps; h++, k++) {
            const rlm_rescore_hyp *hy = &utts[u].hyps[h];
            double sum = 0;
            rlm_model_begin(m, s);
            for (int i = 0; i < hy->n_words; i++) {
                int32_t id = rlm_vocab_id(v, hy->words[i], strlen(hy->words[i]));
                sum += rlm_model_log10prob(m, s, id);
                rlm_model_step(m, s, id, s);
            }
            lm[k] = sum + rlm_model_log10prob(m, s, RLM_EOS_ID);
        }
    double t = rlm_now_s() - t0;
    rlm_state_free(s);
    return t;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: bench_nbest MODEL NBEST.tsv THREADS LABEL\n");
        return 2;
    }
    rlm_error err;
    rlm_model *m;
    rlm_nbest *nb;
    const char *path = argv[2];
    if (rlm_model_load(argv[1], &m, &err) ||
        rlm_nbest_read(RLM_NBEST_TSV, &path, 1, NULL, &nb, &err)) {
        fprintf(stderr, "bench_nbest: %s\n", err.message);
        return 1;
    }
    size_t n_hyps = 0, tokens = 0;
    for (size_t u = 0; u < nb->n_utts; u++) n_hyps += nb->utts[u].n_hyps;
    rlm_rescore_utt *utts = calloc(nb->n_utts, sizeof *utts);
    rlm_rescore_hyp *hyps = calloc(n_hyps, sizeof *hyps);
    double *ref = calloc(n_hyps, sizeof *ref);
    for (size_t u = 0, k = 0; u < nb->n_utts; u++) {
        utts[u].hyps = hyps + k, utts[u].n_hyps = nb->utts[u].n_hyps;
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++, k++) {
            hyps[k].words = (const char *const *)nb->utts[u].hyps[h].words;
            hyps[k].n_words = nb->utts[u].hyps[h].n_words;
            tokens += (size_t)hyps[k].n_words + 1;
        }
    }
    double t_alone = alone(m, utts, nb->n_utts, ref);
    printf("%s\talone word by word\t1\t%zu\t%zu\t%zu\t%zu\t%.3f\t%.0f\t1.0\t0\n", argv[4],
           nb->n_utts, n_hyps, tokens, tokens, t_alone, tokens / t_alone);
    int threads[2] = {1, atoi(argv[3])};
    for (int r = 0; r < 2; r++) {
        if (r == 1 && threads[1] <= 1) break;
        rlm_rescore_models rm = {.rnn = m};
        rlm_rescore_stats st;
        double t0 = rlm_now_s();
        if (rlm_nbest_rescore(&rm, utts, nb->n_utts, threads[r], &st, &err)) {
            fprintf(stderr, "bench_nbest: %s\n", err.message);
            return 1;
        }
        double t = rlm_now_s() - t0, worst = 0;
        for (size_t k = 0; k < n_hyps; k++) worst = fmax(worst, fabs(hyps[k].lm - ref[k]));
        printf("%s\tprefix tree + batched\t%d\t%zu\t%zu\t%zu\t%llu\t%.3f\t%.0f\t%.1f\t%.2g\n",
               argv[4], threads[r], nb->n_utts, n_hyps, tokens,
               (unsigned long long)st.rnn_nodes, t, tokens / t, t_alone / t, worst);
    }
    free(utts), free(hyps), free(ref);
    rlm_nbest_free(nb);
    rlm_model_free(m);
    return 0;
}
