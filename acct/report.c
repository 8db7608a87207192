/* slurm-carbon: emissions reports from accounting.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "acct/actual.h"
#include "acct/report.h"
#include "base/grow.h"
#include "base/units.h"
#include "record/record.h"

#define MAX_ZONES 16
#define DAY 86400
#define HOUR 3600

/* An int64-keyed open-addressing table (days, hours). */
struct bin {
	int64_t key;
	double v;
	int used;
};

struct bins {
	struct bin *b;
	size_t n, cap; /* cap a power of two */
};

static size_t hash64(int64_t k)
{
	uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ull;

	return (size_t)(x ^ (x >> 29));
}

static struct bin *bins_get(struct bins *t, int64_t key)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct bin *nb = calloc(ncap, sizeof(*nb));
		if (!nb)
			return NULL;
		for (size_t k = 0; k < t->cap; k++) {
			if (!t->b[k].used)
				continue;
			for (i = hash64(t->b[k].key) & (ncap - 1); nb[i].used; i = (i + 1) & (ncap - 1))
				;
			nb[i] = t->b[k];
		}
		free(t->b);
		t->b = nb;
		t->cap = ncap;
	}
	for (i = hash64(key) & (t->cap - 1); t->b[i].used; i = (i + 1) & (t->cap - 1))
		if (t->b[i].key == key)
			return &t->b[i];
	t->b[i].used = 1;
	t->b[i].key = key;
	t->b[i].v = 0;
	t->n++;
	return &t->b[i];
}

static int bin_cmp(const void *a, const void *b)
{
	const struct bin *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The used bins in key order (caller frees); NULL when none or no memory. */
static struct bin *bins_sorted(const struct bins *t, size_t *n)
{
	struct bin *out;
	size_t k = 0;

	*n = 0;
	if (!t->n)
		return NULL;
	out = malloc(t->n * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < t->cap; i++)
		if (t->b[i].used)
			out[k++] = t->b[i];
	qsort(out, k, sizeof(*out), bin_cmp);
	*n = k;
	return out;
}

struct sc_report {
	enum sc_group_by by;
	struct sc_report_row *rows;
	size_t n, cap;
	size_t *index; /* open addressing over rows, cap_index slots, (size_t)-1 free */
	size_t cap_index;
	int sorted;
	struct sc_report_row total;
	struct bins days;   /* day number → kgCO2e */
	struct bins starts; /* hour number → job starts */
	int64_t first, last;
	char *zones[MAX_ZONES];
	size_t n_zones;
};

const char *sc_group_by_name(enum sc_group_by by)
{
	switch (by) {
	case SC_BY_ACCOUNT: return "account";
	case SC_BY_PARTITION: return "partition";
	default: return "user";
	}
}

double sc_report_row_mean_delay(const struct sc_report_row *r)
{
	return r->delay_jobs ? r->delay_sum_s / (double)r->delay_jobs : 0;
}

struct sc_report *sc_report_create(enum sc_group_by by)
{
	struct sc_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->by = by;
	r->total.name = "TOTAL";
	return r;
}

void sc_report_destroy(struct sc_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free((char *)r->rows[i].name);
	for (size_t i = 0; i < r->n_zones; i++)
		free(r->zones[i]);
	free(r->rows);
	free(r->index);
	free(r->days.b);
	free(r->starts.b);
	free(r);
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct sc_report_row *row_for(struct sc_report *r, const char *name)
{
	size_t i;

	if ((r->n + 1) * 2 > r->cap_index) {
		size_t ncap = 64, *ni;
		while (ncap < (r->n + 1) * 2 + 1)
			ncap *= 2;
		ni = malloc(ncap * sizeof(*ni));
		if (!ni)
			return NULL;
		memset(ni, 0xff, ncap * sizeof(*ni));
		for (size_t k = 0; k < r->n; k++) {
			for (i = hash_str(r->rows[k].name) & (ncap - 1); ni[i] != (size_t)-1; i = (i + 1) & (ncap - 1))
				;
			ni[i] = k;
		}
		free(r->index);
		r->index = ni;
		r->cap_index = ncap;
	}
	for (i = hash_str(name) & (r->cap_index - 1); r->index[i] != (size_t)-1; i = (i + 1) & (r->cap_index - 1))
		if (strcmp(r->rows[r->index[i]].name, name) == 0)
			return &r->rows[r->index[i]];
	if (SC_GROW(r->rows, r->cap, r->n + 1) < 0)
		return NULL;
	memset(&r->rows[r->n], 0, sizeof(r->rows[r->n]));
	r->rows[r->n].name = strdup(name);
	if (!r->rows[r->n].name)
		return NULL;
	r->index[i] = r->n;
	return &r->rows[r->n++];
}

static void add_zone(struct sc_report *r, const char *z)
{
	if (!z || !*z || r->n_zones == MAX_ZONES)
		return;
	for (size_t i = 0; i < r->n_zones; i++)
		if (strcasecmp(r->zones[i], z) == 0)
			return;
	if ((r->zones[r->n_zones] = strdup(z)))
		r->n_zones++;
}

static void add_to(struct sc_report_row *w, const struct sc_report_row *d)
{
	w->jobs += d->jobs;
	w->cpu_hours += d->cpu_hours;
	w->gpu_hours += d->gpu_hours;
	w->kwh += d->kwh;
	w->kgco2e += d->kgco2e;
	w->kgco2e_avoided += d->kgco2e_avoided;
	w->delay_sum_s += d->delay_sum_s;
	w->delay_jobs += d->delay_jobs;
	w->jobs_reconciled += d->jobs_reconciled;
	w->jobs_measured += d->jobs_measured;
	w->jobs_estimated += d->jobs_estimated;
	w->jobs_without_record += d->jobs_without_record;
	w->kgco2e_reconciled += d->kgco2e_reconciled;
	w->kgco2e_estimated += d->kgco2e_estimated;
	w->jobs_compared += d->jobs_compared;
	w->kwh_estimated_cmp += d->kwh_estimated_cmp;
	w->kwh_actual_cmp += d->kwh_actual_cmp;
}

/* Splits kg over the days of [s, e). */
static int add_days(struct sc_report *r, int64_t s, int64_t e, double kg)
{
	int64_t d0 = s / DAY - (s % DAY < 0), d1;

	if (kg == 0)
		return 0;
	if (e <= s) {
		struct bin *b = bins_get(&r->days, d0);
		if (!b)
			return -1;
		b->v += kg;
		return 0;
	}
	d1 = (e - 1) / DAY - ((e - 1) % DAY < 0);
	if (d1 - d0 > 3660)
		d1 = d0 + 3660;
	for (int64_t d = d0; d <= d1; d++) {
		int64_t a = d * DAY > s ? d * DAY : s, b2 = (d + 1) * DAY < e ? (d + 1) * DAY : e;
		struct bin *b = bins_get(&r->days, d);
		if (!b)
			return -1;
		b->v += kg * (double)(b2 - a) / (double)(e - s);
	}
	return 0;
}

int sc_report_add(struct sc_report *r, const struct sc_acct_job *job)
{
	struct sc_report_row d, *row;
	struct sc_estimate est;
	struct sc_actual act;
	const char *key;
	double kg = 0, avoided;
	int64_t end;

	if (!job->ran)
		return 0;
	memset(&d, 0, sizeof(d));
	d.jobs = job->het_offset > 0 ? 0 : 1;
	if (job->cpu_time_s > 0)
		d.cpu_hours = job->cpu_time_s / 3600.0;
	if (job->gpus > 0 && job->elapsed > 0)
		d.gpu_hours = (double)job->gpus * (double)job->elapsed / 3600.0;
	sc_estimate_read(job->admin_comment, &est);
	sc_actual_read(job->system_comment, &act);
	if (act.present) {
		kg = act.gco2e / 1000.0;
		d.kwh = act.kwh;
		d.jobs_reconciled = 1;
		d.jobs_measured = act.energy_source == SC_ENERGY_MEASURED;
		d.kgco2e_reconciled = kg;
		add_zone(r, act.zone);
	} else if (sc_estimate_usable(&est)) {
		kg = est.gco2e / 1000.0;
		d.kwh = est.kwh;
		d.jobs_estimated = 1;
		d.kgco2e_estimated = kg;
	} else {
		d.jobs_without_record = 1;
	}
	d.kgco2e = kg;
	if (act.present && sc_estimate_usable(&est)) {
		d.jobs_compared = 1;
		d.kwh_estimated_cmp = est.kwh;
		d.kwh_actual_cmp = act.kwh;
	}
	if (est.present) {
		add_zone(r, est.zone);
		avoided = sc_estimate_avoided_g(&est);
		if (isfinite(avoided))
			d.kgco2e_avoided = avoided / 1000.0;
		d.delay_jobs = 1;
		if (est.applied && est.delay_s > 0)
			d.delay_sum_s = (double)est.delay_s;
	}

	switch (r->by) {
	case SC_BY_ACCOUNT: key = job->account; break;
	case SC_BY_PARTITION: key = job->partition; break;
	default: key = job->user; break;
	}
	row = row_for(r, key ? key : "");
	if (!row)
		return -1;
	r->sorted = 0;
	add_to(row, &d);
	add_to(&r->total, &d);

	end = job->end > 0 ? job->end : job->start + (job->elapsed > 0 ? job->elapsed : 0);
	if (!r->first || job->start < r->first)
		r->first = job->start;
	if (end > r->last)
		r->last = end;
	if (add_days(r, job->start, end, kg) < 0)
		return -1;
	{
		struct bin *b = bins_get(&r->starts, job->start / HOUR);
		if (!b)
			return -1;
		b->v += 1;
	}
	return 1;
}

static int row_cmp(const void *a, const void *b)
{
	const struct sc_report_row *x = a, *y = b;

	if (x->kgco2e != y->kgco2e)
		return x->kgco2e > y->kgco2e ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t sc_report_rows(struct sc_report *r, const struct sc_report_row **rows)
{
	if (!r->sorted) {
		if (r->n > 1)
			qsort(r->rows, r->n, sizeof(*r->rows), row_cmp);
		/* The index points at positions: rebuild it on the next add. */
		free(r->index);
		r->index = NULL;
		r->cap_index = 0;
		r->sorted = 1;
	}
	*rows = r->rows;
	return r->n;
}

const struct sc_report_row *sc_report_total(const struct sc_report *r)
{
	return &r->total;
}

void sc_report_range(const struct sc_report *r, int64_t *first, int64_t *last)
{
	*first = r->first;
	*last = r->last;
}

size_t sc_report_zones(const struct sc_report *r, const char *const **zones)
{
	*zones = (const char *const *)r->zones;
	return r->n_zones;
}

/* ---- text formats ------------------------------------------------------- */

static const char *const col_keys[] = {
	"name", "jobs", "cpu_hours", "gpu_hours", "kwh", "kgco2e", "kgco2e_avoided", "mean_delay_s",
	"jobs_reconciled", "jobs_measured", "jobs_estimated", "jobs_without_record",
	"kgco2e_reconciled", "kgco2e_estimated", "jobs_compared", "kwh_estimated", "kwh_actual", NULL,
};

/* The value of column k (1..) of row w as text, at the machine precision. */
static void cell(const struct sc_report_row *w, int k, char *b, size_t n)
{
	switch (k) {
	case 1: snprintf(b, n, "%ld", w->jobs); break;
	case 2: snprintf(b, n, "%.4f", w->cpu_hours); break;
	case 3: snprintf(b, n, "%.4f", w->gpu_hours); break;
	case 4: snprintf(b, n, "%.6f", w->kwh); break;
	case 5: snprintf(b, n, "%.6f", w->kgco2e); break;
	case 6: snprintf(b, n, "%.6f", w->kgco2e_avoided); break;
	case 7: snprintf(b, n, "%.0f", sc_report_row_mean_delay(w)); break;
	case 8: snprintf(b, n, "%ld", w->jobs_reconciled); break;
	case 9: snprintf(b, n, "%ld", w->jobs_measured); break;
	case 10: snprintf(b, n, "%ld", w->jobs_estimated); break;
	case 11: snprintf(b, n, "%ld", w->jobs_without_record); break;
	case 12: snprintf(b, n, "%.6f", w->kgco2e_reconciled); break;
	case 13: snprintf(b, n, "%.6f", w->kgco2e_estimated); break;
	case 14: snprintf(b, n, "%ld", w->jobs_compared); break;
	case 15: snprintf(b, n, "%.6f", w->kwh_estimated_cmp); break;
	case 16: snprintf(b, n, "%.6f", w->kwh_actual_cmp); break;
	default: b[0] = '\0'; break;
	}
	/* "-0.000000" reads badly. */
	if (strspn(b, "-0.") == strlen(b) && b[0] == '-')
		memmove(b, b + 1, strlen(b));
}

static void csv_field(FILE *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ') {
		fputs(s, o);
		return;
	}
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', o);
		fputc(*s, o);
	}
	fputc('"', o);
}

static void write_delimited(struct sc_report *r, FILE *o, int csv)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);
	char b[64];

	for (int k = 0; col_keys[k]; k++)
		fprintf(o, "%s%s", k ? (csv ? "," : "|") : "", col_keys[k]);
	fputc('\n', o);
	for (size_t i = 0; i < n; i++) {
		if (csv)
			csv_field(o, rows[i].name);
		else
			/* sacct -P prints names as they are; a '|' in a name can't be
			 * told from the separator either way. */
			fputs(rows[i].name, o);
		for (int k = 1; col_keys[k]; k++) {
			cell(&rows[i], k, b, sizeof(b));
			fprintf(o, "%c%s", csv ? ',' : '|', b);
		}
		fputc('\n', o);
	}
}

static json_t *row_json(const struct sc_report_row *w, int with_name)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	if (with_name)
		rc |= json_object_set_new(o, "name", sc_json_text(w->name));
	rc |= json_object_set_new(o, "jobs", json_integer(w->jobs));
	rc |= json_object_set_new(o, "cpu_hours", json_real(sc_round(w->cpu_hours, 1e-4)));
	rc |= json_object_set_new(o, "gpu_hours", json_real(sc_round(w->gpu_hours, 1e-4)));
	rc |= json_object_set_new(o, "kwh", json_real(sc_round(w->kwh, 1e-6)));
	rc |= json_object_set_new(o, "kgco2e", json_real(sc_round(w->kgco2e, 1e-6)));
	rc |= json_object_set_new(o, "kgco2e_avoided", json_real(sc_round(w->kgco2e_avoided, 1e-6)));
	rc |= json_object_set_new(o, "mean_delay_s", json_integer((json_int_t)llround(sc_report_row_mean_delay(w))));
	rc |= json_object_set_new(o, "jobs_reconciled", json_integer(w->jobs_reconciled));
	rc |= json_object_set_new(o, "jobs_measured", json_integer(w->jobs_measured));
	rc |= json_object_set_new(o, "jobs_estimated", json_integer(w->jobs_estimated));
	rc |= json_object_set_new(o, "jobs_without_record", json_integer(w->jobs_without_record));
	rc |= json_object_set_new(o, "kgco2e_reconciled", json_real(sc_round(w->kgco2e_reconciled, 1e-6)));
	rc |= json_object_set_new(o, "kgco2e_estimated", json_real(sc_round(w->kgco2e_estimated, 1e-6)));
	rc |= json_object_set_new(o, "jobs_compared", json_integer(w->jobs_compared));
	rc |= json_object_set_new(o, "kwh_estimated", json_real(sc_round(w->kwh_estimated_cmp, 1e-6)));
	rc |= json_object_set_new(o, "kwh_actual", json_real(sc_round(w->kwh_actual_cmp, 1e-6)));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int write_json(struct sc_report *r, const struct sc_report_info *info, FILE *o,
		      struct sc_err *err)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);
	json_t *root = json_object(), *arr = json_array(), *t;
	char *s = NULL;
	int rc = -1;

	if (!root || !arr)
		goto out;
	if (json_object_set_new(root, "group_by", sc_json_text(sc_group_by_name(r->by))) ||
	    json_object_set_new(root, "from", info && info->from ? sc_json_text(info->from) : json_null()) ||
	    json_object_set_new(root, "to", info && info->to ? sc_json_text(info->to) : json_null()))
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *j = row_json(&rows[i], 1);
		if (!j || json_array_append_new(arr, j))
			goto out;
	}
	if (json_object_set(root, "rows", arr))
		goto out;
	t = row_json(&r->total, 0);
	if (!t || json_object_set_new(root, "total", t))
		goto out;
	s = sc_json_dumps(root);
	if (!s)
		goto out;
	fprintf(o, "%s\n", s);
	rc = 0;
out:
	if (rc)
		sc_err_set(err, "out of memory");
	free(s);
	json_decref(arr);
	json_decref(root);
	return rc;
}

static const char *const table_heads[] = {
	NULL, "Jobs", "CPU-hours", "GPU-hours", "kWh", "kgCO2e", "kgCO2e avoided", "Mean delay",
};
#define TABLE_COLS 8

static void table_cell(const struct sc_report_row *w, int k, char *b, size_t n)
{
	switch (k) {
	case 0: sc_printable(b, n, w->name[0] ? w->name : "(unknown)"); break; /* a terminal reads it */
	case 1: snprintf(b, n, "%ld", w->jobs); break;
	case 2: snprintf(b, n, "%.2f", w->cpu_hours); break;
	case 3: snprintf(b, n, "%.2f", w->gpu_hours); break;
	case 4: snprintf(b, n, "%.3f", w->kwh); break;
	case 5: snprintf(b, n, "%.3f", w->kgco2e); break;
	case 6: snprintf(b, n, "%.3f", w->kgco2e_avoided); break;
	case 7: sc_format_duration((int64_t)llround(sc_report_row_mean_delay(w)), b, n); break;
	default: b[0] = '\0';
	}
	if (k >= 2 && k <= 6 && strspn(b, "-0.") == strlen(b) && b[0] == '-')
		memmove(b, b + 1, strlen(b));
}

static void coverage_text(const struct sc_report_row *t, char *b, size_t n)
{
	double pr = t->kgco2e > 0 ? 100.0 * t->kgco2e_reconciled / t->kgco2e : 0;
	double pe = t->kgco2e > 0 ? 100.0 * t->kgco2e_estimated / t->kgco2e : 0;

	snprintf(b, n,
		 "%.3f kgCO2e reconciled (%.1f%%, %ld job%s, %ld with energy measured by Slurm), "
		 "%.3f kgCO2e submit-time estimates (%.1f%%, %ld job%s); %ld job%s without a carbon record",
		 t->kgco2e_reconciled, pr, t->jobs_reconciled, t->jobs_reconciled == 1 ? "" : "s",
		 t->jobs_measured, t->kgco2e_estimated, pe, t->jobs_estimated,
		 t->jobs_estimated == 1 ? "" : "s", t->jobs_without_record,
		 t->jobs_without_record == 1 ? "" : "s");
}

static void window_text(const struct sc_report *r, const struct sc_report_info *info, char *b, size_t n)
{
	char t0[40], t1[40];

	if (info && (info->from || info->to)) {
		snprintf(b, n, "%s - %s", info->from ? info->from : "...", info->to ? info->to : "now");
	} else if (r->first) {
		snprintf(b, n, "%s - %s", sc_format_time(r->first, t0, sizeof(t0)),
			 sc_format_time(r->last, t1, sizeof(t1)));
	} else {
		snprintf(b, n, "no jobs");
	}
}

static void write_table(struct sc_report *r, const struct sc_report_info *info, FILE *o)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);
	int width[TABLE_COLS];
	char b[256], win[200], cov[512];
	const char *group = r->by == SC_BY_ACCOUNT ? "Account" : r->by == SC_BY_PARTITION ? "Partition" : "User";
	int total_w = 0;

	for (int k = 0; k < TABLE_COLS; k++) {
		width[k] = (int)strlen(k ? table_heads[k] : group);
		table_cell(&r->total, k, b, sizeof(b));
		if ((int)strlen(b) > width[k])
			width[k] = (int)strlen(b);
		for (size_t i = 0; i < n; i++) {
			table_cell(&rows[i], k, b, sizeof(b));
			if ((int)strlen(b) > width[k])
				width[k] = (int)strlen(b);
		}
		total_w += width[k] + 1;
	}
	window_text(r, info, win, sizeof(win));
	coverage_text(&r->total, cov, sizeof(cov));
	for (int i = 0; i < total_w - 1 || i < 80; i++)
		fputc('-', o);
	fprintf(o, "\nJob carbon emissions by %s, %s\n", sc_group_by_name(r->by), win);
	fprintf(o, "%s\n", cov);
	for (int i = 0; i < total_w - 1 || i < 80; i++)
		fputc('-', o);
	fputc('\n', o);
	for (int k = 0; k < TABLE_COLS; k++)
		fprintf(o, "%s%*s", k ? " " : "", width[k], k ? table_heads[k] : group);
	fputc('\n', o);
	for (int k = 0; k < TABLE_COLS; k++) {
		fputs(k ? " " : "", o);
		for (int i = 0; i < width[k]; i++)
			fputc('-', o);
	}
	fputc('\n', o);
	for (size_t i = 0; i <= n; i++) {
		const struct sc_report_row *w = i < n ? &rows[i] : &r->total;
		if (i == n) {
			for (int k = 0; k < TABLE_COLS; k++) {
				fputs(k ? " " : "", o);
				for (int c = 0; c < width[k]; c++)
					fputc('-', o);
			}
			fputc('\n', o);
		}
		for (int k = 0; k < TABLE_COLS; k++) {
			table_cell(w, k, b, sizeof(b));
			fprintf(o, "%s%*s", k ? " " : "", width[k], b);
		}
		fputc('\n', o);
	}
}

/* The submit-time estimate against the actual kWh, per row: is the
 * estimate (learned or configured) any good? Nothing when no job has both. */
static void write_compare(struct sc_report *r, FILE *o)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);

	if (!r->total.jobs_compared)
		return;
	fprintf(o, "\nSubmit-time estimate vs actual energy (jobs with both records)\n");
	fprintf(o, "%-16s %8s %14s %14s %9s\n", sc_group_by_name(r->by), "jobs", "estimated kWh",
		"actual kWh", "error");
	for (size_t i = 0; i <= n; i++) {
		const struct sc_report_row *w = i < n ? &rows[i] : &r->total;
		char err[16] = "-";
		if (!w->jobs_compared)
			continue;
		if (w->kwh_actual_cmp > 0)
			snprintf(err, sizeof(err), "%+.0f%%",
				 100.0 * (w->kwh_estimated_cmp - w->kwh_actual_cmp) / w->kwh_actual_cmp);
		fprintf(o, "%-16s %8ld %14.3f %14.3f %9s\n", i < n ? SC_PRINTABLE(w->name) : "TOTAL", w->jobs_compared,
			w->kwh_estimated_cmp, w->kwh_actual_cmp, err);
	}
}

/* ---- HTML --------------------------------------------------------------- */

static void html_text(FILE *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '&': fputs("&amp;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t')
				fputc(' ', o);
			else
				fputc(*s, o);
		}
	}
}

/* A round upper bound for an axis: the first of 1, 1.2, 1.5, 2, 2.5, 3, 4,
 * 5, 6, 8, 10 × 10^k at or above v. */
static double nice_max(double v)
{
	static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double p;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * p >= v * (1 - 1e-12))
			return steps[i] * p;
	return 10 * p;
}

#define CW 900.0 /* chart width */
#define ML 150.0 /* left margin for labels */

static void chart_groups(struct sc_report *r, FILE *o)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows), shown = n > 15 ? 15 : n;
	double others = 0, max = 0, h, bar = 22;
	char b[64];

	/* The largest groups get bars on one scale; the rest is summed in a line
	 * of text, so that a long tail doesn't flatten the bars. */
	for (size_t i = shown; i < n; i++)
		others += rows[i].kgco2e;
	for (size_t i = 0; i < shown; i++)
		if (rows[i].kgco2e > max)
			max = rows[i].kgco2e;
	max = nice_max(max);
	h = 40 + (double)(shown + (n > shown)) * bar;
	fprintf(o, "<svg id=\"chart-groups\" class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
		   "xmlns=\"http://www.w3.org/2000/svg\"><title>Emissions per %s (kgCO2e)</title>\n",
		CW, h, sc_group_by_name(r->by));
	if (!n)
		fprintf(o, "<text x=\"%.0f\" y=\"24\" class=\"note\">no jobs</text>\n", ML);
	for (size_t i = 0; i < shown; i++) {
		const char *name = rows[i].name[0] ? rows[i].name : "(unknown)";
		double v = rows[i].kgco2e, y = 10 + (double)i * bar, w = (CW - ML - 80) * v / max;
		fprintf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" class=\"label\">", ML - 6, y + 15);
		html_text(o, name);
		sc_format_carbon(v * 1000, b, sizeof(b));
		fprintf(o, "</text><rect class=\"bar\" x=\"%.0f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\">"
			   "<title>", ML, y + 2, w > 0 ? w : 0, bar - 6);
		html_text(o, name);
		fprintf(o, ": %s</title></rect><text x=\"%.2f\" y=\"%.1f\" class=\"value\">%s</text>\n",
			b, ML + (w > 0 ? w : 0) + 4, y + 15, b);
	}
	if (n > shown)
		fprintf(o, "<text x=\"%.0f\" y=\"%.1f\" class=\"note\">and %zu more %ss: %s in all</text>\n",
			ML, 10 + (double)shown * bar + 15, n - shown, sc_group_by_name(r->by),
			sc_format_carbon(others * 1000, b, sizeof(b)));
	snprintf(b, sizeof(b), "%g", max);
	fprintf(o, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\">0</text>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%s kgCO2e</text></svg>\n",
		ML, h - 22, CW - 80, h - 22, ML, h - 6, CW - 80, h - 6, b);
}

static void chart_days(struct sc_report *r, FILE *o)
{
	size_t n;
	struct bin *d = bins_sorted(&r->days, &n);
	double max = 0, h = 260, top = 20, bottom = 40, plot_h = h - top - bottom;
	int64_t d0 = n ? d[0].key : 0, d1 = n ? d[n - 1].key : 0;
	double span = n ? (double)(d1 - d0 + 1) : 1, bw = (CW - 80 - 60) / span;
	char t[40], g[40];

	for (size_t i = 0; i < n; i++)
		if (d[i].v > max)
			max = d[i].v;
	max = nice_max(max);
	fprintf(o, "<svg id=\"chart-days\" class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
		   "xmlns=\"http://www.w3.org/2000/svg\"><title>Emissions per day (kgCO2e)</title>\n", CW, h);
	if (!n)
		fprintf(o, "<text x=\"80\" y=\"40\" class=\"note\">no emissions recorded</text>\n");
	for (size_t i = 0; i < n; i++) {
		double x = 80 + (double)(d[i].key - d0) * bw, bh = plot_h * d[i].v / max;
		sc_format_time(d[i].key * DAY, t, sizeof(t));
		t[10] = '\0';
		fprintf(o, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
			   "<title>%s: %s</title></rect>\n",
			x + bw * 0.1, top + plot_h - bh, bw * 0.8 > 0.5 ? bw * 0.8 : 0.5, bh, t,
			sc_format_carbon(d[i].v * 1000, g, sizeof(g)));
	}
	fprintf(o, "<line class=\"axis\" x1=\"80\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>"
		   "<line class=\"axis\" x1=\"80\" y1=\"%.0f\" x2=\"80\" y2=\"%.0f\"/>"
		   "<text x=\"74\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%g</text>"
		   "<text x=\"74\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">0</text>\n",
		top + plot_h, CW - 60, top + plot_h, top, top + plot_h, top + 10, max, top + plot_h);
	if (n) {
		sc_format_time(d0 * DAY, t, sizeof(t));
		t[10] = '\0';
		fprintf(o, "<text x=\"80\" y=\"%.0f\" class=\"tick\">%s</text>", h - 14, t);
		sc_format_time(d1 * DAY, t, sizeof(t));
		t[10] = '\0';
		fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%s</text>",
			CW - 60, h - 14, t);
	}
	fputs("<text x=\"12\" y=\"14\" class=\"tick\">kgCO2e</text></svg>\n", o);
	free(d);
}

static void chart_intensity(struct sc_report *r, const struct sc_report_info *info, FILE *o)
{
	static const char *const colours[] = { "#2b7a4b", "#1f5fa8", "#b5651d", "#7b3fa0" };
	size_t ns;
	struct bin *st = bins_sorted(&r->starts, &ns);
	int64_t t0 = r->first, t1 = r->last > r->first ? r->last : r->first + HOUR;
	double h = 300, top = 20, bottom = 60, plot_h = h - top - bottom, left = 80, right = CW - 60;
	double vmax = 0, smax = 0;
	size_t nc = info ? info->n_curves : 0;
	char ta[40], tb[40];

	if (nc > 4)
		nc = 4;
	for (size_t c = 0; c < nc; c++) {
		const struct sc_series *s = info->curves[c].s;
		for (size_t i = 0; s && i < s->n; i++)
			if (s->t[i] >= t0 - DAY && s->t[i] <= t1 && s->v[i] > vmax)
				vmax = s->v[i];
	}
	vmax = nice_max(vmax);
	for (size_t i = 0; i < ns; i++)
		if (st[i].v > smax)
			smax = st[i].v;
	fprintf(o, "<svg id=\"chart-intensity\" class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
		   "xmlns=\"http://www.w3.org/2000/svg\"><title>Grid carbon intensity (gCO2e/kWh) with job "
		   "starts marked</title>\n", CW, h);
#define X(t) (left + (right - left) * (double)((t) - t0) / (double)(t1 - t0))
	for (size_t c = 0; c < nc; c++) {
		const struct sc_series *s = info->curves[c].s;
		size_t first = 0, last = 0, step, count = 0;
		if (!s || !s->n)
			continue;
		while (first < s->n && s->t[first] < t0)
			first++;
		if (first)
			first--;
		last = first;
		while (last < s->n && s->t[last] <= t1)
			last++;
		/* At most ~1500 points: every step-th one. */
		step = (last - first) / 1500 + 1;
		fprintf(o, "<polyline class=\"curve\" stroke=\"%s\" points=\"", colours[c]);
		for (size_t i = first; i < last; i += step) {
			int64_t tt = s->t[i] < t0 ? t0 : s->t[i];
			fprintf(o, "%s%.1f,%.1f", count++ ? " " : "", X(tt), top + plot_h - plot_h * s->v[i] / vmax);
		}
		fputs("\"><title>", o);
		html_text(o, info->curves[c].zone);
		fprintf(o, " (%s)</title></polyline>\n", info->curves[c].what ? info->curves[c].what : "");
		fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" class=\"legend\" fill=\"%s\">", right - 150.0,
			top + 14 + 14 * (double)c, colours[c]);
		html_text(o, info->curves[c].zone);
		fprintf(o, " (%s)</text>\n", info->curves[c].what ? info->curves[c].what : "");
	}
	if (!nc) {
		fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" class=\"note\">", left + 10, top + 20);
		html_text(o, info && info->curve_note ? info->curve_note : "no intensity data for these jobs");
		fputs("</text>\n", o);
	}
	/* Job starts: one mark per hour with starts, its height by count. */
	fprintf(o, "<g class=\"starts\">");
	for (size_t i = 0; i < ns; i++) {
		int64_t t = st[i].key * HOUR;
		double x = X(t < t0 ? t0 : t), len = 6 + 14 * st[i].v / (smax > 0 ? smax : 1);
		fprintf(o, "<line class=\"start\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">"
			   "<title>%s: %.0f job start%s</title></line>",
			x, top + plot_h + 4, x, top + plot_h + 4 + len, sc_format_time(t, ta, sizeof(ta)),
			st[i].v, st[i].v == 1 ? "" : "s");
	}
	fputs("</g>\n", o);
#undef X
	fprintf(o, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>"
		   "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%g</text>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">0</text>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\">%s</text>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%s</text>"
		   "<text x=\"12\" y=\"14\" class=\"tick\">gCO2e/kWh</text>"
		   "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\">job starts</text></svg>\n",
		left, top + plot_h, right, top + plot_h, left, top, left, top + plot_h, left - 6, top + 10,
		vmax, left - 6, top + plot_h, left, h - 8, sc_format_time(t0, ta, sizeof(ta)), right, h - 8,
		sc_format_time(t1, tb, sizeof(tb)), right + 4, top + plot_h + 16);
	free(st);
}

static void write_html(struct sc_report *r, const struct sc_report_info *info, FILE *o)
{
	const struct sc_report_row *rows;
	size_t n = sc_report_rows(r, &rows);
	const struct sc_report_row *t = &r->total;
	char b[512], win[200], gen[40];
	const char *group = r->by == SC_BY_ACCOUNT ? "Account" : r->by == SC_BY_PARTITION ? "Partition" : "User";

	window_text(r, info, win, sizeof(win));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", o);
	fprintf(o, "Job carbon emissions by %s, ", sc_group_by_name(r->by));
	html_text(o, win);
	fputs("</title>\n<style>\n"
	      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:960px;color:#1d2b24;padding:0 1em}\n"
	      "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em}\n"
	      ".meta{color:#5b6b63;margin-top:0}\n"
	      ".tiles{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}\n"
	      ".tile{background:#eef5f0;border-radius:6px;padding:.6em 1em;min-width:9em}\n"
	      ".tile b{display:block;font-size:1.4em}\n"
	      ".scroll{overflow-x:auto}\n"
	      "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:.9em}\n"
	      "th,td{padding:.3em .45em;border-bottom:1px solid #d5e0d9;text-align:right}\n"
	      "th:first-child,td:first-child{text-align:left}\n"
	      "tr.total td{font-weight:bold;border-top:2px solid #1d2b24}\n"
	      "svg.chart{width:100%;height:auto;background:#fbfdfb;border:1px solid #e1e9e4;border-radius:6px}\n"
	      "svg .bar{fill:#2b7a4b}svg .label,svg .value,svg .tick,svg .legend,svg .note{font-size:12px;fill:#1d2b24}\n"
	      "svg .note{fill:#5b6b63}svg .axis{stroke:#8a9a91;stroke-width:1}\n"
	      "svg .curve{fill:none;stroke-width:1.5}svg .start{stroke:#b5651d;stroke-width:1.5}\n"
	      "</style>\n</head>\n<body>\n", o);
	fprintf(o, "<h1>Job carbon emissions by %s</h1>\n<p class=\"meta\">", sc_group_by_name(r->by));
	html_text(o, win);
	fprintf(o, " &middot; generated %s by slurm-carbon</p>\n", sc_format_time(info ? info->generated : 0, gen, sizeof(gen)));
	fprintf(o, "<div class=\"tiles\">"
		   "<div class=\"tile\"><b>%ld</b>jobs</div>"
		   "<div class=\"tile\"><b>%.3f</b>kWh</div>"
		   "<div class=\"tile\"><b>%.3f</b>kgCO2e</div>"
		   "<div class=\"tile\"><b>%.3f</b>kgCO2e avoided</div>"
		   "<div class=\"tile\"><b>%.1f</b>CPU-hours</div>"
		   "<div class=\"tile\"><b>%.1f</b>GPU-hours</div></div>\n",
		t->jobs, t->kwh, t->kgco2e, t->kgco2e_avoided, t->cpu_hours, t->gpu_hours);
	coverage_text(t, b, sizeof(b));
	fputs("<p id=\"coverage\">", o);
	html_text(o, b);
	fputs(".</p>\n", o);

	fprintf(o, "<h2>Emissions per %s</h2>\n", sc_group_by_name(r->by));
	chart_groups(r, o);
	fputs("<h2>Emissions per day</h2>\n", o);
	chart_days(r, o);
	fputs("<h2>Grid carbon intensity and job starts</h2>\n", o);
	chart_intensity(r, info, o);

	fputs("<h2>Figures</h2>\n<div class=\"scroll\"><table id=\"rows\">\n<thead><tr>", o);
	fprintf(o, "<th>%s</th>", group);
	for (int k = 1; k < TABLE_COLS; k++)
		fprintf(o, "<th>%s</th>", table_heads[k]);
	fputs("<th>Reconciled</th><th>Estimated</th><th>No record</th></tr></thead>\n<tbody>\n", o);
	for (size_t i = 0; i <= n; i++) {
		const struct sc_report_row *w = i < n ? &rows[i] : t;
		fputs(i < n ? "<tr>" : "</tbody>\n<tfoot><tr class=\"total\">", o);
		for (int k = 0; k < TABLE_COLS; k++) {
			table_cell(w, k, b, sizeof(b));
			fputs("<td>", o);
			html_text(o, b);
			fputs("</td>", o);
		}
		fprintf(o, "<td>%ld</td><td>%ld</td><td>%ld</td></tr>\n", w->jobs_reconciled,
			w->jobs_estimated, w->jobs_without_record);
	}
	fputs("</tfoot>\n</table></div>\n"
	      "<p class=\"meta\">kgCO2e: the reconciled figure (energy &times; PUE &times; grid intensity over the "
	      "job's run) where there is one, else the estimate made at submission. Avoided: against running "
	      "each job when and where it was submitted. Mean delay: the start delay chosen for carbon, over the "
	      "jobs that have an estimate.</p>\n</body>\n</html>\n", o);
}

int sc_report_write(struct sc_report *r, enum sc_report_format f, const struct sc_report_info *info,
		    FILE *out, struct sc_err *err)
{
	switch (f) {
	case SC_RF_PARSABLE: write_delimited(r, out, 0); break;
	case SC_RF_CSV: write_delimited(r, out, 1); break;
	case SC_RF_JSON:
		if (write_json(r, info, out, err) < 0)
			return -1;
		break;
	case SC_RF_HTML: write_html(r, info, out); break;
	default:
		write_table(r, info, out);
		write_compare(r, out);
		break;
	}
	if (fflush(out) != 0 || ferror(out))
		return sc_err_set(err, "write error");
	return 0;
}
