/* Model files and checkpoints: bit-exact round trips for every cell and output type, and a clear
 * error (never a crash or a silently wrong model) for every truncation, every flipped byte,
 * foreign files, newer versions and bad fields; atomic saving. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "le_bytes.h"
#include "model_file.h"
#include "model_internal.h"
#include "rlm_model.h"

static char tmp_dir[64];

static void path_in_tmp(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s/%s", tmp_dir, name);
}

static const char corpus_text[] =
    "the cat sat on the mat\n"
    "the dog sat on the log\n"
    "a cat and a dog\n"
    "the end\n";

static rlm_vocab *small_vocab(int num_classes) {
    char path[128];
    path_in_tmp(path, sizeof path, "corpus.txt");
    if (test_write_file(path, corpus_text, sizeof corpus_text - 1)) return NULL;
    rlm_vocab_options opt = rlm_vocab_default_options();
    opt.num_classes = num_classes;
    rlm_vocab *v = NULL;
    rlm_error err;
    if (rlm_vocab_build(path, &opt, &v, &err)) fprintf(stderr, "vocab: %s\n", err.message);
    return v;
}

static rlm_model_config small_config(rlm_cell_type cell, rlm_output_type output) {
    rlm_model_config c = rlm_model_default_config();
    c.cell = cell;
    c.output = output;
    c.layers = 1;
    c.embed_size = 3;
    c.hidden_size = 4;
    return c;
}

static rlm_model *small_model(const rlm_model_config *cfg, uint64_t seed) {
    rlm_model *m = NULL;
    rlm_error err;
    if (rlm_model_new(cfg, small_vocab(3), seed, &m, &err))
        fprintf(stderr, "model: %s\n", err.message);
    return m;
}

/* Everything a model is: config, sizes, every parameter bit, and the vocabulary. */
static int same_model(const rlm_model *a, const rlm_model *b) {
    if (!a || !b) return 0;
    if (memcmp(&a->cfg, &b->cfg, sizeof a->cfg) || a->V != b->V || a->C != b->C ||
        a->n_params != b->n_params || memcmp(a->params, b->params, a->n_params * sizeof(float)))
        return 0;
    const rlm_vocab *va = a->vocab, *vb = b->vocab;
    if (rlm_vocab_size(va) != rlm_vocab_size(vb) ||
        rlm_vocab_num_classes(va) != rlm_vocab_num_classes(vb) ||
        rlm_vocab_is_char_level(va) != rlm_vocab_is_char_level(vb))
        return 0;
    for (int32_t i = 0; i < rlm_vocab_size(va); i++)
        if (strcmp(rlm_vocab_token(va, i), rlm_vocab_token(vb, i)) ||
            rlm_vocab_count(va, i) != rlm_vocab_count(vb, i) ||
            rlm_vocab_class_of(va, i) != rlm_vocab_class_of(vb, i))
            return 0;
    /* The views must point into the loaded model's own array, at the same offsets. */
    return a->p.bout - a->params == b->p.bout - b->params;
}

/* The bytes of a saved model (and optionally a state blob), for the corruption tests. */
static uint8_t *saved_bytes(const rlm_model *m, const void *state, size_t state_size, size_t *n) {
    char path[128];
    path_in_tmp(path, sizeof path, "bytes.bin");
    rlm_error err;
    if (rlm_checkpoint_save(m, state, state_size, path, &err)) {
        fprintf(stderr, "save: %s\n", err.message);
        return NULL;
    }
    uint8_t *b = test_read_file(path, n);
    unlink(path);
    return b;
}

static void fix_crc(uint8_t *b, size_t n) {
    rlm_le_put_u32(b + n - 4, rlm_crc32_update(0, b, n - 4));
}

static int count_dir_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void test_round_trip_every_cell_and_output(void) {
    char path[128];
    path_in_tmp(path, sizeof path, "model.bin");
    for (int cell = RLM_CELL_RNN_TANH; cell <= RLM_CELL_GRU; cell++)
        for (int out = RLM_OUTPUT_FULL; out <= RLM_OUTPUT_CLASS; out++)
            for (int variant = 0; variant < 2; variant++) {
                rlm_model_config cfg = small_config((rlm_cell_type)cell, (rlm_output_type)out);
                if (variant) { /* the other half of every config field */
                    cfg.layers = 3;
                    cfg.embed_size = cfg.hidden_size = 5;
                    cfg.tied = 1;
                    cfg.dropout = 0.375f;
                    cfg.independent_sentences = 1;
                }
                rlm_model *m = small_model(&cfg, 7 + (uint64_t)cell), *back = NULL;
                CHECK(m != NULL);
                if (!m) continue;
                rlm_error err = {0};
                CHECK_STATUS(rlm_model_save(m, path, &err), RLM_OK);
                CHECK_STATUS(rlm_model_load(path, &back, &err), RLM_OK);
                if (!same_model(m, back))
                    fprintf(stderr, "round trip differs: cell %d output %d variant %d (%s)\n",
                            cell, out, variant, err.message);
                CHECK(same_model(m, back));
                /* Saving the loaded model gives the same bytes: nothing depends on memory. */
                size_t n1 = 0, n2 = 0;
                uint8_t *b1 = saved_bytes(m, NULL, 0, &n1), *b2 = saved_bytes(back, NULL, 0, &n2);
                CHECK(b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1));
                free(b1);
                free(b2);
                rlm_model_free(m);
                rlm_model_free(back);
            }
    unlink(path);
}

static void test_header_is_little_endian(void) {
    rlm_model_config cfg = small_config(RLM_CELL_LSTM, RLM_OUTPUT_CLASS);
    rlm_model *m = small_model(&cfg, 1);
    size_t n = 0;
    uint8_t *b = m ? saved_bytes(m, NULL, 0, &n) : NULL;
    CHECK(b && n > RLM_MODEL_HEADER_SIZE);
    if (b && m) {
        static const uint8_t head[] = {'R', 'L', 'M', 'M', 'O', 'D', 'E', 'L', 1, 0, 0, 0, 0, 0, 0,
                                       0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 4, 0,
                                       0, 0};
        CHECK(!memcmp(b, head, sizeof head));
        CHECK(rlm_le_get_u32(b + 48) == (uint32_t)m->V);
        CHECK(rlm_le_get_u32(b + 52) == 3);
        CHECK(rlm_le_get_u64(b + 56) == m->n_params);
        uint64_t vocab_bytes = rlm_le_get_u64(b + 64);
        CHECK(n == RLM_MODEL_HEADER_SIZE + vocab_bytes + 4 * m->n_params + 4);
        /* The first parameter, byte by byte. */
        uint32_t bits;
        memcpy(&bits, &m->params[0], 4);
        const uint8_t *p = b + RLM_MODEL_HEADER_SIZE + vocab_bytes;
        CHECK(p[0] == (bits & 0xff) && p[3] == bits >> 24);
    }
    free(b);
    rlm_model_free(m);
}

static void test_checkpoint_round_trip(void) {
    char path[128];
    path_in_tmp(path, sizeof path, "checkpoint.bin");
    rlm_model_config cfg = small_config(RLM_CELL_GRU, RLM_OUTPUT_CLASS);
    rlm_model *m = small_model(&cfg, 3), *back = NULL;
    CHECK(m != NULL);
    if (!m) return;
    uint8_t state[1000];
    for (size_t i = 0; i < sizeof state; i++) state[i] = (uint8_t)(i * 37 + 11);
    rlm_error err = {0};
    void *got = NULL;
    size_t got_size = 0;
    CHECK_STATUS(rlm_checkpoint_save(m, state, sizeof state, path, &err), RLM_OK);
    CHECK_STATUS(rlm_checkpoint_load(path, &back, &got, &got_size, &err), RLM_OK);
    CHECK(same_model(m, back));
    CHECK(got_size == sizeof state && got && !memcmp(got, state, sizeof state));
    free(got);
    rlm_model_free(back);
    back = NULL;

    /* The public loader reads a checkpoint as a model and ignores the training state. */
    CHECK_STATUS(rlm_model_load(path, &back, &err), RLM_OK);
    CHECK(same_model(m, back));
    rlm_model_free(back);
    back = NULL;

    /* A plain model file has no state: NULL and 0. */
    CHECK_STATUS(rlm_model_save(m, path, &err), RLM_OK);
    got = (void *)state;
    got_size = 99;
    CHECK_STATUS(rlm_checkpoint_load(path, &back, &got, &got_size, &err), RLM_OK);
    CHECK(got == NULL && got_size == 0);
    rlm_model_free(back);
    back = NULL;

    /* An empty state is a section of size 0, still a valid checkpoint. */
    CHECK_STATUS(rlm_checkpoint_save(m, state, 0, path, &err), RLM_OK);
    CHECK_STATUS(rlm_checkpoint_load(path, &back, &got, &got_size, &err), RLM_OK);
    CHECK(got == NULL && got_size == 0 && same_model(m, back));
    rlm_model_free(back);

    CHECK_STATUS(rlm_checkpoint_save(m, NULL, 5, path, &err), RLM_E_ARG);
    rlm_model_free(m);
    unlink(path);
}

/* Every prefix of a file, with and without a state section, is an error naming the file. */
static void test_every_truncation_rejected(void) {
    rlm_model_config cfg = small_config(RLM_CELL_LSTM, RLM_OUTPUT_CLASS);
    rlm_model *m = small_model(&cfg, 5);
    const uint8_t state[24] = {1, 2, 3};
    for (int with_state = 0; with_state < 2 && m; with_state++) {
        size_t n = 0;
        uint8_t *b = saved_bytes(m, with_state ? state : NULL, with_state ? sizeof state : 0, &n);
        CHECK(b != NULL);
        size_t bad = 0;
        for (size_t len = 0; b && len < n; len++) {
            /* A copy of exactly len bytes, so ASan sees any read past the end. */
            uint8_t *prefix = malloc(len ? len : 1);
            memcpy(prefix, b, len);
            rlm_model *back = NULL;
            rlm_error err = {0};
            rlm_status s = rlm_model_load_buffer(prefix, len, "cut.bin", &back, &err);
            if (s != RLM_E_FORMAT || back || strncmp(err.message, "cut.bin: ", 9)) {
                if (bad++ < 3)
                    fprintf(stderr, "prefix %zu of %zu: status %d: %s\n", len, n, s, err.message);
                rlm_model_free(back);
            }
            free(prefix);
        }
        CHECK(bad == 0);
        free(b);
    }
    /* The message says where the file ends. */
    size_t n = 0;
    uint8_t *b = m ? saved_bytes(m, NULL, 0, &n) : NULL;
    if (b) {
        char path[128];
        path_in_tmp(path, sizeof path, "truncated.bin");
        CHECK(test_write_file(path, b, n - 10) == 0);
        rlm_model *back = NULL;
        rlm_error err = {0};
        CHECK_STATUS(rlm_model_load(path, &back, &err), RLM_E_FORMAT);
        CHECK_CONTAINS(err.message, path);
        CHECK_CONTAINS(err.message, ": parameters: file ends after ");
        CHECK_STATUS(rlm_model_load_buffer(b, 40, "m.bin", &back, &err), RLM_E_FORMAT);
        CHECK_CONTAINS(err.message, "m.bin: header: file ends after 40 of 72 bytes");
        unlink(path);
    }
    free(b);
    rlm_model_free(m);
}

/* Every single flipped byte is caught: by the magic, the version, a size that no longer fits
 * the file, or the checksum. */
static void test_every_flipped_byte_rejected(void) {
    rlm_model_config cfg = small_config(RLM_CELL_RNN_TANH, RLM_OUTPUT_CLASS);
    rlm_model *m = small_model(&cfg, 9);
    const uint8_t state[16] = {9, 8, 7};
    for (int with_state = 0; with_state < 2 && m; with_state++) {
        size_t n = 0;
        uint8_t *b = saved_bytes(m, with_state ? state : NULL, with_state ? sizeof state : 0, &n);
        CHECK(b != NULL);
        size_t bad = 0, by_crc = 0;
        for (size_t i = 0; b && i < n; i++)
            for (int mask = 1; mask <= 0x80; mask <<= 7) { /* low bit and high bit */
                b[i] ^= (uint8_t)mask;
                rlm_model *back = NULL;
                void *st = NULL;
                size_t st_size = 0;
                rlm_error err = {0};
                rlm_status s = rlm_checkpoint_load_buffer(b, n, "flip.bin", &back, &st, &st_size,
                                                          &err);
                if (s == RLM_OK || back || st || strncmp(err.message, "flip.bin: ", 10)) {
                    if (bad++ < 3) fprintf(stderr, "byte %zu ^ 0x%x: %s\n", i, mask, err.message);
                }
                if (strstr(err.message, "checksum: stored")) by_crc++;
                rlm_model_free(back);
                free(st);
                b[i] ^= (uint8_t)mask;
            }
        CHECK(bad == 0);
        CHECK(by_crc > n); /* most flips land in data only the CRC can vouch for */
        free(b);
    }
    size_t n = 0;
    uint8_t *b = m ? saved_bytes(m, NULL, 0, &n) : NULL;
    if (b) {
        b[n / 2] ^= 0x10;
        rlm_model *back = NULL;
        rlm_error err = {0};
        CHECK_STATUS(rlm_model_load_buffer(b, n, "model.bin", &back, &err), RLM_E_FORMAT);
        CHECK_CONTAINS(err.message, "model.bin: checksum: stored 0x");
        CHECK_CONTAINS(err.message, "(file corrupted)");
    }
    free(b);
    rlm_model_free(m);
}

static void test_foreign_files_rejected(void) {
    static const char arpa[] = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0\t</s>\n-99\t<s>\t-0.5\n"
                               "-0.5\tthe\t-0.2\n\n\\end\\\n";
    char path[128];
    path_in_tmp(path, sizeof path, "lm.arpa");
    CHECK(test_write_file(path, arpa, sizeof arpa - 1) == 0);
    rlm_model *m = NULL;
    rlm_error err = {0};
    CHECK_STATUS(rlm_model_load(path, &m, &err), RLM_E_FORMAT);
    CHECK(m == NULL);
    CHECK_CONTAINS(err.message, "lm.arpa: header: not an rlm model file (bad magic)");

    CHECK(test_write_file(path, "", 0) == 0);
    CHECK_STATUS(rlm_model_load(path, &m, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "lm.arpa: header: the file is empty");
    unlink(path);

    path_in_tmp(path, sizeof path, "missing.bin");
    CHECK_STATUS(rlm_model_load(path, &m, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "missing.bin: cannot open");
    /* A directory opens but cannot be read as a file. */
    CHECK_STATUS(rlm_model_load(tmp_dir, &m, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, tmp_dir);
    CHECK(m == NULL);
}

static void test_newer_version_unsupported(void) {
    rlm_model_config cfg = small_config(RLM_CELL_GRU, RLM_OUTPUT_FULL);
    rlm_model *m = small_model(&cfg, 2), *back = NULL;
    size_t n = 0;
    uint8_t *b = m ? saved_bytes(m, NULL, 0, &n) : NULL;
    CHECK(b != NULL);
    if (b) {
        rlm_le_put_u32(b + 8, 2);
        fix_crc(b, n);
        char path[128];
        path_in_tmp(path, sizeof path, "v2.bin");
        CHECK(test_write_file(path, b, n) == 0);
        rlm_error err = {0};
        CHECK_STATUS(rlm_model_load(path, &back, &err), RLM_E_UNSUPPORTED);
        CHECK_CONTAINS(err.message, "v2.bin: version: 2 is newer");
        CHECK(back == NULL);
        /* Even a v2 file cut short says "newer version", since its layout is unknown. */
        CHECK_STATUS(rlm_model_load_buffer(b, 20, "v2.bin", &back, &err), RLM_E_UNSUPPORTED);
        rlm_le_put_u32(b + 8, 0);
        fix_crc(b, n);
        CHECK_STATUS(rlm_model_load_buffer(b, n, "v0.bin", &back, &err), RLM_E_FORMAT);
        CHECK_CONTAINS(err.message, "v0.bin: version: 0");
        unlink(path);
    }
    free(b);
    rlm_model_free(m);
}

/* A field patched and the CRC fixed up: the parser behind the checksum names the field. */
static void expect_field_error(const uint8_t *orig, size_t n, size_t off, uint32_t value,
                               const char *want) {
    uint8_t *b = malloc(n);
    memcpy(b, orig, n);
    rlm_le_put_u32(b + off, value);
    fix_crc(b, n);
    rlm_model *m = NULL;
    rlm_error err = {0};
    CHECK_STATUS(rlm_model_load_buffer(b, n, "model.bin", &m, &err), RLM_E_FORMAT);
    CHECK(m == NULL);
    CHECK_CONTAINS(err.message, want);
    rlm_model_free(m);
    free(b);
}

static void test_bad_fields_named(void) {
    rlm_model_config cfg = small_config(RLM_CELL_LSTM, RLM_OUTPUT_CLASS);
    rlm_model *m = small_model(&cfg, 4);
    size_t n = 0;
    uint8_t *b = m ? saved_bytes(m, NULL, 0, &n) : NULL;
    CHECK(b != NULL);
    if (!b) {
        rlm_model_free(m);
        return;
    }
    expect_field_error(b, n, 12, 6, "model.bin: flags: unknown bits 0x6");
    expect_field_error(b, n, 16, 9, "model.bin: config.cell: 9 is not a known cell type");
    expect_field_error(b, n, 20, 2, "model.bin: config.output: 2 is not a known output layer");
    expect_field_error(b, n, 24, 0, "model.bin: config.layers: 0 is not in 1..8");
    expect_field_error(b, n, 24, 0xffffffffu,
                       "model.bin: config.layers: 4294967295 is out of range");
    expect_field_error(b, n, 28, 0, "model.bin: config.embed_size: 0 is not in 1..65536");
    expect_field_error(b, n, 32, 5, "model.bin: n_params: the header says");
    expect_field_error(b, n, 36, 2, "model.bin: config.tied: 2 is not 0 or 1");
    expect_field_error(b, n, 36, 1, "model.bin: config.tied: embedding size 3 and hidden size 4");
    expect_field_error(b, n, 40, 0x7fc00000u, "model.bin: config.dropout: nan is not in [0,1)");
    expect_field_error(b, n, 44, 3, "model.bin: config.independent_sentences: 3 is not 0 or 1");
    expect_field_error(b, n, 48, (uint32_t)m->V + 1, "model.bin: vocab_size: the header says");
    expect_field_error(b, n, 52, 0, "model.bin: num_classes: the header says 0, expected 3");
    /* Switching to a full softmax makes the class count and the parameter count wrong. */
    expect_field_error(b, n, 20, 0, "model.bin: num_classes: the header says 3, expected 0");
    expect_field_error(b, n, 56, (uint32_t)m->n_params + 2, "model.bin: parameters: file ends");
    expect_field_error(b, n, 56, (uint32_t)m->n_params - 1,
                       "model.bin: checksum: 4 unexpected bytes after the end");
    uint64_t vocab_bytes = rlm_le_get_u64(b + 64);
    /* The vocabulary's own magic, inside the model file. */
    expect_field_error(b, n, RLM_MODEL_HEADER_SIZE, 0, "model.bin: vocabulary: not a vocabulary");
    size_t params = RLM_MODEL_HEADER_SIZE + (size_t)vocab_bytes;
    expect_field_error(b, n, params + 4 * 17, 0x7fc00000u,
                       "model.bin: parameters: value 17 is not finite");
    expect_field_error(b, n, params + 4 * (m->n_params - 1), 0xff800000u,
                       "is not finite (-inf)");

    /* Bytes after the checksum. */
    uint8_t *longer = malloc(n + 3);
    memcpy(longer, b, n);
    memset(longer + n, 0, 3);
    rlm_model *back = NULL;
    rlm_error err = {0};
    CHECK_STATUS(rlm_model_load_buffer(longer, n + 3, "model.bin", &back, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "model.bin: checksum: 3 unexpected bytes");
    /* A size field that claims far more than the file holds fails before any allocation. */
    rlm_le_put_u64(b + 64, UINT64_MAX / 2);
    fix_crc(b, n);
    CHECK_STATUS(rlm_model_load_buffer(b, n, "model.bin", &back, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "model.bin: vocabulary: file ends after");
    rlm_le_put_u64(b + 64, vocab_bytes);
    rlm_le_put_u64(b + 56, UINT64_MAX);
    fix_crc(b, n);
    CHECK_STATUS(rlm_model_load_buffer(b, n, "model.bin", &back, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "model.bin: n_params: 18446744073709551615 is impossibly large");
    CHECK(back == NULL);
    free(longer);
    free(b);
    rlm_model_free(m);
}

static void test_atomic_save(void) {
    rlm_model_config cfg = small_config(RLM_CELL_RNN_RELU, RLM_OUTPUT_FULL);
    rlm_model *a = small_model(&cfg, 11), *b = small_model(&cfg, 12), *back = NULL;
    CHECK(a && b);
    if (!a || !b) goto done;
    char dir[128], path[160];
    path_in_tmp(dir, sizeof dir, "atomic");
    CHECK(mkdir(dir, 0777) == 0);
    rlm_error err = {0};

    /* No such directory: an I/O error naming the path, nothing created. */
    snprintf(path, sizeof path, "%s/no/such/dir/model.bin", dir);
    CHECK_STATUS(rlm_model_save(a, path, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, path);
    CHECK(count_dir_entries(dir) == 0);

    /* The target is a directory: the temporary file is written, the rename fails, and the
     * temporary file is removed again. */
    snprintf(path, sizeof path, "%s/occupied", dir);
    CHECK(mkdir(path, 0777) == 0);
    CHECK_STATUS(rlm_model_save(a, path, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "rename failed");
    CHECK(count_dir_entries(dir) == 1);
    rmdir(path);

    /* Saving over an existing model replaces it, and leaves one file behind. */
    snprintf(path, sizeof path, "%s/model.bin", dir);
    CHECK_STATUS(rlm_model_save(a, path, &err), RLM_OK);
    CHECK_STATUS(rlm_model_save(b, path, &err), RLM_OK);
    CHECK(count_dir_entries(dir) == 1);
    CHECK_STATUS(rlm_model_load(path, &back, &err), RLM_OK);
    CHECK(same_model(b, back) && !same_model(a, back));
    struct stat st;
    /* main() set the umask to 022: a model file is as readable as any file the user makes. */
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    unlink(path);
    rmdir(dir);
done:
    rlm_model_free(back);
    rlm_model_free(a);
    rlm_model_free(b);
}

/* The committed examples (tests/fuzz/gen_model_corpus.py) each fail with their own message, or
 * load when named valid_*; this also checks the C reader against an independent writer. */
static void test_malformed_examples(void) {
    static const struct {
        const char *file;
        rlm_status status;
        const char *message;
    } cases[] = {
        {"valid_rnn_full.bin", RLM_OK, ""},
        {"valid_gru_class.bin", RLM_OK, ""},
        {"valid_lstm_class_tied_state.bin", RLM_OK, ""},
        {"empty.bin", RLM_E_FORMAT, "header: the file is empty"},
        {"bad_magic.bin", RLM_E_FORMAT, "header: not an rlm model file (bad magic)"},
        {"foreign_arpa.bin", RLM_E_FORMAT, "header: not an rlm model file (bad magic)"},
        {"truncated_header.bin", RLM_E_FORMAT, "header: file ends after 40 of 72 bytes"},
        {"truncated_vocabulary.bin", RLM_E_FORMAT, "vocabulary: file ends after 90 of 95 bytes"},
        {"truncated_parameters.bin", RLM_E_FORMAT, "parameters: file ends after 163 of 168 bytes"},
        {"truncated_state.bin", RLM_E_FORMAT, "training state: file ends after 3 of 5 bytes"},
        {"no_checksum.bin", RLM_E_FORMAT, "checksum: file ends after 0 of 4 bytes"},
        {"trailing_bytes.bin", RLM_E_FORMAT, "checksum: 3 unexpected bytes"},
        {"bad_checksum.bin", RLM_E_FORMAT, "(file corrupted)"},
        {"version_2.bin", RLM_E_UNSUPPORTED, "version: 2 is newer"},
        {"version_0.bin", RLM_E_FORMAT, "version: 0 is not a valid version"},
        {"unknown_flags.bin", RLM_E_FORMAT, "flags: unknown bits 0x6"},
        {"flag_state_without_state.bin", RLM_E_FORMAT, "training state size: file ends after 4"},
        {"bad_cell.bin", RLM_E_FORMAT, "config.cell: 4 is not a known cell type"},
        {"bad_output.bin", RLM_E_FORMAT, "config.output: 7 is not a known output layer"},
        {"layers_0.bin", RLM_E_FORMAT, "config.layers: 0 is not in 1..8"},
        {"layers_huge.bin", RLM_E_FORMAT, "config.layers: 4294967295 is out of range"},
        {"tied_mismatch.bin", RLM_E_FORMAT, "config.tied: embedding size 2 and hidden size 3"},
        {"dropout_nan.bin", RLM_E_FORMAT, "config.dropout: nan is not in [0,1)"},
        {"hidden_size_mismatch.bin", RLM_E_FORMAT, "n_params: the header says 42, the "
                                                   "configuration needs 56"},
        {"vocab_size_mismatch.bin", RLM_E_FORMAT, "vocab_size: the header says 5"},
        {"num_classes_full.bin", RLM_E_FORMAT, "num_classes: the header says 2, expected 0"},
        {"n_params_huge.bin", RLM_E_FORMAT, "n_params: 18446744073709551615 is impossibly large"},
        {"n_params_minus_one.bin", RLM_E_FORMAT, "checksum: 4 unexpected bytes"},
        {"vocab_bytes_huge.bin", RLM_E_FORMAT, "vocabulary: file ends after 267 of "
                                               "9223372036854775808 bytes"},
        {"state_size_huge.bin", RLM_E_FORMAT, "training state: file ends after 9 of "},
        {"vocab_duplicate_token.bin", RLM_E_FORMAT, "vocabulary: entry 3: token: duplicate"},
        {"vocab_bad_specials.bin", RLM_E_FORMAT, "vocabulary: entry 0: token: id 0 must be"},
        {"vocab_bad_classes.bin", RLM_E_FORMAT, "vocabulary: entry 2: class:"},
        {"vocab_length_overflow.bin", RLM_E_FORMAT, "vocabulary: entry 0: truncated"},
        {"param_nan.bin", RLM_E_FORMAT, "parameters: value 17 is not finite (nan)"},
        {"param_inf.bin", RLM_E_FORMAT, "parameters: value 0 is not finite (inf)"},
    };
    const char *root = getenv("RLM_ROOT");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/data/malformed/model/%s", root ? root : ".",
                 cases[i].file);
        rlm_model *m = NULL;
        void *state = NULL;
        size_t state_size = 0;
        rlm_error err = {0};
        rlm_status s = rlm_checkpoint_load(path, &m, &state, &state_size, &err);
        if (s != cases[i].status) fprintf(stderr, "%s: %s\n", cases[i].file, err.message);
        CHECK_STATUS(s, cases[i].status);
        if (s != RLM_OK) {
            CHECK_CONTAINS(err.message, path);
            CHECK_CONTAINS(err.message, cases[i].message);
            CHECK(m == NULL && state == NULL);
        }
        rlm_model_free(m);
        free(state);
    }
}

int main(int argc, char **argv) {
    (void)argc;
    umask(022);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/rlm_test_model_file_XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_round_trip_every_cell_and_output);
    RUN(test_header_is_little_endian);
    RUN(test_checkpoint_round_trip);
    RUN(test_every_truncation_rejected);
    RUN(test_every_flipped_byte_rejected);
    RUN(test_foreign_files_rejected);
    RUN(test_newer_version_unsupported);
    RUN(test_bad_fields_named);
    RUN(test_atomic_save);
    RUN(test_malformed_examples);
    char path[128];
    path_in_tmp(path, sizeof path, "corpus.txt");
    unlink(path);
    rmdir(tmp_dir);
    return check_summary(argv[0]);
}
