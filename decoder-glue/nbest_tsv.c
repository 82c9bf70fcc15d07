/* Plain TSV n-best lists: `utt<TAB>rank<TAB>ac<TAB>lm<TAB>words`, all scores log10, ranks from 1.
 * An optional first line `#utt<TAB>rank<TAB>NAME...<TAB>words` names the score columns (the
 * writer always writes it, so added columns survive a round trip). */
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"

/* The next TAB-separated field of line[*pos..len); 0 past the end. */
static int tab_field(const char *s, size_t len, size_t *pos, const char **tok, size_t *tl) {
    if (*pos > len) return 0;
    const char *t = memchr(s + *pos, '\t', len - *pos);
    size_t end = t ? (size_t)(t - s) : len;
    *tok = s + *pos, *tl = end - *pos, *pos = end + 1;
    return 1;
}

static rlm_status read_header(rlm_nbest *nb, nbest_file *f, const char *s, size_t len,
                              rlm_error *err) {
    size_t pos = 1, tl;
    const char *tok;
    int i = 0, words = 0;
    static const char *const fixed[] = {"utt", "rank"};
    while (tab_field(s, len, &pos, &tok, &tl)) {
        if (words)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: header: 'words' must be the last column",
                            f->name, f->line);
        if (i < 2 && (tl != strlen(fixed[i]) || memcmp(tok, fixed[i], tl)))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: header: column %d must be '%s'", f->name,
                            f->line, i + 1, fixed[i]);
        if (i >= 2 && tl == 5 && !memcmp(tok, "words", 5)) words = 1;
        else if (i >= 2) {
            char name[64];
            if (!tl || tl >= sizeof name)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: header: bad column name", f->name,
                                f->line);
            memcpy(name, tok, tl), name[tl] = 0;
            if (rlm_nbest_column(nb, name) >= 0)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: header: column '%s' twice", f->name,
                                f->line, name);
            if (rlm_nbest_add_column(nb, name) < 0)
                return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
        }
        i++;
    }
    if (!words)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: header: no 'words' column", f->name, f->line);
    return RLM_OK;
}

static rlm_status read_line(rlm_nbest *nb, nbest_file *f, const char *s, size_t len,
                            rlm_error *err) {
    size_t pos = 0, tl, id_len;
    const char *tok, *id;
    long rank;
    rlm_nbest_utt *u;
    double v[64];
    rlm_status st;
    if (!tab_field(s, len, &pos, &id, &id_len) || !tab_field(s, len, &pos, &tok, &tl))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: rank: missing (expected utt<TAB>rank<TAB>...)",
                        f->name, f->line);
    if ((st = nbest_rank(f, "rank", tok, tl, &rank, err))) return st;
    for (int c = 0; c < nb->n_columns; c++) {
        if (!tab_field(s, len, &pos, &tok, &tl))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: missing", f->name, f->line,
                            nb->column[c]);
        if ((st = nbest_number(f, nb->column[c], tok, tl, &v[c], err))) return st;
    }
    if (!tab_field(s, len, &pos, &tok, &tl))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: words: missing", f->name, f->line);
    if (pos <= len)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: words: a TAB inside the words", f->name,
                        f->line);
    if ((st = nbest_utt_for_rank(nb, f, "rank", id, id_len, rank, &u, err))) return st;
    rlm_nbest_hyp *h = rlm_nbest_add_hyp_text(nb, u, tok, tl);
    if (!h) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    memcpy(h->score, v, (size_t)nb->n_columns * sizeof *v);
    int ac = rlm_nbest_column(nb, "ac"), lm = rlm_nbest_column(nb, "lm");
    h->total = (ac >= 0 ? v[ac] : 0) + (lm >= 0 ? v[lm] : 0);
    return RLM_OK;
}

rlm_status nbest_parse_tsv(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err) {
    rlm_status st = RLM_OK;
    for (int i = 0; i < n; i++) {
        nbest_file *f = &files[i];
        const char *s;
        size_t len;
        while (nbest_next_line(f, &s, &len, err, &st)) {
            if (f->line == 1 && len && s[0] == '#') {
                if (i == 0 && (st = read_header(nb, f, s, len, err))) return st;
                continue;
            }
            if (!nb->n_columns && nbest_add_ac_lm(nb))
                return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
            if (nb->n_columns > 64)
                return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: more than 64 columns", f->name);
            if (!len) continue;
            if ((st = read_line(nb, f, s, len, err))) return st;
        }
        if (st) return st;
    }
    return RLM_OK;
}

rlm_status nbest_write_tsv(const rlm_nbest *nb, const char *out, rlm_error *err) {
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, out, err)) return err ? err->status : RLM_E_IO;
    fputs("#utt\trank", af.f);
    for (int c = 0; c < nb->n_columns; c++) fprintf(af.f, "\t%s", nb->column[c]);
    fputs("\twords\n", af.f);
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            const rlm_nbest_hyp *hyp = &nb->utts[u].hyps[h];
            fprintf(af.f, "%s\t%zu", nb->utts[u].id, h + 1);
            for (int c = 0; c < nb->n_columns; c++) fprintf(af.f, "\t" NBEST_FMT, hyp->score[c]);
            fputc('\t', af.f);
            nbest_put_words(af.f, hyp);
            fputc('\n', af.f);
        }
    return rlm_atomic_commit(&af, err);
}
