/* slurm-carbon: tests for forecast/series.c.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <math.h>

#include "forecast/series.h"
#include "base/units.h"

#define MIN 60
#define HOUR 3600
#define DAY 86400
#define WEEK (7 * DAY)

/* 2021-03-01 00:00:00 UTC, a Monday. */
static int64_t base(void)
{
	return sc_epoch_from_utc(2021, 3, 1, 0, 0, 0);
}

/* A series of points (base + minutes[i] minutes, values[i]). */
static struct sc_series *make(const int *minutes, const double *values, size_t n)
{
	struct sc_series *s = sc_series_create();
	struct sc_err err = { "" };

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		if (sc_series_append(s, base() + minutes[i] * MIN, values[i], &err) < 0)
			fail_msg("append %zu: %s", i, err.msg);
	return s;
}

static void test_append_validation(void **state)
{
	struct sc_series *s = sc_series_create();
	struct sc_err err = { "" };
	int64_t t = base();

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->signal, SC_SIGNAL_AVERAGE);
	assert_null(s->source);
	assert_int_equal(sc_series_append(s, t, 350, &err), 0);
	assert_int_equal(sc_series_append(s, t + 900, 0, &err), 0);
	assert_int_equal(sc_series_append(s, t + 1800, SC_INTENSITY_MAX, &err), 0);

	assert_int_equal(sc_series_append(s, t + 1800, 100, &err), -1);
	assert_contains(err.msg, "2021-03-01T00:30:00Z is not after the previous point's 2021-03-01T00:30:00Z");
	assert_int_equal(sc_series_append(s, t, 100, &err), -1);
	assert_contains(err.msg, "strictly increasing");
	assert_int_equal(sc_series_append(s, t + 2700, NAN, &err), -1);
	assert_contains(err.msg, "outside 0..3000 gCO2e/kWh");
	assert_int_equal(sc_series_append(s, t + 2700, INFINITY, &err), -1);
	assert_contains(err.msg, "inf");
	assert_int_equal(sc_series_append(s, t + 2700, -0.5, &err), -1);
	assert_contains(err.msg, "intensity -0.5 at 2021-03-01T00:45:00Z is outside 0..3000");
	assert_int_equal(sc_series_append(s, t + 2700, 3000.01, &err), -1);
	assert_contains(err.msg, "3000.01");
	assert_int_equal(sc_series_append(s, SC_SERIES_TIME_MAX + 1, 1, &err), -1);
	assert_contains(err.msg, "outside the years 1970..9999");
	/* Rejected points leave the series as it was; NULL err is fine. */
	assert_int_equal(sc_series_append(s, t, -1, NULL), -1);
	assert_int_equal(s->n, 3);
	assert_true(s->v[2] == SC_INTENSITY_MAX);

	/* Growth past the first allocation keeps every point. */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sc_series_append(s, t + 3600 + i * 60, i % 3000, &err), 0);
	assert_int_equal(s->n, 1003);
	assert_true(s->t[1002] == t + 3600 + 999 * 60);
	assert_true(s->v[1002] == 999);

	assert_int_equal(sc_series_set_source(s, "file:/x.csv"), 0);
	assert_string_equal(s->source, "file:/x.csv");
	assert_int_equal(sc_series_set_source(s, NULL), 0);
	assert_null(s->source);
	assert_int_equal(sc_series_set_source(s, "again"), 0);
	sc_series_destroy(s);
	sc_series_destroy(NULL);
}

static void test_step_and_end(void **state)
{
	struct sc_series *s = sc_series_create();
	static const int m1[] = { 0, 15, 30, 60, 75, 90, 150 }; /* 15 ×4, 30, 60 */
	static const int m2[] = { 0, 30, 60, 75, 90 };          /* 30 ×2, 15 ×2: tie */
	static const int m3[] = { 0, 60, 120, 150, 270 };       /* 60 ×2 beats 30, 120 */
	double v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	assert_true(sc_series_step(s) == 3600);
	assert_true(sc_series_end(s) == 0);
	assert_int_equal(sc_series_append(s, base(), 5, NULL), 0);
	assert_true(sc_series_step(s) == 3600);
	assert_true(sc_series_end(s) == base() + 3600);
	sc_series_destroy(s);

	s = make(m1, v, 7);
	assert_true(sc_series_step(s) == 15 * MIN);
	assert_true(sc_series_end(s) == base() + 165 * MIN);
	sc_series_destroy(s);
	s = make(m2, v, 5);
	assert_true(sc_series_step(s) == 15 * MIN);
	sc_series_destroy(s);
	s = make(m3, v, 5);
	assert_true(sc_series_step(s) == HOUR);
	assert_true(sc_series_end(s) == base() + 330 * MIN);
	sc_series_destroy(s);
}

/* Irregular 15/30-minute data (nominal step 15 min) with a 60-minute gap
 * (02:00 to 03:00) and a 20-hour gap (04:00 to the next day). */
static const int irr_min[] = { 0, 15, 30, 60, 75, 90, 105, 180, 195, 210, 225, 1440, 1455 };
static const double irr_val[] = { 100, 200, 300, 400, 500, 600, 700, 1000, 1000, 1000, 1000, 50, 50 };
#define IRR_N (sizeof(irr_min) / sizeof(irr_min[0]))

static void test_grid_irregular(void **state)
{
	struct sc_series *s = make(irr_min, irr_val, IRR_N);
	struct sc_err err = { "" };
	struct sc_grid *g;

	(void)state;
	assert_true(sc_series_step(s) == 15 * MIN);

	/* Hourly, gaps up to an hour interpolated: the 30-minute difference
	 * 00:30-01:00 holds 300 for 15 min, then runs linearly 300 -> 400;
	 * 02:00-03:00 runs 700 -> 1000; the 20-hour gap ends the grid. */
	g = sc_series_to_grid(s, 3600, 0, 0, 3600, &err);
	assert_non_null(g);
	assert_true(g->start == base());
	assert_true(g->step == 3600);
	assert_int_equal(g->n, 4);
	assert_near(g->v[0], (100 + 200 + 300 + 350) / 4.0, 1e-9);
	assert_near(g->v[1], 550, 1e-9);
	assert_near(g->v[2], 850, 1e-9);
	assert_near(g->v[3], 1000, 1e-9);
	sc_grid_destroy(g);

	/* Half-hour slots see the shape of the interpolation. */
	g = sc_series_to_grid(s, 1800, 0, 0, 3600, &err);
	assert_non_null(g);
	assert_int_equal(g->n, 8);
	assert_near(g->v[0], 150, 1e-9);
	assert_near(g->v[1], 325, 1e-9);
	assert_near(g->v[2], 450, 1e-9);
	assert_near(g->v[3], 650, 1e-9);
	assert_near(g->v[4], 775, 1e-9);
	assert_near(g->v[5], 925, 1e-9);
	assert_near(g->v[6], 1000, 1e-9);
	sc_grid_destroy(g);

	/* A 30-minute MaxGap: the hour 02:00-03:00 is too long, the grid ends
	 * at 02:00 (the 15-minute gap 00:45-01:00 is still filled). */
	g = sc_series_to_grid(s, 3600, 0, 0, 1800, &err);
	assert_non_null(g);
	assert_int_equal(g->n, 2);
	assert_near(g->v[0], 237.5, 1e-9);
	sc_grid_destroy(g);
	/* No interpolation at all: the hold of 00:30 ends at 00:45. */
	g = sc_series_to_grid(s, 900, 0, 0, 0, &err);
	assert_non_null(g);
	assert_int_equal(g->n, 3);
	sc_grid_destroy(g);

	/* The series' own step (0). */
	g = sc_series_to_grid(s, 0, 0, 0, 3600, &err);
	assert_non_null(g);
	assert_true(g->step == 900);
	assert_int_equal(g->n, 16);
	assert_near(g->v[3], 350, 1e-9);
	sc_grid_destroy(g);

	/* [from, to): the slot holding `from` (covered from its start) to the
	 * slot holding `to`, inside the covered stretch. */
	g = sc_series_to_grid(s, 3600, base() + 70 * MIN, base() + 130 * MIN, 3600, &err);
	assert_non_null(g);
	assert_true(g->start == base() + HOUR);
	assert_int_equal(g->n, 2);
	assert_near(g->v[0], 550, 1e-9);
	sc_grid_destroy(g);
	/* `from` before the series: from its start. */
	g = sc_series_to_grid(s, 3600, base() - DAY, base() + 2 * HOUR, 3600, &err);
	assert_non_null(g);
	assert_true(g->start == base());
	assert_int_equal(g->n, 2);
	sc_grid_destroy(g);
	/* `from` inside the long gap: the stretch after it. */
	g = sc_series_to_grid(s, 900, base() + 10 * HOUR, 0, 3600, &err);
	assert_non_null(g);
	assert_true(g->start == base() + DAY);
	assert_int_equal(g->n, 2);
	assert_near(g->v[1], 50, 1e-9);
	sc_grid_destroy(g);
	/* ... where no whole hour is covered. */
	g = sc_series_to_grid(s, 3600, base() + 10 * HOUR, 0, 3600, &err);
	assert_null(g);
	assert_contains(err.msg, "no whole 3600 s slot is covered from 2021-03-01T10:00:00Z");
	/* Past the end. */
	g = sc_series_to_grid(s, 900, base() + 2 * DAY, 0, 3600, &err);
	assert_null(g);
	assert_contains(err.msg, "the series runs from 2021-03-01T00:00:00Z to 2021-03-02T00:30:00Z");
	/* A grid step that is not aligned with the data: whole slots only. */
	g = sc_series_to_grid(s, 7 * MIN, 0, 0, 3600, &err);
	assert_non_null(g);
	assert_true(g->start == (base() + 7 * MIN - 1) / (7 * MIN) * (7 * MIN));
	assert_true(g->start > base());
	assert_true(sc_grid_end(g) == (base() + 240 * MIN) / (7 * MIN) * (7 * MIN));
	sc_grid_destroy(g);

	assert_null(sc_series_to_grid(s, -900, 0, 0, 3600, &err));
	assert_contains(err.msg, "invalid grid step -900 s");
	sc_series_destroy(s);

	s = sc_series_create();
	assert_null(sc_series_to_grid(s, 0, 0, 0, 0, &err));
	assert_contains(err.msg, "no points");
	sc_series_destroy(s);
}

static void test_mean(void **state)
{
	struct sc_series *s = make(irr_min, irr_val, IRR_N);
	double m = -1;

	(void)state;
	assert_int_equal(sc_series_mean(s, base(), base() + HOUR, 3600, &m), 0);
	assert_near(m, 237.5, 1e-9);
	/* 00:40-01:20: 300 for 5 min, 300->400 over 15, 400 and 500 for 15 and 5. */
	assert_int_equal(sc_series_mean(s, base() + 40 * MIN, base() + 80 * MIN, 3600, &m), 0);
	assert_near(m, (300 * 5 + 350 * 15 + 400 * 15 + 500 * 5) / 40.0, 1e-9);
	/* Inside the interpolated hour: 02:15-02:45 runs 775 -> 925. */
	assert_int_equal(sc_series_mean(s, base() + 135 * MIN, base() + 165 * MIN, 3600, &m), 0);
	assert_near(m, 850, 1e-9);
	m = -7;
	assert_int_equal(sc_series_mean(s, base() + 135 * MIN, base() + 165 * MIN, 1800, &m), -1);
	assert_int_equal(sc_series_mean(s, base() + 3 * HOUR, base() + 5 * HOUR, 3600, &m), -1);
	assert_int_equal(sc_series_mean(s, base() - 1, base() + HOUR, 3600, &m), -1);
	assert_int_equal(sc_series_mean(s, base() + DAY, base() + DAY + 31 * MIN, 3600, &m), -1);
	assert_int_equal(sc_series_mean(s, base() + HOUR, base() + HOUR, 3600, &m), -1);
	assert_true(m == -7);
	assert_int_equal(sc_series_mean(s, base() + DAY, base() + DAY + 30 * MIN, 3600, &m), 0);
	assert_near(m, 50, 1e-9);
	sc_series_destroy(s);
}

/* --- brute force --------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The most common difference, counted the slow way. */
static int64_t brute_step(const struct sc_series *s)
{
	int64_t best = 3600;
	size_t best_count = 0;

	for (size_t i = 0; i + 1 < s->n; i++) {
		int64_t d = s->t[i + 1] - s->t[i];
		size_t c = 0;

		for (size_t j = 0; j + 1 < s->n; j++)
			c += s->t[j + 1] - s->t[j] == d;
		if (c > best_count || (c == best_count && d < best)) {
			best_count = c;
			best = d;
		}
	}
	return best;
}

/* The series as a function, straight from the definition; NAN where it is
 * not covered. */
static double brute_at(const struct sc_series *s, int64_t step, int64_t max_gap, double u)
{
	size_t i = 0;
	double hold_end, next;

	if (u < (double)s->t[0])
		return NAN;
	while (i + 1 < s->n && (double)s->t[i + 1] <= u)
		i++;
	hold_end = (double)(s->t[i] + step);
	if (i + 1 < s->n && (double)s->t[i + 1] < hold_end)
		hold_end = (double)s->t[i + 1];
	if (u < hold_end)
		return s->v[i];
	if (i + 1 == s->n)
		return NAN;
	next = (double)s->t[i + 1];
	if (next - hold_end > (double)max_gap)
		return NAN;
	return s->v[i] + (s->v[i + 1] - s->v[i]) * (u - hold_end) / (next - hold_end);
}

/* Mean over [t0, t1) by the midpoint rule on 60-second cells: exact here,
 * since every piece starts and ends on a multiple of 300 s and is constant
 * or linear. NAN if any part is not covered. */
static double brute_mean(const struct sc_series *s, int64_t step, int64_t max_gap, int64_t t0, int64_t t1)
{
	double sum = 0;

	for (int64_t u = t0; u < t1; u += 60) {
		double f = brute_at(s, step, max_gap, (double)u + 30);

		if (isnan(f))
			return NAN;
		sum += f * 60;
	}
	return sum / (double)(t1 - t0);
}

static void test_brute_force(void **state)
{
	static const int64_t diffs[] = { 900, 900, 900, 900, 1800, 1800, 3600, 300 };
	static const int64_t gaps[] = { 0, 1800, 3600, 7200 };
	static const int64_t steps[] = { 900, 1800, 3600, 0 };
	int checked_slots = 0, checked_means = 0, uncovered = 0, truncated = 0;

	(void)state;
	for (int iter = 0; iter < 120; iter++) {
		struct sc_series *s = sc_series_create();
		struct sc_err err = { "" };
		int64_t t = base() + (int64_t)(rnd() % 12) * 300, max_gap = gaps[rnd() % 4];
		int64_t gstep = steps[rnd() % 4], nominal, end_cov;
		size_t n = 10 + rnd() % 40;
		struct sc_grid *g;

		for (size_t i = 0; i < n; i++) {
			assert_int_equal(sc_series_append(s, t, (double)(rnd() % 300001) / 100.0, &err), 0);
			t += rnd() % 10 ? diffs[rnd() % 8] : 300 * (int64_t)(1 + rnd() % 40);
		}
		nominal = brute_step(s);
		assert_true(sc_series_step(s) == nominal);
		if (!gstep)
			gstep = nominal;

		/* The grid from the start: whole slots up to the first second
		 * that is not covered. */
		end_cov = s->t[0];
		while (end_cov < s->t[s->n - 1] + nominal &&
		       !isnan(brute_at(s, nominal, max_gap, (double)end_cov + 30)))
			end_cov += 60;
		g = sc_series_to_grid(s, gstep, 0, 0, max_gap, &err);
		{
			int64_t start = (s->t[0] + gstep - 1) / gstep * gstep, end = end_cov / gstep * gstep;

			if (end <= start) {
				assert_null(g);
				assert_contains(err.msg, "no whole");
			} else {
				assert_non_null(g);
				assert_true(g->start == start);
				assert_true(sc_grid_end(g) == end);
				truncated += end_cov < s->t[s->n - 1] + nominal;
				for (size_t k = 0; k < g->n; k++) {
					int64_t a = g->start + (int64_t)k * gstep;

					assert_near(g->v[k], brute_mean(s, nominal, max_gap, a, a + gstep), 1e-7);
					checked_slots++;
				}
				/* Window means on the grid (prefix sums) agree too. */
				for (int w = 0; w < 10; w++) {
					int64_t a = g->start + (int64_t)(rnd() % g->n) * gstep;
					int64_t b = a + (int64_t)(1 + rnd() % (size_t)((sc_grid_end(g) - a) / gstep)) * gstep;
					double m;

					assert_int_equal(sc_grid_mean(g, a, b, &m), 0);
					assert_near(m, brute_mean(s, nominal, max_gap, a, b), 1e-7);
				}
			}
			sc_grid_destroy(g);
		}

		/* sc_series_mean on random minute-aligned windows. */
		for (int w = 0; w < 20; w++) {
			int64_t span = s->t[s->n - 1] + nominal - s->t[0] + 1200;
			int64_t a = s->t[0] - 600 + (int64_t)(rnd() % (uint64_t)(span / 60)) * 60;
			int64_t b = a + 60 * (int64_t)(1 + rnd() % 300);
			double want = brute_mean(s, nominal, max_gap, a, b), got = -1;

			if (isnan(want)) {
				assert_int_equal(sc_series_mean(s, a, b, max_gap, &got), -1);
				uncovered++;
			} else {
				assert_int_equal(sc_series_mean(s, a, b, max_gap, &got), 0);
				assert_near(got, want, 1e-7);
				checked_means++;
			}
		}
		sc_series_destroy(s);
	}
	/* The random cases did exercise every branch. */
	assert_true(checked_slots > 1000);
	assert_true(checked_means > 500);
	assert_true(uncovered > 50);
	assert_true(truncated > 10);
}

/* --- replay ---------------------------------------------------------------- */

/* Hourly from Monday 2021-01-04 00:00 UTC for `weeks` weeks; each value
 * encodes its week (× 50) and its hour of the week (× 0.25). */
static int64_t rep_t0(void)
{
	return sc_epoch_from_utc(2021, 1, 4, 0, 0, 0);
}

static struct sc_series *weekly_source(int64_t hours)
{
	struct sc_series *s = sc_series_create();

	assert_non_null(s);
	for (int64_t h = 0; h < hours; h++)
		assert_int_equal(sc_series_append(s, rep_t0() + h * HOUR, (double)(h / 168) * 50 + (double)(h % 168) * 0.25, NULL), 0);
	assert_int_equal(sc_series_set_source(s, "file:DE.csv"), 0);
	return s;
}

/* Checks that every hour u of [ws, we) in r holds src's value at u − k(u)
 * weeks, and that this lands on the same weekday and hour. */
static void check_replay(const struct sc_series *r, int64_t ws, int64_t we, int64_t (*k_of)(int64_t, void *),
			 void *arg)
{
	for (int64_t u = ws / HOUR * HOUR; u < we; u += HOUR) {
		int64_t k = k_of(u, arg), src_t = u - k * WEEK, h = (src_t - rep_t0()) / HOUR;
		double got;

		assert_int_equal(sc_series_mean(r, u, u + HOUR, 0, &got), 0);
		assert_near(got, (double)(h / 168) * 50 + (double)(h % 168) * 0.25, 1e-9);
		/* Same weekday and time of day as the source point. */
		assert_int_equal(sc_weekday(u), sc_weekday(src_t));
		assert_true((u % DAY) == (src_t % DAY));
		assert_int_equal((int)(h % 168), sc_weekday(u) * 24 + (int)(u % DAY / HOUR));
	}
}

static int64_t const_k(int64_t u, void *arg)
{
	(void)u;
	return *(int64_t *)arg;
}

static void test_replay_52_weeks(void **state)
{
	struct sc_series *src = weekly_source(60 * 168); /* 2021-01-04 to 2022-02-28 */
	struct sc_err err = { "" };
	int64_t now = sc_epoch_from_utc(2022, 3, 16, 10, 20, 0), k = 52;
	struct sc_series *r;
	struct sc_grid *g;

	(void)state;
	/* Shifts of 3 to 62 weeks fit; 52 is preferred over 3. */
	r = sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err);
	assert_non_null(r);
	assert_string_equal(r->source, "file:DE.csv (replay weekly)");
	check_replay(r, now - DAY, now + 72 * HOUR, const_k, &k);
	g = sc_series_to_grid(r, 0, now - DAY, now + 72 * HOUR, 0, &err);
	assert_non_null(g);
	assert_true(g->start <= now - DAY);
	assert_true(sc_grid_end(g) >= now + 72 * HOUR);
	sc_grid_destroy(g);
	sc_series_destroy(r);

	/* Years later: the smallest multiple of 52 weeks that fits (208 weeks
	 * back from January 2026 is January 2022; 156 would be 2023, past
	 * the data), still the same weekday and time of day. */
	now = sc_epoch_from_utc(2026, 1, 14, 23, 0, 0);
	r = sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err);
	assert_non_null(r);
	k = 208;
	check_replay(r, now - DAY, now + 72 * HOUR, const_k, &k);
	/* Only the neighbourhood of the window is kept. */
	assert_true(r->n <= (size_t)(72 + 24 + 2 * 168));
	sc_series_destroy(r);
	sc_series_destroy(src);
}

static void test_replay_whole_weeks(void **state)
{
	struct sc_series *src = weekly_source(10 * 168); /* 2021-01-04 to 2021-03-15 */
	struct sc_err err = { "" };
	int64_t now = sc_epoch_from_utc(2021, 4, 7, 13, 0, 0), k;
	struct sc_series *r;

	(void)state;
	/* No multiple of 52 fits: the smallest number of weeks that does. */
	k = (now + 72 * HOUR - sc_series_end(src) + WEEK - 1) / WEEK;
	assert_true(k == 4);
	r = sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err);
	assert_non_null(r);
	check_replay(r, now - DAY, now + 72 * HOUR, const_k, &k);
	sc_series_destroy(r);

	/* Data that cover the window already: no shift. */
	now = sc_epoch_from_utc(2021, 2, 10, 0, 0, 0);
	k = 0;
	r = sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err);
	assert_non_null(r);
	check_replay(r, now - DAY, now + 72 * HOUR, const_k, &k);
	sc_series_destroy(r);
	sc_series_destroy(src);
}

struct repeat_arg {
	int64_t t0, end;
};

/* j >= 0, the smallest with u − j weeks inside [t0, end). */
static int64_t smallest_j(int64_t u, void *arg)
{
	const struct repeat_arg *a = arg;

	for (int64_t j = 0;; j++)
		if (u - j * WEEK >= a->t0 && u - j * WEEK < a->end)
			return j;
}

static void test_replay_repeat(void **state)
{
	struct sc_series *src = weekly_source(8 * 24); /* 8 days */
	struct sc_err err = { "" };
	struct repeat_arg arg = { rep_t0(), rep_t0() + 8 * DAY };
	int64_t now = rep_t0() + 2 * DAY + 5 * HOUR;
	struct sc_series *r;

	(void)state;
	/* A 10-day window on 8 days of data: the last week again and again. */
	r = sc_series_replay_weekly(src, now, DAY, 9 * DAY, &err);
	assert_non_null(r);
	check_replay(r, now - DAY, now + 9 * DAY, smallest_j, &arg);
	sc_series_destroy(r);

	/* A 4-day window that no whole-week shift fits into (4 weeks back it
	 * runs past the data, 5 weeks back it starts before): the same rule. */
	now = rep_t0() + 34 * DAY;
	r = sc_series_replay_weekly(src, now, DAY, 3 * DAY, &err);
	assert_non_null(r);
	check_replay(r, now - DAY, now + 3 * DAY, smallest_j, &arg);
	sc_series_destroy(r);

	/* Far in the future: only the copies near the window are built. */
	now = rep_t0() + 400 * WEEK + 3 * HOUR;
	r = sc_series_replay_weekly(src, now, DAY, 3 * DAY, &err);
	assert_non_null(r);
	check_replay(r, now - DAY, now + 3 * DAY, smallest_j, &arg);
	assert_true(r->n <= 4 * 168);
	sc_series_destroy(r);
	sc_series_destroy(src);
}

static void test_replay_errors(void **state)
{
	struct sc_series *src = weekly_source(6 * 24 + 23); /* 6 days 23 h */
	struct sc_err err = { "" };
	int64_t now = rep_t0() + 30 * DAY;

	(void)state;
	assert_null(sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err));
	assert_contains(err.msg, "Replay=weekly needs at least one week of data");
	assert_contains(err.msg, "2021-01-04T00:00:00Z to 2021-01-10T23:00:00Z");
	sc_series_destroy(src);

	/* One week exactly is enough: repeated week after week. */
	src = weekly_source(7 * 24);
	{
		struct repeat_arg arg = { rep_t0(), rep_t0() + WEEK };
		struct sc_series *r = sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err);

		if (!r)
			fail_msg("%s", err.msg);
		check_replay(r, now - DAY, now + 72 * HOUR, smallest_j, &arg);
		sc_series_destroy(r);
	}
	/* A window that ends before the data begin. */
	assert_null(sc_series_replay_weekly(src, rep_t0() - 10 * DAY, DAY, 72 * HOUR, &err));
	assert_contains(err.msg, "onto a window that ends before");
	sc_series_destroy(src);

	src = sc_series_create();
	assert_null(sc_series_replay_weekly(src, now, DAY, 72 * HOUR, &err));
	assert_contains(err.msg, "empty series");
	sc_series_destroy(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_validation),
		cmocka_unit_test(test_step_and_end),
		cmocka_unit_test(test_grid_irregular),
		cmocka_unit_test(test_mean),
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_replay_52_weeks),
		cmocka_unit_test(test_replay_whole_weeks),
		cmocka_unit_test(test_replay_repeat),
		cmocka_unit_test(test_replay_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
