/* rlm run's jobs on top of the models (cli/cmd_run.c): n-best rescoring with weights tuned on
 * dev lists, and spelling correction, as steps that run rlm nbest, rlm tune and rlm spell with
 * the printed command lines; then their tables (WER, BLEU) for the report. */
#ifndef RLM_CLI_RUN_JOBS_H
#define RLM_CLI_RUN_JOBS_H

#include <stdio.h>

#include "rlm_recipe.h"
#include "run_score.h"
#include "run_step.h"

/* One rescoring system: each n-gram alone, the RNN alone, the mixture. */
typedef struct run_system {
    char key[16];    /* file names: nbest.KEY.*, lattice.KEY.* */
    char label[320]; /* table row */
    int rnn, ngram;  /* the RNN; ngram: its index, -1 none, -2 all (with --mix) */
} run_system;

/* The recipe's systems into s (room for RLM_MIX_MAX_MODELS + 1); their number. */
int run_systems(const rlm_recipe *r, const char *mix, run_system *s);
/* --model, --ngram and --mix options of a system's models. */
void run_add_models(step *s, const rlm_recipe *r, int rnn, int ngram, const char *mix);
/* rlm tune's search options: `--ref REF --metric M`, the recipe's tune: grids as `LO:HI:N`,
 * and `-o OPTS`. */
void run_add_tune_search(step *s, const rlm_recipe *r, const char *ref, const char *opts);
/* The weights of a test step: rlm tune's -o file (the step takes opts, owned), or fixed ones. */
void run_add_weights(step *s, char *opts, double lm_weight, double wip);
/* A Markdown row of the WER/BLEU table. */
void run_score_row(FILE *f, const char *name, const run_score *s, const char *weights);
/* A step's output `out` is at least as new as the recipe, the models, the EM text, the set's
 * inputs (files or directories, which count as their newest file) and references, and `before`
 * (the previous step's output, or NULL): make's rule, for skipping steps that are up to date. */
int run_set_up_to_date(const char *out, const rlm_recipe *r, const rlm_recipe_nbest_set *set,
                       const char *before);
/* The options rlm tune wrote with -o (one line), for the table; "" when unreadable. */
void run_read_weights(const char *path, char *buf, size_t cap);

/* Adds the nbest/tune, lattice and spell steps to p. mix: the --mix text of the recipe's mixture (its
 * weights, or a placeholder before EM has run). Returns 1 after saying on stderr what the
 * recipe asks for that rlm run cannot drive, else 0. */
int run_jobs_plan(plan *p, const rlm_recipe *r, const char *mix);
/* After the steps ran: each job's table, printed and (report not NULL) appended as Markdown.
 * 0, or 1 after printing what failed. */
int run_jobs_report(const rlm_recipe *r, const char *mix, FILE *report);

#endif
