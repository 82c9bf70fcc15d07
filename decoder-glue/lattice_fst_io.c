/* The OpenFst formats of rlm_lattice_io.h, one lattice per file (rlm_fst.h has the layouts):
 *   "fst"       binary vector FST, arc type standard or log; words are its output labels, and
 *               its embedded output symbol table is merged into the read options' table
 *   "fst-text"  fstprint's text form; with a words.txt (closed table) the labels are words of
 *               it on both sides, else integers
 * The one weight per arc is read into lm (ac = 0); writing puts ac + lm back. A lattice's id is
 * the file name without directory and extension. Several lattices, or a directory as `path`,
 * are written one per file: path/ID.fst or path/ID.txt. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lattice_internal.h"
#include "rlm_fst.h"

/* "dir/utt1.fst" -> "utt1" (a copy; NULL when out of memory). */
static char *id_of_name(const char *name) {
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *id = malloc(n + 1);
    if (id) memcpy(id, b, n), id[n] = 0;
    return id;
}

static rlm_status to_list(rlm_fst *f, const char *name, const rlm_lattice_read_opts *opt,
                          rlm_lattice_list *out, rlm_error *err) {
    char *id = id_of_name(name);
    rlm_lattice_fst_options fo = {0.0, !opt->closed, RLM_FST_TROPICAL, NULL, NULL};
    rlm_lattice *lat = NULL;
    rlm_status st = id ? rlm_lattice_from_fst(f, id, opt->symbols, name, &fo, &lat, err)
                       : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    if (!st && !rlm_lattice_list_push(out, lat)) {
        rlm_lattice_free(lat);
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    free(id);
    rlm_fst_free(f);
    return st;
}

rlm_status lattice_parse_fst(const char *data, size_t size, const char *name,
                             const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                             rlm_error *err) {
    rlm_fst *f;
    rlm_status st = rlm_fst_parse(data, size, name, &f, err);
    return st ? st : to_list(f, name, opt, out, err);
}

rlm_status lattice_parse_fst_text(const char *data, size_t size, const char *name,
                                  const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                                  rlm_error *err) {
    const rlm_symbols *words = opt->closed ? opt->symbols : NULL;
    rlm_fst_text_options to = {words, words, RLM_FST_TROPICAL};
    rlm_fst *f;
    rlm_status st = rlm_fst_parse_text(data, size, name, &to, &f, err);
    return st ? st : to_list(f, name, opt, out, err);
}

static int is_dir(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static rlm_status write_all(const rlm_lattice_list *l, const char *path,
                            const rlm_lattice_write_opts *opt, int text, rlm_error *err) {
    int one_file = l->n == 1 && !is_dir(path);
    if (!one_file && mkdir(path, 0777) != 0 && errno != EEXIST)
        return rlm_fail(err, RLM_E_IO, "%s: cannot create the directory: %s", path, strerror(errno));
    rlm_status st = RLM_OK;
    for (size_t i = 0; i < l->n && !st; i++) {
        const rlm_lattice *lat = l->lat[i];
        rlm_lattice_fst_options fo = {0.0, 0, opt->fst_log ? RLM_FST_LOG : RLM_FST_TROPICAL,
                                      opt->arc_lm ? opt->arc_lm[i] : NULL,
                                      opt->final_lm ? opt->final_lm[i] : NULL};
        size_t n = strlen(path) + strlen(lat->id) + 8;
        char *file = malloc(n);
        rlm_fst *f = NULL;
        if (!file) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
        if (one_file) snprintf(file, n, "%s", path);
        else snprintf(file, n, "%s/%s.%s", path, lat->id, text ? "txt" : "fst");
        st = rlm_lattice_to_fst(lat, &fo, &f, err);
        if (!st) st = text ? rlm_fst_write_text(f, file, err) : rlm_fst_write(f, file, err);
        rlm_fst_free(f);
        free(file);
    }
    return st;
}

rlm_status lattice_write_fst(const rlm_lattice_list *l, const char *path,
                             const rlm_lattice_write_opts *opt, rlm_error *err) {
    return write_all(l, path, opt, 0, err);
}

rlm_status lattice_write_fst_text(const rlm_lattice_list *l, const char *path,
                                  const rlm_lattice_write_opts *opt, rlm_error *err) {
    return write_all(l, path, opt, 1, err);
}
