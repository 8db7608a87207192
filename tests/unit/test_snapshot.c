/* slurm-carbon: tests for forecast/snapshot.c.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/cache.h"
#include "forecast/provider.h"
#include "forecast/snapshot.h"
#include "base/units.h"

#define HOUR 3600
#define DAY 86400
#define WEEK (7 * DAY)

static char dir[64];

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/sc-snapshot-XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[256];

	(void)state;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	return rmdir(dir);
}

static char *path_of(const char *name)
{
	char *p = malloc(256);

	assert_non_null(p);
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

/* The value written for time t: a function of the hour of the week, so a
 * replayed value tells where it came from. */
static double value_at(int64_t t)
{
	return (double)((t % WEEK) / HOUR) + 100;
}

/* Writes n points from start every step seconds, skipping [skip0, skip1). */
static void write_csv(const char *path, int64_t start, int n, int64_t step, int64_t skip0, int64_t skip1)
{
	FILE *f = fopen(path, "w");
	char t[32];

	assert_non_null(f);
	fprintf(f, "# test data\nTime,Carbon Intensity\n");
	for (int i = 0; i < n; i++) {
		int64_t u = start + i * step;

		if (u >= skip0 && u < skip1)
			continue;
		fprintf(f, "%s,%g\n", sc_format_time(u, t, sizeof(t)), value_at(u));
	}
	assert_int_equal(fclose(f), 0);
}

static void set_mtime(const char *path, time_t sec, long nsec)
{
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int64_t now_ts(void)
{
	return sc_epoch_from_utc(2024, 5, 15, 10, 20, 0); /* a Wednesday */
}

static struct sc_zone_spec file_zone(const char *name, char *path)
{
	struct sc_zone_spec z = { 0 };

	z.name = (char *)name;
	z.provider = sc_provider_find("file");
	z.path = path;
	return z;
}

static void test_load(void **state)
{
	int64_t now = now_ts(), hour0 = now - now % HOUR;
	char *de = path_of("DE.csv"), *old = path_of("old.csv"), *bad = path_of("bad.csv");
	char *missing = path_of("missing.csv"), *past = path_of("past.csv"), *gap = path_of("gap.csv");
	char *shortp = path_of("short.csv");
	struct sc_zone_spec z[10];
	struct sc_snapshot *snap;
	const struct sc_zone_forecasts *set;
	const struct sc_zone_state *st;
	const struct sc_grid *g;
	char want[512], t[32];
	double m;
	FILE *f;

	(void)state;
	write_csv(de, hour0 - 2 * DAY, 5 * 24, HOUR, 0, 0);        /* -2 d .. +3 d */
	write_csv(old, hour0 - 10 * DAY, 5 * 24, HOUR, 0, 0);      /* ends 5 days ago */
	write_csv(past, hour0 - 40 * DAY, 14 * 24, HOUR, 0, 0);    /* two weeks, long ago */
	write_csv(shortp, hour0 - 40 * DAY, 5 * 24, HOUR, 0, 0);   /* five days */
	/* Half-hourly, with three hours missing until 5 h ago. */
	write_csv(gap, hour0 - 2 * DAY, 4 * 48, 1800, hour0 - 8 * HOUR, hour0 - 5 * HOUR);
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("Time,Carbon Intensity\n2024-05-15 00:00:00,1\n2024-05-15 25:00:00,2\n", f);
	fclose(f);

	z[0] = file_zone("DE", de);
	z[0].signal = SC_SIGNAL_MARGINAL;
	z[1] = (struct sc_zone_spec){ .name = "S", .provider = sc_provider_find("static"), .intensity = 123, .horizon = 48 * HOUR };
	z[2] = file_zone("R", past);
	z[2].replay = SC_REPLAY_WEEKLY;
	z[2].horizon = 48 * HOUR;
	z[3] = file_zone("M", missing);
	z[4] = file_zone("OLD", old);
	z[5] = file_zone("BAD", bad);
	z[6] = (struct sc_zone_spec){ .name = "EM", .provider = sc_provider_find("electricitymaps"), .region = "DE" };
	z[7] = file_zone("GAP", gap);
	z[7].max_gap = HOUR;
	z[8] = file_zone("SHORT", shortp);
	z[8].replay = SC_REPLAY_WEEKLY;
	z[9] = file_zone("NOPATH", NULL);

	snap = sc_snapshot_load(z, 10, dir, now);
	assert_non_null(snap);
	assert_true(sc_snapshot_loaded_at(snap) == now);
	set = sc_snapshot_set(snap);
	assert_int_equal(set->n, 10);
	for (size_t i = 0; i < 10; i++) {
		st = sc_snapshot_zone(snap, i);
		assert_non_null(st);
		/* A zone has a grid or a reason, never both, and the engine's
		 * view says the same. */
		assert_true(!set->grids[i] != !st->why);
		assert_ptr_equal(set->why[i], st->why);
	}
	assert_null(sc_snapshot_zone(snap, 10));

	/* file: from a day before the current hour to the end of the data. */
	g = set->grids[0];
	st = sc_snapshot_zone(snap, 0);
	assert_non_null(g);
	assert_true(g->start == hour0 - DAY);
	assert_true(g->step == HOUR);
	assert_true(sc_grid_end(g) == hour0 + 3 * DAY);
	assert_near(sc_grid_at(g, now), value_at(hour0), 1e-9);
	snprintf(want, sizeof(want), "file:%s", de);
	assert_string_equal(st->source, want);
	assert_int_equal(st->signal, SC_SIGNAL_MARGINAL);
	assert_true(st->issued_at == 0);

	/* static: the current hour − 1 day to now + Horizon. */
	g = set->grids[1];
	assert_non_null(g);
	assert_true(g->start == hour0 - DAY);
	assert_true(sc_grid_end(g) >= now + 48 * HOUR);
	assert_true(sc_grid_end(g) < now + 48 * HOUR + HOUR);
	assert_int_equal(sc_grid_mean(g, g->start, sc_grid_end(g), &m), 0);
	assert_near(m, 123, 1e-9);
	assert_string_equal(sc_snapshot_zone(snap, 1)->source, "static:123");

	/* Replay=weekly: the same hour of the week, weeks earlier, over
	 * [current hour − 1 day, now + Horizon). */
	g = set->grids[2];
	assert_non_null(g);
	assert_true(g->start == hour0 - DAY);
	assert_true(sc_grid_end(g) == hour0 + 49 * HOUR);
	for (int64_t u = g->start; u < sc_grid_end(g); u += HOUR)
		assert_near(sc_grid_at(g, u), value_at(u), 1e-9);
	snprintf(want, sizeof(want), "file:%s (replay weekly)", past);
	assert_string_equal(sc_snapshot_zone(snap, 2)->source, want);

	/* Failures give reasons and leave the others loaded. */
	snprintf(want, sizeof(want), "cannot read intensity CSV %s: No such file or directory", missing);
	assert_string_equal(sc_snapshot_zone(snap, 3)->why, want);
	assert_null(sc_snapshot_zone(snap, 3)->source);
	snprintf(want, sizeof(want), "%s: stale forecast: the data end at %s, before now (2024-05-15T10:20:00Z); "
		 "update the file, or set Replay=weekly to replay past data",
		 old, sc_format_time(hour0 - 5 * DAY, t, sizeof(t)));
	assert_string_equal(sc_snapshot_zone(snap, 4)->why, want);
	snprintf(want, sizeof(want), "%s:3: invalid time '2024-05-15 25:00:00': expected", bad);
	assert_contains(sc_snapshot_zone(snap, 5)->why, want);
	snprintf(want, sizeof(want), "no cached forecast (%s/forecast-EM.json does not exist): run scarbon refresh, "
		 "or enable scarbon-refresh.timer", dir);
	assert_string_equal(sc_snapshot_zone(snap, 6)->why, want);
	assert_contains(sc_snapshot_zone(snap, 8)->why, "Replay=weekly needs at least one week of data");
	assert_contains(sc_snapshot_zone(snap, 8)->why, shortp);
	assert_string_equal(sc_snapshot_zone(snap, 9)->why, "zone NOPATH: Provider=file needs Path=<CSV file>");

	/* A gap longer than MaxGap between a day ago and now: the grid is
	 * the stretch that holds now, from the slot of now, on the series'
	 * own 30-minute step. */
	g = set->grids[7];
	assert_non_null(g);
	assert_true(g->step == 1800);
	assert_true(g->start == hour0);
	assert_true(sc_grid_end(g) == hour0 + 2 * DAY);
	sc_snapshot_destroy(snap);

	/* With the default MaxGap (6 h) the same gap is interpolated; a
	 * coarser Step= is honoured. */
	z[7].max_gap = 0;
	z[7].step = 2 * HOUR;
	snap = sc_snapshot_load(&z[7], 1, NULL, now);
	assert_non_null(snap);
	g = sc_snapshot_set(snap)->grids[0];
	assert_non_null(g);
	assert_true(g->step == 2 * HOUR);
	assert_true(g->start <= hour0 - DAY);
	assert_true(sc_grid_end(g) == hour0 + 2 * DAY);
	sc_snapshot_destroy(snap);
	sc_snapshot_destroy(NULL);

	/* No zones at all. */
	snap = sc_snapshot_load(NULL, 0, NULL, now);
	assert_non_null(snap);
	assert_int_equal(sc_snapshot_set(snap)->n, 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + 1000 * DAY, 60), 0);
	sc_snapshot_destroy(snap);

	free(de);
	free(old);
	free(bad);
	free(missing);
	free(past);
	free(gap);
	free(shortp);
}

static void test_static_invalid(void **state)
{
	struct sc_zone_spec z = { .name = "S", .provider = sc_provider_find("static"), .intensity = 4000 };
	struct sc_snapshot *snap = sc_snapshot_load(&z, 1, NULL, now_ts());
	const struct sc_grid *g;

	(void)state;
	assert_non_null(snap);
	assert_null(sc_snapshot_set(snap)->grids[0]);
	assert_contains(sc_snapshot_zone(snap, 0)->why, "zone S: Intensity=4000: intensity value 4000");
	sc_snapshot_destroy(snap);

	/* Default horizon: 72 h; Step= honoured. */
	z.intensity = 0;
	z.step = 900;
	snap = sc_snapshot_load(&z, 1, NULL, now_ts());
	g = sc_snapshot_set(snap)->grids[0];
	assert_non_null(g);
	assert_true(g->step == 900);
	assert_true(g->start == now_ts() - now_ts() % HOUR - DAY);
	assert_true(sc_grid_end(g) >= now_ts() + 72 * HOUR);
	assert_true(sc_grid_end(g) < now_ts() + 72 * HOUR + 900);
	sc_snapshot_destroy(snap);

	/* issue 14: Intensity=-0 is shown as 0, not "static:-0"; a control
	 * byte in the zone's name is escaped in the reason */
	z.intensity = -0.0;
	snap = sc_snapshot_load(&z, 1, NULL, now_ts());
	assert_string_equal(sc_snapshot_zone(snap, 0)->source, "static:0");
	sc_snapshot_destroy(snap);
	z.name = "S\x1b[2J";
	z.intensity = -1;
	snap = sc_snapshot_load(&z, 1, NULL, now_ts());
	assert_contains(sc_snapshot_zone(snap, 0)->why, "zone S\\x1b[2J: Intensity=-1: ");
	sc_snapshot_destroy(snap);
}

static void test_outdated(void **state)
{
	int64_t now = now_ts(), hour0 = now - now % HOUR;
	char *de = path_of("w.csv"), *later = path_of("later.csv"), *tmp = path_of("w.tmp");
	struct sc_zone_spec z[2];
	struct sc_snapshot *snap;

	(void)state;
	write_csv(de, hour0 - DAY, 3 * 24, HOUR, 0, 0);
	set_mtime(de, 1700000000, 100);
	z[0] = file_zone("DE", de);
	z[1] = file_zone("LATER", later); /* does not exist yet */

	snap = sc_snapshot_load(z, 2, NULL, now);
	assert_non_null(snap);
	assert_non_null(sc_snapshot_set(snap)->grids[0]);
	assert_non_null(sc_snapshot_zone(snap, 1)->why);
	/* Nothing changed; file zones don't move with time. */
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + 30 * DAY, 60), 0);

	/* The same content and size, the mtime 100 ns later. */
	set_mtime(de, 1700000000, 200);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	set_mtime(de, 1700000000, 100);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);

	/* Rewritten with other data but the old mtime: the size tells. */
	write_csv(de, hour0 - DAY, 4 * 24, HOUR, 0, 0);
	set_mtime(de, 1700000000, 100);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	sc_snapshot_destroy(snap);

	/* Replaced by rename with the same size and mtime: the inode tells. */
	snap = sc_snapshot_load(z, 2, NULL, now);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);
	write_csv(tmp, hour0 - DAY, 4 * 24, HOUR, 0, 0);
	set_mtime(tmp, 1700000000, 100);
	assert_int_equal(rename(tmp, de), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	sc_snapshot_destroy(snap);

	/* A file that appears, and one that vanishes. */
	snap = sc_snapshot_load(z, 2, NULL, now);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);
	write_csv(later, hour0, 24, HOUR, 0, 0);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	sc_snapshot_destroy(snap);
	snap = sc_snapshot_load(z, 2, NULL, now);
	assert_non_null(sc_snapshot_set(snap)->grids[1]);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);
	assert_int_equal(unlink(de), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	sc_snapshot_destroy(snap);

	free(de);
	free(later);
	free(tmp);
}

static void test_outdated_windows(void **state)
{
	int64_t now = now_ts(), hour0 = now - now % HOUR;
	char *past = path_of("past2.csv");
	struct sc_zone_spec rz = file_zone("R", past);
	struct sc_zone_spec sz = { .name = "S", .provider = sc_provider_find("static"), .intensity = 50 };
	struct sc_snapshot *snap;

	(void)state;
	write_csv(past, hour0 - 40 * DAY, 14 * 24, HOUR, 0, 0);
	rz.replay = SC_REPLAY_WEEKLY;

	/* A replayed window moves on every `refresh` seconds. */
	snap = sc_snapshot_load(&rz, 1, NULL, now);
	assert_non_null(sc_snapshot_set(snap)->grids[0]);
	assert_int_equal(sc_snapshot_outdated(snap, now, 600), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + 599, 600), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + 600, 600), 1);
	assert_int_equal(sc_snapshot_outdated(snap, now + 600, 0), 0);
	sc_snapshot_destroy(snap);

	/* So does a static one. */
	snap = sc_snapshot_load(&sz, 1, NULL, now);
	assert_int_equal(sc_snapshot_outdated(snap, now + 3599, 3600), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + 3600, 3600), 1);
	sc_snapshot_destroy(snap);

	/* A stale-data reason is not a moving window. */
	rz.replay = SC_REPLAY_NONE;
	snap = sc_snapshot_load(&rz, 1, NULL, now);
	assert_contains(sc_snapshot_zone(snap, 0)->why, "stale forecast");
	assert_int_equal(sc_snapshot_outdated(snap, now + 7200, 3600), 0);
	sc_snapshot_destroy(snap);
	free(past);
}

/* Live zones: the cache `scarbon refresh` writes is loaded, watched, and
 * counts as missing once older than MaxAge. */
static void test_live(void **state)
{
	int64_t now = now_ts(), hour0 = now - now % HOUR;
	struct sc_zone_spec z = { .name = "WT", .provider = sc_provider_find("watttime"), .region = "CAISO_NORTH",
				  .signal = SC_SIGNAL_MARGINAL, .max_age = 2 * HOUR };
	struct sc_series *s = sc_series_create();
	struct sc_err err = { "" };
	const struct sc_zone_state *st;
	struct sc_snapshot *snap;
	const struct sc_grid *g;
	char *cache = path_of("forecast-WT.json"), want[512];

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 12; i++)
		assert_int_equal(sc_series_append(s, hour0 + i * 1800, 300 + i, &err), 0);
	s->signal = SC_SIGNAL_MARGINAL;
	s->issued_at = hour0 - 300;
	assert_int_equal(sc_series_set_source(s, "watttime:CAISO_NORTH"), 0);
	assert_int_equal(sc_cache_write(dir, &z, s, now - HOUR, &err), 0);

	snap = sc_snapshot_load(&z, 1, dir, now);
	assert_non_null(snap);
	st = sc_snapshot_zone(snap, 0);
	if (st->why)
		fail_msg("%s", st->why);
	assert_string_equal(st->source, "watttime:CAISO_NORTH");
	assert_int_equal(st->signal, SC_SIGNAL_MARGINAL);
	assert_true(st->issued_at == hour0 - 300);
	g = sc_snapshot_set(snap)->grids[0];
	assert_non_null(g);
	assert_true(g->start == hour0);
	assert_true(g->step == 1800);
	assert_true(g->n == 12);
	assert_near(g->v[3], 303, 1e-9);
	/* Fetched an hour ago with MaxAge 2 h: outdated after 1 h more. */
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + HOUR, 60), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now + HOUR + 1, 60), 1);
	/* A new cache (atomic rename) is noticed. */
	assert_int_equal(sc_cache_write(dir, &z, s, now, &err), 0);
	assert_int_equal(sc_snapshot_outdated(snap, now, 60), 1);
	sc_snapshot_destroy(snap);

	/* Too old: no grid, and why. */
	snap = sc_snapshot_load(&z, 1, dir, now + 2 * HOUR + 1);
	st = sc_snapshot_zone(snap, 0);
	assert_null(sc_snapshot_set(snap)->grids[0]);
	assert_contains(st->why, "older than MaxAge=02:00:00");
	sc_snapshot_destroy(snap);
	/* Fresh but over: the forecast ends before now. */
	z.max_age = 30 * DAY;
	snap = sc_snapshot_load(&z, 1, dir, hour0 + 7 * HOUR);
	snprintf(want, sizeof(want), "%s: the cached forecast ends at", cache);
	assert_contains(sc_snapshot_zone(snap, 0)->why, want);
	sc_snapshot_destroy(snap);
	/* Another provider now: refused until refreshed. */
	z.provider = sc_provider_find("electricitymaps");
	z.signal = SC_SIGNAL_AVERAGE;
	snap = sc_snapshot_load(&z, 1, dir, now);
	assert_contains(sc_snapshot_zone(snap, 0)->why, "fetched from watttime, but the zone now uses Provider=electricitymaps");
	sc_snapshot_destroy(snap);
	/* No StateDir. */
	snap = sc_snapshot_load(&z, 1, NULL, now);
	assert_contains(sc_snapshot_zone(snap, 0)->why, "no StateDir");
	sc_snapshot_destroy(snap);
	unlink(cache);
	free(cache);
	sc_series_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_static_invalid),
		cmocka_unit_test(test_outdated),
		cmocka_unit_test(test_outdated_windows),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
