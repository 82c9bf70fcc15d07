/* rlm run's lattice job (cli/cmd_run.c, recipe section lattice:): per rescoring system of
 * run_jobs.h, rlm lattice rescores the dev lattices and writes their n best paths, rlm tune
 * searches LM weight and insertion penalty on those lists, and rlm lattice rescores the test
 * lattices with the tuned weights and writes their 1-best; then the rows of the WER table. */
#ifndef RLM_CLI_RUN_LATTICE_H
#define RLM_CLI_RUN_LATTICE_H

#include <stdio.h>

#include "run_jobs.h"

/* Adds the lattice steps of every system to p. Steps whose outputs are newer than the recipe,
 * the models, the lattices (a directory: its newest file), the references and the step before
 * are skipped. */
void run_lattice_plan(plan *p, const rlm_recipe *r, const char *mix);

/* The table rows of the test lattices' 1-best, one per system (run_systems' order). */
typedef struct run_lattice_rows {
    int n;
    run_score score[RLM_MIX_MAX_MODELS + 1];
    char label[RLM_MIX_MAX_MODELS + 1][340];
    char weights[RLM_MIX_MAX_MODELS + 1][320];
} run_lattice_rows;

/* Scores each system's test 1-best against lattice.test.references. 0, or 1 after printing
 * what failed. */
int run_lattice_score(const rlm_recipe *r, const char *mix, run_lattice_rows *rows);
/* The rows, for the table that holds them (the n-best table when there is one). */
void run_lattice_print(FILE *f, const run_lattice_rows *rows);
/* The sentence that says how the lattice rows were made, for the table's heading. */
void run_lattice_note(FILE *f, const rlm_recipe *r);

#endif
