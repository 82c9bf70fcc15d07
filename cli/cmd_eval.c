/* rlm eval: perplexity of a text under an RNN model, with optional per-word and per-sentence
 * log10 probabilities. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "rlm_eval.h"

static const char usage_text[] =
    "usage: rlm eval --model MODEL [TEXT] [--per-word] [--per-sentence]\n"
    "Scores TEXT (default: standard input), one sentence a line, `</s>` included.\n"
    "Log base 10 throughout. OOVs (tokens the model maps to <unk>, a literal <unk> included) are\n"
    "excluded from `ppl` and counted apart, as SRILM and KenLM do; `ppl_with_unk` includes them\n"
    "(the figure published for closed-vocabulary corpora such as PTB).\n"
    "  --per-word      print `token<TAB>log10prob` for every token, a blank line after each\n"
    "                  sentence (OOVs print as <unk>)\n"
    "  --per-sentence  print `log10prob<TAB>tokens` for every sentence\n";

int cmd_eval(int argc, char **argv) {
    const char *model_path = NULL;
    int per_word = 0, per_sentence = 0;
    const arg_spec specs[] = {
        {"--model", ARG_STRING, &model_path}, {"--per-word", ARG_FLAG, &per_word},
        {"--per-sentence", ARG_FLAG, &per_sentence},
    };
    const char *pos[1] = {NULL};
    int n_pos, help;
    if (args_parse(argc, argv, specs, sizeof specs / sizeof specs[0], pos, 1, &n_pos, &help))
        return 2;
    if (help) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!model_path) {
        fprintf(stderr, "rlm eval: --model is required\n%s", usage_text);
        return 2;
    }

    const char *text = n_pos ? pos[0] : "/dev/stdin";
    rlm_error err = {0};
    rlm_model *m = NULL;
    rlm_corpus c = {0};
    float *lp = NULL;
    rlm_eval_result r;
    int rc = 1;
    if (rlm_model_load(model_path, &m, &err) ||
        rlm_corpus_load(rlm_model_vocab(m), text, &c, &err))
        goto done;
    lp = malloc((c.n_ids ? c.n_ids : 1) * sizeof(float));
    if (!lp) {
        fprintf(stderr, "rlm eval: out of memory\n");
        goto done;
    }
    if (rlm_model_eval_corpus(m, &c, lp, &r, &err)) goto done;
    const rlm_vocab *v = rlm_model_vocab(m);
    if (per_word || per_sentence) {
        double sent = 0;
        size_t start = 0;
        for (size_t i = 0; i < c.n_ids; i++) {
            if (per_word) printf("%s\t%.6f\n", rlm_vocab_token(v, c.ids[i]), lp[i]);
            sent += lp[i];
            if (c.ids[i] != RLM_EOS_ID) continue;
            if (per_word) putchar('\n');
            if (per_sentence) printf("%.6f\t%zu\n", sent, i + 1 - start);
            sent = 0, start = i + 1;
        }
    }
    printf("%s: %zu sentences, %zu tokens (words and </s>), %zu OOV\n", n_pos ? pos[0] : "stdin",
           r.sentences, r.tokens, r.oov);
    printf("log10prob= %.4f ppl= %.3f (OOVs excluded)\n", r.log10prob, rlm_eval_perplexity(&r));
    printf("log10prob_with_unk= %.4f ppl_with_unk= %.3f (OOVs scored as <unk>)\n", r.log10prob_unk,
           rlm_eval_perplexity_unk(&r));
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm eval: %s\n", err.message);
    free(lp);
    rlm_corpus_free(&c);
    rlm_model_free(m);
    return rc;
}
