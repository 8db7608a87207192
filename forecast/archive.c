/* slurm-carbon: the archive of fetched actuals and issued forecasts.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/archive.h"
#include "base/file.h"
#include "forecast/cache.h"
#include "forecast/csvfile.h"
#include "policy/grid.h"
#include "base/grow.h"
#include "base/units.h"

#define FORECAST_HEADER "issued_at,target,forecast"
#define FORECAST_MAX_FIELDS 16

char *sc_archive_path(const char *state_dir, const char *zone, const char *kind, struct sc_err *err)
{
	char *probe = sc_cache_path(state_dir, zone, err), *p = NULL;

	if (!probe)
		return NULL; /* same rules for the names */
	free(probe);
	if (asprintf(&p, "%s/archive/%s-%s.csv", state_dir, zone, kind) < 0) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	return p;
}

static int archive_dir(const char *state_dir, struct sc_err *err)
{
	char *d = NULL;
	int rc = 0;

	if (asprintf(&d, "%s/archive", state_dir) < 0)
		return sc_err_set(err, "out of memory");
	if (mkdir(d, 0755) < 0 && errno != EEXIST)
		rc = sc_err_set(err, "cannot create %s: %s", d, strerror(errno));
	free(d);
	return rc;
}

/* ---- actual intensities --------------------------------------------------- */

static int fill_series(FILE *f, void *ctx, struct sc_err *err)
{
	return sc_csv_write_intensity(f, ctx, err);
}

int sc_archive_add_actual(const char *state_dir, const char *zone, const struct sc_series *actual,
			  int64_t now, int days, struct sc_err *err)
{
	char *path = sc_archive_path(state_dir, zone, "actual", err);
	struct sc_series *old = NULL, *merged = NULL;
	int64_t cutoff = now - (int64_t)(days > 0 ? days : SC_ARCHIVE_DAYS) * 86400;
	size_t i = 0, j = 0;
	struct sc_err e;
	int rc = -1;

	if (!path)
		return -1;
	if (archive_dir(state_dir, err) < 0)
		goto out;
	if (access(path, F_OK) == 0) {
		old = sc_csv_read_intensity(path, SC_COLUMN_LCA, &e);
		if (!old) {
			sc_err_set(err, "archive %s cannot be read (%s): left alone; move it away to start a new one",
				   SC_PRINTABLE(path), e.msg);
			goto out;
		}
	}
	merged = sc_series_create();
	if (!merged) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	/* Merge two increasing series; on equal times the new value wins. */
	while ((old && i < old->n) || (actual && j < actual->n)) {
		int take_new = !old || i >= old->n || (actual && j < actual->n && actual->t[j] <= old->t[i]);
		int64_t t;
		double v;
		if (take_new) {
			t = actual->t[j];
			v = actual->v[j];
			if (old && i < old->n && old->t[i] == t)
				i++;
			j++;
		} else {
			t = old->t[i];
			v = old->v[i];
			i++;
		}
		if (t < cutoff)
			continue;
		if (sc_series_append(merged, t, v, err) < 0) {
			sc_err_prefix(err, "%s: ", path);
			goto out;
		}
	}
	if (sc_atomic_write(path, 0644, fill_series, merged, err) < 0)
		goto out;
	rc = 0;
out:
	sc_series_destroy(old);
	sc_series_destroy(merged);
	free(path);
	return rc;
}

/* ---- issued forecasts ----------------------------------------------------- */

void sc_forecast_rows_free(struct sc_forecast_rows *rows)
{
	if (!rows)
		return;
	free(rows->issued_at);
	free(rows->target);
	free(rows->forecast);
	free(rows->line);
	memset(rows, 0, sizeof(*rows));
}

/* One forecast row, for sorting; i: its position before, so that the
 * sort is stable. */
struct row {
	int64_t issued, target;
	double v;
	size_t i;
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->issued != y->issued)
		return x->issued < y->issued ? -1 : 1;
	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int sc_forecast_rows_sort(struct sc_forecast_rows *rows, struct sc_err *err)
{
	size_t n = rows->n;
	struct row *k = malloc((n ? n : 1) * sizeof(*k));
	int64_t *issued = malloc((n ? n : 1) * sizeof(*issued));
	int64_t *target = malloc((n ? n : 1) * sizeof(*target));
	double *forecast = malloc((n ? n : 1) * sizeof(*forecast));
	long *line = rows->line ? malloc((n ? n : 1) * sizeof(*line)) : NULL;

	if (!k || !issued || !target || !forecast || (rows->line && !line)) {
		free(k);
		free(issued);
		free(target);
		free(forecast);
		free(line);
		return sc_err_set(err, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct row){ rows->issued_at[i], rows->target[i], rows->forecast[i], i };
	qsort(k, n, sizeof(*k), row_cmp);
	for (size_t i = 0; i < n; i++) {
		issued[i] = k[i].issued;
		target[i] = k[i].target;
		forecast[i] = k[i].v;
		if (line)
			line[i] = rows->line[k[i].i];
	}
	free(k);
	free(rows->issued_at);
	free(rows->target);
	free(rows->forecast);
	free(rows->line);
	rows->issued_at = issued;
	rows->target = target;
	rows->forecast = forecast;
	rows->line = line;
	rows->cap = n ? n : 1;
	return 0;
}

static int rows_push(struct sc_forecast_rows *r, int64_t issued, int64_t target, double v, long line)
{
	if (r->n == r->cap) {
		/* Four arrays, one capacity: each grows from the same cap to the
		 * same need, so all end at the same size; r->cap moves only when
		 * all four have (one that grew before another failed is merely
		 * larger than r->cap says). */
		size_t ca = r->cap, cb = r->cap, cc = r->cap, cl = r->cap;

		if (SC_GROW(r->issued_at, ca, r->n + 1) < 0 || SC_GROW(r->target, cb, r->n + 1) < 0 ||
		    SC_GROW(r->forecast, cc, r->n + 1) < 0 || SC_GROW(r->line, cl, r->n + 1) < 0)
			return -1;
		r->cap = ca < cb ? ca : cb;
		r->cap = r->cap < cc ? r->cap : cc;
		r->cap = r->cap < cl ? r->cap : cl;
	}
	r->issued_at[r->n] = issued;
	r->target[r->n] = target;
	r->forecast[r->n] = v;
	r->line[r->n] = line;
	r->n++;
	return 0;
}

/* Finds the columns issued_at, target and forecast (case-insensitive, any
 * order, other columns ignored) in the header's nf fields. */
static int forecast_header(char **fl, int nf, int *col, const char *path, long lineno, struct sc_err *err)
{
	static const char *const names[3] = { "issued_at", "target", "forecast" };

	if (nf > FORECAST_MAX_FIELDS)
		return sc_err_set(err, "%s:%ld: more than %d columns; expected the header '%s'", path, lineno,
				  FORECAST_MAX_FIELDS, FORECAST_HEADER);
	for (int c = 0; c < 3; c++)
		col[c] = -1;
	for (int i = 0; i < nf; i++) {
		const char *name = sc_csv_trim(fl[i]);

		for (int c = 0; c < 3; c++) {
			if (strcasecmp(name, names[c]) != 0)
				continue;
			if (col[c] >= 0)
				return sc_err_set(err, "%s:%ld: column '%s' appears twice", path, lineno, names[c]);
			col[c] = i;
		}
	}
	for (int c = 0; c < 3; c++)
		if (col[c] < 0)
			return sc_err_set(err, "%s:%ld: the header has no column '%s': expected the header '%s'", path,
					  lineno, names[c], FORECAST_HEADER);
	return 0;
}

int sc_forecast_rows_read(const char *path, int missing_ok, struct sc_forecast_rows *rows, struct sc_err *err)
{
	FILE *f = sc_open_regular(path, "forecast archive", 0, err);
	char *line = NULL, *fl[FORECAST_MAX_FIELDS];
	size_t cap = 0;
	long len, lineno = 0;
	int rc = -1, ncols = 0, col[3];
	struct sc_err e;
	char ppath[SC_PRINTABLE_MAX];

	sc_printable(ppath, sizeof(ppath), path);
	memset(rows, 0, sizeof(*rows));
	if (!f) {
		if (errno == ENOENT && missing_ok) {
			sc_err_clear(err);
			return 0;
		}
		return -1;
	}
	while ((len = sc_read_line(f, &line, &cap, 0)) >= 0) {
		int64_t issued, target;
		double v;
		int n;

		lineno++;
		if (len == 0 || line[0] == '#' || strcmp(line, "\r") == 0)
			continue;
		n = sc_csv_split(line, ',', 1, fl, FORECAST_MAX_FIELDS, &e);
		if (n < 0) {
			sc_err_set(err, "%s:%ld: %s", ppath, lineno, e.msg);
			goto out;
		}
		if (!ncols) {
			if (forecast_header(fl, n, col, ppath, lineno, err) < 0)
				goto out;
			ncols = n;
			continue;
		}
		if (n != ncols) {
			sc_err_set(err, "%s:%ld: %d fields; expected %d as in the header (issued_at,target,forecast)",
				   ppath, lineno, n, ncols);
			goto out;
		}
		if (sc_parse_abs_time(fl[col[0]], &issued, &e) < 0 || sc_parse_abs_time(fl[col[1]], &target, &e) < 0) {
			sc_err_set(err, "%s:%ld: %s", ppath, lineno, e.msg);
			goto out;
		}
		if (!fl[col[2]][0])
			continue; /* no forecast for that target */
		if (sc_parse_number(fl[col[2]], 0, SC_INTENSITY_MAX, "forecast", &v, &e) < 0) {
			sc_err_set(err, "%s:%ld: %s", ppath, lineno, e.msg);
			goto out;
		}
		if (rows_push(rows, issued, target, v, lineno) < 0) {
			sc_err_set(err, "out of memory");
			goto out;
		}
	}
	if (len == -2) {
		sc_err_set(err, "%s:%ld: line %ld is longer than %zu bytes: expected a CSV line", ppath,
			   lineno + 1, lineno + 1, SC_LINE_MAX);
		goto out;
	}
	if (len == -3 || ferror(f)) {
		sc_err_set(err, "%s: %s", ppath, len == -3 ? "out of memory" : "read error");
		goto out;
	}
	if (!ncols) {
		sc_err_set(err, "%s: empty; expected the header '%s'", ppath, FORECAST_HEADER);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc < 0)
		sc_forecast_rows_free(rows);
	return rc;
}

struct rows_out {
	const struct row *r;
	size_t from, n;
};

static char *csv_time(int64_t t, char *buf, size_t n)
{
	sc_format_time(t, buf, n); /* YYYY-MM-DDTHH:MM:SSZ */
	buf[10] = ' ';
	buf[19] = '\0';
	return buf;
}

static int fill_rows(FILE *f, void *ctx, struct sc_err *err)
{
	const struct rows_out *o = ctx;
	char a[32], b[32];

	fprintf(f, "%s\n", FORECAST_HEADER);
	for (size_t i = o->from; i < o->n; i++)
		fprintf(f, "%s,%s,%.6g\n", csv_time(o->r[i].issued, a, sizeof(a)), csv_time(o->r[i].target, b, sizeof(b)),
			o->r[i].v);
	if (ferror(f))
		return sc_err_set(err, "write error: %s", strerror(errno));
	return 0;
}

int sc_archive_add_forecast(const char *state_dir, const char *zone, const struct sc_series *fc,
			    int64_t issued_at, int64_t now, int days, size_t max_rows, struct sc_err *err)
{
	char *path = sc_archive_path(state_dir, zone, "forecasts", err);
	int64_t cutoff = now - (int64_t)(days > 0 ? days : SC_ARCHIVE_DAYS) * 86400;
	struct sc_forecast_rows old = { 0 };
	struct rows_out out = { 0 };
	struct row *r = NULL;
	size_t n = 0, from = 0;
	struct sc_err e;
	int rc = -1;

	if (!path)
		return -1;
	if (!max_rows)
		max_rows = SC_ARCHIVE_MAX_ROWS;
	if (archive_dir(state_dir, err) < 0)
		goto out;
	if (sc_forecast_rows_read(path, 1, &old, &e) < 0) {
		sc_err_set(err, "archive %s cannot be read (%s): left alone; move it away to start a new one", SC_PRINTABLE(path),
			   e.msg);
		goto out;
	}
	r = malloc((old.n + (fc ? fc->n : 0) + 1) * sizeof(*r));
	if (!r) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < old.n; i++)
		if (old.issued_at[i] != issued_at && old.issued_at[i] >= cutoff) {
			r[n] = (struct row){ old.issued_at[i], old.target[i], old.forecast[i], n };
			n++;
		}
	if (issued_at >= cutoff)
		for (size_t i = 0; fc && i < fc->n; i++) {
			r[n] = (struct row){ issued_at, fc->t[i], fc->v[i], n };
			n++;
		}
	qsort(r, n, sizeof(*r), row_cmp);
	/* Over the cap: drop whole issues, oldest first. */
	if (n > max_rows) {
		from = n - max_rows;
		while (from > 0 && from < n && r[from].issued == r[from - 1].issued)
			from++;
	}
	out.r = r;
	out.from = from;
	out.n = n;
	if (sc_atomic_write(path, 0644, fill_rows, &out, err) < 0)
		goto out;
	rc = 0;
out:
	sc_forecast_rows_free(&old);
	free(r);
	free(path);
	return rc;
}
