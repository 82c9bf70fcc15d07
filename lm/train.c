/* The training loop: epochs of chunks (train_step.c), validation and Mikolov's learning-rate
 * schedule, best-model keeping, checkpoints (train_checkpoint.c) and the progress callback. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "clock.h"
#include "trainer.h"

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
    trainer_reset_streams(tr);
}

static rlm_status stop_early(trainer *tr, rlm_train_result *res, rlm_error *err) {
    res->stopped = 1;
    return tr->opt.checkpoint_path ? trainer_save_checkpoint(tr, err) : RLM_OK;
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
                if ((st = trainer_save_checkpoint(tr, err)) != RLM_OK) return st;
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
        if (tr->opt.checkpoint_path && (st = trainer_save_checkpoint(tr, err)) != RLM_OK)
            return st;
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
    rlm_model *m;
    trainer tr;
    rlm_status s = trainer_load_checkpoint(checkpoint_path, train, valid, opt, &m, &tr, err);
    if (s != RLM_OK) return s;
    s = run_training(&tr, result, err);
    trainer_free(&tr);
    if (s != RLM_OK) {
        rlm_model_free(m);
        return s;
    }
    *out = m;
    return RLM_OK;
}
