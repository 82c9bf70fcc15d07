/* Kaldi n-best lists as `lattice-to-nbest | nbest-to-linear` writes them in text form:
 *   TEXT      `utt-N w1 w2 ...` (--output-transcript-wspecifier=ark,t:), N = 1, 2, ... the rank;
 *             words as text, or integer ids with a symbol table (words.txt: `word id` a line)
 *   AC, LM    `utt-N cost` (--output-ac-cost-wspecifier / --output-lm-cost-wspecifier), costs
 *             c = -ln P; stored as log10 = -c / ln 10 in columns "ac" and "lm"
 * The cost files must list the same keys as the text, in the same order. */
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"
#include "rlm_symbols.h"

/* Splits `utt-N` at its last '-'. */
static rlm_status split_key(const nbest_file *f, const char *key, size_t kl, size_t *id_len,
                            long *rank, rlm_error *err) {
    const char *dash = NULL;
    for (size_t i = 0; i < kl; i++)
        if (key[i] == '-') dash = key + i;
    if (!dash || dash == key)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: key: expected utt-N, got '%.*s'", f->name,
                        f->line, (int)(kl > 60 ? 60 : kl), key);
    *id_len = (size_t)(dash - key);
    return nbest_rank(f, "key", dash + 1, kl - *id_len - 1, rank, err);
}

/* Words as text, or as integer ids of the table `sy` when it is given. */
static rlm_status read_text(rlm_nbest *nb, nbest_file *f, const rlm_symbols *sy, rlm_error *err) {
    const char *s, *key, *tok;
    size_t len, kl, tl, id_len = 0;
    long rank;
    rlm_status st = RLM_OK;
    rlm_nbest_utt *u;
    while (nbest_next_line(f, &s, &len, err, &st)) {
        size_t pos = 0;
        if (!nbest_field(s, len, &pos, &key, &kl)) continue;
        if ((st = split_key(f, key, kl, &id_len, &rank, err)) ||
            (st = nbest_utt_for_rank(nb, f, "key", key, id_len, rank, &u, err)))
            return st;
        rlm_nbest_hyp *h;
        if (!sy) {
            h = rlm_nbest_add_hyp_text(nb, u, s + pos, len - pos);
        } else {
            const char *w[512];
            size_t wl[512];
            int n = 0;
            while (nbest_field(s, len, &pos, &tok, &tl)) {
                long id = -1;
                if (n == 512)
                    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: words: more than 512", f->name,
                                    f->line);
                if (!(tl == 1 && tok[0] == '0') && (st = nbest_rank(f, "word id", tok, tl, &id, err)))
                    return st;
                if (id < 0) id = 0;
                const char *word = rlm_symbols_word(sy, (int32_t)id); /* ranks have <= 9 digits */
                if (!word)
                    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: word id: %ld is not in the symbol "
                                    "table", f->name, f->line, id);
                w[n] = word, wl[n++] = strlen(word);
            }
            h = rlm_nbest_add_hyp(nb, u, w, wl, n);
        }
        if (!h) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    }
    return st;
}

/* One cost per hypothesis, keys in the text's order, into column col as log10. */
static rlm_status read_costs(rlm_nbest *nb, nbest_file *f, int col, rlm_error *err) {
    const char *s, *key, *tok;
    size_t len, kl, tl, u = 0, h = 0;
    rlm_status st = RLM_OK;
    char want[512];
    while (nbest_next_line(f, &s, &len, err, &st)) {
        size_t pos = 0;
        if (!nbest_field(s, len, &pos, &key, &kl)) continue;
        while (u < nb->n_utts && h >= nb->utts[u].n_hyps) u++, h = 0;
        if (u == nb->n_utts)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: key: '%.*s' is not in the text (more costs "
                            "than hypotheses)", f->name, f->line, (int)(kl > 60 ? 60 : kl), key);
        int wl = snprintf(want, sizeof want, "%s-%zu", nb->utts[u].id, h + 1);
        if ((size_t)wl != kl || memcmp(want, key, kl))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: key: '%.*s' does not match the text's "
                            "'%s'", f->name, f->line, (int)(kl > 60 ? 60 : kl), key, want);
        double c;
        if (!nbest_field(s, len, &pos, &tok, &tl))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: cost: missing", f->name, f->line);
        if ((st = nbest_number(f, "cost", tok, tl, &c, err))) return st;
        if (nbest_field(s, len, &pos, &tok, &tl))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: cost: more than one value", f->name,
                            f->line);
        nb->utts[u].hyps[h].score[col] = -c / NBEST_LN10;
        nb->utts[u].hyps[h].total += -c / NBEST_LN10;
        h++;
    }
    if (st) return st;
    while (u < nb->n_utts && h >= nb->utts[u].n_hyps) u++, h = 0;
    if (u < nb->n_utts)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: key: no cost for '%s-%zu'", f->name, f->line + 1,
                        nb->utts[u].id, h + 1);
    return RLM_OK;
}

rlm_status nbest_parse_kaldi(rlm_nbest *nb, nbest_file *files, int n, const char *symbols_path,
                             rlm_error *err) {
    static const char *const cols[] = {"ac", "lm"};
    for (int i = 1; i < n; i++)
        if (rlm_nbest_add_column(nb, cols[i - 1]) < 0)
            return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    rlm_symbols *sy = NULL;
    rlm_status st = symbols_path ? rlm_symbols_read(symbols_path, &sy, err) : RLM_OK;
    if (!st) st = read_text(nb, &files[0], sy, err);
    rlm_symbols_free(sy);
    for (int i = 1; !st && i < n; i++) st = read_costs(nb, &files[i], i - 1, err);
    return st;
}

static rlm_status write_costs(const rlm_nbest *nb, const char *out, int col, rlm_error *err) {
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s.%s", out, nb->column[col]) >= sizeof path)
        return rlm_fail(err, RLM_E_ARG, "%s: path too long", out);
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, path, err)) return err ? err->status : RLM_E_IO;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++)
            fprintf(af.f, "%s-%zu " NBEST_FMT "\n", nb->utts[u].id, h + 1,
                    -nb->utts[u].hyps[h].score[col] * NBEST_LN10 + 0.0);
    return rlm_atomic_commit(&af, err);
}

rlm_status nbest_write_kaldi(const rlm_nbest *nb, const char *out, rlm_error *err) {
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, out, err)) return err ? err->status : RLM_E_IO;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            fprintf(af.f, "%s-%zu", nb->utts[u].id, h + 1);
            if (nb->utts[u].hyps[h].n_words) fputc(' ', af.f);
            nbest_put_words(af.f, &nb->utts[u].hyps[h]);
            fputc('\n', af.f);
        }
    rlm_status st = rlm_atomic_commit(&af, err);
    for (int c = 0; !st && c < nb->n_columns; c++) st = write_costs(nb, out, c, err);
    return st;
}
