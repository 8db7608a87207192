/* slurm-carbon: libFuzzer target for the files forecast/ reads from
 * StateDir, through their paths (so sc_open_regular runs too): with
 * FUZZ_FILE 1 the forecast cache (sc_cache_read_file, for a UK Carbon
 * Intensity zone and an Electricity Maps one), with FUZZ_FILE 2 the
 * forecast archive (sc_forecast_rows_read, then sc_forecast_rows_sort)
 * and the actuals archive (sc_csv_read_intensity). The input is written
 * to a file in a private temporary directory first. Asserts: accepted
 * series keep the series' promises, the cache's info matches the zone;
 * archive rows are finite within 0..SC_INTENSITY_MAX, times within
 * 1970..9999, line numbers increasing, and sorting keeps every row and
 * orders them; every refusal has a printable message.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "forecast/archive.h"
#include "forecast/cache.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "tests/fuzz/fuzz_util.h"

#ifndef FUZZ_FILE
#error "FUZZ_FILE must be 1 or 2"
#endif

#define NOW 1657843200 /* 2022-07-15T00:00:00Z */

static char dir[64], path[128];

static void put(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/sc-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/%s", dir, FUZZ_FILE == 1 ? "forecast-GB.json" : "GB-forecasts.csv");
	}
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

#if FUZZ_FILE == 1
static void cache(const char *zone, const char *provider, const char *region, enum sc_signal sig)
{
	struct sc_zone_spec z = { 0 };
	struct sc_cache_info info = { 0 };
	struct sc_err err = { "" };
	struct sc_series *s;

	z.name = (char *)zone;
	z.provider = sc_provider_find(provider);
	z.region = (char *)region;
	z.signal = sig;
	s = sc_cache_read_file(path, &z, NOW, &info, &err);
	if (s) {
		if (info.signal != sig || s->signal != sig || info.fetched_at < SC_SERIES_TIME_MIN ||
		    info.fetched_at > SC_SERIES_TIME_MAX || s->issued_at < SC_SERIES_TIME_MIN ||
		    s->issued_at > SC_SERIES_TIME_MAX)
			abort();
	}
	fuzz_series_outcome(s, &err);
}
#else
static void check_rows(struct sc_forecast_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!isfinite(r->forecast[i]) || r->forecast[i] < 0 || r->forecast[i] > SC_INTENSITY_MAX)
			abort();
		if (r->issued_at[i] < SC_SERIES_TIME_MIN || r->issued_at[i] > SC_SERIES_TIME_MAX ||
		    r->target[i] < SC_SERIES_TIME_MIN || r->target[i] > SC_SERIES_TIME_MAX)
			abort();
		if (i && r->line[i] <= r->line[i - 1])
			abort();
	}
}

static void archive(void)
{
	struct sc_forecast_rows rows;
	struct sc_err err = { "" };
	size_t n;

	if (sc_forecast_rows_read(path, 0, &rows, &err) < 0) {
		fuzz_check_err(&err);
		if (rows.n || rows.issued_at)
			abort();
		return;
	}
	check_rows(&rows);
	n = rows.n;
	if (sc_forecast_rows_sort(&rows, &err) < 0)
		abort();
	if (rows.n != n)
		abort();
	for (size_t i = 1; i < rows.n; i++)
		if (rows.issued_at[i] < rows.issued_at[i - 1] ||
		    (rows.issued_at[i] == rows.issued_at[i - 1] && rows.target[i] < rows.target[i - 1]))
			abort();
	sc_forecast_rows_free(&rows);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	put(data, size);
#if FUZZ_FILE == 1
	cache("GB", "ukci", "national", SC_SIGNAL_AVERAGE);
	cache("CAISO", "watttime", "CAISO_NORTH", SC_SIGNAL_MARGINAL);
#else
	archive();
	{
		struct sc_err err = { "" };
		fuzz_series_outcome(sc_csv_read_intensity(path, SC_COLUMN_LCA, &err), &err);
	}
#endif
	return 0;
}
