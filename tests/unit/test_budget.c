/* slurm-carbon: tests of budget/ — periods (month, quarter and year boundaries in UTC,
 * repeating fixed periods), matching jobs to budgets, the ledger's round trip and its
 * refusal of corrupt files, verdicts and messages.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/units.h"
#include "budget/budget.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return sc_test_scratch_make(dir, sizeof(dir), "budget");
}

static int teardown(void **state)
{
	(void)state;
	return sc_test_scratch_remove(dir);
}

#define T(y, mo, d, h, mi, s) sc_epoch_from_utc(y, mo, d, h, mi, s)

static void period_is(enum sc_budget_period p, int64_t t, int64_t want_start, int64_t want_end)
{
	struct sc_budget b = { .name = "b", .account = "a", .limit_g = 1, .period = p };
	int64_t s = -1, e = -1;

	assert_int_equal(sc_budget_period_at(&b, t, &s, &e), 1);
	assert_int_equal(s, want_start);
	assert_int_equal(e, want_end);
}

static void test_periods(void **state)
{
	(void)state;
	period_is(SC_PERIOD_MONTH, T(2026, 2, 14, 12, 0, 0), T(2026, 2, 1, 0, 0, 0), T(2026, 3, 1, 0, 0, 0));
	period_is(SC_PERIOD_MONTH, T(2026, 12, 31, 23, 59, 59), T(2026, 12, 1, 0, 0, 0), T(2027, 1, 1, 0, 0, 0));
	/* Quarter boundaries: the last second of Q1 and the first of Q2. */
	period_is(SC_PERIOD_QUARTER, T(2026, 3, 31, 23, 59, 59), T(2026, 1, 1, 0, 0, 0), T(2026, 4, 1, 0, 0, 0));
	period_is(SC_PERIOD_QUARTER, T(2026, 4, 1, 0, 0, 0), T(2026, 4, 1, 0, 0, 0), T(2026, 7, 1, 0, 0, 0));
	period_is(SC_PERIOD_QUARTER, T(2026, 11, 5, 0, 0, 0), T(2026, 10, 1, 0, 0, 0), T(2027, 1, 1, 0, 0, 0));
	period_is(SC_PERIOD_YEAR, T(2026, 12, 31, 23, 59, 59), T(2026, 1, 1, 0, 0, 0), T(2027, 1, 1, 0, 0, 0));
	period_is(SC_PERIOD_YEAR, T(2027, 1, 1, 0, 0, 0), T(2027, 1, 1, 0, 0, 0), T(2028, 1, 1, 0, 0, 0));
	period_is(SC_PERIOD_YEAR, T(2024, 2, 29, 6, 0, 0), T(2024, 1, 1, 0, 0, 0), T(2025, 1, 1, 0, 0, 0));
}

static void test_fixed_periods(void **state)
{
	struct sc_budget b = { .name = "b", .user = "u", .limit_g = 1, .period = SC_PERIOD_FIXED,
			       .start = 1000, .length = 100 };
	int64_t s = 7, e = 7;

	(void)state;
	assert_int_equal(sc_budget_period_at(&b, 999, &s, &e), 0);
	assert_int_equal(s, 7);
	assert_int_equal(sc_budget_period_at(&b, 1000, &s, &e), 1);
	assert_int_equal(s, 1000);
	assert_int_equal(e, 1100);
	assert_int_equal(sc_budget_period_at(&b, 1250, &s, &e), 1);
	assert_int_equal(s, 1200);
	assert_int_equal(e, 1300);
}

static void test_matching(void **state)
{
	struct sc_budget acct = { .name = "a", .account = "physics", .limit_g = 1 };
	struct sc_budget user = { .name = "u", .user = "alice", .limit_g = 1 };
	struct sc_budget both = { .name = "b", .account = "physics", .user = "alice", .limit_g = 1 };

	(void)state;
	assert_true(sc_budget_matches(&acct, "bob", "physics"));
	assert_true(sc_budget_matches(&acct, NULL, "Physics"));
	assert_false(sc_budget_matches(&acct, "bob", "chem"));
	assert_false(sc_budget_matches(&acct, "bob", NULL));
	assert_true(sc_budget_matches(&user, "alice", NULL));
	assert_false(sc_budget_matches(&user, "Alice", "physics"));
	assert_true(sc_budget_matches(&both, "alice", "physics"));
	assert_false(sc_budget_matches(&both, "alice", "chem"));
	assert_false(sc_budget_matches(&both, "bob", "physics"));
}

static void test_ledger_round_trip(void **state)
{
	struct sc_budget b = { .name = "physics", .account = "physics", .limit_g = 500000,
			       .period = SC_PERIOD_QUARTER };
	struct sc_ledger l = { 0 }, r;
	struct sc_ledger_entry *e;
	const struct sc_ledger_entry *f;
	struct sc_err err;
	char *path = sc_ledger_path(dir, &err);
	int64_t now = T(2026, 5, 10, 0, 0, 0);

	(void)state;
	assert_non_null(path);
	assert_int_equal(sc_ledger_load(&r, path, &err), 0); /* none yet */
	assert_int_equal(r.n, 0);
	l.computed = now;
	e = sc_ledger_add(&l, &b, now);
	assert_non_null(e);
	e->actual_g = 1234.5;
	e->estimated_g = 66.25;
	e->jobs = 7;
	assert_int_equal(sc_ledger_save(&l, path, &err), 0);
	assert_int_equal(sc_ledger_load(&r, path, &err), 1);
	assert_int_equal(r.computed, now);
	f = sc_ledger_find(&r, "physics", T(2026, 4, 1, 0, 0, 0));
	assert_non_null(f);
	assert_int_equal(f->end, T(2026, 7, 1, 0, 0, 0));
	assert_true(f->actual_g == 1234.5 && f->estimated_g == 66.25 && f->limit_g == 500000);
	assert_int_equal(f->jobs, 7);
	assert_null(sc_ledger_find(&r, "physics", T(2026, 1, 1, 0, 0, 0)));
	sc_ledger_free(&r);
	sc_ledger_free(&l);
	free(path);
	assert_null(sc_ledger_path("", &err));
	assert_non_null(strstr(err.msg, "StateDir"));
}

static void corrupt(const char *text, const char *want)
{
	char path[128];
	struct sc_ledger l;
	struct sc_err err = { "" };
	FILE *f;

	snprintf(path, sizeof(path), "%s/budgets.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(sc_ledger_load(&l, path, &err), -1);
	assert_int_equal(l.n, 0);
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not say '%s'", err.msg, want);
}

static void test_ledger_corrupt(void **state)
{
	(void)state;
	/* A FIFO in its place is refused at once, never waited on (alarm: a
	 * hang fails the test). */
	{
		char path[128];
		struct sc_ledger l;
		struct sc_err err = { "" };

		snprintf(path, sizeof(path), "%s/fifo.json", dir);
		assert_int_equal(mkfifo(path, 0600), 0);
		alarm(10);
		assert_int_equal(sc_ledger_load(&l, path, &err), -1);
		alarm(0);
		unlink(path);
		assert_contains(err.msg, "budget ledger ");
		assert_contains(err.msg, "fifo.json is a FIFO, not a regular file: expected a regular file");
		assert_int_equal(l.n, 0);
	}
	corrupt("{\"v\":1,\"computed\":5,\"budgets\":{\"a\\u001b\":{\"start\":1,\"end\":2,\"limit_g\":1,"
		"\"actual_g\":-1,\"estimated_g\":0,\"jobs\":0}}}", "budget a\\x1b: expected");
	corrupt("{\"v\":1,\"computed\":5,", "not a budget ledger");
	corrupt("[]", "expected {\"v\":1");
	corrupt("{\"v\":2,\"computed\":5,\"budgets\":{}}", "expected {\"v\":1");
	corrupt("{\"v\":1,\"budgets\":{}}", "expected {\"v\":1");
	corrupt("{\"v\":1,\"computed\":5,\"budgets\":{\"a\":{\"start\":1,\"end\":2,\"limit_g\":1,"
		"\"actual_g\":-1,\"estimated_g\":0,\"jobs\":0}}}", "budget a: expected");
	corrupt("{\"v\":1,\"computed\":5,\"budgets\":{\"a\":{\"start\":3,\"end\":2,\"limit_g\":1,"
		"\"actual_g\":1,\"estimated_g\":0,\"jobs\":0}}}", "budget a: expected");
	corrupt("{\"v\":1,\"computed\":5,\"budgets\":{\"a\":{\"start\":1,\"end\":2,\"limit_g\":1,"
		"\"actual_g\":1,\"estimated_g\":0}}}", "budget a: expected");
	corrupt("{\"v\":1,\"computed\":5,\"budgets\":{\"a\":1,\"a\":2}}", "not a budget ledger");
}

static void test_verdict_and_message(void **state)
{
	struct sc_budget b = { .name = "physics", .account = "physics", .limit_g = 1000, .warn_pct = 80 };
	char m[512];

	(void)state;
	assert_int_equal(sc_budget_verdict(&b, 500, 100), SC_BV_OK);
	assert_int_equal(sc_budget_verdict(&b, 700, 200), SC_BV_WARN);
	assert_int_equal(sc_budget_verdict(&b, 900, 100), SC_BV_WARN); /* exactly the limit fits */
	assert_int_equal(sc_budget_verdict(&b, 900, 101), SC_BV_OVER);
	b.warn_pct = 0;
	assert_int_equal(sc_budget_verdict(&b, 700, 200), SC_BV_OK);
	sc_budget_message(&b, 900, 150, T(2026, 7, 1, 0, 0, 0), "job rejected", m, sizeof(m));
	assert_non_null(strstr(m, "carbon budget physics"));
	assert_non_null(strstr(m, "900 gCO2e of 1 kgCO2e used (90%)"));
	assert_non_null(strstr(m, "estimate 150 gCO2e would make it 105%"));
	assert_non_null(strstr(m, "resets at 2026-07-01T00:00:00Z"));
	assert_non_null(strstr(m, "job rejected"));
}

/* sc_ledger_parse: the ledger's text read like the file, and what a message
 * quotes of it (a name, jansson's error text) printable (found by fuzzing:
 * control bytes were echoed raw). */
static void test_ledger_parse(void **state)
{
	static const char ok[] = "{\"v\":1,\"computed\":7,\"budgets\":{\"phys\":{\"start\":1,"
				 "\"end\":2,\"limit_g\":10,\"actual_g\":1.5,\"estimated_g\":0,\"jobs\":3}}}";
	static const char *const bad[] = {
		"{\"v\":1,\"computed\":5,\"budgets\":{\"a\\u001b[2J\":{\"start\":1}}}",
		"{\"v\":1,\"computed\":5,\"budgets\":{\"\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007"
		"\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007"
		"\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007"
		"\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007"
		"\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007"
		"\\u0007\\u0007\\u0007\\u0007\\u0007\":{}}}",
		"{\"v\":1,\x1b[2J",
		"{\"v\" \xff\xfe}",
	};
	struct sc_ledger l;
	struct sc_err err = { "" };

	(void)state;
	assert_int_equal(sc_ledger_parse(&l, ok, sizeof(ok) - 1, NULL, &err), 0);
	assert_int_equal(l.computed, 7);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.e[0].name, "phys");
	assert_int_equal(l.e[0].jobs, 3);
	sc_ledger_free(&l);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		assert_int_equal(sc_ledger_parse(&l, bad[i], strlen(bad[i]), "budgets.json", &err), -1);
		assert_int_equal(l.n, 0);
		assert_null(l.e);
		assert_non_null(strstr(err.msg, "budgets.json: "));
		if (!sc_test_printable(err.msg))
			fail_msg("not printable: %s", err.msg);
	}
	assert_int_equal(sc_ledger_parse(&l, NULL, 0, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "budgets.json: not a budget ledger"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_fixed_periods),
		cmocka_unit_test(test_matching),
		cmocka_unit_test_setup_teardown(test_ledger_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_corrupt, setup, teardown),
		cmocka_unit_test(test_verdict_and_message),
		cmocka_unit_test(test_ledger_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
