/* pocketsphinx n-best lists in rlm's text form, `utt rank ascore lscore nwords w1 w2 ...` with
 * ranks from 1 and scores in pocketsphinx's log base 1.0001 (log10 = s * log10(1.0001)).
 * pocketsphinx has no n-best file format of its own (ps_nbest_hyp gives one total score per
 * path); this is the form build/ps_nbest (decoder-glue/tools/) writes from pocketsphinx's
 * lattice. nwords, as in SRILM's plain form, must equal the number of words that follow: a cut
 * line is an error, not a shorter hypothesis. Written back as integers, as pocketsphinx keeps
 * its scores. */
#include <math.h>
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"

static rlm_status read_line(rlm_nbest *nb, nbest_file *f, const char *s, size_t len,
                            rlm_error *err) {
    static const char *const field[] = {"rank", "ascore", "lscore", "nwords"};
    const char *id, *tok[4];
    size_t pos = 0, idl, tl[4];
    long rank;
    double v[3];
    rlm_status st;
    rlm_nbest_utt *u;
    nbest_field(s, len, &pos, &id, &idl);
    for (int i = 0; i < 4; i++)
        if (!nbest_field(s, len, &pos, &tok[i], &tl[i]))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: missing", f->name, f->line, field[i]);
    if ((st = nbest_rank(f, "rank", tok[0], tl[0], &rank, err)) ||
        (st = nbest_number(f, "ascore", tok[1], tl[1], &v[0], err)) ||
        (st = nbest_number(f, "lscore", tok[2], tl[2], &v[1], err)) ||
        (st = nbest_number(f, "nwords", tok[3], tl[3], &v[2], err)))
        return st;
    if (v[2] < 0 || v[2] != floor(v[2]))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: nwords: expected a count", f->name, f->line);
    if ((st = nbest_utt_for_rank(nb, f, "rank", id, idl, rank, &u, err))) return st;
    rlm_nbest_hyp *h = rlm_nbest_add_hyp_text(nb, u, s + pos, len - pos);
    if (!h) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    if ((double)h->n_words != v[2])
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: nwords: %.0f, but the line has %zu words",
                        f->name, f->line, v[2], (size_t)h->n_words);
    h->score[0] = v[0] * NBEST_PS_LOG10;
    h->score[1] = v[1] * NBEST_PS_LOG10;
    h->total = h->score[0] + h->score[1];
    return RLM_OK;
}

rlm_status nbest_parse_pocketsphinx(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err) {
    if (nbest_add_ac_lm(nb)) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    rlm_status st = RLM_OK;
    for (int i = 0; i < n; i++) {
        const char *s, *tok;
        size_t len, pos, tl;
        while (nbest_next_line(&files[i], &s, &len, err, &st)) {
            pos = 0;
            if (!nbest_field(s, len, &pos, &tok, &tl)) continue;
            if ((st = read_line(nb, &files[i], s, len, err))) return st;
        }
        if (st) return st;
    }
    return RLM_OK;
}

rlm_status nbest_write_pocketsphinx(const rlm_nbest *nb, const char *out, rlm_error *err) {
    int ac = rlm_nbest_column(nb, "ac"), lm = rlm_nbest_column(nb, "lm");
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, out, err)) return err ? err->status : RLM_E_IO;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            const rlm_nbest_hyp *hyp = &nb->utts[u].hyps[h];
            fprintf(af.f, "%s %zu %.0f %.0f %zu", nb->utts[u].id, h + 1,
                    rint((ac >= 0 ? hyp->score[ac] : 0) / NBEST_PS_LOG10) + 0.0,
                    rint((lm >= 0 ? hyp->score[lm] : 0) / NBEST_PS_LOG10) + 0.0,
                    (size_t)hyp->n_words);
            if (hyp->n_words) fputc(' ', af.f);
            nbest_put_words(af.f, hyp);
            fputc('\n', af.f);
        }
    return rlm_atomic_commit(&af, err);
}
