/* What the FST fuzz targets do with an FST that parsed: the lattice conversion both ways, the
 * n-best (ordered, at most n paths) and the topological sort. Static, for tests/fuzz only. */
#ifndef RLM_FUZZ_FST_USE_H
#define RLM_FUZZ_FST_USE_H

#include <stdlib.h>

#include "rlm_fst.h"

static void fuzz_use_fst(rlm_fst *f) {
    rlm_error err;
    rlm_symbols *s = rlm_symbols_new();
    rlm_lattice_fst_options opt = {0.5, 1, RLM_FST_TROPICAL, NULL, NULL};
    rlm_lattice *lat;
    if (!rlm_lattice_from_fst(f, "fuzz", s, "fuzz", &opt, &lat, &err)) {
        rlm_fst *g;
        if (!rlm_lattice_to_fst(lat, NULL, &g, &err)) {
            if (rlm_fst_num_states(g) != lat->n_states) abort();
            rlm_fst_free(g);
        }
        rlm_lattice_free(lat);
    }
    rlm_fst *best;
    if (!rlm_fst_shortest_path(f, 3, 0, &best, &err)) {
        rlm_fst_path *p;
        size_t n;
        if (!rlm_fst_paths(best, 10, &p, &n, &err)) {
            if (n > 3) abort();
            for (size_t i = 1; i < n; i++)
                if (p[i].cost < p[i - 1].cost) abort();
            rlm_fst_paths_free(p, n);
        }
        rlm_fst_free(best);
    }
    if (!rlm_fst_topsort(f, &err)) /* every arc now goes to a later state */
        for (int32_t st = 0; st < rlm_fst_num_states(f); st++)
            for (size_t i = 0; i < rlm_fst_num_arcs(f, st); i++)
                if (rlm_fst_get_arc(f, st, i).nextstate <= st) abort();
    rlm_symbols_free(s);
}

#endif
