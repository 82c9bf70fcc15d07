/* bench_nbest MODEL FORMAT LIST MAX_UTTS MODE THREADS REF LABEL: n-best rescoring throughput on
 * the first MAX_UTTS utterances (0 = all) of LIST (an n-best list in FORMAT, rlm_nbest.h).
 * MODE "alone" scores each hypothesis by itself, word by word (rlm_model_log10prob +
 * rlm_model_step, sgemv), and writes its times and scores to REF; MODE "tree" runs
 * rlm_nbest_rescore (prefix tree, batched calls, THREADS threads) and compares with REF. One
 * process per mode, so that the peak resident memory (getrusage) is the mode's own. Prints one
 * TSV row: LABEL, mode, threads, utterances, hypotheses, tokens, RNN evaluations, share of them
 * the prefix tree saved, seconds (wall), CPU seconds (all threads), tokens/s and tokens per CPU
 * second, speed-up over alone (wall, CPU), largest score difference from alone (log10), peak
 * resident MiB. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "clock.h"
#include "nbest_rescore.h"
#include "rlm_nbest.h"

/* CPU seconds of the whole process (all threads): on a shared machine the wall clock also
 * counts the time other jobs hold the cores. */
static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double alone(const rlm_model *m, rlm_rescore_utt *utts, size_t n, double *lm, double *cpu) {
    const rlm_vocab *v = rlm_model_vocab(m);
    rlm_state *s = rlm_state_new(m);
    double t0 = rlm_now_s(), c0 = cpu_s();
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
    *cpu = cpu_s() - c0;
    rlm_state_free(s);
    return t;
}

static double peak_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static int fail(const char *what, const char *msg) {
    fprintf(stderr, "bench_nbest: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: bench_nbest MODEL FORMAT LIST MAX_UTTS alone|tree THREADS REF "
                        "LABEL\n");
        return 2;
    }
    rlm_error err;
    rlm_model *m;
    rlm_nbest *nb;
    const char *path = argv[3], *mode = argv[5], *ref_path = argv[7], *label = argv[8];
    int fmt = rlm_nbest_format_parse(argv[2]), threads = atoi(argv[6]);
    if (fmt < 0) return fail(argv[2], "unknown n-best format");
    if (rlm_model_load(argv[1], &m, &err) ||
        rlm_nbest_read((rlm_nbest_format)fmt, &path, 1, NULL, &nb, &err))
        return fail("load", err.message);
    size_t n_utts = nb->n_utts, n_hyps = 0, tokens = 0;
    if (atol(argv[4]) > 0 && (size_t)atol(argv[4]) < n_utts) n_utts = (size_t)atol(argv[4]);
    for (size_t u = 0; u < n_utts; u++) n_hyps += nb->utts[u].n_hyps;
    rlm_rescore_utt *utts = calloc(n_utts, sizeof *utts);
    rlm_rescore_hyp *hyps = calloc(n_hyps, sizeof *hyps);
    /* REF: the seconds alone (wall, CPU), then the scores */
    const size_t n_ref = n_hyps + 2;
    double *ref = calloc(n_ref, sizeof *ref);
    if (!utts || !hyps || !ref) return fail("memory", "out of memory");
    for (size_t u = 0, k = 0; u < n_utts; u++) {
        utts[u].hyps = hyps + k, utts[u].n_hyps = nb->utts[u].n_hyps;
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++, k++) {
            hyps[k].words = (const char *const *)nb->utts[u].hyps[h].words;
            hyps[k].n_words = nb->utts[u].hyps[h].n_words;
            tokens += (size_t)hyps[k].n_words + 1;
        }
    }
    FILE *f;
    if (!strcmp(mode, "alone")) {
        ref[0] = alone(m, utts, n_utts, ref + 2, &ref[1]);
        if (!(f = fopen(ref_path, "wb")) || fwrite(ref, sizeof *ref, n_ref, f) != n_ref || fclose(f))
            return fail(ref_path, "cannot write");
        printf("%s\talone word by word\t1\t%zu\t%zu\t%zu\t%zu\t0.0%%\t%.3f\t%.3f\t%.0f\t%.0f\t1.0"
               "\t1.0\t0\t%.1f\n",
               label, n_utts, n_hyps, tokens, tokens, ref[0], ref[1], tokens / ref[0],
               tokens / ref[1], peak_mib());
    } else {
        if (!(f = fopen(ref_path, "rb"))) return fail(ref_path, "cannot read (run alone first)");
        size_t got = fread(ref, sizeof *ref, n_ref, f);
        fclose(f);
        if (got != n_ref) return fail(ref_path, "does not match the list");
        rlm_rescore_models rm = {.rnn = m};
        rlm_rescore_stats st;
        double t0 = rlm_now_s(), c0 = cpu_s();
        if (rlm_nbest_rescore(&rm, utts, n_utts, threads, &st, &err))
            return fail("rescore", err.message);
        double t = rlm_now_s() - t0, c = cpu_s() - c0, worst = 0;
        for (size_t k = 0; k < n_hyps; k++) worst = fmax(worst, fabs(hyps[k].lm - ref[k + 2]));
        printf("%s\tprefix tree + batched\t%d\t%zu\t%zu\t%zu\t%llu\t%.1f%%\t%.3f\t%.3f\t%.0f\t%.0f"
               "\t%.1f\t%.1f\t%.2g\t%.1f\n",
               label, threads, n_utts, n_hyps, tokens, (unsigned long long)st.rnn_nodes,
               100.0 * (1.0 - (double)st.rnn_nodes / (double)tokens), t, c, tokens / t,
               tokens / c, ref[0] / t, ref[1] / c, worst, peak_mib());
    }
    free(utts), free(hyps), free(ref);
    rlm_nbest_free(nb);
    rlm_model_free(m);
    return 0;
}
