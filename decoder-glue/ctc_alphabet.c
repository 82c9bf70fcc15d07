/* CTC alphabets (rlm_ctc.h): labels in posterior column order, one blank, at most one space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctc_internal.h"
#include "file_load.h"

static int is_space_label(const char *s) {
    return !strcmp(s, " ") || !strcmp(s, "<space>") || !strcmp(s, "<sp>");
}

/* Checks label s; on failure writes the reason to why (the caller adds where). */
static const char *label_problem(const char *s) {
    if (!*s) return "empty (write <space> for the word boundary)";
    if (is_space_label(s)) return NULL;
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
            return "whitespace inside a label";
    return NULL;
}

void rlm_ctc_alphabet_free(rlm_ctc_alphabet *a) {
    if (!a) return;
    for (int i = 0; i < a->n_labels && a->labels; i++) free(a->labels[i]);
    free(a->labels);
    free(a);
}

/* where(i) names label i in messages: "label 3" for the API, "name:line" for files. */
static rlm_status build(const char *const *labels, int n, const char *name, const int64_t *lines,
                        rlm_ctc_alphabet **out, rlm_error *err) {
    *out = NULL;
    char where[600];
#define WHERE(i)                                                                              \
    (lines ? snprintf(where, sizeof where, "%s:%lld: label", name, (long long)lines[i])      \
           : snprintf(where, sizeof where, "alphabet: label %d", (i)),                      \
     where)
    if (n < 1) return rlm_fail(err, lines ? RLM_E_FORMAT : RLM_E_ARG, "%s: no labels", name);
    rlm_status bad = lines ? RLM_E_FORMAT : RLM_E_ARG;
    int blank = -1, space = -1;
    for (int i = 0; i < n; i++) {
        const char *why = label_problem(labels[i]);
        if (why) return rlm_fail(err, bad, "%s: %s", WHERE(i), why);
        for (int j = 0; j < i; j++)
            if (!strcmp(labels[i], labels[j]) ||
                (is_space_label(labels[i]) && is_space_label(labels[j])))
                return rlm_fail(err, bad, "%s: '%s' repeats label %d", WHERE(i), labels[i], j);
        if (!strcmp(labels[i], "<blank>")) blank = i;
        if (is_space_label(labels[i])) space = i;
    }
    if (blank < 0) return rlm_fail(err, bad, "%s: no <blank> label", name);
    rlm_ctc_alphabet *a = calloc(1, sizeof *a);
    if (!a || !(a->labels = calloc((size_t)n, sizeof *a->labels))) {
        free(a);
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    a->n_labels = n, a->blank = blank, a->space = space;
    for (int i = 0; i < n; i++)
        if (!(a->labels[i] = strdup(i == space ? " " : labels[i]))) {
            rlm_ctc_alphabet_free(a);
            return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        }
    *out = a;
    return RLM_OK;
#undef WHERE
}

rlm_status rlm_ctc_alphabet_new(const char *const *labels, int n, rlm_ctc_alphabet **out,
                                rlm_error *err) {
    return build(labels, n, "alphabet", NULL, out, err);
}

rlm_status rlm_ctc_alphabet_parse(const char *data, size_t len, const char *name,
                                  rlm_ctc_alphabet **out, rlm_error *err) {
    *out = NULL;
    size_t cap = 1;
    for (size_t i = 0; i < len; i++) cap += data[i] == '\n';
    char *copy = malloc(len + 1);
    char **labels = calloc(cap, sizeof *labels);
    int64_t *lines = calloc(cap, sizeof *lines);
    if (!copy || !labels || !lines) {
        free(copy), free(labels), free(lines);
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    memcpy(copy, data, len);
    copy[len] = 0;
    rlm_status st = RLM_OK;
    int n = 0;
    int64_t line = 0;
    for (size_t at = 0; at < len && !st;) {
        char *s = copy + at, *nl = memchr(s, '\n', len - at);
        size_t l = nl ? (size_t)(nl - s) : len - at;
        at += l + 1, line++;
        if (memchr(s, 0, l)) st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: label: a NUL byte", name,
                                           (long long)line);
        if (l && s[l - 1] == '\r') l--;
        s[l] = 0;
        if (n >= 1 << 20) st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: label: more than %d labels",
                                         name, (long long)line, 1 << 20);
        lines[n] = line;
        labels[n++] = s;
    }
    if (!st) st = build((const char *const *)labels, n, name, lines, out, err);
    free(copy), free(labels), free(lines);
    return st;
}

rlm_status rlm_ctc_alphabet_read(const char *path, rlm_ctc_alphabet **out, rlm_error *err) {
    *out = NULL;
    size_t len;
    char *buf = glue_load_file(path, &len, err);
    if (!buf) return err ? err->status : RLM_E_IO;
    rlm_status st = rlm_ctc_alphabet_parse(buf, len, path, out, err);
    free(buf);
    return st;
}
