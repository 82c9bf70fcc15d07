/* The n-gram model object: options, opening by file type, accessors, freeing. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ngram_binary.h"
#include "ngram_internal.h"

void rlm_ngram_options_init(rlm_ngram_options *opts) {
    opts->unk_log10prob = -100.0f;
    opts->verify_checksum = 1;
}

static const rlm_ngram_options *resolve(const rlm_ngram_options *opts, rlm_ngram_options *def) {
    if (opts) return opts;
    rlm_ngram_options_init(def);
    return def;
}

rlm_ngram *ngram_model_new(void) { return calloc(1, sizeof(rlm_ngram)); }

void rlm_ngram_close(rlm_ngram *m) {
    if (!m) return;
    if (m->image) {
        if (m->image_is_mmap) munmap(m->image, m->image_size);
    } else {
        free(m->unigrams);
        free(m->word_offsets);
        free(m->strings);
        free(m->word_slots);
        for (int n = 2; n <= RLM_NGRAM_MAX_ORDER; n++) free(m->tables[n].slots);
    }
    free(m);
}

static rlm_status open_binary_file(int fd, const char *path, const rlm_ngram_options *opts,
                                   rlm_ngram **out, rlm_error *err) {
    struct stat st;
    if (fstat(fd, &st) != 0)
        return rlm_fail(err, RLM_E_IO, "%s: cannot stat: %s", path, strerror(errno));
    size_t size = (size_t)st.st_size;
    if (size < NGRAM_BINARY_HEADER_BYTES)
        return rlm_fail(err, RLM_E_FORMAT, "%s: truncated rlm n-gram binary (%zu bytes, the header "
                        "alone is %d)", path, size, NGRAM_BINARY_HEADER_BYTES);
    /* MAP_POPULATE reads the pages in one go, which is faster than faulting them in later. */
    void *image = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (image == MAP_FAILED)
        return rlm_fail(err, RLM_E_IO, "%s: mmap failed: %s", path, strerror(errno));
    rlm_status s = ngram_open_binary_image(image, size, 1, path, opts, out, err);
    if (s) munmap(image, size);
    return s;
}

static rlm_status read_and_close(ngram_lines *lines, const rlm_ngram_options *opts,
                                 rlm_ngram **out, rlm_error *err) {
    rlm_status s = ngram_read_arpa(lines, opts, out, err);
    ngram_lines_close(lines);
    return s;
}

rlm_status rlm_ngram_open(const char *path, const rlm_ngram_options *opts, rlm_ngram **out,
                          rlm_error *err) {
    rlm_ngram_options def;
    opts = resolve(opts, &def);
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    char magic[NGRAM_BINARY_MAGIC_BYTES];
    ssize_t got = pread(fd, magic, sizeof magic, 0);
    rlm_status s;
    if (got == (ssize_t)sizeof magic && !memcmp(magic, NGRAM_BINARY_MAGIC, sizeof magic)) {
        s = open_binary_file(fd, path, opts, out, err);
        close(fd);
        return s;
    }
    close(fd);
    ngram_lines *lines;
    if ((s = ngram_lines_open_file(&lines, path, err))) return s;
    return read_and_close(lines, opts, out, err);
}

rlm_status rlm_ngram_read_arpa_memory(const void *data, size_t size, const char *name,
                                      const rlm_ngram_options *opts, rlm_ngram **out,
                                      rlm_error *err) {
    rlm_ngram_options def;
    opts = resolve(opts, &def);
    *out = NULL;
    ngram_lines *lines;
    rlm_status s = ngram_lines_open_memory(&lines, data, size, name, err);
    if (s) return s;
    return read_and_close(lines, opts, out, err);
}

rlm_status rlm_ngram_open_binary_memory(const void *data, size_t size, const char *name,
                                        const rlm_ngram_options *opts, rlm_ngram **out,
                                        rlm_error *err) {
    rlm_ngram_options def;
    *out = NULL;
    return ngram_open_binary_image((void *)data, size, 0, name ? name : "(memory)",
                                   resolve(opts, &def), out, err);
}

int rlm_ngram_order(const rlm_ngram *m) { return m->order; }

uint64_t rlm_ngram_count(const rlm_ngram *m, int n) {
    return n >= 1 && n <= m->order ? m->counts[n] : 0;
}

uint32_t rlm_ngram_vocab_size(const rlm_ngram *m) { return m->vocab_size; }

int rlm_ngram_has_unk(const rlm_ngram *m) { return m->has_unk; }

const char *rlm_ngram_word_string(const rlm_ngram *m, rlm_ngram_word id) {
    return id < m->vocab_size ? m->strings + m->word_offsets[id] : NULL;
}

rlm_ngram_word rlm_ngram_bos(const rlm_ngram *m) { return m->bos; }

rlm_ngram_word rlm_ngram_eos(const rlm_ngram *m) { return m->eos; }
