/* libyaml events -> a ynode tree, with the limits of recipe_yaml.h. */
#include "recipe_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const char *recipe_yaml_kind_name(const ynode *n) {
    if (n->kind == YNODE_SCALAR) return n->plain && !n->value[0] ? "nothing" : "a string";
    return n->kind == YNODE_SEQUENCE ? "a list" : "a mapping";
}

void recipe_yaml_free(ynode *n) {
    if (!n) return;
    for (int i = 0; i < n->n; i++) recipe_yaml_free(n->item[i]);
    free(n->item);
    free(n->value);
    free(n);
}

static int append(ynode *parent, ynode *child) {
    if (parent->n == parent->cap) {
        int cap = parent->cap ? 2 * parent->cap : 8;
        ynode **p = realloc(parent->item, (size_t)cap * sizeof *p);
        if (!p) return -1;
        parent->item = p, parent->cap = cap;
    }
    parent->item[parent->n++] = child;
    return 0;
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark. */
static void offset_to_mark(const char *text, size_t offset, size_t size, size_t *line,
                           size_t *column) {
    *line = 0, *column = 0;
    for (size_t i = 0; i < offset && i < size; i++) {
        if (text[i] == '\n') ++*line, *column = 0;
        else ++*column;
    }
}

static rlm_status syntax_error(const yaml_parser_t *p, const char *text, size_t size,
                               const char *name, rlm_error *err) {
    if (p->error == YAML_MEMORY_ERROR) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    size_t line = p->problem_mark.line, column = p->problem_mark.column;
    if (p->error == YAML_READER_ERROR) offset_to_mark(text, p->problem_offset, size, &line, &column);
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->context)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%zu:%zu: %s (%s at %zu:%zu)", name, line + 1,
                        column + 1, problem, p->context, p->context_mark.line + 1,
                        p->context_mark.column + 1);
    return rlm_fail(err, RLM_E_FORMAT, "%s:%zu:%zu: %s", name, line + 1, column + 1, problem);
}

/* The anchor and tag of a node start, whichever the event has. */
static void anchor_and_tag(const yaml_event_t *e, const char **anchor, const char **tag) {
    const yaml_char_t *a = NULL, *t = NULL;
    if (e->type == YAML_SCALAR_EVENT) {
        a = e->data.scalar.anchor;
        t = e->data.scalar.tag;
    } else if (e->type == YAML_SEQUENCE_START_EVENT) {
        a = e->data.sequence_start.anchor;
        t = e->data.sequence_start.tag;
    } else if (e->type == YAML_MAPPING_START_EVENT) {
        a = e->data.mapping_start.anchor;
        t = e->data.mapping_start.tag;
    }
    *anchor = (const char *)a, *tag = (const char *)t;
}

/* Builds the node an event starts, or fails with a message at the event's mark. */
static rlm_status new_node(const yaml_event_t *e, const char *name, ynode **out, rlm_error *err) {
    const int line = (int)e->start_mark.line + 1, column = (int)e->start_mark.column + 1;
    const char *anchor, *tag;
    anchor_and_tag(e, &anchor, &tag);
    if (anchor)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: anchors (&%.64s) and aliases are not "
                        "supported in recipes: write the value out", name, line, column, anchor);
    if (tag)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: tags (%.64s) are not supported in recipes",
                        name, line, column, tag);
    ynode *n = calloc(1, sizeof *n);
    if (!n) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    n->line = line, n->column = column;
    if (e->type == YAML_SCALAR_EVENT) {
        size_t len = e->data.scalar.length;
        const char *v = (const char *)e->data.scalar.value;
        rlm_status s = RLM_OK;
        if (len > RECIPE_MAX_SCALAR)
            s = rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: a value of %zu bytes (at most %d)", name,
                         line, column, len, RECIPE_MAX_SCALAR);
        else if (memchr(v, '\0', len))
            s = rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: a value with a NUL character", name, line,
                         column);
        else if (!(n->value = malloc(len + 1)))
            s = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        if (s) {
            free(n);
            return s;
        }
        memcpy(n->value, v, len);
        n->value[len] = '\0';
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    } else {
        n->kind = e->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQUENCE : YNODE_MAPPING;
    }
    *out = n;
    return RLM_OK;
}

rlm_status recipe_yaml_parse(const char *text, size_t size, const char *name, ynode **root,
                             rlm_error *err) {
    yaml_parser_t p;
    *root = NULL;
    if (!yaml_parser_initialize(&p)) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, size);
    ynode *stack[RECIPE_MAX_DEPTH];
    int depth = 0, documents = 0, done = 0;
    rlm_status s = RLM_OK;
    while (!done && !s) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            s = syntax_error(&p, text, size, name, err);
            break;
        }
        const int line = (int)e.start_mark.line + 1, column = (int)e.start_mark.column + 1;
        ynode *n = NULL;
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (documents++)
                s = rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: a second YAML document: a recipe is "
                             "one document", name, line, column);
            break;
        case YAML_ALIAS_EVENT:
            s = rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: aliases (*%.64s) and anchors are not "
                         "supported in recipes: write the value out", name, line, column,
                         (const char *)e.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (e.type != YAML_SCALAR_EVENT && depth == RECIPE_MAX_DEPTH) {
                s = rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: nested deeper than %d levels", name,
                             line, column, RECIPE_MAX_DEPTH);
                break;
            }
            if ((s = new_node(&e, name, &n, err))) break;
            if (depth ? append(stack[depth - 1], n) : (*root = n, 0)) {
                recipe_yaml_free(n);
                s = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
                break;
            }
            if (e.type != YAML_SCALAR_EVENT) stack[depth++] = n;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    if (s) {
        recipe_yaml_free(*root);
        *root = NULL;
    }
    return s;
}
