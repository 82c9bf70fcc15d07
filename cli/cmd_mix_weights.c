/* rlm mix-weights: linear interpolation weights for an RNN and n-gram models, estimated by EM on
 * a dev text as SRILM's compute-best-mix does (lm/rlm_mix.h). */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "mix_cli.h"

static const char usage_text[] =
    "usage: rlm mix-weights [--model RNN] --ngram LM [--ngram LM2 ...] [--include-unk]\n"
    "                       [--tolerance T] [--max-iter N] [--init W1,W2,...] DEVTEXT\n"
    "Estimates linear weights w_i (P = sum_i w_i P_i per token) that minimise the perplexity of\n"
    "DEVTEXT, by EM from equal weights: w_i <- mean over tokens of w_i P_i / sum_j w_j P_j, until\n"
    "no weight moves by more than T (default 1e-4) or after N steps (default 100). Prints the\n"
    "dev perplexity at every step, then the weights as a --mix argument for rlm eval.\n"
    "Needs at least two models; weights are listed RNN first, then each --ngram. Log base 10.\n"
    "  --include-unk  also fit the OOV tokens (no model knows them) scored as <unk>, for\n"
    "                 closed-vocabulary corpora such as PTB whose published figures count <unk>;\n"
    "                 by default they are left out, as in SRILM\n"
    "  --init W,...   start from these weights instead of equal ones\n";

static void report(void *ctx, int iteration, const double *w, int n, double ppl) {
    (void)ctx;
    printf("iteration %d: dev ppl= %.4f weights=", iteration, ppl);
    for (int i = 0; i < n; i++) printf(" %.6f", w[i]);
    putchar('\n');
    fflush(stdout);
}

int cmd_mix_weights(int argc, char **argv) {
    mix_models mm = {0};
    rlm_mix_em_options em;
    rlm_mix_em_options_init(&em);
    const char *init = NULL;
    if ((argc = mix_take_ngram_options("mix-weights", argc, argv, &mm)) < 0) return 2;
    const arg_spec specs[] = {
        {"--model", ARG_STRING, &mm.rnn_path},      {"--include-unk", ARG_FLAG, &em.include_oov},
        {"--tolerance", ARG_DOUBLE, &em.tolerance}, {"--max-iter", ARG_INT, &em.max_iterations},
        {"--init", ARG_STRING, &init},
    };
    const char *pos[1] = {NULL};
    int n_pos, status = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos,
                                           1, &n_pos, usage_text);
    if (status >= 0) return status;
    const int n = mix_n_models(&mm);
    if (n < 2) {
        fprintf(stderr, "rlm mix-weights: need at least two models (--model and --ngram, or two "
                        "--ngram), got %d\n%s", n, usage_text);
        return 2;
    }
    if (!n_pos) {
        fprintf(stderr, "rlm mix-weights: missing DEVTEXT\n%s", usage_text);
        return 2;
    }
    if (!(em.tolerance > 0) || em.max_iterations < 0) {
        fprintf(stderr, "rlm mix-weights: --tolerance must be > 0 and --max-iter >= 0\n");
        return 2;
    }
    rlm_error err = {0};
    rlm_mix_spec start = {RLM_MIX_LINEAR, n, {0}};
    for (int i = 0; i < n; i++) start.weight[i] = 1.0 / n;
    if (init) { /* the weights of a linear --mix, without the "linear:" */
        char spec_text[1024];
        snprintf(spec_text, sizeof spec_text, "linear:%s", init);
        if (rlm_mix_spec_parse(spec_text, n, "--init", &start, &err)) {
            fprintf(stderr, "rlm mix-weights: %s\n", err.message);
            return 2;
        }
    }
    rlm_mix_scores sc = {0};
    int rc = 1;
    if (mix_load("mix-weights", &mm)) goto done;
    if (rlm_mix_score_file(mm.rnn, (const rlm_ngram *const *)mm.ngrams, mm.n_ngrams, pos[0], &sc,
                           &err))
        goto done;
    printf("%s: %zu sentences, %zu tokens, %s\n", pos[0], sc.n_sentences, sc.n_tokens,
           em.include_oov ? "OOVs fitted as <unk>" : "OOVs left out");
    for (int i = 0; i < n; i++) printf("model %d: %s\n", i + 1, mix_component_name(&mm, i));
    em.on_iteration = report;
    double w[RLM_MIX_MAX_MODELS], ppl;
    int iterations;
    for (int i = 0; i < n; i++) w[i] = start.weight[i];
    if (rlm_mix_em(&sc, w, &em, &iterations, &ppl, &err)) goto done;
    printf("weights after %d iterations:", iterations);
    for (int i = 0; i < n; i++) printf(" %.6f", w[i]);
    printf("\ndev ppl= %.4f%s\n--mix linear:", ppl, em.include_oov ? " (with <unk>)" : "");
    for (int i = 0; i < n; i++) printf("%s%.6f", i ? "," : "", w[i]);
    putchar('\n');
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm mix-weights: %s\n", err.message);
    rlm_mix_scores_free(&sc);
    mix_free(&mm);
    return rc;
}
