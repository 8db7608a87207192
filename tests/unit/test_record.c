/* slurm-carbon: tests of record/ (AdminComment / SystemComment JSON).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>

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
	struct sc_record_ctx ctx = { SC_MODE_ENFORCE, 1, "average", "file:DE.csv", 0, "compute", T0 };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_comment_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
