/* slurm-carbon: tests of learn/ (the fit, the model file, its reader and
 * the lookup).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "learn/fit.h"
#include "learn/model.h"

#define NOW 1764417600

static void add(struct sc_fit *f, const char *u, const char *a, const char *p, int64_t el,
		int64_t lim, uint32_t cores, uint32_t gpus, double energy)
{
	struct sc_fit_job j = { u, a, p, el, lim, NOW - 86400, cores, gpus, energy, NULL };
	assert_true(sc_fit_add(f, &j) >= 0);
}

/* n jobs of user u in phys/cpu named name, of elapsed ÷ limit ratio. */
static void add_named(struct sc_fit *f, const char *u, const char *name, int n, double ratio)
{
	for (int i = 0; i < n; i++) {
		struct sc_fit_job j = { u, "phys", "cpu", (int64_t)(ratio * 3600), 3600, NOW - 86400,
					1, 0, -1, name };
		assert_int_equal(sc_fit_add(f, &j), 1);
	}
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

/* The model of text, which must be accepted (the message shown if not). */
static struct sc_model *parse_ok(const char *text, int64_t max_age)
{
	struct sc_err err = { "" };
	struct sc_model *m = sc_model_parse(text, strlen(text), "estimates.json", NOW, max_age, &err);

	if (!m)
		print_message("# %s\n", err.msg);
	assert_non_null(m);
	return m;
}

static void test_lookup(void **state)
{
	char *text = sample_text(NOW - 3600), key[128];
	struct sc_model *m = parse_ok(text, 86400);
	struct sc_model_match mm;

	(void)state;
	assert_int_equal(sc_model_created(m), NOW - 3600);
	assert_near(sc_model_quantile(m), 0.9, 1e-12);
	/* alice: her own entry; median 0.3, p90 0.46; 10 W per core. */
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "cpu", NULL, &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
	assert_int_equal(mm.ratio->jobs, 5);
	assert_near(mm.ratio->ratio_median, 0.3, 1e-6);
	assert_near(mm.ratio->ratio_q, 0.46, 1e-6);
	/* Total: 4 cores × (360 + ... + 1800 s) ÷ 4 cores × 5 × 3600 s. */
	assert_near(mm.ratio->ratio_total, 0.3, 1e-6);
	assert_near(sc_model_ratio(mm.ratio), 0.3, 1e-6);
	assert_int_equal(sc_model_version(m), SC_MODEL_VERSION);
	assert_string_equal(sc_model_ratio_name(m), "total run time");
	assert_non_null(mm.core_w);
	assert_near(mm.core_w->core_w, 10, 1e-3);
	assert_null(mm.gpu_w);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "alice/phys/cpu");
	/* bob: too few jobs of his own, the account's (7 jobs), whose
	 * watts come from alice's 5 measured jobs. */
	assert_int_equal(sc_model_lookup(m, "bob", "phys", "cpu", NULL, &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_ACCOUNT);
	assert_int_equal(mm.ratio->jobs, 7);
	assert_near(mm.ratio->ratio_median, 0.4, 1e-6); /* 0.1 .. 0.5, 1, 1 */
	/* Core-weighted, bob's elapsed capped at his limit: (4 × 5400 + 2 ×
	 * 7200) ÷ (4 × 18000 + 2 × 7200) = 36000 ÷ 86400. */
	assert_near(mm.ratio->ratio_total, 0.41667, 1e-6);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "*/phys/cpu");
	/* Unknown account: the partition's. */
	assert_int_equal(sc_model_lookup(m, "eve", NULL, "cpu", NULL, &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_PARTITION);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "*/*/cpu");
	/* GPU: 320 W − 2 cores × 10 W (the GPU entry has no CPU-only jobs,
	 * so core_w 0 there: all 320 W on the GPU). */
	assert_int_equal(sc_model_lookup(m, "carol", "chem", "gpu", NULL, &mm), 1);
	assert_non_null(mm.gpu_w);
	assert_near(mm.gpu_w->gpu_w, 320, 1e-3);
	/* A partition nobody used. */
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "big", NULL, &mm), 0);
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
	expect_refused("{\"version\":4,\"kind\":\"slurm-carbon estimates\"}", 0, "\"version\" missing or not 1 to 3");
	expect_refused("{\"version\":0,\"kind\":\"slurm-carbon estimates\"}", 0, "\"version\"");
	/* Version 2 entries carry ratio_total, from 0 to 1. */
	expect_refused("{\"version\":2,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		       "\"quantile\":0.9,\"entries\":[{\"level\":\"partition\",\"partition\":\"p\","
		       "\"jobs\":3,\"ratio_median\":0.1,\"ratio_q\":0.2}]}", 0, "\"ratio_total\" missing");
	expect_refused("{\"version\":2,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		       "\"quantile\":0.9,\"entries\":[{\"level\":\"partition\",\"partition\":\"p\","
		       "\"jobs\":3,\"ratio_median\":0.1,\"ratio_q\":0.2,\"ratio_total\":1.5}]}", 0,
		       "\"ratio_total\" out of range");
	expect_refused("{\"version\":1,\"kind\":\"x\",\"created\":1}", 0, "\"kind\"");
	expect_refused("{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1864414000,"
		       "\"quantile\":0.9,\"entries\":[]}", 0, "clock");
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s]}", head, bad_entries[i].entries);
		expect_refused(buf, 0, bad_entries[i].what);
	}
	free(text);
}

/* Older files are still read: version 1 (before ratio_total: its median is
 * the ratio the plan uses) and version 2 (before the name level). */
static void test_older_versions(void **state)
{
	static const struct {
		const char *text;
		double ratio; /* the one priced */
		const char *ratio_name;
	} files[] = {
		{ "{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		  "\"quantile\":0.9,\"entries\":[{\"level\":\"user\",\"user\":\"u\",\"account\":\"a\","
		  "\"partition\":\"p\",\"jobs\":3,\"ratio_median\":0.25,\"ratio_q\":0.5,\"ratio_total\":0.9}]}",
		  0.25, "median run time" }, /* a ratio_total in version 1 is not its field: ignored */
		{ "{\"version\":2,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		  "\"quantile\":0.9,\"entries\":[{\"level\":\"user\",\"user\":\"u\",\"account\":\"a\","
		  "\"partition\":\"p\",\"jobs\":3,\"ratio_median\":0.25,\"ratio_q\":0.5,\"ratio_total\":0.4}]}",
		  0.4, "total run time" },
	};

	(void)state;
	for (int v = 1; v <= 2; v++) {
		struct sc_model *m = parse_ok(files[v - 1].text, 0);
		struct sc_model_match mm;

		assert_int_equal(sc_model_version(m), v);
		assert_string_equal(sc_model_ratio_name(m), files[v - 1].ratio_name);
		/* A job name: the user entry (no name level before version 3). */
		assert_int_equal(sc_model_lookup(m, "u", "a", "p", "any", &mm), 1);
		assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
		assert_string_equal(mm.ratio->name, "");
		assert_near(sc_model_ratio(mm.ratio), files[v - 1].ratio, 1e-12);
		sc_model_destroy(m);
	}
}

static void test_fit_names(void **state)
{
	struct sc_fit_params p = { 3, 0.9 };
	struct sc_fit *f = sc_fit_create(&p, NULL);
	const struct sc_fit_stats *st;
	char name[300], key[SC_MODEL_KEY_MAX], *text;
	struct sc_model_match mm;
	struct sc_model *m;
	size_t n = 0, names = 0, gen_names = 0;
	long min_gen = 1000000;
	json_t *j;

	(void)state;
	assert_non_null(f);
	/* alice: total 0.5 over 16 jobs; relax (0.1) and md (0.9) differ,
	 * avg (0.5) does not, rare_* rest on 2 jobs each. */
	add_named(f, "alice", "relax", 4, 0.1);
	add_named(f, "alice", "md", 4, 0.9);
	add_named(f, "alice", "avg", 4, 0.5);
	add_named(f, "alice", "rare_lo", 2, 0.1);
	add_named(f, "alice", "rare_hi", 2, 0.9);
	/* gen: SC_MODEL_MAX_NAMES + 4 names of 3 + i jobs at 0.1, and 200
	 * unnamed jobs at 1: only the 16 with the most jobs are written. */
	for (int i = 0; i < SC_MODEL_MAX_NAMES + 4; i++) {
		snprintf(name, sizeof(name), "g%02d", i);
		add_named(f, "gen", name, 3 + i, 0.1);
	}
	add_named(f, "gen", NULL, 200, 1);
	/* many: as many names as are tracked, of 2 jobs each; a new one after
	 * that, even with enough jobs, only feeds the other levels. */
	for (int i = 0; i < SC_FIT_NAMES_TRACKED; i++) {
		snprintf(name, sizeof(name), "run%d", i);
		add_named(f, "many", name, 2, 1);
	}
	add_named(f, "many", "late", 5, 0.1);
	/* once: names of one job each (generated): at the bound those are
	 * dropped, so a later name is tracked and written. */
	for (int i = 0; i < SC_FIT_NAMES_TRACKED + 10; i++) {
		snprintf(name, sizeof(name), "run%d", i);
		add_named(f, "once", name, 1, 1);
	}
	add_named(f, "once", "late", 5, 0.1);
	/* Names the model could not hold feed the other levels only. */
	add_named(f, "alice", "bad\tname", 3, 0.5);
	memset(name, 'x', SC_MODEL_NAME_MAX + 1);
	name[SC_MODEL_NAME_MAX + 1] = '\0';
	add_named(f, "alice", name, 3, 0.5);
	add_named(f, "alice", "", 1, 0.5);
	st = sc_fit_stats(f);
	assert_int_equal(st->names_untracked, 5 + SC_FIT_NAMES_TRACKED);
	assert_int_equal(st->named, 16 + 3 * (SC_MODEL_MAX_NAMES + 4) + (SC_MODEL_MAX_NAMES + 3) *
						  (SC_MODEL_MAX_NAMES + 4) / 2 + 2 * SC_FIT_NAMES_TRACKED + 10 + 5);
	j = sc_fit_model(f, NOW - 60, "test", 0, 0, &n, NULL);
	assert_non_null(j);
	for (size_t i = 0; i < json_array_size(json_object_get(j, "entries")); i++) {
		json_t *e = json_array_get(json_object_get(j, "entries"), i);
		if (strcmp(json_string_value(json_object_get(e, "level")), "name"))
			continue;
		names++;
		if (strcmp(json_string_value(json_object_get(e, "user")), "gen") == 0) {
			long jobs = (long)json_integer_value(json_object_get(e, "jobs"));
			gen_names++;
			min_gen = jobs < min_gen ? jobs : min_gen;
		}
	}
	assert_int_equal(gen_names, SC_MODEL_MAX_NAMES);
	assert_int_equal(min_gen, 3 + 4); /* g00..g03 have the fewest jobs */
	assert_int_equal(names, 2 + SC_MODEL_MAX_NAMES + 1);
	text = sc_json_dumps(j);
	json_decref(j);
	sc_fit_destroy(f);
	m = parse_ok(text, 0);
	assert_int_equal(sc_model_version(m), 3);
	/* The name level first, then the user's. */
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "cpu", "relax", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_NAME);
	assert_near(mm.ratio->ratio_total, 0.1, 1e-6);
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "alice/phys/cpu/relax");
	assert_int_equal(sc_model_lookup(m, "alice", "phys", "cpu", "md", &mm), 1);
	assert_near(mm.ratio->ratio_total, 0.9, 1e-6);
	for (size_t i = 0; i < 5; i++) {
		static const char *const fallback[] = { "avg", "rare_lo", "unknown", "", NULL };
		assert_int_equal(sc_model_lookup(m, "alice", "phys", "cpu", fallback[i], &mm), 1);
		assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
	}
	assert_int_equal(sc_model_lookup(m, "gen", "phys", "cpu", "g19", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_NAME);
	assert_int_equal(sc_model_lookup(m, "gen", "phys", "cpu", "g03", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
	assert_int_equal(sc_model_lookup(m, "many", "phys", "cpu", "late", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_USER);
	assert_int_equal(sc_model_lookup(m, "once", "phys", "cpu", "late", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_NAME);
	/* The name level needs the user and the account. */
	assert_int_equal(sc_model_lookup(m, NULL, "phys", "cpu", "relax", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_ACCOUNT);
	assert_int_equal(sc_model_lookup(m, "alice", NULL, "cpu", "relax", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_PARTITION);
	sc_model_destroy(m);
	free(text);
}

/* The bound on names in all (SC_FIT_NAME_KEYS): at it, names of one job are
 * dropped; when that frees little, new names are no longer tracked. */
static void test_fit_name_keys(void **state)
{
	for (int jobs = 1; jobs <= 2; jobs++) {
		struct sc_fit_params p = { 3, 0.9 };
		struct sc_fit *f = sc_fit_create(&p, NULL);
		long users = SC_FIT_NAME_KEYS / (SC_FIT_NAMES_TRACKED - 1) + 1, n;
		const struct sc_fit_stats *st = sc_fit_stats(f);
		struct sc_model_match mm;
		struct sc_model *m;
		char user[32], name[32], *text;
		json_t *j;

		(void)state;
		for (long u = 0; u < users; u++) {
			snprintf(user, sizeof(user), "p%ld", u);
			for (int i = 0; i < SC_FIT_NAMES_TRACKED - 1; i++) {
				snprintf(name, sizeof(name), "n%d", i);
				add_named(f, user, name, jobs, 1);
			}
		}
		n = users * (SC_FIT_NAMES_TRACKED - 1) - SC_FIT_NAME_KEYS; /* names past the bound */
		/* One job each: all dropped at the bound, the rest tracked; two:
		 * none dropped, the rest not tracked. */
		assert_int_equal(st->names_untracked, jobs == 1 ? SC_FIT_NAME_KEYS : 2 * n);
		assert_int_equal(st->named, jobs == 1 ? n : 2 * SC_FIT_NAME_KEYS);
		add_named(f, "p0", "late", 3, 0.1);
		j = sc_fit_model(f, NOW - 60, "test", 0, 0, NULL, NULL);
		text = sc_json_dumps(j);
		m = parse_ok(text, 0);
		assert_int_equal(sc_model_lookup(m, "p0", "phys", "cpu", "late", &mm), 1);
		assert_int_equal(mm.ratio->level, jobs == 1 ? SC_LEVEL_NAME : SC_LEVEL_USER);
		sc_model_destroy(m);
		free(text);
		json_decref(j);
		sc_fit_destroy(f);
	}
}

/* Name entries in the file: read from version 3, checked as the other names. */
static void test_name_entries(void **state)
{
	static const char head3[] = "{\"version\":3,\"kind\":\"slurm-carbon estimates\",\"created\":"
				    "1764414000,\"quantile\":0.9,\"entries\":[";
	static const char tail[] = ",\"jobs\":3,\"ratio_median\":0.1,\"ratio_q\":0.2,\"ratio_total\":0.1}";
	static const char ent[] = "{\"level\":\"name\",\"user\":\"u\",\"account\":\"a\",\"partition\":\"p\"";
	char buf[2048], longname[SC_MODEL_NAME_MAX + 2], key[SC_MODEL_KEY_MAX];
	struct sc_model_match mm;
	struct sc_model *m;

	(void)state;
	snprintf(buf, sizeof(buf), "%s%s,\"name\":\"job 1.sh\"%s]}", head3, ent, tail);
	m = parse_ok(buf, 0);
	assert_int_equal(sc_model_lookup(m, "u", "a", "p", "job 1.sh", &mm), 1);
	assert_int_equal(mm.ratio->level, SC_LEVEL_NAME);
	assert_string_equal(mm.ratio->name, "job 1.sh");
	assert_string_equal(sc_model_key(mm.ratio, key, sizeof(key)), "u/a/p/job 1.sh");
	assert_string_equal(sc_model_level_name(mm.ratio->level), "name");
	assert_int_equal(sc_model_lookup(m, "u", "a", "p", "other", &mm), 0);
	sc_model_destroy(m);
	/* Before version 3 there is no name level. */
	snprintf(buf, sizeof(buf), "{\"version\":2%s%s,\"name\":\"x\"%s]}", head3 + 12, ent, tail);
	expect_refused(buf, 0, "\"level\" missing or unknown; expected user, account or partition");
	snprintf(buf, sizeof(buf), "%s%s%s]}", head3, ent, tail);
	expect_refused(buf, 0, "\"name\" missing or not a name");
	snprintf(buf, sizeof(buf), "%s%s,\"name\":\"\"%s]}", head3, ent, tail);
	expect_refused(buf, 0, "\"name\" missing or not a name; expected a string of 1 to 255 bytes");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	snprintf(buf, sizeof(buf), "%s%s,\"name\":\"%s\"%s]}", head3, ent, longname, tail);
	expect_refused(buf, 0, "1 to 255 bytes");
	snprintf(buf, sizeof(buf), "%s%s,\"name\":\"a\\u001bb\"%s]}", head3, ent, tail);
	expect_refused(buf, 0, "\"name\" 'a\\x1bb' has a control character");
	snprintf(buf, sizeof(buf), "%s%s,\"name\":7%s]}", head3, ent, tail);
	expect_refused(buf, 0, "\"name\" missing or not a name");
	/* A name entry needs its user; other levels have no name. */
	snprintf(buf, sizeof(buf), "%s{\"level\":\"name\",\"account\":\"a\",\"partition\":\"p\","
		 "\"name\":\"x\"%s]}", head3, tail);
	expect_refused(buf, 0, "\"user\" missing");
	snprintf(buf, sizeof(buf), "%s{\"level\":\"user\",\"user\":\"u\",\"account\":\"a\","
		 "\"partition\":\"p\",\"name\":\"x\"%s]}", head3, tail);
	expect_refused(buf, 0, "leaves out");
	snprintf(buf, sizeof(buf), "%s%s,\"name\":\"x\"%s,%s,\"name\":\"x\"%s]}", head3, ent, tail, ent, tail);
	expect_refused(buf, 0, "duplicate name entry u/a/p/x");
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
	/* A FIFO in its place is refused at once, never waited on (alarm: a hang
	 * fails the test). */
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_null(sc_model_load(path, NOW, 0, &err));
	alarm(0);
	assert_contains(err.msg, "learned model ");
	assert_contains(err.msg, "is a FIFO, not a regular file: expected a regular file");
	unlink(path);
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
		cmocka_unit_test(test_older_versions),
		cmocka_unit_test(test_fit_names),
		cmocka_unit_test(test_fit_name_keys),
		cmocka_unit_test(test_name_entries),
		cmocka_unit_test(test_refused_printable),
		cmocka_unit_test(test_write_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
