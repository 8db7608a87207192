/* slurm-carbon: `scarbon reconcile` — record the actual emissions of ended
 * jobs in their SystemComment.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Idempotent: a job whose SystemComment already holds the same figures is
 * not written again, and a figure from a better intensity source (the
 * archive of actual intensities over a forecast, ...) is never replaced by a
 * worse one. The writing itself is acct/writer.h's: libslurm's accounting
 * API (plain JSON), or sacctmgr when libslurm cannot be loaded; the writer is
 * chosen and opened only when there is something to write.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "acct/actual.h"
#include "acct/intensity.h"
#include "acct/sacct.h"
#include "acct/slurmcmd.h"
#include "acct/slurmdb.h"
#include "acct/writer.h"
#include "record/comment.h"
#include "cli/cli.h"
#include "policy/request.h"
#include "base/units.h"
#include "record/record.h"

#define BATCH 100
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

enum outcome { O_WRITTEN, O_WOULD, O_UNCHANGED, O_KEPT, O_SKIPPED, O_FAILED, O_N };
static const char *const outcome_names[] = { "written", "would-write", "unchanged", "kept",
					     "skipped", "failed" };

struct pending {
	char *jobid, *raw, *cluster;
	char *existing; /* the SystemComment sacct showed; NULL for none */
	json_t *rec;    /* the actual record */
};

struct ctx {
	struct sc_cli *cli;
	const struct sc_conf *conf;
	struct sc_ci_store *store;
	char **want;       /* requested ids, NULL: every job */
	int *want_done;    /* per requested id: an ended job was handled */
	size_t n_want;
	int dry_run, verbose, quiet, json;
	json_t *jobs;      /* json output */
	struct pending pend[BATCH];
	size_t n_pend;
	long count[O_N];
	long seen;
	const char *writer_name;                /* $SCARBON_ACCT_WRITER */
	const struct sc_comment_writer *writer; /* opened at the first write */
	void *writer_state;
	int writer_failed;
	char writer_err[SC_ERR_MAX];            /* why it could not be opened */
	int final;         /* the last attempt: report jobs that haven't ended */
};

static int all_done(const struct ctx *c)
{
	for (size_t i = 0; i < c->n_want; i++)
		if (!c->want_done[i])
			return 0;
	return 1;
}

/* ---- output ------------------------------------------------------------- */

static void report(struct ctx *c, const char *jobid, enum outcome o, json_t *rec, const char *why)
{
	c->count[o]++;
	if (c->json) {
		json_t *j = json_object();
		if (!j)
			return;
		json_object_set_new(j, "jobid", json_string(jobid));
		json_object_set_new(j, "action", json_string(outcome_names[o]));
		if (why)
			json_object_set_new(j, "reason", json_string(why));
		if (rec)
			json_object_set(j, SC_RECORD_ACTUAL_KEY, rec);
		json_array_append_new(c->jobs, j);
		return;
	}
	if (o == O_FAILED) {
		fprintf(c->cli->err, "%s %s: job %s: %s\n", c->cli->prog, c->cli->cmd, jobid, why ? why : "failed");
		return;
	}
	if (c->quiet || (!c->verbose && (o == O_UNCHANGED || o == O_KEPT || o == O_SKIPPED)))
		return;
	fprintf(c->cli->out, "%s: %s", jobid, outcome_names[o]);
	if (rec) {
		double kwh = json_number_value(json_object_get(rec, "kwh"));
		double g = json_number_value(json_object_get(rec, "gco2e"));
		double ci = json_number_value(json_object_get(rec, "ci"));
		double pue = json_number_value(json_object_get(rec, "pue"));
		fprintf(c->cli->out, ": %.6g kWh (%s) x PUE %.2f x %.1f gCO2e/kWh (%s) = %.6g gCO2e",
			kwh, json_string_value(json_object_get(rec, "energy_source")), pue, ci,
			json_string_value(json_object_get(rec, "ci_source")), g);
	}
	if (why)
		fprintf(c->cli->out, " (%s)", why);
	fputc('\n', c->cli->out);
}

static void on_warn(const char *msg, void *arg)
{
	struct ctx *c = arg;

	fprintf(c->cli->err, "%s %s: warning: %s\n", c->cli->prog, c->cli->cmd, msg);
}

/* ---- writing ------------------------------------------------------------ */

static void free_pending(struct pending *p)
{
	free(p->jobid);
	free(p->raw);
	free(p->cluster);
	free(p->existing);
	json_decref(p->rec);
	memset(p, 0, sizeof(*p));
}

/* Writes the pending jobs, each comment in the form its writer stores. */
static void flush(struct ctx *c)
{
	struct sc_comment_write w[BATCH];
	char *values[BATCH];
	size_t n = 0, k = 0;

	if (!c->n_pend)
		return;
	if (!c->writer && !c->writer_failed) {
		struct sc_err err = { "" };
		c->writer = sc_comment_writer_open(c->writer_name, on_warn, c, &c->writer_state, &err);
		if (!c->writer) {
			c->writer_failed = 1;
			snprintf(c->writer_err, sizeof(c->writer_err), "%s", err.msg);
		}
	}
	/* Only the comments that could be made are written, in order. */
	for (size_t i = 0; i < c->n_pend; i++) {
		struct pending *p = &c->pend[i];
		values[i] = NULL;
		if (!c->writer)
			continue;
		json_incref(p->rec);
		values[i] = sc_comment_encode(p->existing, SC_RECORD_ACTUAL_KEY, p->rec, c->writer->form);
		if (!values[i])
			continue;
		memset(&w[n], 0, sizeof(w[n]));
		w[n].jobid = p->jobid;
		w[n].jobid_raw = p->raw;
		w[n].cluster = p->cluster;
		w[n].value = values[i];
		n++;
	}
	if (n)
		c->writer->write(c->writer_state, w, n);
	for (size_t i = 0; i < c->n_pend; i++) {
		struct pending *p = &c->pend[i];
		if (!values[i])
			report(c, p->jobid, O_FAILED, p->rec, c->writer ? "out of memory" : c->writer_err);
		else if (w[k++].written)
			report(c, p->jobid, O_WRITTEN, p->rec, NULL);
		else
			report(c, p->jobid, O_FAILED, p->rec, w[k - 1].why);
		free(values[i]);
		free_pending(p);
	}
	c->n_pend = 0;
}

/* ---- the jobs ----------------------------------------------------------- */

/* Whether job is one of the requested ids: "N" is the job N (JobID or
 * JobIDRaw) with its array tasks and components; "N_T" and "N+K" are one. */
static int wanted(const struct ctx *c, const struct sc_acct_job *job, size_t *which)
{
	if (!c->want)
		return 1;
	for (size_t i = 0; i < c->n_want; i++) {
		const char *w = c->want[i];
		size_t n = strlen(w);
		if (strcmp(job->jobid, w) == 0 || strcmp(job->jobid_raw, w) == 0 ||
		    (strspn(w, "0123456789") == n && strncmp(job->jobid, w, n) == 0 &&
		     (job->jobid[n] == '_' || job->jobid[n] == '+'))) {
			*which = i;
			return 1;
		}
	}
	return 0;
}

static int on_job(const struct sc_acct_job *job, void *arg)
{
	struct ctx *c = arg;
	const struct sc_conf *conf = c->conf;
	struct sc_estimate est;
	struct sc_actual act, old;
	struct sc_actual_model m;
	struct sc_ci_candidates ci;
	struct sc_err err;
	const struct sc_partition *pt;
	size_t which = 0;
	int pi;
	json_t *rec;
	char *value;

	if (!wanted(c, job, &which))
		return 0;
	if (!job->ended) {
		/* Named jobs may still end: only the last attempt says so. */
		if (c->final) {
			c->seen++;
			report(c, job->jobid, O_SKIPPED, NULL, job->ran ? "still running" : "never ran");
		}
		return 0;
	}
	if (!job->partition || !*job->partition) {
		/* Seen in EpilogSlurmctld for jobs of a second: slurmdbd has
		 * the end but not yet the rest of the record. Named jobs are
		 * asked for again (--wait); a timer run catches up later. */
		if (c->final) {
			c->seen++;
			if (c->want)
				c->want_done[which] = 1;
			report(c, job->jobid, O_SKIPPED, NULL,
			       "its accounting record is not complete yet (no partition)");
		}
		return 0;
	}
	c->seen++;
	if (c->want)
		c->want_done[which] = 1;
	pi = sc_site_find(&conf->site, job->partition);
	if (pi < 0) {
		char why[160];
		snprintf(why, sizeof(why), "partition '%s' is not managed by carbon.conf", job->partition);
		report(c, job->jobid, O_SKIPPED, NULL, why);
		return 0;
	}
	pt = &conf->site.parts[pi];
	m.partition = pt->name;
	m.zone = conf->site.zones[pt->zone];
	m.pue = pt->pue;
	m.power = pt->power;
	sc_estimate_read(job->admin_comment, &est);
	if (sc_ci_store_lookup(c->store, m.zone, job->start, job->end, &ci, &err) < 0) {
		report(c, job->jobid, O_SKIPPED, NULL, err.msg);
		return 0;
	}
	if (sc_actual_compute(job, &m, &est, &ci, &act, &err) < 0) {
		report(c, job->jobid, O_SKIPPED, NULL, err.msg);
		return 0;
	}
	rec = sc_actual_record(&act);
	if (!rec)
		return -1;
	if (sc_actual_read(job->system_comment, &old) && old.ci_source > act.ci_source) {
		char why[128];
		snprintf(why, sizeof(why), "recorded intensity source '%s' is better than '%s'",
			 sc_ci_source_name(old.ci_source), sc_ci_source_name(act.ci_source));
		report(c, job->jobid, O_KEPT, rec, why);
		json_decref(rec);
		return 0;
	}
	/* Unchanged when the stored comment already says the same, in either
	 * form: a record sacctmgr stored with backticks is not rewritten for
	 * its quotes alone. */
	json_incref(rec);
	value = sc_comment_encode(job->system_comment, SC_RECORD_ACTUAL_KEY, rec, SC_COMMENT_JSON);
	if (!value) {
		json_decref(rec);
		return -1;
	}
	if (sc_comment_same(value, job->system_comment)) {
		report(c, job->jobid, O_UNCHANGED, rec, NULL);
	} else if (c->dry_run) {
		report(c, job->jobid, O_WOULD, rec, NULL);
	} else {
		struct pending *p = &c->pend[c->n_pend];
		p->jobid = strdup(job->jobid);
		p->raw = strdup(job->jobid_raw);
		p->cluster = strdup(job->cluster);
		p->existing = job->system_comment ? strdup(job->system_comment) : NULL;
		p->rec = rec;
		rec = NULL;
		if (!p->jobid || !p->raw || !p->cluster || (job->system_comment && !p->existing)) {
			free_pending(p);
			return -1;
		}
		if (++c->n_pend == BATCH)
			flush(c);
	}
	free(value);
	json_decref(rec);
	return 0;
}

/* Checks an id as sacct -j takes it: N, N_T or N+K. */
static int valid_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n || n > 10)
		return 0;
	if (!s[n])
		return 1;
	if (s[n] != '_' && s[n] != '+')
		return 0;
	s += n + 1;
	n = strspn(s, "0123456789");
	return n && n <= 10 && !s[n];
}

/* Runs sacct (or reads the input) once over the selection. */
static int run_once(struct ctx *c, const char *input, const char *jobs_arg, int64_t since, int64_t now,
		    struct sc_err *err)
{
	struct sc_sacct_stats stats;
	int rc;

	if (input) {
		FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
		if (!f)
			return sc_err_set(err, "cannot read %s: %m", input);
		rc = sc_sacct_read(f, input, 0, on_job, c, on_warn, &stats, err);
		if (f != stdin)
			fclose(f);
	} else {
		char sarg[64], earg[64], t[40];
		char *argv[8];
		int n = 0;

		argv[n++] = "--allusers";
		if (jobs_arg) {
			argv[n++] = "--jobs";
			argv[n++] = (char *)jobs_arg;
		} else {
			sc_format_time(since, t, sizeof(t));
			t[19] = '\0'; /* sacct's format: no Z (TZ=UTC) */
			snprintf(sarg, sizeof(sarg), "--starttime=%s", t);
			sc_format_time(now, t, sizeof(t));
			t[19] = '\0';
			snprintf(earg, sizeof(earg), "--endtime=%s", t);
			argv[n++] = sarg;
			argv[n++] = earg;
		}
		argv[n] = NULL;
		rc = sc_sacct_run(argv, on_job, c, on_warn, &stats, err);
	}
	if (rc == 0)
		flush(c);
	return rc;
}

int sc_cmd_reconcile(struct sc_cli *cli, int argc, char **argv)
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
	struct ctx c;
	const char *since_arg = NULL, *jobs_arg = NULL, *now_arg = NULL, *input = NULL;
	char *jobs_copy = NULL, *epilog_id = NULL;
	int64_t now, since = 0, wait_s = -1;
	int opt, rc = SC_EXIT_OK;
	struct sc_conf *conf = NULL;
	struct sc_err err = { "" };
	const char *ctxv = getenv("SLURM_SCRIPT_CONTEXT");

	memset(&c, 0, sizeof(c));
	c.cli = cli;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hvq", lopts, NULL)) != -1) {
		switch (opt) {
		case 's': since_arg = optarg; break;
		case 'j': jobs_arg = optarg; break;
		case 'n': c.dry_run = 1; break;
		case 'N': now_arg = optarg; break;
		case 'w':
			if (sc_parse_duration(optarg, 0, &wait_s, &err) < 0) {
				rc = sc_cli_usage(cli, "--wait: %s", err.msg);
				goto out;
			}
			break;
		case 'f': {
			int k = sc_cli_choice(cli, "--format", optarg, formats);
			if (k < 0) {
				rc = SC_EXIT_USAGE;
				goto out;
			}
			c.json = k == 1;
			break;
		}
		case 'v': c.verbose = 1; break;
		case 'q': c.quiet = 1; break;
		case 'i': input = optarg; break;
		case 'h': help(cli->out); goto out;
		default:
			rc = sc_cli_bad_option(cli, opt, argv, lopts);
			goto out;
		}
	}
	if (optind < argc) {
		rc = sc_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (since_arg && jobs_arg) {
		rc = sc_cli_usage(cli, "--since and --jobs exclude each other");
		goto out;
	}
	if (sc_cli_now(cli, now_arg, &now) < 0) {
		rc = SC_EXIT_USAGE;
		goto out;
	}
	/* As EpilogSlurmctld: the job that just ended. */
	if (!since_arg && !jobs_arg && ctxv && strcmp(ctxv, "epilog_slurmctld") == 0 &&
	    getenv("SLURM_JOB_ID")) {
		const char *a = getenv("SLURM_ARRAY_JOB_ID"), *t = getenv("SLURM_ARRAY_TASK_ID");
		size_t n = 64;
		epilog_id = malloc(n);
		if (!epilog_id) {
			rc = sc_cli_fail(cli, "out of memory");
			goto out;
		}
		if (a && t && *a && *t)
			snprintf(epilog_id, n, "%s_%s", a, t);
		else
			snprintf(epilog_id, n, "%s", getenv("SLURM_JOB_ID"));
		jobs_arg = epilog_id;
		if (wait_s < 0)
			wait_s = EPILOG_WAIT;
	}
	if (wait_s < 0)
		wait_s = 0;
	if (jobs_arg) {
		char *save = NULL, *tok;
		size_t n = 1;
		for (const char *p = jobs_arg; *p; p++)
			n += *p == ',';
		jobs_copy = strdup(jobs_arg);
		c.want = calloc(n, sizeof(*c.want));
		c.want_done = calloc(n, sizeof(*c.want_done));
		if (!jobs_copy || !c.want || !c.want_done) {
			rc = sc_cli_fail(cli, "out of memory");
			goto out;
		}
		for (tok = strtok_r(jobs_copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!valid_id(tok)) {
				rc = sc_cli_usage(cli, "--jobs: invalid job id '%s': expected N, N_T (array task) "
						  "or N+K (heterogeneous component), comma-separated", tok);
				goto out;
			}
			c.want[c.n_want++] = tok;
		}
		if (!c.n_want) {
			rc = sc_cli_usage(cli, "--jobs: no job id given");
			goto out;
		}
	} else {
		if (sc_parse_time(since_arg ? since_arg : DEFAULT_SINCE, now, &since, &err) < 0) {
			rc = sc_cli_usage(cli, "--since: %s", err.msg);
			goto out;
		}
		if (since > now) {
			rc = sc_cli_usage(cli, "--since: %s is in the future", since_arg);
			goto out;
		}
	}

	c.writer_name = getenv(SC_ACCT_WRITER_ENV);
	if (c.writer_name && *c.writer_name && !sc_comment_writer_find(c.writer_name, &err)) {
		rc = sc_cli_fail(cli, "%s: %s", SC_ACCT_WRITER_ENV, err.msg);
		goto out;
	}

	conf = sc_cli_load_conf(cli);
	if (!conf) {
		rc = SC_EXIT_ERROR;
		goto out;
	}
	c.conf = conf;
	c.store = sc_ci_store_create(conf->zones, conf->n_zones, conf->state_dir, on_warn, &c);
	c.jobs = c.json ? json_array() : NULL;
	if (!c.store || (c.json && !c.jobs)) {
		rc = sc_cli_fail(cli, "out of memory");
		goto out;
	}

	{
		/* With named jobs, ask again (for --wait) about those not yet seen
		 * as ended: the completion record may still be on its way to
		 * slurmdbd when EpilogSlurmctld runs. */
		time_t deadline = time(NULL) + (time_t)wait_s;
		for (;;) {
			char list[4096] = "";
			size_t used = 0;
			for (size_t i = 0; i < c.n_want; i++)
				if (!c.want_done[i] && used < sizeof(list))
					used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
								 used ? "," : "", c.want[i]);
			c.final = !c.want || input || time(NULL) + 2 >= deadline;
			if (run_once(&c, input, c.want ? list : NULL, since, now, &err) < 0) {
				rc = sc_cli_fail(cli, "%s", err.msg);
				goto out;
			}
			if (c.final || all_done(&c))
				break;
			sleep(2);
		}
		for (size_t i = 0; i < c.n_want; i++)
			if (!c.want_done[i] && !c.json)
				fprintf(cli->err, "%s %s: job %s: not found as an ended job in accounting%s\n",
					cli->prog, cli->cmd, c.want[i], wait_s ? " (after waiting)" : "");
	}

	if (c.json) {
		json_t *root = json_object();
		if (!root) {
			rc = sc_cli_fail(cli, "out of memory");
			goto out;
		}
		json_object_set(root, "jobs", c.jobs);
		json_object_set_new(root, "writer", c.writer ? json_string(c.writer->name) : json_null());
		for (int o = 0; o < O_N; o++)
			json_object_set_new(root, outcome_names[o], json_integer(c.count[o]));
		sc_cli_print_json(cli, root, 0);
		json_decref(root);
	} else if (!c.quiet) {
		fprintf(cli->out, "reconcile: %ld job%s: %ld %s, %ld unchanged, %ld kept, %ld skipped, %ld failed\n",
			c.seen, c.seen == 1 ? "" : "s", c.dry_run ? c.count[O_WOULD] : c.count[O_WRITTEN],
			c.dry_run ? "to write (dry run)" : "written", c.count[O_UNCHANGED], c.count[O_KEPT],
			c.count[O_SKIPPED], c.count[O_FAILED]);
	}
	if (c.count[O_FAILED])
		rc = SC_EXIT_ERROR;
out:
	for (size_t i = 0; i < c.n_pend; i++)
		free_pending(&c.pend[i]);
	if (c.writer)
		c.writer->close(c.writer_state);
	json_decref(c.jobs);
	sc_ci_store_destroy(c.store);
	sc_conf_destroy(conf);
	free(c.want);
	free(c.want_done);
	free(jobs_copy);
	free(epilog_id);
	return rc;
}
