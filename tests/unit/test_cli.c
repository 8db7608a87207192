/* slurm-carbon: end-to-end tests of the scarbon binary (check-config,
 * forecast, plan) on the bundled example configuration and sample forecast.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/units.h"

static char tmpdir[256];

/* Output of one run. */
struct run {
	int status;
	char *out;
	char *err;
};

/* Runs "scarbon ARGS" (a shell fragment; the config is the example unless
 * ARGS gives one) and captures stdout, stderr and the exit status. */
static struct run scarbon(const char *fmt, ...)
{
	char args[4096], cmd[8192], outp[300], errp[300];
	const char *build = getenv("SC_TOP_BUILDDIR");
	va_list ap;
	struct run r;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "%s/out", tmpdir);
	snprintf(errp, sizeof(errp), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && SLURM_CARBON_CONF='%s' '%s/cli/scarbon' %s >'%s' 2>'%s'", tmpdir,
		 sc_test_path("etc/carbon.conf.example"), build && *build ? build : ".", args, outp, errp);
	st = system(cmd);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r.out = sc_test_read_file(outp, NULL);
	r.err = sc_test_read_file(errp, NULL);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sc-test-cli-XXXXXX");
	/* No test asks the host's Slurm (check-config would): a test that wants
	 * Slurm's partitions sets its own fake scontrol. */
	setenv("SCARBON_SCONTROL", "/bin/false", 1);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The bundled DE sample, read independently of forecast/: value at the
 * hour starting at t. */
static double sample_de(int64_t t)
{
	FILE *f = fopen(sc_test_path("etc/sample/intensity-DE.csv"), "r");
	char line[256], want[32];
	double v = NAN;

	assert_non_null(f);
	sc_format_time(t, want, sizeof(want));
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, want, 20) == 0 && line[20] == ',')
			v = atof(line + 21);
	fclose(f);
	if (isnan(v))
		fail_msg("no sample value at %s", want);
	return v;
}

static void test_help_and_usage(void **state)
{
	static const char *const cmds[] = { "check-config", "forecast", "plan", "refresh", "reconcile",
					    "report", "simulate" };
	struct run r;

	(void)state;
	r = scarbon("--help");
	assert_int_equal(r.status, 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_contains(r.out, cmds[i]);
	run_free(&r);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char usage[64];

		r = scarbon("%s --help", cmds[i]);
		assert_int_equal(r.status, 0);
		snprintf(usage, sizeof(usage), "Usage: scarbon %s ", cmds[i]);
		assert_contains(r.out, usage);
		assert_contains(r.out, "Exit status: 0 ");
		assert_string_equal(r.err, "");
		run_free(&r);
	}
	r = scarbon("");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = scarbon("frobnicate");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "unknown command 'frobnicate'");
	run_free(&r);
	r = scarbon("plan --frobnicate");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "unknown option '--frobnicate'");
	assert_contains(r.err, "Try 'scarbon plan --help'");
	run_free(&r);
	/* What getopt refused, said precisely, in every command. */
	r = scarbon("refresh --bogus");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "scarbon refresh: unknown option '--bogus'\nTry 'scarbon refresh --help'.\n");
	run_free(&r);
	r = scarbon("forecast --zone");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon forecast: option '--zone' needs a value");
	run_free(&r);
	r = scarbon("check-config --strict=yes");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon check-config: option '--strict' takes no value");
	run_free(&r);
	r = scarbon("refresh --n");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon refresh: ambiguous option '--n' (--now, --no-archive)");
	run_free(&r);
	r = scarbon("report -S");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon report: option '-S' needs a value");
	run_free(&r);
	r = scarbon("reconcile -z");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon reconcile: unknown option '-z'");
	run_free(&r);
	r = scarbon("simulate --trace");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "scarbon simulate: option '--trace' needs a value");
	run_free(&r);
	r = scarbon("forecast --format xml");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "expected one of text, json, csv");
	run_free(&r);
	r = scarbon("plan --now yesterday-ish");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "--now: invalid time");
	run_free(&r);
	r = scarbon("check-config --config");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = scarbon("--version");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "Slurm");
	run_free(&r);
}

/* Every option a command's --help names is one the command accepts (the
 * words of sacct's command line quoted there aside). */
static void test_help_options_exist(void **state)
{
	static const char *const cmds[] = { "check-config", "forecast", "plan", "refresh", "reconcile",
					    "report", "simulate" };
	int checked = 0;

	(void)state;
	/* Nothing here may reach a real sacct or sacctmgr. */
	setenv("SCARBON_SACCT", "/bin/false", 1);
	setenv("SCARBON_SACCTMGR", "/bin/false", 1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct run h = scarbon("%s --help", cmds[i]);
		char *save = NULL, *names[64];
		int n = 0;

		assert_int_equal(h.status, 0);
		for (char *line = strtok_r(h.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (strstr(line, "sacct"))
				continue;
			for (char *p = strstr(line, "--"); p; p = strstr(p + 2, "--")) {
				size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
				int seen = 0;

				if (p[2] < 'a' || p[2] > 'z')
					continue;
				for (int k = 0; k < n; k++)
					seen |= strlen(names[k]) == len && strncmp(names[k], p + 2, len) == 0;
				if (!seen && n < 64)
					names[n++] = strndup(p + 2, len);
			}
		}
		assert_true(n >= 3);
		for (int k = 0; k < n; k++) {
			struct run r = scarbon("%s --%s=1", cmds[i], names[k]);

			if (strstr(r.err, "unknown option") || strstr(r.err, "ambiguous option"))
				fail_msg("scarbon %s --help names --%s, which it refuses: %s", cmds[i], names[k], r.err);
			run_free(&r);
			free(names[k]);
			checked++;
		}
		run_free(&h);
	}
	assert_true(checked > 60);
	unsetenv("SCARBON_SACCT");
	unsetenv("SCARBON_SACCTMGR");
}

static void test_check_config(void **state)
{
	struct run r;

	(void)state;
	r = scarbon("check-config --now 2021-11-09T00:00:00Z");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "valid");
	assert_contains(r.out, "compute-fr");
	assert_contains(r.out, "2021-11-08T00:00:00Z .. 2021-11-12T00:00:00Z");
	/* Each partition's whole model, DefMemPerCPU included. */
	assert_contains(r.out, "\n  compute      zone DE       PUE 1.30  10 W/core 200 W/GPU 0.3725 W/GB usage 1  "
			       "DefaultTime 01:00:00  DefMemPerCPU 4096M  (default)\n");
	assert_contains(r.out, "\n  flex         zone DE       PUE 1.30  10 W/core 200 W/GPU 0.3725 W/GB usage 1  "
			       "DefaultTime 01:00:00  DefMemPerCPU 4096M  alternatives compute-fr\n");
	run_free(&r);
	/* Compared with Slurm's partitions: one of carbon.conf's is missing there. */
	{
		char fake[600];
		write_file("scontrol-ok", "#!/bin/sh\n"
					  "[ \"$*\" = '--oneliner show partition' ] || exit 3\n"
					  "for p in compute gpu flex debug; do\n"
					  "  echo \"PartitionName=$p AllowGroups=ALL Default=NO State=UP\"\n"
					  "done\n");
		write_file("scontrol-down", "#!/bin/sh\necho 'slurm_load_partitions: Unable to contact "
					    "slurm controller (connect failure)' >&2\nexit 1\n");
		snprintf(fake, sizeof(fake), "chmod 755 '%s/scontrol-ok' '%s/scontrol-down'", tmpdir, tmpdir);
		assert_int_equal(system(fake), 0);
		snprintf(fake, sizeof(fake), "%s/scontrol-ok", tmpdir);
		setenv("SCARBON_SCONTROL", fake, 1);
		r = scarbon("check-config --now 2021-11-09T00:00:00Z");
		assert_int_equal(r.status, 0);
		assert_contains(r.out, "alternatives compute-fr\n");
		assert_contains(r.out, "DefMemPerCPU 4096M  NOT A SLURM PARTITION\n");
		assert_contains(r.out, "Slurm's partitions: 4, 1 of carbon.conf's not among them\n");
		assert_contains(r.err, "warning: partition 'compute-fr' is not one of Slurm's partitions");
		run_free(&r);
		r = scarbon("check-config --now 2021-11-09T00:00:00Z --strict --quiet");
		assert_int_equal(r.status, 1);
		assert_contains(r.err, "error: partition 'compute-fr' is not one of Slurm's partitions");
		assert_contains(r.err, "1 partition not in Slurm (--strict)");
		run_free(&r);
		/* Slurm unreachable: said, not an error of carbon.conf. */
		snprintf(fake, sizeof(fake), "%s/scontrol-down", tmpdir);
		setenv("SCARBON_SCONTROL", fake, 1);
		r = scarbon("check-config --now 2021-11-09T00:00:00Z --strict");
		assert_int_equal(r.status, 0);
		assert_contains(r.out, "Slurm's partitions: not checked: ");
		assert_contains(r.out, "exited with status 1: slurm_load_partitions: Unable to contact slurm controller");
		run_free(&r);
		r = scarbon("check-config --now 2021-11-09T00:00:00Z --no-slurm");
		assert_int_equal(r.status, 0);
		assert_contains(r.out, "Slurm's partitions: not asked (--no-slurm)\n");
		run_free(&r);
		setenv("SCARBON_SCONTROL", "/bin/false", 1);
	}
	/* --config after the command; a zone whose forecast is stale */
	r = scarbon("check-config --config '%s' --now 2030-01-01T00:00:00Z --strict",
		    sc_test_path("etc/carbon.conf.example"));
	assert_int_equal(r.status, 0); /* replayed: never stale */
	run_free(&r);

	write_file("bad.conf", "Mode=sometimes\n"
			       "ZoneName=DE Provider=static Intensity=300\n"
			       "PartitionName=p Zone=XX PUE=0.5\n");
	r = scarbon("--config bad.conf check-config");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "bad.conf:1: ");
	assert_contains(r.err, "bad.conf:3: ");
	assert_contains(r.err, "errors in bad.conf");
	run_free(&r);
	r = scarbon("--config missing.conf check-config");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "missing.conf");
	run_free(&r);

	/* A static zone is always covered; a file zone past its data is not. */
	write_file("stale.csv", "Time,Carbon Intensity\n2021-01-01 00:00:00,100\n2021-01-01 01:00:00,120\n");
	write_file("stale.conf", "ZoneName=S Provider=static Intensity=250\n"
				 "ZoneName=F Provider=file Path=stale.csv\n"
				 "PartitionName=a Zone=S NodeWatts=55.5 Usage=0.5\nPartitionName=b Zone=F\n");
	r = scarbon("--config stale.conf check-config --now 2025-01-01T00:00:00Z");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "NO USABLE FORECAST");
	assert_contains(r.err, "warning: 1 zone without a usable forecast: jobs there run as submitted "
			       "(--strict makes this an error)");
	assert_contains(r.out, "\n  a            zone S        PUE 1.56  12 W/core 200 W/GPU 0.3725 W/GB usage 0.5 "
			       "+55.5 W/node  DefaultTime 01:00:00  (default)\n");
	run_free(&r);
	r = scarbon("--config stale.conf check-config --now 2025-01-01T00:00:00Z --strict");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "1 zone without a usable forecast");
	run_free(&r);
}

static void test_forecast(void **state)
{
	struct run r;
	json_t *j, *zones, *de, *pts, *win;
	json_error_t je;
	const int64_t now = 1636416000; /* 2021-11-09T00:00:00Z */
	char *line, *save = NULL;
	int rows = 0;

	(void)state;
	r = scarbon("forecast --zone DE --now 2021-11-09T00:00:00Z --hours 6 --format csv");
	assert_int_equal(r.status, 0);
	line = strtok_r(r.out, "\n", &save);
	assert_string_equal(line, "zone,time,intensity");
	while ((line = strtok_r(NULL, "\n", &save))) {
		char want[64];
		char t[32];
		snprintf(want, sizeof(want), "DE,%s,%.1f", sc_format_time(now + rows * 3600, t, sizeof(t)),
			 sample_de(now + rows * 3600));
		assert_string_equal(line, want);
		rows++;
	}
	assert_int_equal(rows, 6);
	run_free(&r);

	r = scarbon("forecast --now 2021-11-09T00:00:00Z --hours 24 --window 2:00:00 --format json");
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "window_s")), 7200);
	zones = json_object_get(j, "zones");
	assert_int_equal(json_array_size(zones), 2);
	de = json_array_get(zones, 0);
	assert_string_equal(json_string_value(json_object_get(de, "zone")), "DE");
	pts = json_object_get(de, "points");
	assert_int_equal(json_array_size(pts), 24);
	win = json_array_get(json_object_get(de, "greenest"), 0);
	/* The greenest 2 h of 2021-11-09 in DE: 10:00-12:00 (431, 410)? 11-13: 410, 419. */
	{
		double best = INFINITY;
		int64_t best_t = 0;
		char t[32];
		for (int64_t s = now; s + 7200 <= now + 24 * 3600; s += 3600) {
			double m = (sample_de(s) + sample_de(s + 3600)) / 2;
			if (m < best - 1e-9) {
				best = m;
				best_t = s;
			}
		}
		assert_string_equal(json_string_value(json_object_get(win, "start")),
				    sc_format_time(best_t, t, sizeof(t)));
		assert_near(json_real_value(json_object_get(win, "mean")), best, 0.051);
	}
	json_decref(j);
	run_free(&r);

	/* The documented defaults: 48 hours shown, 4-hour windows. */
	r = scarbon("forecast --zone DE --now 2021-11-09T00:00:00Z --format json");
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "window_s")), 4 * 3600);
	de = json_array_get(json_object_get(j, "zones"), 0);
	assert_int_equal(json_array_size(json_object_get(de, "points")), 48);
	assert_int_equal(json_array_size(json_object_get(de, "greenest")), 3);
	json_decref(j);
	run_free(&r);

	r = scarbon("forecast --zone DE --now 2021-11-09T00:00:00Z --hours 12");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "Zone DE");
	assert_contains(r.out, "1st greenest 4 h window");
	assert_contains(r.out, "█");
	run_free(&r);
	/* --zone is repeatable; zones come in carbon.conf's order. */
	r = scarbon("forecast --zone FR --zone DE --now 2021-11-09T00:00:00Z --hours 1 --format csv");
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "zone,time,intensity\nDE,2021-11-09T00:00:00Z,", 44) == 0);
	assert_contains(r.out, "\nFR,2021-11-09T00:00:00Z,");
	{
		int lines = 0;
		for (const char *c = r.out; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 3);
	}
	run_free(&r);
	r = scarbon("forecast --zone FR --now 2021-11-09T00:00:00Z --hours 1 --format csv");
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, "DE,"));
	run_free(&r);
	r = scarbon("forecast --zone XX");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "no zone 'XX'");
	run_free(&r);

	/* Data that start after now: --hours bounds what is shown. */
	write_file("later.csv", "Time,Carbon Intensity\n2030-01-02 00:00:00,100\n2030-01-02 01:00:00,101\n"
				"2030-01-02 02:00:00,102\n2030-01-02 03:00:00,103\n");
	write_file("later.conf", "ZoneName=L Provider=file Path=later.csv\nPartitionName=p Zone=L\n");
	r = scarbon("--config later.conf forecast --now 2030-01-01T12:00:00Z --hours 1 --format csv");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "zone,time,intensity\n");
	run_free(&r);
	r = scarbon("--config later.conf forecast --now 2030-01-01T22:30:00Z --hours 3 --format csv");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "zone,time,intensity\nL,2030-01-02T00:00:00Z,100.0\nL,2030-01-02T01:00:00Z,101.0\n");
	run_free(&r);
	r = scarbon("forecast --hours 0");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

/* The acceptance check: a delay to the greenest window of the
 * bundled forecast, with numbers checked against a hand calculation. */
static void test_plan_json_hand_calculation(void **state)
{
	struct run r;
	json_t *j, *c;
	json_error_t je;
	const int64_t now = 1636416000; /* 2021-11-09T00:00:00Z */
	/* compute: 8 cores × 10 W + 8 × 4 GB (DefMemPerCPU) × 0.3725 W/GB = 91.92 W; 4 h */
	const double kwh = 91.92 * 4 / 1000, pue = 1.3;
	double best = INFINITY, base = NAN;
	int64_t best_t = 0;

	(void)state;
	/* MaxDelay 8 h: starts now .. now+8 h on hour boundaries. */
	for (int64_t s = now; s <= now + 8 * 3600; s += 3600) {
		double m = 0;
		for (int h = 0; h < 4; h++)
			m += sample_de(s + h * 3600) / 4;
		if (s == now)
			base = m;
		if (m < best - 1e-9) {
			best = m;
			best_t = s;
		}
	}
	r = scarbon("plan --config '%s' --now 2021-11-09T00:00:00Z --time 4:00:00 --cpus-per-task 8 --format json",
		    sc_test_path("etc/carbon.conf.example"));
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, &je);
	if (!j)
		fail_msg("not JSON: %s", r.out);
	c = json_object_get(j, "carbon");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "v")), 1);
	assert_string_equal(json_string_value(json_object_get(c, "decision")), "delay");
	assert_string_equal(json_string_value(json_object_get(c, "partition")), "compute");
	assert_string_equal(json_string_value(json_object_get(c, "zone")), "DE");
	assert_int_equal(json_integer_value(json_object_get(c, "start")), best_t);
	assert_near(json_number_value(json_object_get(c, "kwh")), kwh, 0.00005);
	assert_near(json_number_value(json_object_get(c, "pue")), pue, 0);
	assert_near(json_number_value(json_object_get(c, "ci")), best, 0.05);
	assert_near(json_number_value(json_object_get(c, "gco2e")), kwh * pue * best, 0.05);
	assert_near(json_number_value(json_object_get(c, "baseline_gco2e")), kwh * pue * base, 0.05);
	assert_null(json_object_get(c, "budget_gco2e"));
	assert_true(best < base * 0.9); /* the delay saves more than MinSavings */
	json_decref(j);
	run_free(&r);
}

/* scarbon plan with learned estimates: the job's name from -J, #SBATCH
 * --job-name or the script's file name picks its name entry. */
static void test_plan_job_name(void **state)
{
	char conf[600];
	struct run r;

	(void)state;
	snprintf(conf, sizeof(conf), "Mode=enforce Estimates=learned StateDir=%s\n"
		 "ZoneName=S Provider=static Intensity=300\nPartitionName=p Zone=S DefaultTime=2:00:00\n",
		 tmpdir);
	write_file("learned.conf", conf);
	write_file("estimates.json",
		   "{\"version\":3,\"kind\":\"slurm-carbon estimates\",\"created\":1636416000,"
		   "\"quantile\":0.9,\"entries\":["
		   "{\"level\":\"user\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\","
		   "\"jobs\":9,\"ratio_median\":0.5,\"ratio_q\":0.6,\"ratio_total\":0.5},"
		   "{\"level\":\"name\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\","
		   "\"name\":\"sim\",\"jobs\":5,\"ratio_median\":0.1,\"ratio_q\":0.2,\"ratio_total\":0.1},"
		   "{\"level\":\"name\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\","
		   "\"name\":\"sbatch\",\"jobs\":7,\"ratio_median\":0.2,\"ratio_q\":0.3,\"ratio_total\":0.25},"
		   "{\"level\":\"name\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\","
		   "\"name\":\"relax.sh\",\"jobs\":6,\"ratio_median\":0.2,\"ratio_q\":0.3,\"ratio_total\":0.25}]}\n");
	write_file("relax.sh", "#!/bin/sh\n#SBATCH -t 2:00:00\nsrun ./relax\n");
	write_file("named.sh", "#!/bin/sh\n#SBATCH --job-name=sim\nsrun ./sim\n");
	static const struct {
		const char *args;
		int status;
		const char *err, *out;
	} cases[] = {
		{ "-J sim", 0, NULL, "Estimate: learned: total run time of 5 jobs of alice/phys/p/sim" },
		{ "--format json named.sh", 0, NULL, "\"estimate_key\":\"alice/phys/p/sim\"" },
		{ "--format json ./relax.sh", 0, NULL, "\"estimate_key\":\"alice/phys/p/relax.sh\"" },
		{ "--format json - < relax.sh", 0, NULL, "\"estimate_key\":\"alice/phys/p/sbatch\"" },
		{ "--format json --job-name=other relax.sh", 0, NULL, "\"estimate_key\":\"alice/phys/p\"" },
		{ "--format json", 0, NULL, "\"estimate_key\":\"alice/phys/p\"" },
		{ "-J ''", 2, "--job-name: empty; expected a job name", NULL },
		{ "-J \"$(printf 'a\\tb')\"", 2,
		  "--job-name: 'a\\x09b' has a control character; expected a plain name", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = scarbon("plan --config learned.conf --now 2021-11-09T00:00:00Z -u alice -A phys -p p %s",
			    cases[i].args);
		assert_int_equal(r.status, cases[i].status);
		assert_contains(cases[i].out ? r.out : r.err, cases[i].out ? cases[i].out : cases[i].err);
		run_free(&r);
	}
}

/* StateDir/planned-load with two 4-core jobs in the green hour (2030-01-01T02:00Z) of
 * partition c, and a capacity line for c when cap is not 0. */
static void write_planned(long long now, int cap)
{
	char ledger[300], capl[64] = "";

	if (cap)
		snprintf(capl, sizeof(capl), "capacity c %d 0\n", cap);
	snprintf(ledger, sizeof(ledger), "slurm-carbon ledger 1\nseq 2\n%s1 c %lld %lld 4 0\n2 c %lld %lld 4 0\n",
		 capl, now + 7200, now + 10800, now + 7200, now + 10800);
	write_file("planned-load", ledger);
}

/* scarbon plan of a 4-core hour on partition c of config file conf: the green hour,
 * uncongested. */
static void assert_plan_green(const char *conf)
{
	char cmd[200];
	struct run r;

	snprintf(cmd, sizeof(cmd), "plan --config %s --now 2030-01-01T00:00:00Z -p c -t 1:00:00 -c 4 --format json",
		 conf);
	r = scarbon(cmd);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"start\":1893463200");
	assert_true(strstr(r.out, "congestion") == NULL);
	run_free(&r);
}

/* With Cores=, scarbon plan prices the planned load job_submit/carbon saved
 * (StateDir/planned-load) as the plugin would: the green hour is full, so
 * the plan spills to the next-best one and says what it would have been. */
static void test_plan_planned_load(void **state)
{
	const int64_t now = 1893456000; /* 2030-01-01T00:00:00Z */
	char conf[400];
	struct run r;
	json_t *j, *c;

	(void)state;
	write_file("green.csv", "Time,Carbon Intensity\n2030-01-01 00:00:00,500\n2030-01-01 01:00:00,500\n"
				"2030-01-01 02:00:00,100\n2030-01-01 03:00:00,500\n2030-01-01 04:00:00,200\n"
				"2030-01-01 05:00:00,500\n2030-01-01 06:00:00,500\n2030-01-01 07:00:00,500\n"
				"2030-01-01 08:00:00,500\n2030-01-01 09:00:00,500\n");
	snprintf(conf, sizeof(conf), "Mode=enforce StateDir=%s MaxDelay=8:00:00\n"
		 "ZoneName=G Provider=file Path=green.csv\nPartitionName=c Zone=G Cores=8\n", tmpdir);
	write_file("capped.conf", conf);
	/* No ledger yet: the green hour. */
	assert_plan_green("capped.conf");
	/* Two 4-core jobs fill it: the next-best hour, and the plan it would have had. */
	write_planned(now, 0);
	r = scarbon("plan --config capped.conf --now 2030-01-01T00:00:00Z -p c -t 1:00:00 -c 4 --format json");
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, NULL);
	assert_non_null(j);
	c = json_object_get(j, "carbon");
	assert_int_equal(json_integer_value(json_object_get(c, "start")), now + 4 * 3600);
	assert_true(json_is_true(json_object_get(c, "congestion")));
	assert_int_equal(json_integer_value(json_object_get(c, "uncongested_start")), now + 7200);
	assert_string_equal(json_string_value(json_object_get(c, "uncongested_decision")), "delay");
	json_decref(j);
	run_free(&r);
	r = scarbon("plan --config capped.conf --now 2030-01-01T00:00:00Z -p c -t 1:00:00 -c 4");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "uncongested");
	run_free(&r);
	/* Cores=slurm: the capacity the plugin saved from slurmctld (8: full, the next-best
	 * hour; 16: room in the green hour); none saved: unknown, nothing priced. */
	snprintf(conf, sizeof(conf), "Mode=enforce StateDir=%s MaxDelay=8:00:00\n"
		 "ZoneName=G Provider=file Path=green.csv\nPartitionName=c Zone=G Cores=slurm\n", tmpdir);
	write_file("slurm.conf.carbon", conf);
	r = scarbon("check-config --config slurm.conf.carbon --no-slurm");
	assert_contains(r.out, "  capacity slurm cores");
	run_free(&r);
	r = scarbon("check-config --config capped.conf --no-slurm");
	assert_contains(r.out, "  capacity 8 cores");
	run_free(&r);
	for (int cap = 8; cap <= 16; cap += 8) {
		write_planned(now, cap);
		r = scarbon("plan --config slurm.conf.carbon --now 2030-01-01T00:00:00Z -p c -t 1:00:00 -c 4 "
			    "--format json");
		assert_int_equal(r.status, 0);
		assert_contains(r.out, cap == 8 ? "\"start\":1893470400" : "\"start\":1893463200");
		assert_true((strstr(r.out, "\"congestion\":true") != NULL) == (cap == 8));
		run_free(&r);
	}
	write_planned(now, 0);
	assert_plan_green("slurm.conf.carbon");
	/* A ledger that is not one: a warning, and the plan of an empty ledger. */
	write_file("planned-load", "not a ledger\n");
	r = scarbon("plan --config capped.conf --now 2030-01-01T00:00:00Z -p c -t 1:00:00 -c 4 --format json");
	assert_int_equal(r.status, 0);
	assert_contains(r.err, "planning against an empty ledger");
	assert_contains(r.out, "\"start\":1893463200");
	run_free(&r);
	{
		char path[512];
		snprintf(path, sizeof(path), "%s/planned-load", tmpdir);
		assert_int_equal(unlink(path), 0);
	}
}

static void test_plan_script_and_budget(void **state)
{
	struct run r1, r2;

	(void)state;
	write_file("job.sbatch", "#!/bin/bash\n"
				 "#SBATCH --job-name=sim --output=sim.%j.out\n"
				 "#SBATCH -c 8\n"
				 "#SBATCH --time=4:00:00   # four hours\n"
				 "#SBATCH --mail-type=END\n"
				 "#SBATCH -p gpu\n"
				 "\n"
				 "srun ./sim\n"
				 "#SBATCH -p flex\n");
	/* #SBATCH lines after the first command are ignored; the command line wins. */
	r1 = scarbon("plan --now 2021-11-09T00:00:00Z --format json job.sbatch -p compute");
	r2 = scarbon("plan --now 2021-11-09T00:00:00Z --format json -c 8 -t 4:00:00 -p compute");
	assert_int_equal(r1.status, 0);
	assert_string_equal(r1.out, r2.out);
	run_free(&r1);
	run_free(&r2);
	r1 = scarbon("plan --now 2021-11-09T00:00:00Z --format json job.sbatch");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "\"partition\":\"gpu\"");
	run_free(&r1);

	/* A rerouting partition: France now. (FR an hour later is a little
	 * greener by the replayed forecast, but not by more than its error.) */
	r1 = scarbon("plan --now 2021-11-09T00:00:00Z -p flex -c 8 -t 4:00:00");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "Decision: reroute");
	assert_contains(r1.out, "compute-fr");
	run_free(&r1);

	/* Over budget: rejected (exit 0: the plan itself worked). */
	r1 = scarbon("plan --now 2021-11-09T00:00:00Z -c 8 -t 4:00:00 --carbon-budget=100g --format json");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "\"decision\":\"reject\"");
	assert_contains(r1.out, "\"budget_gco2e\":100.0");
	run_free(&r1);
	r1 = scarbon("plan --now 2021-11-09T00:00:00Z -c 8 -t 4:00:00 --carbon-budget=100g");
	assert_contains(r1.out, "No plan fits the carbon budget of 100 gCO2e");
	assert_contains(r1.out, "carbon (advice, not applied): over the budget of 100 gCO2e");
	run_free(&r1);
	/* Mode=enforce: the plugin would reject. */
	{
		static char conf[65536];
		FILE *f = fopen(sc_test_path("etc/carbon.conf.example"), "r");
		size_t n = fread(conf, 1, sizeof(conf) - 1, f);
		FILE *o;
		char path[300];
		fclose(f);
		conf[n] = '\0';
		snprintf(path, sizeof(path), "%s/enforce.conf", tmpdir);
		o = fopen(path, "w");
		assert_non_null(o);
		for (char *l = strtok(conf, "\n"); l; l = strtok(NULL, "\n")) {
			if (strncmp(l, "Mode=", 5) == 0)
				l = "Mode=enforce";
			if (strncmp(l, "ZoneName=", 9) == 0 && strstr(l, "Path=sample/")) {
				char *p = strstr(l, "Path=sample/");
				fprintf(o, "%.*sPath=%s/etc/%s\n", (int)(p - l), l, sc_test_srcdir(), p + 5);
				continue;
			}
			fprintf(o, "%s\n", l);
		}
		fclose(o);
	}
	r1 = scarbon("--config enforce.conf plan --now 2021-11-09T00:00:00Z -c 8 -t 4:00:00 --carbon-budget=100g");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "plugin message: carbon: rejected: over the budget of 100 gCO2e: the best achievable "
				"is est. 218 gCO2e (partition compute at 08:00 UTC); a budget of at least 218 gCO2e or a "
				"time limit of at most 01:50:00 would fit");
	run_free(&r1);
	/* A bad budget or option value: exit 1 or 2, saying what is accepted. */
	r1 = scarbon("plan --carbon-budget=lots");
	assert_int_equal(r1.status, 1);
	assert_contains(r1.err, "--carbon-budget: invalid carbon amount 'lots'");
	assert_contains(r1.err, "500g, 2kg, 1.5t");
	run_free(&r1);
	r1 = scarbon("plan --time 4h");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "--time: invalid duration '4h'");
	run_free(&r1);
	r1 = scarbon("plan --mem 4G --mem-per-cpu 1G");
	assert_int_equal(r1.status, 2);
	run_free(&r1);
	r1 = scarbon("plan -c zero");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "--cpus-per-task");
	run_free(&r1);
	/* --time UNLIMITED is priced at DefaultTime, and the plan says so, in
	 * text and in the record. */
	r1 = scarbon("plan --time UNLIMITED --now 2021-11-09T00:00:00Z");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "Run time: time limit UNLIMITED: priced at DefaultTime=01:00:00 of partition compute\n");
	run_free(&r1);
	r1 = scarbon("plan --time UNLIMITED --now 2021-11-09T00:00:00Z --format json");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "\"time_note\":\"time limit UNLIMITED: priced at DefaultTime=01:00:00 of partition compute\"");
	run_free(&r1);
	r1 = scarbon("plan --time 1:00:00 --now 2021-11-09T00:00:00Z --format json");
	assert_int_equal(r1.status, 0);
	assert_null(strstr(r1.out, "time_note"));
	run_free(&r1);
	/* What the command line quotes back is printable. */
	r1 = scarbon("plan --bo\"$(printf '\\033[2J')\"gus");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "unknown option '--bo\\x1b[2Jgus'");
	run_free(&r1);
	r1 = scarbon("\"$(printf 'pla\\007n')\"");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "unknown command 'pla\\x07n'");
	run_free(&r1);
	r1 = scarbon("forecast extra\"$(printf '\\033')\"");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "unexpected argument 'extra\\x1b'");
	run_free(&r1);
	r1 = scarbon("plan -N \"$(printf '2\\033')\"");
	assert_int_equal(r1.status, 2);
	assert_contains(r1.err, "invalid value '2\\x1b'");
	run_free(&r1);
	r1 = scarbon("plan no-such-script.sh");
	assert_int_equal(r1.status, 1);
	assert_contains(r1.err, "cannot read batch script no-such-script.sh");
	run_free(&r1);
	/* A batch script that is a FIFO is refused, never read (its text is
	 * already in the pipe, so a reader would not wait). */
	{
		char fifo[400];
		int fd;

		snprintf(fifo, sizeof(fifo), "%s/script.fifo", tmpdir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		fd = open(fifo, O_RDWR | O_NONBLOCK);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "#SBATCH -c 2\necho\n", 18), 18);
		r1 = scarbon("plan script.fifo");
		close(fd);
		unlink(fifo);
		assert_int_equal(r1.status, 1);
		assert_contains(r1.err, "batch script script.fifo is a FIFO, not a regular file: expected a regular file");
		run_free(&r1);
	}
	/* A NUL byte in an #SBATCH line is an error, not the end of the option;
	 * a device is no batch script; more than Slurm's 4 MiB is refused, also
	 * on stdin. */
	{
		static const char nul[] = "#!/bin/sh\n#SBATCH -c 2\n#SBATCH --time=1:00:00\0 -p gpu\necho\n";
		char path[400], *big;
		size_t n = (size_t)5 << 20;
		FILE *f;

		snprintf(path, sizeof(path), "%s/nul.sh", tmpdir);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(nul, 1, sizeof(nul) - 1, f), sizeof(nul) - 1);
		assert_int_equal(fclose(f), 0);
		r1 = scarbon("plan nul.sh");
		assert_int_equal(r1.status, 1);
		assert_contains(r1.err, "nul.sh:3: line 3 contains a NUL byte: expected a text batch script");
		run_free(&r1);
		r1 = scarbon("plan /dev/urandom");
		assert_int_equal(r1.status, 1);
		assert_contains(r1.err, "batch script /dev/urandom is a character device, not a regular file");
		run_free(&r1);
		big = malloc(n);
		assert_non_null(big);
		for (size_t i = 0; i < n; i += 2)
			memcpy(big + i, "#\n", 2);
		snprintf(path, sizeof(path), "%s/big.sh", tmpdir);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(big, 1, n, f), n);
		assert_int_equal(fclose(f), 0);
		free(big);
		r1 = scarbon("plan big.sh");
		assert_int_equal(r1.status, 1);
		assert_contains(r1.err, "batch script big.sh has 5242880 bytes: expected at most 4194304 (4 MiB)");
		run_free(&r1);
		r1 = scarbon("plan - <big.sh");
		assert_int_equal(r1.status, 1);
		assert_contains(r1.err, "-:2097153: more than 4194304 bytes before the first command: expected a batch "
				"script of at most 4194304 bytes (4 MiB, Slurm's default max_script_size)");
		run_free(&r1);
		unlink(path);
	}
	/* Unmanaged partitions and opting out are left alone. */
	r1 = scarbon("plan -p debug --format json --now 2021-11-09T00:00:00Z");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "\"decision\":\"none\"");
	assert_contains(r1.out, "partition debug is not managed");
	run_free(&r1);
	r1 = scarbon("plan --carbon-policy=none --now 2021-11-09T00:00:00Z");
	assert_int_equal(r1.status, 0);
	assert_contains(r1.out, "opted out");
	run_free(&r1);
	/* Text that is not UTF-8 (a partition name here) never costs the record: it is written
	 * with U+FFFD in place of each bad byte. */
	{
		struct run r = scarbon("--config '%s' plan -p \"$(printf 'gpu\\377')\" --format json",
				       sc_test_path("etc/carbon.conf.example"));
		assert_int_equal(r.status, 0);
		assert_contains(r.out, "\"requested\":\"gpu\xef\xbf\xbd\"");
		run_free(&r);
		/* A deadline that has passed, the epoch included, is refused (it read as "none"). */
		r = scarbon("--config '%s' plan -t 1:00:00 --deadline 1970-01-01T00:00:00Z",
			    sc_test_path("etc/carbon.conf.example"));
		assert_int_equal(r.status, 2);
		assert_contains(r.err, "--deadline: '1970-01-01T00:00:00Z' is not after now");
		run_free(&r);
		r = scarbon("--config '%s' plan -t 1:00:00 --deadline 2000-01-01", sc_test_path("etc/carbon.conf.example"));
		assert_int_not_equal(r.status, 0);
		assert_contains(r.err, "the deadline 2000-01-01T00:00:00Z is not after now");
		run_free(&r);
	}
}

/* scarbon learn on a saved sacct dump: the entries and their fallbacks,
 * what is skipped, and the errors. */
static void test_learn(void **state)
{
	struct run r;
	json_t *j, *e;
	json_error_t je;
	char path[400];

	(void)state;
	r = scarbon("learn --input '%s' --output est.json --min-jobs 2 --now 2021-11-09T00:00:00Z",
		    sc_test_path("tests/data/learn/history.sacct"));
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "9 jobs read, 8 used (1 without a time limit");
	assert_contains(r.out, "6 with measured energy, 8 by job name (0 past the name bounds); "
			"6 entries written to est.json");
	run_free(&r);
	snprintf(path, sizeof(path), "%s/est.json", tmpdir);
	j = json_load_file(path, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "created")), 1636416000);
	e = json_array_get(json_object_get(j, "entries"), 2);
	assert_string_equal(json_string_value(json_object_get(e, "user")), "alice");
	assert_int_equal(json_integer_value(json_object_get(e, "jobs")), 6);
	/* 1 h, 1 h, 1 h, 0.5 h, 1.5 h, 2 h of 4 h; 8 cores at 80 W. */
	assert_near(json_number_value(json_object_get(e, "ratio_median")), 0.25, 1e-9);
	assert_near(json_number_value(json_object_get(e, "ratio_total")), 0.29167, 1e-9); /* 7 h of 24 */
	assert_near(json_number_value(json_object_get(e, "core_w")), 10, 1e-9);
	/* By name (JobName): relax.sh 3.5 h of 16, md.sh 3.5 h of 8, each more
	 * than 0.05 from alice's 7 of 24; the name entries come last. */
	e = json_array_get(json_object_get(j, "entries"), 4);
	assert_string_equal(json_string_value(json_object_get(e, "level")), "name");
	assert_string_equal(json_string_value(json_object_get(e, "name")), "relax.sh");
	assert_int_equal(json_integer_value(json_object_get(e, "jobs")), 4);
	assert_near(json_number_value(json_object_get(e, "ratio_total")), 0.21875, 1e-9);
	e = json_array_get(json_object_get(j, "entries"), 5);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "md.sh");
	assert_near(json_number_value(json_object_get(e, "ratio_total")), 0.4375, 1e-9);
	json_decref(j);

	r = scarbon("learn --input /dev/null --output x.json");
	assert_int_equal(r.status, 1);
	run_free(&r);
	r = scarbon("learn --input '%s' --output x.json --min-jobs 2 -S 2030-01-01 -E 2030-02-01",
		    sc_test_path("tests/data/learn/history.sacct"));
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "no ended job with a time limit");
	run_free(&r);
	r = scarbon("learn --quantile 1.5");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "--quantile");
	run_free(&r);
	r = scarbon("learn --input a --trace b");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_help_options_exist),
		cmocka_unit_test(test_check_config),
		cmocka_unit_test(test_forecast),
		cmocka_unit_test(test_plan_json_hand_calculation),
		cmocka_unit_test(test_plan_script_and_budget),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_plan_job_name),
		cmocka_unit_test(test_plan_planned_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
