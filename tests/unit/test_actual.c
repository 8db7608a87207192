/* Tests for acct/actual.h (actual emissions) and
 * acct/intensity.h (the intensity sources).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <ctype.h>
#include <math.h>

#include "base/json.h"
#include "acct/actual.h"
#include "record/comment.h"
#include "acct/intensity.h"
#include "forecast/provider.h"
#include "base/units.h"
#include "record/record.h"

/* 2 CPUs, 1 GPU, 4096 MB, one node, one hour, ended. */
static struct sc_acct_job base_job(void)
{
	struct sc_acct_job j;

	memset(&j, 0, sizeof(j));
	j.jobid = "42";
	j.jobid_raw = "42";
	j.cluster = j.user = j.account = j.partition = j.state = "";
	j.admin_comment = j.system_comment = "";
	j.state = "COMPLETED";
	j.start = 1678763400; /* 2023-03-14T03:10:00Z */
	j.end = j.start + 3600;
	j.elapsed = 3600;
	j.nnodes = 1;
	j.ncpus = 2;
	j.gpus = 1;
	j.mem_mb = 4096;
	j.cpu_time_s = 7200;
	j.total_cpu_s = -1;
	j.energy_j = -1;
	j.het_offset = -1;
	j.ran = j.ended = 1;
	return j;
}

/* 10 W per core, 200 W per GPU, 0.5 W per GB, full use; PUE 1.2. */
static struct sc_actual_model base_model(void)
{
	struct sc_actual_model m = {
		.partition = "gpu", .zone = "GB", .pue = 1.2,
		.power = { .core_w = 10, .gpu_w = 200, .mem_w_per_gb = 0.5, .usage = 1.0, .node_w = 0 },
	};
	return m;
}

static struct sc_ci_candidates no_ci(void)
{
	struct sc_ci_candidates c = { NAN, NAN, NAN };
	return c;
}

static void test_model_energy(void **state)
{
	struct sc_acct_job j = base_job();
	struct sc_actual_model m = base_model();
	struct sc_ci_candidates ci = no_ci();
	struct sc_actual a;
	struct sc_err err;
	(void)state;

	ci.actual = 300;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	/* 2×10 + 1×200 + 4×0.5 = 222 W for 1 h = 0.222 kWh; × 1.2 × 300 = 79.92 g. */
	assert_int_equal(a.energy_source, SC_ENERGY_MODEL);
	assert_near(a.watts, 222, 1e-9);
	assert_near(a.kwh, 0.222, 1e-12);
	assert_near(a.gco2e, 79.92, 1e-9);
	assert_int_equal(a.ci_source, SC_CI_ACTUAL);
	assert_string_equal(a.zone, "GB");
	assert_string_equal(a.partition, "gpu");
	assert_string_equal(a.note, "");

	/* Half use: cores and GPUs at half power, memory as is: 10 + 100 + 2 = 112 W,
	 * 30 minutes: 0.056 kWh. */
	m.power.usage = 0.5;
	j.elapsed = 1800;
	j.end = j.start + 1800;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_near(a.kwh, 0.056, 1e-12);
	assert_near(a.gco2e, 0.056 * 1.2 * 300, 1e-9);

	/* Memory unknown: not counted, and said. */
	m.power.usage = 1;
	j.mem_mb = -1;
	j.elapsed = 3600;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_near(a.kwh, 0.220, 1e-12);
	assert_contains(a.note, "memory unknown");

	/* A node base power counts per node. */
	j.mem_mb = 0;
	j.nnodes = 2;
	m.power.node_w = 50;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_near(a.watts, 220 + 100, 1e-9);

	/* A job that ran for 0 s emitted nothing. */
	j = base_job();
	m = base_model();
	j.elapsed = 0;
	j.end = j.start;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_near(a.gco2e, 0, 0);
}

static void test_measured_energy(void **state)
{
	struct sc_acct_job j = base_job();
	struct sc_actual_model m = base_model();
	struct sc_ci_candidates ci = no_ci();
	struct sc_actual a;
	struct sc_err err;
	(void)state;

	ci.actual = 300;
	/* 720 kJ in an hour: 200 W, within x10 of the model's 222 W. */
	j.energy_j = 720000;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MEASURED);
	assert_near(a.kwh, 0.2, 1e-12);
	assert_near(a.watts, 200, 1e-9);
	assert_near(a.gco2e, 0.2 * 1.2 * 300, 1e-9);

	/* 20 × the model: the node's figure for a shared node. Model used. */
	j.energy_j = 222.0 * 20 * 3600;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MODEL);
	assert_near(a.kwh, 0.222, 1e-12);
	assert_contains(a.note, "not within x10");

	/* A twentieth of the model: implausible too. */
	j.energy_j = 222.0 / 20 * 3600;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MODEL);

	/* Over 10 kW per node, whatever the model says. */
	m.power.core_w = 100000;
	j.energy_j = 20000.0 * 3600;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MODEL);
	assert_contains(a.note, "implausible");

	/* CPU count unknown: measured energy still serves; without it, an error. */
	m = base_model();
	j.ncpus = -1;
	j.energy_j = 720000;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MEASURED);
	j.energy_j = -1;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), -1);
	assert_contains(err.msg, "allocated CPUs are unknown");

	/* A model that gives 0 W doesn't veto a measurement. */
	m.power = (struct sc_power){ 0, 0, 0, 1, 0 };
	j.ncpus = 2;
	j.energy_j = 720000;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	assert_int_equal(a.energy_source, SC_ENERGY_MEASURED);
}

static void test_intensity_choice(void **state)
{
	struct sc_acct_job j = base_job();
	struct sc_actual_model m = base_model();
	struct sc_ci_candidates ci = { 300, 250, 100 };
	struct sc_estimate est;
	struct sc_actual a;
	struct sc_err err;
	(void)state;

	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"decision\":\"delay\",\"zone\":\"gb\",\"ci\":222.5}}", &est), 1);
	assert_int_equal(sc_actual_compute(&j, &m, &est, &ci, &a, &err), 0);
	assert_int_equal(a.ci_source, SC_CI_ACTUAL);
	assert_near(a.ci, 300, 0);
	ci.actual = NAN;
	assert_int_equal(sc_actual_compute(&j, &m, &est, &ci, &a, &err), 0);
	assert_int_equal(a.ci_source, SC_CI_FORECAST);
	assert_near(a.ci, 250, 0);
	ci.forecast = NAN;
	assert_int_equal(sc_actual_compute(&j, &m, &est, &ci, &a, &err), 0);
	assert_int_equal(a.ci_source, SC_CI_SUBMIT); /* zone matches, case aside */
	assert_near(a.ci, 222.5, 0);
	assert_near(a.gco2e, 0.222 * 1.2 * 222.5, 1e-9);
	/* Planned for another zone: its ci says nothing about this one. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"zone\":\"FR\",\"ci\":50}}", &est), 1);
	assert_int_equal(sc_actual_compute(&j, &m, &est, &ci, &a, &err), 0);
	assert_int_equal(a.ci_source, SC_CI_STATIC);
	assert_near(a.ci, 100, 0);
	ci.static_v = NAN;
	assert_int_equal(sc_actual_compute(&j, &m, &est, &ci, &a, &err), -1);
	assert_contains(err.msg, "no intensity for zone GB");
	assert_int_equal(sc_actual_compute(&j, &m, NULL, NULL, &a, &err), -1);

	/* Not ended, elapsed unknown. */
	ci.actual = 1;
	j.ended = 0;
	j.state = "RUNNING";
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), -1);
	assert_contains(err.msg, "has not ended (state RUNNING)");
	j = base_job();
	j.elapsed = -1;
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), -1);
	assert_contains(err.msg, "elapsed time unknown");
}

static void test_record_roundtrip(void **state)
{
	struct sc_acct_job j = base_job();
	struct sc_actual_model m = base_model();
	struct sc_ci_candidates ci = no_ci();
	struct sc_actual a, b;
	struct sc_err err;
	json_t *rec;
	char *s, *stored;
	(void)state;

	ci.forecast = 123.456;
	m.zone = "GB\"x";
	j.energy_j = 222.0 * 20 * 3600; /* implausible: a note */
	assert_int_equal(sc_actual_compute(&j, &m, NULL, &ci, &a, &err), 0);
	rec = sc_actual_record(&a);
	assert_non_null(rec);
	s = sc_json_dumps(rec);
	assert_string_equal(s, "{\"v\":1,\"kwh\":0.222,\"gco2e\":32.889,\"ci\":123.5,\"pue\":1.2,"
			       "\"energy_source\":\"model\",\"ci_source\":\"forecast\",\"partition\":\"gpu\","
			       "\"zone\":\"GB_x\",\"start\":1678763400,\"end\":1678767000,\"elapsed_s\":3600,"
			       "\"watts\":222.0,\"note\":\"measured 4440.0 W is not within x10 of the model (222.0 W): "
			       "model used\"}");
	free(s);

	/* As sacctmgr 22.05 stores it: backticks, lower case. Read back. */
	json_incref(rec); /* encode takes a reference */
	stored = sc_comment_encode("", SC_RECORD_ACTUAL_KEY, rec, SC_COMMENT_SACCTMGR);
	assert_non_null(stored);
	assert_null(strchr(stored, '"'));
	for (char *p = stored; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	assert_int_equal(sc_actual_read(stored, &b), 1);
	assert_near(b.kwh, 0.222, 1e-12);
	assert_near(b.gco2e, 32.889, 1e-9);
	assert_near(b.ci, 123.5, 1e-9);
	assert_near(b.pue, 1.2, 1e-12);
	assert_near(b.watts, 222, 1e-9);
	assert_int_equal(b.energy_source, SC_ENERGY_MODEL);
	assert_int_equal(b.ci_source, SC_CI_FORECAST);
	assert_string_equal(b.zone, "gb_x");
	assert_int_equal(b.start, 1678763400);
	assert_int_equal(b.elapsed, 3600);
	free(stored);

	/* Missing figures: not a record. */
	assert_int_equal(sc_actual_read("{\"carbon_actual\":{\"kwh\":1}}", &b), 0);
	assert_int_equal(sc_actual_read("{\"carbon_actual\":{\"kwh\":1,\"gco2e\":2,\"ci\":3,\"pue\":1,"
					"\"energy_source\":\"MEASURED\",\"ci_source\":\"actual\"}}", &b), 1);
	assert_int_equal(b.energy_source, SC_ENERGY_MEASURED);
	assert_int_equal(b.ci_source, SC_CI_ACTUAL);
	assert_int_equal(sc_actual_read("{\"carbon_actual\":{\"kwh\":-1,\"gco2e\":2,\"ci\":3,\"pue\":1}}", &b), 0);
	assert_int_equal(sc_actual_read("", &b), 0);
	assert_int_equal(sc_actual_read(NULL, &b), 0);
	assert_int_equal(sc_actual_read("just text", &b), 0);
	assert_int_equal(sc_actual_read("{`carbon_actual`:{`kwh`:1,`gco2e`:2,`ci`:3,`pue`:1,`ci_source`:`bogus`}}", &b), 1);
	assert_int_equal(b.ci_source, SC_CI_NONE);
	json_decref(rec);
}

static char warnings[2048];

static void warned(const char *msg, void *arg)
{
	size_t l = strlen(warnings);
	(void)arg;
	snprintf(warnings + l, sizeof(warnings) - l, "%s\n", msg);
}

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(sc_parse_time(s, 0, &t, NULL), 0);
	return t;
}

static void test_store(void **state)
{
	char state_dir[4096], file[4096];
	struct sc_zone_spec zones[4];
	struct sc_ci_store *st;
	struct sc_ci_candidates c;
	struct sc_err err;
	const char *what = NULL;
	(void)state;

	snprintf(state_dir, sizeof(state_dir), "%s", sc_test_path("tests/data/acct/state"));
	snprintf(file, sizeof(file), "%s", sc_test_path("tests/data/acct/file-zone.csv"));
	memset(zones, 0, sizeof(zones));
	zones[0].name = "GB";
	zones[0].provider = sc_provider_find("ukci");
	zones[0].max_gap = 3600;
	zones[1].name = "FILEZ";
	zones[1].provider = sc_provider_find("file");
	zones[1].path = file;
	zones[1].max_gap = 3600;
	zones[2].name = "STAT";
	zones[2].provider = sc_provider_find("static");
	zones[2].intensity = 123;
	zones[3].name = "EMPTY";
	zones[3].provider = sc_provider_find("electricitymaps");
	warnings[0] = '\0';
	st = sc_ci_store_create(zones, 4, state_dir, warned, NULL);
	assert_non_null(st);

	/* 03:10-04:40 on 2023-03-14. Actual: 76 (20 min), 78, 82 (30 each), 84 (10):
	 * 7160 / 90. The forecast issued at 03:01: 68, 69, 72, 69: 6280 / 90. */
	assert_int_equal(sc_ci_store_lookup(st, "gb", at("2023-03-14T03:10:00Z"), at("2023-03-14T04:40:00Z"), &c, &err), 0);
	assert_near(c.actual, 7160.0 / 90, 1e-9);
	assert_near(c.forecast, 6280.0 / 90, 1e-9);
	assert_true(isnan(c.static_v));
	/* From 03:40 the 03:31 issue is the current one: 03:40-04:00 69, 04:00-04:30 72 →
	 * (69×20 + 72×30) / 50. */
	assert_int_equal(sc_ci_store_lookup(st, "GB", at("2023-03-14T03:40:00Z"), at("2023-03-14T04:30:00Z"), &c, &err), 0);
	assert_near(c.forecast, (69.0 * 20 + 72 * 30) / 50, 1e-9);
	/* Before any issue: no forecast; past the archive's end: no actual. */
	assert_int_equal(sc_ci_store_lookup(st, "GB", at("2023-03-14T02:00:00Z"), at("2023-03-14T03:00:00Z"), &c, &err), 0);
	assert_true(isnan(c.forecast));
	assert_false(isnan(c.actual));
	assert_int_equal(sc_ci_store_lookup(st, "GB", at("2023-03-14T23:00:00Z"), at("2023-03-15T02:00:00Z"), &c, &err), 0);
	assert_true(isnan(c.actual));
	/* An empty window is a one-second one. */
	assert_int_equal(sc_ci_store_lookup(st, "GB", at("2023-03-14T03:10:00Z"), at("2023-03-14T03:10:00Z"), &c, &err), 0);
	assert_near(c.actual, 76, 1e-9);

	/* A file zone: its CSV is the forecast. 05:00-07:00: 100 for 1 h, 200 for 1 h. */
	assert_int_equal(sc_ci_store_lookup(st, "FILEZ", at("2023-03-14T05:00:00Z"), at("2023-03-14T07:00:00Z"), &c, &err), 0);
	assert_true(isnan(c.actual));
	assert_near(c.forecast, 150, 1e-9);
	/* Static. */
	assert_int_equal(sc_ci_store_lookup(st, "STAT", 1000, 2000, &c, &err), 0);
	assert_near(c.static_v, 123, 0);
	assert_true(isnan(c.actual) && isnan(c.forecast));
	/* Nothing at all. */
	assert_int_equal(sc_ci_store_lookup(st, "EMPTY", 1000, 2000, &c, &err), 0);
	assert_true(isnan(c.actual) && isnan(c.forecast) && isnan(c.static_v));
	/* Unknown zone. */
	assert_int_equal(sc_ci_store_lookup(st, "MARS", 1000, 2000, &c, &err), -1);
	assert_contains(err.msg, "zone 'MARS' is not in carbon.conf");
	assert_string_equal(warnings, "");

	{
		int64_t d0 = at("2023-03-14T00:00:00Z"), d1 = at("2023-03-15T00:00:00Z");
		assert_non_null(sc_ci_store_series(st, "GB", d0, d1, &what));
		assert_string_equal(what, "actual");
		assert_null(sc_ci_store_series(st, "GB", d1, d1 + 86400, &what)); /* no points then */
		/* Jobs of a few seconds inside one half-hour slot: still covered. */
		assert_non_null(sc_ci_store_series(st, "GB", d0 + 611, d0 + 616, &what));
		assert_string_equal(what, "actual");
		assert_non_null(sc_ci_store_series(st, "FILEZ", d0, d1, &what));
		assert_string_equal(what, "file");
		assert_null(sc_ci_store_series(st, "FILEZ", d1 + 7 * 86400, d1 + 8 * 86400, &what));
		assert_null(sc_ci_store_series(st, "STAT", d0, d1, &what));
		assert_null(sc_ci_store_series(st, "nope", d0, d1, &what));
	}
	sc_ci_store_destroy(st);
	sc_ci_store_destroy(NULL);

	/* Replay=weekly: drawn on any later week, as the plugin sees it (the
	 * bundled sample: eight weeks of 2021). */
	snprintf(file, sizeof(file), "%s", sc_test_path("etc/sample/intensity-DE.csv"));
	zones[1].replay = SC_REPLAY_WEEKLY;
	st = sc_ci_store_create(zones, 4, state_dir, warned, NULL);
	{
		int64_t w0 = at("2024-03-04T00:00:00Z");
		const struct sc_series *r = sc_ci_store_series(st, "FILEZ", w0, w0 + 86400, &what);
		assert_non_null(r);
		assert_string_equal(what, "file, replayed weekly");
		assert_true(r->t[0] <= w0 && r->t[r->n - 1] >= w0);
	}
	sc_ci_store_destroy(st);
}

static void test_store_bad_files(void **state)
{
	char state_dir[4096];
	struct sc_zone_spec zones[2];
	struct sc_ci_store *st;
	struct sc_ci_candidates c;
	struct sc_err err;
	(void)state;

	snprintf(state_dir, sizeof(state_dir), "%s", sc_test_path("tests/data/acct/state-bad"));
	memset(zones, 0, sizeof(zones));
	zones[0].name = "XX";
	zones[0].provider = sc_provider_find("file");
	zones[0].path = "/nonexistent/xx.csv";
	zones[1].name = "a/b";
	zones[1].provider = sc_provider_find("static");
	zones[1].intensity = 5;
	warnings[0] = '\0';
	st = sc_ci_store_create(zones, 2, state_dir, warned, NULL);
	assert_int_equal(sc_ci_store_lookup(st, "XX", 1000, 2000, &c, &err), 0);
	assert_true(isnan(c.actual) && isnan(c.forecast) && isnan(c.static_v));
	assert_contains(warnings, "XX-actual.csv:2");
	assert_contains(warnings, "archive of actual intensities not used");
	assert_contains(warnings, "XX-forecasts.csv:1: the header has no column 'issued_at': expected the header 'issued_at,target,forecast'");
	assert_contains(warnings, "forecast archive not used");
	assert_contains(warnings, "/nonexistent/xx.csv");
	/* Read once: no second round of warnings. */
	warnings[0] = '\0';
	assert_int_equal(sc_ci_store_lookup(st, "XX", 1000, 2000, &c, &err), 0);
	assert_string_equal(warnings, "");
	/* A zone name that would leave the archive directory is not looked up there. */
	assert_int_equal(sc_ci_store_lookup(st, "a/b", 1000, 2000, &c, &err), 0);
	assert_near(c.static_v, 5, 0);
	sc_ci_store_destroy(st);

	/* No StateDir: no archive. */
	st = sc_ci_store_create(zones + 1, 1, NULL, NULL, NULL);
	assert_int_equal(sc_ci_store_lookup(st, "a/b", 1000, 2000, &c, &err), 0);
	assert_near(c.static_v, 5, 0);
	sc_ci_store_destroy(st);
}

static void test_fc_archive(void **state)
{
	/* Rows in any order; an issue at 0 (targets 0 and 3600), one at 7200
	 * (7200, 10800). */
	int64_t issued[] = { 7200, 0, 0, 7200 };
	int64_t target[] = { 7200, 0, 3600, 10800 };
	double v[] = { 20, 10, 30, 40 };
	struct sc_forecast_rows rows = { .issued_at = issued, .target = target, .forecast = v, .n = 4, .cap = 4 },
				none = { 0 };
	struct sc_err err;
	struct sc_forecast_archive *a = sc_forecast_archive_create(&rows, &err);
	double m;
	int64_t at_issue;
	(void)state;

	assert_non_null(a);
	/* At 3600 the latest issue is the one at 0: 30 over [3600, 5400). */
	assert_int_equal(sc_forecast_archive_mean(a, 3600, 5400, 0, &m, &at_issue), 0);
	assert_near(m, 30, 1e-9);
	assert_int_equal(at_issue, 0);
	/* At 7200, issue 7200: 20 then 40. */
	assert_int_equal(sc_forecast_archive_mean(a, 7200, 14400, 0, &m, &at_issue), 0);
	assert_near(m, 30, 1e-9);
	assert_int_equal(at_issue, 7200);
	/* The latest issue doesn't cover [7200, 18000): none older does either. */
	assert_int_equal(sc_forecast_archive_mean(a, 7200, 18000, 0, &m, NULL), -1);
	/* At 9000 the issue at 7200 covers [9000, 9500). */
	assert_int_equal(sc_forecast_archive_mean(a, 9000, 9500, 0, &m, NULL), 0);
	assert_near(m, 20, 1e-9);
	/* Before the first issue; an empty window. */
	assert_int_equal(sc_forecast_archive_mean(a, -10, 100, 0, &m, NULL), -1);
	assert_int_equal(sc_forecast_archive_mean(a, 100, 100, 0, &m, NULL), -1);
	assert_int_equal(sc_forecast_archive_mean(NULL, 0, 100, 0, &m, NULL), -1);
	sc_forecast_archive_destroy(a);
	sc_forecast_archive_destroy(NULL);

	/* The latest issue with a target twice is skipped for an older one. */
	{
		int64_t i2[] = { 0, 0, 100, 100 };
		int64_t t2[] = { 0, 3600, 0, 0 };
		double v2[] = { 10, 30, 1, 2 };
		struct sc_forecast_rows r2 = { .issued_at = i2, .target = t2, .forecast = v2, .n = 4, .cap = 4 };
		a = sc_forecast_archive_create(&r2, &err);
		assert_int_equal(sc_forecast_archive_mean(a, 200, 300, 0, &m, &at_issue), 0);
		assert_int_equal(at_issue, 0);
		assert_near(m, 10, 1e-9);
		sc_forecast_archive_destroy(a);
	}
	a = sc_forecast_archive_create(&none, &err);
	assert_non_null(a);
	assert_int_equal(sc_forecast_archive_mean(a, 0, 100, 0, &m, NULL), -1);
	sc_forecast_archive_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_energy),
		cmocka_unit_test(test_measured_energy),
		cmocka_unit_test(test_intensity_choice),
		cmocka_unit_test(test_record_roundtrip),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_store_bad_files),
		cmocka_unit_test(test_fc_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
