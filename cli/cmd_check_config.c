/* slurm-carbon: `scarbon check-config` — validate carbon.conf the way the
 * plugin will at slurmctld start, and show what it sets up.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "acct/slurmcmd.h"
#include "cli/cli.h"
#include "forecast/provider.h"
#include "base/units.h"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon check-config [--now TIME] [--strict] [--no-slurm] [--quiet]\n"
		"\n"
		"Validate carbon.conf (every error with its line number, all in one pass, as\n"
		"slurmctld will report them at start), then load each zone's forecast, compare\n"
		"the partitions with Slurm's (scontrol show partition), and show what the\n"
		"plugin would plan with.\n"
		"\n"
		"  --now TIME   load forecasts as of TIME (default: now)\n"
		"  --strict     also fail when a zone has no usable forecast, or a partition is\n"
		"               not one of Slurm's (jobs there would run as submitted)\n"
		"  --no-slurm   do not ask Slurm for its partitions\n"
		"  --quiet      print nothing when all is well\n"
		"  -h, --help   this help\n"
		"\n"
		"Exit status: 0 valid, 1 invalid (or, with --strict, a zone without forecast or\n"
		"a partition Slurm does not have), 2 usage error.\n");
}

static void list(FILE *f, const char *key, char **v, size_t n)
{
	if (!n)
		return;
	fprintf(f, " %s=", key);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", v[i]);
}

/* Slurm's partitions, to compare carbon.conf's with. 0 with the list, or -1
 * with why (not an error of carbon.conf: Slurm may not run here). */
struct slurm_parts {
	char **names;
	size_t n;
	int known;                /* the list was read */
	char why[SC_ERR_MAX];     /* else why not */
};

static void slurm_parts_load(struct slurm_parts *sp)
{
	struct sc_err err;

	memset(sp, 0, sizeof(*sp));
	if (sc_slurm_partitions(&sp->names, &sp->n, &err) == 0)
		sp->known = 1;
	else
		snprintf(sp->why, sizeof(sp->why), "%s", err.msg);
}

static int slurm_has(const struct slurm_parts *sp, const char *name)
{
	if (!sp->known)
		return 1;
	for (size_t i = 0; i < sp->n; i++)
		if (strcmp(sp->names[i], name) == 0)
			return 1;
	return 0;
}

static void slurm_parts_free(struct slurm_parts *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		free(sp->names[i]);
	free(sp->names);
}

/* Partition i's capacity (Cores=, GPUs=): a number, or "slurm" where the
 * plugin takes slurmctld's figure at each sync. */
static void print_capacity(FILE *o, const struct sc_conf *conf, size_t i)
{
	unsigned char from = conf->part_cap_slurm[i];
	int cores = conf->part_cores[i] || (from & SC_CAP_CORES_SLURM);

	if (!cores)
		return;
	if (from & SC_CAP_CORES_SLURM)
		fprintf(o, "  capacity slurm cores");
	else
		fprintf(o, "  capacity %u cores", conf->part_cores[i]);
	if (from & SC_CAP_GPUS_SLURM)
		fprintf(o, " slurm GPUs");
	else if (conf->part_gpus[i])
		fprintf(o, " %u GPUs", conf->part_gpus[i]);
}

/* The configuration as read, zone by zone and partition by partition. */
static void print_config(FILE *o, const struct sc_conf *conf, const struct sc_snapshot *snap,
			 const struct slurm_parts *sp, int ask_slurm, int unknown, int64_t now)
{
	const struct sc_params *p = &conf->site.params;
	char a[32], b[32];

	fprintf(o, "%s: valid\n", conf->path);
	fprintf(o, "Mode=%s MaxDelay=%s MinSavings=%g%% NearBest=%g%% RuntimeRatio=%g Reroute=%s AllowOptOut=%s\n",
		sc_mode_name(conf->mode), sc_format_duration(p->max_delay, a, sizeof(a)),
		p->min_savings_pct, p->near_best_pct, p->runtime_ratio, p->reroute ? "yes" : "no",
		conf->allow_opt_out ? "yes" : "no");
	fprintf(o, "StateDir=%s", conf->state_dir ? conf->state_dir : "");
	list(o, "ExemptUsers", conf->exempt_users, conf->n_exempt_users);
	list(o, "ExemptAccounts", conf->exempt_accounts, conf->n_exempt_accounts);
	list(o, "ExemptQOS", conf->exempt_qos, conf->n_exempt_qos);
	fprintf(o, "\nZones:\n");
	for (size_t i = 0; i < conf->n_zones; i++) {
		const struct sc_zone_spec *z = &conf->zones[i];
		const struct sc_zone_state *st = sc_snapshot_zone(snap, i);
		const struct sc_grid *g = sc_snapshot_set(snap)->grids[i];
		fprintf(o, "  %-12s %-15s %-8s ", z->name, sc_provider_name(z->provider),
			sc_signal_name(st->signal));
		if (st->why)
			fprintf(o, "NO USABLE FORECAST: %s (jobs in this zone run as submitted)\n", st->why);
		else
			fprintf(o, "%s .. %s, %.0f h ahead, step %lld s; %s\n",
				sc_format_time(g->start, a, sizeof(a)),
				sc_format_time(sc_grid_end(g), b, sizeof(b)),
				(double)(sc_grid_end(g) - now) / 3600.0, (long long)g->step,
				st->source ? st->source : "");
	}
	fprintf(o, "Partitions:\n");
	for (size_t i = 0; i < conf->n_parts; i++) {
		const struct sc_partition *pt = &conf->site.parts[i];
		uint64_t def_mem = conf->part_defaults[i].def_mem_per_cpu_mb;
		fprintf(o, "  %-12s zone %-8s PUE %.2f  %g W/core %g W/GPU %g W/GB usage %g",
			pt->name, conf->site.zones[pt->zone], pt->pue, pt->power.core_w, pt->power.gpu_w,
			pt->power.mem_w_per_gb, pt->power.usage);
		if (pt->power.node_w > 0)
			fprintf(o, " +%g W/node", pt->power.node_w);
		fprintf(o, "  DefaultTime %s", sc_format_duration(pt->default_time, a, sizeof(a)));
		if (def_mem)
			fprintf(o, "  DefMemPerCPU %lluM", (unsigned long long)def_mem);
		print_capacity(o, conf, i);
		if (pt->n_alt) {
			fprintf(o, "  alternatives ");
			for (size_t j = 0; j < pt->n_alt; j++)
				fprintf(o, "%s%s", j ? "," : "", conf->site.parts[pt->alt[j]].name);
		}
		fprintf(o, "%s%s\n", (int)i == conf->default_part ? "  (default)" : "",
			slurm_has(sp, pt->name) ? "" : "  NOT A SLURM PARTITION");
	}
	if (!ask_slurm)
		fprintf(o, "Slurm's partitions: not asked (--no-slurm)\n");
	else if (!sp->known)
		fprintf(o, "Slurm's partitions: not checked: %s\n", sp->why);
	else
		fprintf(o, "Slurm's partitions: %zu, %d of carbon.conf's not among them\n", sp->n,
			unknown);
}

int sc_cmd_check_config(struct sc_cli *cli, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "now", required_argument, NULL, 'N' },
		{ "strict", no_argument, NULL, 's' },
		{ "no-slurm", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *now_arg = NULL;
	int strict = 0, quiet = 0, ask_slurm = 1, c, missing = 0, unknown = 0;
	struct slurm_parts sp = { 0 };
	struct sc_conf *conf;
	struct sc_snapshot *snap;
	int64_t now;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'N': now_arg = optarg; break;
		case 's': strict = 1; break;
		case 'S': ask_slurm = 0; break;
		case 'q': quiet = 1; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (sc_cli_now(cli, now_arg, &now) < 0)
		return SC_EXIT_USAGE;
	conf = sc_cli_load_conf(cli);
	if (!conf)
		return SC_EXIT_ERROR;
	snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, now);
	if (!snap) {
		sc_conf_destroy(conf);
		return sc_cli_fail(cli, "out of memory");
	}
	for (size_t i = 0; i < conf->n_zones; i++)
		if (sc_snapshot_zone(snap, i)->why)
			missing++;
	if (ask_slurm)
		slurm_parts_load(&sp);
	for (size_t i = 0; i < conf->n_parts; i++)
		if (!slurm_has(&sp, conf->site.parts[i].name))
			unknown++;
	if (!quiet || (strict && (missing || unknown)))
		print_config(cli->out, conf, snap, &sp, ask_slurm, unknown, now);
	/* What leaves jobs unplanned is said on stderr too, even with --quiet. */
	for (size_t i = 0; i < conf->n_parts; i++)
		if (!slurm_has(&sp, conf->site.parts[i].name))
			fprintf(cli->err, "scarbon check-config: %s: partition '%s' is not one of Slurm's "
				"partitions (names compare exactly): its jobs are never planned\n",
				strict ? "error" : "warning", SC_PRINTABLE(conf->site.parts[i].name));
	if (missing)
		fprintf(cli->err, "scarbon check-config: %s: %d zone%s without a usable forecast: jobs "
			"there run as submitted%s\n", strict ? "error" : "warning", missing,
			missing == 1 ? "" : "s", strict ? "" : " (--strict makes this an error)");
	slurm_parts_free(&sp);
	sc_snapshot_destroy(snap);
	sc_conf_destroy(conf);
	if (strict && (missing || unknown))
		return sc_cli_fail(cli, "%d zone%s without a usable forecast, %d partition%s not in Slurm "
				   "(--strict)", missing, missing == 1 ? "" : "s", unknown,
				   unknown == 1 ? "" : "s");
	return SC_EXIT_OK;
}
