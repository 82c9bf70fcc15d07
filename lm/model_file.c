/* Reading model files and checkpoints (layout in model_file.h). The whole file is mapped (or
 * read) and parsed with bounds checks; the layout and the CRC are verified before any size
 * taken from the file decides an allocation, so a corrupted size field cannot ask for gigabytes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "le_bytes.h"
#include "model_file.h"
#include "model_internal.h"

uint32_t rlm_crc32_update(uint32_t crc, const uint8_t *data, size_t size) {
    while (size > 0) {
        uInt n = size > (1u << 30) ? (1u << 30) : (uInt)size;
        crc = (uint32_t)crc32(crc, data, n);
        data += n;
        size -= n;
    }
    return crc;
}

/* Where each section lies, known from the header alone. */
typedef struct layout {
    uint32_t flags;
    uint64_t n_params, vocab_bytes, state_bytes;
    size_t vocab_off, params_off, state_off, crc_off;
} layout;

static rlm_status ends_early(rlm_error *err, const char *name, const char *section, size_t have,
                             uint64_t want) {
    return rlm_fail(err, RLM_E_FORMAT, "%s: %s: file ends after %zu of %" PRIu64 " bytes", name,
                    section, have, want);
}

static rlm_status check_header(const uint8_t *data, size_t size, const char *name,
                               rlm_error *err) {
    const size_t magic_len = sizeof RLM_MODEL_MAGIC - 1;
    if (size < magic_len || memcmp(data, RLM_MODEL_MAGIC, magic_len)) {
        if (size == 0) return rlm_fail(err, RLM_E_FORMAT, "%s: header: the file is empty", name);
        if (size < magic_len && !memcmp(data, RLM_MODEL_MAGIC, size))
            return ends_early(err, name, "header", size, RLM_MODEL_HEADER_SIZE);
        return rlm_fail(err, RLM_E_FORMAT, "%s: header: not an rlm model file (bad magic)", name);
    }
    /* The version decides the rest of the layout, so it is judged before anything else. */
    if (size >= 12) {
        uint32_t version = rlm_le_get_u32(data + 8);
        if (version > RLM_MODEL_VERSION)
            return rlm_fail(err, RLM_E_UNSUPPORTED,
                            "%s: version: %u is newer than this build of rlm reads (%u)", name,
                            version, RLM_MODEL_VERSION);
        if (version == 0)
            return rlm_fail(err, RLM_E_FORMAT, "%s: version: 0 is not a valid version", name);
    }
    if (size >= 16) {
        uint32_t flags = rlm_le_get_u32(data + 12);
        if (flags & ~RLM_MODEL_FLAG_STATE)
            return rlm_fail(err, RLM_E_FORMAT, "%s: flags: unknown bits 0x%x", name,
                            flags & ~RLM_MODEL_FLAG_STATE);
    }
    if (size < RLM_MODEL_HEADER_SIZE)
        return ends_early(err, name, "header", size, RLM_MODEL_HEADER_SIZE);
    return RLM_OK;
}

/* Walk the sections by the sizes in the header: the file must hold exactly these bytes. */
static rlm_status find_sections(const uint8_t *data, size_t size, const char *name, layout *l,
                                rlm_error *err) {
    l->flags = rlm_le_get_u32(data + 12);
    l->n_params = rlm_le_get_u64(data + 56);
    l->vocab_bytes = rlm_le_get_u64(data + 64);
    l->state_bytes = 0;
    size_t pos = RLM_MODEL_HEADER_SIZE;
    l->vocab_off = pos;
    if (l->vocab_bytes > size - pos)
        return ends_early(err, name, "vocabulary", size - pos, l->vocab_bytes);
    pos += (size_t)l->vocab_bytes;
    l->params_off = pos;
    if (l->n_params > (size - pos) / 4) {
        if (l->n_params > UINT64_MAX / 4)
            return rlm_fail(err, RLM_E_FORMAT, "%s: n_params: %" PRIu64 " is impossibly large",
                            name, l->n_params);
        return ends_early(err, name, "parameters", size - pos, l->n_params * 4);
    }
    pos += (size_t)l->n_params * 4;
    l->state_off = pos;
    if (l->flags & RLM_MODEL_FLAG_STATE) {
        if (size - pos < 8) return ends_early(err, name, "training state size", size - pos, 8);
        l->state_bytes = rlm_le_get_u64(data + pos);
        pos += 8;
        l->state_off = pos;
        if (l->state_bytes > size - pos)
            return ends_early(err, name, "training state", size - pos, l->state_bytes);
        pos += (size_t)l->state_bytes;
    }
    l->crc_off = pos;
    if (size - pos < 4) return ends_early(err, name, "checksum", size - pos, 4);
    if (size - pos > 4)
        return rlm_fail(err, RLM_E_FORMAT, "%s: checksum: %zu unexpected bytes after the end of "
                        "the model", name, size - pos - 4);
    uint32_t stored = rlm_le_get_u32(data + pos), computed = rlm_crc32_update(0, data, pos);
    if (stored != computed)
        return rlm_fail(err, RLM_E_FORMAT, "%s: checksum: stored 0x%08x computed 0x%08x (file "
                        "corrupted)", name, stored, computed);
    return RLM_OK;
}

/* The config fields as the file has them; range checks that need no vocabulary are done here so
 * that out-of-range values never reach an enum or a signed int. */
static rlm_status read_config(const uint8_t *h, const char *name, rlm_model_config *cfg,
                              rlm_error *err) {
    uint32_t cell = rlm_le_get_u32(h + 16), output = rlm_le_get_u32(h + 20);
    uint32_t sizes[3] = {rlm_le_get_u32(h + 24), rlm_le_get_u32(h + 28), rlm_le_get_u32(h + 32)};
    static const char *const size_names[3] = {"layers", "embed_size", "hidden_size"};
    uint32_t tied = rlm_le_get_u32(h + 36), indep = rlm_le_get_u32(h + 44);
    if (cell > RLM_CELL_GRU)
        return rlm_fail(err, RLM_E_FORMAT, "%s: config.cell: %u is not a known cell type (0..%d)",
                        name, cell, RLM_CELL_GRU);
    if (output > RLM_OUTPUT_CLASS)
        return rlm_fail(err, RLM_E_FORMAT, "%s: config.output: %u is not a known output layer "
                        "(0..%d)", name, output, RLM_OUTPUT_CLASS);
    for (int i = 0; i < 3; i++)
        if (sizes[i] > INT32_MAX)
            return rlm_fail(err, RLM_E_FORMAT, "%s: config.%s: %u is out of range", name,
                            size_names[i], sizes[i]);
    if (tied > 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s: config.tied: %u is not 0 or 1", name, tied);
    if (indep > 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s: config.independent_sentences: %u is not 0 or 1",
                        name, indep);
    memset(cfg, 0, sizeof *cfg);
    cfg->cell = (rlm_cell_type)cell;
    cfg->output = (rlm_output_type)output;
    cfg->layers = (int32_t)sizes[0];
    cfg->embed_size = (int32_t)sizes[1];
    cfg->hidden_size = (int32_t)sizes[2];
    cfg->tied = (int32_t)tied;
    cfg->dropout = rlm_le_get_f32(h + 40);
    cfg->independent_sentences = (int32_t)indep;
    return RLM_OK;
}

/* The vocabulary, then everything the header claims about sizes checked against it. */
static rlm_status read_vocab(const uint8_t *data, const layout *l, const char *name,
                             const rlm_model_config *cfg, rlm_vocab **out, rlm_error *err) {
    char what[512];
    snprintf(what, sizeof what, "%s: vocabulary", name);
    rlm_vocab *v;
    rlm_status s =
        rlm_vocab_deserialize(data + l->vocab_off, (size_t)l->vocab_bytes, what, &v, err);
    if (s) return s;
    uint32_t V = rlm_le_get_u32(data + 48), C = rlm_le_get_u32(data + 52);
    rlm_error inner;
    if (rlm_config_validate(cfg, v, &inner)) {
        s = rlm_fail(err, RLM_E_FORMAT, "%s: config.%s", name, inner.message);
    } else if (V != (uint32_t)rlm_vocab_size(v)) {
        s = rlm_fail(err, RLM_E_FORMAT, "%s: vocab_size: the header says %u, the vocabulary has "
                     "%d entries", name, V, rlm_vocab_size(v));
    } else {
        int32_t want = cfg->output == RLM_OUTPUT_CLASS ? rlm_vocab_num_classes(v) : 0;
        if (C != (uint32_t)want)
            s = rlm_fail(err, RLM_E_FORMAT, "%s: num_classes: the header says %u, expected %d (%s)",
                         name, C, want, cfg->output == RLM_OUTPUT_CLASS
                                            ? "the vocabulary's class count"
                                            : "0 for a full softmax");
    }
    if (!s) {
        size_t need = rlm_param_count(cfg, (int32_t)V, (int32_t)C);
        if (l->n_params != (uint64_t)need)
            s = rlm_fail(err, RLM_E_FORMAT, "%s: n_params: the header says %" PRIu64 ", the "
                         "configuration needs %zu", name, l->n_params, need);
    }
    if (s) {
        rlm_vocab_free(v);
        return s;
    }
    *out = v;
    return RLM_OK;
}

rlm_status rlm_checkpoint_load_buffer(const uint8_t *data, size_t size, const char *name,
                                      rlm_model **out, void **state, size_t *state_size,
                                      rlm_error *err) {
    *out = NULL;
    if (state) {
        *state = NULL;
        *state_size = 0;
    }
    if (!name) name = "model";
    layout l;
    rlm_status s = check_header(data, size, name, err);
    if (!s) s = find_sections(data, size, name, &l, err);
    rlm_model_config cfg;
    if (!s) s = read_config(data, name, &cfg, err);
    rlm_vocab *v = NULL;
    if (!s) s = read_vocab(data, &l, name, &cfg, &v, err);
    if (s) return s;
    rlm_model *m;
    /* n_params was checked against both the config and the bytes present, so this allocation
     * is no larger than the file. */
    if ((s = rlm_model_alloc(&cfg, v, &m, err))) return s;
    const uint8_t *p = data + l.params_off;
    for (size_t i = 0; i < m->n_params; i++, p += 4) {
        m->params[i] = rlm_le_get_f32(p);
        if (!isfinite(m->params[i])) {
            s = rlm_fail(err, RLM_E_FORMAT, "%s: parameters: value %zu is not finite (%g)", name, i,
                         (double)m->params[i]);
            rlm_model_free(m);
            return s;
        }
    }
    if (state && (l.flags & RLM_MODEL_FLAG_STATE) && l.state_bytes > 0) {
        if (!(*state = malloc((size_t)l.state_bytes))) {
            rlm_model_free(m);
            return rlm_fail(err, RLM_E_NOMEM, "%s: training state: out of memory (%" PRIu64
                            " bytes)", name, l.state_bytes);
        }
        memcpy(*state, data + l.state_off, (size_t)l.state_bytes);
        *state_size = (size_t)l.state_bytes;
    }
    *out = m;
    return RLM_OK;
}

rlm_status rlm_model_load_buffer(const uint8_t *data, size_t size, const char *name,
                                 rlm_model **out, rlm_error *err) {
    return rlm_checkpoint_load_buffer(data, size, name, out, NULL, NULL, err);
}

/* A pipe or other non-regular file cannot be mapped; read it to its end instead. */
static rlm_status read_stream(int fd, const char *path, uint8_t **out, size_t *size,
                              rlm_error *err) {
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            return rlm_fail(err, RLM_E_IO, "%s: read failed: %s", path, strerror(e));
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len == cap) {
            uint8_t *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    *out = buf;
    *size = len;
    return RLM_OK;
}

rlm_status rlm_checkpoint_load(const char *path, rlm_model **out, void **state,
                               size_t *state_size, rlm_error *err) {
    *out = NULL;
    if (state) {
        *state = NULL;
        *state_size = 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return rlm_fail(err, RLM_E_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    rlm_status s;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        /* Mapping keeps the peak memory at one copy of the parameters, not two. */
        size_t size = (size_t)st.st_size;
        void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        int e = errno;
        close(fd);
        if (map == MAP_FAILED)
            return rlm_fail(err, RLM_E_IO, "%s: cannot map: %s", path, strerror(e));
        s = rlm_checkpoint_load_buffer(map, size, path, out, state, state_size, err);
        munmap(map, size);
    } else {
        uint8_t *buf = NULL;
        size_t size = 0;
        s = read_stream(fd, path, &buf, &size, err);
        close(fd);
        if (s) return s;
        s = rlm_checkpoint_load_buffer(buf, size, path, out, state, state_size, err);
        free(buf);
    }
    return s;
}

rlm_status rlm_model_load(const char *path, rlm_model **out, rlm_error *err) {
    return rlm_checkpoint_load(path, out, NULL, NULL, err);
}
