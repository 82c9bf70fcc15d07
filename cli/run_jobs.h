/* rlm run's jobs on top of the models (cli/cmd_run.c): n-best rescoring with weights tuned on
 * dev lists, and spelling correction, as steps that run rlm nbest, rlm tune and rlm spell with
 * the printed command lines; then their tables (WER, BLEU) for the report. */
#ifndef RLM_CLI_RUN_JOBS_H
#define RLM_CLI_RUN_JOBS_H

#include <stdio.h>

#include "rlm_recipe.h"
#include "run_step.h"

/* Adds the nbest/tune and spell steps to p. mix: the --mix text of the recipe's mixture (its
 * weights, or a placeholder before EM has run). Returns 1 after saying on stderr what the
 * recipe asks for that rlm run cannot drive, else 0. */
int run_jobs_plan(plan *p, const rlm_recipe *r, const char *mix);
/* After the steps ran: each job's table, printed and (report not NULL) appended as Markdown.
 * 0, or 1 after printing what failed. */
int run_jobs_report(const rlm_recipe *r, const char *mix, FILE *report);

#endif
