/* The subcommands of the `rlm` tool. Each lives in its own cli/cmd_NAME.c and is listed in the
 * table in cli/main.c. A command returns the process exit status: 0 on success, 1 on a failed
 * operation (message printed to stderr), 2 on a usage error. */
#ifndef RLM_CLI_COMMANDS_H
#define RLM_CLI_COMMANDS_H

/* one declaration per command, in the order of the table in main.c */
int cmd_tokenize(int argc, char **argv);
int cmd_vocab(int argc, char **argv);
int cmd_ngram(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_mix_weights(int argc, char **argv);
int cmd_nbest(int argc, char **argv);
int cmd_lattice(int argc, char **argv);
int cmd_wer(int argc, char **argv);
int cmd_bleu(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_ctc_decode(int argc, char **argv);
int cmd_spell(int argc, char **argv);
int cmd_run(int argc, char **argv);


#endif
