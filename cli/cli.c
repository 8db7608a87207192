/* slurm-carbon: what every `scarbon` subcommand shares.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "cli/cli.h"
#include "base/units.h"
#include "record/record.h"

int sc_cli_usage(struct sc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(cli->err, "%s %s: ", cli->prog, cli->cmd);
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fprintf(cli->err, "\nTry '%s %s --help'.\n", cli->prog, cli->cmd);
	return SC_EXIT_USAGE;
}

int sc_cli_fail(struct sc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(cli->err, "%s %s: ", cli->prog, cli->cmd);
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fputc('\n', cli->err);
	return SC_EXIT_ERROR;
}

int sc_cli_bad_option(struct sc_cli *cli, int c, char **argv, const struct option *lopts)
{
	const char *a = optind > 0 ? argv[optind - 1] : "";
	char list[256] = "";
	size_t used = 0;
	int len, matches = 0;

	if (strncmp(a, "--", 2) != 0) {
		if (c == ':')
			return sc_cli_usage(cli, "option '-%c' needs a value", optopt);
		return sc_cli_usage(cli, "unknown option '-%c'", optopt);
	}
	len = (int)strcspn(a, "=");
	if (c == ':')
		return sc_cli_usage(cli, "option '%.*s' needs a value", len, a);
	if (optopt && a[len] == '=')
		return sc_cli_usage(cli, "option '%.*s' takes no value", len, a);
	/* getopt_long takes unique abbreviations: name what one stands for. */
	for (const struct option *o = lopts; o && o->name; o++) {
		if (strncmp(o->name, a + 2, (size_t)len - 2) != 0)
			continue;
		matches++;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s--%s", used ? ", " : "",
						 o->name);
	}
	if (matches > 1)
		return sc_cli_usage(cli, "ambiguous option '%s' (%s)", SC_PRINTABLE_N(a, (size_t)len), list);
	return sc_cli_usage(cli, "unknown option '%s'", SC_PRINTABLE_N(a, (size_t)len));
}

struct sc_conf *sc_cli_load_conf(struct sc_cli *cli)
{
	struct sc_diag diag = { 0 };
	char *located = NULL;
	const char *path = cli->config_path;
	struct sc_conf *conf;

	if (!path) {
		located = sc_conf_locate(NULL);
		if (!located) {
			sc_cli_fail(cli, "out of memory");
			return NULL;
		}
		path = located;
	}
	conf = sc_conf_load(path, &diag);
	if (!conf) {
		for (size_t i = 0; i < diag.n; i++)
			fprintf(cli->err, "%s\n", diag.msgs[i]);
		if (!diag.n)
			fprintf(cli->err, "%s: invalid configuration\n", SC_PRINTABLE(path));
		fprintf(cli->err, "%s %s: %zu error%s in %s%s\n", cli->prog, cli->cmd, diag.n,
			diag.n == 1 ? "" : "s", SC_PRINTABLE(path),
			cli->config_path ? "" : " (use --config FILE or SLURM_CARBON_CONF for another file)");
	}
	sc_diag_free(&diag);
	free(located);
	return conf;
}

int sc_cli_now(struct sc_cli *cli, const char *arg, int64_t *now)
{
	struct sc_err err;
	int64_t wall = (int64_t)time(NULL);

	if (!arg) {
		*now = wall;
		return 0;
	}
	if (sc_parse_time(arg, wall, now, &err) < 0) {
		sc_cli_usage(cli, "--now: %s", err.msg);
		return -1;
	}
	return 0;
}

int sc_cli_choice(struct sc_cli *cli, const char *option, const char *s,
		  const char *const *names)
{
	char list[256] = "";
	size_t used = 0;

	for (int i = 0; names[i]; i++)
		if (s && strcasecmp(s, names[i]) == 0)
			return i;
	for (int i = 0; names[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
	sc_cli_usage(cli, "%s: invalid value '%s': expected one of %s", option, SC_PRINTABLE(s), list);
	return -1;
}

int sc_cli_selected(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return n == 0;
}

int sc_cli_print_json(struct sc_cli *cli, const struct json_t *j, int pretty)
{
	char *s = pretty ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))
			 : sc_json_dumps(j);

	if (!s)
		return -1;
	fprintf(cli->out, "%s\n", s);
	free(s);
	return 0;
}
