/* rlm eval: perplexity of a text under an RNN model, an n-gram model, or a mixture of an RNN and
 * n-gram models (lm/rlm_mix.h), with optional per-word and per-sentence log10 probabilities. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "mix_cli.h"
#include "rlm_eval.h"

static const char usage_text[] =
    "usage: rlm eval [--model MODEL] [--ngram LM ...] [--mix linear:W|loglinear:W] [TEXT]\n"
    "                [--per-word] [--per-sentence]\n"
    "Scores TEXT (default: standard input), one sentence a line, `</s>` included.\n"
    "Log base 10 throughout. OOVs (tokens the model maps to <unk>, a literal <unk> included) are\n"
    "excluded from `ppl` and counted apart, as SRILM and KenLM do; `ppl_with_unk` includes them\n"
    "(the figure published for closed-vocabulary corpora such as PTB).\n"
    "  --model MODEL   an RNN model (rlm train)\n"
    "  --ngram LM      an ARPA (plain, .gz, .xz) or binary n-gram model; repeatable. Alone: the\n"
    "                  n-gram perplexity (as rlm ngram perplexity); with --model or another\n"
    "                  --ngram: a mixture, which needs --mix\n"
    "  --mix SPEC      linear:W  P = W P_rnn + (1-W) P_ngram, per token (SRILM, rnnlm)\n"
    "                  loglinear:W  log P = W log P_rnn + (1-W) log P_ngram (Kaldi, ESPnet):\n"
    "                  unnormalised, so its `ppl` is a tuning score, not a perplexity.\n"
    "                  With more models give every weight, RNN first: linear:0.5,0.3,0.2\n"
    "                  (linear weights in [0,1] summing to 1; rlm mix-weights estimates them).\n"
    "                  In a mixture an OOV is a token no model knows; a token one model lacks\n"
    "                  but another knows gets that model's P(<unk>) divided among the words it\n"
    "                  lacks (see lm/rlm_mix.h), counted as `unk_share` per model.\n"
    "  --per-word      print `token<TAB>log10prob` for every token, a blank line after each\n"
    "                  sentence (OOVs print as <unk>)\n"
    "  --per-sentence  print `log10prob<TAB>tokens` for every sentence\n";

static int eval_mixture(mix_models *mm, const char *mix_text, const char *text,
                        const char *text_name, int per_word, int per_sentence);

int cmd_eval(int argc, char **argv) {
    const char *model_path = NULL, *mix_text = NULL;
    int per_word = 0, per_sentence = 0;
    mix_models mm = {0};
    if ((argc = mix_take_ngram_options("eval", argc, argv, &mm)) < 0) return 2;
    const arg_spec specs[] = {
        {"--model", ARG_STRING, &model_path}, {"--per-word", ARG_FLAG, &per_word},
        {"--per-sentence", ARG_FLAG, &per_sentence}, {"--mix", ARG_STRING, &mix_text},
    };
    const char *pos[1] = {NULL};
    int n_pos, status = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos,
                                           1, &n_pos, usage_text);
    if (status >= 0) return status;
    if (!model_path && !mm.n_ngrams)
        return args_usage_error("eval", usage_text, "%s", "--model or --ngram is required");

    const char *text = n_pos ? pos[0] : "/dev/stdin";
    if (mm.n_ngrams) {
        mm.rnn_path = model_path;
        return eval_mixture(&mm, mix_text, text, n_pos ? pos[0] : "stdin", per_word,
                            per_sentence);
    }
    if (mix_text) {
        fprintf(stderr, "rlm eval: --mix needs at least one --ngram model to mix with\n");
        return 2;
    }
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

static void print_mixture_info(const mix_models *mm, const rlm_mix_scores *sc,
                               const rlm_mix_spec *spec) {
    const int n = sc->n_models;
    printf("mix= %s", spec->kind == RLM_MIX_LINEAR ? "linear" : "loglinear");
    for (int i = 0; i < n; i++) printf("%c%g", i ? ',' : ':', spec->weight[i]);
    printf(" (weights in the order");
    for (int i = 0; i < n; i++) printf(" %s", mix_component_name(mm, i));
    printf(")\n");
    if (spec->kind == RLM_MIX_LOGLINEAR)
        printf("note: a log-linear mixture is unnormalised: its ppl is a score for tuning, not a "
               "perplexity\n");
    printf("union vocabulary: %llu words\n", (unsigned long long)sc->union_types);
    /* each component alone on the same tokens, so the gain of mixing can be read off */
    for (int i = 0; i < n; i++) {
        rlm_mix_spec one = {RLM_MIX_LINEAR, n, {0}};
        one.weight[i] = 1;
        rlm_mix_result r;
        rlm_mix_combine(sc, &one, NULL, &r, NULL);
        printf("model %d %s: ppl= %.3f ppl_with_unk= %.3f unk_share= %zu tokens (P(<unk>) "
               "divided among %llu words it lacks)\n",
               i + 1, mix_component_name(mm, i), rlm_mix_perplexity(&r),
               rlm_mix_perplexity_unk(&r), r.unk_share[i],
               (unsigned long long)sc->missing_types[i]);
    }
}

static int eval_mixture(mix_models *mm, const char *mix_text, const char *text,
                        const char *text_name, int per_word, int per_sentence) {
    const int n = mix_n_models(mm);
    rlm_error err = {0};
    rlm_mix_spec spec = {RLM_MIX_LINEAR, 1, {1}};
    if (n > 1 && !mix_text) {
        fprintf(stderr, "rlm eval: %d models: say how to mix them with --mix, e.g. --mix "
                        "linear:0.5 (rlm mix-weights estimates the weights)\n", n);
        return 2;
    }
    if (mix_text && rlm_mix_spec_parse(mix_text, n, "--mix", &spec, &err)) {
        fprintf(stderr, "rlm eval: %s\n", err.message);
        return 2;
    }
    rlm_mix_scores sc = {0};
    float *lp = NULL;
    int rc = 1;
    if (mix_load("eval", mm)) goto done;
    if (rlm_mix_score_file(mm->rnn, (const rlm_ngram *const *)mm->ngrams, mm->n_ngrams, text, &sc,
                           &err))
        goto done;
    lp = malloc((sc.n_tokens ? sc.n_tokens : 1) * sizeof *lp);
    if (!lp) {
        fprintf(stderr, "rlm eval: out of memory\n");
        goto done;
    }
    rlm_mix_result r;
    if (rlm_mix_combine(&sc, &spec, lp, &r, &err)) goto done;
    if (per_word || per_sentence) {
        double sent = 0;
        size_t start = 0;
        for (size_t i = 0; i < sc.n_tokens; i++) {
            int eos = sc.flags[i] & RLM_MIX_EOS;
            if (per_word)
                printf("%s\t%.6f\n",
                       sc.flags[i] & RLM_MIX_OOV ? "<unk>" : sc.spellings + sc.spelling_at[i],
                       lp[i]);
            sent += lp[i];
            if (!eos) continue;
            if (per_word) putchar('\n');
            if (per_sentence) printf("%.6f\t%zu\n", sent, i + 1 - start);
            sent = 0, start = i + 1;
        }
    }
    printf("%s: %zu sentences, %zu tokens (words and </s>), %zu OOV\n", text_name, r.sentences,
           r.tokens, r.oov);
    printf("log10prob= %.4f ppl= %.3f (OOVs excluded)\n", r.log10prob, rlm_mix_perplexity(&r));
    printf("log10prob_with_unk= %.4f ppl_with_unk= %.3f (OOVs scored as <unk>)\n",
           r.log10prob_unk, rlm_mix_perplexity_unk(&r));
    if (n > 1) print_mixture_info(mm, &sc, &spec);
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm eval: %s\n", err.message);
    free(lp);
    rlm_mix_scores_free(&sc);
    mix_free(mm);
    return rc;
}
