/* rlm_tune_search on a synthetic dev set whose optimum is known: six utterances, each with a
 * correct hypothesis A (0 errors) and a wrong one B (1 error), features (ac, lm, nwords) and
 * score ac + w * lm + wip * nwords. A wins
 *   utt 1 iff w > 0.62, utt 2 iff w < 0.68, utt 3 iff wip > 0.3, utt 4 iff wip < 0.9,
 *   utt 5 iff w > 0.4, utt 6 iff wip > -0.5,
 * so WER 0 needs w in (0.62, 0.68) and wip in (0.3, 0.9): no point of the grid
 * w in {0, 0.5, 1, 1.5, 2} x wip in {-1, 0, 1} reaches it (its best, (0.5, 0), has utts 1 and 3
 * wrong: 33.3%); the local search must. Utterances 5 and 6 make the grid's best point the one
 * next to the optimum: the metric is flat between, and coordinate descent only moves on a strict
 * improvement. */
#include <stdlib.h>

#include "check.h"
#include "rlm_tune.h"

static double score(const double *f, const double *w, void *ctx) {
    (void)ctx;
    return f[0] + w[0] * f[1] + w[1] * f[2];
}

static double wer(const double *sums, void *ctx) {
    (void)ctx;
    return 100.0 * sums[0] / sums[1];
}

static double neg_errors(const double *sums, void *ctx) {
    (void)ctx;
    return -sums[0];
}

/* rows (ac, lm, nwords) for A then B of each utterance; stats (errors, ref_words) */
static const double features[] = {
    -0.62, 1, 0, 0, 0, 0, /* utt 1: A - B = -0.62 + w */
    0.68, -1, 0, 0, 0, 0, /* utt 2: 0.68 - w */
    -0.3, 0, 1, 0, 0, 0,  /* utt 3: -0.3 + wip */
    0.9, 0, -1, 0, 0, 0,  /* utt 4: 0.9 - wip */
    -0.4, 1, 0, 0, 0, 0,  /* utt 5: -0.4 + w */
    0.5, 0, 1, 0, 0, 0,   /* utt 6: 0.5 + wip */
};
static const double stats[] = {0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1,
                               0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1};
static const size_t starts[] = {0, 2, 4, 6, 8, 10, 12};

static rlm_tune_problem problem(void) {
    rlm_tune_problem p = {6, starts, 3, features, 2, stats, score, NULL, wer, NULL, 0};
    return p;
}

static rlm_tune_options options(void) {
    rlm_tune_options o = {2, {{"lm_weight", 0, 2, 5}, {"wip", -1, 1, 3}}, 0, 0};
    return o;
}

static void test_grid_then_local_search_finds_the_optimum(void) {
    rlm_tune_problem p = problem();
    rlm_tune_options o = options();
    rlm_tune_result r;
    CHECK_STATUS(rlm_tune_search(&p, &o, &r, NULL), RLM_OK);
    CHECK(r.n_table > 15);
    /* the grid comes first, in order, with hand-counted errors: (0, -1): utts 1, 3, 5, 6 wrong */
    CHECK_NEAR(r.table[0].params[0], 0, 0);
    CHECK_NEAR(r.table[0].params[1], -1, 0);
    CHECK_NEAR(r.table[0].metric, 400.0 / 6, 1e-9);
    /* (0.5, 0): utt 1 (w < 0.62) and utt 3 (wip < 0.3) wrong */
    CHECK_NEAR(r.table[4].params[0], 0.5, 1e-12);
    CHECK_NEAR(r.table[4].params[1], 0, 1e-12);
    CHECK_NEAR(r.table[4].metric, 200.0 / 6, 1e-9);
    double grid_best = 100;
    for (int i = 0; i < 15; i++) {
        CHECK(!r.table[i].local);
        if (r.table[i].metric < grid_best) grid_best = r.table[i].metric;
    }
    CHECK_NEAR(grid_best, 200.0 / 6, 1e-9); /* the grid never gets all six right */
    CHECK(r.table[15].local);
    CHECK_NEAR(r.best.metric, 0.0, 0);
    CHECK(r.best.params[0] > 0.62 && r.best.params[0] < 0.68);
    CHECK(r.best.params[1] > 0.3 && r.best.params[1] < 0.9);
    rlm_tune_result_free(&r);
}

static void test_maximize_and_bad_options(void) {
    rlm_tune_problem p = problem();
    p.metric = neg_errors;
    p.maximize = 1; /* the same optimum, found as the largest of -errors */
    rlm_tune_options o = options();
    rlm_tune_result r;
    CHECK_STATUS(rlm_tune_search(&p, &o, &r, NULL), RLM_OK);
    CHECK_NEAR(r.best.metric, 0.0, 0);
    CHECK(r.best.params[0] > 0.62 && r.best.params[0] < 0.68);
    rlm_tune_result_free(&r);
    rlm_error err;
    o.dim[1].lo = 2;
    CHECK_STATUS(rlm_tune_search(&p, &o, &r, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "wip: expected lo <= hi");
    o = options();
    o.n_dims = 0;
    CHECK_STATUS(rlm_tune_search(&p, &o, &r, &err), RLM_E_ARG);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_grid_then_local_search_finds_the_optimum);
    RUN(test_maximize_and_bad_options);
    return check_summary(argv[0]);
}
