/* slurm-carbon: tests for the forecast cache (forecast/cache.c) and the
 * archive (forecast/archive.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/archive.h"
#include "forecast/cache.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "base/units.h"

#define HOUR 3600
#define T0 sc_epoch_from_utc(2022, 7, 15, 0, 0, 0)

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sc-test-cache-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void rm_rf(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	char p[512];

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(dp);
	rmdir(d);
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(dir);
	return 0;
}

static struct sc_zone_spec zone(const char *name, const struct sc_provider_ops *p, const char *region, enum sc_signal sig)
{
	struct sc_zone_spec z;

	memset(&z, 0, sizeof(z));
	z.name = (char *)name;
	z.provider = p;
	z.region = (char *)region;
	z.signal = sig;
	z.max_age = 6 * HOUR;
	return z;
}

static struct sc_series *series(int64_t t0, int64_t step, const double *v, size_t n)
{
	struct sc_series *s = sc_series_create();
	struct sc_err err = { "" };

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		if (sc_series_append(s, t0 + (int64_t)i * step, v[i], &err) < 0)
			fail_msg("%s", err.msg);
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Entries of dir whose name starts with '.' (temporary files). */
static int hidden_files(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void test_paths(void **state)
{
	struct sc_err err = { "" };
	char *p;

	(void)state;
	p = sc_cache_path("/var/lib/slurm-carbon", "DE", &err);
	assert_string_equal(p, "/var/lib/slurm-carbon/forecast-DE.json");
	free(p);
	p = sc_archive_path("/var/lib/slurm-carbon", "GB", "actual", &err);
	assert_string_equal(p, "/var/lib/slurm-carbon/archive/GB-actual.csv");
	free(p);
	p = sc_archive_path("/s", "GB", "forecasts", &err);
	assert_string_equal(p, "/s/archive/GB-forecasts.csv");
	free(p);
	assert_null(sc_cache_path("/s", "../etc", &err));
	assert_contains(err.msg, "zone name '../etc' cannot name a cache file");
	assert_null(sc_cache_path("/s", "..", &err));
	assert_null(sc_cache_path("/s", "", &err));
	assert_null(sc_cache_path(NULL, "DE", &err));
	assert_contains(err.msg, "no StateDir");
	assert_null(sc_archive_path("", "DE", "actual", &err));
}

static void test_round_trip(void **state)
{
	const double v[] = { 394.6253619, 390.1, 0, 3000 };
	struct sc_zone_spec z = zone("CAISO", sc_provider_find("watttime"), "CAISO_NORTH", SC_SIGNAL_MARGINAL);
	struct sc_series *s = series(T0, 300, v, 4), *r;
	struct sc_cache_info info;
	struct sc_err err = { "" };
	char path[128], *text;
	struct stat st;

	(void)state;
	s->signal = SC_SIGNAL_MARGINAL;
	s->issued_at = T0 - 60;
	assert_int_equal(sc_series_set_source(s, "watttime:CAISO_NORTH"), 0);
	assert_int_equal(sc_cache_write(dir, &z, s, T0 + 5, &err), 0);
	snprintf(path, sizeof(path), "%s/forecast-CAISO.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(hidden_files(dir), 0);
	text = sc_test_read_file(path, NULL);
	assert_contains(text, "{\"v\":1,\"zone\":\"CAISO\",\"provider\":\"watttime\",\"region\":\"CAISO_NORTH\","
			      "\"signal\":\"marginal\",\"unit\":\"gCO2e/kWh\",\"source\":\"watttime:CAISO_NORTH\","
			      "\"fetched_at\":\"2022-07-15T00:00:05Z\",\"issued_at\":\"2022-07-14T23:59:00Z\","
			      "\"points\":[[\"2022-07-15T00:00:00Z\",394.6253619],");
	free(text);

	r = sc_cache_read(dir, &z, T0 + 6 * HOUR + 5, &info, &err);
	if (!r)
		fail_msg("%s", err.msg);
	assert_int_equal(r->n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(r->t[i], s->t[i]);
		assert_near(r->v[i], s->v[i], 1e-9);
	}
	assert_int_equal(r->signal, SC_SIGNAL_MARGINAL);
	assert_string_equal(r->source, "watttime:CAISO_NORTH");
	assert_int_equal(r->issued_at, T0 - 60);
	assert_int_equal(info.fetched_at, T0 + 5);
	assert_int_equal(info.issued_at, T0 - 60);
	sc_series_destroy(r);

	/* Without an issue time, the fetch time stands in. */
	s->issued_at = 0;
	assert_int_equal(sc_cache_write(dir, &z, s, T0 + 5, &err), 0);
	r = sc_cache_read(dir, &z, T0, &info, &err);
	assert_non_null(r);
	assert_int_equal(r->issued_at, T0 + 5);
	assert_int_equal(info.issued_at, 0);
	sc_series_destroy(r);

	/* An empty series is never cached. */
	{
		struct sc_series *empty = sc_series_create();
		assert_int_equal(sc_cache_write(dir, &z, empty, T0, &err), -1);
		assert_contains(err.msg, "refusing to cache an empty forecast");
		sc_series_destroy(empty);
	}
	sc_series_destroy(s);
}

static void test_stale_and_missing(void **state)
{
	const double v[] = { 200, 210 };
	struct sc_zone_spec z = zone("GB", sc_provider_find("ukci"), "national", SC_SIGNAL_AVERAGE);
	struct sc_series *s = series(T0, 1800, v, 2), *r;
	struct sc_err err = { "" };

	(void)state;
	r = sc_cache_read(dir, &z, T0, NULL, &err);
	assert_null(r);
	assert_contains(err.msg, "no cached forecast (");
	assert_contains(err.msg, "/forecast-GB.json does not exist): run scarbon refresh");

	assert_int_equal(sc_cache_write(dir, &z, s, T0, &err), 0);
	/* Exactly MaxAge old: still good; one second more: missing. */
	r = sc_cache_read(dir, &z, T0 + 6 * HOUR, NULL, &err);
	assert_non_null(r);
	sc_series_destroy(r);
	r = sc_cache_read(dir, &z, T0 + 6 * HOUR + 1, NULL, &err);
	assert_null(r);
	assert_string_equal(err.msg, "cached forecast fetched at 2022-07-15T00:00:00Z (6 h ago), older than "
				     "MaxAge=06:00:00: run scarbon refresh (is its timer running?)");
	/* A zone with a longer MaxAge still uses it. */
	z.max_age = 24 * HOUR;
	r = sc_cache_read(dir, &z, T0 + 6 * HOUR + 1, NULL, &err);
	assert_non_null(r);
	sc_series_destroy(r);
	sc_series_destroy(s);
}

/* Writes text as GB's cache and expects reading it to fail with want. */
static void expect_bad_cache(const char *text, const char *want)
{
	struct sc_zone_spec z = zone("GB", sc_provider_find("ukci"), "national", SC_SIGNAL_AVERAGE);
	struct sc_err err = { "" };
	char path[128];

	snprintf(path, sizeof(path), "%s/forecast-GB.json", dir);
	write_file(path, text);
	if (sc_cache_read(dir, &z, T0, NULL, &err))
		fail_msg("accepted: %s", text);
	assert_contains(err.msg, want);
}

#define HEAD "{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"average\",\"unit\":\"gCO2e/kWh\"," \
	     "\"fetched_at\":\"2022-07-15T00:00:00Z\","

/* issue 14: a cache or an archive that is a FIFO is refused at once, not
 * waited on (alarm: a hang fails the test instead of stalling it); a
 * cache's control bytes are not echoed. */
static void test_fifo_and_escapes(void **state)
{
	struct sc_zone_spec z = zone("GB", sc_provider_find("ukci"), "national", SC_SIGNAL_AVERAGE);
	struct sc_forecast_rows rows = { 0 };
	struct sc_err err = { "" };
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/forecast-GB.json", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_null(sc_cache_read(dir, &z, T0, NULL, &err));
	assert_contains(err.msg, "is a FIFO, not a regular file");
	assert_contains(err.msg, "run scarbon refresh");
	unlink(path);
	snprintf(path, sizeof(path), "%s/archive", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/archive/GB-forecasts.csv", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(sc_forecast_rows_read(path, 1, &rows, &err), -1);
	assert_contains(err.msg, "forecast archive");
	assert_contains(err.msg, "is a FIFO");
	alarm(0);
	unlink(path);
	/* An endless line in the archive stops at the limit. */
	write_file(path, "issued_at,target,forecast\n");
	{
		FILE *f = fopen(path, "a");
		char *chunk = calloc(1, 1 << 20);
		assert_non_null(f);
		assert_non_null(chunk);
		memset(chunk, '1', 1 << 20);
		for (int i = 0; i < 3; i++)
			fwrite(chunk, 1, 1 << 20, f);
		fclose(f);
		free(chunk);
	}
	assert_int_equal(sc_forecast_rows_read(path, 1, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: line 2 is longer than 1048576 bytes");
	expect_bad_cache("{\"v\":1,\"zone\":\"G\\u001b[2J\"}", "holds zone 'G\\x1b[2J', not GB");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"average\","
			 "\"unit\":\"gCO2e/kWh\",\"fetched_at\":\"1\\u0007\"}", "'1\\x07'");
	assert_null(strchr(err.msg, 0x07));
}

static void test_corrupt(void **state)
{
	(void)state;
	expect_bad_cache("", "corrupt cache file");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:00:00Z\",200]", "corrupt cache file (line 1");
	expect_bad_cache("[]", "not a forecast cache file");
	expect_bad_cache("{\"v\":2}", "cache format version 2, this build reads 1");
	expect_bad_cache("{\"v\":1,\"zone\":\"DE\"}", "holds zone 'DE', not GB");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"electricitymaps\"}",
			 "fetched from electricitymaps, but the zone now uses Provider=ukci");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"13\"}",
			 "fetched for Region=13, but the zone now says Region=national");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"marginal\"}",
			 "a marginal signal, but the zone is configured as average");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"mixed\"}",
			 "unknown signal 'mixed'");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"average\",\"unit\":\"lbs/MWh\"}",
			 "unknown unit 'lbs/MWh'");
	expect_bad_cache("{\"v\":1,\"zone\":\"GB\",\"provider\":\"ukci\",\"region\":\"national\",\"signal\":\"average\",\"unit\":\"gCO2e/kWh\"}",
			 "\"fetched_at\" is missing");
	expect_bad_cache(HEAD "\"points\":[]}", "\"points\" is missing or empty");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:30:00Z\",200],[\"2022-07-15T00:00:00Z\",210]]}",
			 "points[1] (2022-07-15T00:00:00Z): time 2022-07-15T00:00:00Z is not after the previous point's "
			 "2022-07-15T00:30:00Z: times must be strictly increasing; run scarbon refresh");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:30:00Z\",5000]]}",
			 "points[0] (2022-07-15T00:30:00Z): intensity 5000 at 2022-07-15T00:30:00Z is outside 0..3000 gCO2e/kWh");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:30:00Z\",\"200\"]]}", "points[0]: expected [\"<ISO 8601 time>\", <g/kWh>]");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:30:00Z\",200,1]]}", "points[0]: expected [\"<ISO 8601 time>\", <g/kWh>]");
	expect_bad_cache(HEAD "\"points\":[[\"2022-07-15T00:30:00Z\"]]}", "points[0]: expected [\"<ISO 8601 time>\", <g/kWh>]");
	expect_bad_cache(HEAD "\"points\":[[\"soon\",3]]}", "points[0]: expected");
}

static int fail_fill(FILE *f, void *ctx, struct sc_err *err)
{
	(void)ctx;
	fputs("half a fil", f);
	return sc_err_set(err, "the writer gave up");
}

static int ok_fill(FILE *f, void *ctx, struct sc_err *err)
{
	(void)err;
	fputs(ctx, f);
	return 0;
}

static void test_atomic_write(void **state)
{
	struct sc_err err = { "" };
	char path[128], bad[160], *text;
	struct stat a, b;

	(void)state;
	snprintf(path, sizeof(path), "%s/file.json", dir);
	assert_int_equal(sc_atomic_write(path, 0600, ok_fill, "first\n", &err), 0);
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(a.st_mode & 07777, 0600);
	/* A failing writer leaves the old file and no temporary file. */
	assert_int_equal(sc_atomic_write(path, 0644, fail_fill, NULL, &err), -1);
	assert_string_equal(err.msg, "the writer gave up");
	text = sc_test_read_file(path, NULL);
	assert_string_equal(text, "first\n");
	free(text);
	assert_int_equal(hidden_files(dir), 0);
	/* A new file replaces the old one by rename (a new inode), so that a
	 * reader holding the old one keeps reading it whole. */
	assert_int_equal(sc_atomic_write(path, 0644, ok_fill, "second\n", &err), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_int_not_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0644);
	text = sc_test_read_file(path, NULL);
	assert_string_equal(text, "second\n");
	free(text);
	snprintf(bad, sizeof(bad), "%s/no/such/dir/file", dir);
	assert_int_equal(sc_atomic_write(bad, 0644, ok_fill, "x", &err), -1);
	assert_contains(err.msg, "cannot create a temporary file in ");
	assert_contains(err.msg, "No such file or directory");
}

static void test_archive_actual(void **state)
{
	const double a[] = { 100, 110, 120, 130 }, b[] = { 125, 135, 145 };
	struct sc_series *sa = series(T0, HOUR, a, 4), *sb = series(T0 + 2 * HOUR, HOUR, b, 3), *r;
	struct sc_err err = { "" };
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/archive/GB-actual.csv", dir);
	assert_int_equal(sc_archive_add_actual(dir, "GB", sa, T0 + 4 * HOUR, 35, &err), 0);
	assert_int_equal(sc_archive_add_actual(dir, "GB", sb, T0 + 5 * HOUR, 35, &err), 0);
	r = sc_csv_read_intensity(path, SC_COLUMN_LCA, &err);
	if (!r)
		fail_msg("%s", err.msg);
	/* Merged, one row per time, the newer value winning at T0+2h. */
	assert_int_equal(r->n, 5);
	assert_int_equal(r->t[0], T0);
	assert_int_equal(r->t[4], T0 + 4 * HOUR);
	assert_near(r->v[1], 110, 1e-9);
	assert_near(r->v[2], 125, 1e-9);
	assert_near(r->v[3], 135, 1e-9);
	assert_near(r->v[4], 145, 1e-9);
	sc_series_destroy(r);
	{
		char *text = sc_test_read_file(path, NULL);
		assert_contains(text, "Time,Carbon Intensity\n2022-07-15T00:00:00Z,100\n");
		free(text);
	}
	/* Bounded: a day later with ArchiveDays 1, the rows before now - 1 day go. */
	assert_int_equal(sc_archive_add_actual(dir, "GB", NULL, T0 + 24 * HOUR + 2 * HOUR, 1, &err), 0);
	r = sc_csv_read_intensity(path, SC_COLUMN_LCA, &err);
	assert_non_null(r);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->t[0], T0 + 2 * HOUR);
	sc_series_destroy(r);

	/* An unreadable archive is left alone and reported. */
	write_file(path, "garbage\n");
	assert_int_equal(sc_archive_add_actual(dir, "GB", sa, T0, 35, &err), -1);
	assert_contains(err.msg, "GB-actual.csv cannot be read (");
	assert_contains(err.msg, "left alone; move it away to start a new one");
	{
		char *text = sc_test_read_file(path, NULL);
		assert_string_equal(text, "garbage\n");
		free(text);
	}
	sc_series_destroy(sa);
	sc_series_destroy(sb);
}

static void test_archive_forecasts(void **state)
{
	const double a[] = { 68, 69, 72 }, b[] = { 70, 71, 73 }, c[] = { 60, 61, 62 };
	struct sc_series *sa = series(T0, 1800, a, 3), *sb = series(T0 + 1800, 1800, b, 3), *sc = series(T0, 1800, c, 3);
	struct sc_forecast_rows rows;
	struct sc_err err = { "" };
	char path[128], *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/archive/GB-forecasts.csv", dir);
	assert_int_equal(sc_forecast_rows_read(path, 1, &rows, &err), 0);
	assert_int_equal(rows.n, 0);
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "cannot read forecast archive ");
	assert_contains(err.msg, "GB-forecasts.csv: No such file or directory");

	assert_int_equal(sc_archive_add_forecast(dir, "GB", sb, T0 + 1860, T0 + 1860, 35, 0, &err), 0);
	assert_int_equal(sc_archive_add_forecast(dir, "GB", sa, T0 + 60, T0 + 1900, 35, 0, &err), 0);
	text = sc_test_read_file(path, NULL);
	/* The format of the UK forecast archives; sorted by issue, then target. */
	assert_string_equal(text, "issued_at,target,forecast\n"
				  "2022-07-15 00:01:00,2022-07-15 00:00:00,68\n"
				  "2022-07-15 00:01:00,2022-07-15 00:30:00,69\n"
				  "2022-07-15 00:01:00,2022-07-15 01:00:00,72\n"
				  "2022-07-15 00:31:00,2022-07-15 00:30:00,70\n"
				  "2022-07-15 00:31:00,2022-07-15 01:00:00,71\n"
				  "2022-07-15 00:31:00,2022-07-15 01:30:00,73\n");
	free(text);
	/* The same issue fetched again replaces its rows. */
	assert_int_equal(sc_archive_add_forecast(dir, "GB", sc, T0 + 60, T0 + 1900, 35, 0, &err), 0);
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 6);
	assert_int_equal(rows.issued_at[0], T0 + 60);
	assert_near(rows.forecast[0], 60, 1e-9);
	assert_near(rows.forecast[2], 62, 1e-9);
	assert_int_equal(rows.target[5], T0 + 3 * 1800);
	sc_forecast_rows_free(&rows);
	/* Row cap: whole issues go, oldest first. */
	assert_int_equal(sc_archive_add_forecast(dir, "GB", sa, T0 + 3600, T0 + 3600, 35, 5, &err), 0);
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 3);
	assert_int_equal(rows.issued_at[0], T0 + 3600);
	sc_forecast_rows_free(&rows);
	/* Days bound: issues older than now - days go. */
	assert_int_equal(sc_archive_add_forecast(dir, "GB", sb, T0 + 2 * 86400, T0 + 2 * 86400, 1, 0, &err), 0);
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 3);
	assert_int_equal(rows.issued_at[0], T0 + 2 * 86400);
	sc_forecast_rows_free(&rows);

	/* Reading is strict and says where. */
	write_file(path, "when,what\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:1: the header has no column 'issued_at': expected the header 'issued_at,target,forecast'");
	write_file(path, "issued_at,target,forecast\n2022-07-15 00:01:00,2022-07-15 00:00:00,68,9\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: 4 fields");
	write_file(path, "issued_at,target,forecast\n2022-07-15 00:01:00,2022-07-15 00:00:00,-68\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: forecast '-68' is out of range: expected a number from 0 to 3000");
	write_file(path, "issued_at,target,forecast\n2022-07-15 00:01:00,tomorrow,68\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: invalid time 'tomorrow'");
	/* ... and a broken file is never overwritten. */
	assert_int_equal(sc_archive_add_forecast(dir, "GB", sa, T0, T0, 35, 0, &err), -1);
	assert_contains(err.msg, "cannot be read");
	text = sc_test_read_file(path, NULL);
	assert_contains(text, "tomorrow");
	free(text);
	write_file(path, "issued_at,target,forecast,forecast\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:1: column 'forecast' appears twice");
	write_file(path, "issued_at,target,forecast\n2022-07-15 00:01:00,\"2022-07-15 00:00:00,68\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: field 2: unterminated quoted field");
	{
		size_t n = (1u << 20) + 10;
		char *big = malloc(n + 64);
		assert_non_null(big);
		strcpy(big, "issued_at,target,forecast\n");
		memset(big + strlen(big), '7', n);
		strcpy(big + 26 + n, "\n");
		write_file(path, big);
		free(big);
	}
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv:2: line 2 is longer than 1048576 bytes: expected a CSV line");
	write_file(path, "");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), -1);
	assert_contains(err.msg, "GB-forecasts.csv: empty; expected the header 'issued_at,target,forecast'");
	/* Columns by name in any order, others ignored; quotes, ISO 8601
	 * times, CRLF, comments, blank lines and gaps; each row's line. */
	write_file(path, "# UK national\r\n\r\nForecast,note,Target,ISSUED_AT\r\n"
			 "68,\"a, b\",2023-03-14T03:00:00Z,2023-03-14 03:01:00\r\n"
			 ",,2023-03-14T03:30:00Z,2023-03-14 03:01:00\r\n"
			 "\r\n"
			 "\"70\",,2023-03-14T04:30:00+01:00,2023-03-14T03:01:00Z\r\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 2);
	assert_int_equal(rows.issued_at[0], sc_epoch_from_utc(2023, 3, 14, 3, 1, 0));
	assert_int_equal(rows.issued_at[1], rows.issued_at[0]);
	assert_int_equal(rows.target[0], sc_epoch_from_utc(2023, 3, 14, 3, 0, 0));
	assert_int_equal(rows.target[1], sc_epoch_from_utc(2023, 3, 14, 3, 30, 0));
	assert_near(rows.forecast[0], 68, 1e-9);
	assert_near(rows.forecast[1], 70, 1e-9);
	assert_int_equal(rows.line[0], 4);
	assert_int_equal(rows.line[1], 7);
	sc_forecast_rows_free(&rows);
	/* A header alone: no rows, no error. */
	write_file(path, "issued_at,target,forecast\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 0);
	sc_forecast_rows_free(&rows);
	/* The published UK archive reads as it is (first rows). */
	write_file(path, "issued_at,target,forecast\n2023-03-14 03:01:00,2023-03-14 03:00:00,68\n"
			 "2023-03-14 03:01:00,2023-03-14 03:30:00,69\n");
	assert_int_equal(sc_forecast_rows_read(path, 0, &rows, &err), 0);
	assert_int_equal(rows.n, 2);
	assert_int_equal(rows.target[1], sc_epoch_from_utc(2023, 3, 14, 3, 30, 0));
	sc_forecast_rows_free(&rows);

	sc_series_destroy(sa);
	sc_series_destroy(sb);
	sc_series_destroy(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_and_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_actual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_forecasts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
