/* The model file format, and the internal entry points beside rlm_model_save/rlm_model_load
 * (not installed).
 *
 * Layout, every integer little-endian whatever the host:
 *   "RLMMODEL"                     8-byte magic
 *   u32 version (1)                a newer version is RLM_E_UNSUPPORTED, not a format error
 *   u32 flags                      bit 0: a training-state section follows the parameters
 *   config: u32 cell, u32 output, u32 layers, u32 embed_size, u32 hidden_size, u32 tied,
 *           f32 dropout, u32 independent_sentences
 *   u32 vocab_size, u32 num_classes (0 for full softmax)   checked against the vocabulary
 *   u64 n_params                   checked against rlm_param_count
 *   u64 vocabulary size, the rlm_vocab_serialize blob
 *   n_params f32                   the one parameter array, in the model_internal.h layout
 *   [u64 state size, the state]    only with flags bit 0: opaque to this file (the trainer's)
 *   u32 CRC-32 (zlib) of every byte before it
 *
 * Every section's size is known from the header, so a loader checks that the file has exactly
 * the bytes the header promises and that the CRC matches before it allocates anything by a size
 * read from the file. */
#ifndef RLM_MODEL_FILE_H
#define RLM_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_model.h"

#define RLM_MODEL_MAGIC "RLMMODEL"
#define RLM_MODEL_VERSION 1u
#define RLM_MODEL_FLAG_STATE 1u
/* magic, version, flags, 8 config fields, vocab_size, num_classes, n_params, vocabulary size */
#define RLM_MODEL_HEADER_SIZE 72u

/* A model plus the trainer's state (optimiser moments, schedule, RNG, position), written
 * atomically so `rlm train --resume` always finds a complete checkpoint. state may be NULL only
 * when state_size is 0; a NULL state writes no training-state section. */
rlm_status rlm_checkpoint_save(const rlm_model *m, const void *state, size_t state_size,
                               const char *path, rlm_error *err);
/* *state is malloc'd (the caller frees it), or NULL with *state_size 0 when the file has none. */
rlm_status rlm_checkpoint_load(const char *path, rlm_model **out, void **state,
                               size_t *state_size, rlm_error *err);

/* The loaders on a file already in memory; `name` stands for the file name in messages. state
 * may be NULL to ignore a training-state section (then state_size is ignored too). */
rlm_status rlm_checkpoint_load_buffer(const uint8_t *data, size_t size, const char *name,
                                      rlm_model **out, void **state, size_t *state_size,
                                      rlm_error *err);
rlm_status rlm_model_load_buffer(const uint8_t *data, size_t size, const char *name,
                                 rlm_model **out, rlm_error *err);

/* zlib's crc32 over a length that may exceed its 32-bit uInt. */
uint32_t rlm_crc32_update(uint32_t crc, const uint8_t *data, size_t size);

#endif
