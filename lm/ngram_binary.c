/* Writing and validating rlm's binary n-gram file (layout in ngram_binary.h).
 *
 * Loading must never trust the file: every offset and size is checked against the file size, the
 * word list is checked entry by entry (it holds indices), and the hash tables need no check
 * because they hold only keys and weights and every probe loop is bounded by the capacity. */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "atomic_file.h"
#include "le_bytes.h"
#include "ngram_binary.h"
#include "ngram_internal.h"

_Static_assert(sizeof(ngram_entry) == 16, "ngram_entry is part of the binary format");
_Static_assert(sizeof(ngram_weights) == 8, "ngram_weights is part of the binary format");
_Static_assert(sizeof(ngram_word_slot) == 16, "ngram_word_slot is part of the binary format");

enum field {
    F_MAGIC, F_VERSION, F_HEADER_BYTES, F_BYTE_ORDER, F_ORDER, F_FLAGS, F_VOCAB_SIZE, F_BOS, F_EOS,
    F_STRINGS_LEN, F_WORD_CAPACITY, F_FILE_SIZE, F_CHECKSUM, F_ENTRY_BYTES,
    F_COUNTS = 14,           /* [n] for n = 0..7 */
    F_CAPACITY = 22,         /* [n] */
    F_USED = 30,             /* [n] */
    F_OFF_WORD_OFFSETS = 38, F_OFF_STRINGS, F_OFF_WORD_SLOTS, F_OFF_UNIGRAMS,
    F_OFF_TABLES = 42,       /* [n] */
    F_COUNT = 64
};
_Static_assert(F_OFF_TABLES + RLM_NGRAM_MAX_ORDER + 1 <= F_COUNT, "header fields overflow");
_Static_assert(F_COUNT * 8 == NGRAM_BINARY_HEADER_BYTES, "header size");

#define BYTE_ORDER_MARK 0x0102030405060708ULL
#define FLAG_HAS_UNK 1u

static int host_is_little_endian(void) {
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t ngram_checksum(const void *data, size_t size, uint64_t seed) {
    /* Four independent lanes keep the multiplier pipeline busy (several GB/s). Each step is
     * invertible, so any single changed word changes the result. */
    const unsigned char *p = data;
    const uint64_t k = 0x9fb21c651e98df25ULL;
    uint64_t lane[4] = {seed ^ 0x243f6a8885a308d3ULL, seed ^ 0x13198a2e03707344ULL,
                        seed ^ 0xa4093822299f31d0ULL, seed ^ 0x082efa98ec4e6c89ULL};
    size_t n = size;
    while (n >= 32) {
        for (int i = 0; i < 4; i++) {
            uint64_t w;
            memcpy(&w, p + 8 * i, 8);
            lane[i] = rotl((lane[i] ^ w) * k, 29);
        }
        p += 32;
        n -= 32;
    }
    unsigned char tail[32] = {0};
    memcpy(tail, p, n);
    for (int i = 0; i < 4; i++) {
        uint64_t w;
        memcpy(&w, tail + 8 * i, 8);
        lane[i] = rotl((lane[i] ^ w) * k, 29);
    }
    return ngram_mix64(lane[0] ^ rotl(lane[1], 17) ^ rotl(lane[2], 31) ^ rotl(lane[3], 47) ^
                       (uint64_t)size);
}

static uint64_t image_checksum(const unsigned char *image, size_t size) {
    unsigned char header[NGRAM_BINARY_HEADER_BYTES];
    memcpy(header, image, sizeof header);
    rlm_le_put_u64(header + 8 * F_CHECKSUM, 0);
    uint64_t h = ngram_checksum(header, sizeof header, 0);
    return ngram_checksum(image + sizeof header, size - sizeof header, h);
}

/* ---- loading ---- */

typedef struct section {
    uint64_t offset, bytes;
} section;

static rlm_status check_section(const char *name, const char *what, section s, size_t size,
                                rlm_error *err) {
    if (s.offset % 8 || s.offset < NGRAM_BINARY_HEADER_BYTES || s.offset > size ||
        s.bytes > size - s.offset)
        return rlm_fail(err, RLM_E_FORMAT, "%s: %s: section at offset %llu, %llu bytes, lies "
                        "outside the %zu-byte file (corrupt file)", name, what,
                        (unsigned long long)s.offset, (unsigned long long)s.bytes, size);
    return RLM_OK;
}

/* n * width without overflow; UINT64_MAX when it would overflow (then no section fits). */
static uint64_t times(uint64_t n, uint64_t width) {
    return n > UINT64_MAX / width ? UINT64_MAX : n * width;
}

static rlm_status check_words(const rlm_ngram *m, const char *name, rlm_error *err) {
    const uint64_t *off = m->word_offsets;
    if (off[0] != 0 || off[m->vocab_size] != m->strings_len)
        return rlm_fail(err, RLM_E_FORMAT, "%s: word list: offsets do not span the strings "
                        "(corrupt file)", name);
    for (uint32_t i = 0; i < m->vocab_size; i++)
        if (off[i + 1] <= off[i] || off[i + 1] > m->strings_len || m->strings[off[i + 1] - 1])
            return rlm_fail(err, RLM_E_FORMAT, "%s: word list: word %u is malformed (corrupt "
                            "file)", name, i);
    for (uint64_t i = 0; i < m->word_capacity; i++)
        if (m->word_slots[i].hash && m->word_slots[i].id >= m->vocab_size)
            return rlm_fail(err, RLM_E_FORMAT, "%s: word index: slot %llu names word %u of %u "
                            "(corrupt file)", name, (unsigned long long)i,
                            m->word_slots[i].id, m->vocab_size);
    return RLM_OK;
}

static rlm_status check_header(const unsigned char *image, size_t size, const char *name,
                               uint64_t *h, rlm_error *err) {
    if (size < NGRAM_BINARY_HEADER_BYTES || memcmp(image, NGRAM_BINARY_MAGIC, 8))
        return rlm_fail(err, RLM_E_FORMAT, "%s: not an rlm n-gram binary (%s)", name,
                        size < NGRAM_BINARY_HEADER_BYTES ? "shorter than the header"
                                                         : "wrong magic bytes");
    for (int i = 0; i < F_COUNT; i++) h[i] = rlm_le_get_u64(image + 8 * i);
    if (h[F_VERSION] != NGRAM_BINARY_VERSION)
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: version: file has version %llu, this build "
                        "reads version %d (rebuild it with `rlm ngram build-binary`)", name,
                        (unsigned long long)h[F_VERSION], NGRAM_BINARY_VERSION);
    if (h[F_HEADER_BYTES] != NGRAM_BINARY_HEADER_BYTES || h[F_BYTE_ORDER] != BYTE_ORDER_MARK ||
        h[F_ENTRY_BYTES] != sizeof(ngram_entry))
        return rlm_fail(err, RLM_E_FORMAT, "%s: header: inconsistent layout fields (corrupt file)",
                        name);
    if (!host_is_little_endian())
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: the binary is little-endian and this host "
                        "is not; load the ARPA file instead", name);
    if (h[F_FILE_SIZE] != size)
        return rlm_fail(err, RLM_E_FORMAT, "%s: file size: header says %llu bytes, the file has "
                        "%zu (%s)", name, (unsigned long long)h[F_FILE_SIZE], size,
                        size < h[F_FILE_SIZE] ? "truncated" : "trailing bytes");
    if (h[F_ORDER] < 1 || h[F_ORDER] > RLM_NGRAM_MAX_ORDER || h[F_VOCAB_SIZE] < 1 ||
        h[F_VOCAB_SIZE] > 0xfffffff0u || h[F_BOS] >= h[F_VOCAB_SIZE] ||
        h[F_EOS] >= h[F_VOCAB_SIZE] || h[F_WORD_CAPACITY] < h[F_VOCAB_SIZE])
        return rlm_fail(err, RLM_E_FORMAT, "%s: header: order, vocabulary size or special words "
                        "out of range (corrupt file)", name);
    return RLM_OK;
}

rlm_status ngram_open_binary_image(void *image_ptr, size_t size, int is_mmap, const char *name,
                                   const rlm_ngram_options *opts, rlm_ngram **out,
                                   rlm_error *err) {
    unsigned char *image = image_ptr;
    uint64_t h[F_COUNT];
    *out = NULL;
    if ((uintptr_t)image % 8)
        return rlm_fail(err, RLM_E_ARG, "%s: the binary image must be 8-byte aligned", name);
    rlm_status s = check_header(image, size, name, h, err);
    if (s) return s;
    if (opts->verify_checksum) {
        uint64_t sum = image_checksum(image, size);
        if (sum != h[F_CHECKSUM])
            return rlm_fail(err, RLM_E_FORMAT, "%s: checksum: stored %016llx, computed %016llx "
                            "(the file is corrupt)", name, (unsigned long long)h[F_CHECKSUM],
                            (unsigned long long)sum);
    }
    rlm_ngram *m = ngram_model_new();
    if (!m) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    m->order = (int)h[F_ORDER];
    m->has_unk = (h[F_FLAGS] & FLAG_HAS_UNK) != 0;
    m->vocab_size = (uint32_t)h[F_VOCAB_SIZE];
    m->bos = (rlm_ngram_word)h[F_BOS];
    m->eos = (rlm_ngram_word)h[F_EOS];
    m->strings_len = h[F_STRINGS_LEN];
    m->word_capacity = h[F_WORD_CAPACITY];
    for (int n = 1; n <= m->order; n++) m->counts[n] = h[F_COUNTS + n];

    section sec[4] = {{h[F_OFF_WORD_OFFSETS], times((uint64_t)m->vocab_size + 1, 8)},
                      {h[F_OFF_STRINGS], m->strings_len},
                      {h[F_OFF_WORD_SLOTS], times(m->word_capacity, sizeof(ngram_word_slot))},
                      {h[F_OFF_UNIGRAMS], times(m->vocab_size, sizeof(ngram_weights))}};
    static const char *const what[4] = {"word offsets", "strings", "word index", "1-grams"};
    for (int i = 0; i < 4 && !s; i++) s = check_section(name, what[i], sec[i], size, err);
    for (int n = 2; n <= m->order && !s; n++) {
        uint64_t cap = h[F_CAPACITY + n];
        if (cap == 0 || h[F_USED + n] >= cap)
            s = rlm_fail(err, RLM_E_FORMAT, "%s: %d-gram table: %llu entries in %llu slots "
                         "(corrupt file)", name, n, (unsigned long long)h[F_USED + n],
                         (unsigned long long)cap);
        section t = {h[F_OFF_TABLES + n], times(cap, sizeof(ngram_entry))};
        if (!s) s = check_section(name, "n-gram table", t, size, err);
        m->tables[n].slots = (ngram_entry *)(image + t.offset);
        m->tables[n].capacity = cap;
        m->tables[n].used = h[F_USED + n];
    }
    if (!s) {
        m->word_offsets = (uint64_t *)(image + sec[0].offset);
        m->strings = (char *)(image + sec[1].offset);
        m->word_slots = (ngram_word_slot *)(image + sec[2].offset);
        m->unigrams = (ngram_weights *)(image + sec[3].offset);
        s = check_words(m, name, err);
    }
    m->image = image;
    m->image_size = size;
    m->image_is_mmap = 0; /* the caller unmaps on failure; set below on success */
    if (s) {
        rlm_ngram_close(m);
        return s;
    }
    m->image_is_mmap = is_mmap;
    *out = m;
    return RLM_OK;
}

/* ---- writing ---- */

static uint64_t align64(uint64_t x) { return (x + 63) & ~(uint64_t)63; }

static rlm_status write_at(FILE *f, uint64_t *pos, uint64_t offset, const void *data, size_t n,
                           const char *path, rlm_error *err) {
    static const unsigned char zeros[64];
    while (*pos < offset) { /* padding up to the aligned offset */
        size_t pad = offset - *pos > 64 ? 64 : (size_t)(offset - *pos);
        if (fwrite(zeros, 1, pad, f) != pad) break;
        *pos += pad;
    }
    if (*pos != offset || fwrite(data, 1, n, f) != n)
        return rlm_fail(err, RLM_E_IO, "%s: write failed: %s", path, strerror(errno));
    *pos += n;
    return RLM_OK;
}

static void build_header(const rlm_ngram *m, uint64_t *h, uint64_t *end) {
    memset(h, 0, F_COUNT * sizeof *h);
    h[F_VERSION] = NGRAM_BINARY_VERSION;
    h[F_HEADER_BYTES] = NGRAM_BINARY_HEADER_BYTES;
    h[F_BYTE_ORDER] = BYTE_ORDER_MARK;
    h[F_ENTRY_BYTES] = sizeof(ngram_entry);
    h[F_ORDER] = (uint64_t)m->order;
    h[F_FLAGS] = m->has_unk ? FLAG_HAS_UNK : 0;
    h[F_VOCAB_SIZE] = m->vocab_size;
    h[F_BOS] = m->bos;
    h[F_EOS] = m->eos;
    h[F_STRINGS_LEN] = m->strings_len;
    h[F_WORD_CAPACITY] = m->word_capacity;
    for (int n = 1; n <= m->order; n++) h[F_COUNTS + n] = m->counts[n];
    uint64_t pos = NGRAM_BINARY_HEADER_BYTES;
    h[F_OFF_WORD_OFFSETS] = pos;
    pos = align64(pos + ((uint64_t)m->vocab_size + 1) * 8);
    h[F_OFF_UNIGRAMS] = pos;
    pos = align64(pos + (uint64_t)m->vocab_size * sizeof(ngram_weights));
    h[F_OFF_WORD_SLOTS] = pos;
    pos = align64(pos + m->word_capacity * sizeof(ngram_word_slot));
    for (int n = 2; n <= m->order; n++) {
        h[F_CAPACITY + n] = m->tables[n].capacity;
        h[F_USED + n] = m->tables[n].used;
        h[F_OFF_TABLES + n] = pos;
        pos = align64(pos + m->tables[n].capacity * sizeof(ngram_entry));
    }
    h[F_OFF_STRINGS] = pos;
    pos += m->strings_len;
    h[F_FILE_SIZE] = pos;
    *end = pos;
}

static rlm_status write_body(FILE *f, const rlm_ngram *m, const uint64_t *h, const char *path,
                             rlm_error *err) {
    unsigned char header[NGRAM_BINARY_HEADER_BYTES];
    memcpy(header, NGRAM_BINARY_MAGIC, 8);
    for (int i = 1; i < F_COUNT; i++) rlm_le_put_u64(header + 8 * i, h[i]);
    uint64_t pos = 0;
    rlm_status s = write_at(f, &pos, 0, header, sizeof header, path, err);
    if (!s) s = write_at(f, &pos, h[F_OFF_WORD_OFFSETS], m->word_offsets,
                         ((size_t)m->vocab_size + 1) * 8, path, err);
    if (!s) s = write_at(f, &pos, h[F_OFF_UNIGRAMS], m->unigrams,
                         (size_t)m->vocab_size * sizeof(ngram_weights), path, err);
    if (!s) s = write_at(f, &pos, h[F_OFF_WORD_SLOTS], m->word_slots,
                         (size_t)m->word_capacity * sizeof(ngram_word_slot), path, err);
    for (int n = 2; n <= m->order && !s; n++)
        s = write_at(f, &pos, h[F_OFF_TABLES + n], m->tables[n].slots,
                     (size_t)m->tables[n].capacity * sizeof(ngram_entry), path, err);
    if (!s) s = write_at(f, &pos, h[F_OFF_STRINGS], m->strings, (size_t)m->strings_len, path,
                         err);
    return s;
}

/* The checksum covers what is on disk, so compute it from the written file. */
static rlm_status seal(FILE *f, uint64_t size, const char *path, rlm_error *err) {
    if (fflush(f) != 0)
        return rlm_fail(err, RLM_E_IO, "%s: write failed: %s", path, strerror(errno));
    int fd = fileno(f);
    void *image = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (image == MAP_FAILED)
        return rlm_fail(err, RLM_E_IO, "%s: cannot map the written file: %s", path,
                        strerror(errno));
    unsigned char field[8];
    rlm_le_put_u64(field, image_checksum(image, (size_t)size));
    munmap(image, (size_t)size);
    if (pwrite(fd, field, 8, 8 * F_CHECKSUM) != 8)
        return rlm_fail(err, RLM_E_IO, "%s: write failed: %s", path, strerror(errno));
    return RLM_OK;
}

/* Written atomically (atomic_file.h): temporary file, fsync, rename. */
rlm_status rlm_ngram_write_binary(const rlm_ngram *m, const char *path, rlm_error *err) {
    uint64_t h[F_COUNT], size;
    build_header(m, h, &size);
    rlm_atomic_file af;
    rlm_status s = rlm_atomic_open(&af, path, err);
    if (!s) s = write_body(af.f, m, h, af.tmp_path, err);
    if (!s) s = seal(af.f, size, af.tmp_path, err);
    if (s) {
        rlm_atomic_abort(&af);
        return s;
    }
    return rlm_atomic_commit(&af, err);
}
