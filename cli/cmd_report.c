/* slurm-carbon: `scarbon report` — emissions per user, account or partition
 * from Slurm accounting.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Who sees what is sacct's business: scarbon asks for every user's jobs
 * (--allusers) only for operators (root, SlurmUser, AdminLevel Operator or
 * Administrator) or when the user says -a, as sacct would; otherwise sacct
 * returns the caller's own jobs, or what PrivateData lets them see.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/intensity.h"
#include "base/file.h"
#include "acct/report.h"
#include "acct/sacct.h"
#include "acct/slurmcmd.h"
#include "cli/cli.h"
#include "base/units.h"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon report [-S TIME] [-E TIME] [-g user|account|partition]\n"
		"                      [-u USERS] [-A ACCOUNTS] [-r PARTITIONS] [-a]\n"
		"                      [--format table|parsable|csv|json|html] [--input FILE]\n"
		"\n"
		"Jobs, CPU-hours, GPU-hours, kWh and kgCO2e per user (default), account or\n"
		"partition, from Slurm accounting: the reconciled figure (scarbon reconcile)\n"
		"where there is one, else the estimate made at submission; kgCO2e avoided\n"
		"against running each job when and where it was submitted; the mean delay\n"
		"chosen for carbon. The report says how much is reconciled and how much\n"
		"estimated. Only jobs that started count.\n"
		"\n"
		"  -S, --starttime TIME   jobs running at or after TIME (sacct's formats, UTC;\n"
		"                         default: sacct's, 00:00 today)\n"
		"  -E, --endtime TIME     jobs running before TIME (default: now)\n"
		"  -g, --group-by KEY     user (default), account or partition\n"
		"  -u, --users LIST       only these users (comma-separated)\n"
		"  -A, --accounts LIST    only these accounts\n"
		"  -r, --partitions LIST  only these partitions\n"
		"  -a, --allusers         every user's jobs, as sacct -a (the default for operators;\n"
		"                         sacct decides what others may see)\n"
		"  --format FORMAT        table (default, aligned like sreport), parsable ('|' like\n"
		"                         sacct -P), csv, json ({\"rows\":[...],\"total\":{...}}), or html\n"
		"                         (one self-contained page with charts)\n"
		"  --input FILE           read a saved dump instead of running sacct ('-': stdin),\n"
		"                         made with: TZ=UTC sacct -P --noconvert -X -o\n"
		"                         %s\n"
		"                         (more columns, another order, or step lines are fine);\n"
		"                         then -S/-E take ISO 8601 or now[+-]N[units]\n"
		"  --now TIME             the current time for -S/-E with --input (default: the clock)\n"
		"  -h, --help             this help\n"
		"\n"
		"With --format html, the intensity curve comes from carbon.conf's zones (the\n"
		"archive of actual intensities in StateDir, or the zone's file): --config FILE, or\n"
		"the default carbon.conf when it can be read.\n"
		"\n"
		"Exit status: 0 success, 1 error (sacct failed, unreadable input), 2 usage error.\n",
		SC_SACCT_FIELDS);
}

struct filter {
	char **users, **accounts, **parts;
	size_t n_users, n_accounts, n_parts;
	int64_t from, to; /* --input only; 0: none */
};

struct rctx {
	struct sc_cli *cli;
	struct sc_report *rep;
	struct filter *f;
	long warnings;
};

static int in_list(char **list, size_t n, const char *s)
{
	if (!n)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int on_job(const struct sc_acct_job *job, void *arg)
{
	struct rctx *c = arg;
	const struct filter *f = c->f;

	if (!in_list(f->users, f->n_users, job->user) || !in_list(f->accounts, f->n_accounts, job->account) ||
	    !in_list(f->parts, f->n_parts, job->partition))
		return 0;
	if (f->to && job->start >= f->to)
		return 0;
	if (f->from && job->end > 0 && job->end < f->from)
		return 0;
	return sc_report_add(c->rep, job) < 0 ? -1 : 0;
}

static void on_warn(const char *msg, void *arg)
{
	struct rctx *c = arg;

	if (c->warnings++ < 10)
		fprintf(c->cli->err, "%s %s: warning: %s\n", c->cli->prog, c->cli->cmd, msg);
}

/* Splits a comma-separated list in place. */
static int split_list(char *s, char ***out, size_t *n)
{
	size_t k = 1;
	char *save = NULL, *tok;

	for (const char *p = s; *p; p++)
		k += *p == ',';
	*out = calloc(k, sizeof(**out));
	if (!*out)
		return -1;
	*n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		(*out)[(*n)++] = tok;
	return 0;
}

/* Joins list back with commas into buf (for sacct). */
static const char *joined(char **list, size_t n, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? "," : "", list[i]);
	return buf;
}

/* Runs sacct with the selection and feeds the report. */
static int from_sacct(struct rctx *c, const char *from, const char *to, int allusers, struct sc_err *err)
{
	const struct filter *f = c->f;
	char sarg[300], earg[300], b[4096];
	char *uarg = NULL, *aarg = NULL, *parg = NULL;
	char *av[8];
	int n = 0, rc = -1;

	av[n++] = "--allocations";
	if (from) {
		snprintf(sarg, sizeof(sarg), "--starttime=%s", from);
		av[n++] = sarg;
	}
	if (to) {
		snprintf(earg, sizeof(earg), "--endtime=%s", to);
		av[n++] = earg;
	}
	if (f->n_users) {
		if (asprintf(&uarg, "--user=%s", joined(f->users, f->n_users, b, sizeof(b))) < 0)
			goto nomem;
		av[n++] = uarg;
	} else if (allusers) {
		av[n++] = "--allusers";
	}
	if (f->n_accounts) {
		if (asprintf(&aarg, "--accounts=%s", joined(f->accounts, f->n_accounts, b, sizeof(b))) < 0)
			goto nomem;
		av[n++] = aarg;
	}
	if (f->n_parts) {
		if (asprintf(&parg, "--partition=%s", joined(f->parts, f->n_parts, b, sizeof(b))) < 0)
			goto nomem;
		av[n++] = parg;
	}
	av[n] = NULL;
	rc = sc_sacct_run(av, on_job, c, on_warn, NULL, err);
	if (rc > 0) {
		sc_err_set(err, "out of memory"); /* on_job's only failure */
		rc = -1;
	}
	goto out;
nomem:
	sc_err_set(err, "out of memory");
out:
	free(uarg);
	free(aarg);
	free(parg);
	return rc;
}

/* The intensity curves for the HTML report: each zone of the jobs' records
 * that carbon.conf knows and has a series for. */
static size_t load_curves(struct sc_cli *cli, struct sc_report *rep, struct sc_conf **conf,
			  struct sc_ci_store **store, struct sc_report_curve *curves, size_t max,
			  char *note, size_t nnote)
{
	const char *const *zones;
	size_t nz = sc_report_zones(rep, &zones), n = 0;
	int64_t first, last;

	sc_report_range(rep, &first, &last);

	if (cli->config_path) {
		*conf = sc_cli_load_conf(cli);
	} else {
		char *path = sc_conf_locate(NULL);
		struct sc_diag d = { 0 };
		*conf = path ? sc_conf_load(path, &d) : NULL;
		if (!*conf)
			snprintf(note, nnote, "no intensity curve: %s", d.n ? d.msgs[0] : "carbon.conf not found");
		sc_diag_free(&d);
		free(path);
	}
	if (!*conf)
		return 0;
	*store = sc_ci_store_create((*conf)->zones, (*conf)->n_zones, (*conf)->state_dir, NULL, NULL);
	if (!*store)
		return 0;
	/* The zones the jobs ran in; when the records name none, every zone. */
	for (size_t i = 0; i < (nz ? nz : (*conf)->n_zones) && n < max; i++) {
		const char *z = nz ? zones[i] : (*conf)->zones[i].name, *what = NULL;
		const struct sc_series *s = sc_ci_store_series(*store, z, first, last > first ? last : first + 1, &what);
		if (s) {
			curves[n].zone = z;
			curves[n].what = what;
			curves[n].s = s;
			n++;
		}
	}
	if (!n)
		snprintf(note, nnote, "no intensity curve: neither the archive of actual intensities in %s nor "
			 "a zone file covers these jobs' zones over the period",
			 (*conf)->state_dir ? (*conf)->state_dir : "StateDir");
	return n;
}

/* What the command was asked for. */
struct args {
	const char *from, *to, *input, *now_arg;
	char *users, *accounts, *parts;
	int allusers, fmt, by;
	int64_t now;
};

/* Parses the options into *a and the filter *flt. Returns -1 to go on, else
 * the exit status. */
static int parse_options(struct sc_cli *cli, int argc, char **argv, struct args *a, struct filter *flt)
{
	static const struct option lopts[] = {
		{ "starttime", required_argument, NULL, 'S' },
		{ "endtime", required_argument, NULL, 'E' },
		{ "group-by", required_argument, NULL, 'g' },
		{ "users", required_argument, NULL, 'u' },
		{ "accounts", required_argument, NULL, 'A' },
		{ "partitions", required_argument, NULL, 'r' },
		{ "allusers", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "input", required_argument, NULL, 'i' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "table", "parsable", "csv", "json", "html", NULL };
	static const char *const groups[] = { "user", "account", "partition", NULL };
	struct sc_err err = { "" };
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:S:E:g:u:A:r:ah", lopts, NULL)) != -1) {
		switch (opt) {
		case 'S': a->from = optarg; break;
		case 'E': a->to = optarg; break;
		case 'g':
			if ((a->by = sc_cli_choice(cli, "--group-by", optarg, groups)) < 0)
				return SC_EXIT_USAGE;
			break;
		case 'u': a->users = optarg; break;
		case 'A': a->accounts = optarg; break;
		case 'r': a->parts = optarg; break;
		case 'a': a->allusers = 1; break;
		case 'f':
			if ((a->fmt = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			break;
		case 'i': a->input = optarg; break;
		case 'N': a->now_arg = optarg; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, opt, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if ((a->from && !*a->from) || (a->to && !*a->to) || (a->users && !*a->users) ||
	    (a->accounts && !*a->accounts) || (a->parts && !*a->parts))
		return sc_cli_usage(cli, "an option was given an empty value");
	if (sc_cli_now(cli, a->now_arg, &a->now) < 0)
		return SC_EXIT_USAGE;
	if ((a->users && split_list(a->users, &flt->users, &flt->n_users) < 0) ||
	    (a->accounts && split_list(a->accounts, &flt->accounts, &flt->n_accounts) < 0) ||
	    (a->parts && split_list(a->parts, &flt->parts, &flt->n_parts) < 0))
		return sc_cli_fail(cli, "out of memory");
	if (a->input) {
		/* No sacct to apply the window: do it here. */
		if (a->from && sc_parse_time(a->from, a->now, &flt->from, &err) < 0)
			return sc_cli_usage(cli, "--starttime: %s (with --input)", err.msg);
		if (a->to && sc_parse_time(a->to, a->now, &flt->to, &err) < 0)
			return sc_cli_usage(cli, "--endtime: %s (with --input)", err.msg);
	}
	return -1;
}

/* Adds the jobs of --input or sacct to c->rep. Returns 0, or -1 after
 * printing the error. */
static int collect(struct sc_cli *cli, struct args *a, struct rctx *c)
{
	struct sc_err err = { "" };
	int k;

	if (a->input) {
		FILE *f = sc_open_input(a->input, "sacct output", 0, &err);
		if (!f)
			return sc_cli_fail(cli, "%s", err.msg), -1;
		k = sc_sacct_read(f, a->input, 0, on_job, c, on_warn, NULL, &err);
		if (f != stdin)
			fclose(f);
		if (k)
			return sc_cli_fail(cli, "%s", k < 0 ? err.msg : "out of memory"), -1;
	} else {
		/* Only operators get everyone's jobs unasked; sacct has the last word. */
		if (!a->allusers && !c->f->n_users)
			a->allusers = sc_slurm_is_operator();
		if (from_sacct(c, a->from, a->to, a->allusers, &err) < 0)
			return sc_cli_fail(cli, "%s", err.msg), -1;
	}
	if (c->warnings > 10)
		fprintf(cli->err, "%s %s: warning: %ld more malformed lines skipped\n", cli->prog, cli->cmd,
			c->warnings - 10);
	return 0;
}

int sc_cmd_report(struct sc_cli *cli, int argc, char **argv)
{
	struct args a = { .fmt = SC_RF_TABLE, .by = SC_BY_USER };
	struct filter flt = { .n_users = 0 };
	struct rctx c = { .cli = cli, .f = &flt };
	struct sc_err err = { "" };
	struct sc_conf *conf = NULL;
	struct sc_ci_store *store = NULL;
	struct sc_report_curve curves[4];
	struct sc_report_info info = { .n_curves = 0 };
	char note[SC_ERR_MAX + 64] = "";
	int rc;

	if ((rc = parse_options(cli, argc, argv, &a, &flt)) >= 0)
		goto out;
	rc = SC_EXIT_ERROR;
	c.rep = sc_report_create((enum sc_group_by)a.by);
	if (!c.rep) {
		sc_cli_fail(cli, "out of memory");
		goto out;
	}
	if (collect(cli, &a, &c) < 0)
		goto out;
	info.from = a.from;
	info.to = a.to;
	info.generated = a.now;
	if (a.fmt == SC_RF_HTML) {
		info.n_curves = load_curves(cli, c.rep, &conf, &store, curves, 4, note, sizeof(note));
		info.curves = curves;
		info.curve_note = note[0] ? note : NULL;
		if (cli->config_path && !conf)
			goto out;
	}
	rc = SC_EXIT_OK;
	if (sc_report_write(c.rep, (enum sc_report_format)a.fmt, &info, cli->out, &err) < 0)
		rc = sc_cli_fail(cli, "%s", err.msg);
out:
	sc_ci_store_destroy(store);
	sc_conf_destroy(conf);
	sc_report_destroy(c.rep);
	free(flt.users);
	free(flt.accounts);
	free(flt.parts);
	return rc;
}
