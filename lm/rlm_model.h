/* Recurrent-network language models: configuration, creation, model files and scoring.
 *
 * Log base: every probability this header returns is a log10, as in ARPA files and KenLM
 * (training reports entropy internally in nats; the conversion happens here, at the interface).
 *
 * A model is immutable after loading or training and may be shared by threads; the per-call
 * state lives in caller-owned rlm_state objects. */
#ifndef RLM_MODEL_H
#define RLM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"
#include "rlm_vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_MAX_LAYERS 8

typedef enum rlm_cell_type {
    RLM_CELL_RNN_TANH = 0, /* Elman: h = tanh(W x + U h' + b) */
    RLM_CELL_RNN_RELU = 1, /* Elman with ReLU */
    RLM_CELL_LSTM = 2,     /* gates i, f, g, o; forget bias initialised to 1 */
    RLM_CELL_GRU = 3       /* gates r, z, n; n = tanh(Wn x + bn + r * (Un h')) as in cuDNN */
} rlm_cell_type;

typedef enum rlm_output_type {
    RLM_OUTPUT_FULL = 0,  /* softmax over the whole vocabulary */
    RLM_OUTPUT_CLASS = 1  /* P(w|h) = P(class(w)|h) P(w|class(w),h), Mikolov's frequency classes */
} rlm_output_type;

typedef struct rlm_model_config {
    rlm_cell_type cell;
    rlm_output_type output;
    int32_t layers;      /* 1..RLM_MAX_LAYERS stacked cells */
    int32_t embed_size;  /* input embedding width */
    int32_t hidden_size; /* width of every recurrent layer */
    int32_t tied;        /* share the input embedding with the output word matrix (needs
                            embed_size == hidden_size) */
    float dropout;       /* training-time dropout on the non-recurrent connections (Zaremba) */
    int32_t independent_sentences; /* reset the hidden state at every sentence start (rnnlm's
                                      -independent); otherwise the state carries across sentences */
} rlm_model_config;

typedef struct rlm_model rlm_model;

/* LSTM, 1 layer, 200 embedding and hidden, class output, untied, no dropout, state carried. */
RLM_API rlm_model_config rlm_model_default_config(void);
RLM_API const char *rlm_cell_type_name(rlm_cell_type cell);
/* Parses "rnn" (= "rnn-tanh"), "rnn-relu", "lstm", "gru"; returns -1 for anything else. */
RLM_API int rlm_cell_type_parse(const char *name);

/* A new model with parameters drawn from a seeded uniform distribution. The model takes ownership
 * of vocab (also on failure). */
RLM_API rlm_status rlm_model_new(const rlm_model_config *cfg, rlm_vocab *vocab, uint64_t seed,
                                 rlm_model **out, rlm_error *err);
RLM_API void rlm_model_free(rlm_model *m);

RLM_API const rlm_model_config *rlm_model_config_of(const rlm_model *m);
RLM_API const rlm_vocab *rlm_model_vocab(const rlm_model *m);
RLM_API size_t rlm_model_num_params(const rlm_model *m);

/* Model files: versioned, little-endian, with config, vocabulary, parameters and a CRC-32.
 * Saving is atomic (temporary file, fsync, rename). Loading a truncated, corrupted or foreign
 * file is an RLM_E_FORMAT error naming the file and the field. */
RLM_API rlm_status rlm_model_save(const rlm_model *m, const char *path, rlm_error *err);
RLM_API rlm_status rlm_model_load(const char *path, rlm_model **out, rlm_error *err);

/* ---- Incremental scoring: state' = step(state, word), log10 P(word | state) ---- */

typedef struct rlm_state rlm_state;

RLM_API rlm_state *rlm_state_new(const rlm_model *m);
RLM_API void rlm_state_free(rlm_state *s);
RLM_API void rlm_state_copy(rlm_state *dst, const rlm_state *src);

/* The state before the first word of a sentence: the hidden state after reading the sentence
 * boundary `</s>` (= `<s>`) from a zero hidden state. */
RLM_API void rlm_model_begin(const rlm_model *m, rlm_state *s);
/* Read `word` and write the successor state to out (out may equal in). */
RLM_API void rlm_model_step(const rlm_model *m, const rlm_state *in, int32_t word, rlm_state *out);
/* log10 P(word | state). */
RLM_API float rlm_model_log10prob(const rlm_model *m, const rlm_state *s, int32_t word);
/* log10 P(w | state) for every id w (out has rlm_vocab_size entries; `</s>` included). */
RLM_API void rlm_model_log10dist(const rlm_model *m, const rlm_state *s, float *out);

/* ---- Batched scoring: many streams (beams, hypotheses) in one call, one sgemm per layer ---- */

/* out[i] = step(in[i], words[i]) for i < n; in[i] and out[i] may be the same state, but no out
 * state may appear twice. */
RLM_API void rlm_model_step_batch(const rlm_model *m, const rlm_state *const *in,
                                  const int32_t *words, int n, rlm_state *const *out);
/* out[i] = log10 P(words[i] | states[i]) for i < n. */
RLM_API void rlm_model_log10prob_batch(const rlm_model *m, const rlm_state *const *states,
                                       const int32_t *words, int n, float *out);

/* Total log10 probability of a sentence of n ids, `</s>` included, starting from begin. If
 * per_word is not NULL it receives n + 1 values (the last for `</s>`). */
RLM_API double rlm_model_score_sentence(const rlm_model *m, const int32_t *ids, size_t n,
                                        float *per_word);

/* ---- Choosing words from a distribution (generation, completion) ---- */

/* The k highest scores, best first: their ids go to ids (k <= n entries). */
RLM_API void rlm_top_k(const float *scores, int32_t n, int32_t k, int32_t *ids);
/* Draws an id from a log10 distribution (rlm_model_log10dist) sharpened or flattened by
 * temperature (> 0; 1 = as is), restricted to the top_k most probable ids (0 = all). u is a
 * uniform number in [0, 1) from the caller's generator, so sampling is reproducible. */
RLM_API int32_t rlm_sample_log10dist(const float *log10p, int32_t n, float temperature,
                                     int32_t top_k, double u);

#ifdef __cplusplus
}
#endif

#endif
