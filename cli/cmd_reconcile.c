/* slurm-carbon: `scarbon reconcile` — record the actual emissions of ended
 * jobs in their SystemComment.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The command parses its options, runs the reconciler (acct/reconcile.h:
 * which record wins, what is written and how) and renders its outcomes.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "acct/intensity.h"
#include "acct/reconcile.h"
#include "acct/sacct.h"
#include "acct/slurmdb.h"
#include "acct/writer.h"
#include "base/units.h"
#include "cli/cli.h"
#include "record/record.h"

#define DEFAULT_SINCE "now-1day"
#define EPILOG_WAIT 30

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon reconcile [--since TIME | --jobs ID[,ID...]] [--dry-run] [--now TIME]\n"
		"                         [--wait DURATION] [--format text|json] [--verbose | --quiet]\n"
		"                         [--input FILE]\n"
		"\n"
		"Compute the actual emissions of ended jobs and record them in Slurm accounting,\n"
		"in each job's SystemComment as {\"" SC_RECORD_ACTUAL_KEY "\":{...}} (other content is kept):\n"
		"energy from Slurm's ConsumedEnergyRaw when measured and plausible, else the\n"
		"partition's power model on the job's elapsed time and allocated TRES; intensity\n"
		"from the archive of actual intensities over the job's run, else the forecast\n"
		"current at its start, else the estimate made at submission, else the zone's\n"
		"static value; times the partition's PUE. Jobs already recorded with the same\n"
		"figures are left alone. Needs operator rights (root, SlurmUser, or AdminLevel\n"
		"Operator) to write.\n"
		"\n"
		"  --since TIME       jobs that ran since TIME (default %s); ISO 8601 or\n"
		"                     YYYY-MM-DD[THH:MM[:SS]] (UTC), or now-N[minutes|hours|days|weeks]\n"
		"  --jobs ID,...      these jobs (123, 123_4 an array task, 123+1 a component)\n"
		"  --dry-run          compute and show, write nothing\n"
		"  --now TIME         the current time (for --since now-...; default: the clock)\n"
		"  --wait DURATION    wait up to DURATION for the named jobs to appear as ended in\n"
		"                     accounting (default 0; %d s when run as EpilogSlurmctld)\n"
		"  --format FORMAT    text (default) or json\n"
		"  -v, --verbose      also list jobs left unchanged or skipped\n"
		"  -q, --quiet        print errors only\n"
		"  --input FILE       read a saved dump instead of running sacct ('-': stdin), made\n"
		"                     with: TZ=UTC sacct -P --noconvert -a -o %s\n"
		"  -h, --help         this help\n"
		"\n"
		"As EpilogSlurmctld (SLURM_SCRIPT_CONTEXT=epilog_slurmctld), without --since or\n"
		"--jobs: reconciles the job in SLURM_JOB_ID.\n"
		"\n"
		"SystemComment is written through libslurm's accounting API (plain JSON), loaded\n"
		"at run time from $SCARBON_LIBSLURM, else\n"
		"  %s\n"
		"(a libslurmfull.so in Slurm's plugin directory next to it is preferred). When\n"
		"libslurm cannot be loaded, through sacctmgr instead, with a warning: sacctmgr\n"
		"stores every '\"' as '`', so the record reads {`" SC_RECORD_ACTUAL_KEY "`:...}, not plain\n"
		"JSON. SCARBON_ACCT_WRITER=slurmdb or sacctmgr uses that writer whatever happens.\n"
		"sacct and sacctmgr are $SCARBON_SACCT and $SCARBON_SACCTMGR when set, else those\n"
		"in the bin/ of the Slurm scarbon was built against, else PATH's.\n"
		"\n"
		"Exit status: 0 success (jobs skipped for lack of data included), 1 an error\n"
		"(sacct failed, a write failed, invalid configuration), 2 usage error.\n",
		DEFAULT_SINCE, EPILOG_WAIT, SC_SACCT_FIELDS, SC_LIBSLURM_PATH);
}

/* What the command was asked for. */
struct args {
	const char *since_arg, *jobs_arg, *now_arg, *input;
	int dry_run, verbose, quiet, json;
	int64_t now, since, wait_s;
	char **want;      /* --jobs (or the epilog's job), NULL: --since */
	char *want_buf;   /* the strings of want */
	size_t n_want;
	char epilog_id[64];
};

/* The rendering of outcomes. */
struct out {
	struct sc_cli *cli;
	const struct args *a;
	json_t *jobs; /* json output */
};

static void render(const char *jobid, enum sc_rec_outcome o, json_t *rec, const char *why, void *arg)
{
	struct out *c = arg;
	FILE *f = c->cli->out;

	if (c->a->json) {
		json_t *j = json_object();
		if (!j)
			return;
		json_object_set_new(j, "jobid", sc_json_text(jobid));
		json_object_set_new(j, "action", sc_json_text(sc_rec_outcome_name(o)));
		if (why)
			json_object_set_new(j, "reason", sc_json_text(why));
		if (rec)
			json_object_set(j, SC_RECORD_ACTUAL_KEY, rec);
		json_array_append_new(c->jobs, j);
		return;
	}
	if (o == SC_REC_FAILED) {
		fprintf(c->cli->err, "%s %s: job %s: %s\n", c->cli->prog, c->cli->cmd, jobid, why ? why : "failed");
		return;
	}
	if (c->a->quiet || (!c->a->verbose && (o == SC_REC_UNCHANGED || o == SC_REC_KEPT || o == SC_REC_SKIPPED)))
		return;
	fprintf(f, "%s: %s", jobid, sc_rec_outcome_name(o));
	if (rec)
		fprintf(f, ": %.6g kWh (%s) x PUE %.2f x %.1f gCO2e/kWh (%s) = %.6g gCO2e",
			json_number_value(json_object_get(rec, "kwh")),
			json_string_value(json_object_get(rec, "energy_source")),
			json_number_value(json_object_get(rec, "pue")),
			json_number_value(json_object_get(rec, "ci")),
			json_string_value(json_object_get(rec, "ci_source")),
			json_number_value(json_object_get(rec, "gco2e")));
	if (why)
		fprintf(f, " (%s)", why);
	fputc('\n', f);
}

static void on_warn(const char *msg, void *arg)
{
	struct out *c = arg;

	fprintf(c->cli->err, "%s %s: warning: %s\n", c->cli->prog, c->cli->cmd, msg);
}

static void render_summary(struct out *c, const struct sc_reconciler *r)
{
	struct sc_cli *cli = c->cli;
	long seen = sc_reconciler_seen(r);

	for (size_t i = 0; i < c->a->n_want; i++)
		if (!sc_reconciler_done(r, i) && !c->a->json)
			fprintf(cli->err, "%s %s: job %s: not found as an ended job in accounting%s\n",
				cli->prog, cli->cmd, SC_PRINTABLE(c->a->want[i]), c->a->wait_s ? " (after waiting)" : "");
	if (c->a->json) {
		const char *w = sc_reconciler_writer(r);
		json_t *root = json_object();
		if (!root)
			return;
		json_object_set(root, "jobs", c->jobs);
		json_object_set_new(root, "writer", w ? sc_json_text(w) : json_null());
		for (int o = 0; o < SC_REC_N; o++)
			json_object_set_new(root, sc_rec_outcome_name(o), json_integer(sc_reconciler_count(r, o)));
		sc_cli_print_json(cli, root, 0);
		json_decref(root);
	} else if (!c->a->quiet) {
		fprintf(cli->out, "reconcile: %ld job%s: %ld %s, %ld unchanged, %ld kept, %ld skipped, %ld failed\n",
			seen, seen == 1 ? "" : "s",
			sc_reconciler_count(r, c->a->dry_run ? SC_REC_WOULD : SC_REC_WRITTEN),
			c->a->dry_run ? "to write (dry run)" : "written", sc_reconciler_count(r, SC_REC_UNCHANGED),
			sc_reconciler_count(r, SC_REC_KEPT), sc_reconciler_count(r, SC_REC_SKIPPED),
			sc_reconciler_count(r, SC_REC_FAILED));
	}
}

/* Parses the options into *a. Returns -1 to go on, else the exit status. */
static int parse_options(struct sc_cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "wait", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "input", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "text", "json", NULL };
	struct sc_err err = { "" };
	int opt, k;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hvq", lopts, NULL)) != -1) {
		switch (opt) {
		case 's': a->since_arg = optarg; break;
		case 'j': a->jobs_arg = optarg; break;
		case 'n': a->dry_run = 1; break;
		case 'N': a->now_arg = optarg; break;
		case 'w':
			if (sc_parse_duration(optarg, 0, &a->wait_s, &err) < 0)
				return sc_cli_usage(cli, "--wait: %s", err.msg);
			break;
		case 'f':
			if ((k = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			a->json = k == 1;
			break;
		case 'v': a->verbose = 1; break;
		case 'q': a->quiet = 1; break;
		case 'i': a->input = optarg; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, opt, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (a->since_arg && a->jobs_arg)
		return sc_cli_usage(cli, "--since and --jobs exclude each other");
	return sc_cli_now(cli, a->now_arg, &a->now) < 0 ? SC_EXIT_USAGE : -1;
}

/* Which jobs: --jobs, the job that just ended (as EpilogSlurmctld), or those
 * since --since. Returns -1 to go on, else the exit status. */
static int select_jobs(struct sc_cli *cli, struct args *a)
{
	const char *ctxv = getenv("SLURM_SCRIPT_CONTEXT");
	struct sc_err err = { "" };

	if (!a->since_arg && !a->jobs_arg && ctxv && strcmp(ctxv, "epilog_slurmctld") == 0 &&
	    getenv("SLURM_JOB_ID")) {
		const char *j = getenv("SLURM_ARRAY_JOB_ID"), *t = getenv("SLURM_ARRAY_TASK_ID");
		if (j && t && *j && *t)
			snprintf(a->epilog_id, sizeof(a->epilog_id), "%s_%s", j, t);
		else
			snprintf(a->epilog_id, sizeof(a->epilog_id), "%s", getenv("SLURM_JOB_ID"));
		a->jobs_arg = a->epilog_id;
		if (a->wait_s < 0)
			a->wait_s = EPILOG_WAIT;
	}
	if (a->wait_s < 0)
		a->wait_s = 0;
	if (a->jobs_arg) {
		if (sc_reconcile_parse_jobs(a->jobs_arg, &a->want, &a->want_buf, &a->n_want, &err) < 0)
			return strcmp(err.msg, "out of memory") == 0 ? sc_cli_fail(cli, "out of memory")
								     : sc_cli_usage(cli, "--jobs: %s", err.msg);
		return -1;
	}
	if (sc_parse_time(a->since_arg ? a->since_arg : DEFAULT_SINCE, a->now, &a->since, &err) < 0)
		return sc_cli_usage(cli, "--since: %s", err.msg);
	if (a->since > a->now)
		return sc_cli_usage(cli, "--since: %s is in the future", SC_PRINTABLE(a->since_arg));
	return -1;
}

/* Runs the reconciler; with named jobs, asks again (for --wait) about those
 * not yet seen as ended: the completion record may still be on its way to
 * slurmdbd when EpilogSlurmctld runs. */
static int run_passes(struct sc_reconciler *r, const struct args *a, struct sc_err *err)
{
	time_t deadline = time(NULL) + (time_t)a->wait_s;

	for (;;) {
		int final = !a->want || a->input || time(NULL) + 2 >= deadline;
		if (sc_reconciler_run(r, a->input, a->since, a->now, final, err) < 0)
			return -1;
		if (final || sc_reconciler_all_done(r))
			return 0;
		sleep(2);
	}
}

int sc_cmd_reconcile(struct sc_cli *cli, int argc, char **argv)
{
	struct args a = { .wait_s = -1 };
	struct out c = { .cli = cli, .a = &a };
	struct sc_reconcile_opts o = { .fn = render, .warn = on_warn, .arg = &c };
	struct sc_reconciler *r = NULL;
	struct sc_ci_store *store = NULL;
	struct sc_conf *conf = NULL;
	struct sc_err err = { "" };
	int rc;

	if ((rc = parse_options(cli, argc, argv, &a)) >= 0 || (rc = select_jobs(cli, &a)) >= 0)
		goto out;
	rc = SC_EXIT_ERROR;
	o.writer_name = getenv(SC_ACCT_WRITER_ENV);
	if (o.writer_name && *o.writer_name && !sc_comment_writer_find(o.writer_name, &err)) {
		sc_cli_fail(cli, "%s: %s", SC_ACCT_WRITER_ENV, err.msg);
		goto out;
	}
	if (!(conf = sc_cli_load_conf(cli)))
		goto out;
	store = sc_ci_store_create(conf->zones, conf->n_zones, conf->state_dir, on_warn, &c);
	o.site = &conf->site;
	o.store = store;
	o.dry_run = a.dry_run;
	o.want = a.want;
	o.n_want = a.n_want;
	c.jobs = a.json ? json_array() : NULL;
	if (!store || (a.json && !c.jobs) || !(r = sc_reconciler_create(&o))) {
		sc_cli_fail(cli, "out of memory");
		goto out;
	}
	if (run_passes(r, &a, &err) < 0) {
		sc_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	render_summary(&c, r);
	rc = sc_reconciler_count(r, SC_REC_FAILED) ? SC_EXIT_ERROR : SC_EXIT_OK;
out:
	sc_reconciler_destroy(r);
	json_decref(c.jobs);
	sc_ci_store_destroy(store);
	sc_conf_destroy(conf);
	free(a.want);
	free(a.want_buf);
	return rc;
}
