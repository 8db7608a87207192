/* slurm-carbon: intensity time series — load, validate, resample.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The series is read as a function of time built from pieces: point i holds
 * v[i] over [t[i], min(t[i+1], t[i] + step)) ("hold"); when t[i+1] is
 * further away than one nominal step, [t[i] + step, t[i+1]) is a gap, either
 * short (<= max_gap: a straight line from v[i] to v[i+1]) or long (not
 * covered). Every integral below walks these pieces exactly, so a grid slot,
 * a window mean and a brute-force integration agree to rounding.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/series.h"
#include "base/grow.h"
#include "base/units.h"

#define WEEK (7 * 86400LL)

/* The largest grid sc_grid_create accepts. */
#define GRID_MAX_SLOTS ((int64_t)1 << 26)

struct sc_series *sc_series_create(void)
{
	struct sc_series *s = calloc(1, sizeof(*s));

	if (s)
		s->signal = SC_SIGNAL_AVERAGE;
	return s;
}

void sc_series_destroy(struct sc_series *s)
{
	if (!s)
		return;
	free(s->t);
	free(s->v);
	free(s->source);
	free(s);
}

int sc_series_append(struct sc_series *s, int64_t t, double v, struct sc_err *err)
{
	char a[32], b[32];

	if (t < SC_SERIES_TIME_MIN || t > SC_SERIES_TIME_MAX)
		return sc_err_set(err, "time %lld is outside the years 1970..9999", (long long)t);
	if (s->n && t <= s->t[s->n - 1])
		return sc_err_set(err, "time %s is not after the previous point's %s: times must be strictly increasing",
				  sc_format_time(t, a, sizeof(a)),
				  sc_format_time(s->t[s->n - 1], b, sizeof(b)));
	if (!isfinite(v) || v < 0 || v > SC_INTENSITY_MAX)
		return sc_err_set(err, "intensity %g at %s is outside 0..%g gCO2e/kWh", v,
				  sc_format_time(t, a, sizeof(a)), SC_INTENSITY_MAX);
	if (s->n == s->cap) {
		/* Two arrays, one capacity (as rows_push in archive.c). */
		size_t ct = s->cap, cv = s->cap;

		if (SC_GROW(s->t, ct, s->n + 1) < 0 || SC_GROW(s->v, cv, s->n + 1) < 0)
			return sc_err_set(err, "out of memory");
		s->cap = ct < cv ? ct : cv;
	}
	s->t[s->n] = t;
	s->v[s->n] = v;
	s->n++;
	return 0;
}

int sc_series_set_source(struct sc_series *s, const char *src)
{
	char *copy = NULL;

	if (src && !(copy = strdup(src)))
		return -1;
	free(s->source);
	s->source = copy;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t sc_series_step(const struct sc_series *s)
{
	int64_t *d, best = 0;
	size_t m, best_count = 0;

	if (!s || s->n < 2)
		return 3600;
	m = s->n - 1;
	d = malloc(m * sizeof(*d));
	if (!d) {
		/* Out of memory: the smallest difference is the safest guess (it
		 * never turns a real point's hold into a gap). */
		best = s->t[1] - s->t[0];
		for (size_t i = 1; i < m; i++)
			if (s->t[i + 1] - s->t[i] < best)
				best = s->t[i + 1] - s->t[i];
		return best;
	}
	for (size_t i = 0; i < m; i++)
		d[i] = s->t[i + 1] - s->t[i];
	qsort(d, m, sizeof(*d), cmp_i64);
	/* Ascending order: a run only wins when strictly longer, so ties go to
	 * the smallest difference. */
	for (size_t i = 0; i < m;) {
		size_t j = i;

		while (j < m && d[j] == d[i])
			j++;
		if (j - i > best_count) {
			best_count = j - i;
			best = d[i];
		}
		i = j;
	}
	free(d);
	return best;
}

int64_t sc_series_end(const struct sc_series *s)
{
	if (!s || !s->n)
		return 0;
	return s->t[s->n - 1] + sc_series_step(s);
}

/* Index of the last point with t <= x; n when x is before the first point. */
static size_t find_point(const struct sc_series *s, int64_t x)
{
	size_t lo = 0, hi = s->n;

	if (!s->n || x < s->t[0])
		return s->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->t[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Integral of the series over [x, y) (value × seconds), walking pieces from
 * point *pi (t[*pi] <= x). Returns -1 when part of [x, y) is not covered
 * (before the first point, after the last point's step, or in a gap longer
 * than max_gap). On success *pi is a valid start for an integral from y. */
static int integrate(const struct sc_series *s, int64_t step, int64_t max_gap, size_t *pi,
		     int64_t x, int64_t y, double *out)
{
	size_t i = *pi;
	int64_t pos = x;
	double sum = 0;

	if (i >= s->n || s->t[i] > x)
		return -1;
	while (pos < y) {
		int64_t next = i + 1 < s->n ? s->t[i + 1] : INT64_MAX;
		int64_t hold_end = next - s->t[i] < step ? next : s->t[i] + step;

		if (pos < hold_end) {
			int64_t e = hold_end < y ? hold_end : y;

			sum += s->v[i] * (double)(e - pos);
			pos = e;
			continue;
		}
		if (i + 1 >= s->n)
			return -1;
		if (pos < next) {
			int64_t gap = next - hold_end, e = next < y ? next : y;
			double dv = s->v[i + 1] - s->v[i];
			double fa, fb;

			if (gap > max_gap)
				return -1;
			fa = s->v[i] + dv * (double)(pos - hold_end) / (double)gap;
			fb = s->v[i] + dv * (double)(e - hold_end) / (double)gap;
			sum += 0.5 * (fa + fb) * (double)(e - pos);
			pos = e;
			continue;
		}
		i++;
	}
	*pi = i;
	*out = sum;
	return 0;
}

int sc_series_mean(const struct sc_series *s, int64_t t0, int64_t t1, int64_t max_gap, double *mean)
{
	size_t i;
	double sum;

	if (!s || !s->n || t1 <= t0)
		return -1;
	i = find_point(s, t0);
	if (integrate(s, sc_series_step(s), max_gap, &i, t0, t1, &sum) < 0)
		return -1;
	*mean = sum / (double)(t1 - t0);
	return 0;
}

/* Times are >= 0 (sc_series_append), so plain division rounds down. */
static int64_t floor_to(int64_t x, int64_t step)
{
	return x / step * step;
}

static int64_t ceil_to(int64_t x, int64_t step)
{
	return x % step ? x / step * step + step : x;
}

/* The covered stretch that contains `from` or, when `from` is not covered,
 * the first one after it: [*a, *b). Returns -1 when there is none. */
static int find_stretch(const struct sc_series *s, int64_t step, int64_t max_gap, int64_t from,
			int64_t *a, int64_t *b)
{
	size_t i = find_point(s, from);

	if (i == s->n) {
		i = 0; /* from is before the series: its first stretch */
	} else {
		/* Inside point i's piece; if that is a long gap (or past the
		 * end), the stretch to use starts at the next point. */
		int64_t hold_end = i + 1 < s->n && s->t[i + 1] - s->t[i] < step ? s->t[i + 1]
										: s->t[i] + step;
		if (from >= hold_end) {
			if (i + 1 >= s->n)
				return -1;
			if (s->t[i + 1] - hold_end > max_gap)
				i++;
		}
	}
	/* Walk back to the stretch's first point, then forward to its end. */
	while (i > 0 && s->t[i] - s->t[i - 1] - step <= max_gap)
		i--;
	*a = s->t[i];
	while (i + 1 < s->n && s->t[i + 1] - s->t[i] - step <= max_gap)
		i++;
	*b = s->t[i] + step;
	return 0;
}

struct sc_grid *sc_series_to_grid(const struct sc_series *s, int64_t step, int64_t from,
				  int64_t to, int64_t max_gap, struct sc_err *err)
{
	char a_buf[32], b_buf[32], c_buf[32], d_buf[32];
	int64_t nominal, a, b, start, end;
	size_t n, i;
	double *v = NULL;
	struct sc_grid *g = NULL;

	if (!s || !s->n) {
		sc_err_set(err, "the series has no points");
		return NULL;
	}
	if (step < 0) {
		sc_err_set(err, "invalid grid step %lld s: expected a positive number of seconds (0: the series' own)",
			   (long long)step);
		return NULL;
	}
	if (max_gap < 0)
		max_gap = 0;
	nominal = sc_series_step(s);
	if (!step)
		step = nominal;
	if (find_stretch(s, nominal, max_gap, from ? from : s->t[0], &a, &b) < 0)
		goto uncovered;
	/* Whole slots only: a slot holds the mean over all of it. */
	start = from > a ? floor_to(from, step) : ceil_to(a, step);
	if (start < a)
		start = ceil_to(a, step);
	end = floor_to(b, step);
	if (to && to < end)
		end = ceil_to(to, step);
	if (end <= start)
		goto uncovered;
	if ((end - start) / step > GRID_MAX_SLOTS) {
		sc_err_set(err, "a grid of %lld slots of %lld s is too large",
			   (long long)((end - start) / step), (long long)step);
		return NULL;
	}
	n = (size_t)((end - start) / step);
	v = malloc(n * sizeof(*v));
	if (!v) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	i = find_point(s, start);
	for (size_t k = 0; k < n; k++) {
		int64_t x = start + (int64_t)k * step;
		double sum;

		if (integrate(s, nominal, max_gap, &i, x, x + step, &sum) < 0) {
			/* Cannot happen inside one stretch; refuse rather than guess. */
			sc_err_set(err, "internal error: slot %s of the grid is not covered",
				   sc_format_time(x, a_buf, sizeof(a_buf)));
			goto error;
		}
		v[k] = sum / (double)step;
		/* Rounding may step outside the valid range by an ulp. */
		if (v[k] < 0)
			v[k] = 0;
		if (v[k] > SC_INTENSITY_MAX)
			v[k] = SC_INTENSITY_MAX;
	}
	g = sc_grid_create(start, step, v, n, err);
	free(v);
	return g;
uncovered:
	sc_err_set(err, "no whole %lld s slot is covered from %s to %s: the series runs from %s to %s, "
		   "and a gap longer than %lld s ends its coverage",
		   (long long)step, from ? sc_format_time(from, a_buf, sizeof(a_buf)) : "its start",
		   to ? sc_format_time(to, b_buf, sizeof(b_buf)) : "its end",
		   sc_format_time(s->t[0], c_buf, sizeof(c_buf)),
		   sc_format_time(s->t[s->n - 1] + nominal, d_buf, sizeof(d_buf)), (long long)max_gap);
error:
	free(v);
	return NULL;
}

/* Appends src's points from time `first` on, shifted by j weeks, that land
 * in [lo, hi). */
static int append_copy(struct sc_series *out, const struct sc_series *src, int64_t first,
		       int64_t j, int64_t lo, int64_t hi, struct sc_err *err)
{
	size_t i;

	if (lo - j * WEEK > first)
		first = lo - j * WEEK;
	i = find_point(src, first);
	if (i == src->n)
		i = 0;
	else if (src->t[i] < first)
		i++;
	for (; i < src->n; i++) {
		int64_t u = src->t[i] + j * WEEK;

		if (u < lo)
			continue;
		if (u >= hi)
			break;
		if (sc_series_append(out, u, src->v[i], err) < 0)
			return -1;
	}
	return 0;
}

struct sc_series *sc_series_replay_weekly(const struct sc_series *src, int64_t now, int64_t back,
					  int64_t horizon, struct sc_err *err)
{
	char a[32], b[32];
	struct sc_series *out = NULL;
	int64_t t0, end, ws, we, lo, hi, kmin, kmax;
	char *source = NULL;
	size_t len;

	if (!src || !src->n) {
		sc_err_set(err, "cannot replay an empty series");
		return NULL;
	}
	t0 = src->t[0];
	end = sc_series_end(src);
	if (end - t0 < WEEK) {
		sc_err_set(err, "Replay=weekly needs at least one week of data; the series covers only %s to %s",
			   sc_format_time(t0, a, sizeof(a)), sc_format_time(end, b, sizeof(b)));
		return NULL;
	}
	if (back < 0)
		back = 0;
	if (horizon < 0)
		horizon = 0;
	ws = now - back;
	we = now + horizon;
	if (we <= t0) {
		sc_err_set(err, "cannot replay data that start at %s onto a window that ends before, at %s",
			   sc_format_time(t0, a, sizeof(a)), sc_format_time(we, b, sizeof(b)));
		return NULL;
	}
	out = sc_series_create();
	if (!out) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	out->signal = src->signal;
	out->issued_at = src->issued_at;
	/* Points within a week of the window are enough to reproduce its
	 * coverage (and keep a replay of years of data small). */
	lo = ws - WEEK;
	hi = we + WEEK;

	/* A shift k weeks fits when [ws, we) − k weeks lies in [t0, end). */
	kmin = we > end ? (we - end + WEEK - 1) / WEEK : 0;
	kmax = ws >= t0 ? (ws - t0) / WEEK : -1;
	if (kmin <= kmax) {
		int64_t k = (kmin + 51) / 52 * 52;

		if (k > kmax)
			k = kmin;
		if (append_copy(out, src, t0, k, lo, hi, err) < 0)
			goto error;
	} else {
		/* Too short for one shift (or the window starts before the
		 * data): time u gets src at u − j weeks, j >= 0 the smallest that
		 * lands inside — src itself, then its last week again and again. */
		int64_t jmax = we > end ? (we - end + WEEK - 1) / WEEK : 0;

		for (int64_t j = 0; j <= jmax; j++) {
			if (end + j * WEEK <= lo)
				continue;
			if (append_copy(out, src, j ? end - WEEK : t0, j, lo, hi, err) < 0)
				goto error;
		}
	}
	if (!out->n) {
		sc_err_set(err, "the replayed series does not reach the window %s to %s",
			   sc_format_time(ws, a, sizeof(a)), sc_format_time(we, b, sizeof(b)));
		goto error;
	}
	len = strlen(src->source ? src->source : "series") + sizeof(" (replay weekly)");
	source = malloc(len);
	if (!source) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	snprintf(source, len, "%s (replay weekly)", src->source ? src->source : "series");
	out->source = source;
	return out;
error:
	sc_series_destroy(out);
	return NULL;
}
