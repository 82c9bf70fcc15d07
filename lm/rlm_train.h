/* Training: truncated back-propagation through time over B parallel streams x T steps.
 *
 * The training text is one long stream (sentences joined by `</s>`) cut into B contiguous parts
 * that are read side by side, T steps at a time, so every product is a matrix product. The
 * hidden state carries from chunk to chunk; it restarts at sentence starts only for models with
 * independent_sentences. After every epoch the validation text is scored; the best model so far
 * is kept (and written to best_path), and the learning rate follows Mikolov's schedule: once an
 * epoch improves validation entropy by less than the factor min_improvement, the rate is halved
 * every epoch, and training stops the next time that happens (or after max_epochs).
 *
 * The library never prints: progress reaches the caller through a callback. */
#ifndef RLM_TRAIN_H
#define RLM_TRAIN_H

#include <stdint.h>

#include "rlm_eval.h"
#include "rlm_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rlm_optimizer { RLM_OPT_SGD = 0, RLM_OPT_ADAM = 1 } rlm_optimizer;

typedef struct rlm_train_progress {
    int epoch;            /* 1-based */
    int max_epochs;
    int epoch_done;       /* 1 in the call made after validation, 0 during the epoch */
    double fraction;      /* of this epoch's chunks done */
    double words_per_s;   /* training tokens per second in this epoch */
    double eta_s;         /* estimated seconds left in this epoch */
    double train_ppl;     /* on the tokens seen in this epoch, <unk> included */
    double valid_ppl;     /* after validation (epoch_done), <unk> included; else the last one */
    double best_valid_ppl;
    double learning_rate;
    double seconds;       /* wall time of this epoch so far */
    int improved;         /* epoch_done: this epoch's model is the new best */
} rlm_train_progress;

/* Return 0 to go on; anything else stops training at once, after writing a checkpoint when
 * checkpoint_path is set (rlm_train_resume then continues from exactly there). */
typedef int (*rlm_train_callback)(const rlm_train_progress *p, void *user);

typedef struct rlm_train_options {
    int32_t batch;            /* B parallel streams (default 32) */
    int32_t bptt;             /* T steps per chunk (default 20) */
    rlm_optimizer optimizer;  /* default SGD */
    float learning_rate;      /* default 20: SGD on the mean loss of a chunk with clipped
                                 gradients suits LSTM and GRU; Elman cells want about 5, and Adam
                                 about 0.002 */
    float min_improvement;    /* default 1.003, as rnnlm */
    int32_t max_epochs;       /* default 20 */
    double max_seconds;       /* time budget: no epoch starts that would, at the pace of the last
                                 one, end after it (0 = none) */
    float clip;               /* global gradient-norm limit, 0 = none (default 0.25) */
    float weight_decay;       /* L2 added to the gradient (default 0) */
    uint64_t seed;            /* dropout masks (default 1) */
    int32_t threads;          /* the batch is split into this many data-parallel shares, one
                                 thread each (0 = one per processor; results depend on it) */
    const char *best_path;    /* write the best model here after each improving epoch, or NULL */
    const char *checkpoint_path; /* checkpoint each epoch (and every checkpoint_minutes) here */
    double checkpoint_minutes;   /* 0 = only at epoch ends */
    rlm_train_callback progress;
    void *progress_user;
    double progress_interval_s;  /* seconds between progress calls during an epoch (default 1) */
} rlm_train_options;

RLM_API rlm_train_options rlm_train_default_options(void);

typedef struct rlm_train_result {
    int epochs;
    double best_valid_ppl;  /* <unk> included */
    double seconds;
    double words_per_s;     /* training tokens per second, over all epochs */
    int stopped;            /* the progress callback asked to stop; the model holds the current
                               (not the best) parameters */
} rlm_train_result;

/* Trains m in place; at return m holds the best parameters seen on valid (unless stopped). */
RLM_API rlm_status rlm_train(rlm_model *m, const rlm_corpus *train, const rlm_corpus *valid,
                             const rlm_train_options *opt, rlm_train_result *result,
                             rlm_error *err);

/* Continues the training saved in a checkpoint exactly where it stopped (same stream positions,
 * hidden states, optimiser moments, schedule and random state), with the options stored in it;
 * only the paths and the progress callback are taken from opt. The model is returned in *out. */
RLM_API rlm_status rlm_train_resume(const char *checkpoint_path, const rlm_corpus *train,
                                    const rlm_corpus *valid, const rlm_train_options *opt,
                                    rlm_model **out, rlm_train_result *result, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
