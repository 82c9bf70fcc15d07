/* Checkpoints: the model file (lm/model_file.h) plus the trainer's state: options, schedule,
 * stream positions and hidden states, random state, best parameters and optimiser moments, and a
 * fingerprint of the training text, so that resuming continues exactly where training stopped. */
#include <stdlib.h>

#include "bytes.h"
#include "model_file.h"
#include "trainer.h"

#define STATE_VERSION 1

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

rlm_status trainer_save_checkpoint(const trainer *tr, rlm_error *err) {
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

rlm_status trainer_load_checkpoint(const char *path, const rlm_corpus *train,
                                   const rlm_corpus *valid, const rlm_train_options *opt,
                                   rlm_model **m, trainer *tr, rlm_error *err) {
    void *blob = NULL;
    size_t blob_size = 0;
    rlm_status s = rlm_checkpoint_load(path, m, &blob, &blob_size, err);
    if (s != RLM_OK) return s;
    rlm_bytes_in in = {blob, blob_size, 0, 0};
    rlm_train_options o = *opt;
    if (!blob || rlm_get_u32(&in) != STATE_VERSION) {
        s = rlm_fail(err, RLM_E_FORMAT, "%s: training state: missing or of another version", path);
    } else {
        get_options(&in, &o);
        s = trainer_init(tr, *m, train, valid, &o, err);
        if (s == RLM_OK && !get_progress(&in, tr)) {
            s = rlm_fail(err, RLM_E_FORMAT,
                         "%s: training state: does not match this model and training text", path);
            trainer_free(tr);
        }
    }
    free(blob);
    if (s != RLM_OK) {
        rlm_model_free(*m);
        *m = NULL;
    }
    return s;
}
