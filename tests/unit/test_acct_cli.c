/* slurm-carbon: end-to-end tests of `scarbon reconcile` and `scarbon report`
 * with stand-ins for sacct and sacctmgr (tests/data/acct/fake-*.sh) and for
 * libslurm's accounting API (tests/unit/fake_libslurm.c) that keep the
 * accounting "database" in a sacct -P dump.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/acct_testutil.h"

#include <jansson.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/slurm_version.h>

#include "acct/slurmdb.h"
#include "budget/budget.h"

static char tmpdir[256];
static char dump[300], calls_log[300];
/* The environment every run gets before its own: the sacctmgr writer (the
 * tests written for it), and the stand-in libslurm for those that ask for
 * the default writer with SCARBON_ACCT_WRITER=. */
static char base_env[4400];

struct run {
	int status;
	char *out;
	char *err;
};

/* Runs "ENV scarbon --config <tests' carbon.conf> ARGS" (a shell fragment;
 * ENV after base_env, so that it overrides it). */
static struct run scarbon(const char *env, const char *fmt, ...)
{
	char args[4096], cmd[16384], outp[300], errp[300];
	const char *build = getenv("SC_TOP_BUILDDIR");
	va_list ap;
	struct run r;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "%s/out", tmpdir);
	snprintf(errp, sizeof(errp), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && env -u SLURM_SCRIPT_CONTEXT -u SLURM_JOB_ID -u SLURM_CONF SCARBON_SACCT='%s/sacct' "
		 "SCARBON_SACCTMGR='%s/sacctmgr' SC_FAKE_DUMP='%s' SC_FAKE_LOG='%s' %s %s '%s/cli/scarbon' "
		 "--config '%s' %s >'%s' 2>'%s'",
		 tmpdir, tmpdir, tmpdir, dump, calls_log, base_env, env ? env : "", build && *build ? build : ".",
		 sc_test_path("tests/data/acct/carbon.conf"), args, outp, errp);
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

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A fresh copy of the sample dump and an empty log. */
static void fresh(void)
{
	sh("cp '%s' '%s' && : >'%s'", sc_test_path("tests/data/acct/sample.sacct"), dump, calls_log);
}

static int setup(void **state)
{
	const char *build = getenv("SC_TOP_BUILDDIR");
	(void)state;
	snprintf(base_env, sizeof(base_env),
		 "SCARBON_ACCT_WRITER=sacctmgr SCARBON_LIBSLURM='%s/tests/unit/.libs/fake_libslurm.so' "
		 "SC_FAKE_API_VERSION=%d",
		 build && *build ? build : ".",
		 sc_slurmdb_api_of(SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER), SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER)));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sc-test-acct-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dump, sizeof(dump), "%s/db.sacct", tmpdir);
	snprintf(calls_log, sizeof(calls_log), "%s/calls.log", tmpdir);
	sh("install -m 755 '%s' '%s/sacct'", sc_test_path("tests/data/acct/fake-sacct.sh"), tmpdir);
	sh("install -m 755 '%s' '%s/sacctmgr'", sc_test_path("tests/data/acct/fake-sacctmgr.sh"), tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sc_test_rmdir(tmpdir);
}

/* The SystemComment of JobID id in the dump (static buffer). */
static const char *system_comment(const char *id)
{
	static char buf[2048];
	char *all = sc_test_read_file(dump, NULL), *line, *save = NULL;

	buf[0] = '\0';
	for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;
		size_t n = strlen(id);
		if (strncmp(line, id, n) == 0 && line[n] == '|') {
			for (int k = 0; k < 21 && p; k++)
				p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL;
			snprintf(buf, sizeof(buf), "%s", p ? p : "");
		}
	}
	free(all);
	return buf;
}

static void test_reconcile_writes_once(void **state)
{
	struct run r;
	char *calls;
	(void)state;

	fresh();
	r = scarbon(NULL, "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 12 jobs: 8 written, 0 unchanged, 1 kept, 3 skipped, 0 failed\n");
	/* Hand-worked figures (tests/data/acct/carbon.conf):
	 * 1001: 2 cores × 10 W + 8 GB × 0.3725 W = 22.98 W for 1 h; PUE 1.3; the
	 *       submit-time ci 380 (the zone is static, its estimate came first). */
	assert_contains(r.out, "1001: written: 0.02298 kWh (model) x PUE 1.30 x 380.0 gCO2e/kWh (submit) = 11.352 gCO2e\n");
	/* 1002: Slurm measured 2.52 MJ in 2 h (350 W, model 345.96 W): 0.7 kWh. */
	assert_contains(r.out, "1002: written: 0.7 kWh (measured) x PUE 1.30 x 400.0 gCO2e/kWh (submit) = 364 gCO2e\n");
	/* 1004+1: typed GPUs only: 2 × 300 + 2 × 10 + 2 GB × 0.3725 = 620.745 W; static 400. */
	assert_contains(r.out, "1004+1: written: 0.620745 kWh (model) x PUE 1.30 x 400.0 gCO2e/kWh (static) = 322.787 gCO2e\n");
	/* 1012: the archive's actual mean over 03:10-04:40 (7160/90); 4 cores × 10 W × 0.5. */
	assert_contains(r.out, "1012: written: 0.03 kWh (model) x PUE 1.10 x 79.6 gCO2e/kWh (actual) = 2.625 gCO2e\n");
	assert_int_equal(sc_test_count(r.out, ": written:"), 8);
	run_free(&r);

	calls = sc_test_read_file(calls_log, NULL);
	/* One sacct run for everyone's jobs over the window, in UTC. */
	assert_int_equal(sc_test_count(calls, "sacct\n"), 1);
	assert_contains(calls, "  --parsable2\n  --noconvert\n  --delimiter=\x1f\n  --allusers\n");
	assert_contains(calls, "  --starttime=2024-03-01T00:00:00\n  --endtime=2024-03-10T00:00:00\n");
	assert_contains(calls, "  --format=JobID,JobIDRaw,Cluster,User,");
	/* One sacctmgr run for all eight writes, through its stdin. */
	assert_int_equal(sc_test_count(calls, "sacctmgr stdin\n"), 1);
	assert_int_equal(sc_test_count(calls, "sacctmgr argv\n"), 0);
	assert_int_equal(sc_test_count(calls, "modify "), 8);
	/* Array tasks and components are named exactly. */
	assert_contains(calls, "modify 1003_1 {`carbon_actual`:");
	assert_contains(calls, "modify 1004+1 {`carbon_actual`:");
	free(calls);

	/* As stored: backticks and lower case. */
	assert_string_equal(system_comment("1001"),
			    "{`carbon_actual`:{`v`:1,`kwh`:0.02298,`gco2e`:11.352,`ci`:380.0,`pue`:1.3,"
			    "`energy_source`:`model`,`ci_source`:`submit`,`partition`:`compute`,`zone`:`de`,"
			    "`start`:1709546400,`end`:1709550000,`elapsed_s`:3600,`watts`:23.0}}");
	/* Another tool's text is kept. */
	assert_contains(system_comment("1009"), "requeued by ops {`carbon_actual`:{`v`:1,`kwh`:0.0025,");
	assert_contains(system_comment("1009"), "`note`:`allocated memory unknown: not counted`}}");
	/* The better figure already there is kept. */
	assert_contains(system_comment("1013"), "`ci_source`:`actual`");
	assert_contains(system_comment("1013"), "`gco2e`:100");
	assert_string_equal(system_comment("1006"), "");

	/* Again: nothing to write, sacctmgr not even started. */
	sh(": >'%s'", calls_log);
	r = scarbon(NULL, "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00 --verbose");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 12 jobs: 0 written, 8 unchanged, 1 kept, 3 skipped, 0 failed\n");
	assert_contains(r.out, "1001: unchanged:");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "sacctmgr"), 0);
	free(calls);
}

static void test_reconcile_json_and_dry_run(void **state)
{
	struct run r;
	json_t *j, *jobs;
	json_error_t e;
	char *calls;
	(void)state;

	fresh();
	r = scarbon(NULL, "reconcile --jobs 1012,1003 --dry-run --format json");
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, &e);
	assert_non_null(j);
	jobs = json_object_get(j, "jobs");
	/* 1003 is the array: both tasks that ran. */
	assert_int_equal(json_array_size(jobs), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "would-write")), 3);
	for (size_t i = 0; i < json_array_size(jobs); i++) {
		json_t *o = json_array_get(jobs, i), *rec = json_object_get(o, "carbon_actual");
		const char *id = json_string_value(json_object_get(o, "jobid"));
		assert_string_equal(json_string_value(json_object_get(o, "action")), "would-write");
		assert_non_null(rec);
		if (strcmp(id, "1012") == 0) {
			assert_near(json_number_value(json_object_get(rec, "ci")), 79.6, 1e-9);
			assert_string_equal(json_string_value(json_object_get(rec, "ci_source")), "actual");
			assert_near(json_number_value(json_object_get(rec, "gco2e")), 2.625, 1e-9);
		} else {
			assert_true(strcmp(id, "1003_1") == 0 || strcmp(id, "1003_2") == 0);
			assert_string_equal(json_string_value(json_object_get(rec, "ci_source")), "static");
		}
	}
	json_decref(j);
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_contains(calls, "  --jobs\n  1012,1003\n");
	assert_int_equal(sc_test_count(calls, "sacctmgr"), 0);
	free(calls);
	assert_string_equal(system_comment("1012"), "");
}

static void test_reconcile_epilog(void **state)
{
	struct run r;
	char *calls;
	(void)state;

	/* As EpilogSlurmctld: just the job in SLURM_JOB_ID (an array task by its
	 * array id and index), written with one sacctmgr run of its own. */
	fresh();
	r = scarbon("SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=1010 SLURM_ARRAY_JOB_ID=1003 "
		    "SLURM_ARRAY_TASK_ID=1", "reconcile");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "1003_1: written:");
	assert_contains(r.out, "reconcile: 1 job: 1 written,");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_contains(calls, "  --jobs\n  1003_1\n");
	assert_int_equal(sc_test_count(calls, "sacctmgr argv\n"), 1);
	free(calls);
	assert_contains(system_comment("1003_1"), "{`carbon_actual`:");
	assert_string_equal(system_comment("1003_2"), "");

	/* A job that hasn't ended: said, not an error. */
	r = scarbon("SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=1007", "reconcile --wait 0");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 1 job: 0 written, 0 unchanged, 0 kept, 1 skipped, 0 failed\n");
	assert_contains(r.err, "job 1007: not found as an ended job in accounting");
	run_free(&r);
	/* An ended job whose record slurmdbd has only in part (no partition yet,
	 * as seen for jobs of a second): not written, not called unmanaged. */
	sh("sed -i 's/^1001|1001|carbontest|alice|phys|compute|/1001|1001|carbontest|alice|phys||/' '%s'", dump);
	sh(": >'%s'", calls_log);
	r = scarbon("SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=1001", "reconcile --wait 0 --verbose");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "1001: skipped (its accounting record is not complete yet (no partition))");
	assert_int_equal(sc_test_count(r.out, "not managed"), 0);
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "sacctmgr argv\n"), 0);
	free(calls);
	assert_string_equal(system_comment("1001"), "");
	/* Once the record is complete, the next run writes it. */
	sh("sed -i 's/^1001|1001|carbontest|alice|phys||/1001|1001|carbontest|alice|phys|compute|/' '%s'", dump);
	r = scarbon("SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=1001", "reconcile --wait 0");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "1001: written:");
	run_free(&r);

	/* SLURM_JOB_ID alone (inside a job) is not the epilog. */
	sh(": >'%s'", calls_log);
	r = scarbon("SLURM_JOB_ID=1007", "reconcile --dry-run --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 0);
	/* 1003_1 and 1001 were written above. */
	assert_contains(r.out, "6 to write (dry run), 2 unchanged");
	run_free(&r);
}

static void test_reconcile_failures(void **state)
{
	struct run r;
	char *calls;
	(void)state;

	/* One write refused: that job fails alone (retried on its own), the others land. */
	fresh();
	r = scarbon("SC_FAKE_FAIL=1002", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 1);
	assert_contains(r.out, "7 written, 0 unchanged, 1 kept, 3 skipped, 1 failed");
	assert_contains(r.err, "scarbon reconcile: job 1002: sacctmgr (status 0) did not modify it: Nothing modified");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "sacctmgr stdin\n"), 1);
	assert_int_equal(sc_test_count(calls, "sacctmgr argv\n"), 1);
	free(calls);
	assert_string_equal(system_comment("1002"), "");

	/* sacct fails: its message, exit 1. */
	r = scarbon("SC_FAKE_SACCT_FAIL=1", "reconcile");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "scarbon reconcile: sacct exited with status 1: sacct: error: Problem talking to the database");
	run_free(&r);

	/* sacctmgr missing. */
	fresh();
	r = scarbon("SCARBON_SACCTMGR=/nonexistent/sacctmgr", "reconcile --jobs 1001");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "job 1001: cannot run /nonexistent/sacctmgr: No such file or directory");
	run_free(&r);
	/* ... or for a whole batch: every job says why. */
	r = scarbon("SCARBON_SACCTMGR=/nonexistent/sacctmgr", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 1);
	assert_contains(r.out, "0 written, 0 unchanged, 1 kept, 3 skipped, 8 failed");
	assert_int_equal(sc_test_count(r.err, "cannot run /nonexistent/sacctmgr: No such file or directory"), 8);
	run_free(&r);

	/* Usage. */
	r = scarbon(NULL, "reconcile --since now-1day --jobs 1");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "--since and --jobs exclude each other");
	run_free(&r);
	r = scarbon(NULL, "reconcile --jobs 12x");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "invalid job id '12x'");
	run_free(&r);
	r = scarbon(NULL, "reconcile --since tomorrow");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "--since:");
	run_free(&r);
	r = scarbon(NULL, "reconcile --since now+1day");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "in the future");
	run_free(&r);
	r = scarbon(NULL, "reconcile --format xml");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = scarbon(NULL, "reconcile --help");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "Usage: scarbon reconcile");
	assert_contains(r.out, "EpilogSlurmctld");
	run_free(&r);
}

static void test_report_from_input(void **state)
{
	struct run r;
	json_t *j, *t;
	json_error_t e;
	(void)state;

	/* Reconcile first, then report what accounting holds. */
	fresh();
	r = scarbon(NULL, "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00 --quiet");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	run_free(&r);

	r = scarbon(NULL, "report --input '%s' --format json", dump);
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, &e);
	assert_non_null(j);
	t = json_object_get(j, "total");
	/* Started jobs: 1001 1002 1003_1 1003_2 1004 (one heterogeneous job) 1006 1007 1009 1012 1013. */
	assert_int_equal(json_integer_value(json_object_get(t, "jobs")), 10);
	/* Reconciled: 11.352 + 364 + 0.345 + 0.115 + 5.394 + 322.787 + 1.3 + 2.625 g, and 1013's 100 g. */
	assert_near(json_number_value(json_object_get(t, "kgco2e")),
		    (11.352 + 364 + 0.345 + 0.115 + 5.394 + 322.787 + 1.3 + 2.625 + 100) / 1000, 1e-6);
	assert_int_equal(json_integer_value(json_object_get(t, "jobs_reconciled")), 9);
	assert_int_equal(json_integer_value(json_object_get(t, "jobs_measured")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "jobs_without_record")), 2); /* 1006, 1007 */
	/* Avoided: 1001's 13.2 - 11.4 g; 1002 ran as planned. */
	assert_near(json_number_value(json_object_get(t, "kgco2e_avoided")), 0.0018, 1e-9);
	/* Delay over the two jobs with an estimate: (3600 + 0) / 2. */
	assert_int_equal(json_integer_value(json_object_get(t, "mean_delay_s")), 1800);
	/* CPU-hours: 2 + 8 + 0.5 + 1/6 + 1 + 2 + 0.5 + 1 + 0.25 + 6 + 1 (1009: 1 CPU × 900 s). */
	assert_near(json_number_value(json_object_get(t, "cpu_hours")), 2 + 8 + 0.5 + 1.0 / 6 + 1 + 2 + 0.5 + 1 + 0.25 + 6 + 1, 1e-4);
	assert_near(json_number_value(json_object_get(t, "gpu_hours")), 2 + 2, 1e-9);
	json_decref(j);
	run_free(&r);

	/* Filters and a window (applied here, as there is no sacct to do it). */
	r = scarbon(NULL, "report --input '%s' --format parsable -g account -u alice,bob -S 2024-03-05T00:00:00",
		    dump);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "name|jobs|cpu_hours|");
	assert_contains(r.out, "\nphys|2|0.6667|");
	assert_null(strstr(r.out, "\nbio|"));
	run_free(&r);
	r = scarbon(NULL, "report --input '%s' --format csv -g partition -r gpu,uk", dump);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\ngpu,1,"); /* 1002, and component 1 of 1004 */
	assert_contains(r.out, "\nuk,1,6.0000,0.0000,0.030000,0.002625,");
	run_free(&r);
	r = scarbon(NULL, "report --input - --format table < '%s'", dump);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "Job carbon emissions by user");
	assert_contains(r.out, "\nTOTAL   10     22.42 ");
	run_free(&r);
	r = scarbon(NULL, "report --input '%s' --format html", dump);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "<svg id=\"chart-groups\"");
	assert_contains(r.out, "<svg id=\"chart-days\"");
	assert_contains(r.out, "<svg id=\"chart-intensity\"");
	/* The zones' series from the test configuration: GB's archive. */
	assert_contains(r.out, "<title>gb (actual)</title>");
	run_free(&r);
}

static void test_report_sacct_args(void **state)
{
	struct run r;
	char *calls;
	(void)state;

	fresh();
	r = scarbon(NULL, "report -S 2024-03-01 -E now --format json");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"total\":{\"jobs\":10,");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_contains(calls, "  --parsable2\n  --noconvert\n  --delimiter=\x1f\n  --allocations\n");
	assert_contains(calls, "  --starttime=2024-03-01\n  --endtime=now\n");
	/* The tests run as root: an operator, so every user's jobs. */
	if (geteuid() == 0)
		assert_contains(calls, "  --allusers\n");
	free(calls);

	sh(": >'%s'", calls_log);
	r = scarbon(NULL, "report -u alice -A phys -r compute,gpu");
	assert_int_equal(r.status, 0);
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_contains(calls, "  --user=alice\n  --accounts=phys\n  --partition=compute,gpu\n");
	assert_null(strstr(calls, "--allusers"));
	free(calls);

	r = scarbon("SC_FAKE_SACCT_FAIL=1", "report");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "sacct exited with status 1");
	run_free(&r);
	r = scarbon(NULL, "report --format pdf");
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "expected one of table, parsable, csv, json, html");
	run_free(&r);
	r = scarbon(NULL, "report --input /nonexistent.sacct");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "cannot read sacct output /nonexistent.sacct");
	run_free(&r);
	/* Only a regular file (or '-'): a directory is refused up front. */
	r = scarbon(NULL, "report --input /");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "sacct output / is a directory, not a regular file: expected a regular file");
	run_free(&r);
	r = scarbon(NULL, "report --input '%s' -S 'noon'", dump);
	assert_int_equal(r.status, 2);
	assert_contains(r.err, "--starttime");
	run_free(&r);
	r = scarbon(NULL, "report -g cluster");
	assert_int_equal(r.status, 2);
	run_free(&r);
	r = scarbon(NULL, "report --help");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "JobID,JobIDRaw,Cluster,User,Account,Partition,State,");
	run_free(&r);
}

/* The JSON object that the whole SystemComment of id is (fails when it isn't one). */
static json_t *comment_json(const char *id)
{
	json_error_t e;
	json_t *j = json_loads(system_comment(id), 0, &e);

	if (!j)
		fail_msg("SystemComment of %s is not JSON (%s): %s", id, e.text, system_comment(id));
	return j;
}

/* scarbon budget: usage from reconciled figures and estimates of the jobs submitted in
 * each budget's period, through the fake sacct; the ledger written with --write and
 * read back as the plugin reads it; the three formats. */
static void test_budget(void **state)
{
	struct run r;
	char conf[400], ledger[400], *calls;
	struct sc_ledger l;
	struct sc_err err;
	json_t *j, *b;
	(void)state;

	fresh();
	r = scarbon(NULL, "budget --all --now 2024-03-10T00:00:00 --format json");
	assert_int_equal(r.status, 0);
	j = json_loads(r.out, 0, NULL);
	assert_non_null(j);
	b = json_array_get(json_object_get(j, "budgets"), 0);
	/* phys in March 2024: 1013 reconciled (100 g), 1001 estimated (11.4 g); the rest have
	 * no record, 1012 was submitted in 2023. */
	assert_string_equal(json_string_value(json_object_get(b, "name")), "phys");
	assert_true(json_real_value(json_object_get(b, "actual_g")) == 100.0);
	assert_true(json_real_value(json_object_get(b, "estimated_g")) == 11.4);
	assert_int_equal(json_integer_value(json_object_get(b, "jobs")), 2);
	assert_int_equal(json_integer_value(json_object_get(b, "period_start")), 1709251200);
	b = json_array_get(json_object_get(j, "budgets"), 1);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "bob");
	assert_true(json_real_value(json_object_get(b, "used_g")) == 358.8);
	assert_int_equal(json_integer_value(json_object_get(b, "period_start")), 1704067200); /* Q1 */
	json_decref(j);
	calls = sc_test_read_file(calls_log, NULL);
	assert_contains(calls, "  --allusers\n  --starttime=2024-01-01T00:00:00\n  --endtime=2024-03-10T00:00:00\n");
	free(calls);
	run_free(&r);

	r = scarbon(NULL, "budget --all --now 2024-03-10T00:00:00 --format parsable");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "phys|phys||reject|1709251200|1711929600|2000.000|100.000|11.400|111.400|1888.600|29.0|2\n");
	run_free(&r);
	r = scarbon(NULL, "budget --all --now 2024-03-10T00:00:00");
	assert_contains(r.out, "BUDGET");
	assert_contains(r.out, "bob              bob                  warn     2024-04-01T00:00:00Z");
	run_free(&r);

	/* --write into a StateDir of our own; the plugin's reader takes it back. */
	snprintf(conf, sizeof(conf), "%s/budget.conf", tmpdir);
	sh("sed 's|^StateDir=.*|StateDir=%s|' '%s' >'%s'", tmpdir, sc_test_path("tests/data/acct/carbon.conf"), conf);
	r = scarbon(NULL, "--config '%s' budget --all --write --now 2024-03-10T00:00:00 --format json", conf);
	assert_int_equal(r.status, 0);
	run_free(&r);
	snprintf(ledger, sizeof(ledger), "%s/budgets.json", tmpdir);
	assert_int_equal(sc_ledger_load(&l, ledger, &err), 1);
	assert_int_equal(l.computed, 1710028800);
	assert_non_null(sc_ledger_find(&l, "phys", 1709251200));
	assert_true(sc_ledger_find(&l, "phys", 1709251200)->estimated_g == 11.4);
	sc_ledger_free(&l);

	r = scarbon("SC_FAKE_SACCT_FAIL=1", "budget --all --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "Connection refused");
	run_free(&r);
	r = scarbon(NULL, "budget --format xml");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void test_reconcile_slurmdb(void **state)
{
	struct run r;
	char *calls;
	json_t *j, *rec;
	(void)state;

	/* The default writer: libslurm's API (the stand-in), plain JSON. */
	fresh();
	r = scarbon("SCARBON_ACCT_WRITER=", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_contains(r.out, "reconcile: 12 jobs: 8 written, 0 unchanged, 1 kept, 3 skipped, 0 failed\n");
	assert_contains(r.out, "1001: written: 0.02298 kWh (model) x PUE 1.30 x 380.0 gCO2e/kWh (submit) = 11.352 gCO2e\n");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "slurm_init\n"), 1);
	assert_int_equal(sc_test_count(calls, "connect\n"), 1);
	assert_int_equal(sc_test_count(calls, "modify cluster=carbontest job="), 8);
	assert_int_equal(sc_test_count(calls, "commit 1\n"), 8);
	assert_int_equal(sc_test_count(calls, "close\n"), 1);
	assert_int_equal(sc_test_count(calls, "sacctmgr"), 0);
	/* Array tasks and components by their own ids. */
	assert_contains(calls, "modify cluster=carbontest job=1003_1 SystemComment={\"carbon_actual\":");
	assert_contains(calls, "modify cluster=carbontest job=1004+1 SystemComment={\"carbon_actual\":");
	free(calls);

	/* Stored exactly as the contract says: JSON, nothing lower-cased. */
	assert_string_equal(system_comment("1001"),
			    "{\"carbon_actual\":{\"v\":1,\"kwh\":0.02298,\"gco2e\":11.352,\"ci\":380.0,\"pue\":1.3,"
			    "\"energy_source\":\"model\",\"ci_source\":\"submit\",\"partition\":\"compute\",\"zone\":\"DE\","
			    "\"start\":1709546400,\"end\":1709550000,\"elapsed_s\":3600,\"watts\":23.0}}");
	j = comment_json("1002");
	rec = json_object_get(j, "carbon_actual");
	assert_near(json_number_value(json_object_get(rec, "gco2e")), 364, 1e-9);
	assert_string_equal(json_string_value(json_object_get(rec, "energy_source")), "measured");
	json_decref(j);
	j = comment_json("1004+1");
	json_decref(j);
	assert_null(strchr(system_comment("1003_1"), '`'));
	/* Another tool's text is kept as it was. */
	assert_contains(system_comment("1009"), "requeued by ops {\"carbon_actual\":{\"v\":1,\"kwh\":0.0025,");
	/* The better figure stored by sacctmgr earlier is kept, backticks and all. */
	assert_contains(system_comment("1013"), "{`carbon_actual`:{`v`:1,`kwh`:0.5,`gco2e`:100,");

	/* Again: nothing to write, libslurm not even loaded. */
	sh(": >'%s'", calls_log);
	r = scarbon("SCARBON_ACCT_WRITER=", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 12 jobs: 0 written, 8 unchanged, 1 kept, 3 skipped, 0 failed\n");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "slurm_init"), 0);
	assert_int_equal(sc_test_count(calls, "modify"), 0);
	free(calls);

	/* JSON output names the writer. */
	r = scarbon("SCARBON_ACCT_WRITER=slurmdb", "reconcile --jobs 1012 --format json");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"writer\":null");
	run_free(&r);
	sh("sed -i 's/^\\(1012|.*|\\)[^|]*$/\\1/' '%s'", dump);
	assert_string_equal(system_comment("1012"), "");
	r = scarbon("SCARBON_ACCT_WRITER=slurmdb", "reconcile --jobs 1012 --format json");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"writer\":\"slurmdb\"");
	assert_contains(r.out, "\"written\":1,");
	run_free(&r);
	j = comment_json("1012");
	json_decref(j);
}

static void test_reconcile_backtick_records(void **state)
{
	struct run r;
	char *calls;
	json_t *j;
	(void)state;

	/* Records written by sacctmgr (backticks, lower case as 22.05 stores
	 * them) hold the same figures: nothing to write. */
	fresh();
	r = scarbon(NULL, "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00 --quiet");
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_contains(system_comment("1001"), "{`carbon_actual`:{`v`:1,");
	assert_contains(system_comment("1001"), "`zone`:`de`");
	sh(": >'%s'", calls_log);
	r = scarbon("SCARBON_ACCT_WRITER=", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00 --verbose");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 12 jobs: 0 written, 8 unchanged, 1 kept, 3 skipped, 0 failed\n");
	assert_contains(r.out, "1001: unchanged:");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "modify"), 0);
	free(calls);

	/* A backtick record with other figures is replaced by plain JSON; other
	 * text stays as it is. */
	sh("sed -i -e '/^1001|/s/`gco2e`:11.352/`gco2e`:9.5/' -e '/^1009|/s/`kwh`:0.0025,/`kwh`:0.003,/' '%s'", dump);
	r = scarbon("SCARBON_ACCT_WRITER=", "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "reconcile: 12 jobs: 2 written, 6 unchanged, 1 kept, 3 skipped, 0 failed\n");
	assert_contains(r.out, "1001: written:");
	assert_contains(r.out, "1009: written:");
	run_free(&r);
	j = comment_json("1001");
	assert_near(json_number_value(json_object_get(json_object_get(j, "carbon_actual"), "gco2e")), 11.352, 1e-9);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "carbon_actual"), "zone")), "DE");
	json_decref(j);
	assert_contains(system_comment("1009"), "requeued by ops {\"carbon_actual\":{\"v\":1,\"kwh\":0.0025,");
	assert_null(strchr(system_comment("1009"), '`'));
	/* The others keep their backtick records. */
	assert_contains(system_comment("1002"), "{`carbon_actual`:");
	/* And the report reads both forms alike. */
	r = scarbon(NULL, "report --input '%s' --format json", dump);
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"jobs_reconciled\":9,");
	run_free(&r);
}

static void test_reconcile_writer_choice(void **state)
{
	struct run r;
	char *calls;
	(void)state;

	/* An unknown writer: said before anything runs. */
	fresh();
	r = scarbon("SCARBON_ACCT_WRITER=jq", "reconcile --jobs 1001");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "scarbon reconcile: SCARBON_ACCT_WRITER: unknown writer 'jq': expected slurmdb or sacctmgr\n");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_string_equal(calls, "");
	free(calls);

	/* libslurm cannot be loaded: sacctmgr, with a warning that says so. */
	r = scarbon("SCARBON_ACCT_WRITER= SCARBON_LIBSLURM=/nonexistent/libslurm.so.38",
		    "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00 --format json");
	assert_int_equal(r.status, 0);
	assert_contains(r.err, "scarbon reconcile: warning: cannot load libslurm /nonexistent/libslurm.so.38: ");
	assert_contains(r.err, "writing SystemComment through sacctmgr instead, which stores every '\"' as '`'");
	assert_int_equal(sc_test_count(r.err, "warning"), 1);
	assert_contains(r.out, "\"writer\":\"sacctmgr\"");
	assert_contains(r.out, "\"written\":8,");
	run_free(&r);
	calls = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(calls, "sacctmgr stdin\n"), 1);
	free(calls);
	assert_contains(system_comment("1001"), "{`carbon_actual`:");

	/* slurmdb asked for: no fallback, every job says why. */
	fresh();
	r = scarbon("SCARBON_ACCT_WRITER=slurmdb SCARBON_LIBSLURM=/nonexistent/libslurm.so.38",
		    "reconcile --since 2024-03-01 --now 2024-03-10T00:00:00");
	assert_int_equal(r.status, 1);
	assert_contains(r.out, "0 written, 0 unchanged, 1 kept, 3 skipped, 8 failed");
	assert_int_equal(sc_test_count(r.err, ": slurmdb: cannot load libslurm /nonexistent/libslurm.so.38: "), 8);
	assert_contains(r.err, "scarbon reconcile: job 1001: slurmdb: cannot load libslurm");
	assert_null(strstr(r.err, "warning"));
	run_free(&r);
	assert_string_equal(system_comment("1001"), "");

	/* slurmdbd down, or the user not allowed: the job fails with the reason. */
	r = scarbon("SCARBON_ACCT_WRITER= SC_FAKE_DBD_DOWN=1", "reconcile --jobs 1001,1002");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "job 1001: slurmdb: cannot reach slurmdbd at dbd.example:6819");
	assert_contains(r.err, "job 1002: slurmdb: cannot reach slurmdbd at dbd.example:6819");
	run_free(&r);
	r = scarbon("SCARBON_ACCT_WRITER= SC_FAKE_DENY=1", "reconcile --jobs 1001");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "scarbon reconcile: job 1001: permission denied: only root, SlurmUser and users "
			       "with AdminLevel Operator or Administrator may set SystemComment");
	run_free(&r);
	r = scarbon("SCARBON_ACCT_WRITER= SC_FAKE_FAIL=1001", "reconcile --jobs 1001,1002");
	assert_int_equal(r.status, 1);
	assert_contains(r.out, "1 written, 0 unchanged, 0 kept, 0 skipped, 1 failed");
	assert_contains(r.err, "job 1001: not found in accounting on cluster carbontest (Nothing modified)");
	run_free(&r);
	assert_string_equal(system_comment("1001"), "");
	assert_contains(system_comment("1002"), "{\"carbon_actual\":");

	/* A comment whose other text has a quote: not sent to slurmdbd. */
	sh("sed -i 's/^\\(1009|.*|\\)requeued by ops$/\\1requeued by o'\"'\"'brien/' '%s'", dump);
	assert_string_equal(system_comment("1009"), "requeued by o'brien");
	r = scarbon("SCARBON_ACCT_WRITER=", "reconcile --jobs 1009");
	assert_int_equal(r.status, 1);
	assert_contains(r.err, "job 1009: the new SystemComment holds a ' or a \\");
	run_free(&r);
	assert_string_equal(system_comment("1009"), "requeued by o'brien");

	/* The help says where libslurm comes from and what the writers do. */
	r = scarbon(NULL, "reconcile --help");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "$SCARBON_LIBSLURM, else\n  " SC_LIBSLURM_PATH "\n");
	assert_contains(r.out, "SCARBON_ACCT_WRITER=slurmdb");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_reconcile_writes_once),
		cmocka_unit_test(test_reconcile_json_and_dry_run),
		cmocka_unit_test(test_reconcile_epilog),
		cmocka_unit_test(test_reconcile_failures),
		cmocka_unit_test(test_reconcile_slurmdb),
		cmocka_unit_test(test_reconcile_backtick_records),
		cmocka_unit_test(test_reconcile_writer_choice),
		cmocka_unit_test(test_report_from_input),
		cmocka_unit_test(test_report_sacct_args),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
