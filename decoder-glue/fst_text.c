/* Text FSTs (rlm_fst.h): the AT&T lines fstcompile reads and fstprint writes, parsed and printed
 * here in C with file:line: field messages, building the FST through the wrapper's calls. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "fst_internal.h"
#include "nbest_internal.h"

/* A state number or integer label: digits only, below INT32_MAX. */
static rlm_status parse_id(const nbest_file *f, const char *field, const char *tok, size_t len,
                           int32_t *out, rlm_error *err) {
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (tok[i] < '0' || tok[i] > '9' || (v = v * 10 + (tok[i] - '0')) >= INT32_MAX)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: expected a non-negative integer "
                            "below 2^31 - 1, got '%.*s'", f->name, f->line, field,
                            (int)(len > 40 ? 40 : len), tok);
    }
    *out = (int32_t)v;
    return RLM_OK;
}

/* A cost: a number in float range, or "Infinity" (OpenFst's Zero); not NaN or -Infinity. */
static rlm_status parse_weight(const nbest_file *f, const char *tok, size_t len, float *out,
                               rlm_error *err) {
    if (len == 8 && memcmp(tok, "Infinity", 8) == 0) {
        *out = INFINITY;
        return RLM_OK;
    }
    double v;
    rlm_status st = nbest_number(f, "weight", tok, len, &v, err);
    if (st) return st;
    if (fabs(v) > FLT_MAX)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: weight: %.*s is outside float range",
                        f->name, f->line, (int)(len > 40 ? 40 : len), tok);
    *out = (float)v;
    return RLM_OK;
}

static rlm_status parse_label(const nbest_file *f, const char *field, const rlm_symbols *syms,
                              const char *tok, size_t len, int32_t *out, rlm_error *err) {
    if (!syms) return parse_id(f, field, tok, len, out, err);
    if ((*out = rlm_symbols_find(syms, tok, len)) >= 0) return RLM_OK;
    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: '%.*s' is not in the symbol table", f->name,
                    f->line, field, (int)(len > 60 ? 60 : len), tok);
}

/* Adds states until `state` exists. Ids are kept as written, so a gap makes unused states;
 * the cap (twice the lines: each line names at most two states) stops a huge id from
 * allocating gigabytes. */
static rlm_status have_state(rlm_fst *fst, const nbest_file *f, int32_t state, long max_id,
                             rlm_error *err) {
    if (state > max_id)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: state: %ld is too large for a file of %ld "
                        "lines (states are numbered from 0 with few gaps)", f->name, f->line,
                        (long)state, max_id / 2);
    while (rlm_fst_num_states(fst) <= state)
        if (rlm_fst_add_state(fst) < 0) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", f->name);
    return RLM_OK;
}

static long count_lines(const char *text, size_t size) {
    long n = size && text[size - 1] != '\n';
    for (const char *p = text; (p = memchr(p, '\n', size - (size_t)(p - text))); p++) n++;
    return n;
}

/* One line: `src dst ilabel olabel [weight]` or `state [weight]`. */
static rlm_status parse_line(rlm_fst *fst, const nbest_file *f, const rlm_fst_text_options *opt,
                             const char *line, size_t len, long max_id, rlm_error *err) {
    const char *tok[6];
    size_t tl[6], pos = 0;
    int n = 0;
    while (n < 6 && nbest_field(line, len, &pos, &tok[n], &tl[n])) n++;
    if (n == 0) return RLM_OK; /* a blank line, as fstcompile skips them */
    if (n != 1 && n != 2 && n != 4 && n != 5)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: expected 'src dst ilabel olabel "
                        "[weight]' or 'state [weight]', got %s%d fields", f->name, f->line,
                        n == 6 ? "more than " : "", n == 6 ? 5 : n);
    int32_t src = 0;
    rlm_fst_arc arc = {0, 0, 0.0f, 0};
    float final = 0.0f;
    rlm_status st = parse_id(f, "source state", tok[0], tl[0], &src, err);
    if (!st && n >= 4) {
        if ((st = parse_id(f, "destination state", tok[1], tl[1], &arc.nextstate, err)) ||
            (st = parse_label(f, "input label", opt->isymbols, tok[2], tl[2], &arc.ilabel, err)) ||
            (st = parse_label(f, "output label", opt->osymbols, tok[3], tl[3], &arc.olabel, err)) ||
            (n == 5 && (st = parse_weight(f, tok[4], tl[4], &arc.weight, err))))
            return st;
    } else if (!st && n == 2) {
        st = parse_weight(f, tok[1], tl[1], &final, err);
    }
    if (st || (st = have_state(fst, f, src, max_id, err)) ||
        (n >= 4 && (st = have_state(fst, f, arc.nextstate, max_id, err))))
        return st;
    if (rlm_fst_start(fst) == RLM_FST_NO_STATE && (st = rlm_fst_set_start(fst, src, err)))
        return st;
    return n >= 4 ? rlm_fst_add_arc(fst, src, arc, err) : rlm_fst_set_final(fst, src, final, err);
}

rlm_status rlm_fst_parse_text(const char *text, size_t size, const char *name,
                              const rlm_fst_text_options *opt, rlm_fst **out, rlm_error *err) {
    *out = NULL;
    rlm_fst *fst = rlm_fst_new(opt->semiring);
    if (!fst) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    rlm_status st = RLM_OK;
    if (opt->isymbols) st = rlm_fst_set_symbols(fst, 0, opt->isymbols, err);
    if (!st && opt->osymbols) st = rlm_fst_set_symbols(fst, 1, opt->osymbols, err);
    nbest_file f = nbest_file_init(text, size, name);
    long max_id = 2 * count_lines(text, size);
    const char *line;
    size_t len;
    while (!st && nbest_next_line(&f, &line, &len, err, &st))
        st = parse_line(fst, &f, opt, line, len, max_id, err);
    if (st) {
        rlm_fst_free(fst);
        return st;
    }
    *out = fst;
    return RLM_OK;
}

rlm_status rlm_fst_read_text(const char *path, const rlm_fst_text_options *opt, rlm_fst **out,
                             rlm_error *err) {
    *out = NULL;
    size_t size;
    char *text = glue_load_file(path, &size, err);
    if (!text) return err ? err->status : RLM_E_IO;
    rlm_status st = rlm_fst_parse_text(text, size, path, opt, out, err);
    free(text);
    return st;
}

/* The word of a label, or its number without a table; NULL when the table lacks it. */
static const char *label_text(const rlm_symbols *syms, int32_t label, char buf[16]) {
    if (syms) return rlm_symbols_word(syms, label);
    snprintf(buf, 16, "%ld", (long)label);
    return buf;
}

/* fstprint's weight: 9 significant digits (C++ ostream precision 9), Infinity for Zero. */
static void put_weight(FILE *out, float w) {
    if (isinf(w)) fputs(w > 0 ? "\tInfinity" : "\t-Infinity", out);
    else fprintf(out, "\t%.9g", (double)w);
}

/* A state's lines as fstprint prints them: its arcs, then its final weight when it is final or
 * has no arc (non-final ones then print Infinity). */
static rlm_status put_state(const rlm_fst *fst, int32_t s, const rlm_symbols *isyms,
                            const rlm_symbols *osyms, FILE *out, const char *path,
                            rlm_error *err) {
    size_t n = rlm_fst_num_arcs(fst, s);
    char ib[16], ob[16];
    for (size_t i = 0; i < n; i++) {
        rlm_fst_arc a = rlm_fst_get_arc(fst, s, i);
        const char *il = label_text(isyms, a.ilabel, ib), *ol = label_text(osyms, a.olabel, ob);
        if (!il || !ol)
            return rlm_fail(err, RLM_E_ARG, "%s: state %ld: %s label %ld is not in the FST's "
                            "symbol table", path, (long)s, il ? "output" : "input",
                            (long)(il ? a.olabel : a.ilabel));
        fprintf(out, "%ld\t%ld\t%s\t%s", (long)s, (long)a.nextstate, il, ol);
        if (a.weight != 0.0f) put_weight(out, a.weight);
        fputc('\n', out);
    }
    float w = rlm_fst_final(fst, s);
    if (w != INFINITY || n == 0) {
        fprintf(out, "%ld", (long)s);
        if (w != 0.0f) put_weight(out, w);
        fputc('\n', out);
    }
    return RLM_OK;
}

rlm_status rlm_fst_write_text(const rlm_fst *fst, const char *path, rlm_error *err) {
    rlm_symbols *isyms = NULL, *osyms = NULL;
    rlm_atomic_file af;
    rlm_status st;
    if ((st = rlm_fst_get_symbols(fst, 0, &isyms, err)) ||
        (st = rlm_fst_get_symbols(fst, 1, &osyms, err)) || (st = rlm_atomic_open(&af, path, err)))
        goto done;
    int32_t start = rlm_fst_start(fst), n = rlm_fst_num_states(fst);
    if (start != RLM_FST_NO_STATE) st = put_state(fst, start, isyms, osyms, af.f, path, err);
    for (int32_t s = 0; s < n && start != RLM_FST_NO_STATE && !st; s++)
        if (s != start) st = put_state(fst, s, isyms, osyms, af.f, path, err);
    if (st) rlm_atomic_abort(&af);
    else st = rlm_atomic_commit(&af, err);
done:
    rlm_symbols_free(isyms);
    rlm_symbols_free(osyms);
    return st;
}
