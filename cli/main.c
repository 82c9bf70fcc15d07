/* rlm: the command-line front end. Dispatches `rlm COMMAND ...` to cli/cmd_COMMAND.c. */
#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    /* one line per cli/cmd_NAME.c, in the order `rlm --help` lists them */
    {"tokenize", cmd_tokenize, "normalise raw English text: lowercase, split punctuation off"},
    {"vocab", cmd_vocab, "build a vocabulary file from a text, or show one"},
    {"ngram", cmd_ngram, "ARPA n-gram models: query, build-binary"},
    {"train", cmd_train, "train an RNN, LSTM or GRU language model"},
    {"eval", cmd_eval, "perplexity and per-word/per-sentence log10 probabilities of a text"},
    {"generate", cmd_generate, "sample sentences from a model"},
    {"complete", cmd_complete, "the most probable next tokens after a prefix"},
    {"mix-weights", cmd_mix_weights, "mixture weights for RNN + n-grams by EM on a dev text"},
    {"nbest", cmd_nbest, "rescore and rerank n-best lists (Kaldi, SRILM, Moses, pocketsphinx, TSV)"},
    {"lattice", cmd_lattice, "rescore word lattices (Kaldi, SLF) with RNN histories; best and n-best paths"},
    {"wer", cmd_wer, "word/character error rate against references, counted as NIST sclite does"},
    {"bleu", cmd_bleu, "corpus BLEU-4 (sacreBLEU's) and smoothed sentence BLEU"},
    {"tune", cmd_tune, "choose LM weight, insertion penalty and interpolation on dev n-best lists (WER or BLEU)"},
    {"ctc-decode", cmd_ctc_decode, "CTC prefix beam search over label posteriors, with a char or word LM fused in"},
    {"spell", cmd_spell, "spelling correction: hunspell's near misses, chosen by the LM in context"},
    {"run", cmd_run, "run the whole job a YAML recipe describes (rlm run RECIPE.yaml [--dry-run])"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: rlm COMMAND [options]   (rlm COMMAND --help for each)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    /* Every product the commands make is small (one sentence, one step, one training share per
     * thread), where OpenBLAS's own threads cost more than they give and their idle polling
     * takes a core from the work; `rlm train` runs its own data-parallel threads instead. */
    openblas_set_num_threads(1);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rlm: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
