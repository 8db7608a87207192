/* slurm-carbon: tests of record/ (the AdminComment / SystemComment records
 * and the comment API).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>

#include "base/json.h"
#include "record/record.h"

#define T0 1764417600

static size_t alt[] = { 1 };
static struct sc_partition parts[] = {
	{ "compute", 0, 1.3, { 10, 300, 0.3725, 1.0, 0 }, 3600, alt, 1 },
	{ "compute-fr", 1, 1.2, { 10, 300, 0.3725, 1.0, 0 }, 3600, NULL, 0 },
};
static const char *const zones[] = { "DE", "FR" };
static const struct sc_site site = { parts, 2, zones, 2, { 8 * 3600, 10, 1.0, 1, 0 }, NULL };

static struct sc_decision delay_decision(void)
{
	struct sc_decision d;

	memset(&d, 0, sizeof(d));
	d.action = SC_ACT_DELAY;
	d.t0 = T0;
	d.chosen = (struct sc_plan){ 0, T0 + 3 * 3600, 4 * 3600, 80, 0.32, 1.3, 250.04999, 104.0208, 0 };
	d.baseline = (struct sc_plan){ 0, T0, 4 * 3600, 80, 0.32, 1.3, 400.0, 166.4, 0 };
	d.has_baseline = 1;
	d.saving_pct = 37.48;
	d.best_gco2e = 104.0208;
	d.budget_g = -1;
	snprintf(d.reason, sizeof(d.reason), "lowest-carbon plan");
	return d;
}

static void test_record_fields(void **state)
{
	struct sc_decision d = delay_decision();
	struct sc_record_ctx ctx = { SC_MODE_ENFORCE, 1, "average", "file:DE.csv", 0, "compute", T0, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0 };
	json_t *o = sc_record_carbon(&site, &d, &ctx);
	char *s;

	(void)state;
	assert_non_null(o);
	s = sc_json_dumps(o);
	assert_string_equal(s,
			    "{\"v\":1,\"decision\":\"delay\",\"mode\":\"enforce\",\"applied\":true,"
			    "\"partition\":\"compute\",\"zone\":\"DE\",\"start\":1764428400,"
			    "\"kwh\":0.32,\"pue\":1.3,\"ci\":250.0,\"gco2e\":104.0,"
			    "\"runtime_s\":14400,\"watts\":80.0,\"delay_s\":10800,\"saving_pct\":37.5,"
			    "\"baseline_gco2e\":166.4,\"baseline_partition\":\"compute\",\"baseline_start\":1764417600,"
			    "\"baseline_ci\":400.0,\"best_gco2e\":104.0,\"requested\":\"compute\",\"signal\":\"average\","
			    "\"source\":\"file:DE.csv\",\"submit\":1764417600}");
	free(s);
	json_decref(o);

	/* A budget is recorded; a rejected job records the reason and what fits. */
	d.action = SC_ACT_REJECT;
	d.budget_g = 50;
	d.fit_runtime = 6923;
	snprintf(d.reason, sizeof(d.reason), "no plan fits the budget");
	o = sc_record_carbon(&site, &d, &ctx);
	assert_near(json_real_value(json_object_get(o, "budget_gco2e")), 50, 0);
	assert_int_equal(json_integer_value(json_object_get(o, "fit_time_s")), 6923);
	assert_string_equal(json_string_value(json_object_get(o, "reason")), "no plan fits the budget");
	assert_string_equal(json_string_value(json_object_get(o, "decision")), "reject");
	json_decref(o);

	/* Left alone: no plan numbers, a reason. */
	sc_decision_none(&d, "exempt account");
	o = sc_record_carbon(&site, &d, &ctx);
	assert_string_equal(json_string_value(json_object_get(o, "decision")), "none");
	assert_string_equal(json_string_value(json_object_get(o, "reason")), "exempt account");
	assert_null(json_object_get(o, "gco2e"));
	assert_null(json_object_get(o, "budget_gco2e"));
	json_decref(o);

	/* A reason cut at its size never ends inside a character (the record, the message and
	 * the log stay valid UTF-8): 190 ASCII bytes, then a 2-byte character that does not fit. */
	{
		char longer[256];

		memset(longer, 'r', 190);
		strcpy(longer + 190, "\xc3\xa9\xc3\xa9");
		sc_decision_none(&d, "%s", longer);
		assert_int_equal(strlen(d.reason), 190);
		memset(longer, 'r', 189);
		strcpy(longer + 189, "\xc3\xa9\xc3\xa9");
		sc_decision_none(&d, "%s", longer);
		assert_int_equal(strlen(d.reason), 191);
		assert_memory_equal(d.reason + 189, "\xc3\xa9", 2);
	}
}

/* A plan the planned load changed records the plan without it, and reads
 * back; records without the keys read as uncongested. */
static void test_record_congestion(void **state)
{
	struct sc_decision d = delay_decision();
	struct sc_record_ctx ctx = { .mode = SC_MODE_ENFORCE, .applied = 1 };
	struct sc_estimate e;
	json_t *o;
	char *s, *c;

	(void)state;
	d.congested = 1;
	d.uncongested_action = SC_ACT_DELAY;
	d.uncongested = (struct sc_plan){ 0, T0 + 3600, 4 * 3600, 80, 0.32, 1.3, 200.0, 83.2, 0 };
	o = sc_record_carbon(&site, &d, &ctx);
	s = sc_json_dumps(o);
	assert_contains(s, "\"congestion\":true,\"uncongested_decision\":\"delay\","
			   "\"uncongested_partition\":\"compute\",\"uncongested_start\":1764421200,"
			   "\"uncongested_gco2e\":83.2");
	free(s);
	json_decref(o);
	c = sc_record_estimate_comment(NULL, &site, &d, &ctx);
	assert_int_equal(sc_estimate_read(c, &e), 1);
	free(c);
	assert_true(e.congestion);
	assert_string_equal(e.uncongested_decision, "delay");
	assert_string_equal(e.uncongested_partition, "compute");
	assert_int_equal(e.uncongested_start, T0 + 3600);
	assert_near(e.uncongested_gco2e, 83.2, 1e-9);
	/* Uncongested: no keys. */
	d.congested = 0;
	o = sc_record_carbon(&site, &d, &ctx);
	assert_null(json_object_get(o, "congestion"));
	assert_null(json_object_get(o, "uncongested_start"));
	json_decref(o);
	/* An older record, and a bad value: uncongested. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"decision\":\"delay\",\"kwh\":1,\"gco2e\":3}}", &e), 1);
	assert_false(e.congestion);
	assert_int_equal(e.uncongested_start, 0);
	assert_true(isnan(e.uncongested_gco2e));
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"decision\":\"delay\",\"congestion\":\"yes\","
					  "\"uncongested_start\":5}}", &e), 1);
	assert_false(e.congestion);
	assert_int_equal(e.uncongested_start, 0);
}

/* The job's ledger key is recorded and reads back with the run time; records
 * without it, or with a key out of range, read as 0. */
static void test_record_ledger(void **state)
{
	struct sc_decision d = delay_decision();
	struct sc_record_ctx ctx = { .mode = SC_MODE_ENFORCE, .applied = 1, .ledger = 4294967295u };
	struct sc_estimate e;
	json_t *o;
	char *c;

	(void)state;
	c = sc_record_estimate_comment(NULL, &site, &d, &ctx);
	assert_contains(c, "\"ledger\":4294967295");
	assert_int_equal(sc_estimate_read(c, &e), 1);
	free(c);
	assert_int_equal(e.ledger, 4294967295u);
	assert_int_equal(e.runtime_s, d.chosen.runtime);
	ctx.ledger = 0;
	o = sc_record_carbon(&site, &d, &ctx);
	assert_null(json_object_get(o, "ledger"));
	json_decref(o);
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"decision\":\"delay\"}}", &e), 1);
	assert_int_equal(e.ledger, 0);
	assert_int_equal(e.runtime_s, -1);
	const char *bad[] = { "0", "-3", "4294967296", "1.5", "\"7\"", "null" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char rec[128];
		snprintf(rec, sizeof(rec), "{\"carbon\":{\"decision\":\"delay\",\"ledger\":%s}}", bad[i]);
		assert_int_equal(sc_estimate_read(rec, &e), 1);
		assert_int_equal(e.ledger, 0);
	}
}

static void test_round(void **state)
{
	(void)state;
	assert_near(sc_round(0.1 + 0.2, 0.1), 0.3, 0);
	assert_near(sc_round(104.0208, 0.1), 104.0, 0);
	assert_near(sc_round(-0.01, 0.1), 0, 0);
	assert_near(sc_round(0.123456, 1e-4), 0.1235, 0);
	assert_near(sc_round(1234567.89, 0.1), 1234567.9, 0);
}

static json_t *obj(const char *k, int v)
{
	json_t *o = json_object();

	json_object_set_new(o, k, json_integer(v));
	return o;
}

static void test_comment_merge(void **state)
{
	char *s, *s2;
	json_t *got;

	(void)state;
	/* Empty: just our object. */
	s = sc_comment_set(NULL, "carbon", obj("v", 1));
	assert_string_equal(s, "{\"carbon\":{\"v\":1}}");
	free(s);
	s = sc_comment_set("", "carbon", obj("v", 1));
	assert_string_equal(s, "{\"carbon\":{\"v\":1}}");
	free(s);

	/* A JSON object from another tool: keys kept, ours added. */
	s = sc_comment_set("{\"site\":\"x\",\"n\":2}", "carbon", obj("v", 1));
	assert_string_equal(s, "{\"site\":\"x\",\"n\":2,\"carbon\":{\"v\":1}}");
	/* ...and replaced, not duplicated, the second time. */
	s2 = sc_comment_set(s, "carbon", obj("v", 2));
	assert_string_equal(s2, "{\"site\":\"x\",\"n\":2,\"carbon\":{\"v\":2}}");
	free(s);
	free(s2);

	/* Free text: kept, our object appended; replaced in place later. */
	s = sc_comment_set("ticket 4711 {approved}", "carbon", obj("v", 1));
	assert_string_equal(s, "ticket 4711 {approved} {\"carbon\":{\"v\":1}}");
	s2 = sc_comment_set(s, "carbon", obj("v", 3));
	assert_string_equal(s2, "ticket 4711 {approved} {\"carbon\":{\"v\":3}}");
	got = sc_comment_get(s2, "carbon");
	assert_non_null(got);
	assert_int_equal(json_integer_value(json_object_get(got, "v")), 3);
	json_decref(got);
	free(s);
	free(s2);

	/* Text after our object survives a replacement. */
	s = sc_comment_set("a {\"carbon\":{\"v\":1}} b", "carbon", obj("v", 9));
	assert_string_equal(s, "a {\"carbon\":{\"v\":9}} b");
	free(s);

	/* Two keys side by side (AdminComment-style record and the actual). */
	s = sc_comment_set("{\"carbon\":{\"v\":1}}", "carbon_actual", obj("v", 1));
	got = sc_comment_get(s, "carbon");
	assert_non_null(got);
	json_decref(got);
	got = sc_comment_get(s, "carbon_actual");
	assert_non_null(got);
	json_decref(got);
	free(s);

	/* Not there, not an object, broken JSON: NULL, no crash. */
	assert_null(sc_comment_get(NULL, "carbon"));
	assert_null(sc_comment_get("plain text", "carbon"));
	assert_null(sc_comment_get("{\"carbon\":5}", "carbon"));
	assert_null(sc_comment_get("{\"carbon\":{\"v\":1", "carbon"));
	assert_null(sc_comment_get("{{{{", "carbon"));
	assert_null(sc_comment_set("x", "carbon", NULL));
}

/* Finding our object in a comment is linear in its length and survives what free text
 * holds: an opening brace never closed, a stray quote, another tool's object. */
static void test_comment_hostile(void **state)
{
	size_t n = 80 * 1024;
	char *big = malloc(n + 64), *set;
	json_t *o;

	(void)state;
	/* 80 KB of `{"a":` (it took 14 s when every brace was parsed to the end). */
	assert_non_null(big);
	for (size_t i = 0; i + 5 <= n; i += 5)
		memcpy(big + i, "{\"a\":", 5);
	big[n - n % 5] = '\0';
	assert_null(sc_comment_get(big, "carbon"));
	/* ... with our object after it: found, and replaced in place. */
	strcat(big, " {\"carbon\":{\"v\":1}}");
	o = sc_comment_get(big, "carbon");
	assert_non_null(o);
	json_decref(o);
	set = sc_comment_set(big, "carbon", json_pack("{s:i}", "v", 2));
	assert_non_null(set);
	assert_int_equal(strlen(set), strlen(big));
	assert_contains(set, " {\"carbon\":{\"v\":2}}");
	free(set);
	free(big);

	o = sc_comment_get("note { never closed {\"carbon\":{\"v\":1}}", "carbon");
	assert_non_null(o);
	json_decref(o);
	o = sc_comment_get("he said \"hi {\"carbon\":{\"v\":1}}", "carbon");
	assert_non_null(o);
	json_decref(o);
	o = sc_comment_get("{\"note\":\"a } and a {\"} {\"carbon\":{\"v\":3}}", "carbon");
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "v")), 3);
	json_decref(o);
	/* A key nested inside another tool's object is not ours. */
	assert_null(sc_comment_get("{\"x\":{\"carbon\":{\"v\":1}}}", "carbon"));
}

static void test_comments(void **state)
{
	char *s;
	json_t *o;
	(void)state;

	/* What is there, the record {"v":V} to set, the form, the comment written. */
	static const struct {
		const char *existing;
		int v;
		enum sc_comment_form form;
		const char *want;
	} cases[] = {
		/* sacctmgr's form (the fallback writer). Nothing before: the object alone. */
		{ NULL, 1, SC_COMMENT_SACCTMGR, "{`carbon_actual`:{`v`:1}}" },
		/* Another tool's text is kept; its quotes become backticks, as sacctmgr would. */
		{ "requeued by 'ops'", 2, SC_COMMENT_SACCTMGR, "requeued by `ops` {`carbon_actual`:{`v`:2}}" },
		/* Written again: replaced in place, not appended. */
		{ "requeued by `ops` {`carbon_actual`:{`v`:2}}", 3, SC_COMMENT_SACCTMGR,
		  "requeued by `ops` {`carbon_actual`:{`v`:3}}" },
		/* Another tool's JSON object: our key joins it. */
		{ "{`other`:{`x`:1}}", 1, SC_COMMENT_SACCTMGR, "{`other`:{`x`:1},`carbon_actual`:{`v`:1}}" },
		/* Plain JSON (libslurm's API): the contract's text, exactly. */
		{ NULL, 1, SC_COMMENT_JSON, "{\"carbon_actual\":{\"v\":1}}" },
		{ "", 1, SC_COMMENT_JSON, "{\"carbon_actual\":{\"v\":1}}" },
		/* Other text is kept byte for byte, quotes included; written again, replaced. */
		{ "requeued by \"ops\"", 2, SC_COMMENT_JSON, "requeued by \"ops\" {\"carbon_actual\":{\"v\":2}}" },
		{ "requeued by \"ops\" {\"carbon_actual\":{\"v\":2}}", 3, SC_COMMENT_JSON,
		  "requeued by \"ops\" {\"carbon_actual\":{\"v\":3}}" },
		/* Another JSON object: our key joins it, its other keys kept in order. */
		{ "{\"other\":{\"x\":1},\"z\":[1,2]}", 1, SC_COMMENT_JSON,
		  "{\"other\":{\"x\":1},\"z\":[1,2],\"carbon_actual\":{\"v\":1}}" },
		/* A record sacctmgr stored with backticks becomes JSON; only that
		 * object: other text keeps its backticks. */
		{ "requeued by `ops` {`carbon_actual`:{`v`:1,`zone`:`de`}} at 12:00", 2, SC_COMMENT_JSON,
		  "requeued by `ops` {\"carbon_actual\":{\"v\":2}} at 12:00" },
		/* A whole comment that is one JSON object in backtick form: JSON again,
		 * whether it held our key or not (another tool's JSON set through sacctmgr). */
		{ "{`other`:{`x`:`a`},`carbon_actual`:{`v`:1}}", 2, SC_COMMENT_JSON,
		  "{\"other\":{\"x\":\"a\"},\"carbon_actual\":{\"v\":2}}" },
		{ "{`ops`:{`ticket`:42}}", 1, SC_COMMENT_JSON, "{\"ops\":{\"ticket\":42},\"carbon_actual\":{\"v\":1}}" },
		/* Backticks that are not our record are left alone. */
		{ "see `man sacct`", 1, SC_COMMENT_JSON, "see `man sacct` {\"carbon_actual\":{\"v\":1}}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = sc_comment_encode(cases[i].existing, "carbon_actual", json_pack("{s:i}", "v", cases[i].v),
					   cases[i].form);
		if (!s || strcmp(s, cases[i].want) != 0)
			fail_msg("case %zu: %s, expected %s", i, s ? s : "NULL", cases[i].want);
		free(s);
	}
	s = sc_comment_encode(NULL, "carbon_actual", json_pack("{s:i,s:s}", "v", 1, "zone", "DE"),
				   SC_COMMENT_JSON);
	assert_string_equal(s, "{\"carbon_actual\":{\"v\":1,\"zone\":\"DE\"}}");
	free(s);
	o = sc_comment_get("{`other`:{`x`:1},`carbon_actual`:{`v`:1}}", "other");
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "x")), 1);
	json_decref(o);
	assert_null(sc_comment_encode("x", "k", NULL, SC_COMMENT_SACCTMGR));
	assert_null(sc_comment_encode("x", "k", NULL, SC_COMMENT_JSON));

	/* Both forms read. */
	o = sc_comment_get("{\"carbon\":{\"v\":1}}", "carbon");
	assert_non_null(o);
	json_decref(o);
	o = sc_comment_get("pre {`carbon`:{`v`:1}} post", "carbon");
	assert_non_null(o);
	json_decref(o);
	assert_null(sc_comment_get("{`carbon`:1}", "carbon"));
	assert_null(sc_comment_get("", "carbon"));
	assert_null(sc_comment_get(NULL, "carbon"));

	/* The same record, stored in either form, is the same: a record that
	 * sacctmgr stored (backticks, lower case on 22.05) is not written again
	 * for its quotes alone. */
	assert_true(sc_comment_same("{\"carbon_actual\":{\"zone\":\"DE\"}}", "{\"carbon_actual\":{\"zone\":\"DE\"}}"));
	assert_true(sc_comment_same("{\"carbon_actual\":{\"zone\":\"DE\"}}", "{`carbon_actual`:{`zone`:`de`}}"));
	assert_true(sc_comment_same("{`A`:1}", "{`a`:1}"));
	assert_true(sc_comment_same("it's", "IT`S"));
	assert_true(sc_comment_same(NULL, ""));
	/* Plain JSON stored is compared exactly. */
	assert_false(sc_comment_same("{\"carbon_actual\":{\"zone\":\"DE\"}}", "{\"carbon_actual\":{\"zone\":\"de\"}}"));
	assert_false(sc_comment_same("{`a`:1}", "{\"a\":1}"));
	/* Backticks never stand for anything but a quote. */
	assert_false(sc_comment_same("a`b", "a\"b"));
	assert_false(sc_comment_same("{\"a\":1}", "{`a`:2}"));
	assert_false(sc_comment_same("ab", "abc"));
	assert_false(sc_comment_same("abc", "ab"));
}

static void test_estimate(void **state)
{
	struct sc_estimate e;
	(void)state;

	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"decision\":\"delay\",\"partition\":\"cpu\","
					  "\"zone\":\"DE\",\"start\":1700000000,\"kwh\":1.5,\"pue\":1.3,\"ci\":200,"
					  "\"gco2e\":390,\"baseline_gco2e\":500,\"delay_s\":7200,\"applied\":true}}", &e), 1);
	assert_string_equal(e.decision, "delay");
	assert_string_equal(e.partition, "cpu");
	assert_string_equal(e.zone, "DE");
	assert_int_equal(e.start, 1700000000);
	assert_int_equal(e.delay_s, 7200);
	assert_true(e.applied);
	assert_near(e.kwh, 1.5, 0);
	assert_true(sc_estimate_usable(&e));
	assert_near(sc_estimate_avoided_g(&e), 110, 1e-9);

	/* Advice not applied: the job ran as submitted, nothing avoided. */
	assert_int_equal(sc_estimate_read("x {\"carbon\":{\"decision\":\"delay\",\"applied\":false,\"kwh\":1,"
					  "\"gco2e\":3,\"baseline_gco2e\":5}}", &e), 1);
	assert_false(e.applied);
	assert_near(sc_estimate_avoided_g(&e), 0, 0);
	/* Left alone: no figures to use, nothing avoided. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"decision\":\"none\",\"reason\":\"no forecast\"}}", &e), 1);
	assert_false(sc_estimate_usable(&e));
	assert_near(sc_estimate_avoided_g(&e), 0, 0);
	assert_int_equal(e.delay_s, -1);
	assert_true(isnan(e.kwh));
	/* Rejected jobs never ran. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"decision\":\"reject\",\"kwh\":1,\"gco2e\":3}}", &e), 1);
	assert_false(sc_estimate_usable(&e));
	/* A record without its baseline. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"decision\":\"run\",\"kwh\":1,\"gco2e\":3}}", &e), 1);
	assert_true(sc_estimate_usable(&e));
	assert_true(isnan(sc_estimate_avoided_g(&e)));
	/* None at all. */
	assert_int_equal(sc_estimate_read("", &e), 0);
	assert_false(e.present);
	assert_true(isnan(sc_estimate_avoided_g(&e)));
	assert_false(sc_estimate_usable(&e));
	assert_int_equal(sc_estimate_read("{\"carbon\":\"text\"}", &e), 0);
	/* Negative figures aren't usable. */
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"decision\":\"run\",\"kwh\":-1,\"gco2e\":3}}", &e), 1);
	assert_false(sc_estimate_usable(&e));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sc_energy_source_name(SC_ENERGY_MEASURED), "measured");
	assert_string_equal(sc_energy_source_name(SC_ENERGY_MODEL), "model");
	assert_string_equal(sc_ci_source_name(SC_CI_ACTUAL), "actual");
	assert_string_equal(sc_ci_source_name(SC_CI_SUBMIT), "submit");
	assert_string_equal(sc_ci_source_name((enum sc_ci_source)99), "none");
	assert_int_equal(sc_ci_source_from_name("FORECAST"), SC_CI_FORECAST);
	assert_int_equal(sc_ci_source_from_name("static"), SC_CI_STATIC);
	assert_int_equal(sc_ci_source_from_name("x"), -1);
	assert_int_equal(sc_ci_source_from_name(NULL), -1);
	assert_true(SC_CI_ACTUAL > SC_CI_FORECAST && SC_CI_FORECAST > SC_CI_SUBMIT && SC_CI_SUBMIT > SC_CI_STATIC);
}

/* ---- intensity sources -------------------------------------------------- */

/* A record written through sacctmgr next to JSON whose strings hold a '\''
 * (sacctmgr makes it a '`' too, so the whole comment no longer reads as
 * JSON) is still read back (found by fuzzing). */
static void test_comment_apostrophe(void **state)
{
	static const char existing[] = "{\"carbon\":{\"v\":1,\"zone\":\"it's\"}}";
	json_t *v = json_pack("{s:i,s:f}", "v", 1, "kwh", 1.5), *back;
	char *out;

	(void)state;
	json_incref(v);
	out = sc_comment_encode(existing, SC_RECORD_ACTUAL_KEY, v, SC_COMMENT_SACCTMGR);
	assert_non_null(out);
	assert_null(strchr(out, '\''));
	back = sc_comment_get(out, SC_RECORD_ACTUAL_KEY);
	assert_non_null(back);
	assert_true(json_equal(back, v));
	json_decref(back);
	/* an object that a mix of quotes, apostrophes and backticks makes one
	 * under key once sacctmgr stored it is replaced, not followed by ours */
	free(out);
	json_incref(v);
	out = sc_comment_encode("{`carbon_actual':{`t`:1}} '{`x`:'`ci`''b''%':'2 bng}}", SC_RECORD_ACTUAL_KEY, v,
				SC_COMMENT_SACCTMGR);
	assert_non_null(out);
	back = sc_comment_get(out, SC_RECORD_ACTUAL_KEY);
	assert_non_null(back);
	assert_true(json_equal(back, v));
	json_decref(back);
	json_decref(v);
	/* the key's object must be an object */
	assert_null(sc_comment_get("{`carbon_actual`:[1]} `carbon_actual`:1", SC_RECORD_ACTUAL_KEY));
	free(out);
}

/* Times and durations beyond any record's (1e300, negative) read as absent,
 * not converted to int64_t out of range (found by fuzzing: undefined
 * behaviour, UBSan). */
static void test_record_huge_numbers(void **state)
{
	struct sc_estimate e;
	struct sc_actual a;

	(void)state;
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"start\":1.7e56,\"delay_s\":1e300}}", &e), 1);
	assert_int_equal(e.start, 0);
	assert_int_equal(e.delay_s, -1);
	assert_int_equal(sc_estimate_read("{\"carbon\":{\"v\":1,\"start\":1700000000,\"delay_s\":60}}", &e), 1);
	assert_int_equal(e.start, 1700000000);
	assert_int_equal(e.delay_s, 60);
	assert_int_equal(sc_actual_read("{`carbon_actual`:{`kwh`:1,`gco2e`:2,`ci`:3,`pue`:1.1,`start`:-5,"
					"`end`:1e60,`elapsed_s`:1e19}}", &a), 1);
	assert_int_equal(a.start, 0);
	assert_int_equal(a.end, 0);
	assert_int_equal(a.elapsed, -1);
	assert_int_equal(sc_actual_read("{\"carbon_actual\":{\"kwh\":1,\"gco2e\":2,\"ci\":3,\"pue\":1.1,"
					"\"start\":1700000000,\"end\":1700003600,\"elapsed_s\":3600}}", &a), 1);
	assert_int_equal(a.start, 1700000000);
	assert_int_equal(a.end, 1700003600);
	assert_int_equal(a.elapsed, 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_record_congestion),
		cmocka_unit_test(test_record_ledger),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_comment_merge),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_comment_hostile),
		cmocka_unit_test(test_comment_apostrophe),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_record_huge_numbers),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
