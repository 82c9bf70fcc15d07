/* The training loop: chunks of B streams x T steps, validation and Mikolov's learning-rate
 * schedule, best-model keeping, and checkpoints that resume bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <cblas.h>

#include "bytes.h"
#include "clock.h"
#include "model_file.h"
#include "net.h"
#include "optimizer.h"
#include "rlm_train.h"

#define STATE_VERSION 1

rlm_train_options rlm_train_default_options(void) {
    rlm_train_options o = {0};
    o.batch = 32;
    o.bptt = 20;
    o.optimizer = RLM_OPT_SGD;
    o.learning_rate = 20.0f;
    o.min_improvement = 1.003f;
    o.max_epochs = 20;
    o.clip = 0.25f;
    o.seed = 1;
    o.progress_interval_s = 1.0;
    return o;
}

#define MAX_WORKERS 16

/* A data-parallel share of the batch: streams [first, first + count) run through their own
 * network into their own gradient, on their own thread; the shares are summed before the update.
 * BLAS runs single-threaded inside each share: the per-step products are too small for BLAS's
 * own threads to pay off, while whole shares in parallel scale. */
typedef struct worker {
    const struct trainer *tr;
    rlm_net net;
    float *grad; /* worker 0 writes the trainer's gradient, which ends as the sum */
    rlm_param_views g;
    int32_t *x, *y;
    uint8_t *reset;
    int first, count, chunk;
    double loss;
    rlm_rng rng; /* dropout masks; reseeded from the trainer's generator every chunk */
} worker;

typedef struct trainer {
    rlm_model *m;
    const rlm_corpus *train, *valid;
    rlm_train_options opt;
    int n_workers;
    worker w[MAX_WORKERS];
    float *adam_m, *adam_v, *best;
    size_t stream_len; /* tokens each stream predicts per epoch */
    int chunks;        /* per epoch */
    /* everything below is saved in checkpoints */
    int epoch, chunk, halving, done;
    double lr, prev_entropy, best_entropy; /* entropies in log10 units per token */
    rlm_rng rng;
    uint64_t adam_t;
    double epoch_loss; /* nats over the epoch's tokens so far */
    uint64_t epoch_tokens;
    /* where this run's clock for the epoch started (not saved: a resumed epoch is timed from
     * the resume) */
    uint64_t tokens_at_t0;
    int chunk_at_t0;
} trainer;

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

static rlm_status trainer_init(trainer *tr, rlm_model *m, const rlm_corpus *train,
                               const rlm_corpus *valid, const rlm_train_options *opt,
                               rlm_error *err) {
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

static void trainer_free(trainer *tr) {
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

static void train_chunk(trainer *tr, int k) {
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

/* ---- checkpoints: the model file plus this training state ---- */

/* Identifies the training text, so a checkpoint is never resumed on another one: resuming is
 * only the same as not stopping when the stream is the same. */
static uint32_t text_fingerprint(const rlm_corpus *c) {
    rlm_bytes_out o = {0};
    rlm_put_u64(&o, c->n_ids);
    uint32_t crc = rlm_crc32_update(0, o.data ? o.data : (const uint8_t *)"", o.len);
    free(o.data);
    for (size_t i = 0; i < c->n_ids; i += 4096) {
        const size_t n = c->n_ids - i < 4096 ? c->n_ids - i : 4096;
        crc = rlm_crc32_update(crc, (const uint8_t *)(c->ids + i), n * sizeof(int32_t));
    }
    return crc;
}

static void put_state(const trainer *tr, rlm_bytes_out *o) {
    const rlm_train_options *p = &tr->opt;
    const rlm_model *m = tr->m;
    rlm_put_u32(o, STATE_VERSION);
    rlm_put_u32(o, (uint32_t)p->batch), rlm_put_u32(o, (uint32_t)p->bptt);
    rlm_put_u32(o, (uint32_t)p->optimizer), rlm_put_f32(o, p->learning_rate);
    rlm_put_f32(o, p->min_improvement), rlm_put_u32(o, (uint32_t)p->max_epochs);
    rlm_put_f32(o, p->clip), rlm_put_f32(o, p->weight_decay), rlm_put_u64(o, p->seed);
    rlm_put_u32(o, (uint32_t)tr->n_workers);
    rlm_put_u64(o, tr->train->n_ids), rlm_put_u32(o, text_fingerprint(tr->train));
    rlm_put_u32(o, (uint32_t)tr->epoch), rlm_put_u32(o, (uint32_t)tr->chunk);
    rlm_put_u32(o, (uint32_t)tr->halving), rlm_put_u32(o, (uint32_t)tr->done);
    rlm_put_f64(o, tr->lr);
    rlm_put_f64(o, tr->prev_entropy), rlm_put_f64(o, tr->best_entropy);
    for (int i = 0; i < 4; i++) rlm_put_u64(o, tr->rng.s[i]);
    rlm_put_u64(o, tr->adam_t), rlm_put_f64(o, tr->epoch_loss), rlm_put_u64(o, tr->epoch_tokens);
    for (int i = 0; i < tr->n_workers; i++) {
        const rlm_net *n = &tr->w[i].net;
        const size_t BH = (size_t)n->B * m->cfg.hidden_size;
        for (int l = 0; l < m->cfg.layers; l++) {
            rlm_put_f32s(o, n->state_h[l], BH);
            if (n->state_c[l]) rlm_put_f32s(o, n->state_c[l], BH);
        }
    }
    rlm_put_f32s(o, tr->best, m->n_params);
    if (p->optimizer == RLM_OPT_ADAM) {
        rlm_put_f32s(o, tr->adam_m, m->n_params);
        rlm_put_f32s(o, tr->adam_v, m->n_params);
    }
}

static rlm_status save_checkpoint(const trainer *tr, rlm_error *err) {
    rlm_bytes_out o = {0};
    put_state(tr, &o);
    rlm_status s = o.failed ? rlm_fail(err, RLM_E_NOMEM, "checkpoint: out of memory")
                            : rlm_checkpoint_save(tr->m, o.data, o.len, tr->opt.checkpoint_path, err);
    free(o.data);
    return s;
}

/* Reads the options part of a state blob (so the trainer can be sized), then the rest. */
static void get_options(rlm_bytes_in *in, rlm_train_options *p) {
    p->batch = (int32_t)rlm_get_u32(in), p->bptt = (int32_t)rlm_get_u32(in);
    p->optimizer = (rlm_optimizer)rlm_get_u32(in), p->learning_rate = rlm_get_f32(in);
    p->min_improvement = rlm_get_f32(in), p->max_epochs = (int32_t)rlm_get_u32(in);
    p->clip = rlm_get_f32(in), p->weight_decay = rlm_get_f32(in), p->seed = rlm_get_u64(in);
    p->threads = (int32_t)rlm_get_u32(in); /* the same split of the batch, for the same result */
}

static int get_progress(rlm_bytes_in *in, trainer *tr) {
    const rlm_model *m = tr->m;
    const uint64_t n_ids = rlm_get_u64(in);
    const uint32_t fingerprint = rlm_get_u32(in);
    if (n_ids != tr->train->n_ids || fingerprint != text_fingerprint(tr->train)) return 0;
    tr->epoch = (int)rlm_get_u32(in), tr->chunk = (int)rlm_get_u32(in);
    tr->halving = (int)rlm_get_u32(in), tr->done = (int)rlm_get_u32(in);
    tr->lr = rlm_get_f64(in);
    tr->prev_entropy = rlm_get_f64(in), tr->best_entropy = rlm_get_f64(in);
    for (int i = 0; i < 4; i++) tr->rng.s[i] = rlm_get_u64(in);
    tr->adam_t = rlm_get_u64(in), tr->epoch_loss = rlm_get_f64(in);
    tr->epoch_tokens = rlm_get_u64(in);
    for (int i = 0; i < tr->n_workers; i++) {
        rlm_net *n = &tr->w[i].net;
        const size_t BH = (size_t)n->B * m->cfg.hidden_size;
        for (int l = 0; l < m->cfg.layers; l++) {
            rlm_get_f32s(in, n->state_h[l], BH);
            if (n->state_c[l]) rlm_get_f32s(in, n->state_c[l], BH);
        }
    }
    rlm_get_f32s(in, tr->best, m->n_params);
    if (tr->opt.optimizer == RLM_OPT_ADAM) {
        rlm_get_f32s(in, tr->adam_m, m->n_params);
        rlm_get_f32s(in, tr->adam_v, m->n_params);
    }
    return !in->failed && in->pos == in->len && tr->chunk >= 0 && tr->chunk <= tr->chunks &&
           tr->epoch >= 1;
}

/* ---- the loop ---- */

/* Returns the callback's wish to stop. */
static int report(const trainer *tr, double t0, int epoch_done, int improved, double valid_ppl) {
    if (!tr->opt.progress) return 0;
    rlm_train_progress p = {0};
    double el = rlm_now_s() - t0;
    p.epoch = tr->epoch, p.max_epochs = tr->opt.max_epochs, p.epoch_done = epoch_done;
    p.fraction = (double)tr->chunk / tr->chunks;
    p.seconds = el;
    const int chunks_timed = tr->chunk - tr->chunk_at_t0;
    p.words_per_s = el > 0 ? (tr->epoch_tokens - tr->tokens_at_t0) / el : 0;
    p.eta_s = chunks_timed > 0 ? el * (tr->chunks - tr->chunk) / chunks_timed : 0;
    p.train_ppl = tr->epoch_tokens ? exp(tr->epoch_loss / tr->epoch_tokens) : NAN;
    p.valid_ppl = valid_ppl;
    p.best_valid_ppl = pow(10.0, tr->best_entropy);
    p.learning_rate = tr->lr;
    p.improved = improved;
    return tr->opt.progress(&p, tr->opt.progress_user);
}

/* Validation, best-model keeping and the learning-rate schedule at the end of an epoch.
 * Sets done when training should stop. */
static rlm_status end_epoch(trainer *tr, double *valid_ppl, int *improved, rlm_error *err) {
    rlm_model *m = tr->m;
    rlm_eval_result r;
    rlm_status st = rlm_model_eval_corpus(m, tr->valid, NULL, &r, err);
    if (st != RLM_OK) return st;
    const double entropy = -r.log10prob_unk / (double)r.tokens;
    *valid_ppl = pow(10.0, entropy);
    *improved = entropy < tr->best_entropy;
    if (*improved) {
        tr->best_entropy = entropy;
        memcpy(tr->best, m->params, m->n_params * sizeof(float));
        if (tr->opt.best_path && (st = rlm_model_save(m, tr->opt.best_path, err)) != RLM_OK)
            return st;
    } else {
        /* as rnnlm: an epoch that made things worse is undone */
        memcpy(m->params, tr->best, m->n_params * sizeof(float));
    }
    int stop = 0;
    if (entropy * tr->opt.min_improvement > tr->prev_entropy) {
        if (tr->halving)
            stop = 1;
        tr->halving = 1;
    }
    if (tr->halving) tr->lr /= 2;
    tr->prev_entropy = entropy;
    tr->done = stop || tr->epoch >= tr->opt.max_epochs;
    return RLM_OK;
}

static void next_epoch(trainer *tr) {
    tr->epoch++, tr->chunk = 0;
    tr->epoch_loss = 0, tr->epoch_tokens = 0;
    tr->tokens_at_t0 = 0, tr->chunk_at_t0 = 0;
    for (int i = 0; i < tr->n_workers; i++) rlm_net_reset_state(&tr->w[i].net);
}

static rlm_status stop_early(trainer *tr, rlm_train_result *res, rlm_error *err) {
    res->stopped = 1;
    return tr->opt.checkpoint_path ? save_checkpoint(tr, err) : RLM_OK;
}

static rlm_status train_loop(trainer *tr, rlm_train_result *res, rlm_error *err) {
    const double start = rlm_now_s();
    double epoch_t0 = start, last_report = start, last_ckpt = start, valid_ppl = NAN;
    tr->tokens_at_t0 = tr->epoch_tokens, tr->chunk_at_t0 = tr->chunk;
    uint64_t tokens_total = 0;
    rlm_status st = RLM_OK;
    *res = (rlm_train_result){0};
    while (!tr->done) {
        while (tr->chunk < tr->chunks) {
            uint64_t before = tr->epoch_tokens;
            train_chunk(tr, tr->chunk);
            tr->chunk++;
            tokens_total += tr->epoch_tokens - before;
            double t = rlm_now_s();
            if (!isfinite(tr->epoch_loss))
                return rlm_fail(err, RLM_E_ARG,
                                "training diverged in epoch %d (loss is not finite); lower the "
                                "learning rate or the gradient clip",
                                tr->epoch);
            if (t - last_report >= tr->opt.progress_interval_s) {
                last_report = t;
                if (report(tr, epoch_t0, 0, 0, valid_ppl)) return stop_early(tr, res, err);
            }
            if (tr->opt.checkpoint_path && tr->opt.checkpoint_minutes > 0 &&
                t - last_ckpt >= tr->opt.checkpoint_minutes * 60) {
                if ((st = save_checkpoint(tr, err)) != RLM_OK) return st;
                last_ckpt = t;
            }
        }
        if (report(tr, epoch_t0, 0, 0, valid_ppl)) return stop_early(tr, res, err);
        int improved = 0;
        if ((st = end_epoch(tr, &valid_ppl, &improved, err)) != RLM_OK) return st;
        res->epochs = tr->epoch;
        int stop = report(tr, epoch_t0, 1, improved, valid_ppl);
        next_epoch(tr);
        if (stop) return stop_early(tr, res, err);
        const double t = rlm_now_s();
        if (tr->opt.max_seconds > 0 && (t - start) + (t - epoch_t0) > tr->opt.max_seconds)
            tr->done = 1;
        if (tr->opt.checkpoint_path && (st = save_checkpoint(tr, err)) != RLM_OK) return st;
        last_ckpt = epoch_t0 = t;
    }
    memcpy(tr->m->params, tr->best, tr->m->n_params * sizeof(float));
    res->best_valid_ppl = pow(10.0, tr->best_entropy);
    res->seconds = rlm_now_s() - start;
    res->words_per_s = res->seconds > 0 ? tokens_total / res->seconds : 0;
    return RLM_OK;
}

/* The shares run BLAS single-threaded (see struct worker); the caller's setting is restored. */
static rlm_status run_training(trainer *tr, rlm_train_result *res, rlm_error *err) {
    rlm_train_result local;
    const int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    rlm_status s = train_loop(tr, res ? res : &local, err);
    openblas_set_num_threads(blas_threads);
    return s;
}

rlm_status rlm_train(rlm_model *m, const rlm_corpus *train, const rlm_corpus *valid,
                     const rlm_train_options *opt, rlm_train_result *result, rlm_error *err) {
    trainer tr;
    rlm_status s = trainer_init(&tr, m, train, valid, opt, err);
    if (s == RLM_OK) s = run_training(&tr, result, err);
    trainer_free(&tr);
    return s;
}

rlm_status rlm_train_resume(const char *checkpoint_path, const rlm_corpus *train,
                            const rlm_corpus *valid, const rlm_train_options *opt,
                            rlm_model **out, rlm_train_result *result, rlm_error *err) {
    *out = NULL;
    rlm_model *m = NULL;
    void *blob = NULL;
    size_t blob_size = 0;
    rlm_status s = rlm_checkpoint_load(checkpoint_path, &m, &blob, &blob_size, err);
    if (s != RLM_OK) return s;
    rlm_bytes_in in = {blob, blob_size, 0, 0};
    rlm_train_options o = *opt;
    if (!blob || rlm_get_u32(&in) != STATE_VERSION) {
        free(blob);
        rlm_model_free(m);
        return rlm_fail(err, RLM_E_FORMAT, "%s: training state: missing or of another version",
                        checkpoint_path);
    }
    get_options(&in, &o);
    trainer tr;
    s = trainer_init(&tr, m, train, valid, &o, err);
    if (s == RLM_OK && !get_progress(&in, &tr))
        s = rlm_fail(err, RLM_E_FORMAT,
                     "%s: training state: does not match this model and training text",
                     checkpoint_path);
    free(blob);
    if (s == RLM_OK) s = run_training(&tr, result, err);
    trainer_free(&tr);
    if (s != RLM_OK) {
        rlm_model_free(m);
        return s;
    }
    *out = m;
    return RLM_OK;
}
