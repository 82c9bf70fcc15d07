/* SRILM n-best lists (SRILM's nbest-format(5)), one file per utterance:
 *   plain         `ascore lscore nwords w1 w2 ...`, scores log10: columns "ac", "lm", "nwords"
 *   NBestList1.0  a first line `NBestList1.0`, then `(score) w1 w2 ...` with the total score in
 *                 Decipher bytelogs: log10 = bytelog * 1024 / (10000.5 ln 10) (SRILM Prob.h
 *                 BytelogToLogP); read into column "ac", as SRILM reads it into acousticScore
 *                 (which is also its totalScore). Written back as rint(total / that scale).
 * NBestList2.0 (per-word Decipher backtraces) is rejected with a clear error. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "nbest_internal.h"

static const char *const suffixes[] = {".nbest", ".score", ".txt"};

/* The file name without directory, ".gz" and one of the suffixes above. */
static void utt_id(const char *name, const char **id, size_t *len) {
    const char *slash = strrchr(name, '/');
    const char *b = slash ? slash + 1 : name;
    size_t n = strlen(b);
    if (n > 3 && !strcmp(b + n - 3, ".gz")) n -= 3;
    for (int i = 0; i < 3; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !memcmp(b + n - k, suffixes[i], k)) {
            n -= k;
            break;
        }
    }
    *id = b, *len = n;
}

static rlm_status read_hyp(rlm_nbest *nb, rlm_nbest_utt *u, nbest_file *f, const char *s,
                           size_t len, rlm_error *err) {
    size_t pos = 0, tl;
    const char *tok;
    double v[3];
    rlm_status st;
    static const char *const field[] = {"ascore", "lscore", "nwords"};
    int n_scores = nb->srilm_version == 1 ? 1 : 3;
    for (int i = 0; i < n_scores; i++) {
        if (!nbest_field(s, len, &pos, &tok, &tl))
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: missing", f->name, f->line,
                            n_scores == 1 ? "score" : field[i]);
        if (n_scores == 1) {
            if (tl < 3 || tok[0] != '(' || tok[tl - 1] != ')')
                return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: score: expected (bytelog), got "
                                "'%.*s'", f->name, f->line, (int)(tl > 40 ? 40 : tl), tok);
            if ((st = nbest_number(f, "score", tok + 1, tl - 2, &v[0], err))) return st;
            v[0] *= NBEST_BYTELOG_LOG10;
        } else if ((st = nbest_number(f, field[i], tok, tl, &v[i], err))) {
            return st;
        }
    }
    if (n_scores == 3 && (v[2] < 0 || v[2] != floor(v[2])))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: nwords: expected a count", f->name, f->line);
    rlm_nbest_hyp *h = rlm_nbest_add_hyp_text(nb, u, s + pos, len - pos);
    if (!h) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    memcpy(h->score, v, (size_t)n_scores * sizeof *v);
    h->total = n_scores == 1 ? v[0] : v[0] + v[1];
    return RLM_OK;
}

/* 1 when the first non-blank line is NBestList1.0, 2 for NBestList2.0, else 0 (plain). */
static int header_version(const nbest_file *f) {
    size_t i = 0;
    while (i < f->size && (f->data[i] == ' ' || f->data[i] == '\t' || f->data[i] == '\n' ||
                           f->data[i] == '\r'))
        i++;
    if (f->size - i < 12) return 0;
    if (!memcmp(f->data + i, "NBestList1.0", 12)) return 1;
    return memcmp(f->data + i, "NBestList2.0", 12) ? 0 : 2;
}

rlm_status nbest_parse_srilm(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err) {
    nb->srilm_version = header_version(&files[0]);
    if (nb->srilm_version == 1 ? rlm_nbest_add_column(nb, "ac") < 0
                               : nbest_add_ac_lm(nb) || rlm_nbest_add_column(nb, "nwords") < 0)
        return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    for (int i = 0; i < n; i++) {
        nbest_file *f = &files[i];
        const char *s, *id;
        size_t len, id_len;
        rlm_status st = RLM_OK;
        int version = header_version(f), header = version > 0;
        if (version == 2)
            return rlm_fail(err, RLM_E_UNSUPPORTED, "%s:1: header: NBestList2.0 is not "
                            "supported (convert it with SRILM's nbest2-to-nbest1)", f->name);
        if (version != nb->srilm_version)
            return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: %s, but %s is %s", f->name,
                            version ? "NBestList1.0" : "plain", files[0].name,
                            nb->srilm_version ? "NBestList1.0" : "plain");
        utt_id(f->name, &id, &id_len);
        rlm_nbest_utt *u = rlm_nbest_add_utt(nb, id, id_len);
        if (!u) return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
        while (nbest_next_line(f, &s, &len, err, &st)) {
            size_t pos = 0, tl;
            const char *tok;
            if (!nbest_field(s, len, &pos, &tok, &tl)) continue;
            if (header) { /* the NBestList1.0 line itself */
                header = 0;
                continue;
            }
            if ((st = read_hyp(nb, u, f, s, len, err))) return st;
        }
        if (st) return st;
    }
    return RLM_OK;
}

static rlm_status write_utt(const rlm_nbest *nb, const rlm_nbest_utt *u, const char *dir,
                            rlm_error *err) {
    char path[4096];
    if (!*u->id || strchr(u->id, '/') || !strcmp(u->id, ".") || !strcmp(u->id, ".."))
        return rlm_fail(err, RLM_E_ARG, "utterance id '%s' cannot be a file name", u->id);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, u->id) >= sizeof path)
        return rlm_fail(err, RLM_E_ARG, "%s: path too long", dir);
    int ac = rlm_nbest_column(nb, "ac"), lm = rlm_nbest_column(nb, "lm");
    int nw = rlm_nbest_column(nb, "nwords");
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, path, err)) return err ? err->status : RLM_E_IO;
    if (nb->srilm_version == 1) fputs("NBestList1.0\n", af.f);
    for (size_t h = 0; h < u->n_hyps; h++) {
        const rlm_nbest_hyp *hyp = &u->hyps[h];
        if (nb->srilm_version == 1)
            fprintf(af.f, "(%.0f)", rint(hyp->total / NBEST_BYTELOG_LOG10) + 0.0);
        else
            fprintf(af.f, NBEST_FMT " " NBEST_FMT " %.0f", ac >= 0 ? hyp->score[ac] : 0,
                    lm >= 0 ? hyp->score[lm] : 0, nw >= 0 ? hyp->score[nw] : hyp->n_words);
        if (hyp->n_words) fputc(' ', af.f);
        nbest_put_words(af.f, hyp);
        fputc('\n', af.f);
    }
    return rlm_atomic_commit(&af, err);
}

rlm_status nbest_write_srilm(const rlm_nbest *nb, const char *out, rlm_error *err) {
    if (mkdir(out, 0777) && errno != EEXIST)
        return rlm_fail(err, RLM_E_IO, "%s: cannot create directory: %s", out, strerror(errno));
    for (size_t u = 0; u < nb->n_utts; u++) {
        rlm_status st = write_utt(nb, &nb->utts[u], out, err);
        if (st) return st;
    }
    return RLM_OK;
}
