/* slurm-carbon: `scarbon learn` — fit the learned estimates from the site's
 * accounting and write StateDir/estimates.json (learn/model.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The command parses its options, streams the jobs (sacct, a saved dump, or
 * a trace for testing) into the fit (learn/fit.h), and writes the model.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "acct/sacct.h"
#include "base/file.h"
#include "acct/slurmcmd.h"
#include "base/units.h"
#include "cli/cli.h"
#include "learn/fit.h"
#include "learn/model.h"
#include "sim/trace.h"

#define DEFAULT_START "now-90days"
#define DEFAULT_MIN_JOBS 5
#define DEFAULT_QUANTILE 0.9

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon learn [-S TIME] [-E TIME] [--input FILE | --trace FILE]\n"
		"                     [--min-jobs N] [--quantile Q] [--output FILE] [--now TIME]\n"
		"                     [--format text|json]\n"
		"\n"
		"Learn the run time and power of jobs from the site's accounting, per user,\n"
		"account, partition and job name, and write the model the plugin and scarbon\n"
		"plan use with Estimates=learned (carbon.conf): StateDir/%s, replaced\n"
		"atomically. For each key (user+account+partition+job name,\n"
		"user+account+partition, account+partition, partition) with at least\n"
		"--min-jobs ended jobs: the median and the --quantile quantile of elapsed\n"
		"time / time limit, and the total ratio (core-seconds used / core-seconds\n"
		"requested: what the plan uses); where Slurm measured energy\n"
		"(ConsumedEnergyRaw), the median W per allocated core (jobs without GPUs) and\n"
		"per GPU. A job name's entry (sacct's JobName; a trace's SWF application\n"
		"number or JobName) is written only where its total ratio differs from its\n"
		"user+account+partition's by at least %.2f, at most %d per\n"
		"user+account+partition (the names with the most jobs); names seen on one job\n"
		"are dropped when a key has %d or the fit %d. SWF traces have no account:\n"
		"partition entries only.\n"
		"\n"
		"  -S, --starttime TIME  jobs that ended since TIME (default %s); ISO 8601,\n"
		"                        YYYY-MM-DD[THH:MM[:SS]] (UTC), or now-N[hours|days|weeks]\n"
		"  -E, --endtime TIME    and before TIME (default now)\n"
		"  --input FILE          read a saved dump instead of running sacct ('-': stdin),\n"
		"                        made with: TZ=UTC sacct -P --noconvert -a -o %s\n"
		"  --trace FILE          read a job trace (SWF, CSV or sacct; as scarbon simulate):\n"
		"                        for testing the model on a public workload\n"
		"  --partition NAME      the partition of trace jobs that name none (SWF\n"
		"                        traces usually don't; default \"default\")\n"
		"  --min-jobs N          the fewest jobs an entry rests on (default %d)\n"
		"  --quantile Q          the upper quantile kept, 0.5 to 0.99 (default %.1f)\n"
		"  --output FILE         write FILE instead ('-': stdout)\n"
		"  --now TIME            the current time (default: the clock)\n"
		"  --format FORMAT       the summary: text (default) or json\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 success, 1 an error (sacct failed, unreadable input, nothing to\n"
		"learn from, cannot write), 2 usage error.\n",
		SC_MODEL_FILE, SC_MODEL_NAME_MIN_DIFF, SC_MODEL_MAX_NAMES, SC_FIT_NAMES_TRACKED,
		SC_FIT_NAME_KEYS, DEFAULT_START, SC_SACCT_LEARN_FIELDS, DEFAULT_MIN_JOBS, DEFAULT_QUANTILE);
}

struct args {
	const char *start_arg, *end_arg, *input, *trace, *output, *now_arg, *partition;
	int json;
	int64_t now, start, end;
	struct sc_fit_params p;
};

struct lctx {
	struct sc_fit *fit;
	const struct args *a;
	struct sc_cli *cli;
	long warnings;
};

static int on_job(const struct sc_acct_job *job, void *arg)
{
	struct lctx *c = arg;
	struct sc_fit_job j;

	if (!job->ended || !job->ran || job->elapsed < 0)
		return 0;
	if ((c->a->start && job->end < c->a->start) || (c->a->end && job->end >= c->a->end))
		return 0;
	memset(&j, 0, sizeof(j));
	j.user = job->user;
	j.account = job->account;
	j.name = job->name;
	j.partition = job->partition;
	j.elapsed = job->elapsed;
	j.timelimit = job->timelimit;
	j.end = job->end;
	j.cores = job->ncpus > 0 ? (uint32_t)job->ncpus : 0;
	j.gpus = job->gpus > 0 ? (uint32_t)job->gpus : 0;
	j.energy_j = job->energy_j;
	return sc_fit_add(c->fit, &j) < 0 ? 1 : 0;
}

static void on_warn(const char *msg, void *arg)
{
	struct lctx *c = arg;

	if (c->warnings++ < 10)
		fprintf(c->cli->err, "%s %s: warning: %s\n", c->cli->prog, c->cli->cmd, msg);
}

/* A trace's jobs (end = submit + run time: the trace has no waits that
 * matter to a fit; times relative to the trace's start when it has no
 * UnixStartTime). */
static int from_trace(struct lctx *c, struct sc_err *err)
{
	struct sc_trace *t = sc_trace_read(c->a->trace, SC_TRACE_AUTO, SC_UNIT_AUTO, err);

	if (!t)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct sc_trace_job *tj = &t->jobs[i];
		struct sc_fit_job j = { tj->user, tj->account,
					tj->partition ? tj->partition : c->a->partition, tj->runtime,
					tj->requested, tj->submit + tj->runtime, tj->cpus, tj->gpus, -1,
					tj->name };
		if (sc_fit_add(c->fit, &j) < 0) {
			sc_trace_destroy(t);
			return sc_err_set(err, "out of memory");
		}
	}
	sc_trace_destroy(t);
	return 0;
}

static int from_sacct(struct lctx *c, struct sc_err *err)
{
	char sarg[64], earg[64], b1[32], b2[32];
	char *av[] = { "--allusers", sarg, earg, NULL };
	int rc;

	/* sacct's own window: jobs that were running or pending in it; the ended
	 * ones are kept by on_job. */
	snprintf(sarg, sizeof(sarg), "--starttime=%.19s", sc_format_time(c->a->start, b1, sizeof(b1)));
	snprintf(earg, sizeof(earg), "--endtime=%.19s", sc_format_time(c->a->end, b2, sizeof(b2)));
	rc = sc_sacct_run_fields(av, SC_SACCT_LEARN_FIELDS, on_job, c, on_warn, NULL, err);
	if (rc > 0)
		return sc_err_set(err, "out of memory");
	return rc;
}

static int from_input(struct lctx *c, struct sc_err *err)
{
	int std = strcmp(c->a->input, "-") == 0;
	FILE *f = sc_open_input(c->a->input, "sacct output", 0, err);
	int rc;

	if (!f)
		return -1;
	rc = sc_sacct_read(f, std ? "stdin" : c->a->input, 0, on_job, c, on_warn, NULL, err);
	if (!std)
		fclose(f);
	if (rc > 0)
		return sc_err_set(err, "out of memory");
	return rc;
}

static int parse_args(struct sc_cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "starttime", required_argument, NULL, 'S' }, { "endtime", required_argument, NULL, 'E' },
		{ "input", required_argument, NULL, 'i' },     { "trace", required_argument, NULL, 't' },
		{ "min-jobs", required_argument, NULL, 'm' },  { "quantile", required_argument, NULL, 'q' },
		{ "output", required_argument, NULL, 'o' },    { "now", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },    { "help", no_argument, NULL, 'h' },
		{ "partition", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { [SC_OUT_TEXT] = "text", [SC_OUT_JSON] = "json", NULL };
	struct sc_err err = { "" };
	double x;
	int c, k;

	memset(a, 0, sizeof(*a));
	a->p.min_jobs = DEFAULT_MIN_JOBS;
	a->p.quantile = DEFAULT_QUANTILE;
	a->partition = "default";
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:S:E:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'S': a->start_arg = optarg; break;
		case 'E': a->end_arg = optarg; break;
		case 'i': a->input = optarg; break;
		case 't': a->trace = optarg; break;
		case 'o': a->output = optarg; break;
		case 'p': a->partition = optarg; break;
		case 'n': a->now_arg = optarg; break;
		case 'm':
			if (sc_parse_number(optarg, 1, 1e9, "job count", &x, &err) < 0 || x != (long)x)
				return sc_cli_usage(cli, "--min-jobs '%s': expected a whole number from 1",
						    SC_PRINTABLE(optarg));
			a->p.min_jobs = (long)x;
			break;
		case 'q':
			if (sc_parse_number(optarg, 0.5, 0.99, "quantile", &x, &err) < 0)
				return sc_cli_usage(cli, "--quantile: %s", err.msg);
			a->p.quantile = x;
			break;
		case 'f':
			if ((k = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			a->json = k == SC_OUT_JSON;
			break;
		case 'h': help(cli->out); return -1;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (a->input && a->trace)
		return sc_cli_usage(cli, "--input and --trace exclude each other");
	if (sc_cli_now(cli, a->now_arg, &a->now) < 0)
		return SC_EXIT_USAGE;
	if (sc_parse_time(a->start_arg ? a->start_arg : DEFAULT_START, a->now, &a->start, &err) < 0)
		return sc_cli_usage(cli, "--starttime: %s", err.msg);
	a->end = a->now;
	if (a->end_arg && sc_parse_time(a->end_arg, a->now, &a->end, &err) < 0)
		return sc_cli_usage(cli, "--endtime: %s", err.msg);
	if (a->end <= a->start)
		return sc_cli_usage(cli, "--endtime is not after --starttime");
	if (a->trace || (a->input && !a->start_arg && !a->end_arg))
		a->start = a->end = 0; /* a file: all of it, unless a window was asked for */
	return 0;
}

/* The summary, on stderr when the model itself goes to stdout. */
static void summary(struct sc_cli *cli, const struct args *a, const struct sc_fit_stats *st,
		    size_t n, const char *path)
{
	FILE *out = strcmp(path, "-") == 0 ? cli->err : cli->out;

	if (a->json) {
		json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "output", path,
				      "jobs_read", (json_int_t)st->seen, "jobs_used", (json_int_t)st->used,
				      "no_time_limit", (json_int_t)st->no_limit, "jobs_measured",
				      (json_int_t)st->measured, "jobs_named", (json_int_t)st->named,
				      "names_untracked", (json_int_t)st->names_untracked, "entries",
				      (json_int_t)n);
		char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (t)
			fprintf(out, "%s\n", t);
		free(t);
		json_decref(j);
		return;
	}
	fprintf(out, "%ld jobs read, %ld used (%ld without a time limit, %ld without a partition), "
		"%ld with measured energy, %ld by job name (%ld past the name bounds); %zu entries "
		"written to %s\n", st->seen, st->used, st->no_limit, st->no_part, st->measured, st->named,
		st->names_untracked, n, path);
}

/* Where the model goes: --output, else StateDir/estimates.json. */
static char *output_path(struct sc_cli *cli, const struct args *a)
{
	struct sc_conf *conf;
	struct sc_err err = { "" };
	char *p;

	if (a->output)
		return strdup(a->output);
	conf = sc_cli_load_conf(cli);
	if (!conf)
		return NULL;
	p = sc_model_path(conf->state_dir, &err);
	if (!p)
		sc_cli_fail(cli, "%s", err.msg);
	sc_conf_destroy(conf);
	return p;
}

int sc_cmd_learn(struct sc_cli *cli, int argc, char **argv)
{
	struct args a;
	struct lctx c = { NULL, &a, cli, 0 };
	struct sc_err err = { "" };
	char *path = NULL, *input = NULL;
	json_t *model = NULL;
	size_t n = 0;
	int rc = parse_args(cli, argc, argv, &a);

	if (rc)
		return rc < 0 ? SC_EXIT_OK : rc;
	if (!(path = output_path(cli, &a)))
		return SC_EXIT_ERROR;
	rc = SC_EXIT_ERROR;
	if (!(c.fit = sc_fit_create(&a.p, &err)))
		goto fail;
	if ((a.trace ? from_trace(&c, &err) : a.input ? from_input(&c, &err) : from_sacct(&c, &err)) < 0)
		goto fail;
	if (!sc_fit_stats(c.fit)->used) {
		sc_err_set(&err, "no ended job with a time limit and a partition to "
			   "learn from (%ld read); expected accounting history", sc_fit_stats(c.fit)->seen);
		goto fail;
	}
	if (asprintf(&input, "%s%s", a.trace ? "trace " : a.input ? "sacct dump " : "sacct",
		     a.trace ? a.trace : a.input ? a.input : "") < 0)
		input = NULL;
	if (!(model = sc_fit_model(c.fit, a.now, input, a.start, a.end, &n, &err)))
		goto fail;
	if (strcmp(path, "-") == 0) {
		if (sc_cli_print_json(cli, model, 0) < 0)
			goto fail;
	} else if (sc_fit_write(model, path, &err) < 0) {
		goto fail;
	}
	summary(cli, &a, sc_fit_stats(c.fit), n, path);
	rc = SC_EXIT_OK;
	goto out;
fail:
	sc_cli_fail(cli, "%s", err.msg[0] ? err.msg : "failed");
out:
	json_decref(model);
	sc_fit_destroy(c.fit);
	free(input);
	free(path);
	return rc;
}
