/* slurm-carbon: intensity sources for reconciled emissions.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/intensity.h"
#include "base/file.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "base/units.h"

/* How many older issues a lookup tries when the latest doesn't cover. */
#define MAX_OLDER_ISSUES 64

/* The rows [first, first + n) of one issue. */
struct issue {
	int64_t issued;
	size_t first, n;
};

/* An archive of issued forecasts: its rows (owned copies) in the
 * archive's order (sc_forecast_rows_sort), indexed by issue. */
struct sc_forecast_archive {
	struct sc_forecast_rows rows;
	struct issue *issues;
	size_t n_issues;
};

struct zone_state {
	int loaded;
	struct sc_series *actual;
	struct sc_forecast_archive *forecasts;
	struct sc_series *file;
	struct sc_series *replayed; /* the last one drawn */
};

struct sc_ci_store {
	const struct sc_zone_spec *zones;
	size_t n;
	const char *state_dir;
	struct zone_state *st;
	void (*warn)(const char *msg, void *arg);
	void *warn_arg;
};

/* ---- forecast archives -------------------------------------------------- */

void sc_forecast_archive_destroy(struct sc_forecast_archive *a)
{
	if (!a)
		return;
	sc_forecast_rows_free(&a->rows);
	free(a->issues);
	free(a);
}

struct sc_forecast_archive *sc_forecast_archive_create(const struct sc_forecast_rows *rows, struct sc_err *err)
{
	struct sc_forecast_archive *a = calloc(1, sizeof(*a));
	struct sc_forecast_rows *r;
	size_t n = rows->n;

	if (!a)
		goto nomem;
	r = &a->rows;
	if (n) {
		r->issued_at = malloc(n * sizeof(*r->issued_at));
		r->target = malloc(n * sizeof(*r->target));
		r->forecast = malloc(n * sizeof(*r->forecast));
		a->issues = malloc(n * sizeof(*a->issues));
		if (!r->issued_at || !r->target || !r->forecast || !a->issues)
			goto nomem;
		memcpy(r->issued_at, rows->issued_at, n * sizeof(*r->issued_at));
		memcpy(r->target, rows->target, n * sizeof(*r->target));
		memcpy(r->forecast, rows->forecast, n * sizeof(*r->forecast));
	}
	r->n = r->cap = n;
	if (sc_forecast_rows_sort(r, err) < 0)
		goto error;
	for (size_t i = 0; i < n; i++) {
		if (!i || r->issued_at[i] != r->issued_at[i - 1])
			a->issues[a->n_issues++] = (struct issue){ r->issued_at[i], i, 0 };
		a->issues[a->n_issues - 1].n++;
	}
	return a;
nomem:
	sc_err_set(err, "out of memory");
error:
	sc_forecast_archive_destroy(a);
	return NULL;
}

int sc_forecast_archive_mean(const struct sc_forecast_archive *a, int64_t t0, int64_t t1, int64_t max_gap,
		       double *mean, int64_t *issued_at)
{
	size_t lo = 0, hi;
	int tries = 0;

	if (!a || !a->n_issues || t1 <= t0)
		return -1;
	/* The first issue after t0. */
	hi = a->n_issues;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->issues[mid].issued <= t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k-- > 0 && tries < MAX_OLDER_ISSUES; tries++) {
		const struct issue *is = &a->issues[k];
		struct sc_series *s = sc_series_create();
		double m;
		int ok;

		if (!s)
			return -1;
		/* An issue with a target twice is not one forecast: skipped. */
		ok = 1;
		for (size_t i = is->first; ok && i < is->first + is->n; i++)
			ok = sc_series_append(s, a->rows.target[i], a->rows.forecast[i], NULL) == 0;
		ok = ok && s->n && sc_series_mean(s, t0, t1, max_gap, &m) == 0;
		sc_series_destroy(s);
		if (ok) {
			*mean = m;
			if (issued_at)
				*issued_at = is->issued;
			return 0;
		}
	}
	return -1;
}

/* ---- the store ---------------------------------------------------------- */

struct sc_ci_store *sc_ci_store_create(const struct sc_zone_spec *zones, size_t n,
				       const char *state_dir,
				       void (*warn)(const char *msg, void *arg), void *warn_arg)
{
	struct sc_ci_store *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->st = calloc(n ? n : 1, sizeof(*st->st));
	if (!st->st) {
		free(st);
		return NULL;
	}
	st->zones = zones;
	st->n = n;
	st->state_dir = state_dir;
	st->warn = warn;
	st->warn_arg = warn_arg;
	return st;
}

void sc_ci_store_destroy(struct sc_ci_store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		sc_series_destroy(st->st[i].actual);
		sc_series_destroy(st->st[i].file);
		sc_series_destroy(st->st[i].replayed);
		sc_forecast_archive_destroy(st->st[i].forecasts);
	}
	free(st->st);
	free(st);
}

static void say(struct sc_ci_store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct sc_ci_store *st, const char *fmt, ...)
{
	char msg[SC_ERR_MAX + 4096];
	va_list ap;

	if (!st->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->warn(msg, st->warn_arg);
}

/* The archive file of kind for zone z; NULL when there is none to read. */
static char *archive_path(struct sc_ci_store *st, const struct sc_zone_spec *z, const char *kind)
{
	struct sc_err e;
	char *path;

	if (!st->state_dir || !*st->state_dir)
		return NULL;
	path = sc_archive_path(st->state_dir, z->name, kind, &e);
	if (!path)
		say(st, "zone %s: %s: archive not used", z->name, e.msg);
	return path;
}

static struct zone_state *load(struct sc_ci_store *st, size_t i)
{
	struct zone_state *zs = &st->st[i];
	const struct sc_zone_spec *z = &st->zones[i];
	struct sc_forecast_rows rows;
	struct sc_err e;
	char *path;

	if (zs->loaded)
		return zs;
	zs->loaded = 1;
	if ((path = archive_path(st, z, "actual"))) {
		FILE *f = sc_open_regular(path, "archive of actual intensities", SC_CSV_MAX_BYTES, &e);
		if (f) {
			zs->actual = sc_csv_read_intensity_stream(f, path, SC_COLUMN_LCA, &e);
			if (!zs->actual)
				say(st, "%s; archive of actual intensities not used", e.msg);
			fclose(f);
		} else if (errno != ENOENT) {
			say(st, "%s; archive of actual intensities not used", e.msg);
		}
		free(path);
	}
	if ((path = archive_path(st, z, "forecasts"))) {
		if (sc_forecast_rows_read(path, 1, &rows, &e) < 0) {
			say(st, "%s; forecast archive not used", e.msg);
		} else {
			if (rows.n && !(zs->forecasts = sc_forecast_archive_create(&rows, &e)))
				say(st, "%s: %s; forecast archive not used", path, e.msg);
			sc_forecast_rows_free(&rows);
		}
		free(path);
	}
	if (z->provider && z->provider->kind == SC_PROVIDER_CSV && z->path) {
		zs->file = sc_csv_read_intensity(z->path, z->column, &e);
		if (!zs->file)
			say(st, "%s; the zone's file not used", e.msg);
	}
	return zs;
}

static int find_zone(const struct sc_ci_store *st, const char *zone)
{
	for (size_t i = 0; zone && i < st->n; i++)
		if (st->zones[i].name && strcasecmp(st->zones[i].name, zone) == 0)
			return (int)i;
	return -1;
}

int sc_ci_store_lookup(struct sc_ci_store *st, const char *zone, int64_t t0, int64_t t1,
		       struct sc_ci_candidates *out, struct sc_err *err)
{
	int i = find_zone(st, zone);
	const struct sc_zone_spec *z;
	struct zone_state *zs;
	double m;

	out->actual = out->forecast = out->static_v = NAN;
	if (i < 0)
		return sc_err_set(err, "zone '%s' is not in carbon.conf", SC_PRINTABLE(zone));
	if (t1 <= t0)
		t1 = t0 + 1;
	z = &st->zones[i];
	zs = load(st, (size_t)i);
	if (zs->actual && sc_series_mean(zs->actual, t0, t1, z->max_gap, &m) == 0)
		out->actual = m;
	if (zs->forecasts && sc_forecast_archive_mean(zs->forecasts, t0, t1, z->max_gap, &m, NULL) == 0)
		out->forecast = m;
	if (!isfinite(out->forecast) && zs->file) {
		if (z->replay == SC_REPLAY_WEEKLY) {
			struct sc_series *r = sc_series_replay_weekly(zs->file, t0, 0, t1 - t0, NULL);
			if (r && sc_series_mean(r, t0, t1, z->max_gap, &m) == 0)
				out->forecast = m;
			sc_series_destroy(r);
		} else if (sc_series_mean(zs->file, t0, t1, z->max_gap, &m) == 0) {
			out->forecast = m;
		}
	}
	if (z->provider && z->provider->kind == SC_PROVIDER_CONSTANT && isfinite(z->intensity))
		out->static_v = z->intensity;
	return 0;
}

/* Whether s covers some of [from, to): a short period (jobs of a few
 * seconds) may hold no point of an hourly series and still lie inside it. */
static int covers(const struct sc_series *s, int64_t from, int64_t to)
{
	return s && s->n && s->t[0] < to && sc_series_end(s) > from;
}

const struct sc_series *sc_ci_store_series(struct sc_ci_store *st, const char *zone, int64_t from,
					   int64_t to, const char **what)
{
	int i = find_zone(st, zone);
	struct zone_state *zs;
	const char *w = NULL;
	const struct sc_series *s = NULL;

	if (i < 0)
		return NULL;
	zs = load(st, (size_t)i);
	if (covers(zs->actual, from, to)) {
		s = zs->actual;
		w = "actual";
	} else if (zs->file && st->zones[i].replay == SC_REPLAY_WEEKLY && to > from) {
		sc_series_destroy(zs->replayed);
		zs->replayed = sc_series_replay_weekly(zs->file, from, 0, to - from, NULL);
		if (covers(zs->replayed, from, to)) {
			s = zs->replayed;
			w = "file, replayed weekly";
		}
	} else if (covers(zs->file, from, to)) {
		s = zs->file;
		w = "file";
	}
	if (s && what)
		*what = w;
	return s;
}
