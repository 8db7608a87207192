/* slurm-carbon: tests of base/units.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <math.h>

#include "base/units.h"

static void carbon_ok(const char *s, double want)
{
	double g = -1;
	struct sc_err err = { "" };

	if (sc_parse_carbon(s, &g, &err) != 0)
		fail_msg("'%s' rejected: %s", s, err.msg);
	assert_near(g, want, 1e-9 * (want > 1 ? want : 1));
}

static void carbon_bad(const char *s, const char *msg_part)
{
	double g = 123;
	struct sc_err err = { "" };

	if (sc_parse_carbon(s, &g, &err) == 0)
		fail_msg("'%s' accepted as %g", s ? s : "(null)", g);
	assert_near(g, 123, 0); /* untouched on error */
	assert_contains(err.msg, msg_part);
}

static void test_carbon(void **state)
{
	(void)state;
	carbon_ok("500g", 500);
	carbon_ok("500", 500);
	carbon_ok("2kg", 2000);
	carbon_ok("2 kg", 2000);
	carbon_ok("  2KG  ", 2000);
	carbon_ok("1.5t", 1.5e6);
	carbon_ok("0.25 t", 250000);
	carbon_ok(".5kg", 500);
	carbon_ok("2e3", 2000);
	carbon_ok("0", 0);
	carbon_ok("3kgCO2e", 3000);
	carbon_ok("10 gco2e", 10);
	carbon_bad("", "empty");
	carbon_bad(NULL, "empty");
	carbon_bad("   ", "empty");
	carbon_bad("-5kg", "negative");
	carbon_bad("nan", "invalid");
	carbon_bad("inf", "invalid");
	carbon_bad("infinity kg", "invalid");
	carbon_bad("0x10", "unknown unit");
	carbon_bad("1e400", "too large (at most 1e9 t)"); /* issue 14: overflow is not a syntax error */
	carbon_bad("2e9t", "too large");
	carbon_bad("2kg extra", "unknown unit");
	carbon_bad("2lb", "unknown unit");
	carbon_bad("kg", "invalid");
	carbon_bad("1,5kg", "unknown unit");
	carbon_bad("+5", "invalid");
	/* the message says what is accepted */
	carbon_bad("abc", "500g, 2kg, 1.5t");
}

static void dur_ok(const char *s, int64_t want)
{
	int64_t v = -1;
	struct sc_err err = { "" };

	if (sc_parse_duration(s, SC_DUR_ALLOW_UNLIMITED, &v, &err) != 0)
		fail_msg("'%s' rejected: %s", s, err.msg);
	if (v != want)
		fail_msg("'%s' = %lld, expected %lld", s, (long long)v, (long long)want);
}

static void dur_bad(const char *s, unsigned flags, const char *msg_part)
{
	int64_t v = 42;
	struct sc_err err = { "" };

	if (sc_parse_duration(s, flags, &v, &err) == 0)
		fail_msg("'%s' accepted as %lld", s ? s : "(null)", (long long)v);
	assert_int_equal(v, 42);
	assert_contains(err.msg, msg_part);
}

static void test_duration(void **state)
{
	(void)state;
	dur_ok("30", 30 * 60);                    /* mm */
	dur_ok("90", 90 * 60);                    /* Slurm allows mm >= 60 */
	dur_ok("0", 0);
	dur_ok("5:30", 5 * 60 + 30);              /* mm:ss */
	dur_ok("2:00:00", 7200);                  /* hh:mm:ss */
	dur_ok("36:00:00", 36 * 3600);
	dur_ok("1-12", 86400 + 12 * 3600);        /* d-hh */
	dur_ok("1-12:30", 86400 + 12 * 3600 + 1800); /* d-hh:mm */
	dur_ok("2-03:04:05", 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	dur_ok(" 4:00:00 ", 4 * 3600);
	dur_ok("UNLIMITED", SC_DURATION_UNLIMITED);
	dur_ok("infinite", SC_DURATION_UNLIMITED);
	dur_ok("365-00:00:00", 365LL * 86400);
	dur_bad("UNLIMITED", 0, "not allowed");
	dur_bad("", 0, "empty");
	dur_bad(NULL, 0, "empty");
	dur_bad("1:2:3:4", 0, "expected mm, mm:ss");
	dur_bad("-5", 0, "invalid");
	dur_bad("5:60", 0, "seconds must be < 60");
	dur_bad("1:60:00", 0, "minutes and seconds");
	dur_bad("1-24", 0, "hours must be < 24");
	dur_bad("1-10:61", 0, "< 60");
	dur_bad("1h", 0, "invalid");
	dur_bad("1.5", 0, "invalid");
	dur_bad("366-00:00:00", 0, "too long");
	/* issue 14: a number too long is too large, not a syntax error */
	dur_bad("99999999999999999999", 0, "too long (at most 365 days)");
	dur_bad("1-99999999999999999999", 0, "too long");
	dur_ok("0000000000000000000000090", 90 * 60); /* leading zeros are not digits that count */
	dur_bad("1-", 0, "invalid");
	dur_bad(":30", 0, "invalid");
}

static void time_ok(const char *s, int64_t now, int64_t want)
{
	int64_t t = -1;
	struct sc_err err = { "" };

	if (sc_parse_time(s, now, &t, &err) != 0)
		fail_msg("'%s' rejected: %s", s, err.msg);
	if (t != want)
		fail_msg("'%s' = %lld, expected %lld", s, (long long)t, (long long)want);
}

static void time_bad(const char *s, const char *msg_part)
{
	int64_t t = 7;
	struct sc_err err = { "" };

	if (sc_parse_time(s, 0, &t, &err) == 0)
		fail_msg("'%s' accepted as %lld", s ? s : "(null)", (long long)t);
	assert_int_equal(t, 7);
	assert_contains(err.msg, msg_part);
}

static void test_time(void **state)
{
	const int64_t t0 = 1764417600; /* 2025-11-29T12:00:00Z */

	(void)state;
	time_ok("2025-11-29T12:00:00Z", 0, t0);
	time_ok("2025-11-29T12:00Z", 0, t0);
	time_ok("2025-11-29T13:00:00+01:00", 0, t0);
	time_ok("2025-11-29T13:00:00+0100", 0, t0);
	time_ok("2025-11-29T07:00:00-05", 0, t0);
	time_ok("2025-11-29T12:00:00.750Z", 0, t0);
	time_ok("2025-11-29T12:00:00", 0, t0); /* Slurm's form: UTC */
	time_ok("2025-11-29T12:00", 0, t0);
	time_ok("2025-11-29 12:00:00", 0, t0);
	time_ok("2025-11-29", 0, t0 - 12 * 3600);
	time_ok("1970-01-01T00:00:00Z", 0, 0);
	time_ok("2024-02-29T00:00:00Z", 0, 1709164800);
	time_ok("now", t0, t0);
	time_ok("NOW", t0, t0);
	time_ok("now+60", t0, t0 + 60);
	time_ok("now+30minutes", t0, t0 + 1800);
	time_ok("now+2hours", t0, t0 + 7200);
	time_ok("now+2 hours", t0, t0 + 7200);
	time_ok("now+1day", t0, t0 + 86400);
	time_ok("now+3days", t0, t0 + 3 * 86400);
	time_ok("now-1h", t0, t0 - 3600);
	time_ok("now+1week", t0, t0 + 7 * 86400);
	time_bad("", "empty");
	time_bad(NULL, "empty");
	time_bad("2025-02-29T00:00:00Z", "not a valid date");
	time_bad("2025-13-01", "not a valid date");
	time_bad("2025-11-31", "not a valid date");
	time_bad("2025-11-29T24:00", "not a valid date");
	time_bad("2025-11-29T12:60", "not a valid date");
	time_bad("1969-12-31", "not a valid date");
	time_bad("2025-11-29T12:00:00ZZ", "invalid time");
	time_bad("2025-11-29T12", "invalid time");
	time_bad("2025/11/29", "invalid time");
	time_bad("tomorrowish", "invalid time");
	time_bad("now+", "invalid relative time");
	time_bad("now+5fortnights", "invalid relative time");
	time_bad("now*2", "invalid relative time");
	time_bad("now+99999999999days", "too far");
	time_bad("2025-11-29T12:00:00+25:00", "offset");
	time_bad("garbage", "YYYY-MM-DD");
}

/* issue 14: relative and offset times that land outside 1970..9999 are
 * refused with the range, not turned into 1931 or a negative time. */
static void test_time_range(void **state)
{
	const int64_t t0 = 1764417600; /* 2025-11-29T12:00:00Z */
	struct sc_err err = { "" };
	int64_t t = 42;

	(void)state;
	assert_int_equal(sc_parse_time("now-4800weeks", t0, &t, &err), -1);
	assert_contains(err.msg, "before 1970");
	assert_contains(err.msg, "expected a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
	assert_int_equal(t, 42);
	assert_int_equal(sc_parse_time("now-99999999999999999999", t0, &t, &err), -1);
	assert_contains(err.msg, "too far");
	assert_int_equal(sc_parse_time("1970-01-01T00:30:00+01:00", 0, &t, &err), -1);
	assert_contains(err.msg, "1969-12-31T23:30:00Z, before 1970");
	assert_int_equal(sc_parse_time("9999-12-31T23:59:59-01:00", 0, &t, &err), -1);
	assert_contains(err.msg, "after 9999");
	assert_int_equal(sc_parse_time("now+1h", SC_TIME_MAX, &t, &err), -1);
	assert_contains(err.msg, "after 9999");
	assert_int_equal(t, 42);
	assert_int_equal(sc_parse_time("9999-12-31T23:59:59Z", 0, &t, &err), 0);
	assert_int_equal(t, SC_TIME_MAX);
	assert_int_equal(sc_parse_time("now-1w", 7 * 86400, &t, &err), 0);
	assert_int_equal(t, 0);
}

/* issue 14: numeric overflow says "too large" and the limit; control bytes
 * in the input are quoted escaped. */
static void test_overflow_and_escapes(void **state)
{
	struct sc_err err = { "" };
	uint64_t u = 7;
	double d = 7;

	(void)state;
	assert_int_equal(sc_parse_mem_mb("18446744073709551615", &u, &err), -1);
	assert_contains(err.msg, "too large (at most 1048576T)");
	assert_int_equal(sc_parse_mem_mb("99999999999999999999G", &u, &err), -1);
	assert_contains(err.msg, "too large");
	assert_int_equal(u, 7);
	assert_int_equal(sc_parse_gpus("gpu:99999999999999999999", &u, &err), -1);
	assert_contains(err.msg, "too large (at most 1000000 in all)");
	assert_int_equal(sc_parse_gpus("99999999999999999999", &u, &err), -1);
	assert_contains(err.msg, "too large");
	assert_int_equal(sc_parse_gpus("999999999999999999", &u, &err), -1); /* bare count: capped too */
	assert_int_equal(sc_parse_gpus("gpu:600000,gpu:600000", &u, &err), -1);
	assert_contains(err.msg, "too large");
	assert_int_equal(u, 7);
	assert_int_equal(sc_parse_carbon("1e999kg", &d, &err), -1);
	assert_contains(err.msg, "too large (at most 1e9 t)");
	assert_int_equal(sc_parse_number("1e400", 0, 10, "PUE", &d, &err), -1);
	assert_contains(err.msg, "PUE '1e400' is out of range: expected a number from 0 to 10");
	assert_int_equal(sc_parse_number("99999999999999999999", 0, 10, "PUE", &d, &err), -1);
	assert_contains(err.msg, "out of range");
	/* a long but valid number is read whole (no 64-byte copy any more) */
	assert_int_equal(sc_parse_number("1.0000000000000000000000000000000000000000000000000000000000000000000001",
					 0, 10, "PUE", &d, &err), 0);
	assert_true(d == 1.0);
	assert_int_equal(sc_parse_number("7.5", 0, 10, "PUE", &d, &err), 0);
	assert_true(d == 7.5);
	/* hex still refused */
	assert_int_equal(sc_parse_carbon("0x10", &d, &err), -1);
	assert_int_equal(sc_parse_time("1\x1b[2J", 0, (int64_t *)&u, &err), -1);
	assert_contains(err.msg, "'1\\x1b[2J'");
	assert_null(strchr(err.msg, 0x1b));
	assert_int_equal(sc_parse_duration("\a5", 0, (int64_t *)&u, &err), -1);
	assert_contains(err.msg, "'\\x075'");
}

static void test_calendar(void **state)
{
	(void)state;
	for (int64_t d = -800000; d < 800000; d += 997) {
		int64_t y;
		unsigned m, dd;
		sc_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(sc_days_from_civil(y, m, dd), d);
	}
	assert_int_equal(sc_weekday(0), 3);                /* 1970-01-01: Thursday */
	assert_int_equal(sc_weekday(1764417600), 5);       /* 2025-11-29: Saturday */
	assert_int_equal(sc_weekday(-1), 2);               /* 1969-12-31: Wednesday */
	assert_int_equal(sc_epoch_from_utc(2000, 3, 1, 0, 0, 0), 951868800);
}

static void test_percent_number_bool(void **state)
{
	double v = -1;
	int b = -1;
	struct sc_err err;

	(void)state;
	assert_int_equal(sc_parse_percent("10%", 0, 100, &v, &err), 0);
	assert_near(v, 10, 0);
	assert_int_equal(sc_parse_percent(" 2.5 %", 0, 100, &v, &err), 0);
	assert_near(v, 2.5, 0);
	assert_int_equal(sc_parse_percent("7", 0, 100, &v, &err), 0);
	assert_near(v, 7, 0);
	assert_int_equal(sc_parse_percent("101%", 0, 100, &v, &err), -1);
	assert_contains(err.msg, "out of range");
	assert_int_equal(sc_parse_percent("%", 0, 100, &v, &err), -1);
	assert_int_equal(sc_parse_percent("ten", 0, 100, &v, &err), -1);
	assert_contains(err.msg, "percentage");
	assert_int_equal(sc_parse_number("1.3", 1, 3, "PUE", &v, &err), 0);
	assert_near(v, 1.3, 1e-12);
	assert_int_equal(sc_parse_number("-1", -5, 5, "x", &v, &err), 0);
	assert_near(v, -1, 0);
	assert_int_equal(sc_parse_number("0.5", 1, 3, "PUE", &v, &err), -1);
	assert_contains(err.msg, "PUE '0.5' is out of range");
	assert_int_equal(sc_parse_number("nan", 0, 3, "PUE", &v, &err), -1);
	assert_int_equal(sc_parse_number("1.3x", 0, 3, "PUE", &v, &err), -1);
	assert_contains(err.msg, "invalid PUE");
	assert_int_equal(sc_parse_number("", 0, 3, "PUE", &v, &err), -1);
	assert_contains(err.msg, "empty PUE");
	assert_int_equal(sc_parse_bool("YES", &b, &err), 0);
	assert_int_equal(b, 1);
	assert_int_equal(sc_parse_bool("off", &b, &err), 0);
	assert_int_equal(b, 0);
	assert_int_equal(sc_parse_bool("maybe", &b, &err), -1);
	assert_contains(err.msg, "expected yes or no");
}

static void test_mem_gpus(void **state)
{
	uint64_t mb = 0, g = 99;
	struct sc_err err;

	(void)state;
	assert_int_equal(sc_parse_mem_mb("4000", &mb, &err), 0);
	assert_int_equal(mb, 4000);
	assert_int_equal(sc_parse_mem_mb("4G", &mb, &err), 0);
	assert_int_equal(mb, 4096);
	assert_int_equal(sc_parse_mem_mb("1t", &mb, &err), 0);
	assert_int_equal(mb, 1048576);
	assert_int_equal(sc_parse_mem_mb("1500K", &mb, &err), 0);
	assert_int_equal(mb, 2);
	assert_int_equal(sc_parse_mem_mb("0", &mb, &err), 0);
	assert_int_equal(mb, 0);
	assert_int_equal(sc_parse_mem_mb("4GB", &mb, &err), -1);
	assert_contains(err.msg, "K, M (default), G or T");
	assert_int_equal(sc_parse_mem_mb("-4G", &mb, &err), -1);
	assert_int_equal(sc_parse_mem_mb("99999999999T", &mb, &err), -1);
	assert_contains(err.msg, "too large");

	assert_int_equal(sc_parse_gpus(NULL, &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(sc_parse_gpus("gres:gpu:2", &g, &err), 0);
	assert_int_equal(g, 2);
	assert_int_equal(sc_parse_gpus("gres/gpu:a100:4", &g, &err), 0);
	assert_int_equal(g, 4);
	assert_int_equal(sc_parse_gpus("gpu", &g, &err), 0);
	assert_int_equal(g, 1);
	assert_int_equal(sc_parse_gpus("gres:gpu", &g, &err), 0);
	assert_int_equal(g, 1);
	assert_int_equal(sc_parse_gpus("3", &g, &err), 0);
	assert_int_equal(g, 3);
	assert_int_equal(sc_parse_gpus("gres:nic:1,gres:gpu:2,license/x:1,gpu:v100:1", &g, &err), 0);
	assert_int_equal(g, 3);
	/* Slurm 24.05 and later write tres_per_task with '=' before the count. */
	assert_int_equal(sc_parse_gpus("cpu=4,gres/gpu=2", &g, &err), 0);
	assert_int_equal(g, 2);
	assert_int_equal(sc_parse_gpus("gres/gpu:a100=3", &g, &err), 0);
	assert_int_equal(g, 3);
	assert_int_equal(sc_parse_gpus("gres/gpu=many", &g, &err), -1);
	assert_contains(err.msg, "invalid GPU count");
	assert_int_equal(sc_parse_gpus("gres:gpu:tesla", &g, &err), 0); /* one GPU of type tesla */
	assert_int_equal(g, 1);
	assert_int_equal(sc_parse_gpus("gres:gpu:a100:two", &g, &err), -1);
	assert_contains(err.msg, "gpu[:type]:N");
	assert_int_equal(sc_parse_gpus("gres:gpu:a100:b:c:2", &g, &err), -1);
	assert_int_equal(sc_parse_gpus("gpu:99999999", &g, &err), -1);
	assert_contains(err.msg, "too large");
}

static void test_format(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(sc_format_carbon(850, b, sizeof(b)), "850 gCO2e");
	assert_string_equal(sc_format_carbon(1234, b, sizeof(b)), "1.23 kgCO2e");
	assert_string_equal(sc_format_carbon(4.56e6, b, sizeof(b)), "4.56 tCO2e");
	assert_string_equal(sc_format_carbon(0.5, b, sizeof(b)), "0.5 gCO2e");
	assert_string_equal(sc_format_time(1764417600, b, sizeof(b)), "2025-11-29T12:00:00Z");
	assert_string_equal(sc_format_time(-1, b, sizeof(b)), "1969-12-31T23:59:59Z");
	assert_string_equal(sc_format_duration(3723, b, sizeof(b)), "01:02:03");
	assert_string_equal(sc_format_duration(90061, b, sizeof(b)), "1-01:01:01");
	assert_string_equal(sc_format_duration(SC_DURATION_UNLIMITED, b, sizeof(b)), "UNLIMITED");
	assert_string_equal(sc_format_delay(2700, b, sizeof(b)), "45 min");
	assert_string_equal(sc_format_delay(12600, b, sizeof(b)), "3 h 30 min");
	assert_string_equal(sc_format_delay(3600 * 26, b, sizeof(b)), "1 d 2 h");
	assert_string_equal(sc_format_delay(3599 + 3600, b, sizeof(b)), "2 h");
	/* round trips */
	for (int64_t s = 0; s < 400 * 86400; s += 7919) {
		int64_t back;
		if (s > 365LL * 86400)
			break;
		sc_format_duration(s, b, sizeof(b));
		assert_int_equal(sc_parse_duration(b, 0, &back, NULL), 0);
		assert_int_equal(back, s);
	}
	for (int64_t t = 0; t < 4102444800LL; t += 86400 * 37 + 3607) {
		int64_t back;
		sc_format_time(t, b, sizeof(b));
		assert_int_equal(sc_parse_time(b, 0, &back, NULL), 0);
		assert_int_equal(back, t);
	}
}

static void test_err(void **state)
{
	struct sc_err err;
	struct sc_diag d = { 0 };

	(void)state;
	assert_int_equal(sc_err_set(&err, "x=%d", 5), -1);
	assert_string_equal(err.msg, "x=5");
	sc_err_prefix(&err, "f:%d: ", 3);
	assert_string_equal(err.msg, "f:3: x=5");
	sc_err_clear(&err);
	assert_string_equal(err.msg, "");
	assert_int_equal(sc_err_set(NULL, "ignored"), -1);
	for (int i = 0; i < 20; i++)
		sc_diag_add(&d, "e%d", i);
	assert_int_equal(d.n, 20);
	assert_string_equal(d.msgs[19], "e19");
	sc_diag_free(&d);
	assert_int_equal(d.n, 0);
	sc_diag_free(NULL);
}

/* The GPUs of a TRES string as slurmctld reports it: the untyped gres/gpu
 * entry only; none is 0; a bad count is an error. */
static void test_tres_gpus(void **state)
{
	struct sc_err err;
	uint32_t g = 7;

	(void)state;
	assert_int_equal(sc_parse_tres_gpus("cpu=64,mem=250G,node=4,billing=64,gres/gpu=8,gres/gpu:a100=8", &g, &err), 0);
	assert_int_equal(g, 8);
	assert_int_equal(sc_parse_tres_gpus("gres/gpu:a100=2,gres/gpu=3", &g, &err), 0);
	assert_int_equal(g, 3);
	assert_int_equal(sc_parse_tres_gpus("cpu=4,mem=1G,node=1,billing=4", &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(sc_parse_tres_gpus("gres/gpumem=80G", &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(sc_parse_tres_gpus(NULL, &g, &err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(sc_parse_tres_gpus("gres/gpu=4294967295", &g, &err), 0);
	assert_int_equal(g, 4294967295u);
	const char *bad[] = { "gres/gpu=", "gres/gpu=x", "cpu=1,gres/gpu=2x", "gres/gpu=4294967296",
			      "gres/gpu=99999999999999999999", "gres/gpu=-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(sc_parse_tres_gpus(bad[i], &g, &err), -1);
		assert_contains(err.msg, "expected gres/gpu=N");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carbon),
		cmocka_unit_test(test_tres_gpus),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_overflow_and_escapes),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_percent_number_bool),
		cmocka_unit_test(test_mem_gpus),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
