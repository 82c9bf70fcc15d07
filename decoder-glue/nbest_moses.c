/* Moses n-best lists: `id ||| w1 w2 ... ||| name= v1 v2 name2= v3 ||| total`, hypotheses of a
 * sentence on consecutive lines. Each feature value becomes a column named after its feature
 * (without the '='), then the column "total". Values are kept as Moses wrote them: they are a
 * log-linear model's inputs, not probabilities of one log base. Every line of a list must have
 * the same features in the same order, as Moses writes them. */
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"

/* Splits at "|||": fields[i] .. fields[i] + lens[i], at most 5. */
static int split_bars(const char *s, size_t len, const char **fields, size_t *lens) {
    int n = 0;
    size_t b = 0;
    for (size_t i = 0; n < 5; i++) {
        if (i + 3 <= len && !memcmp(s + i, "|||", 3)) {
            fields[n] = s + b, lens[n++] = i - b;
            b = i + 3, i += 2;
        } else if (i >= len) {
            fields[n] = s + b, lens[n++] = len - b;
            break;
        }
    }
    return n;
}

static rlm_status read_features(rlm_nbest *nb, nbest_file *f, const char *s, size_t len,
                                double *v, int *n_v, int first, rlm_error *err) {
    size_t pos = 0, tl;
    const char *tok, *name = NULL;
    size_t name_len = 0;
    rlm_status st;
    int n = 0;
    while (nbest_field(s, len, &pos, &tok, &tl)) {
        if (tok[tl - 1] == '=') {
            name = tok, name_len = tl - 1;
            if (!name_len)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: empty feature name",
                                f->name, f->line);
            continue;
        }
        if (!name)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: value '%.*s' before any "
                            "'name='", f->name, f->line, (int)(tl > 40 ? 40 : tl), tok);
        char field[80];
        snprintf(field, sizeof field, "features: %.*s", (int)(name_len > 60 ? 60 : name_len), name);
        if (n == 255)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: more than 256 values", f->name,
                            f->line);
        if ((st = nbest_number(f, field, tok, tl, &v[n + 1], err))) return st;
        if (first) {
            char nm[128];
            if (name_len >= sizeof nm || (name_len == 5 && !memcmp(name, "total", 5)))
                return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: bad feature name '%.*s'",
                                f->name, f->line, (int)(name_len > 60 ? 60 : name_len), name);
            memcpy(nm, name, name_len), nm[name_len] = 0;
            if (rlm_nbest_add_column(nb, nm) < 0)
                return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
        } else if (n + 1 >= nb->n_columns || strlen(nb->column[n + 1]) != name_len ||
                   memcmp(nb->column[n + 1], name, name_len)) {
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: value %d is '%.*s', but the "
                            "first line has '%s' there", f->name, f->line, n + 1,
                            (int)(name_len > 60 ? 60 : name_len), name,
                            n + 1 < nb->n_columns ? nb->column[n + 1] : "nothing");
        }
        n++;
    }
    if (!first && n + 1 != nb->n_columns)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: features: %d values, the first line has %d",
                        f->name, f->line, n, nb->n_columns - 1);
    *n_v = n;
    return RLM_OK;
}

static rlm_status read_line(rlm_nbest *nb, nbest_file *f, const char *s, size_t len, int first,
                            rlm_error *err) {
    const char *fl[5], *tok;
    size_t ll[5], pos = 0, tl, idl;
    double v[257];
    int n_v = 0;
    rlm_status st;
    int n = split_bars(s, len, fl, ll);
    if (n != 4)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: expected 'id ||| text ||| features ||| "
                        "score', found %d fields", f->name, f->line, n < 4 ? "score" : "line", n);
    const char *id;
    if (!nbest_field(fl[0], ll[0], &pos, &id, &idl) || nbest_field(fl[0], ll[0], &pos, &tok, &tl))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: id: expected one sentence id", f->name,
                        f->line);
    if (first && rlm_nbest_add_column(nb, "total") < 0)
        return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    if ((st = read_features(nb, f, fl[2], ll[2], v, &n_v, first, err))) return st;
    pos = 0;
    if (!nbest_field(fl[3], ll[3], &pos, &tok, &tl))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: score: missing", f->name, f->line);
    if ((st = nbest_number(f, "score", tok, tl, &v[0], err))) return st;
    if (nbest_field(fl[3], ll[3], &pos, &tok, &tl))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: score: more than one value", f->name, f->line);
    rlm_nbest_utt *u = nb->n_utts ? &nb->utts[nb->n_utts - 1] : NULL;
    if (!u || strlen(u->id) != idl || memcmp(u->id, id, idl)) u = rlm_nbest_add_utt(nb, id, idl);
    rlm_nbest_hyp *h = u ? rlm_nbest_add_hyp_text(nb, u, fl[1], ll[1]) : NULL;
    if (!h) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    memcpy(h->score, v, (size_t)(n_v + 1) * sizeof *v);
    h->total = v[0];
    return RLM_OK;
}

rlm_status nbest_parse_moses(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err) {
    rlm_status st = RLM_OK;
    for (int i = 0; i < n; i++) {
        const char *s;
        size_t len, pos, tl;
        const char *tok;
        while (nbest_next_line(&files[i], &s, &len, err, &st)) {
            pos = 0;
            if (!nbest_field(s, len, &pos, &tok, &tl)) continue;
            int first = nb->n_columns == 0 && nb->n_utts == 0;
            if ((st = read_line(nb, &files[i], s, len, first, err))) return st;
        }
        if (st) return st;
    }
    return RLM_OK;
}

rlm_status nbest_write_moses(const rlm_nbest *nb, const char *out, rlm_error *err) {
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, out, err)) return err ? err->status : RLM_E_IO;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            const rlm_nbest_hyp *hyp = &nb->utts[u].hyps[h];
            fprintf(af.f, "%s ||| ", nb->utts[u].id);
            nbest_put_words(af.f, hyp);
            fputs(" |||", af.f);
            for (int c = 0; c < nb->n_columns; c++) {
                if (!strcmp(nb->column[c], "total")) continue;
                if (c < 2 || strcmp(nb->column[c], nb->column[c - 1]))
                    fprintf(af.f, " %s=", nb->column[c]);
                fprintf(af.f, " " NBEST_FMT, hyp->score[c]);
            }
            fprintf(af.f, " ||| " NBEST_FMT "\n", hyp->total);
        }
    return rlm_atomic_commit(&af, err);
}
