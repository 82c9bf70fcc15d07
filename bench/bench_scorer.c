/* Shallow-fusion load on the scorer: B beams x T steps, every beam extended by one word per step
 * (words drawn by a fixed hash, so beams diverge at once, as distinct hypotheses do). Mode
 * "batched" scores each step's B (state, word) pairs in one rlm_scorer_score_batch; "single"
 * calls rlm_scorer_score B times. One mode per process, so that the peak resident memory
 * (getrusage) is the mode's own. Prints one TSV row (no header): PREFIX, mode, beams, steps,
 * seconds (wall), CPU seconds, steps/s, words/s, words per CPU second, cache hit rate, cache
 * MiB, histories, peak resident MiB, the sum of all scores (equal across modes when the two
 * paths agree). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rlm_scorer.h"

static double now(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int32_t word_at(int beam, int step, int32_t V) {
    uint64_t x = (uint64_t)beam * 0x9e3779b97f4a7c15ull ^ (uint64_t)step * 0xc2b2ae3d27d4eb4full;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 32;
    return 2 + (int32_t)(x % (uint64_t)(V - 2));
}

static void run(const rlm_model *m, int batched, int beams, int steps, const char *prefix) {
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    o.cache_bytes = (size_t)256 << 20;
    rlm_scorer *sc;
    rlm_error err;
    if (rlm_scorer_new(m, NULL, 0, &o, &sc, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    int32_t V = rlm_vocab_size(rlm_model_vocab(m));
    rlm_scorer_state *st = malloc((size_t)beams * sizeof *st);
    int32_t *w = malloc((size_t)beams * sizeof *w);
    float *s = malloc((size_t)beams * sizeof *s);
    for (int b = 0; b < beams; b++) rlm_scorer_begin(sc, &st[b]);
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID), sum = 0;
    for (int t = 0; t < steps; t++) {
        for (int b = 0; b < beams; b++) w[b] = word_at(b, t, V);
        if (batched) rlm_scorer_score_batch(sc, st, w, beams, st, s);
        else
            for (int b = 0; b < beams; b++) s[b] = rlm_scorer_score(sc, &st[b], w[b], &st[b]);
        for (int b = 0; b < beams; b++) sum += s[b];
    }
    double sec = now(CLOCK_MONOTONIC) - t0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    rlm_scorer_cache_stats cs;
    rlm_scorer_cache_stats_get(sc, &cs);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.1f\t%.0f\t%.0f\t%.3f\t%.1f\t%llu\t%.1f\t%.6g\n", prefix,
           batched ? "batched" : "single", beams, steps, sec, cpu, steps / sec,
           beams * steps / sec, beams * steps / cpu,
           (double)cs.hits / (double)(cs.hits + cs.misses), cs.bytes / 1048576.0,
           (unsigned long long)cs.histories, ru.ru_maxrss / 1024.0, sum);
    fflush(stdout);
    free(st), free(w), free(s);
    rlm_scorer_free(sc);
}

int main(int argc, char **argv) {
    if (argc != 6 || (strcmp(argv[4], "batched") && strcmp(argv[4], "single"))) {
        fprintf(stderr, "usage: bench_scorer MODEL BEAMS STEPS batched|single PREFIX\n");
        return 2;
    }
    rlm_model *m;
    rlm_error err;
    if (rlm_model_load(argv[1], &m, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    run(m, !strcmp(argv[4], "batched"), atoi(argv[2]), atoi(argv[3]), argv[5]);
    rlm_model_free(m);
    return 0;
}
