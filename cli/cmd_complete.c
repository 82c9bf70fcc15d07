/* rlm complete: the most probable next tokens after a prefix (autocompletion). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "prefix.h"

static const char usage_text[] =
    "usage: rlm complete --model MODEL [--top-k K] [PREFIX]\n"
    "Prints the K most probable next tokens (default 10) after PREFIX, one a line:\n"
    "`rank<TAB>token<TAB>probability<TAB>log10prob`. Without PREFIX, each line of standard input\n"
    "is a prefix and the answers are separated by blank lines. `</s>` means the sentence ends.\n";

static int complete_one(const rlm_model *m, rlm_state *s, float *dist, int32_t *ids, int32_t k,
                        const char *prefix) {
    int oov = read_prefix(m, s, prefix);
    if (oov < 0) return 1;
    if (oov) fprintf(stderr, "rlm complete: %d prefix token(s) unknown, read as <unk>\n", oov);
    const rlm_vocab *v = rlm_model_vocab(m);
    rlm_model_log10dist(m, s, dist);
    rlm_top_k(dist, rlm_vocab_size(v), k, ids);
    for (int32_t i = 0; i < k; i++)
        printf("%d\t%s\t%.6f\t%.6f\n", i + 1, rlm_vocab_token(v, ids[i]), pow(10.0, dist[ids[i]]),
               dist[ids[i]]);
    return 0;
}

int cmd_complete(int argc, char **argv) {
    const char *model_path = NULL;
    int32_t k = 10;
    const arg_spec specs[] = {{"--model", ARG_STRING, &model_path}, {"--top-k", ARG_INT, &k}};
    const char *pos[1] = {NULL};
    int n_pos, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos,
                                       1, &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (!model_path || k < 1) {
        return args_usage_error("complete", usage_text, "%s",
                                "needs --model and a positive --top-k");
    }
    rlm_error err;
    rlm_model *m;
    if (rlm_model_load(model_path, &m, &err)) {
        fprintf(stderr, "rlm complete: %s\n", err.message);
        return 1;
    }
    const int32_t V = rlm_vocab_size(rlm_model_vocab(m));
    if (k > V) k = V;
    rlm_state *s = rlm_state_new(m);
    float *dist = malloc((size_t)V * sizeof *dist);
    int32_t *ids = malloc((size_t)k * sizeof *ids);
    rc = s && dist && ids ? 0 : 1;
    if (!rc && n_pos) {
        rc = complete_one(m, s, dist, ids, k, pos[0]);
    } else if (!rc) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while (!rc && (len = getline(&line, &cap, stdin)) >= 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
            rc = complete_one(m, s, dist, ids, k, line);
            putchar('\n');
        }
        free(line);
    }
    if (rc) fprintf(stderr, "rlm complete: out of memory\n");
    free(ids);
    free(dist);
    rlm_state_free(s);
    rlm_model_free(m);
    return rc;
}
