/* slurm-carbon: tests for the providers' parsers (forecast/provider*.c) on
 * the providers' published examples and on bad answers, the token-file
 * checks and the HTTP helpers that need no network.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/http.h"
#include "forecast/provider.h"
#include "forecast/provider_casdk.h"
#include "forecast/provider_electricitymaps.h"
#include "forecast/provider_int.h"
#include "forecast/provider_ukci.h"
#include "forecast/provider_watttime.h"
#include "base/units.h"

#define T(y, mo, d, h, mi, s) sc_epoch_from_utc(y, mo, d, h, mi, s)

/* A recorded answer from tests/data/providers. */
static char *slurp(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/data/providers/%s", name);
	return sc_test_read_file(sc_test_path(rel), len);
}

typedef struct sc_series *(*parse_fn)(const char *, size_t, struct sc_err *);

static struct sc_series *parse_fixture(parse_fn fn, const char *name)
{
	struct sc_err err = { "" };
	size_t len;
	char *buf = slurp(name, &len);
	struct sc_series *s = fn(buf, len, &err);

	if (!s)
		fail_msg("%s: %s", name, err.msg);
	free(buf);
	return s;
}

/* Parses text and expects failure with msg containing want. */
static void expect_fail(parse_fn fn, const char *text, const char *want)
{
	struct sc_err err = { "" };
	struct sc_series *s = fn(text, strlen(text), &err);

	if (s)
		fail_msg("accepted: %s", text);
	assert_contains(err.msg, want);
}

static struct sc_series *ok(parse_fn fn, const char *text)
{
	struct sc_err err = { "" };
	struct sc_series *s = fn(text, strlen(text), &err);

	if (!s)
		fail_msg("refused (%s): %s", err.msg, text);
	return s;
}

static struct sc_series *ukci_fc(const char *b, size_t n, struct sc_err *e)
{
	return sc_ukci_parse(b, n, SC_UKCI_FORECAST, e);
}

static struct sc_series *ukci_act(const char *b, size_t n, struct sc_err *e)
{
	return sc_ukci_parse(b, n, SC_UKCI_ACTUAL, e);
}

/* ---- Electricity Maps ----------------------------------------------------- */

static void test_em_fixtures(void **state)
{
	struct sc_series *s;

	(void)state;
	s = parse_fixture(sc_em_parse, "electricitymaps_v3_carbon_intensity_forecast.json");
	assert_int_equal(s->n, 3);
	assert_int_equal(s->t[0], T(2018, 11, 26, 17, 0, 0));
	assert_int_equal(s->t[2], T(2018, 11, 28, 17, 0, 0));
	assert_near(s->v[0], 326, 1e-9);
	assert_near(s->v[1], 297, 1e-9);
	assert_near(s->v[2], 194, 1e-9);
	assert_int_equal(s->signal, SC_SIGNAL_AVERAGE);
	assert_int_equal(s->issued_at, T(2018, 11, 26, 17, 25, 24));
	sc_series_destroy(s);

	s = parse_fixture(sc_em_parse, "electricitymaps_v3_carbon_intensity_history.json");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t[1], T(2021, 8, 19, 12, 0, 0));
	assert_near(s->v[0], 413, 1e-9);
	assert_near(s->v[1], 338, 1e-9);
	assert_int_equal(s->issued_at, 0);
	sc_series_destroy(s);

	s = parse_fixture(sc_em_parse, "electricitymaps_v3_carbon_intensity_past_range.json");
	assert_int_equal(s->n, 3);
	assert_int_equal(s->t[0], T(2019, 5, 21, 21, 0, 0));
	assert_near(s->v[2], 305, 1e-9);
	sc_series_destroy(s);

	s = parse_fixture(sc_em_parse, "electricitymaps_v3_carbon_intensity_latest.json");
	assert_int_equal(s->n, 1);
	assert_int_equal(s->t[0], T(2018, 4, 25, 18, 7, 0)); /* .350 truncated */
	assert_near(s->v[0], 302, 1e-9);
	sc_series_destroy(s);
}

static void test_em_nulls(void **state)
{
	struct sc_series *s;

	(void)state;
	/* Nulls are dropped; the gap is the planner's to bridge (MaxGap). */
	s = ok(sc_em_parse, "{\"zone\":\"DE\",\"history\":["
			    "{\"carbonIntensity\":null,\"datetime\":\"2021-08-18T12:00:00.000Z\"},"
			    "{\"carbonIntensity\":300,\"datetime\":\"2021-08-18T13:00:00.000Z\"},"
			    "{\"carbonIntensity\":null,\"datetime\":\"2021-08-18T14:00:00.000Z\"},"
			    "{\"carbonIntensity\":310.5,\"datetime\":\"2021-08-18T15:00:00.000Z\",\"temporalGranularity\":\"hourly\"}]}");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t[0], T(2021, 8, 18, 13, 0, 0));
	assert_int_equal(s->t[1], T(2021, 8, 18, 15, 0, 0));
	assert_near(s->v[1], 310.5, 1e-9);
	sc_series_destroy(s);
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":null,\"datetime\":\"2021-08-18T12:00:00Z\"},"
				 "{\"carbonIntensity\":null,\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "forecast: all 2 values are null");
	expect_fail(sc_em_parse, "{\"forecast\":[]}", "forecast: no data points");
}

static void test_em_bad(void **state)
{
	(void)state;
	expect_fail(sc_em_parse, "", "empty response");
	expect_fail(sc_em_parse, "<html>502 Bad Gateway</html>", "invalid JSON at line 1");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":1,\"datetime\":\"2021-08-18T12:00:00Z\"}", "invalid JSON");
	expect_fail(sc_em_parse, "[1,2]", "expected a JSON object");
	expect_fail(sc_em_parse, "{\"zone\":\"DE\"}", "no \"forecast\", \"history\" or \"data\" array");
	expect_fail(sc_em_parse, "{\"forecast\":{}}", "not an array");
	expect_fail(sc_em_parse, "{\"forecast\":[3]}", "forecast[0]: not an object");
	expect_fail(sc_em_parse,
		    "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"2021-08-18T13:00:00Z\"},"
		    "{\"carbonIntensity\":310,\"datetime\":\"2021-08-18T12:00:00Z\"}]}",
		    "forecast[1]: times not increasing: 2021-08-18T12:00:00Z does not come after 2021-08-18T13:00:00Z");
	expect_fail(sc_em_parse,
		    "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"2021-08-18T13:00:00Z\"},"
		    "{\"carbonIntensity\":310,\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "times not increasing");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":3500,\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "forecast[0].carbonIntensity: 3500 g/kWh is outside 0..3000");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":-1,\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "outside 0..3000");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":\"300\",\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "forecast[0].carbonIntensity: not a number");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "forecast[0].carbonIntensity: missing");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":300}]}", "forecast[0].datetime: missing");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"yesterday\"}]}",
		    "forecast[0].datetime: invalid time 'yesterday'");
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"now\"}]}", "invalid time 'now'");
	/* issue 14: a provider's time error does not offer `now`, and does not
	 * echo control bytes */
	{
		struct sc_err err = { "" };
		const char *t = "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"1\\u001b[2J\"}]}";
		assert_null(sc_em_parse(t, strlen(t), &err));
		assert_contains(err.msg, "invalid time '1\\x1b[2J'");
		assert_null(strstr(err.msg, "now"));
		assert_null(strchr(err.msg, 0x1b));
	}
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":300,\"datetime\":\"2021-02-30T13:00:00Z\"}]}",
		    "forecast[0].datetime");
	expect_fail(sc_em_parse,
		    "{\"history\":[{\"carbonIntensity\":300,\"datetime\":\"2021-08-18T13:00:00Z\",\"emissionFactorType\":\"kg_per_mile\"}]}",
		    "history[0].emissionFactorType: unknown 'kg_per_mile'; expected lifecycle or direct");
	/* A huge number that is not finite after parsing is refused too. */
	expect_fail(sc_em_parse, "{\"forecast\":[{\"carbonIntensity\":1e400,\"datetime\":\"2021-08-18T13:00:00Z\"}]}",
		    "invalid JSON");
}

/* ---- WattTime ------------------------------------------------------------- */

static void test_wt_fixtures(void **state)
{
	struct sc_series *s;

	(void)state;
	s = parse_fixture(sc_wt_parse, "watttime_v3_forecast_example.json");
	assert_int_equal(s->n, 288);
	assert_int_equal(s->t[0], T(2022, 7, 15, 0, 0, 0));
	assert_int_equal(s->t[287], T(2022, 7, 15, 23, 55, 0));
	assert_int_equal(sc_series_step(s), 300);
	/* 870 lbs/MWh × 0.45359237 = 394.6253619 g/kWh */
	assert_near(s->v[0], 394.6253619, 1e-6);
	assert_int_equal(s->signal, SC_SIGNAL_MARGINAL);
	assert_int_equal(s->issued_at, T(2022, 7, 15, 0, 0, 0));
	sc_series_destroy(s);

	s = parse_fixture(sc_wt_parse, "watttime_v3_historical_example.json");
	assert_int_equal(s->n, 2);
	assert_near(s->v[1], 860 * 0.45359237, 1e-9);
	assert_int_equal(s->signal, SC_SIGNAL_MARGINAL);
	assert_int_equal(s->issued_at, 0);
	sc_series_destroy(s);
}

#define WT_META "\"meta\":{\"units\":\"lbs_co2_per_mwh\",\"signal_type\":\"co2_moer\"}"

static void test_wt_bad(void **state)
{
	struct sc_series *s;

	(void)state;
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":870}],"
				 "\"meta\":{\"units\":\"kg_per_xyz\"}}",
		    "meta.units: unknown unit 'kg_per_xyz'; expected lbs_co2_per_mwh");
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":870}],\"meta\":{}}",
		    "meta.units: missing");
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":870}]}",
		    "\"meta\" is missing");
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":870}],"
				 "\"meta\":{\"units\":\"lbs_co2_per_mwh\",\"signal_type\":\"co2_aoer\"}}",
		    "meta.signal_type: 'co2_aoer'; expected co2_moer");
	expect_fail(sc_wt_parse, "{\"meta\":{\"units\":\"lbs_co2_per_mwh\"}}", "\"data\" is missing");
	/* 7000 lbs/MWh = 3175 g/kWh: over the bound after conversion. */
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":7000}]," WT_META "}",
		    "data[0].value: 3175.15 g/kWh is outside 0..3000");
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:05:00+00:00\",\"value\":870},"
				 "{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":870}]," WT_META "}",
		    "data[1]: times not increasing");
	/* A time before 1970 (by its offset) is named by its element, and the
	 * range said (issue 14: the parser checks it). */
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":null},"
				 "{\"point_time\":\"1970-01-01T00:30:00+01:00\",\"value\":870}]," WT_META "}",
		    "data[1].point_time: time '1970-01-01T00:30:00+01:00' is 1969-12-31T23:30:00Z, before 1970");
	expect_fail(sc_wt_parse, "{\"data\":[{\"point_time\":\"1970-01-01T00:30:00+01:00\",\"value\":870}]," WT_META "}",
		    "data[0].point_time: time '1970-01-01T00:30:00+01:00' is 1969-12-31T23:30:00Z, before 1970");
	/* The error example (not a forecast) is refused cleanly. */
	{
		size_t len;
		char *buf = slurp("watttime_v3_error_example.json", &len);
		struct sc_err err = { "" };
		assert_null(sc_wt_parse(buf, len, &err));
		assert_contains(err.msg, "\"data\" is missing");
		free(buf);
	}
	/* Other units that are known are taken as they are. */
	s = ok(sc_wt_parse, "{\"data\":[{\"point_time\":\"2022-07-15T00:00:00+00:00\",\"value\":400},"
			    "{\"point_time\":\"2022-07-15T00:05:00+00:00\",\"value\":null}],"
			    "\"meta\":{\"units\":\"kg_co2_per_mwh\"}}");
	assert_int_equal(s->n, 1);
	assert_near(s->v[0], 400, 1e-9);
	sc_series_destroy(s);
}

static void test_wt_token(void **state)
{
	struct sc_err err = { "" };
	char *tok = NULL;
	size_t len;
	char *buf = slurp("watttime_login_example.json", &len);

	(void)state;
	assert_int_equal(sc_wt_parse_token(buf, len, &tok, &err), 0);
	assert_string_equal(tok, "abcdef0123456789fedcabc");
	free(tok);
	free(buf);
	assert_int_equal(sc_wt_parse_token("{\"tok\":\"x\"}", 11, &tok, &err), -1);
	assert_null(tok);
	assert_contains(err.msg, "no \"token\"");
	assert_int_equal(sc_wt_parse_token("{\"token\":\"\"}", 12, &tok, &err), -1);
	assert_int_equal(sc_wt_parse_token("nope", 4, &tok, &err), -1);
	assert_contains(err.msg, "invalid JSON");

	/* Renewed before the 30 minutes run out, and when the clock went back. */
	assert_true(sc_wt_token_fresh(1000, 1000));
	assert_true(sc_wt_token_fresh(1000, 1000 + SC_WT_TOKEN_RENEW_S - 1));
	assert_false(sc_wt_token_fresh(1000, 1000 + SC_WT_TOKEN_RENEW_S));
	assert_false(sc_wt_token_fresh(1000, 1000 + 30 * 60));
	assert_false(sc_wt_token_fresh(1000, 999));
}

static void test_status_errors(void **state)
{
	struct sc_http_response r = { 0 };
	struct sc_err err = { "" };
	size_t len;
	char *buf = slurp("watttime_v3_error_example.json", &len);

	(void)state;
	/* The documented example says "msg", the schema "message": both. */
	r.status = 400;
	r.body = buf;
	r.len = len;
	r.attempts = 1;
	sc_prov_status_error("https://user:pw@api.example/v3/forecast?region=X", &r, "hint", &err);
	assert_string_equal(err.msg, "GET https://api.example/v3/forecast?region=X: HTTP 400: "
				     "You've provided invalid parameters in your query");
	r.body = "{\"error\":\"INVALID_SCOPE\",\"message\":\"no access to region\"}";
	r.len = strlen(r.body);
	r.status = 403;
	sc_prov_status_error("https://api.example/x", &r, "check TokenFile=/etc/t", &err);
	assert_string_equal(err.msg, "GET https://api.example/x: HTTP 403 (check TokenFile=/etc/t): no access to region");
	r.body = "<html>\n<b>Service\tUnavailable</b>\n</html>";
	r.len = strlen(r.body);
	r.status = 503;
	r.attempts = 3;
	sc_prov_status_error("https://api.example/x", &r, NULL, &err);
	assert_string_equal(err.msg, "GET https://api.example/x: HTTP 503 (after 3 attempts): <html> <b>Service Unavailable</b> </html>");
	r.status = 429;
	r.retry_after_s = 120;
	r.body = "";
	r.len = 0;
	sc_prov_status_error("https://api.example/x", &r, NULL, &err);
	assert_string_equal(err.msg, "GET https://api.example/x: HTTP 429 (rate limited; the service asks to wait 120 s, after 3 attempts)");
	free(buf);
}

/* ---- UK Carbon Intensity -------------------------------------------------- */

#define SLOT(from, to, fc, act) \
	"{\"from\":\"" from "\",\"to\":\"" to "\",\"intensity\":{\"forecast\":" fc ",\"actual\":" act ",\"index\":\"moderate\"}}"
#define RSLOT(from, to, fc) \
	"{\"from\":\"" from "\",\"to\":\"" to "\",\"intensity\":{\"forecast\":" fc ",\"index\":\"low\"}," \
	"\"generationmix\":[{\"fuel\":\"gas\",\"perc\":43.6}]}"

static void test_ukci_fixtures(void **state)
{
	struct sc_series *s;
	struct sc_err err = { "" };
	size_t len;
	char *buf;

	(void)state;
	s = parse_fixture(ukci_fc, "ukci_intensity_fw48h_doc_example.json");
	assert_int_equal(s->n, 1);
	assert_int_equal(s->t[0], T(2018, 1, 20, 12, 0, 0)); /* the slot's "from" */
	assert_near(s->v[0], 266, 1e-9);
	assert_int_equal(s->signal, SC_SIGNAL_AVERAGE);
	sc_series_destroy(s);
	s = parse_fixture(ukci_act, "ukci_intensity_fw48h_doc_example.json");
	assert_near(s->v[0], 263, 1e-9);
	sc_series_destroy(s);

	/* The two regional examples are not JSON as published. */
	buf = slurp("ukci_regional_intensity_fw48h_doc_example.json", &len);
	assert_null(sc_ukci_parse(buf, len, SC_UKCI_FORECAST, &err));
	assert_contains(err.msg, "invalid JSON at line 16, column 21: '}' expected near '\"generationmix\"'");
	free(buf);
	buf = slurp("ukci_regional_fw48h_regionid_doc_example.json", &len);
	assert_null(sc_ukci_parse(buf, len, SC_UKCI_FORECAST, &err));
	assert_contains(err.msg, "invalid JSON at line 16, column 21: '}' expected near '\"generationmix\"'");
	free(buf);
}

static void test_ukci_forms(void **state)
{
	struct sc_series *s;

	(void)state;
	/* The live regional answer: "data" is an object. */
	s = ok(ukci_fc, "{\"data\":{\"regionid\":3,\"dnoregion\":\"Electricity North West\",\"shortname\":\"North West England\","
			"\"data\":[" RSLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "266") ","
			RSLOT("2018-01-20T12:30Z", "2018-01-20T13:00Z", "250") "]}}");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t[1], T(2018, 1, 20, 12, 30, 0));
	assert_near(s->v[1], 250, 1e-9);
	assert_int_equal(sc_series_step(s), 1800);
	sc_series_destroy(s);
	/* The documented regional form (with its comma fixed): an array. */
	s = ok(ukci_fc, "{\"data\":[{\"regionid\":3,\"dnoregion\":\"Electricity North West\","
			"\"data\":[" RSLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "266") "]}]}");
	assert_int_equal(s->n, 1);
	assert_near(s->v[0], 266, 1e-9);
	sc_series_destroy(s);
	/* National, actual null in future slots: dropped for actuals only. */
	s = ok(ukci_act, "{\"data\":[" SLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "266", "263") ","
			 SLOT("2018-01-20T12:30Z", "2018-01-20T13:00Z", "270", "null") "]}");
	assert_int_equal(s->n, 1);
	sc_series_destroy(s);
	s = ok(ukci_fc, "{\"data\":[" SLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "266", "263") ","
			SLOT("2018-01-20T12:30Z", "2018-01-20T13:00Z", "270", "null") "]}");
	assert_int_equal(s->n, 2);
	sc_series_destroy(s);
	/* Regional slots carry no actual at all. */
	expect_fail(ukci_act, "{\"data\":{\"regionid\":3,\"data\":[" RSLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "266") "]}}",
		    "all 1 values are null");
}

static void test_ukci_bad(void **state)
{
	(void)state;
	expect_fail(ukci_fc, "{\"data\":[" SLOT("2018-01-20T12:30Z", "2018-01-20T13:00Z", "266", "null") ","
			     SLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "270", "null") "]}",
		    "data[1]: times not increasing: 2018-01-20T12:00:00Z does not come after 2018-01-20T12:30:00Z");
	expect_fail(ukci_fc, "{\"data\":[" SLOT("2018-01-20T12:30Z", "2018-01-20T12:00Z", "266", "null") "]}",
		    "data[0]: slot ends (2018-01-20T12:00Z) before it starts (2018-01-20T12:30Z)");
	expect_fail(ukci_fc, "{\"data\":[{\"from\":\"2018-01-20T12:00Z\",\"to\":\"2018-01-20T12:30Z\"}]}",
		    "data[0].intensity: missing");
	expect_fail(ukci_fc, "{\"data\":[{\"to\":\"2018-01-20T12:30Z\",\"intensity\":{\"forecast\":1}}]}",
		    "data[0].from: missing");
	expect_fail(ukci_fc, "{\"data\":[" SLOT("2018-01-20T12:00Z", "2018-01-20T12:30Z", "3001", "null") "]}",
		    "data[0].intensity.forecast: 3001 g/kWh is outside 0..3000");
	expect_fail(ukci_fc, "{\"data\":[{\"from\":\"2018-01-20T12:00Z\",\"regions\":[]}]}", "an answer for all regions");
	expect_fail(ukci_fc, "{\"data\":{\"regionid\":3}}", "data.data is missing");
	expect_fail(ukci_fc, "{\"data\":[{\"regionid\":3,\"data\":[]},{\"regionid\":4,\"data\":[]}]}",
		    "holds 2 regions; expected one");
	expect_fail(ukci_fc, "{\"error\":{\"code\":\"400 Bad Request\",\"message\":\"Please enter a valid date\"}}",
		    "\"data\" is missing");
	expect_fail(ukci_fc, "{\"data\":[]}", "data: no data points");
}

static void test_ukci_from(void **state)
{
	(void)state;
	/* {from} is rounded up to a half hour: the first slot, which ends
	 * at {from}, is the one holding now. */
	assert_int_equal(sc_ukci_from(T(2018, 1, 20, 12, 10, 0)), T(2018, 1, 20, 12, 30, 0));
	assert_int_equal(sc_ukci_from(T(2018, 1, 20, 12, 30, 0)), T(2018, 1, 20, 12, 30, 0));
	assert_int_equal(sc_ukci_from(T(2018, 1, 20, 12, 59, 59)), T(2018, 1, 20, 13, 0, 0));
	assert_int_equal(sc_ukci_from(T(2018, 1, 20, 23, 45, 0)), T(2018, 1, 21, 0, 0, 0));
}

/* ---- Carbon Aware SDK ----------------------------------------------------- */

static void test_casdk_fixtures(void **state)
{
	struct sc_series *s;
	struct sc_err err = { "" };
	double ci = -1;
	size_t len;
	char *buf;

	(void)state;
	s = parse_fixture(sc_casdk_parse_forecast, "casdk_forecasts_current_CONSTRUCTED.json");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t[0], T(2022, 7, 19, 14, 0, 0));
	assert_int_equal(s->t[1], T(2022, 7, 20, 4, 25, 0));
	assert_near(s->v[0], 532.02293146, 1e-9);
	assert_near(s->v[1], 535.7318741001667, 1e-9);
	assert_int_equal(s->issued_at, T(2022, 7, 19, 13, 35, 0));
	sc_series_destroy(s);

	s = parse_fixture(sc_casdk_parse_bylocation, "casdk_webapi_emissions_bylocation_doc_example.json");
	assert_int_equal(s->n, 1);
	assert_int_equal(s->t[0], T(2022, 5, 17, 20, 45, 11)); /* 7 fractional digits */
	assert_near(s->v[0], 70, 1e-9);
	sc_series_destroy(s);

	buf = slurp("casdk_webapi_average_carbon_intensity_doc_example.json", &len);
	assert_int_equal(sc_casdk_parse_average(buf, len, &ci, &err), 0);
	assert_near(ci, 345.434, 1e-9);
	free(buf);
	assert_int_equal(sc_casdk_parse_average("{\"carbonIntensity\":null}", 24, &ci, &err), -1);
	assert_contains(err.msg, "carbonIntensity: not a number");
	assert_int_equal(sc_casdk_parse_average("{\"carbonIntensity\":4000}", 24, &ci, &err), -1);
	assert_contains(err.msg, "outside 0..3000");
	assert_int_equal(sc_casdk_parse_average("[]", 2, &ci, &err), -1);
	assert_contains(err.msg, "carbonIntensity: missing");
}

#define CA_POINT(ts, v) "{\"location\":\"IE\",\"timestamp\":\"" ts "\",\"duration\":30,\"value\":" v "}"

static void test_casdk_forms(void **state)
{
	struct sc_series *s;

	(void)state;
	/* The documentation's single optimalDataPoint object. */
	s = ok(sc_casdk_parse_forecast, "[{\"location\":\"northeurope\",\"optimalDataPoint\":" CA_POINT("2022-07-19T18:45:00+00:00", "448.4")
					",\"forecastData\":[" CA_POINT("2022-07-19T14:00:00+00:00", "532") ","
					CA_POINT("2022-07-19T14:30:00+00:00", "null") ","
					CA_POINT("2022-07-19T15:00:00+00:00", "520") "]}]");
	assert_int_equal(s->n, 2);
	assert_near(s->v[1], 520, 1e-9);
	assert_int_equal(s->issued_at, 0);
	sc_series_destroy(s);
	expect_fail(sc_casdk_parse_forecast, "[{\"optimalDataPoints\":{},\"forecastData\":[]}]",
		    "[0].optimalDataPoints: not an array");
	expect_fail(sc_casdk_parse_forecast,
		    "[{\"optimalDataPoints\":[" CA_POINT("2022-07-19T18:45:00+00:00", "-3") "],\"forecastData\":[]}]",
		    "[0].optimalDataPoints[0].value");
	expect_fail(sc_casdk_parse_forecast, "[{\"optimalDataPoint\":{\"value\":3},\"forecastData\":[]}]",
		    "[0].optimalDataPoint.timestamp");
	expect_fail(sc_casdk_parse_forecast, "[]", "empty array");
	expect_fail(sc_casdk_parse_forecast, "[{\"location\":\"x\"}]", "[0].forecastData is missing");
	expect_fail(sc_casdk_parse_forecast, "[{\"forecastData\":[{\"timestamp\":\"2022-07-19T14:00:00Z\",\"duration\":-5,\"value\":3}]}]",
		    "forecastData[0].duration: expected a positive number of minutes");
	expect_fail(sc_casdk_parse_forecast,
		    "[{\"forecastData\":[" CA_POINT("2022-07-19T15:00:00+00:00", "1") "," CA_POINT("2022-07-19T14:00:00+00:00", "1") "]}]",
		    "forecastData[1]: times not increasing");
	expect_fail(sc_casdk_parse_bylocation, "{}", "expected an array");
	expect_fail(sc_casdk_parse_bylocation, "[{\"time\":\"2022-05-17T20:45:11Z\",\"rating\":\"high\"}]",
		    "[0].rating: not a number");
}

/* ---- token files ---------------------------------------------------------- */

static char tmpdir[64];

static const char *token_file(const char *content, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/token", tmpdir);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void test_token_file(void **state)
{
	struct sc_err err = { "" };
	char *secret = NULL, want[256];
	const char *p;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sc-test-token-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));

	p = token_file("s3cr3t-key \r\nsecond line\n", 0600);
	assert_int_equal(sc_token_read(p, &secret, &err), 0);
	assert_string_equal(secret, "s3cr3t-key");
	sc_secret_free(secret);
	p = token_file("user:pa ss", 0400);
	assert_int_equal(sc_token_read(p, &secret, &err), 0);
	assert_string_equal(secret, "user:pa ss");
	sc_secret_free(secret);

	/* Readable by others: refused, saying why and how to fix it, without
	 * the secret. */
	p = token_file("s3cr3t-key\n", 0644);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_null(secret);
	snprintf(want, sizeof(want), "TokenFile %s has mode 0644: its group or others may read it", p);
	assert_contains(err.msg, want);
	snprintf(want, sizeof(want), "run chmod 600 %s", p);
	assert_contains(err.msg, want);
	assert_null(strstr(err.msg, "s3cr3t"));
	p = token_file("s3cr3t-key\n", 0640);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "mode 0640");
	p = token_file("s3cr3t-key\n", 0604);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "may read it");
	p = token_file("s3cr3t-key\n", 0620);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "may write it");
	assert_null(strstr(err.msg, "s3cr3t"));

	p = token_file("\nkey on the second line\n", 0600);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "the first line is empty");
	p = token_file("", 0600);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "the first line is empty");
	unlink(p);
	assert_int_equal(sc_token_read(p, &secret, &err), -1);
	assert_contains(err.msg, "cannot read TokenFile");
	assert_contains(err.msg, "No such file");
	assert_int_equal(sc_token_read(tmpdir, &secret, &err), -1);
	assert_contains(err.msg, "is not a regular file");
	assert_int_equal(sc_token_read(NULL, &secret, &err), -1);
	assert_contains(err.msg, "no TokenFile");
	rmdir(tmpdir);
}

/* ---- HTTP helpers ---------------------------------------------------------- */

static void test_http_helpers(void **state)
{
	char buf[256], *u;

	(void)state;
	assert_string_equal(sc_http_redact_url("https://u:p@host:8443/v3/x?a=b@c", buf, sizeof(buf)),
			    "https://host:8443/v3/x?a=b@c");
	assert_string_equal(sc_http_redact_url("http://host/p@q", buf, sizeof(buf)), "http://host/p@q");
	assert_string_equal(sc_http_redact_url("http://token@host", buf, sizeof(buf)), "http://host");
	assert_string_equal(sc_http_escape("CAISO_NORTH", buf, sizeof(buf)), "CAISO_NORTH");
	assert_string_equal(sc_http_escape("US-CAL/x y&z", buf, sizeof(buf)), "US-CAL%2Fx%20y%26z");
	assert_null(sc_http_escape("abcdef", buf, 4));
	/* Exactly as long as the buffer allows (with its NUL), and one over. */
	assert_string_equal(sc_http_escape("abc", buf, 4), "abc");
	assert_null(sc_http_escape("abcd", buf, 4));
	assert_string_equal(sc_http_escape("a b", buf, 6), "a%20b");
	assert_null(sc_http_escape("a b", buf, 5));
	assert_string_equal(sc_http_escape("", buf, 1), "");
	u = sc_prov_url("http://127.0.0.1:8000/em//", "/carbon-intensity/%s?zone=%s", "forecast", "DE");
	assert_string_equal(u, "http://127.0.0.1:8000/em/carbon-intensity/forecast?zone=DE");
	free(u);
	assert_true(sc_provider_is_live(sc_provider_find("watttime")));
	assert_true(sc_provider_is_live(sc_provider_find("casdk")));
	assert_false(sc_provider_is_live(sc_provider_find("file")));
	assert_false(sc_provider_is_live(sc_provider_find("static")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_em_fixtures),
		cmocka_unit_test(test_em_nulls),
		cmocka_unit_test(test_em_bad),
		cmocka_unit_test(test_wt_fixtures),
		cmocka_unit_test(test_wt_bad),
		cmocka_unit_test(test_wt_token),
		cmocka_unit_test(test_status_errors),
		cmocka_unit_test(test_ukci_fixtures),
		cmocka_unit_test(test_ukci_forms),
		cmocka_unit_test(test_ukci_bad),
		cmocka_unit_test(test_ukci_from),
		cmocka_unit_test(test_casdk_fixtures),
		cmocka_unit_test(test_casdk_forms),
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_http_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
