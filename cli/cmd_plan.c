/* slurm-carbon: `scarbon plan` — the decision job_submit/carbon would make
 * for a job, as a dry run.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/file.h"
#include "plan/loadfile.h"
#include "plan/plan.h"
#include "base/grow.h"
#include "policy/message.h"
#include "base/units.h"

enum field {
	F_PARTITION, F_NODES, F_NTASKS, F_CPT, F_NTPN, F_MEM, F_MEM_PER_CPU, F_GPUS, F_GRES,
	F_GPUS_PER_NODE, F_GPUS_PER_TASK, F_TIME, F_BEGIN, F_DEADLINE, F_BUDGET, F_MAX_DELAY,
	F_POLICY, F_ACCOUNT, F_QOS, F_USER, F_NAME,
	/* command line only */
	F_NOW, F_FORMAT, F_HELP,
	NFIELDS
};

struct opt {
	const char *lng;
	char shrt;
	enum field f;
	int has_arg;
	int script; /* accepted in #SBATCH lines */
};

static const struct opt opts[] = {
	{ "partition", 'p', F_PARTITION, 1, 1 },
	{ "nodes", 'N', F_NODES, 1, 1 },
	{ "ntasks", 'n', F_NTASKS, 1, 1 },
	{ "cpus-per-task", 'c', F_CPT, 1, 1 },
	{ "ntasks-per-node", 0, F_NTPN, 1, 1 },
	{ "mem", 0, F_MEM, 1, 1 },
	{ "mem-per-cpu", 0, F_MEM_PER_CPU, 1, 1 },
	{ "gpus", 'G', F_GPUS, 1, 1 },
	{ "gres", 0, F_GRES, 1, 1 },
	{ "gpus-per-node", 0, F_GPUS_PER_NODE, 1, 1 },
	{ "gpus-per-task", 0, F_GPUS_PER_TASK, 1, 1 },
	{ "time", 't', F_TIME, 1, 1 },
	{ "begin", 'b', F_BEGIN, 1, 1 },
	{ "deadline", 0, F_DEADLINE, 1, 1 },
	{ "carbon-budget", 0, F_BUDGET, 1, 1 },
	{ "carbon-max-delay", 0, F_MAX_DELAY, 1, 1 },
	{ "carbon-policy", 0, F_POLICY, 1, 1 },
	{ "account", 'A', F_ACCOUNT, 1, 1 },
	{ "qos", 'q', F_QOS, 1, 1 },
	{ "user", 'u', F_USER, 1, 0 },
	{ "job-name", 'J', F_NAME, 1, 1 },
	{ "now", 0, F_NOW, 1, 0 },
	{ "format", 0, F_FORMAT, 1, 0 },
	{ "help", 'h', F_HELP, 0, 0 },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon plan [OPTIONS] [BATCH_SCRIPT]\n"
		"\n"
		"Show the decision job_submit/carbon would make for a job: run now, delay to a\n"
		"greener window, reroute to a greener partition, or reject over budget. The job\n"
		"is described with sbatch's options, or by the #SBATCH lines of BATCH_SCRIPT\n"
		"(options on the command line win; other #SBATCH options are ignored; '-' reads\n"
		"stdin; a script must be a text file of at most 4 MiB, Slurm's default\n"
		"max_script_size).\n"
		"\n"
		"Job options (as sbatch):\n"
		"  -p, --partition=P[,P2]    partition(s) (default: carbon.conf's default)\n"
		"  -N, --nodes=N[-M]         nodes (the minimum counts)\n"
		"  -n, --ntasks=N            tasks\n"
		"  -c, --cpus-per-task=N     CPUs per task\n"
		"      --ntasks-per-node=N   tasks per node\n"
		"      --mem=SIZE            memory per node (K, M, G, T; default M)\n"
		"      --mem-per-cpu=SIZE    memory per CPU\n"
		"  -G, --gpus=[TYPE:]N       GPUs for the whole job\n"
		"      --gres=gpu[:TYPE]:N   GPUs per node\n"
		"      --gpus-per-node=[TYPE:]N, --gpus-per-task=[TYPE:]N\n"
		"  -t, --time=DURATION       time limit (mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm, d-hh:mm:ss)\n"
		"  -b, --begin=TIME          earliest start (YYYY-MM-DD[THH:MM[:SS]] UTC, ISO 8601, now+N[unit])\n"
		"      --deadline=TIME       the job must end by then\n"
		"      --carbon-budget=AMOUNT     cap on the job's emissions (500g, 2kg, 1.5t)\n"
		"      --carbon-max-delay=DURATION  longest delay you accept (only shortens the site's)\n"
		"      --carbon-policy=none|auto  opt out, where the site allows it\n"
		"  -A, --account=ACCOUNT, -q, --qos=QOS, -u, --user=USER\n"
		"                            checked against the site's exemptions\n"
		"  -J, --job-name=NAME       the job's name, for learned estimates (default, as\n"
		"                            sbatch: BATCH_SCRIPT's file name, \"sbatch\" for\n"
		"                            stdin; none without one)\n"
		"\n"
		"Output:\n"
		"      --now=TIME            plan as if submitted at TIME (default: now)\n"
		"      --format=text|json    json prints the {\"carbon\":{...}} object the plugin\n"
		"                            writes to the job's AdminComment\n"
		"  -h, --help                this help\n"
		"\n"
		"Exit status: 0 success (including a job that would be rejected), 1 error, 2 usage error.\n");
}

/* Stores the options of argv[first..argc-1] into val[]. script: lenient
 * (unknown options and positional words are ignored, as #SBATCH lines
 * carry any sbatch option). Positional words of the command line go to
 * *positional. Returns 0 or a usage error (printed). */
static int parse_opts(struct sc_cli *cli, int argc, char **argv, int first, int script,
		      const char **val, const char **positional)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o = NULL;
		const char *value = NULL;

		if (a[0] != '-' || a[1] == '\0') {
			if (script)
				continue;
			if (*positional)
				return sc_cli_usage(cli, "only one batch script may be given ('%s' and '%s')",
						    SC_PRINTABLE(*positional), SC_PRINTABLE(a));
			*positional = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (!script && i + 1 < argc)
				*positional = argv[i + 1];
			break;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			for (size_t k = 0; k < NOPTS; k++)
				if (strlen(opts[k].lng) == len && strncmp(opts[k].lng, name, len) == 0)
					o = &opts[k];
			if (o && eq)
				value = eq + 1;
			if (o && eq && !o->has_arg)
				return sc_cli_usage(cli, "option '--%s' takes no value", o->lng);
		} else {
			for (size_t k = 0; k < NOPTS; k++)
				if (opts[k].shrt && opts[k].shrt == a[1])
					o = &opts[k];
			if (o && a[2])
				value = a + 2;
			if (o && a[2] && !o->has_arg)
				return sc_cli_usage(cli, "option '-%c' takes no value", a[1]);
		}
		if (o && script && !o->script)
			o = NULL;
		if (!o) {
			if (script)
				continue;
			return sc_cli_usage(cli, "unknown option '%s'", SC_PRINTABLE(a));
		}
		if (o->has_arg && !value) {
			if (i + 1 >= argc) {
				if (script)
					continue;
				return sc_cli_usage(cli, "option '%s' needs a value", SC_PRINTABLE(a));
			}
			value = argv[++i];
		}
		val[o->f] = o->has_arg ? value : "1";
	}
	return 0;
}

/* Splits an #SBATCH line's options into words (blanks separate, quotes
 * group) in place; returns the count. */
static int split_words(char *s, char **words, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *w, *d;
		char q = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		w = d = s;
		while (*s && (q || !isspace((unsigned char)*s))) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s++;
				continue;
			}
			if (q && *s == q) {
				q = 0;
				s++;
				continue;
			}
			*d++ = *s++;
		}
		if (*s)
			s++;
		*d = '\0';
		words[n++] = w;
	}
	return n;
}

/* The strings that val[] points into, read from a batch script. */
struct kept {
	char **v;
	size_t n, cap;
};

/* Slurm refuses batch scripts over its max_script_size, 4 MiB by default:
 * a larger file is not a batch script, nor more than that read from stdin
 * before the first command. */
#define SCRIPT_MAX_BYTES ((off_t)4 << 20)

/* Reads the #SBATCH options of a batch script (up to the first command),
 * storing them into val[] with the strings kept in *keep (caller frees
 * keep->v and its strings, also after an error). A NUL byte (a binary file)
 * and more than SCRIPT_MAX_BYTES are errors. */
static int read_script(struct sc_cli *cli, const char *path, const char **val, struct kept *keep)
{
	struct sc_err err = { "" };
	FILE *f = sc_open_input(path, "batch script", SCRIPT_MAX_BYTES, &err);
	char *line = NULL;
	size_t cap = 0, total = 0;
	long len;
	int rc = 0, lineno = 0;

	if (!f)
		return sc_cli_fail(cli, "%s", err.msg);
	while ((len = sc_read_line(f, &line, &cap, 0)) >= 0) {
		char *p = line, *copy, **words;
		const char *dummy = NULL;
		int n;

		lineno++;
		if ((size_t)len != strlen(line)) {
			rc = sc_cli_fail(cli, "%s:%d: line %d contains a NUL byte: expected a text batch script",
					 SC_PRINTABLE(path), lineno, lineno);
			break;
		}
		total += (size_t)len + 1;
		if (total > (size_t)SCRIPT_MAX_BYTES) {
			rc = sc_cli_fail(cli, "%s:%d: more than %lld bytes before the first command: expected a batch "
					 "script of at most %lld bytes (4 MiB, Slurm's default max_script_size)",
					 SC_PRINTABLE(path), lineno, (long long)SCRIPT_MAX_BYTES,
					 (long long)SCRIPT_MAX_BYTES);
			break;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (lineno == 1 && strncmp(p, "#!", 2) == 0)
			continue;
		if (!*p)
			continue;
		if (*p != '#')
			break; /* sbatch stops at the first command */
		if (strncmp(p, "#SBATCH", 7) != 0 || (p[7] && !isspace((unsigned char)p[7])))
			continue;
		copy = strdup(p + 7);
		words = calloc(65, sizeof(*words));
		if (!copy || !words || SC_GROW(keep->v, keep->cap, keep->n + 1) < 0) {
			free(copy);
			free(words);
			rc = sc_cli_fail(cli, "out of memory");
			break;
		}
		keep->v[keep->n++] = copy;
		n = split_words(copy, words + 1, 64);
		rc = parse_opts(cli, n + 1, words, 1, 1, val, &dummy);
		free(words);
		if (rc)
			break;
	}
	if (len == -2)
		rc = sc_cli_fail(cli, "%s:%d: line longer than 1 MiB: expected a batch script", SC_PRINTABLE(path),
				 lineno + 1);
	else if (len == -3)
		rc = sc_cli_fail(cli, "out of memory");
	else if (!rc && ferror(f))
		rc = sc_cli_fail(cli, "cannot read batch script %s: read error", SC_PRINTABLE(path));
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int parse_u32(struct sc_cli *cli, const char *opt, const char *s, uint32_t *out, int range)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	v = strtoul(s, &end, 10);
	if (range && *end == '-' && isdigit((unsigned char)end[1])) {
		char *end2;
		unsigned long hi = strtoul(end + 1, &end2, 10);
		if (*end2 || hi < v)
			goto bad;
		end = end2;
	}
	if (*end || errno || v == 0 || v > 1000000)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return sc_cli_usage(cli, "--%s: invalid value '%s': expected a whole number from 1 to 1000000%s", opt,
			    SC_PRINTABLE(s), range ? " (or a range MIN-MAX)" : "");
}

static int parse_gpu_opt(struct sc_cli *cli, const char *opt, const char *s, int prefix, uint64_t *out)
{
	struct sc_err err;
	char buf[256];

	snprintf(buf, sizeof(buf), "%s%s", prefix ? "gpu:" : "", s);
	if (sc_parse_gpus(buf, out, &err) < 0)
		return sc_cli_usage(cli, "--%s: %s", opt, err.msg);
	return 0;
}

static int build_fields(struct sc_cli *cli, const char **val, int64_t now, struct sc_job_fields *f)
{
	struct sc_err err;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->partition = val[F_PARTITION];
	if (val[F_NODES] && (rc = parse_u32(cli, "nodes", val[F_NODES], &f->nodes, 1)))
		return rc;
	if (val[F_NTASKS] && (rc = parse_u32(cli, "ntasks", val[F_NTASKS], &f->ntasks, 0)))
		return rc;
	if (val[F_CPT] && (rc = parse_u32(cli, "cpus-per-task", val[F_CPT], &f->cpus_per_task, 0)))
		return rc;
	if (val[F_NTPN] && (rc = parse_u32(cli, "ntasks-per-node", val[F_NTPN], &f->ntasks_per_node, 0)))
		return rc;
	if (val[F_MEM] && sc_parse_mem_mb(val[F_MEM], &f->mem_per_node_mb, &err) < 0)
		return sc_cli_usage(cli, "--mem: %s", err.msg);
	if (val[F_MEM_PER_CPU] && sc_parse_mem_mb(val[F_MEM_PER_CPU], &f->mem_per_cpu_mb, &err) < 0)
		return sc_cli_usage(cli, "--mem-per-cpu: %s", err.msg);
	if (val[F_MEM] && val[F_MEM_PER_CPU])
		return sc_cli_usage(cli, "--mem and --mem-per-cpu are mutually exclusive (as in sbatch)");
	if (val[F_GPUS] && (rc = parse_gpu_opt(cli, "gpus", val[F_GPUS], 1, &f->gpus_per_job)))
		return rc;
	if (val[F_GRES] && (rc = parse_gpu_opt(cli, "gres", val[F_GRES], 0, &f->gpus_per_node)))
		return rc;
	if (val[F_GPUS_PER_NODE]) {
		uint64_t g;
		if ((rc = parse_gpu_opt(cli, "gpus-per-node", val[F_GPUS_PER_NODE], 1, &g)))
			return rc;
		f->gpus_per_node += g;
	}
	if (val[F_GPUS_PER_TASK] &&
	    (rc = parse_gpu_opt(cli, "gpus-per-task", val[F_GPUS_PER_TASK], 1, &f->gpus_per_task)))
		return rc;
	if (val[F_TIME]) {
		int64_t t;
		if (sc_parse_duration(val[F_TIME], SC_DUR_ALLOW_UNLIMITED, &t, &err) < 0)
			return sc_cli_usage(cli, "--time: %s", err.msg);
		/* UNLIMITED: priced at the partition's DefaultTime, and said so. */
		f->time_limit = t == SC_DURATION_UNLIMITED ? 0 : t;
		f->time_unlimited = t == SC_DURATION_UNLIMITED;
		if (t == 0)
			return sc_cli_usage(cli, "--time: a time limit of 0 is not a job");
	}
	if (val[F_BEGIN] && sc_parse_time(val[F_BEGIN], now, &f->begin, &err) < 0)
		return sc_cli_usage(cli, "--begin: %s", err.msg);
	if (val[F_DEADLINE] && sc_parse_time(val[F_DEADLINE], now, &f->deadline, &err) < 0)
		return sc_cli_usage(cli, "--deadline: %s", err.msg);
	/* 0 would read as "no deadline": the epoch itself is as past as any. */
	if (val[F_DEADLINE] && f->deadline <= 0)
		return sc_cli_usage(cli, "--deadline: '%s' is not after now: expected a time in the future",
				    SC_PRINTABLE(val[F_DEADLINE]));
	f->budget = val[F_BUDGET];
	f->max_delay = val[F_MAX_DELAY];
	f->policy = val[F_POLICY];
	return 0;
}

static void print_plan_row(struct sc_cli *cli, const struct sc_conf *conf, const char *label,
			   const struct sc_plan *p)
{
	char t[32];
	const struct sc_partition *pt = &conf->site.parts[p->part];

	fprintf(cli->out, "  %-10s %-14s %-8s %-20s %9.4f %5.2f %9.1f %11.1f%s\n", label, pt->name,
		conf->site.zones[pt->zone], sc_format_time(p->start, t, sizeof(t)), p->kwh, p->pue, p->ci,
		p->gco2e, p->partial ? "  (window past the forecast: partial)" : "");
}

static void print_text(struct sc_cli *cli, const struct sc_conf *conf, const struct sc_eval *ev,
		       int64_t now)
{
	const struct sc_decision *d = &ev->d;
	char buf[1024], rt[32], t0[32];

	fprintf(cli->out, "Decision: %s%s\n", sc_action_name(d->action),
		conf->mode == SC_MODE_ADVISE ? " (Mode=advise: the plugin would only advise)" :
		conf->mode == SC_MODE_OFF ? " (Mode=off)" : "");
	fprintf(cli->out, "%s\n", sc_decision_explain(&conf->site, d, conf->mode, now, buf, sizeof(buf)));
	if (d->action == SC_ACT_NONE)
		return;
	fprintf(cli->out, "\nJob: %u node%s, %u core%s, %u GPU%s, %.1f GB memory, runtime %s, %.1f W; "
			  "earliest start %s\n",
		ev->req.shape.nodes, ev->req.shape.nodes == 1 ? "" : "s", ev->req.shape.cores,
		ev->req.shape.cores == 1 ? "" : "s", ev->req.shape.gpus, ev->req.shape.gpus == 1 ? "" : "s",
		ev->req.shape.mem_gb, sc_format_duration(d->chosen.runtime, rt, sizeof(rt)), d->chosen.watts,
		sc_format_time(d->t0, t0, sizeof(t0)));
	if (ev->ctx.estimate)
		fprintf(cli->out, "Estimate: %s, run time = time limit x %.4g%s%s%s\n", d->basis,
			ev->ctx.estimate_ratio, ev->ctx.estimate_key ? " (" : "",
			ev->ctx.estimate_key ? "learned power where measured" : "",
			ev->ctx.estimate_key ? ")" : "");
	if (ev->time_note[0])
		fprintf(cli->out, "Run time: %s\n", ev->time_note);
	fprintf(cli->out, "\n  %-10s %-14s %-8s %-20s %9s %5s %9s %11s\n", "", "partition", "zone", "start",
		"kWh", "PUE", "gCO2e/kWh", "gCO2e");
	print_plan_row(cli, conf, d->action == SC_ACT_REJECT ? "best" : "chosen", &d->chosen);
	if (d->has_baseline)
		print_plan_row(cli, conf, "as asked", &d->baseline);
	if (d->congested) /* the plugin's planned load moved the plan (README, "Capacity") */
		print_plan_row(cli, conf, "uncongested", &d->uncongested);
	fprintf(cli->out, "\n  saving %.1f%% over %zu candidate plans", d->saving_pct, d->n_candidates);
	if (d->budget_g >= 0)
		fprintf(cli->out, "; budget %s", sc_format_carbon(d->budget_g, buf, sizeof(buf)));
	fprintf(cli->out, "\n  plugin message: %s\n",
		sc_decision_message(&conf->site, d, conf->mode, now, buf, sizeof(buf)));
}

/* The learned estimates when carbon.conf wants them (Estimates=learned):
 * NULL, with a warning that says why, when the model is missing, stale or
 * corrupt (the job is then priced on carbon.conf, as the plugin does). */
static struct sc_model *load_model(struct sc_cli *cli, const struct sc_conf *conf, int64_t now)
{
	struct sc_err err = { "" };
	struct sc_model *m = NULL;
	char *path;

	if (!conf->estimates_learned)
		return NULL;
	path = sc_model_path(conf->state_dir, &err);
	if (path)
		m = sc_model_load(path, now, conf->estimates_max_age, &err);
	if (!m)
		fprintf(cli->err, "%s %s: warning: learned estimates not used, carbon.conf's instead: %s\n",
			cli->prog, cli->cmd, err.msg);
	free(path);
	return m;
}

/* With a partition with Cores=: the planned-load ledger job_submit/carbon
 * last saved (StateDir/planned-load), so that the plan prices congestion
 * as the plugin would; *cong is set to price with it. NULL when no
 * partition has a capacity, or out of memory (a warning says so). A
 * missing or unreadable file plans against an empty ledger (a warning
 * says why, unless the file is simply not there). */
static struct sc_load *load_ledger(struct sc_cli *cli, struct sc_conf *conf, int64_t now,
				   struct sc_congestion *cong)
{
	struct sc_err err = { "" };
	struct sc_load *l = sc_loadfile_ledger(conf, now, cong, &err);
	size_t dropped = 0, bad = 0;
	uint32_t seq, *caps;
	char *path;

	if (!l) {
		if (err.msg[0])
			fprintf(cli->err, "%s %s: warning: planned load not priced: %s\n", cli->prog, cli->cmd,
				err.msg);
		return NULL;
	}
	caps = calloc(2 * conf->n_parts + 1, sizeof(*caps)); /* NULL: the capacities saved are not read */
	path = sc_loadfile_path(conf->state_dir, &err);
	if (!path)
		fprintf(cli->err, "%s %s: warning: planned load not read: %s\n", cli->prog, cli->cmd, err.msg);
	else if (sc_loadfile_restore(path, l, conf->part_names, conf->n_parts, now, &seq, caps, &dropped, &bad,
				     &err) < 0)
		fprintf(cli->err, "%s %s: warning: %s: planning against an empty ledger\n", cli->prog, cli->cmd,
			err.msg);
	else if (bad)
		fprintf(cli->err, "%s %s: warning: %s (%zu line(s) skipped)\n", cli->prog, cli->cmd, err.msg, bad);
	/* Cores=slurm, GPUs=slurm: the capacities the plugin last took from slurmctld (none:
	 * unknown, as in the plugin before its first sync). */
	for (size_t i = 0; caps && i < conf->n_parts; i++) {
		if (conf->part_cap_slurm[i] & SC_CAP_CORES_SLURM)
			conf->part_cores[i] = caps[i];
		if (conf->part_cap_slurm[i] & SC_CAP_GPUS_SLURM)
			conf->part_gpus[i] = caps[conf->n_parts + i];
	}
	free(caps);
	free(path);
	return l;
}

/* The job's name: name (-J, #SBATCH --job-name), else the batch script's
 * file name as sbatch gives it ("sbatch" for stdin), else none. 0, or a
 * usage error for a name that is empty or has control characters. */
static int job_name(struct sc_cli *cli, const char *name, const char *script, struct sc_job_fields *f)
{
	const char *slash = script ? strrchr(script, '/') : NULL;

	if (!name && script && strcmp(script, "-") == 0)
		name = "sbatch";
	else if (!name)
		name = slash ? slash + 1 : script;
	if (name && !*name)
		return sc_cli_usage(cli, "--job-name: empty; expected a job name");
	for (const unsigned char *c = (const unsigned char *)name; c && *c; c++)
		if (*c < ' ' || *c == 0x7f)
			return sc_cli_usage(cli, "--job-name: '%s' has a control character; expected a plain "
					    "name", SC_PRINTABLE(name));
	f->name = name;
	return 0;
}

int sc_cmd_plan(struct sc_cli *cli, int argc, char **argv)
{
	static const char *const formats[] = { [SC_OUT_TEXT] = "text", [SC_OUT_JSON] = "json", NULL };
	const char *val[NFIELDS] = { 0 }, *cmdline[NFIELDS] = { 0 }, *script = NULL;
	struct kept keep = { NULL, 0, 0 };
	struct sc_conf *conf = NULL;
	struct sc_snapshot *snap = NULL;
	struct sc_model *model = NULL;
	struct sc_load *load = NULL;
	struct sc_congestion cong;
	struct sc_job_fields f;
	struct sc_eval ev;
	int64_t now;
	int rc, fmt = SC_OUT_TEXT;

	rc = parse_opts(cli, argc, argv, 1, 0, cmdline, &script);
	if (rc)
		goto out;
	if (cmdline[F_HELP]) {
		help(cli->out);
		rc = SC_EXIT_OK;
		goto out;
	}
	if (cmdline[F_FORMAT] && (fmt = sc_cli_choice(cli, "--format", cmdline[F_FORMAT], formats)) < 0) {
		rc = SC_EXIT_USAGE;
		goto out;
	}
	if (sc_cli_now(cli, cmdline[F_NOW], &now) < 0) {
		rc = SC_EXIT_USAGE;
		goto out;
	}
	if (script && (rc = read_script(cli, script, val, &keep)))
		goto out;
	for (int i = 0; i < NFIELDS; i++)
		if (cmdline[i])
			val[i] = cmdline[i];
	if ((rc = build_fields(cli, val, now, &f)) || (rc = job_name(cli, val[F_NAME], script, &f)))
		goto out;
	conf = sc_cli_load_conf(cli);
	if (!conf) {
		rc = SC_EXIT_ERROR;
		goto out;
	}
	snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, now);
	if (!snap) {
		rc = sc_cli_fail(cli, "out of memory");
		goto out;
	}
	model = load_model(cli, conf, now);
	load = load_ledger(cli, conf, now, &cong);
	if (sc_evaluate_loaded(conf, snap, model, NULL, load ? &cong : NULL, &f, val[F_USER], val[F_ACCOUNT],
			       val[F_QOS], now, &ev) < 0) {
		rc = sc_cli_fail(cli, "%s", ev.err.msg);
		goto out;
	}
	if (fmt == SC_OUT_JSON) {
		char *s = sc_eval_admin_comment(conf, &ev, NULL);
		if (!s) {
			rc = sc_cli_fail(cli, "out of memory");
			goto out;
		}
		fprintf(cli->out, "%s\n", s);
		free(s);
	} else {
		print_text(cli, conf, &ev, now);
	}
	rc = SC_EXIT_OK;
out:
	for (size_t i = 0; i < keep.n; i++)
		free(keep.v[i]);
	free(keep.v);
	sc_snapshot_destroy(snap);
	sc_model_destroy(model);
	sc_load_destroy(load);
	sc_conf_destroy(conf);
	return rc;
}
