#include "mix_cli.h"

#include <stdio.h>
#include <string.h>

int mix_take_ngram_options(const char *cmd, int argc, char **argv, mix_models *m) {
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ngram")) {
            argv[kept++] = argv[i];
            continue;
        }
        if (i + 1 == argc) {
            fprintf(stderr, "rlm %s: --ngram needs a value (an ARPA or binary n-gram file)\n", cmd);
            return -1;
        }
        if (m->n_ngrams + 1 >= RLM_MIX_MAX_MODELS) { /* one place stays for the RNN */
            fprintf(stderr, "rlm %s: at most %d --ngram models\n", cmd, RLM_MIX_MAX_MODELS - 1);
            return -1;
        }
        m->ngram_paths[m->n_ngrams++] = argv[++i];
    }
    argv[kept] = NULL;
    return kept;
}

int mix_load(const char *cmd, mix_models *m) {
    rlm_error err = {0};
    if (m->rnn_path && rlm_model_load(m->rnn_path, &m->rnn, &err)) {
        fprintf(stderr, "rlm %s: %s\n", cmd, err.message);
        return 1;
    }
    rlm_ngram_options opts;
    rlm_ngram_options_init(&opts);
    for (int j = 0; j < m->n_ngrams; j++) {
        if (rlm_ngram_open(m->ngram_paths[j], &opts, &m->ngrams[j], &err)) {
            fprintf(stderr, "rlm %s: %s\n", cmd, err.message);
            return 1;
        }
        if (!rlm_ngram_has_unk(m->ngrams[j])) /* as rlm ngram warns, and KenLM */
            fprintf(stderr, "rlm %s: %s has no <unk>; it gets log10 probability %g\n", cmd,
                    m->ngram_paths[j], (double)opts.unk_log10prob);
    }
    return 0;
}

int mix_n_models(const mix_models *m) { return (m->rnn_path ? 1 : 0) + m->n_ngrams; }

const char *mix_component_name(const mix_models *m, int i) {
    if (m->rnn_path) {
        if (i == 0) return m->rnn_path;
        i--;
    }
    return m->ngram_paths[i];
}

void mix_free(mix_models *m) {
    rlm_model_free(m->rnn);
    m->rnn = NULL;
    for (int j = 0; j < m->n_ngrams; j++) {
        rlm_ngram_close(m->ngrams[j]);
        m->ngrams[j] = NULL;
    }
}
