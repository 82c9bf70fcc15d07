/* Typed values out of recipe YAML nodes, and the key checks of a mapping. */
#include "recipe_values.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rlm_status recipe_at(const recipe_ctx *c, const ynode *n, const char *key, const char *fmt, ...) {
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rlm_fail(c->err, RLM_E_FORMAT, "%s:%d:%d: %s: %s", c->name, n->line, n->column, key,
                    what);
}

/* Values are quoted in messages, shortened so a huge one cannot hide the rest. */
#define GOT "got \"%.64s%s\""
#define GOT_ARGS(n) (n)->value, strlen((n)->value) > 64 ? "..." : ""

static rlm_status want_scalar(const recipe_ctx *c, const ynode *n, const char *key,
                             const char *expected) {
    if (n->kind == YNODE_SCALAR) return RLM_OK;
    return recipe_at(c, n, key, "expected %s, got %s", expected, recipe_yaml_kind_name(n));
}

/* Edit distance, for "did you mean": keys are short, so the quadratic table is tiny. */
static size_t distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32) return 99;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static rlm_status unknown_key(const recipe_ctx *c, const ynode *k, const char *key,
                              const char *const *known) {
    const char *best = NULL;
    size_t best_d = 3; /* suggest only a key at most two edits away */
    for (int i = 0; known[i]; i++) {
        size_t d = distance(k->value, known[i]);
        if (d < best_d) best = known[i], best_d = d;
    }
    if (best)
        return recipe_at(c, k, key, "unknown key \"%.64s\" (did you mean \"%s\"?)", k->value, best);
    char list[512] = "";
    for (int i = 0; known[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", known[i]);
    return recipe_at(c, k, key, "unknown key \"%.64s\" (known: %s)", k->value, list);
}

rlm_status recipe_map(const recipe_ctx *c, const ynode *n, const char *key,
                      const char *const *known) {
    if (n->kind != YNODE_MAPPING)
        return recipe_at(c, n, key, "expected a mapping (key: value lines), got %s",
                         recipe_yaml_kind_name(n));
    for (int i = 0; i < n->n; i += 2) {
        const ynode *k = n->item[i];
        if (k->kind != YNODE_SCALAR)
            return recipe_at(c, k, key, "a key must be a word, got %s", recipe_yaml_kind_name(k));
        int j = 0;
        while (known[j] && strcmp(known[j], k->value)) j++;
        if (!known[j]) return unknown_key(c, k, key, known);
        for (j = 0; j < i; j += 2)
            if (!strcmp(n->item[j]->value, k->value))
                return recipe_at(c, k, key, "duplicate key \"%s\" (first at line %d)", k->value,
                                 n->item[j]->line);
    }
    return RLM_OK;
}

const ynode *recipe_find(const ynode *map, const char *key) {
    for (int i = 0; i + 1 < map->n; i += 2)
        if (!strcmp(map->item[i]->value, key)) return map->item[i + 1];
    return NULL;
}

rlm_status recipe_int(const recipe_ctx *c, const ynode *n, const char *key, int64_t lo,
                      int64_t hi, int64_t *out) {
    char expected[96];
    snprintf(expected, sizeof expected, "an integer in %lld..%lld", (long long)lo, (long long)hi);
    if (want_scalar(c, n, key, expected)) return RLM_E_FORMAT;
    char *end;
    errno = 0;
    long long x = strtoll(n->value, &end, 10);
    if (!n->plain || !n->value[0] || *end || errno || x < lo || x > hi)
        return recipe_at(c, n, key, "expected %s, " GOT, expected, GOT_ARGS(n));
    *out = x;
    return RLM_OK;
}

rlm_status recipe_number(const recipe_ctx *c, const ynode *n, const char *key, double lo,
                         double hi, int open, const char *range_text, double *out) {
    char expected[96];
    snprintf(expected, sizeof expected, "a number %s", range_text);
    if (want_scalar(c, n, key, expected)) return RLM_E_FORMAT;
    char *end;
    errno = 0;
    double x = strtod(n->value, &end);
    if (!n->plain || !n->value[0] || *end || errno || !isfinite(x) || x < lo || x > hi ||
        ((open & RECIPE_LO_OPEN) && x == lo) || ((open & RECIPE_HI_OPEN) && x == hi))
        return recipe_at(c, n, key, "expected %s, " GOT, expected, GOT_ARGS(n));
    *out = x;
    return RLM_OK;
}

rlm_status recipe_bool(const recipe_ctx *c, const ynode *n, const char *key, int *out) {
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False",
                                                                              "FALSE"};
    if (want_scalar(c, n, key, "true or false")) return RLM_E_FORMAT;
    for (int i = 0; i < 3 && n->plain; i++) {
        if (!strcmp(n->value, yes[i])) return *out = 1, RLM_OK;
        if (!strcmp(n->value, no[i])) return *out = 0, RLM_OK;
    }
    return recipe_at(c, n, key, "expected true or false, " GOT, GOT_ARGS(n));
}

rlm_status recipe_enum(const recipe_ctx *c, const ynode *n, const char *key,
                       const char *const *names, int *out) {
    char list[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    char expected[300];
    snprintf(expected, sizeof expected, "one of %s", list);
    if (want_scalar(c, n, key, expected)) return RLM_E_FORMAT;
    for (int i = 0; names[i]; i++)
        if (!strcmp(n->value, names[i])) return *out = i, RLM_OK;
    return recipe_at(c, n, key, "expected %s, " GOT, expected, GOT_ARGS(n));
}

rlm_status recipe_string(const recipe_ctx *c, const ynode *n, const char *key, char **out) {
    if (want_scalar(c, n, key, "a string")) return RLM_E_FORMAT;
    if (!n->value[0]) return recipe_at(c, n, key, "expected a string, got nothing");
    free(*out);
    if (!(*out = strdup(n->value))) return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    return RLM_OK;
}

char *recipe_join(const char *dir, const char *path) {
    if (path[0] == '/' || !strcmp(dir, ".")) return strdup(path);
    size_t ld = strlen(dir), lp = strlen(path);
    char *s = malloc(ld + lp + 2);
    if (!s) return NULL;
    memcpy(s, dir, ld);
    s[ld] = '/';
    memcpy(s + ld + 1, path, lp + 1);
    return s;
}

rlm_status recipe_path(const recipe_ctx *c, const ynode *n, const char *key, rlm_recipe_file *out) {
    if (want_scalar(c, n, key, "a file name")) return RLM_E_FORMAT;
    if (!n->value[0]) return recipe_at(c, n, key, "expected a file name, got nothing");
    free(out->path);
    if (!(out->path = recipe_join(c->dir, n->value)))
        return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    out->line = n->line, out->column = n->column;
    return RLM_OK;
}
