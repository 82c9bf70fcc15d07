/* The network unrolled over B parallel streams x T time steps: the forward pass, the loss, and
 * back-propagation through time, for training and for fast batched evaluation.
 *
 * Rows are time-major (row t*B + b is stream b at step t), so the rows of one step are a
 * contiguous [B x .] block and every product is one sgemm. The hidden state of each stream
 * carries from one call to the next (truncated BPTT); gradients stop at the chunk boundary. */
#ifndef RLM_NET_H
#define RLM_NET_H

#include <stdint.h>

#include "model_internal.h"
#include "rng.h"

typedef struct rlm_layer_acts {
    float *X;     /* [N x in] layer input after dropout */
    float *G;     /* [N x gates*H] pre-activations, then activations (cell-specific) */
    float *Gh;    /* GRU only: [N x 3H] the recurrent products U h' */
    float *Hprev; /* [N x H] h' as the cell saw it (zeroed at resets) */
    float *Cprev; /* LSTM only: [N x H] c' as the cell saw it */
    float *H;     /* [N x H] output */
    float *C;     /* LSTM only: [N x H] cell */
    float *drop;  /* [N x in] dropout mask on X (scaled 1/(1-p)), when dropout is on */
} rlm_layer_acts;

typedef struct rlm_net {
    const rlm_model *m;
    int B, T, N;           /* N = B*T rows */
    int T_cap;             /* steps the workspace was sized for */
    int training;          /* activations for backward are kept */
    float dropout;         /* used in forward when training */
    rlm_layer_acts L[RLM_MAX_LAYERS];
    float *Htop;           /* [N x H] input to the output layer (after dropout) */
    float *drop_top;       /* [N x H] dropout mask before the output layer */
    float *state_h[RLM_MAX_LAYERS], *state_c[RLM_MAX_LAYERS]; /* [B x H] carried state */
    const int32_t *x, *y;  /* the last forward's inputs and targets [N] */
    const uint8_t *reset;  /* [N] 1 where the stream's state restarts, or NULL */
    /* output-layer workspace */
    float *probs;          /* full: [N x V]; class: [N x C] class probabilities */
    int32_t *order;        /* class: rows sorted by target class */
    int32_t *class_start;  /* class: [C+1] offsets into order */
    float *gathered;       /* class: [N x H] rows of Htop grouped by class */
    float *wprobs;         /* class: [N x max class size] in-class probabilities */
    float *dgathered;      /* class: [N x H] */
    int32_t max_class;
    /* backward workspace */
    float *dH, *dX, *dG, *dGh, *dh_next, *dc_next, *dc_prev, *dh_direct;
    float *block;          /* everything above lives in this one allocation */
} rlm_net;

rlm_status rlm_net_init(rlm_net *n, const rlm_model *m, int B, int T, int training,
                        rlm_error *err);
void rlm_net_free(rlm_net *n);
/* Use only the first T <= T_cap steps from now on (for a shorter last chunk). */
void rlm_net_set_steps(rlm_net *n, int T);
/* Zero the carried hidden state of every stream. */
void rlm_net_reset_state(rlm_net *n);

/* Forward over one chunk. x, y: [N] inputs and targets, time-major; reset: [N] or NULL.
 * Writes ln P(y) per row into logprob when it is not NULL and returns the summed -ln P.
 * With n->training and dropout > 0 it draws dropout masks from rng. */
double rlm_net_forward(rlm_net *n, const int32_t *x, const int32_t *y, const uint8_t *reset,
                       rlm_rng *rng, float *logprob);
/* Back-propagate scale * (the summed loss of the last forward) and add the gradients to g.
 * scale is 1/N for the mean over this chunk, or 1/(all rows) when several nets share a batch. */
void rlm_net_backward(rlm_net *n, const rlm_param_views *g, float scale);

/* Output layers (output_full.c, output_class.c): forward writes ln P(y) per row into lp and
 * returns the summed -ln P; backward adds the gradients of scale * loss to g and writes the
 * gradient with respect to Htop into dHtop. */
double output_full_forward(rlm_net *n, float *lp);
void output_full_backward(rlm_net *n, const rlm_param_views *g, float scale, float *dHtop);
double output_class_forward(rlm_net *n, float *lp);
void output_class_backward(rlm_net *n, const rlm_param_views *g, float scale, float *dHtop);

/* One recurrent layer over the chunk (recurrent_layer.c). */
void recurrent_layer_forward(rlm_net *n, int l);
/* dH: [N x H] gradient arriving at the layer output (modified); writes dX [N x in]. */
void recurrent_layer_backward(rlm_net *n, int l, const rlm_param_views *g, float *dH, float *dX);

#endif
