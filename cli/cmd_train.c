/* rlm train: build or read a vocabulary, create a model, train it, keep the best. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "rlm_train.h"

static const char usage_text[] =
    "usage: rlm train --train TEXT --valid TEXT -o MODEL [options]\n"
    "       rlm train --resume CHECKPOINT --train TEXT --valid TEXT -o MODEL\n"
    "Texts have one sentence a line, tokens separated by spaces (rlm tokenize makes them).\n"
    "vocabulary:\n"
    "  --vocab FILE           use this vocabulary file (rlm vocab build); otherwise build one:\n"
    "  --char                 character-level tokens   --min-count N  --max-size N\n"
    "  --classes N            output classes (default sqrt of the vocabulary size)\n"
    "model:\n"
    "  --cell lstm|gru|rnn|rnn-relu (lstm)  --layers N (1)  --embed N (200)  --hidden N (200)\n"
    "  --output class|full (class)  --tied  --dropout P (0)  --independent-sentences\n"
    "training:\n"
    "  --optimizer sgd|adam (sgd)  --lr X (sgd: 20 lstm/gru, 5 rnn; adam: 0.002)\n"
    "  --clip X (0.25)  --batch B (32)  --bptt T (20)  --epochs N (20)\n"
    "  --min-improvement X (1.003): halve the rate once an epoch improves less than this\n"
    "  --max-minutes M        start no epoch that would end after M minutes (0: no limit)\n"
    "  --weight-decay X (0)  --seed N (1)  --threads N (data-parallel shares; default: one per\n"
    "                         processor; the same seed and threads give the same model)\n"
    "  --checkpoint FILE (MODEL.ckpt)  --checkpoint-minutes M (0: at epoch ends only)\n"
    "output:\n"
    "  --log FILE             one JSON line per epoch\n"
    "  --progress / --quiet   progress on stderr (default: when stderr is a terminal)\n";

/* Set by SIGINT/SIGTERM: training stops at the next chunk, writing a checkpoint first. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

typedef struct progress_ctx {
    int live; /* rewrite one status line */
    int epochs_to_stderr;
    FILE *log;
} progress_ctx;

static int on_progress(const rlm_train_progress *p, void *user) {
    progress_ctx *c = user;
    if (!p->epoch_done) {
        if (c->live)
            fprintf(stderr,
                    "\repoch %d/%d %5.1f%%  %.0f words/s  ETA %ds  train ppl %.1f  lr %.4g   ",
                    p->epoch, p->max_epochs, 100 * p->fraction, p->words_per_s, (int)p->eta_s,
                    p->train_ppl, p->learning_rate);
        return interrupted;
    }
    if (c->live || c->epochs_to_stderr)
        fprintf(stderr,
                "%sepoch %d: train ppl %.2f, valid ppl %.2f%s, %.0f words/s, %.1f s, lr %.4g\n",
                c->live ? "\r" : "", p->epoch, p->train_ppl, p->valid_ppl,
                p->improved ? " (best)" : "", p->words_per_s, p->seconds, p->learning_rate);
    if (c->log) {
        fprintf(c->log,
                "{\"epoch\": %d, \"train_ppl\": %.4f, \"valid_ppl\": %.4f, \"best_valid_ppl\": "
                "%.4f, \"learning_rate\": %.6g, \"words_per_s\": %.1f, \"seconds\": %.2f, "
                "\"improved\": %s}\n",
                p->epoch, p->train_ppl, p->valid_ppl, p->best_valid_ppl, p->learning_rate,
                p->words_per_s, p->seconds, p->improved ? "true" : "false");
        fflush(c->log);
    }
    return interrupted;
}

static int fail(const rlm_error *err) {
    fprintf(stderr, "rlm train: %s\n", err->message);
    return 1;
}

int cmd_train(int argc, char **argv) {
    rlm_model_config cfg = rlm_model_default_config();
    rlm_train_options opt = rlm_train_default_options();
    rlm_vocab_options vo = rlm_vocab_default_options();
    const char *train_path = NULL, *valid_path = NULL, *out = NULL, *vocab_path = NULL;
    const char *cell = "lstm", *output = "class", *optimizer = "sgd", *log_path = NULL;
    const char *resume = NULL, *checkpoint = NULL;
    int tied = 0, independent = 0, char_level = 0, progress = 0, quiet = 0;
    int32_t threads = 0, classes = 0;
    float lr = NAN; /* unset: the optimiser's default */
    double max_minutes = 0;
    const arg_spec specs[] = {
        {"--train", ARG_STRING, &train_path}, {"--valid", ARG_STRING, &valid_path},
        {"-o", ARG_STRING, &out}, {"--vocab", ARG_STRING, &vocab_path},
        {"--char", ARG_FLAG, &char_level}, {"--min-count", ARG_U64, &vo.min_count},
        {"--max-size", ARG_U64, &vo.max_size}, {"--classes", ARG_INT, &classes},
        {"--cell", ARG_STRING, &cell}, {"--layers", ARG_INT, &cfg.layers},
        {"--embed", ARG_INT, &cfg.embed_size}, {"--hidden", ARG_INT, &cfg.hidden_size},
        {"--output", ARG_STRING, &output}, {"--tied", ARG_FLAG, &tied},
        {"--dropout", ARG_FLOAT, &cfg.dropout},
        {"--independent-sentences", ARG_FLAG, &independent},
        {"--optimizer", ARG_STRING, &optimizer}, {"--lr", ARG_FLOAT, &lr},
        {"--clip", ARG_FLOAT, &opt.clip}, {"--batch", ARG_INT, &opt.batch},
        {"--bptt", ARG_INT, &opt.bptt}, {"--epochs", ARG_INT, &opt.max_epochs},
        {"--max-minutes", ARG_DOUBLE, &max_minutes},
        {"--min-improvement", ARG_FLOAT, &opt.min_improvement},
        {"--weight-decay", ARG_FLOAT, &opt.weight_decay}, {"--seed", ARG_U64, &opt.seed},
        {"--threads", ARG_INT, &threads}, {"--checkpoint", ARG_STRING, &checkpoint},
        {"--checkpoint-minutes", ARG_DOUBLE, &opt.checkpoint_minutes},
        {"--log", ARG_STRING, &log_path}, {"--progress", ARG_FLAG, &progress},
        {"--quiet", ARG_FLAG, &quiet}, {"--resume", ARG_STRING, &resume},
    };
    int n_pos, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], NULL,
                                       0, &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (!train_path || !valid_path || !out) {
        return args_usage_error("train", usage_text, "%s", "--train, --valid and -o are required");
    }
    int c = rlm_cell_type_parse(cell);
    if (c < 0) {
        fprintf(stderr, "rlm train: --cell: '%s' is not lstm, gru, rnn or rnn-relu\n", cell);
        return 2;
    }
    cfg.cell = (rlm_cell_type)c;
    if (strcmp(output, "class") && strcmp(output, "full")) {
        fprintf(stderr, "rlm train: --output: '%s' is not class or full\n", output);
        return 2;
    }
    cfg.output = strcmp(output, "class") ? RLM_OUTPUT_FULL : RLM_OUTPUT_CLASS;
    if (strcmp(optimizer, "sgd") && strcmp(optimizer, "adam")) {
        fprintf(stderr, "rlm train: --optimizer: '%s' is not sgd or adam\n", optimizer);
        return 2;
    }
    opt.optimizer = strcmp(optimizer, "sgd") ? RLM_OPT_ADAM : RLM_OPT_SGD;
    /* Defaults that train well on PTB: plain Elman cells diverge at the rate gated cells like */
    opt.learning_rate = !isnan(lr)                     ? lr
                        : opt.optimizer == RLM_OPT_ADAM ? 0.002f
                        : cfg.cell == RLM_CELL_LSTM || cfg.cell == RLM_CELL_GRU ? 20.0f
                                                                              : 5.0f;
    cfg.tied = tied, cfg.independent_sentences = independent;
    vo.char_level = char_level, vo.num_classes = classes;
    opt.threads = threads;
    opt.max_seconds = max_minutes * 60;

    char ckpt_default[4096];
    snprintf(ckpt_default, sizeof ckpt_default, "%s.ckpt", out);
    opt.best_path = out;
    opt.checkpoint_path = checkpoint ? checkpoint : ckpt_default;
    progress_ctx pc = {!quiet && (progress || isatty(2)), progress, NULL};
    if (log_path && !(pc.log = fopen(log_path, resume ? "a" : "w"))) {
        perror(log_path);
        return 1;
    }
    opt.progress = on_progress, opt.progress_user = &pc;
    opt.progress_interval_s = 0.5;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    rlm_error err = {0};
    rlm_vocab *vocab = NULL;
    rlm_model *m = NULL;
    rlm_corpus train = {0}, valid = {0};
    rc = 1;
    if (resume) {
        /* the checkpoint holds the vocabulary; read it to load the texts */
        rlm_model *probe;
        if (rlm_model_load(resume, &probe, &err)) goto done;
        if (rlm_corpus_load(rlm_model_vocab(probe), train_path, &train, &err) ||
            rlm_corpus_load(rlm_model_vocab(probe), valid_path, &valid, &err)) {
            rlm_model_free(probe);
            goto done;
        }
        rlm_model_free(probe);
    } else {
        if (vocab_path ? rlm_vocab_read(vocab_path, &vocab, &err)
                       : rlm_vocab_build(train_path, &vo, &vocab, &err))
            goto done;
        if (rlm_corpus_load(vocab, train_path, &train, &err) ||
            rlm_corpus_load(vocab, valid_path, &valid, &err))
            goto done;
        rlm_status s = rlm_model_new(&cfg, vocab, opt.seed, &m, &err);
        vocab = NULL; /* the model owns it now, also on failure */
        if (s) goto done;
        if (pc.live || progress)
            fprintf(stderr, "rlm train: %s, %d layer(s), embed %d, hidden %d, %s output, %d ids, "
                            "%zu parameters; %zu training tokens\n",
                    rlm_cell_type_name(cfg.cell), cfg.layers, cfg.embed_size, cfg.hidden_size,
                    output, rlm_vocab_size(rlm_model_vocab(m)), rlm_model_num_params(m),
                    train.n_ids);
    }
    if (!train.n_ids || !valid.n_ids) {
        rlm_fail(&err, RLM_E_ARG, "%s: no sentences to %s", train.n_ids ? valid_path : train_path,
                 train.n_ids ? "validate on" : "train on");
        goto done;
    }
    rlm_train_result res;
    if (resume ? rlm_train_resume(resume, &train, &valid, &opt, &m, &res, &err)
               : rlm_train(m, &train, &valid, &opt, &res, &err))
        goto done;
    if (res.stopped) {
        fprintf(stderr, "\nrlm train: interrupted; continue with: rlm train --resume %s "
                        "--train %s --valid %s -o %s\n", opt.checkpoint_path, train_path,
                valid_path, out);
        rc = 130;
        goto done;
    }
    if (rlm_model_save(m, out, &err)) goto done;
    printf("%s: best valid ppl %.2f after %d epochs, %.0f words/s, %.1f s\n", out,
           res.best_valid_ppl, res.epochs, res.words_per_s, res.seconds);
    rc = 0;
done:
    if (rc == 1) fail(&err);
    if (pc.log) fclose(pc.log);
    rlm_corpus_free(&train);
    rlm_corpus_free(&valid);
    rlm_vocab_free(vocab);
    rlm_model_free(m);
    return rc;
}
