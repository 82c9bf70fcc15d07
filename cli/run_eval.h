/* rlm run's evaluation steps (cli/cmd_run.c): mixture weights by EM on the valid text when the
 * recipe gives none (rlm mix-weights), and a perplexity table on the test text (each model alone
 * and the mixture, log10-based as rlm eval), printed and appended to the report (Markdown). */
#ifndef RLM_CLI_RUN_EVAL_H
#define RLM_CLI_RUN_EVAL_H

#include <stddef.h>
#include <stdio.h>

#include "rlm_recipe.h"

/* The plan's lines for these steps (test NULL: only the EM step, when there is one). */
void run_evaluate_plan(const rlm_recipe *r, const char *valid, const char *test);
/* *spec = the recipe's mixture, with the weights by EM on valid when it gives none. report
 * (may be NULL) gets a sentence on the weights. 0, or 1 after printing what failed. */
int run_mix_weights(const rlm_recipe *r, const char *valid, rlm_mix_spec *spec, FILE *report);
/* The perplexity table of every model and the mixture *spec on test. 0, or 1. */
int run_evaluate(const rlm_recipe *r, const char *test, const rlm_mix_spec *spec, FILE *report);
/* "linear:0.6,0.4", as rlm eval's --mix takes it. */
void run_spec_text(const rlm_mix_spec *s, char *buf, size_t cap);

#endif
