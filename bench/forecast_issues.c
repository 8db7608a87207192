/* slurm-carbon: what a forecast view of `scarbon simulate` shows, issue by
 * issue — written as a forecast archive (CSV issued_at,target,forecast), so
 * that the error model can be compared with real archives by
 * bench/forecast_errors.py.
 *
 * At every STEP (default 30 minutes) from FROM to TO, the forecasts the
 * policies would see at that moment (sc_fview_at), HOURS ahead (default
 * 48), on the intensity file's own step.
 *
 * Usage: forecast_issues INTENSITY_CSV MODE FROM TO [STEP [HOURS]]
 *   e.g. forecast_issues actual_national.csv error:25:3 2023-03-14T03:01:00Z 2023-03-18T02:31:00Z
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "forecast/csvfile.h"
#include "forecast/series.h"
#include "base/units.h"
#include "sim/fview.h"

int main(int argc, char **argv)
{
	struct sc_series *s = NULL;
	struct sc_grid *g = NULL;
	struct sc_fview *v = NULL;
	struct sc_fview_mode mode;
	struct sc_err err;
	int64_t from, to, step = 1800, hours = 48;
	int rc = 1;

	if (argc < 5) {
		fprintf(stderr, "usage: forecast_issues INTENSITY_CSV MODE FROM TO [STEP [HOURS]]\n");
		return 2;
	}
	if (sc_fview_mode_parse(argv[2], &mode, &err) < 0 || sc_parse_time(argv[3], 0, &from, &err) < 0 ||
	    sc_parse_time(argv[4], 0, &to, &err) < 0 ||
	    (argc > 5 && sc_parse_duration(argv[5], 0, &step, &err) < 0)) {
		fprintf(stderr, "forecast_issues: %s\n", err.msg);
		return 2;
	}
	if (argc > 6)
		hours = atoi(argv[6]);
	if (step <= 0 || hours <= 0) {
		fprintf(stderr, "forecast_issues: STEP and HOURS must be positive\n");
		return 2;
	}
	s = sc_csv_read_intensity(argv[1], SC_COLUMN_LCA, &err);
	if (!s || !(g = sc_series_to_grid(s, 0, 0, 0, 6 * 3600, &err)))
		goto fail;
	v = sc_fview_create(&mode, (const struct sc_grid *const *)&g, 1, hours * 3600, 6 * 3600, 0, &err);
	if (!v)
		goto fail;
	printf("issued_at,target,forecast\n");
	for (int64_t t = from; t <= to; t += step) {
		const struct sc_grid *f = sc_fview_at(v, t)->grids[0];
		char a[32], b[32];

		if (!f)
			continue;
		sc_format_time(t, a, sizeof(a));
		for (size_t k = 0; k < f->n && (int64_t)k * f->step < hours * 3600; k++)
			printf("%s,%s,%.2f\n", a, sc_format_time(f->start + (int64_t)k * f->step, b, sizeof(b)), f->v[k]);
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "forecast_issues: %s\n", err.msg);
out:
	sc_fview_destroy(v);
	sc_grid_destroy(g);
	sc_series_destroy(s);
	return rc;
}
