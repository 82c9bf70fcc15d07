/* rlm lattice's work on threads: the lattices of a run are rescored by `threads` workers, each
 * with its own scorer over the shared read-only models, so each can forget its histories after
 * every lattice (rlm_scorer_clear_histories) without waiting for the others. */
#ifndef RLM_CLI_LATTICE_JOBS_H
#define RLM_CLI_LATTICE_JOBS_H

#include "lattice_rescore.h"

typedef struct lattice_jobs {
    const rlm_lattice_list *in;             /* the lattices (each is used by one thread) */
    const rlm_lattice_rescore_options *o;
    rlm_lattice **out;                       /* out[i]: lattice i rescored (NULL after a failure) */
    rlm_lattice_rescore_stats *stats;        /* stats[i] */
    int progress;                            /* print "i/n lattices" to stderr */
} lattice_jobs;

/* Rescores every lattice; scorers[0 .. threads) are the workers' scorers. The first failure
 * stops the run and is returned (the caller frees the out[i] that were made). */
rlm_status lattice_jobs_run(rlm_scorer *const *scorers, int threads, lattice_jobs *jobs,
                            rlm_error *err);

#endif
