/* slurm-carbon: `scarbon metrics` — the Prometheus text exposition of the zones' forecasts
 * and of what job_submit/carbon decided, for node_exporter's textfile collector.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "forecast/cache.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon metrics [--output FILE] [--now TIME]\n"
		"\n"
		"Write the metrics in Prometheus' text format: per zone the forecast intensity now,\n"
		"its minimum over the next 24 hours and the forecast's age; per partition and\n"
		"decision the jobs job_submit/carbon decided, with the gCO2e it estimated and\n"
		"avoided (its counters in StateDir/counters.json, saved every ReloadInterval);\n"
		"per carbon budget its limit and what the ledger (StateDir/budgets.json, written\n"
		"by scarbon budget --write) says its current period has used.\n"
		"\n"
		"  --output FILE  write FILE atomically (e.g. node_exporter's textfile directory:\n"
		"                 /var/lib/prometheus/node-exporter/slurm-carbon.prom) instead of\n"
		"                 standard output\n"
		"  --now TIME     as of TIME (default: now)\n"
		"  -h, --help     this help\n"
		"\n"
		"Exit status: 0 success, 1 error (invalid carbon.conf, unreadable counters, the\n"
		"file cannot be written), 2 usage error.\n");
}

struct render {
	const struct sc_conf *conf;
	const struct sc_snapshot *snap;
	const struct sc_counters *counters;
	const struct sc_ledger *ledger; /* NULL: none */
	int64_t now;
};

static int fill(FILE *f, void *arg, struct sc_err *err)
{
	const struct render *r = arg;

	sc_metrics_write_budgets(f, r->conf, r->ledger, r->now);
	return sc_metrics_write(f, r->conf, r->snap, r->counters, r->now, err);
}

/* The plugin's counters from StateDir, into *c; *have 0 when none were saved yet. */
static int load_counters(struct sc_cli *cli, const struct sc_conf *conf, struct sc_counters *c,
			 int *have)
{
	struct sc_err err;
	char *path = sc_counters_path(conf->state_dir, &err);
	int rc;

	*have = 0;
	if (!path) {
		sc_cli_fail(cli, "%s", err.msg);
		return -1;
	}
	if (sc_counters_init(c, conf->part_names, conf->n_parts) < 0) {
		free(path);
		sc_cli_fail(cli, "out of memory");
		return -1;
	}
	rc = sc_counters_load(c, path, &err);
	free(path);
	if (rc < 0) {
		sc_cli_fail(cli, "%s", err.msg);
		return -1;
	}
	*have = c->updated > 0;
	return 0;
}

int sc_cmd_metrics(struct sc_cli *cli, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *now_arg = NULL;
	struct sc_counters counters = { 0 };
	struct sc_ledger ledger = { 0 };
	char *lpath = NULL;
	struct render r = { 0 };
	struct sc_conf *conf;
	struct sc_snapshot *snap = NULL;
	struct sc_err err;
	int c, have = 0, rc = SC_EXIT_ERROR;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'N': now_arg = optarg; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (sc_cli_now(cli, now_arg, &r.now) < 0)
		return SC_EXIT_USAGE;
	conf = sc_cli_load_conf(cli);
	if (!conf)
		return SC_EXIT_ERROR;
	if (load_counters(cli, conf, &counters, &have) < 0)
		goto out;
	if (conf->n_budgets && (lpath = sc_ledger_path(conf->state_dir, &err)) &&
	    sc_ledger_load(&ledger, lpath, &err) < 0) {
		sc_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	r.ledger = ledger.computed > 0 ? &ledger : NULL;
	snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, r.now);
	if (!snap) {
		sc_cli_fail(cli, "out of memory");
		goto out;
	}
	r.conf = conf;
	r.snap = snap;
	r.counters = have ? &counters : NULL;
	if (out_path ? sc_atomic_write(out_path, 0644, fill, &r, &err) : fill(cli->out, &r, &err)) {
		sc_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	rc = SC_EXIT_OK;
out:
	sc_snapshot_destroy(snap);
	sc_counters_free(&counters);
	sc_ledger_free(&ledger);
	free(lpath);
	sc_conf_destroy(conf);
	return rc;
}
