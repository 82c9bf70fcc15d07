/* Shared by the lattice fuzz targets: parse the bytes in one format over an open and a closed
 * symbol table; whatever parses must be a consistent lattice whose written file reads back
 * with the same shape. */
#ifndef RLM_FUZZ_LATTICE_H
#define RLM_FUZZ_LATTICE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rlm_lattice_io.h"

static void fuzz_lattice_check(const rlm_lattice *lat) {
    if (!lat->id) abort();
    if (lat->n_states && (lat->start < 0 || lat->start >= lat->n_states)) abort();
    for (size_t a = 0; a < lat->n_arcs; a++) {
        const rlm_lattice_arc *x = &lat->arcs[a];
        if (x->from < 0 || x->from >= lat->n_states || x->to < 0 || x->to >= lat->n_states ||
            !rlm_symbols_word(lat->symbols, x->word) || !isfinite(x->ac) || !isfinite(x->lm) ||
            (size_t)x->seq_off + x->seq_len > lat->n_seq)
            abort();
    }
    for (int32_t s = 0; s < lat->n_states; s++) {
        const rlm_lattice_state *st = &lat->states[s];
        if (st->is_final && (!isfinite(st->final_ac) || !isfinite(st->final_lm))) abort();
        if ((size_t)st->final_seq_off + st->final_seq_len > lat->n_seq) abort();
    }
}

/* Parses data as `format`; on success checks, writes, reads back and compares arc counts
 * (SLF may add one link per final state, into a new end node). */
static void fuzz_lattice_one(const char *format, const uint8_t *data, size_t size,
                             const rlm_lattice_read_opts *opt, const char *name) {
    rlm_lattice_list l = {0}, back = {0};
    rlm_error err;
    if (rlm_lattice_parse(format, (const char *)data, size, name, opt, &l, &err)) {
        if (l.n || !strstr(err.message, name)) abort(); /* all or nothing, the file named */
        return;
    }
    size_t finals = 0;
    for (size_t i = 0; i < l.n; i++) {
        fuzz_lattice_check(l.lat[i]);
        for (int32_t s = 0; s < l.lat[i]->n_states; s++) finals += l.lat[i]->states[s].is_final;
    }
    char out[64];
    /* tmpfs where there is one: the writer's fsync costs nothing there */
    const char *dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
    snprintf(out, sizeof out, "%s/fuzz_lattice_%s.%ld", dir, format, (long)getpid());
    rlm_status st = rlm_lattice_write(format, &l, out, NULL, &err);
    if (st == RLM_OK) {
        if (rlm_lattice_read(format, out, opt, &back, &err) || back.n != l.n) abort();
        for (size_t i = 0; i < l.n; i++) {
            size_t a = l.lat[i]->n_arcs, b = back.lat[i]->n_arcs;
            if (strcmp(l.lat[i]->id, back.lat[i]->id) || (b != a && (b <= a || b > a + finals)))
                abort();
        }
    } else if (st != RLM_E_ARG) {
        abort(); /* only SLF's one-lattice-per-file and empty lattices are refused */
    }
    unlink(out);
    rlm_lattice_list_free(&back);
    rlm_lattice_list_free(&l);
}

static void fuzz_lattice(const char *format, const uint8_t *data, size_t size, const char *name) {
    rlm_lattice_read_opts open_opt, closed_opt = {rlm_symbols_new(), 1};
    if (rlm_lattice_read_opts_init(&open_opt, NULL, NULL) || !closed_opt.symbols) abort();
    static const char *const words[] = {"<s>", "</s>", "a", "b", "!NULL"};
    for (int i = 0; i < 5; i++)
        if (rlm_symbols_set(closed_opt.symbols, words[i], strlen(words[i]), i + 1, NULL)) abort();
    fuzz_lattice_one(format, data, size, &open_opt, name);
    fuzz_lattice_one(format, data, size, &closed_opt, name);
    rlm_lattice_read_opts_free(&open_opt);
    rlm_lattice_read_opts_free(&closed_opt);
}

#endif
