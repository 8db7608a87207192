/* slurm-carbon: forecast views for the simulator.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each mode is one entry of modes[] (at the end): how --forecast spells it,
 * how a view readies itself, what it shows at t, when that changes and how
 * far off it is 24 h ahead. A new mode is its functions, one table line and
 * its value in fview.h's enum. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/archive.h"
#include "forecast/series.h"
#include "base/units.h"
#include "sim/fview.h"

/* The error model (see fview.h). The error field lives on hourly knots,
 * independent of the truth's step, so that its cost and its realisation do
 * not depend on the data's resolution. */
#define KNOT 3600                 /* seconds between knots and between issues */
#define TAU_TARGET_H 5.5          /* correlation length over target time */
#define TAU_ISSUE_H 200.0         /* persistence from one issue to the next */
#define TAU_FRESH_H 4.0           /* the same for the fresh, short-lead part */
#define RHO0 0.3                  /* share of the persistent part at lead 0 ... */
#define RHO_LEAD_H 3.0            /* ... growing to 1 over this many hours */
#define LEAD0_H 12.0              /* error growth: sqrt((L + LEAD0) / (24 + LEAD0)) */
#define KERNEL_HALF 9             /* taps each side: 3 × the kernel's std (TAU/2) */
#define DAY 86400

/* ------------------------------------------------------------ the RNG */

struct rng {
	uint64_t s[4];
	double spare;
	int has_spare;
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
	r->has_spare = 0;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Standard normal (Marsaglia's polar method). */
static double rng_normal(struct rng *r)
{
	double u, v, q;

	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	do {
		u = 2 * rng_uniform(r) - 1;
		v = 2 * rng_uniform(r) - 1;
		q = u * u + v * v;
	} while (q >= 1 || q == 0);
	q = sqrt(-2 * log(q) / q);
	r->spare = v * q;
	r->has_spare = 1;
	return u * q;
}

/* ------------------------------------------------------------ the view */

/* One of the two error fields: the persistent one (index 0) and the fresh,
 * short-lead one (1). */
struct efield {
	struct rng rng;
	double *u;       /* ring of W columns, keyed by knot index mod W */
	double *z;       /* H + 2 smoothed values for knots q .. q + H + 1 */
};

struct zone_err {
	double *level;   /* per truth slot: the mean over the day around it */
	double scale;    /* noise sd per unit of level at 24 h */
	double swing;    /* share of the actual's swings the forecast carries */
	struct efield f[2];
	int64_t q;       /* current issue (knot index); INT64_MIN: not started */
	int64_t zq;      /* issue for which z[] was computed */
};

struct archive_issue {
	int64_t issued;
	struct sc_grid *grid; /* NULL: the issue covers nothing usable */
};

/* One forecast mode (the table modes[] at the end, by enum sc_fview_kind). */
struct fview_mode_ops {
	const char *name;    /* as --forecast spells it; with parse_arg, the part before ':' */
	/* Reads arg, the text after "name:", into m; s is the whole mode, for
	 * messages. Returns 0, or -1 with err. NULL: the mode takes no argument. */
	int (*parse_arg)(const char *s, const char *arg, struct sc_fview_mode *m, struct sc_err *err);
	/* The mode's name with its argument into buf. NULL: name alone. */
	void (*format)(const struct sc_fview_mode *m, char *buf, size_t n);
	/* Readies a new view (mode, truth, n and span set). Returns 0, or -1
	 * with err. NULL: nothing to ready. */
	int (*create)(struct sc_fview *v, int64_t max_gap, struct sc_err *err);
	/* The forecast of zone i (which has truth) at t, or NULL with
	 * v->why[i] set. */
	const struct sc_grid *(*at)(struct sc_fview *v, size_t i, int64_t t);
	int64_t (*next_update)(const struct sc_fview *v, int64_t t);  /* sc_fview_next_update */
	/* sc_fview_error_24h for a zone whose truth is g (NULL: none). */
	double (*error_24h)(const struct sc_fview *v, const struct sc_grid *g);
};

#define N_MODES (SC_FVIEW_ERROR + 1)

static const struct fview_mode_ops modes[N_MODES];

struct sc_fview {
	struct sc_fview_mode mode;
	const struct fview_mode_ops *ops;
	const struct sc_grid *const *truth;
	size_t n;
	int64_t span;
	int64_t max_age;
	/* What sc_fview_at hands out. */
	const struct sc_grid **grids;
	const char **why;
	struct sc_zone_forecasts set;
	/* Per zone: a grid over buffers. */
	struct sc_grid *own;
	double **vbuf, **cbuf;
	size_t *bufcap;
	char (*whybuf)[160];
	/* error */
	struct zone_err *ze;
	int64_t H, W;
	double kernel[2 * KERNEL_HALF + 1];
	double alpha[2], beta[2]; /* per field: AR(1) over issues */
	/* archive */
	struct archive_issue *issues;
	size_t n_issues;
	size_t cur_issue;
};

double sc_fview_error_growth(int64_t lead)
{
	double l = lead > 0 ? (double)lead / 3600.0 : 0;

	return sqrt((l + LEAD0_H) / (24.0 + LEAD0_H));
}

static int archive_parse(const char *s, const char *arg, struct sc_fview_mode *m, struct sc_err *err)
{
	if (!*arg || strlen(arg) >= sizeof(m->path))
		return sc_err_set(err, "invalid forecast mode '%s': archive: needs a file name", SC_PRINTABLE(s));
	strcpy(m->path, arg);
	return 0;
}

static void archive_format(const struct sc_fview_mode *m, char *buf, size_t n)
{
	snprintf(buf, n, "archive:%s", m->path);
}

/* The message of a mode no entry of modes[] accepts. */
static const char accepted[] =
	"expected perfect, persistence, archive:FILE (CSV issued_at,target,forecast) or error:PCT[:SEED]";

static int error_parse(const char *s, const char *arg, struct sc_fview_mode *m, struct sc_err *err)
{
	char buf[64];
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);

	if (len >= sizeof(buf))
		return sc_err_set(err, "invalid forecast mode '%s': %s", SC_PRINTABLE(s), accepted);
	memcpy(buf, arg, len);
	buf[len] = '\0';
	if (sc_parse_percent(buf, 0, 200, &m->error_pct, err) < 0)
		return sc_err_prefix(err, "invalid forecast mode '%s': ", SC_PRINTABLE(s));
	if (colon) {
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(colon + 1, &end, 10);
		if (!isdigit((unsigned char)colon[1]) || *end || errno)
			return sc_err_set(err, "invalid forecast mode '%s': the seed must be a whole number", SC_PRINTABLE(s));
		m->seed = v;
	}
	return 0;
}

static void error_format(const struct sc_fview_mode *m, char *buf, size_t n)
{
	if (m->seed != 1)
		snprintf(buf, n, "error:%g%%:%llu", m->error_pct, (unsigned long long)m->seed);
	else
		snprintf(buf, n, "error:%g%%", m->error_pct);
}

int sc_fview_mode_parse(const char *s, struct sc_fview_mode *mode, struct sc_err *err)
{
	struct sc_fview_mode m;

	memset(&m, 0, sizeof(m));
	m.seed = 1;
	if (!s)
		s = "";
	for (int k = 0; k < N_MODES; k++) {
		const struct fview_mode_ops *o = &modes[k];
		size_t len = strlen(o->name);

		if (o->parse_arg ? strncmp(s, o->name, len) != 0 || s[len] != ':' : strcmp(s, o->name) != 0)
			continue;
		m.kind = (enum sc_fview_kind)k;
		if (o->parse_arg && o->parse_arg(s, s + len + 1, &m, err) < 0)
			return -1;
		*mode = m;
		return 0;
	}
	return sc_err_set(err, "invalid forecast mode '%s': %s", SC_PRINTABLE(s), accepted);
}

char *sc_fview_mode_name(const struct sc_fview_mode *mode, char *buf, size_t n)
{
	const struct fview_mode_ops *o = &modes[mode->kind];

	if (o->format)
		o->format(mode, buf, n);
	else
		snprintf(buf, n, "%s", o->name);
	return buf;
}

/* ------------------------------------------------------------ archive */

/* Reads the archive (forecast/archive.h's reader, in its order) into one
 * grid per issue. */
static int load_archive(struct sc_fview *v, int64_t step, int64_t max_gap, struct sc_err *err)
{
	const char *path = v->mode.path;
	struct sc_forecast_rows fr;
	struct sc_series *s = NULL;
	size_t n;

	if (sc_forecast_rows_read(path, 0, &fr, err) < 0)
		return -1;
	n = fr.n;
	if (!n) {
		sc_err_set(err, "%s: no forecasts: expected a header issued_at,target,forecast and one row per forecast value",
			   SC_PRINTABLE(path));
		goto error;
	}
	if (sc_forecast_rows_sort(&fr, err) < 0)
		goto error;
	for (size_t i = 0; i < n;) {
		size_t k = i;
		struct archive_issue *ni;
		struct sc_err gerr;

		s = sc_series_create();
		if (!s) {
			sc_err_set(err, "out of memory");
			goto error;
		}
		for (; k < n && fr.issued_at[k] == fr.issued_at[i]; k++) {
			if (k > i && fr.target[k] == fr.target[k - 1]) {
				char a[32], b[32];
				sc_err_set(err, "%s:%ld: a second forecast for %s issued at %s (first on line %ld)", SC_PRINTABLE(path),
					   fr.line[k], sc_format_time(fr.target[k], a, sizeof(a)),
					   sc_format_time(fr.issued_at[k], b, sizeof(b)), fr.line[k - 1]);
				goto error;
			}
			if (sc_series_append(s, fr.target[k], fr.forecast[k], err) < 0) {
				sc_err_prefix(err, "%s:%ld: ", SC_PRINTABLE(path), fr.line[k]);
				goto error;
			}
		}
		ni = realloc(v->issues, (v->n_issues + 1) * sizeof(*ni));
		if (!ni) {
			sc_err_set(err, "out of memory");
			goto error;
		}
		v->issues = ni;
		ni[v->n_issues].issued = fr.issued_at[i];
		ni[v->n_issues].grid = sc_series_to_grid(s, step, 0, 0, max_gap, &gerr);
		v->n_issues++;
		sc_series_destroy(s);
		s = NULL;
		i = k;
	}
	sc_forecast_rows_free(&fr);
	return 0;
error:
	sc_series_destroy(s);
	sc_forecast_rows_free(&fr);
	return -1;
}

/* ------------------------------------------------------------ create */

/* How much of the actual's swings around the day's level a forecast
 * carries: real forecasts are smoother than the actual (in the UK archive,
 * forecast deviations from the 12-hour mean are 0.62 of the actual ones),
 * which makes the green dips look shallower than they are. */
#define SWING 0.65

/* E|c + d·Z| for a standard normal Z. */
static double abs_mean(double c, double d)
{
	if (d <= 0)
		return fabs(c);
	return d * sqrt(2 / M_PI) * exp(-c * c / (2 * d * d)) + c * erf(c / (d * M_SQRT2));
}

/* The error's reference level: the truth's mean over the day centred on
 * each slot. Real forecast errors do not shrink in the green hours (in the
 * UK archive they are largest there: 33 g/kWh when the actual is 50-100,
 * 18 g/kWh at 200-250): the forecast is level + SWING × (actual − level)
 * plus a noise that scales with the day's level. The noise's scale is set
 * so that the mean of |f − a| / a at 24 h ahead is the mode's PCT (when
 * PCT is below what the smoothing alone costs, the smoothing is reduced). */
static int error_levels(struct sc_fview *v, size_t i, const struct sc_grid *g)
{
	struct zone_err *z = &v->ze[i];
	int64_t half = (DAY / 2) / g->step;
	double target = v->mode.error_pct / 100.0, lo = 0, hi = 10, swing = SWING;

	if (half < 1)
		half = 1;
	z->level = malloc(g->n * sizeof(double));
	if (!z->level)
		return -1;
	for (size_t j = 0; j < g->n; j++) {
		int64_t a = (int64_t)j - half, b = (int64_t)j + half;
		if (a < 0)
			a = 0;
		if (b > (int64_t)g->n)
			b = (int64_t)g->n;
		z->level[j] = (g->cum[b] - g->cum[a]) / (double)(b - a);
	}
	/* Mean relative error for a noise scale sd: bisection. */
	for (int pass = 0; pass < 2; pass++) {
		double m0 = 0;
		for (size_t j = 0; j < g->n; j++) {
			double a = g->v[j] > 0.05 * z->level[j] ? g->v[j] : 0.05 * z->level[j];
			if (a > 0)
				m0 += fabs((swing - 1) * (g->v[j] - z->level[j])) / a;
		}
		m0 /= (double)g->n;
		if (m0 <= target || pass == 1)
			break;
		swing = 1 - (1 - swing) * target / m0; /* smoothing alone would exceed PCT */
	}
	z->swing = swing;
	for (int it = 0; it < 60; it++) {
		double mid = (lo + hi) / 2, m = 0;
		for (size_t j = 0; j < g->n; j++) {
			double a = g->v[j] > 0.05 * z->level[j] ? g->v[j] : 0.05 * z->level[j];
			if (a > 0)
				m += abs_mean((swing - 1) * (g->v[j] - z->level[j]), mid * z->level[j]) / a;
		}
		m /= (double)g->n;
		if (m > target)
			hi = mid;
		else
			lo = mid;
	}
	z->scale = target > 0 ? (lo + hi) / 2 : 0;
	if (target <= 0)
		z->swing = 1;
	return 0;
}

void sc_fview_destroy(struct sc_fview *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->vbuf)
			free(v->vbuf[i]);
		if (v->cbuf)
			free(v->cbuf[i]);
		if (v->ze) {
			free(v->ze[i].level);
			for (int k = 0; k < 2; k++) {
				free(v->ze[i].f[k].u);
				free(v->ze[i].f[k].z);
			}
		}
	}
	for (size_t i = 0; i < v->n_issues; i++)
		sc_grid_destroy(v->issues[i].grid);
	free(v->issues);
	free(v->ze);
	free(v->vbuf);
	free(v->cbuf);
	free(v->bufcap);
	free(v->own);
	free(v->whybuf);
	free(v->grids);
	free(v->why);
	free(v);
}

/* The buffers persistence and error build their grids in: per zone with
 * truth, span past the slot containing t. */
static int alloc_bufs(struct sc_fview *v, struct sc_err *err)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct sc_grid *g = v->truth[i];
		size_t cap;

		if (!g)
			continue;
		cap = (size_t)(v->span / g->step) + 3;
		if (cap > g->n + 1)
			cap = g->n + 1;
		v->vbuf[i] = malloc(cap * sizeof(double));
		v->cbuf[i] = malloc((cap + 1) * sizeof(double));
		if (!v->vbuf[i] || !v->cbuf[i])
			return sc_err_set(err, "out of memory");
		v->bufcap[i] = cap;
	}
	return 0;
}

static int persistence_create(struct sc_fview *v, int64_t max_gap, struct sc_err *err)
{
	return alloc_bufs(v, err);
}

/* The smoothing kernel, the fields' AR(1) coefficients and each zone's
 * levels and seeded fields. */
static int error_create(struct sc_fview *v, int64_t max_gap, struct sc_err *err)
{
	double s = TAU_TARGET_H / 2.0, norm = 0;

	if (alloc_bufs(v, err) < 0)
		return -1;
	v->H = v->span / KNOT + 3;
	v->W = v->H + 2 * KERNEL_HALF + 2;
	for (int k = -KERNEL_HALF; k <= KERNEL_HALF; k++) {
		v->kernel[k + KERNEL_HALF] = exp(-(double)(k * k) / (2 * s * s));
		norm += v->kernel[k + KERNEL_HALF] * v->kernel[k + KERNEL_HALF];
	}
	for (int k = 0; k < 2 * KERNEL_HALF + 1; k++)
		v->kernel[k] /= sqrt(norm);
	v->alpha[0] = exp(-(double)KNOT / 3600.0 / TAU_ISSUE_H);
	v->alpha[1] = exp(-(double)KNOT / 3600.0 / TAU_FRESH_H);
	for (int k = 0; k < 2; k++)
		v->beta[k] = sqrt(1 - v->alpha[k] * v->alpha[k]);
	v->ze = calloc(v->n ? v->n : 1, sizeof(*v->ze));
	if (!v->ze)
		return sc_err_set(err, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		if (v->truth[i] && error_levels(v, i, v->truth[i]) < 0)
			return sc_err_set(err, "out of memory");
		for (int k = 0; k < 2; k++) {
			struct efield *ef = &v->ze[i].f[k];
			ef->u = malloc((size_t)v->W * sizeof(double));
			ef->z = malloc((size_t)(v->H + 2) * sizeof(double));
			if (!ef->u || !ef->z)
				return sc_err_set(err, "out of memory");
			/* Field 0 keeps the stream it always had. */
			rng_seed(&ef->rng, (v->mode.seed * 0x100000001b3ULL + i) ^ (k ? 0x5851f42d4c957f2dULL : 0));
		}
		v->ze[i].q = INT64_MIN;
		v->ze[i].zq = INT64_MIN;
	}
	return 0;
}

/* The archive's issues, on the step of the first zone with truth. */
static int archive_create(struct sc_fview *v, int64_t max_gap, struct sc_err *err)
{
	int64_t step = 0;

	for (size_t i = 0; i < v->n; i++)
		if (v->truth[i] && !step)
			step = v->truth[i]->step;
	return load_archive(v, step, max_gap, err);
}

struct sc_fview *sc_fview_create(const struct sc_fview_mode *mode, const struct sc_grid *const *truth,
				 size_t n, int64_t span, int64_t max_gap, int64_t max_age,
				 struct sc_err *err)
{
	struct sc_fview *v = calloc(1, sizeof(*v));

	if (!v)
		goto oom;
	v->mode = *mode;
	v->ops = &modes[mode->kind];
	v->max_age = max_age;
	v->truth = truth;
	v->n = n;
	v->span = span > 0 ? span : DAY;
	v->grids = calloc(n ? n : 1, sizeof(*v->grids));
	v->why = calloc(n ? n : 1, sizeof(*v->why));
	v->own = calloc(n ? n : 1, sizeof(*v->own));
	v->vbuf = calloc(n ? n : 1, sizeof(*v->vbuf));
	v->cbuf = calloc(n ? n : 1, sizeof(*v->cbuf));
	v->bufcap = calloc(n ? n : 1, sizeof(*v->bufcap));
	v->whybuf = calloc(n ? n : 1, sizeof(*v->whybuf));
	if (!v->grids || !v->why || !v->own || !v->vbuf || !v->cbuf || !v->bufcap || !v->whybuf)
		goto oom;
	v->set.grids = v->grids;
	v->set.why = v->why;
	v->set.n = n;
	if (v->ops->create && v->ops->create(v, max_gap, err) < 0)
		goto error;
	return v;
oom:
	sc_err_set(err, "out of memory");
error:
	sc_fview_destroy(v);
	return NULL;
}

/* ------------------------------------------------------------ queries */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* A grid over zone i's buffers: slots j0 .. j0 + cnt - 1 of the truth. */
static const struct sc_grid *finish_grid(struct sc_fview *v, size_t i, size_t j0, size_t cnt)
{
	const struct sc_grid *t = v->truth[i];
	struct sc_grid *g = &v->own[i];
	double *c = v->cbuf[i], *val = v->vbuf[i];

	c[0] = 0;
	for (size_t k = 0; k < cnt; k++)
		c[k + 1] = c[k] + val[k];
	g->start = t->start + (int64_t)j0 * t->step;
	g->step = t->step;
	g->n = cnt;
	g->v = val;
	g->cum = c;
	return g;
}

static const struct sc_grid *persistence_at(struct sc_fview *v, size_t i, int64_t t)
{
	const struct sc_grid *g = v->truth[i];
	int64_t j0 = floor_div(t - g->start, g->step);
	int64_t day = DAY / g->step > 0 ? DAY / g->step : 1;
	size_t cnt;

	if (j0 < day || j0 >= (int64_t)g->n) {
		snprintf(v->whybuf[i], sizeof(v->whybuf[i]),
			 "persistence needs the day before the job's submission in the intensity data");
		v->why[i] = v->whybuf[i];
		return NULL;
	}
	cnt = v->bufcap[i];
	if ((size_t)j0 + cnt > g->n)
		cnt = g->n - (size_t)j0;
	for (size_t k = 0; k < cnt; k++) {
		int64_t j = j0 + (int64_t)k;
		int64_t back = (int64_t)(k / (size_t)day + 1) * day;
		v->vbuf[i][k] = g->v[j - back];
	}
	return finish_grid(v, i, (size_t)j0, cnt);
}

/* Advances zone i's error field to issue q (every issue in between is
 * stepped, so that the realisation does not depend on the queries). */
static void error_advance(struct sc_fview *v, struct zone_err *z, int64_t q)
{
	int64_t W = v->W, lo_off = KERNEL_HALF;

	if (z->q == INT64_MIN) {
		for (int k = 0; k < 2; k++)
			for (int64_t m = q - lo_off; m < q - lo_off + W; m++)
				z->f[k].u[((m % W) + W) % W] = rng_normal(&z->f[k].rng);
		z->q = q;
		return;
	}
	while (z->q < q) {
		int64_t nq = z->q + 1;
		/* Columns still in the window evolve (AR(1) over issues);
		 * the one entering at the far end starts stationary. */
		for (int k = 0; k < 2; k++) {
			struct efield *ef = &z->f[k];
			for (int64_t m = nq - lo_off; m < nq - lo_off + W - 1; m++) {
				double *u = &ef->u[((m % W) + W) % W];
				*u = v->alpha[k] * *u + v->beta[k] * rng_normal(&ef->rng);
			}
			ef->u[(((nq - lo_off + W - 1) % W) + W) % W] = rng_normal(&ef->rng);
		}
		z->q = nq;
	}
}

static void error_smooth(struct sc_fview *v, struct zone_err *z)
{
	int64_t W = v->W;

	if (z->zq == z->q)
		return;
	for (int f = 0; f < 2; f++)
		for (int64_t k = 0; k < v->H + 2; k++) {
			int64_t m = z->q + k;
			double s = 0;
			for (int d = -KERNEL_HALF; d <= KERNEL_HALF; d++)
				s += v->kernel[d + KERNEL_HALF] * z->f[f].u[(((m + d) % W) + W) % W];
			z->f[f].z[k] = s;
		}
	z->zq = z->q;
}

static const struct sc_grid *error_at(struct sc_fview *v, size_t i, int64_t t)
{
	const struct sc_grid *g = v->truth[i];
	struct zone_err *z = &v->ze[i];
	int64_t j0 = floor_div(t - g->start, g->step);
	int64_t q = floor_div(t, KNOT), issued = q * KNOT;
	size_t cnt;

	if (j0 < 0 || j0 >= (int64_t)g->n) {
		snprintf(v->whybuf[i], sizeof(v->whybuf[i]), "no intensity data at this time");
		v->why[i] = v->whybuf[i];
		return NULL;
	}
	if (z->q == INT64_MIN)
		error_advance(v, z, floor_div(g->start, KNOT));
	error_advance(v, z, q);
	error_smooth(v, z);
	cnt = v->bufcap[i];
	if ((size_t)j0 + cnt > g->n)
		cnt = g->n - (size_t)j0;
	for (size_t k = 0; k < cnt; k++) {
		int64_t slot = g->start + (j0 + (int64_t)k) * g->step;
		int64_t mid = slot + g->step / 2;
		double pos = (double)(mid - issued) / KNOT, e, f;
		int64_t m;
		double fr;

		if (pos < 0)
			pos = 0;
		m = (int64_t)pos;
		fr = pos - (double)m;
		if (m > v->H) {
			m = v->H;
			fr = 1;
		}
		{
			/* The persistent part and the fresh one, mixed so that
			 * the variance stays that of one field. */
			double rho = 1 - (1 - RHO0) * exp(-(double)(mid - issued > 0 ? mid - issued : 0) / (RHO_LEAD_H * 3600));
			double ep = (1 - fr) * z->f[0].z[m] + fr * z->f[0].z[m + 1];
			double ef = (1 - fr) * z->f[1].z[m] + fr * z->f[1].z[m + 1];
			e = rho * ep + sqrt(1 - rho * rho) * ef;
		}
		{
			double a = g->v[j0 + (int64_t)k], lv = z->level[j0 + (int64_t)k];
			double gr = sc_fview_error_growth(mid - issued);
			/* Smoothing grows with the lead like the noise (none at 0). */
			double sw = 1 - (1 - z->swing) * (gr < 1 ? gr : 1);
			f = lv + sw * (a - lv) + lv * z->scale * gr * e;
		}
		if (f < 0)
			f = 0;
		if (f > SC_INTENSITY_MAX)
			f = SC_INTENSITY_MAX;
		v->vbuf[i][k] = f;
	}
	return finish_grid(v, i, (size_t)j0, cnt);
}

static const struct sc_grid *archive_at(struct sc_fview *v, size_t i, int64_t t)
{
	const struct archive_issue *a;
	const struct sc_grid *g;

	while (v->cur_issue + 1 < v->n_issues && v->issues[v->cur_issue + 1].issued <= t)
		v->cur_issue++;
	if (!v->n_issues || v->issues[v->cur_issue].issued > t) {
		snprintf(v->whybuf[i], sizeof(v->whybuf[i]), "no forecast of the archive was issued yet");
		v->why[i] = v->whybuf[i];
		return NULL;
	}
	a = &v->issues[v->cur_issue];
	g = a->grid;
	if (v->max_age > 0 && t - a->issued > v->max_age) {
		char b[32];
		snprintf(v->whybuf[i], sizeof(v->whybuf[i]), "the latest archived forecast (issued %s) is older than MaxAge",
			 sc_format_time(a->issued, b, sizeof(b)));
		v->why[i] = v->whybuf[i];
		return NULL;
	}
	if (!g || t < g->start || t >= sc_grid_end(g)) {
		char b[32];
		snprintf(v->whybuf[i], sizeof(v->whybuf[i]), "the latest archived forecast (issued %s) does not cover this time",
			 sc_format_time(a->issued, b, sizeof(b)));
		v->why[i] = v->whybuf[i];
		return NULL;
	}
	return g;
}

static const struct sc_grid *perfect_at(struct sc_fview *v, size_t i, int64_t t)
{
	return v->truth[i];
}

static int64_t never(const struct sc_fview *v, int64_t t)
{
	return INT64_MAX;
}

static int64_t error_next_update(const struct sc_fview *v, int64_t t)
{
	return (floor_div(t, KNOT) + 1) * KNOT;
}

/* The next slot boundary of the first zone with data. */
static int64_t persistence_next_update(const struct sc_fview *v, int64_t t)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->truth[i]) {
			const struct sc_grid *g = v->truth[i];
			return g->start + (floor_div(t - g->start, g->step) + 1) * g->step;
		}
	return INT64_MAX;
}

/* The first issue after t. */
static int64_t archive_next_update(const struct sc_fview *v, int64_t t)
{
	size_t lo = 0, hi = v->n_issues;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->issues[mid].issued <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->n_issues ? v->issues[lo].issued : INT64_MAX;
}

static double perfect_error_24h(const struct sc_fview *v, const struct sc_grid *g)
{
	return 0;
}

static double error_error_24h(const struct sc_fview *v, const struct sc_grid *g)
{
	return v->mode.error_pct;
}

/* Every slot's value against the day before. */
static double persistence_error_24h(const struct sc_fview *v, const struct sc_grid *g)
{
	double sum = 0;
	size_t n = 0;

	if (!g)
		return NAN;
	for (size_t j = (size_t)(DAY / g->step); j < g->n; j++)
		if (g->v[j] > 0) {
			sum += fabs(g->v[j] - g->v[j - (size_t)(DAY / g->step)]) / g->v[j];
			n++;
		}
	return n ? 100 * sum / (double)n : NAN;
}

/* Every archived forecast's value for 24 h after its issue. */
static double archive_error_24h(const struct sc_fview *v, const struct sc_grid *g)
{
	double sum = 0;
	size_t n = 0;

	if (!g)
		return NAN;
	for (size_t k = 0; k < v->n_issues; k++) {
		const struct sc_grid *f = v->issues[k].grid;
		int64_t t = v->issues[k].issued + DAY;
		double a = sc_grid_at(g, t), x = f ? sc_grid_at(f, t) : -1;
		if (a > 0 && x >= 0) {
			sum += fabs(x - a) / a;
			n++;
		}
	}
	return n ? 100 * sum / (double)n : NAN;
}

/* ------------------------------------------------------------ the modes */

static const struct fview_mode_ops modes[N_MODES] = {
	[SC_FVIEW_PERFECT] = { "perfect", NULL, NULL, NULL, perfect_at, never, perfect_error_24h },
	[SC_FVIEW_PERSISTENCE] = { "persistence", NULL, NULL, persistence_create, persistence_at,
				persistence_next_update, persistence_error_24h },
	[SC_FVIEW_ARCHIVE] = { "archive", archive_parse, archive_format, archive_create, archive_at,
			    archive_next_update, archive_error_24h },
	[SC_FVIEW_ERROR] = { "error", error_parse, error_format, error_create, error_at, error_next_update,
			  error_error_24h },
};

int64_t sc_fview_next_update(const struct sc_fview *v, int64_t t)
{
	return v->ops->next_update(v, t);
}

double sc_fview_error_24h(const struct sc_fview *v, size_t i)
{
	return v->ops->error_24h(v, i < v->n ? v->truth[i] : NULL);
}

const struct sc_zone_forecasts *sc_fview_at(struct sc_fview *v, int64_t t)
{
	for (size_t i = 0; i < v->n; i++) {
		v->why[i] = NULL;
		if (!v->truth[i]) {
			v->grids[i] = NULL;
			v->why[i] = "the zone has no intensity data";
			continue;
		}
		v->grids[i] = v->ops->at(v, i, t);
	}
	return &v->set;
}
