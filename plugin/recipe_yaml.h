/* A recipe's YAML as a small tree (internal): libyaml's event parser builds it, with limits that
 * keep any input harmless (depth, scalar size), and without anchors, aliases, tags or a second
 * document, which a recipe never needs and which would make "where is this value" ambiguous. */
#ifndef RLM_RECIPE_YAML_H
#define RLM_RECIPE_YAML_H

#include <stddef.h>

#include "rlm_status.h"

#define RECIPE_MAX_DEPTH 16
#define RECIPE_MAX_SCALAR 4096

typedef enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING } ynode_kind;

typedef struct ynode {
    ynode_kind kind;
    int line, column;   /* 1-based start of the node */
    char *value;        /* scalar text, NUL-terminated (no NUL inside: such scalars are refused) */
    int plain;          /* the scalar was unquoted (only plain scalars are numbers or booleans) */
    struct ynode **item; /* sequence: its n items; mapping: key at 2i, value at 2i + 1 (n even) */
    int n, cap;
} ynode;

/* Parses text into *root (NULL for an empty document). Errors are RLM_E_FORMAT
 * "NAME:LINE:COLUMN: what". */
rlm_status recipe_yaml_parse(const char *text, size_t size, const char *name, ynode **root,
                             rlm_error *err);
void recipe_yaml_free(ynode *n);
/* "a string", "nothing" (an empty value), "a list", "a mapping": what a node is, for
 * "expected X, got Y" messages. */
const char *recipe_yaml_kind_name(const ynode *n);

#endif
