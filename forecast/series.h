/* slurm-carbon: intensity time series — load, validate, resample.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A series is what a provider or a file gives: points (t[i], v[i]) with
 * t strictly increasing; v[i] (gCO2e/kWh, finite, 0..SC_INTENSITY_MAX) holds
 * from t[i] until the next point, or for one nominal step after the last
 * point. Real data are irregular (15- and 30-minute steps mixed) and gappy;
 * sc_series_to_grid() turns a series into the regular grid the engine plans
 * on (policy/grid.h).
 */
#ifndef SC_FORECAST_SERIES_H
#define SC_FORECAST_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "policy/decide.h"
#include "base/error.h"
#include "policy/grid.h"

struct sc_series {
	int64_t *t;            /* n epoch seconds, strictly increasing */
	double *v;             /* n values */
	size_t n, cap;
	enum sc_signal signal; /* average unless the source says marginal */
	char *source;          /* owned, may be NULL: e.g. "file:/path", "electricitymaps" */
	int64_t issued_at;     /* when the forecast was made or fetched; 0: unknown */
};

/* An empty series; NULL on allocation failure. */
struct sc_series *sc_series_create(void);

/* NULL is a no-op. */
void sc_series_destroy(struct sc_series *s);

/* Times a series accepts: the years 1970..9999 (what sc_parse_time reads). */
#define SC_SERIES_TIME_MIN 0
#define SC_SERIES_TIME_MAX 253402300799 /* 9999-12-31T23:59:59Z */

/* Appends a point. Rejects t <= the last time, t outside
 * SC_SERIES_TIME_MIN..SC_SERIES_TIME_MAX, and v not finite or outside
 * 0..SC_INTENSITY_MAX; err says which. */
int sc_series_append(struct sc_series *s, int64_t t, double v, struct sc_err *err);

/* Sets s->source to a copy of src (NULL clears it). */
int sc_series_set_source(struct sc_series *s, const char *src);

/* The series' nominal step: the most common positive difference between
 * consecutive times (the smallest of equally common ones); 3600 for a
 * series of fewer than two points. */
int64_t sc_series_step(const struct sc_series *s);

/* End of coverage: last time + nominal step; 0 for an empty series. */
int64_t sc_series_end(const struct sc_series *s);

/* Time-weighted mean of the series over [t0, t1) with the gap rule of
 * sc_series_to_grid; -1 when not covered. */
int sc_series_mean(const struct sc_series *s, int64_t t0, int64_t t1, int64_t max_gap, double *mean);

/* Resamples s onto a grid of `step` seconds (0: the series' nominal step)
 * aligned to multiples of step since the epoch, covering [from, to)
 * intersected with the series' coverage (from/to may be 0: no bound).
 * Each slot gets the time-weighted mean of the piecewise-constant series
 * over it. Inside the series, a point holds until the next point or for one
 * nominal step, whichever comes first; time not covered that way is a gap.
 * A gap up to max_gap seconds is filled by linear interpolation between the
 * values on either side; a longer gap ends the grid there (a plan cannot see
 * past it). The grid is the covered stretch (between long gaps) that
 * contains `from`, or the first one after it when `from` is in a long gap
 * or before the series; only whole slots are kept (the first slot is the
 * one containing `from` if covered from its start, the last one ends at or
 * before the stretch's end; a slot that contains `to` is kept whole).
 * step < 0 is an error, max_gap < 0 counts as 0. NULL with err when nothing
 * is left to cover. */
struct sc_grid *sc_series_to_grid(const struct sc_series *s, int64_t step, int64_t from,
				  int64_t to, int64_t max_gap, struct sc_err *err);

/* Seasonal-naive forecast (Replay=weekly): a new series with src's points
 * shifted forward by k whole weeks so that it covers [now − back,
 * now + horizon). One shift k serves the whole window: the smallest multiple
 * of 52 weeks (same weekday and time of day, same season) whose window lies
 * inside src's coverage; if none does, the smallest whole number of weeks
 * that does; if src is shorter than the window, src is repeated week after
 * week (each point t gets src at t − j weeks, j the smallest that lands
 * inside). Only points within a week of the window are kept. source is
 * "<src source> (replay weekly)". NULL with err when src covers less than
 * one week, or when the window ends before src begins. */
struct sc_series *sc_series_replay_weekly(const struct sc_series *src, int64_t now, int64_t back,
					  int64_t horizon, struct sc_err *err);

#endif
