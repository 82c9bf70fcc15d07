/* The trainer's insides, shared by train.c (the loop and schedule), train_step.c (one chunk,
 * data-parallel) and train_checkpoint.c (saving and resuming). Not installed. */
#ifndef RLM_TRAINER_H
#define RLM_TRAINER_H

#include "net.h"
#include "rlm_train.h"

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

rlm_status trainer_init(trainer *tr, rlm_model *m, const rlm_corpus *train,
                        const rlm_corpus *valid, const rlm_train_options *opt, rlm_error *err);
void trainer_free(trainer *tr);
/* One optimiser step on chunk k of the epoch (every share forward and backward, gradients
 * summed, clipped, applied). */
void train_chunk(trainer *tr, int k);
/* Zero the hidden state of every stream (a new epoch). */
void trainer_reset_streams(trainer *tr);

/* The model file plus the training state at opt.checkpoint_path, written atomically. */
rlm_status trainer_save_checkpoint(const trainer *tr, rlm_error *err);
/* Loads a checkpoint into a new model and a trainer set up with the options stored in it (paths,
 * callback and time budget from opt), positioned exactly where it stopped. On failure *m is NULL
 * and tr needs no freeing. */
rlm_status trainer_load_checkpoint(const char *path, const rlm_corpus *train,
                                   const rlm_corpus *valid, const rlm_train_options *opt,
                                   rlm_model **m, trainer *tr, rlm_error *err);

#endif
