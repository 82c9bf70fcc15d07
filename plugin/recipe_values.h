/* Typed values out of recipe YAML nodes (internal): each reader checks the node's type and range
 * and fails with "FILE:LINE:COLUMN: key.path: expected ..., got ...". */
#ifndef RLM_RECIPE_VALUES_H
#define RLM_RECIPE_VALUES_H

#include <stdint.h>

#include "recipe_yaml.h"
#include "rlm_recipe.h"

typedef struct recipe_ctx {
    const char *name; /* the recipe, as named in messages */
    const char *dir;  /* relative paths resolve against it */
    rlm_error *err;
} recipe_ctx;

/* RLM_E_FORMAT "NAME:LINE:COLUMN: KEY: message" at node n. */
rlm_status recipe_at(const recipe_ctx *c, const ynode *n, const char *key, const char *fmt, ...)
    RLM_PRINTF(4, 5);

/* n must be a mapping whose keys are distinct strings from known (NULL-terminated). */
rlm_status recipe_map(const recipe_ctx *c, const ynode *n, const char *key,
                      const char *const *known);
/* The value of key in a mapping, or NULL. */
const ynode *recipe_find(const ynode *map, const char *key);

rlm_status recipe_int(const recipe_ctx *c, const ynode *n, const char *key, int64_t lo,
                      int64_t hi, int64_t *out);
/* A finite number in [lo, hi], either end excluded by the flags; range_text says it in
 * messages ("in [0, 1)"). */
enum { RECIPE_LO_OPEN = 1, RECIPE_HI_OPEN = 2 };
rlm_status recipe_number(const recipe_ctx *c, const ynode *n, const char *key, double lo,
                         double hi, int open, const char *range_text, double *out);
rlm_status recipe_bool(const recipe_ctx *c, const ynode *n, const char *key, int *out);
/* Index of the value in names (NULL-terminated). */
rlm_status recipe_enum(const recipe_ctx *c, const ynode *n, const char *key,
                       const char *const *names, int *out);
rlm_status recipe_string(const recipe_ctx *c, const ynode *n, const char *key, char **out);
/* A non-empty string, resolved against c->dir, with n's position. */
rlm_status recipe_path(const recipe_ctx *c, const ynode *n, const char *key, rlm_recipe_file *out);
/* dir/path (path itself when absolute), malloc'd; NULL when out of memory. */
char *recipe_join(const char *dir, const char *path);

#endif
