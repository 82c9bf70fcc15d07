/* N-best input and output common to every format: loading files, lines and fields with
 * file:line: field errors, the format dispatch, and the 1-best text. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"

int nbest_next_line(nbest_file *f, const char **line, size_t *len, rlm_error *err,
                    rlm_status *st) {
    *st = RLM_OK;
    if (f->pos >= f->size) return 0;
    const char *s = f->data + f->pos;
    const char *nl = memchr(s, '\n', f->size - f->pos);
    size_t n = nl ? (size_t)(nl - s) : f->size - f->pos;
    f->pos += n + (nl != NULL);
    f->line++;
    if (memchr(s, 0, n)) {
        *st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: contains a NUL byte", f->name, f->line);
        return 0;
    }
    if (n && s[n - 1] == '\r') n--;
    *line = s, *len = n;
    return 1;
}

int nbest_field(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len) {
    size_t i = *pos;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= len) {
        *pos = i;
        return 0;
    }
    size_t b = i;
    while (i < len && s[i] != ' ' && s[i] != '\t') i++;
    *tok = s + b, *tok_len = i - b, *pos = i;
    return 1;
}

rlm_status nbest_number(const nbest_file *f, const char *field, const char *tok, size_t len,
                        double *out, rlm_error *err) {
    char buf[64];
    if (len == 0 || len >= sizeof buf) goto bad;
    memcpy(buf, tok, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(*out)) goto bad;
    return RLM_OK;
bad:
    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: expected a number, got '%.*s'", f->name,
                    f->line, field, (int)(len > 40 ? 40 : len), tok);
}

int nbest_add_ac_lm(rlm_nbest *nb) {
    return rlm_nbest_add_column(nb, "ac") < 0 || rlm_nbest_add_column(nb, "lm") < 0 ? -1 : 0;
}

void nbest_put_words(FILE *f, const rlm_nbest_hyp *h) {
    for (int i = 0; i < h->n_words; i++) fprintf(f, i ? " %s" : "%s", h->words[i]);
}


rlm_status rlm_nbest_parse(rlm_nbest_format fmt, const char *const *files, const size_t *sizes,
                           const char *const *names, int n_files,
                           const rlm_nbest_read_options *opt, rlm_nbest **out, rlm_error *err) {
    *out = NULL;
    if (n_files < 1) return rlm_fail(err, RLM_E_ARG, "n-best: no input files");
    if (fmt == RLM_NBEST_KALDI ? n_files > 3 : 0)
        return rlm_fail(err, RLM_E_ARG, "kaldi n-best: expected TEXT [AC_COSTS [LM_COSTS]]");
    rlm_nbest *nb = rlm_nbest_new(fmt);
    nbest_file *f = malloc((size_t)n_files * sizeof *f);
    if (!nb || !f) {
        rlm_nbest_free(nb);
        free(f);
        return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    }
    for (int i = 0; i < n_files; i++) f[i] = nbest_file_init(files[i], sizes[i], names[i]);
    rlm_status st;
    switch (fmt) {
    case RLM_NBEST_KALDI: st = nbest_parse_kaldi(nb, f, n_files, opt ? opt->symbols : NULL, err); break;
    case RLM_NBEST_SRILM: st = nbest_parse_srilm(nb, f, n_files, err); break;
    case RLM_NBEST_MOSES: st = nbest_parse_moses(nb, f, n_files, err); break;
    case RLM_NBEST_POCKETSPHINX: st = nbest_parse_pocketsphinx(nb, f, n_files, err); break;
    case RLM_NBEST_TSV: st = nbest_parse_tsv(nb, f, n_files, err); break;
    default: st = rlm_fail(err, RLM_E_ARG, "n-best: unknown format %d", (int)fmt);
    }
    free(f);
    if (st) {
        rlm_nbest_free(nb);
        return st;
    }
    *out = nb;
    return RLM_OK;
}

rlm_status rlm_nbest_read(rlm_nbest_format fmt, const char *const *paths, int n_paths,
                          const rlm_nbest_read_options *opt, rlm_nbest **out, rlm_error *err) {
    *out = NULL;
    char **data = calloc((size_t)(n_paths > 0 ? n_paths : 1), sizeof *data);
    size_t *sizes = calloc((size_t)(n_paths > 0 ? n_paths : 1), sizeof *sizes);
    rlm_status st = data && sizes ? RLM_OK : rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
    for (int i = 0; !st && i < n_paths; i++)
        if (!(data[i] = glue_load_file(paths[i], &sizes[i], err))) st = err ? err->status : RLM_E_IO;
    if (!st)
        st = rlm_nbest_parse(fmt, (const char *const *)data, sizes, paths, n_paths, opt, out, err);
    for (int i = 0; data && i < n_paths; i++) free(data[i]);
    free(data);
    free(sizes);
    return st;
}

rlm_status rlm_nbest_write(const rlm_nbest *nb, const char *out, rlm_error *err) {
    switch (nb->format) {
    case RLM_NBEST_KALDI: return nbest_write_kaldi(nb, out, err);
    case RLM_NBEST_SRILM: return nbest_write_srilm(nb, out, err);
    case RLM_NBEST_MOSES: return nbest_write_moses(nb, out, err);
    case RLM_NBEST_POCKETSPHINX: return nbest_write_pocketsphinx(nb, out, err);
    case RLM_NBEST_TSV: return nbest_write_tsv(nb, out, err);
    }
    return rlm_fail(err, RLM_E_ARG, "n-best: unknown format %d", (int)nb->format);
}

rlm_status rlm_nbest_write_best(const rlm_nbest *nb, const char *path, rlm_error *err) {
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, path, err)) return err ? err->status : RLM_E_IO;
    for (size_t u = 0; u < nb->n_utts; u++) {
        fputs(nb->utts[u].id, af.f);
        if (nb->utts[u].n_hyps && nb->utts[u].hyps[0].n_words) {
            fputc(' ', af.f);
            nbest_put_words(af.f, &nb->utts[u].hyps[0]);
        }
        fputc('\n', af.f);
    }
    return rlm_atomic_commit(&af, err);
}

rlm_status nbest_rank(const nbest_file *f, const char *field, const char *tok, size_t len,
                      long *out, rlm_error *err) {
    long v = 0;
    size_t i = 0;
    for (; i < len && i < 9 && tok[i] >= '0' && tok[i] <= '9'; i++) v = 10 * v + (tok[i] - '0');
    if (len == 0 || i != len || v < 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: expected a rank (1, 2, ...), got '%.*s'",
                        f->name, f->line, field, (int)(len > 40 ? 40 : len), tok);
    *out = v;
    return RLM_OK;
}

rlm_status nbest_utt_for_rank(rlm_nbest *nb, const nbest_file *f, const char *field,
                              const char *id, size_t id_len, long rank, rlm_nbest_utt **u,
                              rlm_error *err) {
    rlm_nbest_utt *last = nb->n_utts ? &nb->utts[nb->n_utts - 1] : NULL;
    int same = last && strlen(last->id) == id_len && !memcmp(last->id, id, id_len);
    long want = same ? (long)last->n_hyps + 1 : 1;
    if (rank != want)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: rank %ld of utterance '%.*s' out of order "
                        "(expected %ld)", f->name, f->line, field, rank, (int)(id_len > 60 ? 60 : id_len),
                        id, want);
    if (!id_len)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: utterance: empty id", f->name, f->line);
    *u = same ? last : rlm_nbest_add_utt(nb, id, id_len);
    return *u ? RLM_OK : rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
}
