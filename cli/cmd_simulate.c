/* slurm-carbon: `scarbon simulate` — replay a job trace through the policy,
 * the oracle and the peers' rules on real intensity data.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/units.h"
#include "sim/report.h"
#include "sim/sim.h"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon simulate [--config FILE] --trace FILE [--trace-format swf|csv|sacct]\n"
		"                        [--trace-start TIME] [--trace-unit hours|minutes|seconds]\n"
		"                        [--intensity FILE] [--partition P] [--forecast MODE]\n"
		"                        [--max-delay DURATION] [--cores N] [--replan INTERVAL]\n"
		"                        [--gpus N] [--nodes N] [--capacity-model easy|fcfs]\n"
		"                        [--idle-watts-per-core W] [--estimates FILE]\n"
		"                        [--congestion-model capped|hard|marginal]\n"
		"                        [--congestion-weight W]\n"
		"                        [--format text|json] [--svg FILE]\n"
		"\n"
		"Replay a job trace through slurm-carbon's policy (the code the plugin runs), an\n"
		"oracle that knows the future and each job's true run time, and other tools'\n"
		"rules (Carbon Aware SDK, CATS, a percentile threshold), on the actual intensity\n"
		"of each zone; report what each would have saved and what it cost in delay.\n"
		"\n"
		"Trace:\n"
		"  --trace FILE          the jobs: SWF (Parallel Workloads Archive), CSV with the\n"
		"                        columns arrival_time,length,cpus (optional requested,\n"
		"                        partition, user, account), or `sacct -P` output\n"
		"  --trace-format FMT    swf, csv or sacct (default: told from the file)\n"
		"  --trace-start TIME    where relative trace times start (CSV; SWF without\n"
		"                        UnixStartTime); default: the start of the intensity data\n"
		"  --trace-unit UNIT     unit of a CSV trace's times: hours (the default), minutes\n"
		"                        or seconds; by default seconds are assumed only when the\n"
		"                        file cannot be in hours\n"
		"  --partition P         partition for jobs whose partition carbon.conf does not\n"
		"                        manage (default: the default partition)\n"
		"\n"
		"Intensity and forecasts:\n"
		"  --intensity FILE      the actual intensity for every zone (CSV Time,Carbon\n"
		"                        Intensity, or an Electricity Maps export); default: each\n"
		"                        zone's Path= in carbon.conf\n"
		"  --forecast MODE       what the policies see: perfect (default), persistence\n"
		"                        (the value 24 h earlier), archive:FILE (real forecasts as\n"
		"                        issued: CSV issued_at,target,forecast), error:PCT[:SEED]\n"
		"                        (the actual plus a realistic error, PCT %% mean absolute\n"
		"                        error 24 h ahead)\n"
		"  --max-delay DURATION  longest delay for every policy (default: MaxDelay)\n"
		"  --cores N             cluster capacity: jobs queue for free cores (default:\n"
		"                        unlimited); jobs queued past the end of the data are\n"
		"                        left out of the figures, with a warning\n"
		"  --gpus N, --nodes N   the same for GPUs and nodes (traces that give them)\n"
		"  --capacity-model M    easy (default): EASY backfill on the time limits, in\n"
		"                        submit order; fcfs: first come first served in\n"
		"                        planned-start order, no backfill\n"
		"  --idle-watts-per-core W  what an idle powered-on core draws: report the idle\n"
		"                        cores' energy and emissions (with --cores)\n"
		"  --congestion-model M  the capacity-aware policy (with --cores: slurm-carbon\n"
		"                        with the plugin's planned-load ledger) prices planned\n"
		"                        load: capped (default, the plugin's): no plan past the\n"
		"                        capacity, and plans cost more by the planned load\n"
		"                        share; hard: only the former; marginal: only the latter\n"
		"  --congestion-weight W  the cost per unit of load share (default 0.1)\n"
		"  --replan INTERVAL     slurm-carbon re-plans the jobs it holds every INTERVAL\n"
		"                        (a duration; for archive: forecasts, at each issue at\n"
		"                        least INTERVAL apart) with the forecasts of that moment,\n"
		"                        a measurement only (the plugin decides once, at\n"
		"                        submission); 0 turns it off (default: off)\n"
		"  --estimates FILE      slurm-carbon plans each job's run time (and power, where\n"
		"                        measured) with the learned estimates of FILE (written\n"
		"                        by scarbon learn), as Estimates=learned does (the start\n"
		"                        chosen with the upper quantile; a job's name is its\n"
		"                        SWF application number or sacct JobName); the true\n"
		"                        run time still prices every plan (not with --replan)\n"
		"\n"
		"Output:\n"
		"  --format text|json    a table (default), or the JSON object of scarbon(1)\n"
		"  --svg FILE            also draw saving against mean delay per policy (SVG)\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 success, 1 error (unreadable trace, intensity or forecast data;\n"
		"invalid configuration), 2 usage error.\n");
}

/* What the command was asked for. */
struct args {
	const char *trace_path, *start_arg, *intensity, *part_arg, *svg_path, *estimates;
	enum sc_trace_format tfmt;
	enum sc_trace_unit unit;
	int fmt;
	struct sc_sim_opts opts;
	struct sc_model *model;  /* --estimates, loaded */
};

/* Parses the options into *a. Returns -1 to go on, else the exit status. */
static int parse_options(struct sc_cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "trace-format", required_argument, NULL, 'F' },
		{ "trace-start", required_argument, NULL, 'S' },
		{ "trace-unit", required_argument, NULL, 'U' },
		{ "intensity", required_argument, NULL, 'i' },
		{ "partition", required_argument, NULL, 'p' },
		{ "forecast", required_argument, NULL, 'c' },
		{ "max-delay", required_argument, NULL, 'd' },
		{ "cores", required_argument, NULL, 'n' },
		{ "replan", required_argument, NULL, 'r' },
		{ "capacity-model", required_argument, NULL, 'X' },
		{ "gpus", required_argument, NULL, 'X' },
		{ "nodes", required_argument, NULL, 'X' },
		{ "idle-watts-per-core", required_argument, NULL, 'X' },
		{ "congestion-model", required_argument, NULL, 'X' },
		{ "congestion-weight", required_argument, NULL, 'X' },
		{ "estimates", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "svg", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { [SC_OUT_TEXT] = "text", [SC_OUT_JSON] = "json", NULL };
	static const char *const tformats[] = { "swf", "csv", "sacct", NULL };
	static const char *const units[] = { "hours", "minutes", "seconds", NULL };
	struct sc_err err;
	int c, k, li = 0;
	double v;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, &li)) != -1) {
		switch (c) {
		case 't': a->trace_path = optarg; break;
		case 'F':
			if ((k = sc_cli_choice(cli, "--trace-format", optarg, tformats)) < 0)
				return SC_EXIT_USAGE;
			a->tfmt = k == 0 ? SC_TRACE_SWF : k == 1 ? SC_TRACE_CSV : SC_TRACE_SACCT;
			break;
		case 'S': a->start_arg = optarg; break;
		case 'U':
			if ((k = sc_cli_choice(cli, "--trace-unit", optarg, units)) < 0)
				return SC_EXIT_USAGE;
			a->unit = k == 0 ? SC_UNIT_HOURS : k == 1 ? SC_UNIT_MINUTES : SC_UNIT_SECONDS;
			break;
		case 'i': a->intensity = optarg; break;
		case 'p': a->part_arg = optarg; break;
		case 'c':
			if (sc_fview_mode_parse(optarg, &a->opts.forecast, &err) < 0)
				return sc_cli_usage(cli, "--forecast: %s", err.msg);
			break;
		case 'd':
			if (sc_parse_duration(optarg, 0, &a->opts.max_delay, &err) < 0)
				return sc_cli_usage(cli, "--max-delay: %s", err.msg);
			break;
		case 'n':
			if (sc_parse_number(optarg, 1, 1e9, "--cores", &v, &err) < 0 || v != (double)(uint32_t)v)
				return sc_cli_usage(cli, "--cores: invalid value '%s': expected a whole number from 1 to 1000000000",
						    SC_PRINTABLE(optarg));
			a->opts.cores = (uint32_t)v;
			break;
		case 'r':
			if (sc_parse_duration(optarg, 0, &a->opts.replan, &err) < 0)
				return sc_cli_usage(cli, "--replan: %s", err.msg);
			break;
		case 'X':
			if (sc_sim_opt_set(&a->opts, lopts[li].name, optarg, &err) < 0)
				return sc_cli_usage(cli, "%s", err.msg);
			break;
		case 'f':
			if ((a->fmt = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			break;
		case 'g': a->svg_path = optarg; break;
		case 'e': a->estimates = optarg; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default:
			return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (!a->trace_path)
		return sc_cli_usage(cli, "--trace FILE is required");
	if (a->start_arg && sc_parse_time(a->start_arg, 0, &(int64_t){ 0 }, &err) < 0)
		return sc_cli_usage(cli, "--trace-start: %s", err.msg);
	return -1;
}

/* Reads the intensities (truth, conf->n_zones of them) and the trace, dated
 * by --trace-start or the intensity data when its times are relative.
 * Returns 0, or -1 after printing the error. */
static int load_inputs(struct sc_cli *cli, struct args *a, const struct sc_conf *conf, struct sc_grid **truth,
		       struct sc_trace **tr)
{
	struct sc_err err;

	if (a->part_arg) {
		int idx = sc_site_find(&conf->site, a->part_arg);
		if (idx < 0)
			return sc_cli_fail(cli, "--partition: partition '%s' is not managed by %s",
					   SC_PRINTABLE(a->part_arg), SC_PRINTABLE(conf->path)), -1;
		a->opts.fallback_part = idx;
	}
	if (a->estimates) {
		/* A replay: a model of any age (the trace's past) is taken. */
		a->model = sc_model_load(a->estimates, (int64_t)time(NULL), 0, &err);
		if (!a->model)
			return sc_cli_fail(cli, "--estimates: %s", err.msg), -1;
		a->opts.estimates = a->model;
	}
	if (sc_sim_truth_load(conf, a->intensity, truth, &err) < 0 ||
	    !(*tr = sc_trace_read(a->trace_path, a->tfmt, a->unit, &err)))
		return sc_cli_fail(cli, "%s", err.msg), -1;
	if ((*tr)->relative) {
		int64_t start = INT64_MIN;
		if (a->start_arg) {
			sc_parse_time(a->start_arg, 0, &start, NULL);
		} else {
			for (size_t z = 0; z < conf->n_zones; z++)
				if (truth[z] && truth[z]->start > start)
					start = truth[z]->start;
			if (start == INT64_MIN)
				return sc_cli_fail(cli, "the trace's times are relative and no zone has dated intensity "
							"data: give --trace-start TIME"), -1;
		}
		sc_trace_anchor(*tr, start);
	}
	if (sc_sim_truth_static(conf, *tr, a->opts.max_delay >= 0 ? a->opts.max_delay : conf->site.params.max_delay,
				truth, &err) < 0)
		return sc_cli_fail(cli, "%s", err.msg), -1;
	return 0;
}

/* Prints the result and writes the SVG. Returns the exit status. */
static int render(struct sc_cli *cli, const struct args *a, const struct sc_sim_result *res,
		  const struct sc_sim_info *info)
{
	FILE *f;
	int w;

	if (a->fmt == SC_OUT_JSON) {
		json_t *j = sc_sim_json(res, info);
		int bad = !j || sc_cli_print_json(cli, j, 0) < 0;
		json_decref(j);
		if (bad)
			return sc_cli_fail(cli, "out of memory");
	} else {
		sc_sim_print_text(cli->out, res, info);
	}
	if (!a->svg_path)
		return SC_EXIT_OK;
	f = fopen(a->svg_path, "w");
	if (!f)
		return sc_cli_fail(cli, "cannot write %s: %s", a->svg_path, strerror(errno));
	w = sc_sim_write_svg(f, res, info);
	if (fclose(f) != 0 || w < 0)
		return sc_cli_fail(cli, "cannot write %s: %s", a->svg_path, strerror(errno));
	return SC_EXIT_OK;
}

int sc_cmd_simulate(struct sc_cli *cli, int argc, char **argv)
{
	struct args a = { .tfmt = SC_TRACE_AUTO, .unit = SC_UNIT_AUTO, .fmt = SC_OUT_TEXT };
	struct sc_sim_result res;
	struct sc_sim_info info;
	struct sc_conf *conf = NULL;
	struct sc_trace *tr = NULL;
	struct sc_grid **truth = NULL;
	char fcname[4200];
	int rc, have_res = 0;
	struct sc_err err;

	memset(&res, 0, sizeof(res));
	a.opts.max_delay = -1;
	a.opts.fallback_part = -1;
	a.opts.forecast.kind = SC_FVIEW_PERFECT;
	if ((rc = parse_options(cli, argc, argv, &a)) >= 0)
		return rc;
	conf = sc_cli_load_conf(cli);
	if (!conf)
		return SC_EXIT_ERROR;
	rc = SC_EXIT_ERROR;
	truth = calloc(conf->n_zones ? conf->n_zones : 1, sizeof(*truth));
	if (!truth) {
		sc_cli_fail(cli, "out of memory");
		goto out;
	}
	if (load_inputs(cli, &a, conf, truth, &tr) < 0)
		goto out;
	if (sc_sim_run(conf, (const struct sc_grid *const *)truth, tr, &a.opts, &res, &err) < 0) {
		sc_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	have_res = 1;
	if (res.jobs_queued_outside_data) {
		char end[32];
		fprintf(cli->err,
			"%s %s: warning: %zu jobs were queued past the end of the intensity data (%s) under some "
			"policy: they are left out of every policy's emissions, saving and delays (%zu jobs counted); "
			"give more cores or more data\n",
			cli->prog, cli->cmd, res.jobs_queued_outside_data, sc_format_time(res.data_end, end, sizeof(end)),
			res.jobs);
	}
	info.trace = a.trace_path;
	info.forecast = sc_fview_mode_name(&a.opts.forecast, fcname, sizeof(fcname));
	info.cores = a.opts.cores;
	rc = render(cli, &a, &res, &info);
out:
	if (have_res)
		sc_sim_result_free(&res);
	sc_trace_destroy(tr);
	sc_model_destroy(a.model);
	if (truth)
		for (size_t z = 0; conf && z < conf->n_zones; z++)
			sc_grid_destroy(truth[z]);
	free(truth);
	sc_conf_destroy(conf);
	return rc;
}
