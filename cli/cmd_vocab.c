/* rlm vocab build|show: make a vocabulary file from a text, and look inside one. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "rlm_vocab.h"

static const char usage_text[] =
    "usage: rlm vocab build TEXT -o VOCAB [--char] [--min-count N] [--max-size N] [--classes N]\n"
    "       rlm vocab show VOCAB [--top N]\n"
    "  build   count the tokens of TEXT (one sentence a line) and write a vocabulary file\n"
    "    --char         tokens are UTF-8 characters, with <sp> between words (default: words)\n"
    "    --min-count N  keep tokens seen at least N times; the rest count as <unk> (default 1)\n"
    "    --max-size N   keep at most N ids, </s> and <unk> included (default: no limit)\n"
    "    --classes N    output classes for the class softmax (default: sqrt of the size)\n"
    "  show    print the level, size, classes and the N most frequent tokens (default 20)\n";

static int usage_error(const char *fmt, const char *arg) {
    return args_usage_error("vocab", usage_text, fmt, arg);
}

static int vocab_build(int argc, char **argv) {
    rlm_vocab_options o = rlm_vocab_default_options();
    const char *text = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int64_t x;
        if (!strcmp(a, "--char")) {
            o.char_level = 1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--min-count") || !strcmp(a, "--max-size") ||
                   !strcmp(a, "--classes")) {
            if (i + 1 == argc) return usage_error("%s needs a value", a);
            const char *val = argv[++i];
            if (!strcmp(a, "-o")) {
                out = val;
                continue;
            }
            if (args_parse_int64(val, 0, !strcmp(a, "--classes") ? INT32_MAX : INT64_MAX, &x))
                return usage_error("expected a non-negative integer, got '%s'", val);
            if (!strcmp(a, "--min-count")) o.min_count = x;
            else if (!strcmp(a, "--max-size")) o.max_size = x;
            else o.num_classes = (int32_t)x;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!text) {
            text = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!text || !out) return usage_error("%s", "build needs TEXT and -o VOCAB");
    rlm_error err;
    rlm_vocab *v;
    if (rlm_vocab_build(text, &o, &v, &err)) {
        fprintf(stderr, "rlm vocab: %s\n", err.message);
        return 1;
    }
    if (rlm_vocab_write(v, out, &err)) {
        fprintf(stderr, "rlm vocab: %s\n", err.message);
        rlm_vocab_free(v);
        return 1;
    }
    fprintf(stderr, "rlm vocab: %s: %d ids (%s level), %d classes, <unk> count %" PRId64 "\n", out,
            rlm_vocab_size(v), rlm_vocab_is_char_level(v) ? "char" : "word",
            rlm_vocab_num_classes(v), rlm_vocab_count(v, RLM_UNK_ID));
    rlm_vocab_free(v);
    return 0;
}

static int vocab_show(int argc, char **argv) {
    const char *path = NULL;
    int64_t top = 20;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--top")) {
            if (i + 1 == argc || args_parse_int64(argv[i + 1], 0, INT32_MAX, &top))
                return usage_error("%s needs a non-negative integer", "--top");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return usage_error("unexpected argument '%s'", argv[i]);
        }
    }
    if (!path) return usage_error("%s", "show needs VOCAB");
    rlm_error err;
    rlm_vocab *v;
    if (rlm_vocab_read(path, &v, &err)) {
        fprintf(stderr, "rlm vocab: %s\n", err.message);
        return 1;
    }
    int32_t n = rlm_vocab_size(v);
    int64_t total = 0;
    for (int32_t i = 0; i < n; i++) total += rlm_vocab_count(v, i);
    printf("%s: %s level, %d ids, %d classes, %" PRId64 " tokens counted (</s> %" PRId64
           ", <unk> %" PRId64 ")\n",
           path, rlm_vocab_is_char_level(v) ? "char" : "word", n, rlm_vocab_num_classes(v), total,
           rlm_vocab_count(v, RLM_EOS_ID), rlm_vocab_count(v, RLM_UNK_ID));
    for (int32_t i = 2; i < n && i - 2 < top; i++)
        printf("%d\t%s\t%" PRId64 "\t%d\n", i, rlm_vocab_token(v, i), rlm_vocab_count(v, i),
               rlm_vocab_class_of(v, i));
    rlm_vocab_free(v);
    return 0;
}

int cmd_vocab(int argc, char **argv) {
    if (argc < 2) return usage_error("%s", "expected a subcommand: build or show");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "build")) return vocab_build(argc - 2, argv + 2);
    if (!strcmp(argv[1], "show")) return vocab_show(argc - 2, argv + 2);
    return usage_error("unknown subcommand '%s'", argv[1]);
}
