/* rlm run's scoring (cli/cmd_run.c): WER (as rlm wer counts it) and BLEU statistics (as rlm
 * bleu sums them) of a 1-best file, and of n-best lists' own first hypotheses and their oracle,
 * against references. The numbers come from decoder-glue/rlm_metrics.h, the same calls rlm wer
 * and rlm bleu make, so the report's table equals those commands on the same files. */
#ifndef RLM_CLI_RUN_SCORE_H
#define RLM_CLI_RUN_SCORE_H

#include "rlm_metrics.h"

typedef struct run_score {
    rlm_wer_counts wer;
    rlm_bleu_stats bleu;
} run_score;

/* hyp against ref: Kaldi text (`utt-id word ...`, matched by id), or with flags RLM_TRN_PLAIN
 * one sentence a line. 0, or 1 after printing what is wrong. */
int run_score_file(const char *ref, const char *hyp, int flags, run_score *out);

/* n-best lists (format as rlm nbest --format names it, files as it takes them) against Kaldi
 * text references: *baseline scores each utterance's first hypothesis (the lists' own ranking),
 * *oracle the hypothesis with the fewest WER errors, or with by_bleu the highest smoothed
 * sentence BLEU (rlm_bleu_sentence_smoothed), the first of equal ones. Every reference needs a
 * list and every list a reference. 0, or 1 after printing what is wrong. */
int run_score_lists(const char *format, const char *const *inputs, int n_inputs,
                    const char *ref, int by_bleu, run_score *baseline, run_score *oracle);

#endif
