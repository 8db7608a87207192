/* slurm-carbon: tests of learn/ (the fit, the model file, its reader and
 * the lookup).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/json.h"
#include "learn/fit.h"
#include "learn/model.h"

#define NOW 1764417600

static void add(struct sc_fit *f, const char *u, const char *a, const char *p, int64_t el,
		int64_t lim, uint32_t cores, uint32_t gpus, double energy)
{
	struct sc_fit_job j = { u, a, p, el, lim, NOW - 86400, cores, gpus, energy };
	assert_true(sc_fit_add(f, &j) >= 0);
}

/* alice/phys/cpu: 5 jobs of ratio 0.1 .. 0.5 with 10 W per core measured;
 * bob/phys/cpu: 2 jobs (too few for a user entry); carol/chem/gpu: 3 GPU
 * jobs. min_jobs 3. */
static struct sc_fit *sample_fit(void)
{
	struct sc_fit_params p = { 3, 0.9 };
	struct sc_fit *f = sc_fit_create(&p, NULL);

	assert_non_null(f);
	for (int i = 1; i <= 5; i++)
		add(f, "alice", "phys", "cpu", 360 * i, 3600, 4, 0, 40.0 * 360 * i);
	add(f, "bob", "phys", "cpu", 3600, 3600, 2, 0, -1);
	add(f, "bob", "phys", "cpu", 7200, 3600, 2, 0, -1); /* over the limit: capped at 1 */
	for (int i = 0; i < 3; i++) /* 2 cores + 1 GPU drawing 20 + 300 W */
		add(f, "carol", "chem", "gpu", 1800, 3600, 2, 1, 320.0 * 1800);
	add(f, "dave", "chem", "gpu", 100, 0, 2, 1, -1); /* unlimited: skipped */
	add(f, "dave", "chem", NULL, 100, 60, 2, 1, -1); /* no partition: skipped */
	return f;
}

static char *sample_text(int64_t created)
{
	struct sc_fit *f = sample_fit();
	size_t n = 0;
	json_t *m = sc_fit_model(f, created, "test", 0, 0, &n, NULL);
	char *s;

	assert_non_null(m);
	/* alice/phys/cpu, phys/cpu, chem/gpu, carol/chem/gpu, cpu, gpu. */
	assert_int_equal(n, 6);
	s = sc_json_dumps(m);
	json_decref(m);
	sc_fit_destroy(f);
	return s;
}

static void test_fit(void **state)
{
	struct sc_fit *f = sample_fit();
	const struct sc_fit_stats *st = sc_fit_stats(f);
	struct sc_fit_params bad = { 0, 0.9 };
	struct sc_err err = { "" };

	(void)state;
	assert_int_equal(st->seen, 12);
	assert_int_equal(st->used, 10);
	assert_int_equal(st->no_limit, 1);
	assert_int_equal(st->no_part, 1);
	assert_int_equal(st->measured, 8);
	sc_fit_destroy(f);
	assert_null(sc_fit_create(&bad, &err));
	assert_contains(err.msg, "expected 1 or more");
	bad.min_jobs = 1;
	bad.quantile = 1;
	assert_null(sc_fit_create(&bad, &err));
	assert_contains(err.msg, "0.5 to 0.99");
}

static void test_lookup(void **state)
{
	char *text = sample_text(NOW - 3600), key[128];
	struct sc_err err = { "" };
	struct sc_model *m = sc_model_parse(text, strlen(text), "estimates.json", NOW, 86400, &err);
	struct sc_model_match mm;

	(void)state;
	if (!m)
		print_message("# %s\n", err.msg);
	assert_non_null(m);
	assert_int_equal(sc_model_created(m), NOW - 3600);
	assert_near(sc_model_quantile(m), 0.9, 1e-12);
	/* alice: her own entry; median 0.3, p90 0.46; 10 W per core. */
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "cpu", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
	assert_int_equal(mm.ratio->jobs, 5);
	assert_near(mm.ratio->ratio_median, 0.3, 1e-6);
	assert_near(mm.ratio->ratio_q, 0.46, 1e-6);
	assert_non_null(mm.core_w);
	assert_near(mm.core_w->core_w, 10, 1e-3);
	assert_null(mm.gpu_w);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "alice/phys/cpu");
	/* bob: too few jobs of his own, the account's (7 jobs), whose
	 * watts come from alice's 5 measured jobs. */
	assert_int_equal(sc_model_lookup(m, "bob", "phys", "cpu", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_ACCOUNT);
	assert_int_equal(mm.ratio->jobs, 7);
	assert_near(mm.ratio->ratio_median, 0.4, 1e-6); /* 0.1 .. 0.5, 1, 1 */
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "*/phys/cpu");
	/* Unknown account: the partition's. */
	assert_int_equal(sc_model_lookup(m, "eve", NULL, "cpu", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_PARTITION);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "*/*/cpu");
	/* GPU: 320 W − 2 cores × 10 W (the GPU entry has no CPU-only jobs,
	 * so core_w 0 there: all 320 W on the GPU). */
	assert_int_equal(sc_model_lookup(m, "carol", "chem", "gpu", &mm), 1);
	assert_non_null(mm.gpu_w);
	assert_near(mm.gpu_w->gpu_w, 320, 1e-3);
	/* A partition nobody used. */
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "big", &mm), 0);
	assert_null(mm.ratio);
	sc_model_destroy(m);
	free(text);
}

static void expect_refused(const char *text, int64_t max_age, const char *what)
{
	struct sc_err err = { "" };
	struct sc_model *m = sc_model_parse(text, strlen(text), "e.json", NOW, max_age, &err);

	if (m)
		print_message("# accepted: %s\n", text);
	assert_null(m);
	assert_contains(err.msg, "e.json");
	assert_contains(err.msg, what);
}

/* Entries the reader refuses, and what its message says. */
static const struct {
	const char *entries, *what;
} bad_entries[] = {
	{ "{\"level\":\"user\",\"account\":\"a\",\"partition\":\"p\",\"jobs\":3,"
	  "\"ratio_median\":0.1,\"ratio_q\":0.2}", "\"user\" missing" },
	{ "{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":3,\"ratio_median\":1.5,"
	  "\"ratio_q\":0.2}", "from 0 to 1" },
	{ "{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":3,\"ratio_median\":0.5,"
	  "\"ratio_q\":0.2}", "above ratio_q" },
	{ "{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":3,\"ratio_median\":0.1,"
	  "\"ratio_q\":0.2,\"core_w\":3}", "go together" },
	{ "{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":3,\"ratio_median\":0.1,"
	  "\"ratio_q\":0.2},{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":4,"
	  "\"ratio_median\":0.1,\"ratio_q\":0.2}", "duplicate partition entry */*/p" },
	{ "{\"level\":\"partition\",\"account\":\"a\",\"partition\":\"p\",\"jobs\":3,"
	  "\"ratio_median\":0.1,\"ratio_q\":0.2}", "leaves out" },
	{ "{\"level\":\"team\",\"partition\":\"p\"}", "\"level\" missing or unknown" },
	{ "{\"level\":\"partition\",\"partition\":\"p\\u0001\",\"jobs\":3,"
	  "\"ratio_median\":0.1,\"ratio_q\":0.2}", "control character" },
	{ "{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":2.5,\"ratio_median\":0.1,"
	  "\"ratio_q\":0.2}", "not a whole number" },
};

static void test_refused(void **state)
{
	char *text = sample_text(NOW - 10 * 86400);
	char head[] = "{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		      "\"quantile\":0.9,\"entries\":[";
	char buf[1024];

	(void)state;
	expect_refused(text, 86400, "stale");
	expect_refused("{\"version\":", 0, "expected a file written by scarbon learn");
	expect_refused("[]", 0, "not a JSON object");
	expect_refused("{\"version\":2,\"kind\":\"slurm-carbon estimates\"}", 0, "\"version\"");
	expect_refused("{\"version\":1,\"kind\":\"x\",\"created\":1}", 0, "\"kind\"");
	expect_refused("{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1864414000,"
		       "\"quantile\":0.9,\"entries\":[]}", 0, "clock");
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s]}", head, bad_entries[i].entries);
		expect_refused(buf, 0, bad_entries[i].what);
	}
	free(text);
}

static void test_write_load(void **state)
{
	char dir[] = "/tmp/sc-learn-XXXXXX", *path;
	struct sc_fit *f = sample_fit();
	json_t *m = sc_fit_model(f, NOW, "test", 0, 0, NULL, NULL);
	struct sc_err err = { "" };
	struct sc_model *mod;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = sc_model_path(dir, &err);
	assert_non_null(path);
	assert_null(sc_model_load(path, NOW, 0, &err));
	assert_contains(err.msg, "cannot read");
	assert_int_equal(sc_fit_write(m, path, &err), 0);
	mod = sc_model_load(path, NOW, 0, &err);
	assert_non_null(mod);
	assert_int_equal(sc_model_count(mod), 6);
	sc_model_destroy(mod);
	assert_null(sc_model_path(NULL, &err));
	unlink(path);
	rmdir(dir);
	free(path);
	json_decref(m);
	sc_fit_destroy(f);
}

/* jansson's error text quotes the input: escaped (found by fuzzing). */
static void test_refused_printable(void **state)
{
	static const char *const texts[] = { "{\"version\":1,\"source\"\x1a{", "{\"a\" \xff\xfe", "\x1b[2J" };
	struct sc_err err = { "" };

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_null(sc_model_parse(texts[i], strlen(texts[i]), "estimates.json", NOW, 0, &err));
		assert_non_null(strstr(err.msg, "estimates.json:1: "));
		if (!sc_test_printable(err.msg))
			fail_msg("not printable: %s", err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_refused_printable),
		cmocka_unit_test(test_write_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
