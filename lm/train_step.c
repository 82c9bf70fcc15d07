/* One training step: the batch's streams are split into data-parallel shares, each run forward
 * and backward on its own thread into its own gradient; the gradients are summed and applied. */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optimizer.h"
#include "trainer.h"

/* Token i of the training stream: `</s>` first (the begin context), then the corpus. */
static int32_t stream_token(const trainer *tr, size_t i) {
    return i == 0 ? RLM_EOS_ID : tr->train->ids[i - 1];
}

static int worker_count(const rlm_train_options *opt) {
    long n = opt->threads > 0 ? opt->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > MAX_WORKERS) n = MAX_WORKERS;
    return (int)(n < opt->batch ? n : opt->batch);
}

static rlm_status worker_init(worker *w, const trainer *tr, int index, rlm_error *err) {
    const rlm_model *m = tr->m;
    const int B = tr->opt.batch, W = tr->n_workers;
    w->tr = tr;
    w->first = B * index / W;
    w->count = B * (index + 1) / W - w->first;
    rlm_status s = rlm_net_init(&w->net, m, w->count, tr->opt.bptt, 1, err);
    if (s != RLM_OK) return s;
    w->net.dropout = m->cfg.dropout;
    const size_t N = (size_t)w->count * tr->opt.bptt;
    w->grad = calloc(m->n_params, sizeof(float));
    w->x = malloc(N * sizeof(int32_t));
    w->y = malloc(N * sizeof(int32_t));
    w->reset = malloc(N);
    if (!w->grad || !w->x || !w->y || !w->reset)
        return rlm_fail(err, RLM_E_NOMEM, "training: out of memory for %zu parameters",
                        m->n_params);
    rlm_param_bind(&w->g, w->grad, &m->cfg, m->V, m->C);
    return RLM_OK;
}

static void worker_free(worker *w) {
    rlm_net_free(&w->net);
    free(w->grad), free(w->x), free(w->y), free(w->reset);
}

rlm_status trainer_init(trainer *tr, rlm_model *m, const rlm_corpus *train,
                        const rlm_corpus *valid, const rlm_train_options *opt, rlm_error *err) {
    memset(tr, 0, sizeof *tr);
    tr->m = m, tr->train = train, tr->valid = valid, tr->opt = *opt;
    if (opt->batch < 1 || opt->bptt < 1)
        return rlm_fail(err, RLM_E_ARG, "batch/bptt: must be positive (got %d and %d)",
                        opt->batch, opt->bptt);
    if (!(opt->learning_rate > 0))
        return rlm_fail(err, RLM_E_ARG, "learning_rate: %g must be positive",
                        (double)opt->learning_rate);
    if (opt->max_epochs < 1)
        return rlm_fail(err, RLM_E_ARG, "max_epochs: %d must be at least 1", opt->max_epochs);
    if (!(opt->clip >= 0) || !(opt->weight_decay >= 0) || opt->threads < 0)
        return rlm_fail(err, RLM_E_ARG, "clip/weight_decay/threads: must not be negative");
    if (train->n_ids == 0) return rlm_fail(err, RLM_E_ARG, "training text: empty");
    tr->stream_len = train->n_ids / (size_t)opt->batch;
    if (tr->stream_len < 1)
        return rlm_fail(err, RLM_E_ARG,
                        "training text: %zu tokens cannot fill %d streams; lower --batch",
                        train->n_ids, opt->batch);
    if (!valid || valid->n_ids == 0)
        return rlm_fail(err, RLM_E_ARG, "validation text: empty");
    tr->chunks = (int)((tr->stream_len + opt->bptt - 1) / opt->bptt);
    tr->n_workers = worker_count(opt);
    for (int i = 0; i < tr->n_workers; i++) {
        rlm_status s = worker_init(&tr->w[i], tr, i, err);
        if (s != RLM_OK) return s;
    }
    const size_t n = m->n_params;
    tr->best = malloc(n * sizeof(float));
    if (opt->optimizer == RLM_OPT_ADAM) {
        tr->adam_m = calloc(n, sizeof(float));
        tr->adam_v = calloc(n, sizeof(float));
    }
    if (!tr->best || (opt->optimizer == RLM_OPT_ADAM && (!tr->adam_m || !tr->adam_v)))
        return rlm_fail(err, RLM_E_NOMEM, "training: out of memory for %zu parameters", n);
    memcpy(tr->best, m->params, n * sizeof(float));
    tr->epoch = 1;
    tr->lr = opt->learning_rate;
    tr->prev_entropy = tr->best_entropy = INFINITY;
    rlm_rng_seed(&tr->rng, opt->seed);
    return RLM_OK;
}

void trainer_free(trainer *tr) {
    for (int i = 0; i < tr->n_workers; i++) worker_free(&tr->w[i]);
    free(tr->adam_m), free(tr->adam_v), free(tr->best);
}

/* Fills the worker's x, y and reset for its streams in its chunk; returns the number of steps. */
static int fill_chunk(worker *w) {
    const trainer *tr = w->tr;
    const int B = w->count, T0 = tr->opt.bptt;
    const size_t start = (size_t)w->chunk * T0;
    const int T = (int)(tr->stream_len - start < (size_t)T0 ? tr->stream_len - start : (size_t)T0);
    const int independent = tr->m->cfg.independent_sentences;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            const size_t i = (size_t)(w->first + b) * tr->stream_len + start + t;
            const int r = t * B + b;
            w->x[r] = stream_token(tr, i);
            w->y[r] = stream_token(tr, i + 1);
            w->reset[r] = independent && w->x[r] == RLM_EOS_ID;
        }
    return T;
}

static void *run_worker(void *arg) {
    worker *w = arg;
    const rlm_model *m = w->tr->m;
    const int T = fill_chunk(w);
    rlm_net_set_steps(&w->net, T);
    memset(w->grad, 0, m->n_params * sizeof(float));
    w->loss = rlm_net_forward(&w->net, w->x, w->y, w->reset, &w->rng, NULL);
    /* the mean over the whole batch's rows, so the summed shares are the batch gradient */
    rlm_net_backward(&w->net, &w->g, 1.0f / (float)(w->tr->opt.batch * T));
    return NULL;
}

void train_chunk(trainer *tr, int k) {
    rlm_model *m = tr->m;
    const int W = tr->n_workers;
    pthread_t threads[MAX_WORKERS];
    int started[MAX_WORKERS] = {0};
    for (int i = 0; i < W; i++) {
        tr->w[i].chunk = k;
        rlm_rng_seed(&tr->w[i].rng, rlm_rng_next(&tr->rng));
    }
    for (int i = 1; i < W; i++)
        started[i] = pthread_create(&threads[i], NULL, run_worker, &tr->w[i]) == 0;
    run_worker(&tr->w[0]);
    for (int i = 1; i < W; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else
            run_worker(&tr->w[i]); /* no thread to be had: do the share here */
    }
    float *grad = tr->w[0].grad;
    tr->epoch_loss += tr->w[0].loss;
    tr->epoch_tokens += (uint64_t)tr->w[0].net.N;
    for (int i = 1; i < W; i++) {
        cblas_saxpy((int)m->n_params, 1.0f, tr->w[i].grad, 1, grad, 1);
        tr->epoch_loss += tr->w[i].loss;
        tr->epoch_tokens += (uint64_t)tr->w[i].net.N;
    }
    if (tr->opt.weight_decay > 0)
        sgd_step(grad, m->params, m->n_params, -tr->opt.weight_decay); /* g += wd * p */
    clip_grad_norm(grad, m->n_params, tr->opt.clip);
    if (tr->opt.optimizer == RLM_OPT_ADAM)
        adam_step(m->params, grad, tr->adam_m, tr->adam_v, m->n_params, (float)tr->lr,
                  ++tr->adam_t);
    else
        sgd_step(m->params, grad, m->n_params, (float)tr->lr);
}

void trainer_reset_streams(trainer *tr) {
    for (int i = 0; i < tr->n_workers; i++) rlm_net_reset_state(&tr->w[i].net);
}
