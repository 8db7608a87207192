/* slurm-carbon: what every `scarbon` subcommand shares.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Exit status (product contract): 0 success, 1 a reported error (bad input,
 * invalid config), 2 usage error. Every subcommand takes --help; the global
 * --config FILE is accepted before or after the subcommand and is removed
 * from argv before the subcommand sees it.
 */
#ifndef SC_CLI_CLI_H
#define SC_CLI_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "config/conf.h"
#include "forecast/snapshot.h"

#define SC_EXIT_OK 0
#define SC_EXIT_ERROR 1
#define SC_EXIT_USAGE 2

struct sc_cli {
	const char *prog;        /* "scarbon" */
	const char *cmd;         /* the subcommand's name */
	const char *config_path; /* --config, or NULL: sc_conf_locate() */
	FILE *out;               /* stdout */
	FILE *err;               /* stderr */
};

/* A subcommand: argv[0] is its name; returns an exit status. */
typedef int (*sc_cmd_fn)(struct sc_cli *cli, int argc, char **argv);

/* The subcommands (cli/cmd_<name>.c). */
int sc_cmd_budget(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_check_config(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_forecast(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_metrics(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_learn(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_plan(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_refresh(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_reconcile(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_report(struct sc_cli *cli, int argc, char **argv);
int sc_cmd_simulate(struct sc_cli *cli, int argc, char **argv);

/* Prints "scarbon <cmd>: <message>" and "Try 'scarbon <cmd> --help'." to
 * cli->err; returns SC_EXIT_USAGE. */
int sc_cli_usage(struct sc_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports the option that getopt_long refused, as a usage error: c is what
 * it returned ('?' or ':'; the optstring must start with "+:" so that a
 * missing value gives ':'), argv and lopts (borrowed) what it was given.
 * Says which option and what was wrong with it: "unknown option '--x'",
 * "ambiguous option '--n' (--now, --no-archive)", "option '--zone' needs a
 * value", "option '--quiet' takes no value". Returns SC_EXIT_USAGE. */
struct option;
int sc_cli_bad_option(struct sc_cli *cli, int c, char **argv, const struct option *lopts);

/* Prints "scarbon <cmd>: <message>" to cli->err; returns SC_EXIT_ERROR. */
int sc_cli_fail(struct sc_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Loads carbon.conf (cli->config_path, else sc_conf_locate(NULL)); prints
 * every error to cli->err. NULL on failure (then exit SC_EXIT_ERROR). */
struct sc_conf *sc_cli_load_conf(struct sc_cli *cli);

/* Parses --now (NULL: the current time). Returns 0 or -1 after printing a
 * usage error (then exit SC_EXIT_USAGE). */
int sc_cli_now(struct sc_cli *cli, const char *arg, int64_t *now);

/* The output formats of the subcommands that print data (--format), as
 * indexes into their lists of names: a command's list names them in this
 * order, e.g. { [SC_OUT_TEXT] = "text", [SC_OUT_JSON] = "json", NULL }. */
enum sc_out_format { SC_OUT_TEXT, SC_OUT_JSON, SC_OUT_CSV };

/* Index of s in the NULL-terminated list names (exact, case-insensitive),
 * else prints a usage error naming option and the accepted values and
 * returns -1. */
int sc_cli_choice(struct sc_cli *cli, const char *option, const char *s,
		  const char *const *names);

/* Whether name is one of names[0..n-1] (exact, as zone names compare), or
 * n is 0 (nothing named: everything is selected). For repeatable options
 * such as --zone. */
int sc_cli_selected(char *const *names, int n, const char *name);

/* Writes a JSON value (jansson) followed by a newline, with the project's
 * encoding (sc_json_dumps) or indented when pretty. Returns 0 or -1. */
struct json_t;
int sc_cli_print_json(struct sc_cli *cli, const struct json_t *j, int pretty);

#endif
