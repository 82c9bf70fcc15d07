/* rlm run's steps (cli/cmd_run.c): one step runs the build's own rlm (or a script) as a child
 * process with the command line the plan prints, so a recipe and the command line cannot
 * drift apart. */
#ifndef RLM_CLI_RUN_STEP_H
#define RLM_CLI_RUN_STEP_H

#include "rlm_status.h"

#define RUN_MAX_ARGS 64
#define RUN_MAX_STEPS 64

typedef struct step {
    const char *name;
    char *argv[RUN_MAX_ARGS];
    int argc;
    char *in, *out;       /* redirections (owned), or NULL */
    const char *env;      /* "NAME=value" for the child, or NULL */
    char *opts_file;      /* owned: options read from this file when the step runs (rlm tune's
                             -o output), printed as $(cat FILE) in the plan */
    int script;           /* argv[0] is a script path, not an rlm subcommand */
    int skip;             /* up to date */
    const char *why_skip;
} step;

typedef struct plan {
    step steps[RUN_MAX_STEPS];
    int n;
    const char *train, *valid, *test; /* the texts the models read (after tokenisation) */
    char *tok[3];                     /* tokenised copies, owned */
    char env[4200];
    char ckpt[4200];
    const char *self;                 /* the rlm binary */
} plan;

/* A new step at the end of the plan (the plan holds at most RUN_MAX_STEPS; the last one is
 * reused beyond that, which no recipe reaches: each section adds a handful). */
step *plan_step(plan *p, const char *name);
void step_add(step *s, const char *fmt, ...) RLM_PRINTF(2, 3);
void plan_free(plan *p);
/* "%s/%s" into a new string (exits on out of memory, as the CLI does). */
char *run_path(const char *dir, const char *name);
char *run_strdup(const char *s);
/* path exists and is at least as new as each of the deps that exist (make's rule). */
int run_up_to_date(const char *path, const char *a, const char *b, const char *c);
double run_mtime(const char *path);
/* "  N. name     rlm args... < in > out   [skip: why]" */
void step_print(int i, const step *s);
/* Runs one step; 0 on success, else 1 after saying which step failed and how. */
int step_run(const step *s, const char *self);

#endif
