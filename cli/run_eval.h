/* rlm run's evaluation step (cli/cmd_run.c): mixture weights by EM on the valid text when the
 * recipe gives none, then a perplexity table on the test text (each model alone and the
 * mixture, log10-based as rlm eval), printed and written to the recipe's report. */
#ifndef RLM_CLI_RUN_EVAL_H
#define RLM_CLI_RUN_EVAL_H

#include "rlm_recipe.h"

/* plan_only: print the equivalent rlm command lines (plan entries) and return 0. Otherwise run
 * the step: 0, or 1 after printing what failed. */
int run_evaluate(const rlm_recipe *r, const char *valid, const char *test, int plan_only);

#endif
