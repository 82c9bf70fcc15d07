/* rlm tokenize: raw English text on stdin to normalised tokens on stdout, line for line (an
 * input line that normalises to nothing stays an empty line, so line numbers keep matching). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "rlm_text.h"

static const char usage_text[] =
    "usage: rlm tokenize [--keep-punct|--drop-punct] < in.txt > out.txt\n"
    "  lowercase ASCII, split punctuation off words, collapse whitespace (one line in, one out)\n"
    "  --keep-punct   punctuation marks become tokens of their own (default)\n"
    "  --drop-punct   punctuation marks are dropped\n";

int cmd_tokenize(int argc, char **argv) {
    int flags = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--keep-punct")) flags &= ~RLM_NORMALIZE_DROP_PUNCT;
        else if (!strcmp(argv[i], "--drop-punct")) flags |= RLM_NORMALIZE_DROP_PUNCT;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return 0;
        } else {
            return args_usage_error("tokenize", usage_text, "unknown argument '%s'", argv[i]);
        }
    }
    char *line = NULL, *out = NULL;
    size_t line_cap = 0, out_cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &line_cap, stdin)) >= 0) {
        size_t need = 2 * (size_t)n + 1; /* the normaliser never more than doubles a line */
        if (need > out_cap) {
            char *p = realloc(out, need);
            if (!p) {
                fprintf(stderr, "rlm tokenize: out of memory for a line of %zd bytes\n", n);
                rc = 1;
                break;
            }
            out = p;
            out_cap = need;
        }
        size_t m = rlm_text_normalize(line, (size_t)n, out, out_cap, flags);
        fwrite(out, 1, m, stdout);
        putchar('\n');
    }
    if (!rc && ferror(stdin)) {
        fprintf(stderr, "rlm tokenize: read error: %s\n", strerror(errno));
        rc = 1;
    }
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "rlm tokenize: write error: %s\n", strerror(errno));
        rc = 1;
    }
    free(line);
    free(out);
    return rc;
}
