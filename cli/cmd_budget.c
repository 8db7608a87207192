/* slurm-carbon: `scarbon budget` — what each carbon budget has used of its
 * period, from accounting, and the ledger job_submit/carbon enforces them by.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Usage of a budget in its period (the one containing --now) = the reconciled
 * gCO2e (SystemComment) of the jobs that count against it and were submitted
 * in the period + the submit-time estimates (AdminComment) of those not
 * reconciled yet. Jobs that never started and are not pending emitted
 * nothing and do not count; a heterogeneous job counts once.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "acct/sacct.h"
#include "base/file.h"
#include "acct/slurmcmd.h"
#include "base/grow.h"
#include "base/units.h"
#include "budget/budget.h"
#include "cli/cli.h"
#include "record/record.h"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon budget [--all] [--write] [--format table|parsable|json] [--now TIME]\n"
		"                      [--input FILE]\n"
		"\n"
		"Show what each carbon budget (carbon.conf's BudgetName records) has used of its\n"
		"current period: the reconciled emissions (SystemComment) of the jobs submitted\n"
		"in the period that count against it, plus the submit-time estimates\n"
		"(AdminComment) of those not reconciled yet; the limit, what remains and the\n"
		"share of the period gone. Without --all, the budgets that apply to you: yours\n"
		"and those of the accounts your jobs ran under.\n"
		"\n"
		"  --all            every budget (operators; implied for root)\n"
		"  --write          also write the ledger job_submit/carbon enforces budgets by,\n"
		"                   StateDir/budgets.json, atomically (every budget)\n"
		"  --format FORMAT  table (default), parsable (one '|'-separated line per budget,\n"
		"                   with a header) or json\n"
		"  --now TIME       as of TIME (default: now)\n"
		"  --input FILE     read a saved dump instead of running sacct ('-': stdin), made\n"
		"                   with: TZ=UTC sacct -P --noconvert -a -o %s\n"
		"  -h, --help       this help\n"
		"\n"
		"sacct is $SCARBON_SACCT when set, else the one of the Slurm scarbon was built\n"
		"against, else PATH's.\n"
		"\n"
		"Exit status: 0 success, 1 error (sacct failed, invalid configuration, the ledger\n"
		"cannot be written), 2 usage error.\n",
		SC_SACCT_FIELDS);
}

enum fmt { F_TABLE, F_PARSABLE, F_JSON };

struct args {
	int all, write;
	enum fmt format;
	const char *now_arg, *input;
};

struct usage {
	const struct sc_conf *conf;
	struct sc_ledger led;   /* entry i for budget i */
	const char *me;         /* the caller's user name; NULL: unknown */
	char **mine;            /* accounts of the caller's jobs (owned) */
	size_t n_mine, cap_mine;
	int oom;
};

static int parse_options(struct sc_cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "all", no_argument, NULL, 'a' }, { "write", no_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' }, { "now", required_argument, NULL, 'n' },
		{ "input", required_argument, NULL, 'i' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "table", "parsable", "json", NULL };
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		switch (c) {
		case 'a': a->all = 1; break;
		case 'w': a->write = 1; break;
		case 'n': a->now_arg = optarg; break;
		case 'i': a->input = optarg; break;
		case 'f':
			if ((c = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			a->format = (enum fmt)c;
			break;
		case 'h': help(cli->out); return -1;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	return 0;
}

/* The gCO2e a job counts for: its reconciled figure, else its estimate (the
 * plan it was given when applied, else running as submitted); NAN: none. */
static double job_grams(const struct sc_acct_job *j)
{
	struct sc_actual a;
	struct sc_estimate e;

	if (sc_actual_read(j->system_comment, &a) && isfinite(a.gco2e))
		return a.gco2e;
	if (!sc_estimate_read(j->admin_comment, &e) || !sc_estimate_usable(&e))
		return NAN;
	if (!e.applied && isfinite(e.baseline_gco2e))
		return e.baseline_gco2e;
	return e.gco2e;
}

static void note_account(struct usage *u, const char *account)
{
	for (size_t i = 0; i < u->n_mine; i++)
		if (strcasecmp(u->mine[i], account) == 0)
			return;
	if (SC_GROW(u->mine, u->cap_mine, u->n_mine + 1) < 0 ||
	    !(u->mine[u->n_mine] = strdup(account))) {
		u->oom = 1;
		return;
	}
	u->n_mine++;
}

static int on_job(const struct sc_acct_job *j, void *arg)
{
	struct usage *u = arg;
	int actual;
	double g;
	struct sc_actual a;

	if (u->me && *j->account && strcmp(j->user, u->me) == 0)
		note_account(u, j->account);
	if (j->het_offset > 0 || (!j->ran && strncasecmp(j->state, "PENDING", 7) != 0))
		return u->oom;
	g = job_grams(j);
	if (!isfinite(g) || g < 0)
		return u->oom;
	actual = sc_actual_read(j->system_comment, &a);
	for (size_t i = 0; i < u->conf->n_budgets; i++) {
		struct sc_ledger_entry *e = &u->led.e[i];
		if (e->end <= e->start || j->submit < e->start || j->submit >= e->end ||
		    !sc_budget_matches(&u->conf->budgets[i], j->user, j->account))
			continue;
		*(actual ? &e->actual_g : &e->estimated_g) += g;
		e->jobs++;
	}
	return u->oom;
}

static void on_warn(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

/* Reads the jobs since the earliest period start into u->led. */
static int collect(struct sc_cli *cli, const struct args *a, struct usage *u, int64_t now)
{
	int64_t since = now;
	char sarg[64], earg[64], t[40];
	char *av[6] = { "--allocations", "--allusers", sarg, earg, NULL, NULL };
	struct sc_err err;
	int rc;

	for (size_t i = 0; i < u->conf->n_budgets; i++) {
		if (!sc_ledger_add(&u->led, &u->conf->budgets[i], now))
			return sc_cli_fail(cli, "out of memory");
		if (u->led.e[i].end > u->led.e[i].start && u->led.e[i].start < since)
			since = u->led.e[i].start;
	}
	u->led.computed = now;
	if (a->input) {
		FILE *f = sc_open_input(a->input, "sacct output", 0, &err);
		if (!f)
			return sc_cli_fail(cli, "%s", err.msg);
		rc = sc_sacct_read(f, a->input, 0, on_job, u, on_warn, NULL, &err);
		if (f != stdin)
			fclose(f);
	} else {
		sc_format_time(since, t, sizeof(t));
		snprintf(sarg, sizeof(sarg), "--starttime=%.19s", t);
		sc_format_time(now, t, sizeof(t));
		snprintf(earg, sizeof(earg), "--endtime=%.19s", t);
		rc = sc_sacct_run(av, on_job, u, on_warn, NULL, &err);
	}
	if (rc > 0 || u->oom)
		return sc_cli_fail(cli, "out of memory");
	return rc < 0 ? sc_cli_fail(cli, "%s", err.msg) : 0;
}

/* Whether budget b is shown to the caller. */
static int visible(const struct usage *u, const struct sc_budget *b, int all)
{
	if (all)
		return 1;
	if (b->user && (!u->me || strcmp(b->user, u->me) != 0))
		return 0;
	if (!b->account)
		return 1;
	for (size_t i = 0; i < u->n_mine; i++)
		if (strcasecmp(u->mine[i], b->account) == 0)
			return 1;
	return 0;
}

static json_t *budget_json(const struct sc_budget *b, const struct sc_ledger_entry *e, int64_t now)
{
	double used = e->actual_g + e->estimated_g;
	double gone = e->end > e->start ? 100.0 * (double)(now - e->start) / (double)(e->end - e->start) : 0;
	json_t *o = json_pack("{s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:i,s:I,s:I}", "name", b->name,
			      "action", sc_budget_action_name(b->action), "limit_g", b->limit_g,
			      "actual_g", sc_round(e->actual_g, 0.001), "estimated_g",
			      sc_round(e->estimated_g, 0.001), "used_g", sc_round(used, 0.001),
			      "remaining_g", sc_round(b->limit_g - used, 0.001), "period_gone_pct",
			      sc_round(gone, 0.1), "jobs", (int)e->jobs, "period_start",
			      (json_int_t)e->start, "period_end", (json_int_t)e->end);

	if (o && b->account)
		json_object_set_new(o, "account", json_string(b->account));
	if (o && b->user)
		json_object_set_new(o, "user", json_string(b->user));
	if (o)
		json_object_set_new(o, "period", json_string(sc_budget_period_name(b->period)));
	return o;
}

static int render(struct sc_cli *cli, const struct args *a, const struct usage *u, int all, int64_t now)
{
	json_t *list = json_array(), *root = json_pack("{s:I,s:o}", "computed", (json_int_t)now, "budgets", list);
	int rc = 0;

	if (!root)
		return sc_cli_fail(cli, "out of memory");
	if (a->format == F_TABLE)
		fprintf(cli->out, "%-16s %-20s %-8s %-20s %10s %10s %10s %10s %6s %6s\n", "BUDGET", "WHOSE",
			"ACTION", "PERIOD_END", "LIMIT", "USED", "ESTIMATED", "REMAINING", "USED%", "GONE%");
	else if (a->format == F_PARSABLE)
		fprintf(cli->out, "budget|account|user|action|period_start|period_end|limit_g|actual_g|"
			"estimated_g|used_g|remaining_g|period_gone_pct|jobs\n");
	for (size_t i = 0; i < u->conf->n_budgets; i++) {
		const struct sc_budget *b = &u->conf->budgets[i];
		const struct sc_ledger_entry *e = &u->led.e[i];
		json_t *o;
		char whose[64], end[40], l[32], us[32], es[32], r[32];
		double used = e->actual_g + e->estimated_g;

		if (!visible(u, b, all))
			continue;
		if (!(o = budget_json(b, e, now)) || json_array_append_new(list, o) < 0) {
			rc = sc_cli_fail(cli, "out of memory");
			break;
		}
		snprintf(whose, sizeof(whose), "%s%s%s", b->account ? b->account : "",
			 b->account && b->user ? "/" : "", b->user ? b->user : "");
		sc_format_time(e->end, end, sizeof(end));
		if (a->format == F_TABLE)
			fprintf(cli->out, "%-16s %-20s %-8s %-20s %10s %10s %10s %10s %5.0f%% %5.0f%%\n", b->name,
				whose, sc_budget_action_name(b->action), e->end > e->start ? end : "(not begun)",
				sc_format_carbon(b->limit_g, l, sizeof(l)), sc_format_carbon(used, us, sizeof(us)),
				sc_format_carbon(e->estimated_g, es, sizeof(es)),
				sc_format_carbon(b->limit_g - used, r, sizeof(r)), 100 * used / b->limit_g,
				json_real_value(json_object_get(o, "period_gone_pct")));
		else if (a->format == F_PARSABLE)
			fprintf(cli->out, "%s|%s|%s|%s|%lld|%lld|%.3f|%.3f|%.3f|%.3f|%.3f|%.1f|%ld\n", b->name,
				b->account ? b->account : "", b->user ? b->user : "", sc_budget_action_name(b->action),
				(long long)e->start, (long long)e->end, b->limit_g, e->actual_g, e->estimated_g, used,
				b->limit_g - used, json_real_value(json_object_get(o, "period_gone_pct")), e->jobs);
	}
	if (!rc && a->format == F_JSON && sc_cli_print_json(cli, root, 0) < 0)
		rc = sc_cli_fail(cli, "out of memory");
	json_decref(root);
	return rc;
}

int sc_cmd_budget(struct sc_cli *cli, int argc, char **argv)
{
	struct args a;
	struct usage u = { 0 };
	struct passwd *pw;
	struct sc_err err;
	int64_t now;
	int rc = parse_options(cli, argc, argv, &a);
	char *path = NULL;

	if (rc)
		return rc < 0 ? 0 : rc;
	if (sc_cli_now(cli, a.now_arg, &now) < 0)
		return SC_EXIT_USAGE;
	if (!(u.conf = sc_cli_load_conf(cli)))
		return SC_EXIT_ERROR;
	pw = getpwuid(getuid());
	u.me = pw ? pw->pw_name : NULL;
	rc = collect(cli, &a, &u, now);
	if (!rc && a.write) {
		if (!(path = sc_ledger_path(u.conf->state_dir, &err)) || sc_ledger_save(&u.led, path, &err) < 0)
			rc = sc_cli_fail(cli, "%s", err.msg);
	}
	if (!rc)
		rc = render(cli, &a, &u, a.all || getuid() == 0, now);
	free(path);
	for (size_t i = 0; i < u.n_mine; i++)
		free(u.mine[i]);
	free(u.mine);
	sc_ledger_free(&u.led);
	sc_conf_destroy((struct sc_conf *)u.conf);
	return rc;
}
