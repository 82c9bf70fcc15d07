#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_value(const arg_spec *s, const char *v) {
    char *end;
    errno = 0;
    switch (s->type) {
    case ARG_INT: {
        long x = strtol(v, &end, 10);
        if (!*v || *end || errno || x < INT32_MIN || x > INT32_MAX) return -1;
        *(int32_t *)s->dest = (int32_t)x;
        return 0;
    }
    case ARG_U64: {
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *end || errno || *v == '-') return -1;
        *(uint64_t *)s->dest = x;
        return 0;
    }
    case ARG_FLOAT:
    case ARG_DOUBLE: {
        double x = strtod(v, &end);
        if (!*v || *end || errno || !isfinite(x)) return -1;
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
