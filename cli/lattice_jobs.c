/* Lattices taken one at a time from a shared counter by each worker (lattice_jobs.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lattice_jobs.h"

typedef struct shared {
    lattice_jobs *jobs;
    pthread_mutex_t lock;
    size_t next, done;
    rlm_status status;
    rlm_error err;
} shared;

typedef struct worker {
    shared *sh;
    rlm_scorer *sc;
} worker;

static void *work(void *arg) {
    worker *wk = arg;
    shared *sh = wk->sh;
    lattice_jobs *j = sh->jobs;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        size_t i = sh->status ? j->in->n : sh->next++;
        pthread_mutex_unlock(&sh->lock);
        if (i >= j->in->n) return NULL;
        rlm_error e;
        rlm_status st = rlm_lattice_rescore(wk->sc, j->in->lat[i], j->o, &j->out[i], &j->stats[i], &e);
        rlm_scorer_clear_histories(wk->sc); /* this thread's states are all dead now */
        pthread_mutex_lock(&sh->lock);
        if (st && !sh->status) sh->status = st, sh->err = e;
        if (!st && j->progress) fprintf(stderr, "\rrlm lattice: %zu/%zu lattices", ++sh->done, j->in->n);
        pthread_mutex_unlock(&sh->lock);
    }
}

rlm_status lattice_jobs_run(rlm_scorer *const *scorers, int threads, lattice_jobs *jobs,
                            rlm_error *err) {
    shared sh = {.jobs = jobs};
    pthread_mutex_init(&sh.lock, NULL);
    worker *wk = calloc((size_t)threads, sizeof *wk);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int started = 0;
    if (wk && tid)
        for (; started < threads; started++) {
            wk[started] = (worker){&sh, scorers[started]};
            if (started > 0 && pthread_create(&tid[started], NULL, work, &wk[started])) break;
        }
    if (started) work(&wk[0]); /* the calling thread is worker 0 */
    for (int t = 1; t < started; t++) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&sh.lock);
    free(wk);
    free(tid);
    if (!started) return rlm_fail(err, RLM_E_NOMEM, "out of memory starting threads");
    if (jobs->progress) fputc('\n', stderr);
    if (sh.status) *err = sh.err;
    return sh.status;
}
