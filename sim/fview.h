/* slurm-carbon: what a policy sees of the future in `scarbon simulate` — the
 * forecast views.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The truth is one grid per zone (the actual intensity). At simulated time t
 * a view gives the policy one forecast grid per zone, as the plugin's
 * snapshot would hold it at t: on the truth grid's step and alignment,
 * starting with the slot that contains t. Modes:
 *
 *  - perfect: the truth itself.
 *  - persistence: the value one day earlier — slot j gets the truth of the
 *    latest slot j − k·day (k >= 1) that had ended by t.
 *  - archive:FILE: real forecasts as they were issued, CSV
 *    `issued_at,target,forecast` as the refresher archives them (read by
 *    sc_forecast_rows_read, forecast/archive.h; a second value for the same
 *    issue and target is an error naming both lines); at t the
 *    policy sees only the latest forecast issued at or before t, from the
 *    slot that contains t on. Before the first issue, when the latest issue
 *    is older than max_age (the zone's MaxAge, as the plugin treats a stale
 *    cache) or does not reach t, the zone has no forecast and the policy
 *    fails open. One archive serves every zone (for one-zone simulations).
 *  - error:PCT[:SEED]: the truth times (1 + e), e a relative error with a mean
 *    absolute value of PCT % at 24 h ahead. Its shape follows the UK
 *    national forecast archive (ukci-2023-03): the error of one forecast is
 *    smooth over target time (correlation exp(−(d / 5.5 h)²)) and grows
 *    with the lead time L as sqrt((L + 12 h) / 36 h) (0.6× the 24-hour
 *    error for the next hours, 1.2× at 36 h). Across issues it is the mix
 *    ρ(L)·P + sqrt(1 − ρ(L)²)·F of two such fields: P persists from one
 *    issue to the next (correlation exp(−Δ / 200 h) at a fixed target), F
 *    is renewed within hours (exp(−Δ / 4 h)), and ρ(L) = 1 − 0.7·e^(−L/3 h)
 *    — so a forecast issued a day ahead keeps its error issue after issue
 *    until the last hours before the target, when fresh information
 *    replaces part of it (in the archive, the error 0-2 h ahead correlates
 *    0.6 with the same target's error 6-24 h earlier, 0.95-1.0 from 6 h
 *    ahead on). Forecasts are issued every hour. Seeded (default seed 1):
 *    the same seed, truth and span give the same errors, whatever the
 *    trace.
 *
 * Views are stateful (error mode advances with t): query them with
 * non-decreasing t. Not thread-safe.
 */
#ifndef SC_SIM_FVIEW_H
#define SC_SIM_FVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "policy/decide.h"
#include "base/error.h"
#include "policy/grid.h"

enum sc_fview_kind { SC_FVIEW_PERFECT = 0, SC_FVIEW_PERSISTENCE, SC_FVIEW_ARCHIVE, SC_FVIEW_ERROR };

struct sc_fview_mode {
	enum sc_fview_kind kind;
	double error_pct;         /* error: MAE at 24 h, percent (0..200) */
	uint64_t seed;            /* error */
	char path[4096];          /* archive */
};

/* Parses "perfect", "persistence", "archive:FILE", "error:PCT" or
 * "error:PCT:SEED" (PCT with an optional '%'). Returns 0, or -1 with err
 * saying what is accepted. */
int sc_fview_mode_parse(const char *s, struct sc_fview_mode *mode, struct sc_err *err);

/* "perfect", "persistence", "archive:FILE", "error:25%" (seed if not 1). */
char *sc_fview_mode_name(const struct sc_fview_mode *mode, char *buf, size_t n);

struct sc_fview;

/* A view of truth[0..n-1] (borrowed, must outlive the view; an entry may
 * be NULL: that zone never has a forecast). span: how far past the slot
 * containing t each grid must reach (seconds, > 0: the longest max delay
 * plus the longest planned run time). max_gap: gaps of an archive forecast
 * up to this are interpolated; max_age (> 0): an archived forecast older
 * than this is stale (0: never). Returns NULL with err (an unreadable
 * archive, with file and line). */
struct sc_fview *sc_fview_create(const struct sc_fview_mode *mode, const struct sc_grid *const *truth,
				 size_t n, int64_t span, int64_t max_gap, int64_t max_age,
				 struct sc_err *err);

/* NULL is a no-op. */
void sc_fview_destroy(struct sc_fview *v);

/* The forecasts at time t (>= the t of the previous call). The set and its
 * grids are owned by the view and valid until the next call. A zone
 * without a forecast at t has a NULL grid and a reason. */
const struct sc_zone_forecasts *sc_fview_at(struct sc_fview *v, int64_t t);

/* When what the view shows next changes after t: the next hour for
 * error:PCT (its issues are hourly), the next issue time for archive:, the
 * next slot boundary of the first zone with data for persistence;
 * INT64_MAX for perfect (it never changes) and after an archive's last
 * issue. Does not advance the view. */
int64_t sc_fview_next_update(const struct sc_fview *v, int64_t t);

/* The mean absolute error 24 h ahead, in percent of the actual, of what
 * this view shows for zone i: 0 for perfect, PCT for error:PCT, and for
 * persistence and archive as measured against the truth (every slot's
 * value against the day before; every archived forecast's value for 24 h
 * after its issue). NAN when nothing can be measured. */
double sc_fview_error_24h(const struct sc_fview *v, size_t i);

/* Lead time growth of the error model: the relative error's scale at lead
 * L seconds over its scale at 24 h. */
double sc_fview_error_growth(int64_t lead);

#endif
