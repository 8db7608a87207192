/* slurm-carbon: `scarbon`, the admin's and user's tool.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	sc_cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "budget", sc_cmd_budget, "what the carbon budgets have used of their period; their ledger" },
	{ "check-config", sc_cmd_check_config, "validate carbon.conf and show what it sets up" },
	{ "forecast", sc_cmd_forecast, "show the intensity forecast per zone and its greenest windows" },
	{ "learn", sc_cmd_learn, "learn run times and power per user, account and partition from sacct" },
	{ "metrics", sc_cmd_metrics, "the forecasts and the plugin's decisions for Prometheus" },
	{ "plan", sc_cmd_plan, "dry-run the decision for a job (sbatch-like options or a batch script)" },
	{ "refresh", sc_cmd_refresh, "fetch live forecasts from the providers into StateDir" },
	{ "reconcile", sc_cmd_reconcile, "record the actual emissions of ended jobs in accounting" },
	{ "report", sc_cmd_report, "emissions per user, account or partition from sacct" },
	{ "simulate", sc_cmd_simulate, "replay a job trace through the policy, the oracle and peers" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: scarbon [--config FILE] COMMAND [OPTIONS]\n"
		"\n"
		"Carbon-aware scheduling for Slurm: forecasts, plans, reports.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Global options (before or after the command):\n"
		"  --config FILE  carbon.conf to use (default: $SLURM_CARBON_CONF, else carbon.conf\n"
		"                 next to slurm.conf)\n"
		"  --help         this help; 'scarbon COMMAND --help' for a command's options\n"
		"  --version      print the version\n"
		"\n"
		"Exit status: 0 success, 1 error (bad input, invalid configuration), 2 usage error.\n"
		"See scarbon(1) and carbon.conf(5).\n");
}

/* Dispatches argv, with args (argc + 1 slots) as scratch for the
 * arguments left once --config is taken out. */
static int run(struct sc_cli *cli, int argc, char **argv, char **args)
{
	int n = 0, cmd_at = -1;

	/* Take --config out of argv wherever it stands (before "--"). */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (; i < argc; i++)
				args[n++] = argv[i];
			break;
		}
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "scarbon: --config needs a FILE\nTry 'scarbon --help'.\n");
				return SC_EXIT_USAGE;
			}
			cli->config_path = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			cli->config_path = argv[i] + 9;
			continue;
		}
		if (cmd_at < 0 && argv[i][0] != '-')
			cmd_at = n;
		if (cmd_at < 0) {
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
				usage(stdout);
				return SC_EXIT_OK;
			}
			if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
				printf("scarbon (slurm-carbon) %s, built against Slurm %s headers\n", PACKAGE_VERSION,
				       SC_SLURM_VERSION_STRING);
				return SC_EXIT_OK;
			}
			fprintf(stderr, "scarbon: unknown option '%s'\nTry 'scarbon --help'.\n", SC_PRINTABLE(argv[i]));
			return SC_EXIT_USAGE;
		}
		args[n++] = argv[i];
	}
	args[n] = NULL;
	if (cli->config_path && !*cli->config_path) {
		fprintf(stderr, "scarbon: --config needs a FILE\nTry 'scarbon --help'.\n");
		return SC_EXIT_USAGE;
	}
	if (cmd_at < 0) {
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(args[cmd_at], commands[i].name) == 0) {
			cli->cmd = commands[i].name;
			return commands[i].fn(cli, n - cmd_at, args + cmd_at);
		}
	}
	fprintf(stderr, "scarbon: unknown command '%s'\nTry 'scarbon --help'.\n", SC_PRINTABLE(args[cmd_at]));
	return SC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct sc_cli cli = { .prog = "scarbon", .cmd = "", .out = stdout, .err = stderr };
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int rc;

	if (!args) {
		fprintf(stderr, "scarbon: out of memory\n");
		return SC_EXIT_ERROR;
	}
	rc = run(&cli, argc, argv, args);
	free(args);
	return rc;
}
