/* Tests for acct/report.h: aggregation and every output format.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "acct/report.h"
#include "forecast/series.h"
#include "base/units.h"

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(sc_parse_time(s, 0, &t, NULL), 0);
	return t;
}

static struct sc_acct_job job(const char *id, const char *user, const char *account, const char *part,
			      const char *start, int64_t elapsed, double cpu_s, int64_t gpus,
			      const char *admin, const char *sys)
{
	struct sc_acct_job j;

	memset(&j, 0, sizeof(j));
	j.jobid = j.jobid_raw = id;
	j.cluster = "c1";
	j.user = user;
	j.account = account;
	j.partition = part;
	j.state = "COMPLETED";
	j.admin_comment = admin;
	j.system_comment = sys;
	j.het_offset = -1;
	if (start) {
		j.start = at(start);
		j.end = j.start + elapsed;
		j.ran = j.ended = 1;
	}
	j.elapsed = elapsed;
	j.cpu_time_s = cpu_s;
	j.gpus = gpus;
	j.ncpus = 1;
	j.nnodes = 1;
	j.energy_j = -1;
	j.total_cpu_s = -1;
	j.mem_mb = -1;
	return j;
}

/* The jobs of every test, with figures chosen to add up by hand:
 *   alice: 0.150 kg reconciled (measured) + 0.400 kg estimated; 1.5 kWh; 6 CPU-h, 4 GPU-h;
 *          avoided (260 − 200) g; delays 3600 and 0 s.
 *   bob:   1 job without any record (1 CPU-h), 1 that never started (ignored).
 *   carol: one heterogeneous job: component 0 estimated 10 g (delay advised, not applied),
 *          component 1 reconciled 5 g.
 *   d<a>ve,"x": reconciled 0 g. */
static struct sc_report *sample(enum sc_group_by by)
{
	struct sc_report *r = sc_report_create(by);
	struct sc_acct_job js[7];
	int n = 0;

	assert_non_null(r);
	js[n++] = job("1", "alice", "phys", "cpu", "2024-03-01T23:00:00", 3600, 7200, 0,
		      "{\"carbon\":{\"v\":1,\"decision\":\"delay\",\"zone\":\"DE\",\"kwh\":0.6,\"gco2e\":200,"
		      "\"baseline_gco2e\":260,\"delay_s\":3600,\"applied\":true}}",
		      "{`carbon_actual`:{`v`:1,`kwh`:0.5,`gco2e`:150,`ci`:250,`pue`:1.2,"
		      "`energy_source`:`measured`,`ci_source`:`actual`,`zone`:`de`}}");
	js[n++] = job("2", "alice", "phys", "gpu", "2024-03-02T12:00:00", 7200, 14400, 2,
		      "{\"carbon\":{\"v\":1,\"decision\":\"run\",\"zone\":\"DE\",\"kwh\":1.0,\"gco2e\":400,"
		      "\"baseline_gco2e\":400,\"delay_s\":0}}",
		      "");
	js[n++] = job("3", "bob", "bio", "cpu", "2024-03-02T00:00:00", 3600, 3600, 0, "", "");
	js[n++] = job("4", "bob", "bio", "cpu", NULL, 0, 0, 0, "", "");
	js[n] = job("5+0", "carol", "bio", "cpu", "2024-03-03T23:30:00", 3600, 3600, 0,
		    "{\"carbon\":{\"decision\":\"delay\",\"applied\":false,\"kwh\":0.1,\"gco2e\":10,"
		    "\"baseline_gco2e\":20,\"delay_s\":600}}", "");
	js[n++].het_offset = 0;
	js[n] = job("5+1", "carol", "bio", "gpu", "2024-03-03T23:30:00", 3600, 3600, 0, "",
		    "{\"carbon_actual\":{\"kwh\":0.02,\"gco2e\":5,\"ci\":250,\"pue\":1,\"energy_source\":\"model\"}}");
	js[n++].het_offset = 1;
	js[n++] = job("6", "d<a>ve,\"x\"", "bio", "cpu", "2024-03-02T00:00:00", 60, 60, 0, "",
		      "{\"carbon_actual\":{\"kwh\":0,\"gco2e\":0,\"ci\":250,\"pue\":1}}");
	for (int i = 0; i < n; i++)
		assert_int_equal(sc_report_add(r, &js[i]), js[i].ran ? 1 : 0);
	return r;
}

static const struct sc_report_row *find(const struct sc_report_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	fail_msg("no row %s", name);
	return NULL;
}

static void test_aggregate(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	const struct sc_report_row *rows, *w, *t;
	size_t n = sc_report_rows(r, &rows);
	int64_t first, last;
	const char *const *zones;
	(void)state;

	assert_int_equal(n, 4);
	/* Most kgCO2e first; ties by name. */
	assert_string_equal(rows[0].name, "alice");
	assert_string_equal(rows[1].name, "carol");
	assert_string_equal(rows[2].name, "bob");
	assert_string_equal(rows[3].name, "d<a>ve,\"x\"");

	w = find(rows, n, "alice");
	assert_int_equal(w->jobs, 2);
	assert_near(w->cpu_hours, 6, 1e-12);
	assert_near(w->gpu_hours, 4, 1e-12);
	assert_near(w->kwh, 1.5, 1e-12);
	assert_near(w->kgco2e, 0.55, 1e-12);
	assert_near(w->kgco2e_avoided, 0.06, 1e-12);
	assert_near(sc_report_row_mean_delay(w), 1800, 1e-9);
	assert_int_equal(w->jobs_reconciled, 1);
	assert_int_equal(w->jobs_measured, 1);
	assert_int_equal(w->jobs_estimated, 1);
	assert_int_equal(w->jobs_without_record, 0);
	assert_near(w->kgco2e_reconciled, 0.15, 1e-12);
	assert_near(w->kgco2e_estimated, 0.4, 1e-12);

	w = find(rows, n, "bob");
	assert_int_equal(w->jobs, 1); /* the job that never started doesn't count */
	assert_near(w->cpu_hours, 1, 1e-12);
	assert_near(w->kgco2e, 0, 0);
	assert_int_equal(w->jobs_without_record, 1);
	assert_near(sc_report_row_mean_delay(w), 0, 0);

	w = find(rows, n, "carol");
	assert_int_equal(w->jobs, 1); /* one heterogeneous job */
	assert_near(w->cpu_hours, 2, 1e-12);
	assert_near(w->kgco2e, 0.015, 1e-12);
	assert_near(w->kwh, 0.12, 1e-12);
	assert_near(w->kgco2e_avoided, 0, 0); /* advice not applied */
	assert_near(sc_report_row_mean_delay(w), 0, 0);
	assert_int_equal(w->jobs_reconciled, 1);
	assert_int_equal(w->jobs_estimated, 1);

	t = sc_report_total(r);
	assert_string_equal(t->name, "TOTAL");
	assert_int_equal(t->jobs, 5);
	assert_near(t->cpu_hours, 6 + 1 + 2 + 60.0 / 3600, 1e-12);
	assert_near(t->gpu_hours, 4, 1e-12);
	assert_near(t->kwh, 1.62, 1e-12);
	assert_near(t->kgco2e, 0.565, 1e-12);
	assert_near(t->kgco2e_avoided, 0.06, 1e-12);
	assert_near(sc_report_row_mean_delay(t), 1200, 1e-9);
	assert_int_equal(t->jobs_reconciled, 3);
	assert_int_equal(t->jobs_estimated, 2);
	assert_int_equal(t->jobs_without_record, 1);

	sc_report_range(r, &first, &last);
	assert_int_equal(first, at("2024-03-01T23:00:00Z"));
	assert_int_equal(last, at("2024-03-04T00:30:00Z"));
	assert_int_equal(sc_report_zones(r, &zones), 1); /* DE and de are one zone */
	assert_string_equal(zones[0], "de");
	sc_report_destroy(r);
	sc_report_destroy(NULL);
}

static void test_group_by(void **state)
{
	struct sc_report *r = sample(SC_BY_ACCOUNT);
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);
	(void)state;

	assert_int_equal(n, 2);
	assert_string_equal(rows[0].name, "phys");
	assert_near(rows[0].kgco2e, 0.55, 1e-12);
	assert_string_equal(rows[1].name, "bio");
	assert_int_equal(rows[1].jobs, 3);
	sc_report_destroy(r);

	r = sample(SC_BY_PARTITION);
	n = sc_report_rows(r, &rows);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].name, "gpu");
	assert_near(rows[0].kgco2e, 0.405, 1e-12);
	/* Component 1 of carol's job ran in gpu: it adds figures, not a job. */
	assert_int_equal(rows[0].jobs, 1);
	assert_string_equal(rows[1].name, "cpu");
	assert_int_equal(rows[1].jobs, 4);
	assert_string_equal(sc_group_by_name(SC_BY_PARTITION), "partition");
	assert_string_equal(sc_group_by_name(SC_BY_USER), "user");
	sc_report_destroy(r);
}

/* The report in format f as a malloc'd string. */
static char *render(struct sc_report *r, enum sc_report_format f, const struct sc_report_info *info)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	struct sc_err err;

	assert_non_null(o);
	assert_int_equal(sc_report_write(r, f, info, o, &err), 0);
	fclose(o);
	return buf;
}

static void test_parsable_and_csv(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	char *s;
	(void)state;

	s = render(r, SC_RF_PARSABLE, NULL);
	assert_string_equal(s,
		"name|jobs|cpu_hours|gpu_hours|kwh|kgco2e|kgco2e_avoided|mean_delay_s|jobs_reconciled|"
		"jobs_measured|jobs_estimated|jobs_without_record|kgco2e_reconciled|kgco2e_estimated|"
		"jobs_compared|kwh_estimated|kwh_actual\n"
		"alice|2|6.0000|4.0000|1.500000|0.550000|0.060000|1800|1|1|1|0|0.150000|0.400000|1|0.600000|0.500000\n"
		"carol|1|2.0000|0.0000|0.120000|0.015000|0.000000|0|1|0|1|0|0.005000|0.010000|0|0.000000|0.000000\n"
		"bob|1|1.0000|0.0000|0.000000|0.000000|0.000000|0|0|0|0|1|0.000000|0.000000|0|0.000000|0.000000\n"
		"d<a>ve,\"x\"|1|0.0167|0.0000|0.000000|0.000000|0.000000|0|1|0|0|0|0.000000|0.000000|0|0.000000|0.000000\n");
	free(s);
	s = render(r, SC_RF_CSV, NULL);
	assert_contains(s, "name,jobs,cpu_hours,gpu_hours,kwh,kgco2e,kgco2e_avoided,mean_delay_s,");
	assert_contains(s, "\nalice,2,6.0000,4.0000,1.500000,0.550000,0.060000,1800,1,1,1,0,0.150000,0.400000,"
			   "1,0.600000,0.500000\n");
	/* A name with a comma and quotes is quoted, quotes doubled. */
	assert_contains(s, "\n\"d<a>ve,\"\"x\"\"\",1,0.0167,");
	free(s);
	sc_report_destroy(r);
}

static void test_json(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	struct sc_report_info info = { .from = "2024-03-01", .to = NULL };
	char *s = render(r, SC_RF_JSON, &info);
	json_error_t e;
	json_t *j = json_loads(s, 0, &e), *rows, *row, *t;
	static const char *const keys[] = { "name", "jobs", "cpu_hours", "gpu_hours", "kwh", "kgco2e",
					    "kgco2e_avoided", "mean_delay_s", NULL };
	(void)state;

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "group_by")), "user");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2024-03-01");
	assert_true(json_is_null(json_object_get(j, "to")));
	rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), 4);
	row = json_array_get(rows, 0);
	for (int k = 0; keys[k]; k++)
		if (!json_object_get(row, keys[k]))
			fail_msg("row lacks %s", keys[k]);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "alice");
	assert_int_equal(json_integer_value(json_object_get(row, "jobs")), 2);
	assert_near(json_number_value(json_object_get(row, "cpu_hours")), 6, 1e-12);
	assert_near(json_number_value(json_object_get(row, "kgco2e")), 0.55, 1e-12);
	assert_near(json_number_value(json_object_get(row, "kgco2e_avoided")), 0.06, 1e-12);
	assert_int_equal(json_integer_value(json_object_get(row, "mean_delay_s")), 1800);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 3), "name")), "d<a>ve,\"x\"");
	t = json_object_get(j, "total");
	for (int k = 1; keys[k]; k++)
		if (!json_object_get(t, keys[k]))
			fail_msg("total lacks %s", keys[k]);
	assert_int_equal(json_integer_value(json_object_get(t, "jobs")), 5);
	assert_near(json_number_value(json_object_get(t, "kgco2e")), 0.565, 1e-12);
	assert_near(json_number_value(json_object_get(t, "kwh")), 1.62, 1e-12);
	assert_int_equal(json_integer_value(json_object_get(t, "mean_delay_s")), 1200);
	assert_int_equal(json_integer_value(json_object_get(t, "jobs_without_record")), 1);
	json_decref(j);
	free(s);
	sc_report_destroy(r);
}

static void test_table(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	struct sc_report_info info = { .from = "2024-03-01", .to = "2024-03-05" };
	char *s = render(r, SC_RF_TABLE, &info);
	char *line, *save = NULL;
	int lineno = 0, width = -1;
	(void)state;

	assert_contains(s, "Job carbon emissions by user, 2024-03-01 - 2024-03-05\n");
	assert_contains(s, "0.155 kgCO2e reconciled (27.4%, 3 jobs, 1 with energy measured by Slurm), "
			   "0.410 kgCO2e submit-time estimates (72.6%, 2 jobs); 1 job without a carbon record\n");
	assert_contains(s, "\n      User Jobs CPU-hours GPU-hours   kWh kgCO2e kgCO2e avoided Mean delay\n"
			   "---------- ---- --------- --------- ----- ------ -------------- ----------\n"
			   "     alice    2      6.00      4.00 1.500  0.550          0.060   00:30:00\n"
			   "     carol    1      2.00      0.00 0.120  0.015          0.000   00:00:00\n"
			   "       bob    1      1.00      0.00 0.000  0.000          0.000   00:00:00\n"
			   "d<a>ve,\"x\"    1      0.02      0.00 0.000  0.000          0.000   00:00:00\n"
			   "---------- ---- --------- --------- ----- ------ -------------- ----------\n"
			   "     TOTAL    5      9.02      4.00 1.620  0.565          0.060   00:20:00\n");
	/* The estimate against the actual figure: alice's one job with both
	 * records was estimated at 0.6 kWh and used 0.5. */
	assert_contains(s, "\nSubmit-time estimate vs actual energy (jobs with both records)\n"
			   "user                 jobs  estimated kWh     actual kWh     error\n"
			   "alice                   1          0.600          0.500      +20%\n"
			   "TOTAL                   1          0.600          0.500      +20%\n");
	*strstr(s, "\n\nSubmit-time") = '\0';
	/* Every line of the table proper has the same width. */
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lineno++) {
		if (lineno < 4)
			continue;
		if (width < 0)
			width = (int)strlen(line);
		assert_int_equal((int)strlen(line), width);
	}
	assert_int_equal(lineno, 4 + 2 + 4 + 2);
	free(s);
	sc_report_destroy(r);

	/* Names from sacct reach a terminal printable. */
	r = sc_report_create(SC_BY_USER);
	{
		struct sc_acct_job j = job("7", "ev\x1b[2Jil", "bio", "cpu", "2024-03-02T00:00:00", 60, 60, 0, "", "");
		assert_int_equal(sc_report_add(r, &j), 1);
	}
	s = render(r, SC_RF_TABLE, NULL);
	assert_contains(s, "ev\\x1b[2Jil    1 ");
	assert_null(strchr(s, '\x1b'));
	free(s);
	sc_report_destroy(r);

	/* Empty. */
	r = sc_report_create(SC_BY_ACCOUNT);
	s = render(r, SC_RF_TABLE, NULL);
	assert_contains(s, "by account, no jobs");
	assert_contains(s, "\nAccount Jobs ");
	assert_contains(s, "\n  TOTAL    0 ");
	free(s);
	sc_report_destroy(r);
}

static void test_html(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	struct sc_series *se = sc_series_create();
	struct sc_report_curve curve = { "DE", "actual", se };
	struct sc_report_info info = { .from = NULL, .to = NULL, .generated = 1710000000,
				       .curves = &curve, .n_curves = 1 };
	char *s;
	(void)state;

	assert_non_null(se);
	for (int64_t t = at("2024-03-01T00:00:00Z"); t < at("2024-03-05T00:00:00Z"); t += 3600)
		assert_int_equal(sc_series_append(se, t, 200 + (double)(t / 3600 % 24) * 10, NULL), 0);
	s = render(r, SC_RF_HTML, &info);
	assert_true(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_contains(s, "</html>\n");
	assert_contains(s, "<svg id=\"chart-groups\"");
	assert_contains(s, "<svg id=\"chart-days\"");
	assert_contains(s, "<svg id=\"chart-intensity\"");
	assert_contains(s, "<polyline class=\"curve\"");
	assert_contains(s, "<title>DE (actual)</title>");
	assert_contains(s, "<line class=\"start\"");
	assert_contains(s, "job starts</title>");
	/* Per day: the job over midnight is split half and half. */
	assert_contains(s, "<title>2024-03-01: 150 gCO2e</title>");
	assert_contains(s, "<title>2024-03-02: 400 gCO2e</title>");
	assert_contains(s, "<title>2024-03-03: 7.5 gCO2e</title>");
	assert_contains(s, "<title>2024-03-04: 7.5 gCO2e</title>");
	assert_contains(s, "<title>alice: 550 gCO2e</title>");
	/* Names are escaped, nothing is fetched or run. */
	assert_contains(s, "d&lt;a&gt;ve,&quot;x&quot;");
	assert_null(strstr(s, "d<a>ve"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "http://www.w3.org/2000/svg\"><title>x")); /* sanity */
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "href="));
	assert_contains(s, "generated 2024-03-09T16:00:00Z");
	assert_contains(s, "<tr class=\"total\"><td>TOTAL</td><td>5</td>");
	free(s);

	/* No curve: the chart says why. */
	info.n_curves = 0;
	info.curve_note = "no intensity curve: carbon.conf not found";
	s = render(r, SC_RF_HTML, &info);
	assert_contains(s, "<svg id=\"chart-intensity\"");
	assert_contains(s, "no intensity curve: carbon.conf not found");
	assert_null(strstr(s, "<polyline"));
	free(s);
	sc_report_destroy(r);
	sc_series_destroy(se);

	/* No jobs at all. */
	r = sc_report_create(SC_BY_USER);
	s = render(r, SC_RF_HTML, NULL);
	assert_contains(s, "<svg id=\"chart-groups\"");
	assert_contains(s, "no jobs");
	assert_contains(s, "no emissions recorded");
	assert_contains(s, "no intensity data for these jobs");
	free(s);
	sc_report_destroy(r);
}

static void test_write_error(void **state)
{
	struct sc_report *r = sample(SC_BY_USER);
	FILE *f = fopen("/dev/full", "w");
	struct sc_err err;
	(void)state;

	if (!f)
		skip();
	assert_int_equal(sc_report_write(r, SC_RF_TABLE, NULL, f, &err), -1);
	assert_contains(err.msg, "write error");
	fclose(f);
	sc_report_destroy(r);
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_many_groups(void **state)
{
	struct sc_report *r = sc_report_create(SC_BY_USER);
	const struct sc_report_row *rows;
	char name[32];
	char sys[160];
	(void)state;

	/* Enough groups to grow the index, added again after a sort. */
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 500; i++) {
			struct sc_acct_job j;
			snprintf(name, sizeof(name), "user%03d", i);
			snprintf(sys, sizeof(sys), "{\"carbon_actual\":{\"kwh\":1,\"gco2e\":%d,\"ci\":1,\"pue\":1}}", i);
			j = job("1", name, "a", "p", "2024-03-01T00:00:00", 60, 60, 0, "", sys);
			assert_int_equal(sc_report_add(r, &j), 1);
		}
		assert_int_equal(sc_report_rows(r, &rows), 500);
	}
	assert_string_equal(rows[0].name, "user499");
	assert_int_equal(rows[0].jobs, 2);
	{
		/* 15 bars; the other 485 users summed in a line. */
		char *s = render(r, SC_RF_HTML, NULL);
		assert_int_equal(count_of(s, "<rect class=\"bar\" x=\"150\""), 15);
		assert_contains(s, "and 485 more users: ");
		free(s);
	}
	assert_near(rows[0].kgco2e, 0.998, 1e-12);
	assert_int_equal(sc_report_total(r)->jobs, 1000);
	sc_report_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_group_by),
		cmocka_unit_test(test_parsable_and_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_many_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
