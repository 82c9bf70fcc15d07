#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int args_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out) {
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || errno || x < min || x > max) return -1;
    *out = x;
    return 0;
}

int args_parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (!*s || *end || errno) return -1;
    *out = x;
    return 0;
}

int args_usage_error(const char *cmd, const char *usage, const char *fmt, const char *arg) {
    fprintf(stderr, "rlm %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

static int set_value(const arg_spec *s, const char *v) {
    switch (s->type) {
    case ARG_INT: {
        int64_t x;
        if (args_parse_int64(v, INT32_MIN, INT32_MAX, &x)) return -1;
        *(int32_t *)s->dest = (int32_t)x;
        return 0;
    }
    case ARG_U64: {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *end || errno || *v == '-') return -1;
        *(uint64_t *)s->dest = x;
        return 0;
    }
    case ARG_FLOAT:
    case ARG_DOUBLE: {
        double x;
        if (args_parse_double(v, &x) || !isfinite(x)) return -1;
        if (s->type == ARG_FLOAT)
            *(float *)s->dest = (float)x;
        else
            *(double *)s->dest = x;
        return 0;
    }
    case ARG_STRING: *(const char **)s->dest = v; return 0;
    case ARG_FLAG: return -1;
    }
    return -1;
}

int args_parse(int argc, char **argv, const arg_spec *specs, int n_specs, const char **pos,
               int max_pos, int *n_pos, int *help) {
    *n_pos = 0;
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            continue;
        }
        if (a[0] != '-' || !a[1]) {
            if (*n_pos == max_pos) {
                fprintf(stderr, "rlm %s: unexpected argument '%s'\n", argv[0], a);
                return 2;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        const arg_spec *s = NULL;
        for (int k = 0; k < n_specs; k++)
            if (!strcmp(specs[k].name, a)) s = &specs[k];
        if (!s) {
            fprintf(stderr, "rlm %s: unknown option '%s' (see rlm %s --help)\n", argv[0], a,
                    argv[0]);
            return 2;
        }
        if (s->type == ARG_FLAG) {
            *(int *)s->dest = 1;
            continue;
        }
        if (i + 1 == argc) {
            fprintf(stderr, "rlm %s: %s needs a value\n", argv[0], a);
            return 2;
        }
        if (set_value(s, argv[++i])) {
            fprintf(stderr, "rlm %s: %s: '%s' is not a valid %s\n", argv[0], a, argv[i],
                    s->type == ARG_STRING ? "string" : s->type == ARG_INT || s->type == ARG_U64
                                                           ? "integer"
                                                           : "number");
            return 2;
        }
    }
    return 0;
}

int args_parse_or_help(int argc, char **argv, const arg_spec *specs, int n_specs,
                       const char **pos, int max_pos, int *n_pos, const char *usage) {
    int help;
    if (args_parse(argc, argv, specs, n_specs, pos, max_pos, n_pos, &help)) return 2;
    if (help) {
        fputs(usage, stdout);
        return 0;
    }
    return -1;
}
