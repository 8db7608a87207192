/* slurm-carbon: forecast snapshots.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A snapshot is built once by sc_snapshot_load and never written again, so
 * any number of threads may read it (and call sc_snapshot_outdated) while
 * another thread loads the next one; no locks.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "forecast/cache.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "forecast/snapshot.h"
#include "base/units.h"

#define HOUR 3600
#define DAY 86400
#define DEFAULT_HORIZON (72 * HOUR)
#define DEFAULT_MAX_GAP (6 * HOUR)

/* What a file looked like when it was read: any change means reload. */
struct file_id {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct sc_snapshot {
	int64_t loaded_at;
	size_t n;
	const struct sc_grid **grids; /* n, NULL where no grid */
	char **why;                   /* n, NULL where a grid was loaded */
	char **sources;               /* n */
	struct sc_zone_state *states; /* n, pointing into why and sources */
	char **watch;                 /* n: the file each zone was read from, or NULL */
	struct file_id *ids;          /* n: watch[i]'s identity at load */
	int moving;                   /* a replayed or static zone's window moves with now */
	int64_t expires;              /* the earliest time a loaded cache passes its MaxAge; 0: none */
	struct sc_zone_forecasts set;
};

/* One zone's outcome; every pointer owned until moved into the snapshot. */
struct zone_load {
	struct sc_grid *grid;
	char *why;
	char *source;
	char *watch;
	struct file_id id;
	int moving;
	int64_t expires;   /* live zones: when the loaded cache passes MaxAge; 0: never */
	int64_t issued_at; /* live zones: the forecast's issue time */
};

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dupf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void file_id_read(const char *path, struct file_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) < 0)
		return;
	id->exists = 1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
}

static int file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (a->exists != b->exists)
		return 0;
	return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
			      a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec);
}

/* The start of the grids of moving windows: a day before the current hour,
 * so that `scarbon forecast` shows what just happened. */
static int64_t window_start(int64_t now)
{
	return (now - (now % HOUR + HOUR) % HOUR) - DAY;
}

/* Provider `file` (optionally Replay=weekly). Returns -1 only when out of
 * memory; a zone that cannot be used gets r->why. */
static int load_file(const struct sc_zone_spec *z, int64_t now, struct zone_load *r)
{
	int64_t horizon = z->horizon > 0 ? z->horizon : DEFAULT_HORIZON;
	int64_t max_gap = z->max_gap > 0 ? z->max_gap : DEFAULT_MAX_GAP;
	int64_t from = window_start(now), to = 0;
	struct sc_series *data = NULL, *replay = NULL;
	const struct sc_series *s;
	struct sc_err err = { "" };
	char a[32], b[32];

	if (!z->path) {
		r->why = dupf("zone %s: Provider=%s needs Path=<CSV file>", SC_PRINTABLE(z->name), z->provider->name);
		return r->why ? 0 : -1;
	}
	r->watch = strdup(z->path);
	if (!r->watch)
		return -1;
	/* Identify the file before reading it: a change while it is read
	 * shows up as a change at the next check. */
	file_id_read(z->path, &r->id);
	data = sc_csv_read_intensity(z->path, z->column, &err);
	if (!data) {
		r->why = strdup(err.msg);
		goto out;
	}
	data->signal = z->signal;
	s = data;
	if (z->replay == SC_REPLAY_WEEKLY) {
		r->moving = 1;
		replay = sc_series_replay_weekly(data, now, now - from, horizon, &err);
		if (!replay) {
			r->why = dupf("%s: %s", SC_PRINTABLE(z->path), err.msg);
			goto out;
		}
		s = replay;
		to = now + horizon;
	} else if (sc_series_end(data) <= now) {
		r->why = dupf("%s: stale forecast: the data end at %s, before now (%s); update the file, "
			      "or set Replay=weekly to replay past data",
			      SC_PRINTABLE(z->path), sc_format_time(sc_series_end(data), a, sizeof(a)),
			      sc_format_time(now, b, sizeof(b)));
		goto out;
	}
	r->grid = sc_series_to_grid(s, z->step, from, to, max_gap, &err);
	if (r->grid && sc_grid_end(r->grid) <= now) {
		/* A gap longer than MaxGap between `from` and now: the stretch
		 * that holds now (or the next one) is what plans can use. */
		sc_grid_destroy(r->grid);
		r->grid = sc_series_to_grid(s, z->step, now, to, max_gap, &err);
	}
	if (!r->grid) {
		r->why = dupf("%s: no usable forecast at %s: %s", SC_PRINTABLE(z->path), sc_format_time(now, a, sizeof(a)),
			      err.msg);
		goto out;
	}
	r->source = strdup(s->source ? s->source : z->path);
	if (!r->source)
		goto oom;
out:
	sc_series_destroy(data);
	sc_series_destroy(replay);
	return r->grid || r->why ? 0 : -1;
oom:
	sc_series_destroy(data);
	sc_series_destroy(replay);
	return -1;
}

/* Provider `static`: Intensity= from a day before the current hour to
 * now + Horizon. */
static int load_static(const struct sc_zone_spec *z, int64_t now, struct zone_load *r)
{
	int64_t horizon = z->horizon > 0 ? z->horizon : DEFAULT_HORIZON;
	int64_t step = z->step > 0 ? z->step : HOUR, start = window_start(now);
	int64_t slots = (now + horizon - start + step - 1) / step;
	struct sc_err err = { "" };
	size_t n;
	double *v;

	r->moving = 1;
	if (slots > (int64_t)1 << 26) {
		r->why = dupf("zone %s: Horizon=%lld s in steps of %lld s makes too large a grid",
			      z->name, (long long)horizon, (long long)step);
		return r->why ? 0 : -1;
	}
	n = (size_t)slots;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = z->intensity;
	r->grid = sc_grid_create(start, step, v, n, &err);
	free(v);
	if (!r->grid) {
		r->why = dupf("zone %s: Intensity=%g: %s", SC_PRINTABLE(z->name), z->intensity + 0.0, err.msg);
		return r->why ? 0 : -1;
	}
	/* + 0.0: Intensity=-0 is 0 ("static:0", not "static:-0") */
	r->source = dupf("static:%g", z->intensity + 0.0);
	return r->source ? 0 : -1;
}

/* The live providers are read from
 * their cache files in state_dir, which `scarbon refresh` writes
 * (forecast/cache.h): missing, corrupt, stale (older than MaxAge) or
 * mismatched caches leave the zone without a grid and with the reason. The
 * cache file is watched like a `file` zone's CSV, and the snapshot is also
 * outdated once the cache it loaded passes its MaxAge. */
static int load_live(const struct sc_zone_spec *z, const char *state_dir, int64_t now,
		     struct zone_load *r)
{
	int64_t max_gap = z->max_gap > 0 ? z->max_gap : DEFAULT_MAX_GAP;
	struct sc_err err = { "" };
	struct sc_cache_info info;
	struct sc_series *s = NULL;
	char a[32], b[32];

	r->watch = sc_cache_path(state_dir, z->name, &err);
	if (!r->watch) {
		r->why = dupf("zone %s: %s", SC_PRINTABLE(z->name), err.msg);
		return r->why ? 0 : -1;
	}
	file_id_read(r->watch, &r->id);
	s = sc_cache_read_file(r->watch, z, now, &info, &err);
	if (!s) {
		r->why = strdup(err.msg);
		goto out;
	}
	if (z->max_age > 0)
		r->expires = info.fetched_at + z->max_age + 1;
	r->issued_at = s->issued_at;
	if (sc_series_end(s) <= now) {
		r->why = dupf("%s: the cached forecast ends at %s, before now (%s): run scarbon refresh",
			      SC_PRINTABLE(r->watch), sc_format_time(sc_series_end(s), a, sizeof(a)),
			      sc_format_time(now, b, sizeof(b)));
		goto out;
	}
	r->grid = sc_series_to_grid(s, z->step, window_start(now), 0, max_gap, &err);
	if (r->grid && sc_grid_end(r->grid) <= now) {
		sc_grid_destroy(r->grid);
		r->grid = sc_series_to_grid(s, z->step, now, 0, max_gap, &err);
	}
	if (!r->grid) {
		r->why = dupf("%s: no usable forecast at %s: %s", SC_PRINTABLE(r->watch), sc_format_time(now, a, sizeof(a)),
			      err.msg);
		goto out;
	}
	r->source = strdup(s->source ? s->source : sc_provider_name(z->provider));
	if (!r->source) {
		sc_grid_destroy(r->grid);
		r->grid = NULL;
	}
out:
	sc_series_destroy(s);
	return r->grid || r->why ? 0 : -1;
}

static int load_zone(const struct sc_zone_spec *z, const char *state_dir, int64_t now,
		     struct zone_load *r)
{
	if (z->provider) {
		switch (z->provider->kind) {
		case SC_PROVIDER_CSV:
			return load_file(z, now, r);
		case SC_PROVIDER_CONSTANT:
			return load_static(z, now, r);
		case SC_PROVIDER_LIVE:
			return load_live(z, state_dir, now, r);
		}
	}
	r->why = dupf("zone %s: unknown provider %s", SC_PRINTABLE(z->name), sc_provider_name(z->provider));
	return r->why ? 0 : -1;
}

struct sc_snapshot *sc_snapshot_load(const struct sc_zone_spec *zones, size_t n,
				     const char *state_dir, int64_t now)
{
	struct sc_snapshot *snap = calloc(1, sizeof(*snap));
	size_t m = n ? n : 1;

	if (!snap)
		return NULL;
	snap->loaded_at = now;
	snap->n = n;
	snap->grids = calloc(m, sizeof(*snap->grids));
	snap->why = calloc(m, sizeof(*snap->why));
	snap->sources = calloc(m, sizeof(*snap->sources));
	snap->states = calloc(m, sizeof(*snap->states));
	snap->watch = calloc(m, sizeof(*snap->watch));
	snap->ids = calloc(m, sizeof(*snap->ids));
	if (!snap->grids || !snap->why || !snap->sources || !snap->states || !snap->watch || !snap->ids)
		goto error;
	for (size_t i = 0; i < n; i++) {
		const struct sc_zone_spec *z = &zones[i];
		struct zone_load r = { 0 };

		if (load_zone(z, state_dir, now, &r) < 0) {
			sc_grid_destroy(r.grid);
			free(r.why);
			free(r.source);
			free(r.watch);
			goto error;
		}
		if (r.why) {
			/* Fail open: a reason and no grid, whatever was built. */
			sc_grid_destroy(r.grid);
			r.grid = NULL;
		}
		snap->grids[i] = r.grid;
		snap->why[i] = r.why;
		snap->sources[i] = r.source;
		snap->watch[i] = r.watch;
		snap->ids[i] = r.id;
		snap->moving |= r.moving;
		if (r.expires && (!snap->expires || r.expires < snap->expires))
			snap->expires = r.expires;
		snap->states[i].why = r.why;
		snap->states[i].source = r.source;
		snap->states[i].signal = z->signal;
		snap->states[i].issued_at = r.issued_at;
	}
	snap->set.grids = snap->grids;
	snap->set.why = (const char *const *)snap->why;
	snap->set.n = n;
	return snap;
error:
	sc_snapshot_destroy(snap);
	return NULL;
}

void sc_snapshot_destroy(struct sc_snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; i < snap->n; i++) {
		if (snap->grids)
			sc_grid_destroy((struct sc_grid *)snap->grids[i]);
		if (snap->why)
			free(snap->why[i]);
		if (snap->sources)
			free(snap->sources[i]);
		if (snap->watch)
			free(snap->watch[i]);
	}
	free(snap->grids);
	free(snap->why);
	free(snap->sources);
	free(snap->states);
	free(snap->watch);
	free(snap->ids);
	free(snap);
}

const struct sc_zone_forecasts *sc_snapshot_set(const struct sc_snapshot *snap)
{
	return &snap->set;
}

const struct sc_zone_state *sc_snapshot_zone(const struct sc_snapshot *snap, size_t i)
{
	return i < snap->n ? &snap->states[i] : NULL;
}

int sc_snapshot_outdated(const struct sc_snapshot *snap, int64_t now, int64_t refresh)
{
	for (size_t i = 0; i < snap->n; i++) {
		struct file_id id;

		if (!snap->watch[i])
			continue;
		file_id_read(snap->watch[i], &id);
		if (!file_id_same(&id, &snap->ids[i]))
			return 1;
	}
	if (snap->expires && now >= snap->expires)
		return 1;
	return snap->moving && refresh > 0 && now - snap->loaded_at >= refresh;
}

int64_t sc_snapshot_loaded_at(const struct sc_snapshot *snap)
{
	return snap->loaded_at;
}
