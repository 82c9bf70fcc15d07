/* Writing model files and checkpoints (layout in model_file.h), atomically. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "le_bytes.h"
#include "model_file.h"
#include "model_internal.h"

/* Every byte goes through here so the CRC covers exactly what reached the file. */
typedef struct writer {
    FILE *f;
    uint32_t crc;
    int failed; /* errno of the first failed fwrite, 0 while all is well */
} writer;

static void put(writer *w, const void *data, size_t n) {
    if (w->failed || n == 0) return;
    w->crc = rlm_crc32_update(w->crc, data, n);
    if (fwrite(data, 1, n, w->f) != n) w->failed = errno ? errno : EIO;
}

static void put_header(writer *w, const rlm_model *m, uint32_t flags, uint64_t vocab_bytes) {
    const rlm_model_config *c = &m->cfg;
    uint8_t h[RLM_MODEL_HEADER_SIZE], *p = h;
    memcpy(p, RLM_MODEL_MAGIC, 8);
    p = rlm_le_put_u32(p + 8, RLM_MODEL_VERSION);
    p = rlm_le_put_u32(p, flags);
    p = rlm_le_put_u32(p, (uint32_t)c->cell);
    p = rlm_le_put_u32(p, (uint32_t)c->output);
    p = rlm_le_put_u32(p, (uint32_t)c->layers);
    p = rlm_le_put_u32(p, (uint32_t)c->embed_size);
    p = rlm_le_put_u32(p, (uint32_t)c->hidden_size);
    p = rlm_le_put_u32(p, c->tied ? 1u : 0u); /* the loader accepts only 0 and 1 */
    p = rlm_le_put_f32(p, c->dropout);
    p = rlm_le_put_u32(p, c->independent_sentences ? 1u : 0u);
    p = rlm_le_put_u32(p, (uint32_t)m->V);
    p = rlm_le_put_u32(p, (uint32_t)m->C);
    p = rlm_le_put_u64(p, (uint64_t)m->n_params);
    p = rlm_le_put_u64(p, vocab_bytes);
    put(w, h, (size_t)(p - h));
}

/* Encoded in slices so a large model needs no second full-size buffer. */
static void put_params(writer *w, const float *x, size_t n) {
    enum { SLICE = 4096 };
    uint8_t buf[4 * SLICE];
    for (size_t i = 0; i < n && !w->failed; i += SLICE) {
        size_t k = n - i < SLICE ? n - i : SLICE;
        for (size_t j = 0; j < k; j++) rlm_le_put_f32(buf + 4 * j, x[i + j]);
        put(w, buf, 4 * k);
    }
}

rlm_status rlm_checkpoint_save(const rlm_model *m, const void *state, size_t state_size,
                               const char *path, rlm_error *err) {
    if (!m || !path) return rlm_fail(err, RLM_E_ARG, "model save: model and path are required");
    if (!state && state_size)
        return rlm_fail(err, RLM_E_ARG, "%s: training state: %zu bytes but no data", path,
                        state_size);
    uint8_t *blob;
    size_t blob_size;
    rlm_status s = rlm_vocab_serialize(m->vocab, &blob, &blob_size, err);
    if (s) return s;
    rlm_atomic_file af;
    if ((s = rlm_atomic_open(&af, path, err))) {
        free(blob);
        return s;
    }
    writer w = {af.f, 0, 0};
    put_header(&w, m, state ? RLM_MODEL_FLAG_STATE : 0u, blob_size);
    put(&w, blob, blob_size);
    free(blob);
    put_params(&w, m->params, m->n_params);
    if (state) {
        uint8_t n[8];
        rlm_le_put_u64(n, (uint64_t)state_size);
        put(&w, n, 8);
        put(&w, state, state_size);
    }
    uint8_t crc[4];
    rlm_le_put_u32(crc, w.crc);
    put(&w, crc, 4);
    if (w.failed) {
        rlm_atomic_abort(&af);
        return rlm_fail(err, RLM_E_IO, "%s: write failed: %s", path, strerror(w.failed));
    }
    return rlm_atomic_commit(&af, err);
}

rlm_status rlm_model_save(const rlm_model *m, const char *path, rlm_error *err) {
    return rlm_checkpoint_save(m, NULL, 0, path, err);
}
