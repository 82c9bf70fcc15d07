/* Lattice files by format name (rlm_lattice_io.h): the table of formats, reading whole files,
 * and the helpers the text formats share. */
#include <stdlib.h>
#include <string.h>

#include "lattice_internal.h"
#include "ngram_internal.h"

static const lattice_format formats[] = {
    {"kaldi", lattice_parse_kaldi, lattice_write_kaldi},
    {"slf", lattice_parse_slf, lattice_write_slf},
    {"fst", lattice_parse_fst, lattice_write_fst},
    {"fst-text", lattice_parse_fst_text, lattice_write_fst_text},
};
#define N_FORMATS (sizeof formats / sizeof *formats)

static const lattice_format *find_format(const char *name) {
    for (size_t i = 0; name && i < N_FORMATS; i++)
        if (!strcmp(formats[i].name, name)) return &formats[i];
    return NULL;
}

int rlm_lattice_format_known(const char *format) { return find_format(format) != NULL; }

const char *rlm_lattice_format_names(void) { return "kaldi, slf, fst, fst-text"; }

static rlm_status unknown(const char *format, rlm_error *err) {
    return rlm_fail(err, RLM_E_ARG, "lattice format '%s' is not known (known: %s)",
                    format ? format : "(null)", rlm_lattice_format_names());
}

rlm_status rlm_lattice_read_opts_init(rlm_lattice_read_opts *opt, const char *words_txt,
                                      rlm_error *err) {
    memset(opt, 0, sizeof *opt);
    if (words_txt) {
        rlm_status st = rlm_symbols_read(words_txt, &opt->symbols, err);
        opt->closed = st == RLM_OK;
        return st;
    }
    if (!(opt->symbols = rlm_symbols_new()))
        return rlm_fail(err, RLM_E_NOMEM, "symbol table: out of memory");
    return RLM_OK;
}

void rlm_lattice_read_opts_free(rlm_lattice_read_opts *opt) {
    rlm_symbols_free(opt->symbols);
    memset(opt, 0, sizeof *opt);
}

rlm_status rlm_lattice_parse(const char *format, const char *data, size_t size,
                             const char *name, const rlm_lattice_read_opts *opt,
                             rlm_lattice_list *out, rlm_error *err) {
    const lattice_format *fm = find_format(format);
    if (!fm) return unknown(format, err);
    if (!opt || !opt->symbols) return rlm_fail(err, RLM_E_ARG, "%s: no symbol table given", name);
    rlm_lattice_list got = {0};
    rlm_status st = fm->parse(data, size, name, opt, &got, err);
    /* All or nothing: the caller's list grows only by a whole file. */
    for (size_t i = 0; !st && i < got.n; i++) {
        if (!rlm_lattice_list_push(out, got.lat[i])) {
            while (i-- > 0) out->n--; /* hand the ones moved back to `got` */
            st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        }
    }
    if (st) {
        rlm_lattice_list_free(&got);
        return st;
    }
    free(got.lat);
    return RLM_OK;
}

/* The text of gzip or xz bytes, through the ARPA reader's decompressing line source (which
 * knows them by their magic bytes); lines joined again with '\n', so line numbers hold. */
static char *decompress(const char *data, size_t size, const char *path, size_t *out_size,
                        rlm_error *err) {
    ngram_lines *lines;
    if (ngram_lines_open_memory(&lines, data, size, path, err)) return NULL;
    size_t n = 0, cap = 1 << 16;
    char *text = malloc(cap + 1), *line;
    size_t len;
    rlm_status st = text ? RLM_OK : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    while (!st && !(st = ngram_lines_next(lines, &line, &len, err)) && line) {
        while (n + len + 1 > cap) {
            char *bigger = realloc(text, 2 * cap + 1);
            if (!bigger) {
                st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
                break;
            }
            text = bigger, cap *= 2;
        }
        if (st) break;
        memcpy(text + n, line, len);
        n += len;
        text[n++] = '\n';
    }
    ngram_lines_close(lines);
    if (st) {
        free(text);
        return NULL;
    }
    text[n] = 0;
    *out_size = n;
    return text;
}

static int compressed(const char *d, size_t n) {
    return (n >= 2 && (unsigned char)d[0] == 0x1f && (unsigned char)d[1] == 0x8b) ||
           (n >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6));
}

rlm_status rlm_lattice_read(const char *format, const char *path,
                            const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                            rlm_error *err) {
    if (!find_format(format)) return unknown(format, err);
    size_t size;
    char *text = glue_load_file(path, &size, err);
    if (!text) return err ? err->status : RLM_E_IO;
    if (compressed(text, size)) { /* HTK's lat.gz, gzipped text archives */
        char *plain = decompress(text, size, path, &size, err);
        free(text);
        if (!(text = plain)) return err ? err->status : RLM_E_IO;
    }
    rlm_status st = rlm_lattice_parse(format, text, size, path, opt, out, err);
    free(text);
    return st;
}

rlm_status rlm_lattice_write(const char *format, const rlm_lattice_list *l, const char *path,
                             const rlm_lattice_write_opts *opt, rlm_error *err) {
    const lattice_format *fm = find_format(format);
    if (!fm) return unknown(format, err);
    rlm_lattice_write_opts defaults = {0};
    return fm->write(l, path, opt ? opt : &defaults, err);
}

rlm_status lattice_index(const nbest_file *f, const char *field, const char *what,
                         const char *tok, size_t len, int32_t *out, rlm_error *err) {
    int64_t v = 0;
    size_t i = 0;
    for (; i < len && i < 10 && tok[i] >= '0' && tok[i] <= '9'; i++) v = 10 * v + (tok[i] - '0');
    if (len == 0 || i != len || v > INT32_MAX - 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: expected %s (an integer from 0 to "
                        "2147483646), got '%.*s'", f->name, f->line, field, what,
                        (int)(len > 40 ? 40 : len), tok);
    *out = (int32_t)v;
    return RLM_OK;
}

int lattice_token_ok(const char *s) { return s && *s && !s[strcspn(s, " \t\n\r\v\f")]; }

rlm_status lattice_need_state(rlm_lattice *lat, int32_t state, const nbest_file *f,
                              const char *field, rlm_error *err) {
    /* A file names each state it has, so more states than bytes means a number gone wrong,
     * not a lattice; refusing it keeps a 10-byte file from asking for gigabytes. */
    if ((size_t)state >= f->size)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: state %ld is more states than a file of "
                        "%zu bytes can describe", f->name, f->line, field, (long)state, f->size);
    if (!rlm_lattice_reserve_states(lat, state + 1))
        return rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory", f->name, f->line);
    return RLM_OK;
}

double lattice_arc_lm(const rlm_lattice_write_opts *opt, size_t i, const rlm_lattice *lat,
                      size_t a) {
    return opt->arc_lm && opt->arc_lm[i] ? opt->arc_lm[i][a] : lat->arcs[a].lm;
}

double lattice_final_lm(const rlm_lattice_write_opts *opt, size_t i, const rlm_lattice *lat,
                        int32_t s) {
    return opt->final_lm && opt->final_lm[i] ? opt->final_lm[i][s] : lat->states[s].final_lm;
}
