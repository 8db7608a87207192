/* slurm-carbon: tests of metrics/ — the plugin's decision counters (counting, saving,
 * loading back, refusing a bad file) and the Prometheus exposition.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "config/conf.h"
#include "forecast/snapshot.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return sc_test_scratch_make(dir, sizeof(dir), "metrics");
}

static int teardown(void **state)
{
	(void)state;
	return sc_test_scratch_remove(dir);
}

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_counters_roundtrip(void **state)
{
	char *names[] = { "compute", "gpu" };
	struct sc_counters c, back, copy;
	struct sc_err err;
	char *path = sc_counters_path(dir, &err);

	(void)state;
	assert_non_null(path);
	assert_int_equal(sc_counters_init(&c, names, 2), 0);
	sc_counters_add(&c, 0, sc_counter_kind_of(SC_ACT_DELAY), 100, 40);
	sc_counters_add(&c, 0, sc_counter_kind_of(SC_ACT_RUN), 50, 0);
	sc_counters_add(&c, 1, SC_KIND_INVALID, 0, 0);
	sc_counters_add(&c, 1, SC_KIND_REJECT, -5, 1.0 / 0.0); /* not counted as amounts */
	sc_counters_add(&c, 7, SC_KIND_RUN, 1, 1);             /* no such row: ignored */
	assert_int_equal(c.rows[0].n[SC_KIND_DELAY], 1);
	assert_int_equal(c.rows[0].n[SC_KIND_RUN], 1);
	assert_true(c.rows[0].estimated_g == 150 && c.rows[0].avoided_g == 40);
	assert_true(c.rows[1].estimated_g == 0 && c.rows[1].avoided_g == 0);

	/* A missing file loads nothing; a saved one adds its counts (a restart keeps them). */
	assert_int_equal(sc_counters_init(&back, names, 2), 0);
	assert_int_equal(sc_counters_load(&back, path, &err), 0);
	assert_int_equal(back.rows[0].n[SC_KIND_DELAY], 0);
	assert_int_equal(sc_counters_save(&c, path, 1900000000, &err), 0);
	assert_int_equal(sc_counters_load(&back, path, &err), 0);
	assert_int_equal(back.updated, 1900000000);
	assert_int_equal(back.rows[0].n[SC_KIND_DELAY], 1);
	assert_int_equal(back.rows[1].n[SC_KIND_INVALID], 1);
	assert_true(back.rows[0].estimated_g == 150 && back.rows[0].avoided_g == 40);
	assert_int_equal(sc_counters_load(&back, path, &err), 0);
	assert_int_equal(back.rows[0].n[SC_KIND_DELAY], 2);

	/* A partition no longer in carbon.conf keeps its row; copies need the same rows. */
	{
		char *one[] = { "gpu" };
		struct sc_counters fewer;
		assert_int_equal(sc_counters_init(&fewer, one, 1), 0);
		assert_int_equal(sc_counters_load(&fewer, path, &err), 0);
		assert_int_equal(fewer.n, 2);
		assert_string_equal(fewer.rows[1].partition, "compute");
		assert_int_equal(sc_counters_copy(&fewer, &c), -1);
		sc_counters_free(&fewer);
	}
	assert_int_equal(sc_counters_init(&copy, names, 2), 0);
	assert_int_equal(sc_counters_copy(&copy, &c), 0);
	assert_int_equal(copy.rows[0].n[SC_KIND_RUN], 1);
	sc_counters_free(&copy);
	sc_counters_free(&back);
	sc_counters_free(&c);
	free(path);
}

static void test_counters_bad_files(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "{not json", "not JSON" },
		{ "{\"v\":2,\"partitions\":{}}", "expected {\"v\":1" },
		{ "{\"v\":1,\"partitions\":{\"p\":{\"decisions\":{\"maybe\":1},\"estimated_g\":0,"
		  "\"avoided_g\":0}}}", "decision 'maybe' is not one of none, run" },
		{ "{\"v\":1,\"partitions\":{\"p\":{\"decisions\":{\"run\":-1},\"estimated_g\":0,"
		  "\"avoided_g\":0}}}", "with a count >= 0" },
		{ "{\"v\":1,\"partitions\":{\"p\":{\"decisions\":{},\"estimated_g\":-3,\"avoided_g\":0}}}",
		  "non-negative numbers" },
	};
	char *names[] = { "p" };
	struct sc_err err;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sc_counters c;
		assert_int_equal(sc_counters_init(&c, names, 1), 0);
		c.rows[0].n[SC_KIND_RUN] = 5;
		put("bad.json", bad[i].text);
		assert_int_equal(sc_counters_load(&c, path, &err), -1);
		assert_contains(err.msg, "bad.json");
		assert_contains(err.msg, bad[i].why);
		/* Left as it was. */
		assert_int_equal(c.n, 1);
		assert_int_equal(c.rows[0].n[SC_KIND_RUN], 5);
		sc_counters_free(&c);
	}
	/* A FIFO in its place is refused at once, never waited on (alarm: a hang
	 * fails the test), and the counts stay. */
	{
		struct sc_counters c;
		snprintf(path, sizeof(path), "%s/fifo.json", dir);
		assert_int_equal(mkfifo(path, 0600), 0);
		assert_int_equal(sc_counters_init(&c, names, 1), 0);
		c.rows[0].n[SC_KIND_RUN] = 5;
		alarm(10);
		assert_int_equal(sc_counters_load(&c, path, &err), -1);
		alarm(0);
		assert_contains(err.msg, "fifo.json is a FIFO, not a regular file: expected a regular file");
		assert_int_equal(c.rows[0].n[SC_KIND_RUN], 5);
		sc_counters_free(&c);
		unlink(path);
	}
	assert_null(sc_counters_path(NULL, &err));
	assert_contains(err.msg, "no StateDir");
}

static char *exposition(const struct sc_conf *conf, const struct sc_counters *c, int64_t now)
{
	struct sc_snapshot *snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, now);
	struct sc_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(snap);
	assert_non_null(f);
	assert_int_equal(sc_metrics_write(f, conf, snap, c, now, &err), 0);
	fclose(f);
	sc_snapshot_destroy(snap);
	return buf;
}

static void test_exposition(void **state)
{
	char text[1024];
	struct sc_diag diag = { 0 };
	struct sc_conf *conf;
	struct sc_counters c;
	char *out;

	(void)state;
	/* 300 g now, 120 g at 05:00, then 200 g until the next day's 01:00, then down to 50 g
	 * (later than now + 24 h: not the 24-hour minimum). The file provider interpolates. */
	put("de.csv", "Time,Carbon Intensity\n"
		      "2030-01-01T00:00:00Z,300\n2030-01-01T04:00:00Z,300\n2030-01-01T05:00:00Z,120\n"
		      "2030-01-01T06:00:00Z,200\n2030-01-02T01:00:00Z,200\n2030-01-02T06:00:00Z,50\n"
		      "2030-01-02T07:00:00Z,60\n");
	snprintf(text, sizeof(text),
		 "StateDir=%s\nZoneName=DE Provider=file Path=%s/de.csv Replay=none MaxGap=24:00:00\n"
		 "ZoneName=FR Provider=static Intensity=50\n"
		 "ZoneName=XX Provider=file Path=%s/missing.csv\n"
		 "PartitionName=compute Zone=DE Default=yes\nPartitionName=flex Zone=FR\n"
		 "PartitionName=other Zone=XX\n",
		 dir, dir, dir);
	conf = sc_conf_parse(text, strlen(text), "carbon.conf", &diag);
	for (size_t i = 0; i < diag.n; i++)
		print_message("%s\n", diag.msgs[i]);
	assert_non_null(conf);
	sc_diag_free(&diag);

	/* 2030-01-01T00:30:00Z */
	out = exposition(conf, NULL, 1893457800);
	assert_contains(out, "# TYPE slurm_carbon_intensity_grams_per_kilowatt_hour gauge\n");
	assert_contains(out, "slurm_carbon_forecast_usable{zone=\"DE\",provider=\"file\",signal=\"average\"} 1\n");
	assert_contains(out, "slurm_carbon_forecast_usable{zone=\"XX\",provider=\"file\",signal=\"average\"} 0\n");
	assert_contains(out, "slurm_carbon_intensity_grams_per_kilowatt_hour{zone=\"DE\",provider=\"file\",signal=\"average\"} 300\n");
	assert_contains(out, "slurm_carbon_intensity_min_24h_grams_per_kilowatt_hour{zone=\"DE\",provider=\"file\",signal=\"average\"} 120\n");
	assert_contains(out, "slurm_carbon_intensity_grams_per_kilowatt_hour{zone=\"FR\",provider=\"static\",signal=\"average\"} 50\n");
	/* No forecast, no figure; no counters saved, no decision families. */
	assert_null(strstr(out, "slurm_carbon_intensity_grams_per_kilowatt_hour{zone=\"XX\""));
	assert_null(strstr(out, "slurm_carbon_decisions_total"));
	free(out);

	assert_int_equal(sc_counters_init(&c, conf->part_names, conf->n_parts), 0);
	sc_counters_add(&c, 0, SC_KIND_DELAY, 1234.5, 100.25);
	/* A name from a counters file is anything JSON can hold. */
	{
		char path[128];
		struct sc_err err;
		put("odd.json", "{\"v\":1,\"partitions\":{\"we\\\"ird\\\\\\n\":{\"decisions\":{},"
				"\"estimated_g\":0,\"avoided_g\":0}}}");
		snprintf(path, sizeof(path), "%s/odd.json", dir);
		assert_int_equal(sc_counters_load(&c, path, &err), 0);
	}
	c.updated = 1893457000;
	out = exposition(conf, &c, 1893457800);
	assert_contains(out, "# TYPE slurm_carbon_decisions_total counter\n");
	assert_contains(out, "slurm_carbon_decisions_total{partition=\"compute\",decision=\"delay\"} 1\n");
	assert_contains(out, "slurm_carbon_decisions_total{partition=\"compute\",decision=\"delay_reroute\"} 0\n");
	/* Label values escaped as the format requires. */
	assert_contains(out, "slurm_carbon_decisions_total{partition=\"we\\\"ird\\\\\\n\",decision=\"run\"} 0\n");
	assert_contains(out, "slurm_carbon_estimated_grams_total{partition=\"compute\"} 1234.5\n");
	assert_contains(out, "slurm_carbon_avoided_grams_total{partition=\"compute\"} 100.25\n");
	assert_contains(out, "slurm_carbon_counters_updated_timestamp_seconds 1893457000\n");
	free(out);
	sc_counters_free(&c);
	sc_conf_destroy(conf);
}

/* Per budget: its limit always, what the ledger says of the current period when there is one. */
static void test_exposition_budgets(void **state)
{
	static const char text[] = "ZoneName=Z Provider=static Intensity=1\nPartitionName=p Zone=Z\n"
				   "BudgetName=physics Account=physics Limit=500kg Period=quarter\n"
				   "BudgetName=\"b\" User=alice Limit=2kg Period=month\n";
	struct sc_diag diag = { 0 };
	struct sc_conf *conf = sc_conf_parse(text, strlen(text), "carbon.conf", &diag);
	struct sc_ledger l = { .computed = 1778000000 };
	struct sc_ledger_entry *e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(conf);
	f = open_memstream(&buf, &len);
	sc_metrics_write_budgets(f, conf, NULL, 1778400000);
	fclose(f);
	assert_non_null(strstr(buf, "# TYPE slurm_carbon_budget_limit_grams gauge\n"
				    "slurm_carbon_budget_limit_grams{budget=\"physics\"} 500000\n"
				    "slurm_carbon_budget_limit_grams{budget=\"b\"} 2000\n"));
	assert_null(strstr(buf, "used_grams"));
	free(buf);
	e = sc_ledger_add(&l, &conf->budgets[0], l.computed);
	e->actual_g = 1200.5;
	e->estimated_g = 30;
	f = open_memstream(&buf, &len);
	sc_metrics_write_budgets(f, conf, &l, 1778400000);
	fclose(f);
	assert_non_null(strstr(buf, "slurm_carbon_budget_used_grams{budget=\"physics\"} 1230.5\n"
				    "slurm_carbon_budget_used_grams{budget=\"b\"} 0\n"));
	assert_non_null(strstr(buf, "slurm_carbon_budget_ledger_updated_timestamp_seconds 1778000000\n"));
	free(buf);
	sc_ledger_free(&l);
	sc_conf_destroy(conf);
	sc_diag_free(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_roundtrip),
		cmocka_unit_test(test_counters_bad_files),
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_exposition_budgets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
