/* rlm generate: sample sentences from a model, optionally continuing a prefix. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "prefix.h"
#include "rng.h"

static const char usage_text[] =
    "usage: rlm generate --model MODEL [--prefix TEXT] [-n N] [--temperature T] [--top-k K]\n"
    "                    [--seed S] [--max-tokens M]\n"
    "Prints N sampled sentences (default 5), one a line, each continuing TEXT. Temperature < 1\n"
    "sharpens the distribution, > 1 flattens it (default 1); --top-k keeps only the K most\n"
    "probable tokens at each step (default 0: all). The same seed gives the same sentences.\n";

int cmd_generate(int argc, char **argv) {
    const char *model_path = NULL, *prefix = NULL;
    int32_t count = 5, top_k = 0, max_tokens = 100;
    float temperature = 1.0f;
    uint64_t seed = 1;
    const arg_spec specs[] = {
        {"--model", ARG_STRING, &model_path}, {"--prefix", ARG_STRING, &prefix},
        {"-n", ARG_INT, &count}, {"--temperature", ARG_FLOAT, &temperature},
        {"--top-k", ARG_INT, &top_k}, {"--seed", ARG_U64, &seed},
        {"--max-tokens", ARG_INT, &max_tokens},
    };
    int n_pos, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], NULL,
                                       0, &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (!model_path || !(temperature > 0) || count < 0 || top_k < 0 || max_tokens < 1) {
        return args_usage_error("generate", usage_text, "%s", "needs --model, a positive "
                                "temperature and non-negative counts");
    }
    rlm_error err;
    rlm_model *m;
    if (rlm_model_load(model_path, &m, &err)) {
        fprintf(stderr, "rlm generate: %s\n", err.message);
        return 1;
    }
    const rlm_vocab *v = rlm_model_vocab(m);
    const int32_t V = rlm_vocab_size(v);
    rlm_state *s = rlm_state_new(m);
    float *dist = malloc((size_t)V * sizeof *dist);
    rlm_rng rng;
    rlm_rng_seed(&rng, seed);
    rc = s && dist ? 0 : 1;
    for (int i = 0; i < count && !rc; i++) {
        if (read_prefix(m, s, prefix) < 0) rc = 1;
        if (prefix && *prefix) fputs(prefix, stdout);
        int first = !(prefix && *prefix);
        for (int t = 0; t < max_tokens; t++) {
            rlm_model_log10dist(m, s, dist);
            int32_t w = rlm_sample_log10dist(dist, V, temperature, top_k, rlm_rng_uniform(&rng));
            if (w <= RLM_EOS_ID) break;
            print_token(v, w, first);
            first = 0;
            rlm_model_step(m, s, w, s);
        }
        putchar('\n');
    }
    if (rc) fprintf(stderr, "rlm generate: out of memory\n");
    free(dist);
    rlm_state_free(s);
    rlm_model_free(m);
    return rc;
}
