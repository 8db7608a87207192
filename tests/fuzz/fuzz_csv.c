/* slurm-carbon: libFuzzer target for the intensity CSV reader
 * (sc_csv_read_intensity_stream) and what runs on its output (resampling,
 * weekly replay). Built by `make fuzz` with clang; see tests/fuzz/README.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "forecast/csvfile.h"
#include "tests/fuzz/fuzz_util.h"

#define DAY 86400

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_grid(struct sc_grid *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		if (!(g->v[i] >= 0 && g->v[i] <= SC_INTENSITY_MAX))
			abort();
	sc_grid_destroy(g);
}

static void run(const uint8_t *data, size_t size, enum sc_column column)
{
	struct sc_err err = { "" };
	struct sc_series *s, *r;
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return;
	s = sc_csv_read_intensity_stream(f, "fuzz.csv", column, &err);
	fclose(f);
	if (!s) {
		if (!err.msg[0]) /* every failure says why */
			abort();
		return;
	}
	fuzz_check_series(s);
	/* Bounded windows keep the grids small whatever the times are. */
	check_grid(sc_series_to_grid(s, 3600, s->t[0], s->t[0] + 30 * DAY, 6 * 3600, &err));
	check_grid(sc_series_to_grid(s, 0, s->t[s->n - 1] - DAY, s->t[s->n - 1] + DAY, 3600, &err));
	r = sc_series_replay_weekly(s, s->t[0] + 60 * DAY, DAY, 3 * DAY, &err);
	if (r) {
		fuzz_check_series(r);
		check_grid(sc_series_to_grid(r, 3600, s->t[0] + 59 * DAY, s->t[0] + 63 * DAY, 6 * 3600, &err));
		sc_series_destroy(r);
	}
	sc_series_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size) /* fmemopen needs a non-empty buffer */
		return 0;
	run(data, size, SC_COLUMN_LCA);
	run(data, size, SC_COLUMN_DIRECT);
	return 0;
}
