/* Table-driven option parsing for the rlm commands: each command lists its options once, with
 * where the value goes, and gets uniform error messages. The number parsers and the usage-error
 * printer are shared with the commands that parse by hand (vocab, ngram, tokenize). */
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

/* args_parse, then the --help answer every command gives (usage on stdout). Returns -1 when the
 * command should go on, else its exit status: 0 after --help, 2 after a usage error. */
int args_parse_or_help(int argc, char **argv, const arg_spec *specs, int n_specs,
                       const char **pos, int max_pos, int *n_pos, const char *usage);

/* Prints "rlm CMD: " and fmt (with arg for its one %s) to stderr, then the usage text; returns 2,
 * the exit status of a usage error. */
int args_usage_error(const char *cmd, const char *usage, const char *fmt, const char *arg);

/* The whole of s as a decimal integer in [min, max] (strtoll syntax); 0, or -1 when it is not. */
int args_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* The whole of s as a number (strtod syntax: inf and nan are numbers here, callers that want a
 * finite one check); 0, or -1 when it is not one or is out of range. */
int args_parse_double(const char *s, double *out);

#endif
