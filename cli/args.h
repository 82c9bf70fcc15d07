/* Table-driven option parsing for the rlm commands: each command lists its options once, with
 * where the value goes, and gets uniform error messages. */
#ifndef RLM_CLI_ARGS_H
#define RLM_CLI_ARGS_H

#include <stdint.h>

typedef enum arg_type {
    ARG_FLAG,   /* int, set to 1 */
    ARG_INT,    /* int32_t */
    ARG_U64,    /* uint64_t */
    ARG_FLOAT,  /* float */
    ARG_DOUBLE, /* double */
    ARG_STRING  /* const char * */
} arg_type;

typedef struct arg_spec {
    const char *name; /* "--hidden" */
    arg_type type;
    void *dest;
} arg_spec;

/* Parses argv[1..argc) (argv[0] is the command name). Options may appear anywhere; other
 * arguments are positional and go to pos (at most max_pos). "--help" sets *help. Returns 0, or
 * prints "rlm CMD: what was wrong" to stderr and returns 2. */
int args_parse(int argc, char **argv, const arg_spec *specs, int n_specs, const char **pos,
               int max_pos, int *n_pos, int *help);

#endif
