/* Posterior files for the CTC decoder (rlm_ctc.h): Kaldi text matrices of log posteriors, one per
 * utterance, converted to log10. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctc_internal.h"
#include "file_load.h"
#include "strtab.h"

#define MAX_LABELS (1 << 20)
#define MAX_LOG_ABOVE_ZERO 1e-3 /* rounding of a softmax written with few digits */

typedef struct post_impl {
    rlm_ctc_posteriors pub;
    rlm_strtab ids; /* the utterance ids; pub.utts[i].id points into it when parsing is done */
    size_t cap_utts;
} post_impl;

/* A whitespace-separated token stream that counts lines. */
typedef struct lexer {
    const char *p, *end;
    int64_t line;
    int newline; /* a line break came before the current token */
} lexer;

/* The next token into tok and len; 0 at the end of the input. */
static int next_token(lexer *x, const char **tok, size_t *len) {
    x->newline = 0;
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\r' || *x->p == '\n' ||
                             *x->p == '\v' || *x->p == '\f')) {
        if (*x->p == '\n') x->line++, x->newline = 1;
        x->p++;
    }
    if (x->p == x->end) return 0;
    *tok = x->p;
    while (x->p < x->end && !(*x->p == ' ' || *x->p == '\t' || *x->p == '\r' || *x->p == '\n' ||
                              *x->p == '\v' || *x->p == '\f'))
        x->p++;
    *len = (size_t)(x->p - *tok);
    return 1;
}

void rlm_ctc_posteriors_free(rlm_ctc_posteriors *p) {
    if (!p) return;
    post_impl *im = (post_impl *)p;
    for (size_t i = 0; i < p->n_utts; i++) free(p->utts[i].log10post);
    free(p->utts);
    rlm_strtab_free(&im->ids);
    free(im);
}

/* A number token as a log10 posterior; 0, or -1 with *why set. */
static int parse_value(const char *tok, size_t len, int flags, float *out, const char **why) {
    char buf[64], *e;
    if (len >= sizeof buf || memchr(tok, 0, len)) return *why = "expected a number", -1;
    memcpy(buf, tok, len);
    buf[len] = 0;
    double v = strtod(buf, &e);
    if (e == buf || *e) return *why = "expected a number", -1;
    if (isnan(v)) return *why = "NaN is not a log posterior", -1;
    if (v > MAX_LOG_ABOVE_ZERO) return *why = "above 0: not a log posterior", -1;
    if (v > 0) v = 0;
    *out = (float)(flags & RLM_CTC_LOG_E ? v / log(10.0) : v);
    return 0;
}

/* One matrix after its id and "[": rows until "]" into u; the columns are fixed by *n_labels
 * (0 = the first row decides). */
static rlm_status parse_matrix(lexer *x, const char *name, int flags, rlm_ctc_utterance *u,
                               const char *id, int *n_labels, rlm_error *err) {
    size_t cap = 0, n_vals = 0;
    int64_t row_vals = 0, row_line = x->line;
    const char *tok;
    size_t len;
    for (;;) {
        if (!next_token(x, &tok, &len))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: no closing ']' before the end of the file",
                            name, (long long)u->line, id);
        int close = len == 1 && *tok == ']';
        if (row_vals && (close || x->newline)) { /* a row ends */
            if (*n_labels == 0) *n_labels = (int)row_vals;
            if (row_vals != *n_labels)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: frame %lld: %lld columns; expected %d",
                                name, (long long)row_line, id, (long long)u->frames,
                                (long long)row_vals, *n_labels);
            u->frames++, row_vals = 0;
        }
        if (close) return RLM_OK;
        if (!row_vals) row_line = x->line;
        if (row_vals >= MAX_LABELS || (*n_labels && row_vals >= *n_labels))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: frame %lld: more than %d columns",
                            name, (long long)x->line, id, (long long)u->frames,
                            *n_labels ? *n_labels : MAX_LABELS);
        const char *why;
        float v;
        if (parse_value(tok, len, flags, &v, &why))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: frame %lld, column %lld: %s, got '%.*s'",
                            name, (long long)x->line, id, (long long)u->frames,
                            (long long)row_vals + 1, why, (int)(len > 40 ? 40 : len), tok);
        if (n_vals == cap) {
            cap = cap ? 2 * cap : 256;
            float *q = realloc(u->log10post, cap * sizeof *q);
            if (!q) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
            u->log10post = q;
        }
        u->log10post[n_vals++] = v;
        row_vals++;
    }
}

rlm_status rlm_ctc_posteriors_parse(const char *data, size_t len, const char *name, int n_labels,
                                    int flags, rlm_ctc_posteriors **out, rlm_error *err) {
    *out = NULL;
    if (n_labels < 0 || n_labels > MAX_LABELS)
        return rlm_fail(err, RLM_E_ARG, "%s: %d labels; expected 0 to %d", name, n_labels, MAX_LABELS);
    post_impl *im = calloc(1, sizeof *im);
    if (!im) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    rlm_ctc_posteriors *p = &im->pub;
    lexer x = {data, data + len, 1, 0};
    const char *tok;
    size_t tl;
    rlm_status st = RLM_OK;
    while (!st && next_token(&x, &tok, &tl)) {
        char id[200];
        snprintf(id, sizeof id, "utterance '%.*s'", (int)(tl > 100 ? 100 : tl), tok);
        if (memchr(tok, 0, tl) || (tl == 1 && (*tok == '[' || *tok == ']'))) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: id: expected an utterance id, got '%.*s'",
                          name, (long long)x.line, (int)(tl > 40 ? 40 : tl), tok);
            break;
        }
        int added;
        int64_t line = x.line;
        int32_t k = rlm_strtab_add(&im->ids, tok, tl, &added);
        if (k < 0) {
            st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
            break;
        }
        if (!added) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: the id repeats line %lld", name,
                          (long long)line, id, (long long)p->utts[k].line);
            break;
        }
        if (p->n_utts == im->cap_utts) {
            size_t c = im->cap_utts ? 2 * im->cap_utts : 16;
            rlm_ctc_utterance *q = realloc(p->utts, c * sizeof *q);
            if (!q) {
                st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
                break;
            }
            p->utts = q, im->cap_utts = c;
        }
        rlm_ctc_utterance *u = &p->utts[p->n_utts++];
        memset(u, 0, sizeof *u);
        u->line = line;
        if (!next_token(&x, &tok, &tl) || tl != 1 || *tok != '[') {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: %s: expected '[' after the id", name,
                          (long long)x.line, id);
            break;
        }
        st = parse_matrix(&x, name, flags, u, id, &n_labels, err);
    }
    if (!st && !p->n_utts) st = rlm_fail(err, RLM_E_FORMAT, "%s: no utterances", name);
    if (st) {
        rlm_ctc_posteriors_free(p);
        return st;
    }
    p->n_labels = n_labels;
    for (size_t i = 0; i < p->n_utts; i++) p->utts[i].id = (char *)rlm_strtab_key(&im->ids, (int32_t)i);
    *out = p;
    return RLM_OK;
}

rlm_status rlm_ctc_posteriors_read(const char *path, int n_labels, int flags,
                                   rlm_ctc_posteriors **out, rlm_error *err) {
    *out = NULL;
    size_t len;
    char *buf = glue_load_file(path, &len, err);
    if (!buf) return err ? err->status : RLM_E_IO;
    rlm_status st = rlm_ctc_posteriors_parse(buf, len, path, n_labels, flags, out, err);
    free(buf);
    return st;
}
