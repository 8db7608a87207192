/* slurm-carbon: tests of the decision engine (policy/energy, grid, decide,
 * request).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <math.h>

#include "policy/decide.h"
#include "policy/load.h"
#include "policy/message.h"
#include "policy/request.h"
#include "base/units.h"

#define T0 1764417600 /* 2025-11-29T12:00:00Z */
#define H 3600

/* A small site: three partitions, zones A and B. */
static size_t alt_cpu[] = { 2 };
static struct sc_partition parts[] = {
	{ "cpu", 0, 1.5, { 10, 300, 0.3725, 1.0, 0 }, 3600, alt_cpu, 1 },
	{ "gpu", 0, 1.5, { 10, 300, 0.3725, 1.0, 0 }, 3600, NULL, 0 },
	{ "green", 1, 1.2, { 10, 300, 0.3725, 1.0, 0 }, 3600, NULL, 0 },
};
static const char *const zone_names[] = { "A", "B" };

static struct sc_site make_site(void)
{
	struct sc_site s = { parts, 3, zone_names, 2, { 8 * H, 10, 1.0, 1, 0 }, NULL };

	return s;
}

static struct sc_request make_req(size_t part, uint32_t cores, int64_t limit)
{
	struct sc_request r;

	memset(&r, 0, sizeof(r));
	r.parts[0] = part;
	r.n_parts = 1;
	r.shape.nodes = 1;
	r.shape.cores = cores;
	r.time_limit = limit;
	r.budget_g = -1;
	r.max_delay = -1;
	return r;
}

static void test_energy_golden(void **state)
{
	struct sc_power pw = { 10, 300, 0.3725, 1.0, 0 };
	struct sc_shape sh = { 1, 8, 1, 16 };
	double w, kwh;

	(void)state;
	/* 8 × 10 + 1 × 300 + 16 × 0.3725 = 385.96 W */
	w = sc_power_watts(&pw, &sh);
	assert_near(w, 385.96, 1e-9);
	/* 2 h → 0.77192 kWh; × PUE 1.5 × 200 g/kWh = 231.576 g */
	kwh = sc_energy_kwh(w, 2 * H);
	assert_near(kwh, 0.77192, 1e-12);
	assert_near(sc_carbon_g(kwh, 1.5, 200), 231.576, 1e-9);
	/* usage scales cores and GPUs, not memory; node base power per node */
	pw.usage = 0.5;
	pw.node_w = 50;
	sh.nodes = 2;
	assert_near(sc_power_watts(&pw, &sh), 40 + 150 + 5.96 + 100, 1e-9);
	/* Patterson et al.'s example shape: MWh × PUE × t/MWh */
	assert_near(sc_carbon_g(1000, 1.1, 429), 471900, 1e-6);
}

static void test_grid(void **state)
{
	double v[] = { 100, 200, 300, 400 };
	struct sc_grid *g = sc_grid_create(T0, H, v, 4, NULL);
	double m;
	struct sc_err err;
	double bad[] = { 100, NAN };
	double neg[] = { -1 };

	(void)state;
	assert_non_null(g);
	assert_int_equal(sc_grid_end(g), T0 + 4 * H);
	assert_int_equal(sc_grid_mean(g, T0, T0 + 2 * H, &m), 0);
	assert_near(m, 150, 1e-9);
	/* half slot + full slot: (0.5·200 + 300) / 1.5 */
	assert_int_equal(sc_grid_mean(g, T0 + H + H / 2, T0 + 3 * H, &m), 0);
	assert_near(m, (0.5 * 200 + 300) / 1.5, 1e-9);
	assert_int_equal(sc_grid_mean(g, T0 - 1, T0 + H, &m), -1);
	assert_int_equal(sc_grid_mean(g, T0, T0 + 4 * H + 1, &m), -1);
	assert_int_equal(sc_grid_mean(g, T0 + H, T0 + H, &m), -1);
	assert_near(sc_grid_at(g, T0 + 3 * H + 5), 400, 0);
	assert_near(sc_grid_at(g, T0 + 4 * H), -1, 0);
	sc_grid_destroy(g);
	sc_grid_destroy(NULL);
	assert_null(sc_grid_create(T0, H, bad, 2, &err));
	assert_contains(err.msg, "outside 0..3000");
	assert_null(sc_grid_create(T0, H, neg, 1, &err));
	assert_null(sc_grid_create(T0, 0, v, 4, &err));
	assert_contains(err.msg, "positive step");
}

/* The zones' forecasts a decision reads: zone A's and zone B's grids (NULL:
 * no forecast, "cache missing"). Declare it `= { 0 }`, set it with
 * fixture_init (again to replace the grids), release it with fixture_free. */
struct fixture {
	struct sc_grid *ga, *gb;
	const struct sc_grid *grids[2];
	const char *why[2];
	struct sc_zone_forecasts forecasts;
};

static void fixture_free(struct fixture *fx)
{
	sc_grid_destroy(fx->ga);
	sc_grid_destroy(fx->gb);
	fx->ga = fx->gb = NULL;
}

/* Zone A's forecast from a[0..na), zone B's from b[0..nb), in slots of step
 * seconds from T0; replaces those fx had. */
static void fixture_init_step(struct fixture *fx, int64_t step, const double *a, size_t na, const double *b,
			      size_t nb)
{
	fixture_free(fx);
	fx->ga = a ? sc_grid_create(T0, step, a, na, NULL) : NULL;
	fx->gb = b ? sc_grid_create(T0, step, b, nb, NULL) : NULL;
	fx->grids[0] = fx->ga;
	fx->grids[1] = fx->gb;
	fx->why[0] = a ? NULL : "cache missing";
	fx->why[1] = b ? NULL : "cache missing";
	fx->forecasts.grids = fx->grids;
	fx->forecasts.why = fx->why;
	fx->forecasts.n = 2;
}

/* fixture_init_step with hourly slots. */
static void fixture_init(struct fixture *fx, const double *a, size_t na, const double *b, size_t nb)
{
	fixture_init_step(fx, H, a, na, b, nb);
}

/* a[0..n) = v: a flat forecast, for tests to carve windows into. */
static void flat(double *a, size_t n, double v)
{
	for (size_t i = 0; i < n; i++)
		a[i] = v;
}

/* Zone A: dirty now, clean from +2 h to +4 h; zone B flat 150. */
static const double A[] = { 400, 400, 100, 100, 400, 400, 400, 400, 400, 400, 400, 400 };
static const double B[] = { 150, 150, 150, 150, 150, 150, 150, 150, 150, 150, 150, 150 };

static void test_delay_golden(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H); /* gpu partition: no alternatives */
	struct sc_decision d;
	char msg[512];

	(void)state;
	fixture_init(&fx, A, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.part, 1);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	/* 80 W × 2 h = 0.16 kWh; × 1.5 × 100 = 24 g; baseline × 400 = 96 g */
	assert_near(d.chosen.kwh, 0.16, 1e-12);
	assert_near(d.chosen.ci, 100, 1e-9);
	assert_near(d.chosen.gco2e, 24, 1e-9);
	assert_true(d.has_baseline);
	assert_near(d.baseline.gco2e, 96, 1e-9);
	assert_int_equal(d.baseline.start, T0);
	assert_near(d.saving_pct, 75, 1e-9);
	/* t0 and boundaries 1..8 h: the window must end by the grid's end, 12 h */
	assert_int_equal(d.n_candidates, 9);
	sc_decision_message(&site, &d, SC_MODE_ENFORCE, T0, msg, sizeof(msg));
	assert_string_equal(msg, "carbon: delayed to 14:00 UTC (greener window): est. 24 gCO2e instead of 96 gCO2e (-75%)");
	sc_decision_message(&site, &d, SC_MODE_ADVISE, T0, msg, sizeof(msg));
	assert_contains(msg, "advice, not applied");
	sc_decision_explain(&site, &d, SC_MODE_ENFORCE, T0, msg, sizeof(msg));
	assert_contains(msg, "Wait 2 h, until 14:00 UTC");
	assert_contains(msg, "-75%");
	fixture_free(&fx);
}

static void test_start_inside_slot(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_decision d;

	(void)state;
	fixture_init(&fx, A, 12, B, 12);
	/* now = 12:30: run now covers ½ h of 400 + 1 h of 400 + ½ h of 100 */
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 + H / 2, &d), 0);
	assert_near(d.baseline.ci, (0.5 * 400 + 400 + 0.5 * 100) / 2, 1e-9);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	fixture_free(&fx);
}

static void test_min_savings(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_decision d;
	double a[12];

	(void)state;
	flat(a, 12, 100);
	a[5] = 92;
	a[6] = 92; /* an 8% saving, below MinSavings 10% */
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_int_equal(d.chosen.start, T0);
	assert_near(d.best_gco2e, 0.16 * 1.5 * 92, 1e-9);
	assert_contains(d.reason, "less than MinSavings");
	site.params.min_savings_pct = 5;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T0 + 5 * H);
	fixture_free(&fx);
}

static void test_ties(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, H);
	struct sc_decision d;
	double a[12];

	(void)state;
	flat(a, 12, 300);
	a[3] = a[6] = 100; /* two equal windows: the earlier wins */
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 3 * H);

	/* Flat everywhere: run now as requested. */
	fixture_init(&fx, B, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_int_equal(d.chosen.part, 1);
	assert_int_equal(d.chosen.start, T0);

	/* Two requested partitions in one zone, same model: the first wins. */
	req.parts[0] = 1;
	req.parts[1] = 0;
	req.n_parts = 2;
	site.params.reroute = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.part, 1);
	req.parts[0] = 0;
	req.parts[1] = 1;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.part, 0);
	fixture_free(&fx);
}

static void test_reroute(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(0, 8, 2 * H); /* cpu: alternative green in zone B */
	struct sc_decision d;
	double a[12];
	char msg[512];

	(void)state;
	flat(a, 12, 400);
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_REROUTE);
	assert_int_equal(d.chosen.part, 2);
	assert_int_equal(d.chosen.start, T0);
	/* 0.16 kWh × PUE 1.2 × 150 = 28.8 g against 0.16 × 1.5 × 400 = 96 g */
	assert_near(d.chosen.gco2e, 28.8, 1e-9);
	assert_near(d.baseline.gco2e, 96, 1e-9);
	sc_decision_message(&site, &d, SC_MODE_ENFORCE, T0, msg, sizeof(msg));
	assert_string_equal(msg, "carbon: rerouted to partition green (greener zone B): est. 28.8 gCO2e instead of 96 gCO2e (-70%)");
	/* Reroute=no: only waiting is possible, and A is flat: run. */
	site.params.reroute = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);

	/* Delay + reroute: B is clean from +3 h. */
	{
		double b[12];
		for (int i = 0; i < 12; i++)
			b[i] = i >= 3 && i < 5 ? 20 : 400;
		site.params.reroute = 1;
		fixture_init(&fx, a, 12, b, 12);
		assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
		assert_int_equal(d.action, SC_ACT_DELAY_REROUTE);
		assert_int_equal(d.chosen.part, 2);
		assert_int_equal(d.chosen.start, T0 + 3 * H);
	}
	/* The alternative's zone has no forecast: skipped, not fatal. */
	fixture_init(&fx, A, 12, NULL, 0);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.part, 0);
	fixture_free(&fx);
}

static void test_budget(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_decision d;
	double a[12];
	char msg[512];

	(void)state;
	/* 400 400 250 250 100 100 400 ... : best at +4 h (24 g); run now 96 g. */
	flat(a, 12, 400);
	a[2] = a[3] = 250;
	a[4] = a[5] = 100;
	fixture_init(&fx, a, 12, B, 12);

	/* The site's choice (24 g) is within a 70 g budget. */
	req.budget_g = 70;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T0 + 4 * H);

	/* MinSavings 80% keeps the site at "run now" (96 g) — over a 70 g
	 * budget: the earliest plan under the budget is +2 h (250: 60 g). */
	site.params.min_savings_pct = 80;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	assert_near(d.chosen.gco2e, 60, 1e-9);
	assert_contains(d.reason, "budget");

	/* Budget 10 g: nothing fits; best 24 g; the time limit that fits at
	 * 100 g/kWh × 1.5 with 80 W: 10 g / (80/3.6e6 × 150) s = 3000 s. */
	req.budget_g = 10;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_REJECT);
	assert_near(d.chosen.gco2e, 24, 1e-9);
	assert_int_equal(d.chosen.start, T0 + 4 * H);
	assert_int_equal(d.fit_runtime, 3000);
	assert_contains(d.reason, "best achievable is 24.0 gCO2e");
	sc_decision_message(&site, &d, SC_MODE_ENFORCE, T0, msg, sizeof(msg));
	assert_string_equal(msg, "carbon: rejected: over the budget of 10 gCO2e: the best achievable is est. 24 gCO2e "
				 "(partition gpu at 16:00 UTC); a budget of at least 24 gCO2e or a time limit of at most "
				 "00:50:00 would fit");
	assert_contains(msg, "time limit of at most 00:50:00");
	/* A budget of 0 is legal and rejects anything that emits. */
	req.budget_g = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_REJECT);
	assert_int_equal(d.fit_runtime, 0);
	fixture_free(&fx);
}

static void test_bounds(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_decision d;

	(void)state;
	fixture_init(&fx, A, 12, B, 12);
	/* The user's max delay of 1 h excludes the clean window at +2 h. */
	req.max_delay = H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + H); /* +1 h: ½ 400 + ½ 100 = 250 */
	assert_near(d.chosen.ci, 250, 1e-9);
	/* ...but cannot lengthen the site's: with site MaxDelay 1 h, a user's 8 h is ignored. */
	req.max_delay = 8 * H;
	site.params.max_delay = H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + H);
	site.params.max_delay = 8 * H;
	req.max_delay = -1;
	/* A deadline at +3 h allows starts up to +1 h only. */
	req.deadline = T0 + 3 * H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + H);
	req.deadline = 0;
	/* A begin time in the future is t0: the baseline starts there. */
	req.begin = T0 + 3 * H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.baseline.start, T0 + 3 * H);
	assert_int_equal(d.t0, T0 + 3 * H);
	assert_true(d.chosen.start >= T0 + 3 * H);
	req.begin = 0;
	/* MaxDelay 0: only t0. */
	site.params.max_delay = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_int_equal(d.n_candidates, 1);
	site.params.max_delay = 8 * H;
	/* The horizon: a 10 h job may start at +0..+2 h only. */
	req.time_limit = 10 * H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.n_candidates, 3);
	/* Longer than the forecast: one partial candidate. */
	req.time_limit = 20 * H;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_true(d.chosen.partial);
	assert_near(d.chosen.ci, (10 * 400 + 2 * 100) / 12.0, 1e-9);
	/* Default time from the partition, scaled by RuntimeRatio. */
	req.time_limit = 0;
	site.params.runtime_ratio = 0.5;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.runtime, 1800);
	fixture_free(&fx);
}

static void test_fail_open(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_decision d;

	(void)state;
	fixture_init(&fx, NULL, 0, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_NONE);
	assert_string_equal(d.reason, "no usable forecast for zone A: cache missing");

	fixture_init(&fx, A, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 + 12 * H, &d), 0);
	assert_int_equal(d.action, SC_ACT_NONE);
	assert_contains(d.reason, "not the job's start 2025-11-30T00:00:00Z");
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 - 1, &d), 0);
	assert_int_equal(d.action, SC_ACT_NONE);

	/* Inconsistent arguments are errors, not decisions. */
	req.parts[0] = 7;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), -1);
	assert_contains(d.reason, "out of range");
	req.parts[0] = 1;
	req.n_parts = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), -1);
	fixture_free(&fx);
}

static void test_near_best(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, H);
	struct sc_decision d;
	double a[12];

	(void)state;
	flat(a, 12, 400);
	a[2] = 105;
	a[7] = 100;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H);
	site.params.near_best_pct = 10;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	assert_contains(d.reason, "close to the lowest");
	site.params.near_best_pct = 4;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H);
	fixture_free(&fx);
}

/* ForecastError: a saving counts for what is left after half a standard
 * deviation of its error. Hand-computed for a 1 h job, zone error 25 %
 * (sd 0.31333 at 24 h), window factor 1 / (1 + 3600 / (19800 √π)) =
 * 0.906963: the baseline's sd (lead 0.5 h) is 0.175833; a start at +2 h
 * (lead 2.5 h) has sd 0.189378 and error correlation exp(-0.128) with the
 * baseline, so its saving's sd is 0.090466; a start at +7 h (lead 7.5 h)
 * has 0.219616, correlation exp(-1.568), saving sd 0.251092. */
static void test_forecast_error(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, H);
	struct sc_decision d;
	const double err_a[2] = { 25, 0 }, none[2] = { 0, 0 };
	double a[12];

	(void)state;
	flat(a, 12, 400);
	a[2] = 300; /* 25 % now + 2 h: score 0.25 - 0.5 × 0.090466 = 0.2048 */
	a[7] = 270; /* 32.5 % at + 7 h: score 0.325 - 0.5 × 0.251092 = 0.1995 */
	fixture_init(&fx, a, 12, B, 12);
	site.params.min_savings_pct = 0;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H); /* the forecast taken as exact */
	site.zone_error = none;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H);
	site.zone_error = err_a;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	assert_near(d.saving_pct, 25, 1e-9);
	assert_contains(d.reason, "allowing for the forecast's error");

	/* +7 h at 37.5 %: 0.375 - 0.1255 = 0.2495 beats +2 h. */
	a[7] = 250;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H);

	/* Only +7 h at 10 %: 0.10 - 0.1255 < 0, noise: run now. */
	a[2] = 400;
	a[7] = 360;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_contains(d.reason, "forecast saving of 10.0% is within the forecast's error");

	/* +7 h at 15 %: 0.0245 left, taken with MinSavings 0, not with 10 %. */
	a[7] = 340;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 7 * H);
	site.params.min_savings_pct = 10;
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_contains(d.reason, "saves 15.0% by the forecast, 2.4% allowing for its error: less than MinSavings 10.0%");

	/* Another zone's errors are independent: rerouting from A (25 %) to
	 * the exact zone B at the same time needs 0.5 × 0.175833 = 8.8 %
	 * more than the forecast saving says. cpu may reroute to green (B). */
	site.params.min_savings_pct = 0;
	req = make_req(0, 8, H);
	site.params.max_delay = 0;
	flat(a, 12, 400);
	{
		double b[12];
		/* cpu PUE 1.5 at 400 = 600 per kWh; green PUE 1.2 at 460 = 552:
		 * 8 % less by the forecast, less than its error: stay. */
		flat(b, 12, 460);
		fixture_init(&fx, a, 12, b, 12);
		assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
		assert_int_equal(d.action, SC_ACT_RUN);
		/* at 400: 480 per kWh, 20 % less: reroute. */
		flat(b, 12, 400);
		fixture_init(&fx, a, 12, b, 12);
		assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &d), 0);
		assert_int_equal(d.action, SC_ACT_REROUTE);
	}

	/* Random cases: zero errors decide exactly as no errors; with errors,
	 * a move is always a forecast saving, and never a later start with a
	 * forecast higher than the exact rule's choice would be preferred over
	 * running now when that rule itself runs now. */
	{
		unsigned seed = 11;
		const double errs[2] = { 30, 10 };
		for (int round = 0; round < 300; round++) {
			double ra[48], rb[48];
			struct sc_decision d0, d1, d2;
			for (int i = 0; i < 48; i++) {
				ra[i] = 50 + rand_r(&seed) % 500;
				rb[i] = 50 + rand_r(&seed) % 500;
			}
			fixture_init(&fx, ra, 48, rb, 48);
			site = make_site();
			site.params.min_savings_pct = rand_r(&seed) % 2 ? 0 : 5;
			site.params.max_delay = (int64_t)(rand_r(&seed) % 30) * 1800;
			req = make_req(rand_r(&seed) % 3, 1 + rand_r(&seed) % 64, (int64_t)(1 + rand_r(&seed) % 20) * 1200);
			assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 + 600, &d0), 0);
			site.zone_error = none;
			assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 + 600, &d1), 0);
			assert_int_equal(d0.action, d1.action);
			assert_int_equal(d0.chosen.start, d1.chosen.start);
			assert_int_equal(d0.chosen.part, d1.chosen.part);
			site.zone_error = errs;
			assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0 + 600, &d2), 0);
			if (d2.action != SC_ACT_RUN) {
				assert_true(d2.chosen.gco2e < d2.baseline.gco2e);
				assert_true(d2.saving_pct >= site.params.min_savings_pct);
			}
			if (d0.action == SC_ACT_RUN)
				assert_int_equal(d2.action, SC_ACT_RUN);
			fixture_free(&fx);
		}
	}
}

/* Brute force: the exact mean over [t, t+r) integrated slot by slot. */
static double brute_mean(const struct sc_grid *g, int64_t t, int64_t r)
{
	double acc = 0;
	int64_t end = t + r;

	for (size_t i = 0; i < g->n; i++) {
		int64_t a = g->start + (int64_t)i * g->step, b = a + g->step;
		int64_t lo = a > t ? a : t, hi = b < end ? b : end;
		if (hi > lo)
			acc += g->v[i] * (double)(hi - lo);
	}
	return acc / (double)r;
}

static void test_random_vs_brute_force(void **state)
{
	struct sc_site site = make_site();
	unsigned seed = 12345;

	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		size_t n = 4 + (size_t)(rand_r(&seed) % 100);
		int64_t step = (rand_r(&seed) % 3 == 0) ? 900 : (rand_r(&seed) % 2 ? 1800 : 3600);
		double va[120], vb[120];
		struct fixture fx = { 0 };
		struct sc_request req = make_req((size_t)(rand_r(&seed) % 2), 1 + (uint32_t)(rand_r(&seed) % 64),
						 60 * (1 + rand_r(&seed) % 600));
		struct sc_decision d;
		int64_t now = T0 + (int64_t)(rand_r(&seed) % (uint32_t)(step * 3));
		double best = INFINITY, base = -1;
		int64_t best_t = 0;
		size_t best_p = 0;

		for (size_t i = 0; i < n; i++) {
			/* quantised values make exact ties common */
			va[i] = 50.0 * (rand_r(&seed) % 12);
			vb[i] = 50.0 * (rand_r(&seed) % 12);
		}
		fixture_init_step(&fx, step, va, n, vb, n);
		site.params.max_delay = 60 * (rand_r(&seed) % 1500);
		site.params.min_savings_pct = rand_r(&seed) % 2 ? 0 : 10;
		site.params.reroute = rand_r(&seed) % 2;
		if (rand_r(&seed) % 4 == 0)
			req.deadline = now + 3600 * (1 + rand_r(&seed) % 12);

		assert_int_equal(sc_decide(&site, &fx.forecasts, &req, now, &d), 0);

		/* Enumerate the same candidate set independently. */
		{
			size_t allowed[2] = { req.parts[0], 2 };
			size_t na = (site.params.reroute && req.parts[0] == 0) ? 2 : 1;
			for (size_t k = 0; k < na; k++) {
				const struct sc_partition *pt = &parts[allowed[k]];
				const struct sc_grid *g = fx.grids[pt->zone];
				int64_t r = req.time_limit, end = sc_grid_end(g);
				int64_t latest = now + site.params.max_delay;
				double w = sc_power_watts(&pt->power, &req.shape);
				double f = sc_energy_kwh(w, r) * pt->pue;
				if (req.deadline && req.deadline - r < latest)
					latest = req.deadline - r;
				if (end - r < latest)
					latest = end - r;
				for (int64_t t = now;; t = T0 + ((t - T0) / step + 1) * step) {
					double gco2;
					if (t != now && t > latest)
						break;
					if (now + r > end) /* partial: one candidate */
						gco2 = f * brute_mean(g, now, end - now) ;
					else
						gco2 = f * brute_mean(g, t, r);
					if (k == 0 && t == now)
						base = gco2;
					/* lower carbon; ties: earlier start, then request order */
					if (!isfinite(best) || gco2 < best - 1e-9 * fmax(1, best) ||
					    (gco2 <= best + 1e-9 * fmax(1, best) && t < best_t)) {
						best = gco2;
						best_t = t;
						best_p = allowed[k];
					}
					if (now + r > end)
						break;
				}
			}
		}
		assert_near(d.baseline.gco2e, base, 1e-6 * fmax(1, base));
		assert_near(d.best_gco2e, best, 1e-6 * fmax(1, best));
		if (base > 0 && 100 * (base - best) / base >= site.params.min_savings_pct && best < base - 1e-9 * base) {
			if (d.chosen.start != best_t || d.chosen.part != best_p)
				fail_msg("iter %d: chose %zu@%lld, brute force %zu@%lld (g %.6f vs %.6f)", iter,
					 d.chosen.part, (long long)(d.chosen.start - T0), best_p,
					 (long long)(best_t - T0), d.chosen.gco2e, best);
		} else if (d.action != SC_ACT_RUN) {
			fail_msg("iter %d: %s %zu@%lld g %.6f; brute force keeps the baseline %.6f (best %.6f %zu@%lld)",
				 iter, sc_action_name(d.action), d.chosen.part, (long long)(d.chosen.start - now),
				 d.chosen.gco2e, base, best, best_p, (long long)(best_t - now));
		}
		fixture_free(&fx);
	}
}

static void test_request_build(void **state)
{
	struct sc_site site = make_site();
	struct sc_part_defaults defs[3] = { { 2048 }, { 0 }, { 0 } };
	struct sc_job_fields f;
	struct sc_request r;
	struct sc_err why;

	(void)state;
	memset(&f, 0, sizeof(f));
	/* Nothing given: the default partition, 1 node, 1 core, its DefMemPerCPU. */
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_OK);
	assert_int_equal(r.n_parts, 1);
	assert_int_equal(r.parts[0], 0);
	assert_int_equal(r.shape.nodes, 1);
	assert_int_equal(r.shape.cores, 1);
	assert_near(r.shape.mem_gb, 2.0, 1e-12);
	assert_near(r.budget_g, -1, 0);
	assert_int_equal(r.max_delay, -1);

	/* -N2 --ntasks-per-node=4 -c2 --mem=8G --gres=gpu:2 */
	f.partition = "gpu,cpu";
	f.nodes = 2;
	f.ntasks_per_node = 4;
	f.cpus_per_task = 2;
	f.mem_per_node_mb = 8192;
	f.gpus_per_node = 2;
	f.time_limit = 3600;
	f.budget = "2kg";
	f.max_delay = "4:00:00";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_OK);
	assert_int_equal(r.n_parts, 2);
	assert_int_equal(r.parts[0], 1);
	assert_int_equal(r.parts[1], 0);
	assert_int_equal(r.shape.nodes, 2);
	assert_int_equal(r.shape.cores, 16);
	assert_int_equal(r.shape.gpus, 4);
	assert_near(r.shape.mem_gb, 16.0, 1e-12);
	assert_near(r.budget_g, 2000, 0);
	assert_int_equal(r.max_delay, 4 * H);

	/* --mem-per-cpu counts per core; -n with --gpus-per-task; min_cpus */
	memset(&f, 0, sizeof(f));
	f.ntasks = 3;
	f.mem_per_cpu_mb = 1024;
	f.gpus_per_task = 1;
	f.gpus_per_job = 1;
	f.min_cpus = 5;
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_OK);
	assert_int_equal(r.shape.cores, 5);
	assert_near(r.shape.mem_gb, 5.0, 1e-12);
	assert_int_equal(r.shape.gpus, 4);

	/* Unmanaged partition, no default, opt-out, invalid options. */
	memset(&f, 0, sizeof(f));
	f.partition = "cpu,debug";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_UNMANAGED);
	assert_string_equal(why.msg, "partition debug is not managed by carbon.conf");
	f.partition = NULL;
	assert_int_equal(sc_request_build(&site, defs, -1, 1, &f, &r, &why), SC_BUILD_UNMANAGED);
	assert_contains(why.msg, "no default partition");
	f.policy = "none";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_OPT_OUT);
	assert_int_equal(sc_request_build(&site, defs, 0, 0, &f, &r, &why), SC_BUILD_INVALID);
	assert_contains(why.msg, "does not allow opting out");
	f.policy = "auto";
	assert_int_equal(sc_request_build(&site, defs, 0, 0, &f, &r, &why), SC_BUILD_OK);
	f.policy = "sometimes";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_INVALID);
	assert_contains(why.msg, "--carbon-policy");
	f.policy = NULL;
	f.budget = "lots";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_INVALID);
	assert_contains(why.msg, "--carbon-budget: invalid carbon amount 'lots'");
	f.budget = NULL;
	f.max_delay = "forever";
	assert_int_equal(sc_request_build(&site, defs, 0, 1, &f, &r, &why), SC_BUILD_INVALID);
	assert_contains(why.msg, "--carbon-max-delay: invalid duration 'forever'");
	assert_int_equal(sc_site_find(&site, "green"), 2);
	assert_int_equal(sc_site_find(&site, "Green"), -1);
}

/* A job too large for the engine says which quantity, how much and the
 * limit; names quoted from the job are printable. */
static enum sc_build build_job(const struct sc_job_fields *f, struct sc_request *r, struct sc_err *why)
{
	struct sc_site site = make_site();
	struct sc_part_defaults defs[3] = { { 2048 }, { 0 }, { 0 } };

	return sc_request_build(&site, defs, 0, 1, f, r, why);
}

static void test_request_out_of_range(void **state)
{
	static const struct {
		struct sc_job_fields f;
		const char *want;
	} cases[] = {
		{ { .ntasks = 65536, .cpus_per_task = 65536 },
		  "the job asks for 4294967296 cores (tasks × CPUs per task): expected at most 4294967295" },
		{ { .nodes = 4, .gpus_per_node = (uint64_t)1 << 31 },
		  "the job asks for 8589934592 GPUs (--gpus + per node × nodes + per task × tasks): expected at most 4294967295" },
		{ { .gpus_per_job = UINT64_MAX, .gpus_per_task = 2 },
		  "the job asks for more than 18446744073709551614 GPUs" },
		{ { .nodes = 2, .mem_per_node_mb = (uint64_t)1 << 40 },
		  "the job asks for 2199023255552 MB of memory (--mem × nodes): expected at most 1099511627776" },
		{ { .ntasks = 4, .mem_per_cpu_mb = UINT64_MAX / 2 },
		  "the job asks for more than 18446744073709551614 MB of memory (--mem-per-cpu × cores)" },
	};
	struct sc_job_fields f = { 0 };
	struct sc_request r;
	struct sc_err why;
	char longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(build_job(&cases[i].f, &r, &why), SC_BUILD_INVALID);
		assert_contains(why.msg, cases[i].want);
	}
	/* Exactly the limits pass. */
	memset(&f, 0, sizeof(f));
	f.min_cpus = UINT32_MAX;
	f.gpus_per_job = UINT32_MAX;
	f.mem_per_node_mb = (uint64_t)1 << 40;
	assert_int_equal(build_job(&f, &r, &why), SC_BUILD_OK);
	assert_int_equal(r.shape.cores, UINT32_MAX);
	assert_int_equal(r.shape.gpus, UINT32_MAX);
	/* Partition names and options from the job are quoted printable. */
	memset(&f, 0, sizeof(f));
	f.partition = "cpu,de\x1b[2Jbug";
	assert_int_equal(build_job(&f, &r, &why), SC_BUILD_UNMANAGED);
	assert_string_equal(why.msg, "partition de\\x1b[2Jbug is not managed by carbon.conf");
	memset(longname, 'p', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	f.partition = longname;
	assert_int_equal(build_job(&f, &r, &why), SC_BUILD_UNMANAGED);
	assert_contains(why.msg, "is 299 bytes long: expected at most 127");
	f.partition = NULL;
	f.policy = "\x07none";
	assert_int_equal(build_job(&f, &r, &why), SC_BUILD_INVALID);
	assert_contains(why.msg, "--carbon-policy: invalid value '\\x07none'");
}

static void test_names(void **state)
{
	(void)state;
	for (int a = SC_ACT_NONE; a <= SC_ACT_REJECT; a++)
		assert_int_equal(sc_action_from_name(sc_action_name((enum sc_action)a)), a);
	assert_int_equal(sc_action_from_name("later"), -1);
	assert_string_equal(sc_action_name(SC_ACT_DELAY_REROUTE), "delay+reroute");
	assert_string_equal(sc_mode_name(SC_MODE_ENFORCE), "enforce");
}

/* ------------------------------------------------------------ re-planning */

/* A held job: gpu (zone A), 8 cores, 2 h: 0.16 kWh × PUE 1.5 = 0.24 kWh·PUE,
 * planned at +6 h, window [T0, T0 + 8 h], reconsidered at T0 + 1 h. */
static struct sc_held held_at(size_t part, int64_t start)
{
	struct sc_held h = { part, start, T0, T0 + 8 * H };

	return h;
}

static void test_redecide_exact(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_held h = held_at(1, T0 + 6 * H);
	struct sc_replan rp, again;
	double a[12];

	(void)state;
	flat(a, 12, 400);
	a[6] = a[7] = 200; /* the current plan: 0.24 × 200 = 48 g */

	/* The same forecast: nothing lower, keep. Candidates: now (+1 h) and
	 * the boundaries +2 h .. +8 h. */
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	assert_near(rp.current.gco2e, 48, 1e-9);
	assert_int_equal(rp.current.start, T0 + 6 * H);
	assert_int_equal(rp.chosen.start, T0 + 6 * H);
	assert_int_equal(rp.n_candidates, 8);
	assert_contains(rp.reason, "no plan is lower");

	/* A fresher forecast finds +3 h at 100: 24 g, half the current. */
	a[3] = a[4] = 100;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.part, 1);
	assert_int_equal(rp.chosen.start, T0 + 3 * H);
	assert_near(rp.chosen.gco2e, 24, 1e-9);
	assert_near(rp.gain_pct, 50, 1e-9);
	assert_contains(rp.reason, "an earlier plan: 50.0% less");
	/* A fixed point: from the new plan, the same forecast moves nothing. */
	h.start = rp.chosen.start;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &again), 0);
	assert_int_equal(again.action, SC_REPLAN_KEEP);
	h.start = T0 + 6 * H;
	/* With a budget of 20 g the 24 g plan is no candidate (the current
	 * plan, over it too, stays); with 30 g it is. */
	req.budget_g = 20;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	req.budget_g = 30;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + 3 * H);
	req.budget_g = -1;

	/* Now is greenest: start now. */
	a[3] = a[4] = 400;
	a[1] = a[2] = 50;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + H);
	assert_near(rp.chosen.gco2e, 12, 1e-9);
	assert_contains(rp.reason, "start now");
	/* ... unless the job may not start before +2 h (its begin time):
	 * [+2 h, +4 h) averages 225, more than 200. */
	h.earliest = T0 + 2 * H;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	assert_int_equal(rp.n_candidates, 7);
	h.earliest = T0;
	/* Inside a slot (now = +1 h 30): now covers ½ h of 50, 1 h of 50 and
	 * ½ h of 400. */
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H + H / 2, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + H + H / 2);
	assert_near(rp.chosen.ci, (1.5 * 50 + 0.5 * 400) / 2, 1e-9);

	/* Never later than the latest start the job had at submission. */
	a[1] = a[2] = 400;
	a[9] = a[10] = 50;
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP); /* [+8 h, +10 h) averages 225 */
	h.latest = T0 + 9 * H;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + 9 * H);
	assert_contains(rp.reason, "a later plan");
	/* A deadline still applies: done by +10 h means starting by +8 h. */
	req.deadline = T0 + 10 * H;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	req.deadline = 0;
	h.latest = T0 + 8 * H;

	/* Rerouting: cpu may move to green (zone B, flat 150, PUE 1.2):
	 * 0.16 × 1.2 × 150 = 28.8 g against 0.16 × 1.5 × 200 = 48 g, from now
	 * (the earliest of equal plans). Without rerouting, cpu stays. */
	a[9] = a[10] = 400;
	fixture_init(&fx, a, 12, B, 12);
	req = make_req(0, 8, 2 * H);
	h = held_at(0, T0 + 6 * H);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.part, 2);
	assert_int_equal(rp.chosen.start, T0 + H);
	assert_near(rp.chosen.gco2e, 28.8, 1e-9);
	/* From a rerouted plan (green at +6 h) the job may go back: cpu at
	 * +6 h is 48 g, green now is as low: keep (a tie is no gain). */
	h.part = 2;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	site.params.reroute = 0;
	h.part = 0;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	site.params.reroute = 1;

	/* Nothing to reconsider: the planned start has come; the zone has no
	 * forecast; the forecast ends before the current plan does. */
	req = make_req(1, 8, 2 * H);
	h = held_at(1, T0 + H);
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_NONE);
	assert_contains(rp.reason, "planned start has come");
	h = held_at(1, T0 + 6 * H);
	fixture_init(&fx, NULL, 0, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_NONE);
	assert_string_equal(rp.reason, "no usable forecast for zone A: cache missing");
	fixture_init(&fx, a, 7, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_NONE);
	assert_contains(rp.reason, "does not cover the current plan's window");

	/* Inconsistent arguments. */
	h.part = 7;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), -1);
	assert_contains(rp.reason, "out of range");
	h.part = 1;
	req.n_parts = 0;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), -1);
	assert_contains(rp.reason, "names no partition");
	fixture_free(&fx);
}

/* Hysteresis: with zone A 25 % wrong, a plan must beat the current one by
 * half a standard deviation of the error of the difference. Current plan
 * at +6 h, now +1 h, 2-hour windows: starting now must be 9.59 % lower,
 * +3 h 6.61 % lower (its error is more correlated with the current
 * plan's). */
static void test_redecide_hysteresis(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H);
	struct sc_held h = held_at(1, T0 + 6 * H);
	struct sc_replan rp;
	const double err_a[2] = { 25, 0 };
	double a[12];

	(void)state;
	flat(a, 12, 400);
	a[6] = a[7] = 200;
	a[1] = a[2] = 184; /* 8 % lower: within the error */
	fixture_init(&fx, a, 12, B, 12);
	site.zone_error = err_a;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	assert_near(rp.gain_pct, 8, 1e-9);
	assert_contains(rp.reason, "8.0% lower by the latest forecast, within its error");
	site.zone_error = NULL; /* taken as exact: any gain moves */
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);

	a[1] = a[2] = 176; /* 12 %: 0.12 − 0.0959 = 2.41 % left */
	fixture_init(&fx, a, 12, B, 12);
	site.zone_error = err_a;
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + H);
	assert_near(rp.score_pct, 12 - 9.589467, 1e-4);

	a[1] = a[2] = 400;
	a[3] = a[4] = 190; /* +3 h, 5 % lower: within 6.61 % */
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_KEEP);
	a[3] = a[4] = 180; /* 10 %: 3.39 % left */
	fixture_init(&fx, a, 12, B, 12);
	assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, T0 + H, &rp), 0);
	assert_int_equal(rp.action, SC_REPLAN_MOVE);
	assert_int_equal(rp.chosen.start, T0 + 3 * H);
	assert_near(rp.score_pct, 10 - 6.613173, 1e-4);
	fixture_free(&fx);
}

/* Random cases: a move never leaves the window, always lowers the
 * forecast carbon, and is a fixed point; without errors it finds the
 * lowest plan a brute force finds. */
static void test_redecide_random(void **state)
{
	unsigned seed = 4242;
	const double errs[2] = { 30, 10 };

	(void)state;
	for (int round = 0; round < 1500; round++) {
		struct sc_site site = make_site();
		double va[48], vb[48];
		struct fixture fx = { 0 };
		struct sc_request req = make_req(rand_r(&seed) % 3, 1 + rand_r(&seed) % 64,
						 (int64_t)(1 + rand_r(&seed) % 12) * 1200);
		struct sc_held h;
		struct sc_replan rp, again;
		int64_t now = T0 + (int64_t)(rand_r(&seed) % (6 * H));
		int exact = rand_r(&seed) % 2;

		for (int i = 0; i < 48; i++) {
			va[i] = 50.0 * (1 + rand_r(&seed) % 10);
			vb[i] = 50.0 * (1 + rand_r(&seed) % 10);
		}
		fixture_init(&fx, va, 48, vb, 48);
		site.params.reroute = rand_r(&seed) % 2;
		site.zone_error = exact ? NULL : errs;
		h.earliest = T0;
		h.latest = T0 + (int64_t)(rand_r(&seed) % 20) * 1800;
		h.start = now + 1 + (int64_t)(rand_r(&seed) % (uint32_t)(h.latest > now ? h.latest - now : 1));
		h.part = req.parts[0];
		if (site.params.reroute && rand_r(&seed) % 2 && site.parts[req.parts[0]].n_alt)
			h.part = site.parts[req.parts[0]].alt[0];
		assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, now, &rp), 0);
		assert_int_not_equal(rp.action, SC_REPLAN_NONE);
		if (rp.action == SC_REPLAN_MOVE) {
			assert_true(rp.chosen.start >= now);
			assert_true(rp.chosen.start == now || rp.chosen.start <= h.latest);
			assert_true(rp.chosen.gco2e < rp.current.gco2e);
			h.part = rp.chosen.part;
			h.start = rp.chosen.start;
			if (h.start > now) {
				assert_int_equal(sc_redecide(&site, &fx.forecasts, &req, &h, now, &again), 0);
				assert_int_equal(again.action, SC_REPLAN_KEEP);
			}
		}
		if (exact) {
			/* The lowest plan over now and every later hour up to the
			 * latest start, on the allowed partitions. */
			size_t cand[2] = { req.parts[0], 0 };
			size_t nc = 1;
			double best = rp.current.gco2e;
			if (site.params.reroute && site.parts[req.parts[0]].n_alt)
				cand[nc++] = site.parts[req.parts[0]].alt[0];
			for (size_t c = 0; c < nc; c++) {
				const struct sc_partition *pt = &site.parts[cand[c]];
				const struct sc_grid *g = fx.grids[pt->zone];
				double f = sc_energy_kwh(sc_power_watts(&pt->power, &req.shape), req.time_limit) * pt->pue;
				for (int64_t t = now; t <= (h.latest > now ? h.latest : now);
				     t = t == now ? T0 + (now - T0) / H * H + H : t + H) {
					double m;
					if (sc_grid_mean(g, t, t + req.time_limit, &m) == 0 && f * m < best)
						best = f * m;
				}
			}
			assert_near(rp.chosen.gco2e, best, 1e-9 * best);
		}
		fixture_free(&fx);
	}
}

/* The ledger: add, replace by id, remove, advance, bounds and errors. */
static void test_load_ledger(void **state)
{
	struct sc_err err;
	struct sc_load *l;
	uint32_t c, g;

	(void)state;
	assert_null(sc_load_create(0, 10, 10, T0, &err));
	assert_contains(err.msg, "partitions");
	assert_null(sc_load_create(1, SC_LOAD_MAX_SLOTS + 1, 10, T0, &err));
	assert_contains(err.msg, "slots: expected 1 to");
	assert_null(sc_load_create(1, 10, 0, T0, &err));
	assert_contains(err.msg, "jobs: expected 1 to");
	l = sc_load_create(2, 24, 3, T0, &err); /* 2 h of slots */
	assert_non_null(l);
	assert_int_equal(sc_load_origin(l), T0);
	/* 10:00-10:30 relative: slots 0..5; a window ending inside a slot counts it */
	assert_int_equal(sc_load_add(l, 7, 0, T0, T0 + 1800 + 1, 8, 1, &err), 0);
	sc_load_at(l, 0, T0 + 1800, &c, &g);
	assert_int_equal(c, 8);
	assert_int_equal(g, 1);
	sc_load_at(l, 0, T0 + 2100, &c, &g);
	assert_int_equal(c, 0);
	sc_load_at(l, 1, T0, &c, NULL);
	assert_int_equal(c, 0);
	/* A second job adds; re-adding job 7 replaces its load. */
	assert_int_equal(sc_load_add(l, 9, 0, T0 + 600, T0 + 1200, 4, 0, &err), 0);
	sc_load_at(l, 0, T0 + 600, &c, NULL);
	assert_int_equal(c, 12);
	assert_int_equal(sc_load_add(l, 7, 0, T0 + 3000, T0 + 3600, 2, 0, &err), 0);
	sc_load_at(l, 0, T0 + 600, &c, NULL);
	assert_int_equal(c, 4);
	sc_load_at(l, 0, T0 + 3000, &c, NULL);
	assert_int_equal(c, 2);
	assert_int_equal(sc_load_jobs(l), 2);
	/* Past the horizon: clipped; wholly outside: remembered, no load. */
	assert_int_equal(sc_load_add(l, 11, 1, T0 + 7000, T0 + 9 * H, 1, 0, &err), 0);
	sc_load_at(l, 1, T0 + 7100, &c, NULL);
	assert_int_equal(c, 1);
	sc_load_at(l, 1, T0 + 7200, &c, NULL);
	assert_int_equal(c, 0);
	/* Full: a new id is refused, l unchanged; an existing one may be replaced. */
	assert_int_equal(sc_load_add(l, 12, 0, T0, T0 + 300, 1, 0, &err), -1);
	assert_contains(err.msg, "full (3 jobs)");
	assert_int_equal(sc_load_add(l, 11, 1, T0 + 8 * H, T0 + 9 * H, 1, 0, &err), 0);
	sc_load_at(l, 1, T0 + 7100, &c, NULL);
	assert_int_equal(c, 0);
	/* Bad input. */
	assert_int_equal(sc_load_add(l, 9, 2, T0, T0 + 300, 1, 0, &err), -1);
	assert_contains(err.msg, "partition index 2 out of range");
	assert_int_equal(sc_load_add(l, 9, 0, T0, T0, 1, 0, &err), -1);
	assert_contains(err.msg, "empty window");
	assert_int_equal(sc_load_add(l, 9, 0, T0, T0 + 1, 0, 0, &err), -1);
	assert_contains(err.msg, "no cores and no GPUs");
	sc_load_at(l, 0, T0 + 600, &c, NULL);
	assert_int_equal(c, 4); /* the failed calls left job 9 alone */
	/* Advance: past slots go; removing a half-past job takes what is left. */
	sc_load_advance(l, T0 + 900);
	assert_int_equal(sc_load_origin(l), T0 + 900);
	sc_load_at(l, 0, T0 + 600, &c, NULL);
	assert_int_equal(c, 0);
	sc_load_at(l, 0, T0 + 900, &c, NULL);
	assert_int_equal(c, 4);
	assert_int_equal(sc_load_remove(l, 9), 1);
	assert_int_equal(sc_load_remove(l, 9), 0);
	sc_load_at(l, 0, T0 + 900, &c, NULL);
	assert_int_equal(c, 0);
	/* The ring's new slots start empty. */
	sc_load_advance(l, T0 + 3 * H);
	for (int64_t t = T0 + 3 * H; t < T0 + 5 * H; t += SC_LOAD_SLOT) {
		sc_load_at(l, 0, t, &c, &g);
		assert_int_equal(c + g, 0);
	}
	/* Job 7 (to +1 h) and 11 (to +9 h): the sweep frees only 7. */
	assert_int_equal(sc_load_jobs(l), 2);
	assert_int_equal(sc_load_expire(l), 1);
	assert_int_equal(sc_load_jobs(l), 1);
	assert_int_equal(sc_load_remove(l, 7), 0);
	assert_int_equal(sc_load_remove(l, 11), 1);
	sc_load_advance(l, T0); /* never backwards */
	assert_int_equal(sc_load_origin(l), T0 + 3 * H);
	sc_load_clear(l, T0);
	assert_int_equal(sc_load_jobs(l), 0);
	sc_load_destroy(l);
}

/* Keys issued after the job list was asked for, across 2^32. */
static void test_load_issued_after(void **state)
{
	(void)state;
	assert_false(sc_load_issued_after(5, 5, 5));
	assert_false(sc_load_issued_after(4, 5, 7));
	assert_true(sc_load_issued_after(6, 5, 7));
	assert_true(sc_load_issued_after(7, 5, 7));
	assert_false(sc_load_issued_after(8, 5, 7));
	/* Wrapped: sent at 2^32-2, now 3 (0 skipped): 2^32-1, 1, 2, 3 are after. */
	assert_true(sc_load_issued_after(4294967295u, 4294967294u, 3));
	assert_true(sc_load_issued_after(1, 4294967294u, 3));
	assert_true(sc_load_issued_after(3, 4294967294u, 3));
	assert_false(sc_load_issued_after(4294967294u, 4294967294u, 3));
	assert_false(sc_load_issued_after(4, 4294967294u, 3));
	assert_false(sc_load_issued_after(4294967200u, 4294967294u, 3));
}

/* The last key given follows the jobs' keys forward (across 2^32), never back. */
static void test_load_reconcile_seq(void **state)
{
	struct sc_load *l = sc_load_create(1, 12, 4, T0, NULL);
	const uint32_t cap[1] = { 8 };
	const struct sc_load_seen seen[] = { { 4294967290u, SC_LOAD_ENDED, 0, 1, 0, 0, 1, 0 },
					     { 2, SC_LOAD_ENDED, 0, 1, 0, 0, 1, 0 },
					     { 4294967295u, SC_LOAD_STARTED, 0, 1, 0, 0, 1, 0 } };
	struct sc_load_sync out;

	(void)state;
	assert_int_equal(sc_load_reconcile(l, seen, 3, 4294967280u, 4294967280u, cap, &out, NULL), 0);
	assert_int_equal(out.seq, 2);
	assert_int_equal(sc_load_reconcile(l, seen, 3, 5, 5, cap, &out, NULL), 0);
	assert_int_equal(out.seq, 5); /* 4294967290 is 2^32 - 11 keys behind 5, not ahead */
	sc_load_destroy(l);
}

/* The sync with slurmctld's jobs: ended jobs and vanished keys go (not the
 * ones issued while the list was read), pending and started jobs keep their
 * load, pending planned jobs missing are added back, changed ones updated,
 * jobs of unmanaged or capacity-less partitions are left alone. */
static void test_load_reconcile(void **state)
{
	const uint32_t cap[3] = { 64, 0, 16 };
	struct sc_load *l = sc_load_create(3, 288, 4, T0, NULL);
	struct sc_load_sync out;
	struct sc_load_job j;
	struct sc_err err;
	uint32_t c;

	(void)state;
	assert_non_null(l);
	assert_int_equal(sc_load_add(l, 10, 0, T0 + H, T0 + 2 * H, 8, 0, NULL), 0); /* pending */
	assert_int_equal(sc_load_add(l, 11, 0, T0 + H, T0 + 2 * H, 4, 0, NULL), 0); /* cancelled */
	assert_int_equal(sc_load_add(l, 12, 2, T0, T0 + 3 * H, 2, 1, NULL), 0);    /* running */
	assert_int_equal(sc_load_add(l, 13, 0, T0 + H, T0 + 2 * H, 1, 0, NULL), 0); /* gone, old */
	{
		const struct sc_load_seen seen[] = {
			{ 10, SC_LOAD_PENDING, 1, 0, T0 + H, T0 + 2 * H, 8, 0 },
			{ 11, SC_LOAD_ENDED, 1, 0, T0 + H, T0 + 2 * H, 4, 0 },
			{ 12, SC_LOAD_STARTED, 1, 2, T0 + 600, T0 + 900, 2, 1 }, /* not moved */
			{ 0, SC_LOAD_ENDED, 0, 0, 0, 0, 1, 0 },                  /* no key */
		};
		assert_int_equal(sc_load_reconcile(l, seen, 4, 13, 13, cap, &out, &err), 0);
	}
	assert_int_equal(out.released, 2);
	assert_int_equal(out.added + out.updated + out.failed, 0);
	assert_int_equal(out.seq, 13);
	assert_int_equal(sc_load_jobs(l), 2);
	assert_false(sc_load_get(l, 11, &j));
	assert_false(sc_load_get(l, 13, &j));
	assert_true(sc_load_get(l, 12, &j));
	assert_int_equal(j.start, T0);
	sc_load_at(l, 0, T0 + H, &c, NULL);
	assert_int_equal(c, 8);

	/* Keys issued while the list was read (14, then 15 across the list's
	 * seq 13) stay; a nothing-changed sync changes nothing. */
	assert_int_equal(sc_load_add(l, 14, 0, T0 + H, T0 + 2 * H, 1, 0, NULL), 0);
	{
		const struct sc_load_seen seen[] = { { 10, SC_LOAD_PENDING, 1, 0, T0 + H, T0 + 2 * H, 8, 0 },
						     { 12, SC_LOAD_STARTED, 1, 2, T0, T0 + 3 * H, 2, 1 } };
		assert_int_equal(sc_load_reconcile(l, seen, 2, 13, 14, cap, &out, &err), 0);
		assert_int_equal(out.released + out.added + out.updated, 0);
		assert_true(sc_load_get(l, 14, &j));
		/* The next sync, sent after 14 was issued, without it: released. */
		assert_int_equal(sc_load_reconcile(l, seen, 2, 14, 14, cap, &out, &err), 0);
		assert_int_equal(out.released, 1);
		assert_false(sc_load_get(l, 14, &j));
	}

	/* Re-added: a pending planned job missing (ledger lost); updated: one
	 * an admin moved; ignored: not planned, unmanaged partition (index 3),
	 * no capacity (1), unknown window, no key, started. */
	{
		const struct sc_load_seen seen[] = {
			{ 10, SC_LOAD_PENDING, 1, 2, T0 + 2 * H, T0 + 4 * H, 6, 1 }, /* moved by an admin */
			{ 12, SC_LOAD_STARTED, 1, 2, T0, T0 + 3 * H, 2, 1 },
			{ 20, SC_LOAD_PENDING, 1, 0, T0 + 5 * H, T0 + 6 * H, 16, 0 }, /* lost */
			{ 21, SC_LOAD_PENDING, 0, 0, T0 + 5 * H, T0 + 6 * H, 16, 0 }, /* not planned */
			{ 22, SC_LOAD_PENDING, 1, 3, T0 + 5 * H, T0 + 6 * H, 16, 0 }, /* unmanaged */
			{ 23, SC_LOAD_PENDING, 1, 1, T0 + 5 * H, T0 + 6 * H, 16, 0 }, /* no capacity */
			{ 24, SC_LOAD_PENDING, 1, 0, T0 + 5 * H, T0 + 5 * H, 16, 0 }, /* no window */
			{ 25, SC_LOAD_STARTED, 1, 0, T0, T0 + H, 16, 0 },             /* started */
			{ 26, SC_LOAD_PENDING, 1, 0, T0, T0 + H, 0, 0 },              /* no size */
		};
		/* The last key given raised past the jobs' keys (the ledger's seq was lost). */
		assert_int_equal(sc_load_reconcile(l, seen, 9, 3, 3, cap, &out, &err), 0);
		assert_int_equal(out.seq, 26);
		assert_int_equal(out.released, 0);
		assert_int_equal(out.added, 1);
		assert_int_equal(out.updated, 1);
		assert_int_equal(sc_load_jobs(l), 3);
		assert_true(sc_load_get(l, 10, &j));
		assert_int_equal(j.part, 2);
		assert_int_equal(j.start, T0 + 2 * H);
		assert_int_equal(j.gpus, 1);
		sc_load_at(l, 0, T0 + H, &c, NULL);
		assert_int_equal(c, 0); /* its old load is gone */
		sc_load_at(l, 0, T0 + 5 * H, &c, NULL);
		assert_int_equal(c, 16);
		for (uint32_t k = 21; k <= 26; k++)
			assert_false(sc_load_get(l, k, &j));
		/* Again: nothing to do. */
		assert_int_equal(sc_load_reconcile(l, seen, 9, 30, 30, cap, &out, &err), 0);
		assert_int_equal(out.released + out.added + out.updated, 0);
	}

	/* A pending job moved to a list of partitions (not one managed one)
	 * keeps its entry; a job array's tasks share a key: one ended task
	 * does not release the others' load. */
	{
		const struct sc_load_seen seen[] = {
			{ 10, SC_LOAD_PENDING, 1, 3, T0, T0 + H, 6, 1 },
			{ 20, SC_LOAD_ENDED, 1, 0, T0 + 5 * H, T0 + 6 * H, 16, 0 },
			{ 20, SC_LOAD_PENDING, 1, 0, T0 + 5 * H, T0 + 6 * H, 16, 0 },
			{ 12, SC_LOAD_ENDED, 1, 2, T0, T0 + 3 * H, 2, 1 },
		};
		assert_int_equal(sc_load_reconcile(l, seen, 4, 30, 30, cap, &out, &err), 0);
		assert_int_equal(out.released, 1); /* 12 */
		assert_true(sc_load_get(l, 10, &j));
		assert_int_equal(j.part, 2);
		assert_true(sc_load_get(l, 20, &j));
	}

	/* The table full (4 jobs): an add is refused, counted, described; the
	 * rest is done. An empty list releases every key issued by then. */
	{
		const struct sc_load_seen seen[] = {
			{ 10, SC_LOAD_PENDING, 1, 2, T0 + 2 * H, T0 + 4 * H, 6, 1 },
			{ 20, SC_LOAD_PENDING, 1, 0, T0 + 5 * H, T0 + 6 * H, 16, 0 },
			{ 31, SC_LOAD_PENDING, 1, 0, T0, T0 + H, 1, 0 },
			{ 32, SC_LOAD_PENDING, 1, 0, T0, T0 + H, 1, 0 },
			{ 33, SC_LOAD_PENDING, 1, 0, T0, T0 + H, 1, 0 },
		};
		assert_int_equal(sc_load_reconcile(l, seen, 5, 33, 33, cap, &out, &err), -1);
		assert_int_equal(out.added, 2);
		assert_int_equal(out.failed, 1);
		assert_contains(err.msg, "full (4 jobs)");
		assert_int_equal(sc_load_jobs(l), 4);
		assert_int_equal(sc_load_reconcile(l, NULL, 0, 33, 33, cap, &out, &err), 0);
		assert_int_equal(out.released, 4);
		assert_int_equal(out.seq, 33);
		assert_int_equal(sc_load_jobs(l), 0);
		sc_load_at(l, 0, T0, &c, NULL);
		assert_int_equal(c, 0);
	}
	sc_load_destroy(l);
}

/* The ledger against a brute-force model, with many ids colliding in the
 * table (removal keeps every other id findable). */
static void test_load_random(void **state)
{
	enum { NJ = 64, NS = 48 };
	struct sc_load *l = sc_load_create(2, NS, NJ, T0, NULL);
	struct { int on; size_t part; int64_t a, b, added_hi, lb; uint32_t c; } m[NJ];
	unsigned seed = 7;
	int64_t now = T0;

	(void)state;
	memset(m, 0, sizeof(m));
	for (int it = 0; it < 20000; it++) {
		uint32_t id = (uint32_t)(rand_r(&seed) % NJ);
		if (rand_r(&seed) % 3 == 0) {
			assert_int_equal(sc_load_remove(l, id * 4096), m[id].on);
			m[id].on = 0;
		} else {
			m[id].on = 1;
			m[id].part = (size_t)(rand_r(&seed) % 2);
			m[id].a = now + (int64_t)(rand_r(&seed) % (NS * 300 + 600)) - 300;
			m[id].b = m[id].a + 1 + (int64_t)(rand_r(&seed) % 7200);
			m[id].c = 1 + (uint32_t)(rand_r(&seed) % 8);
			m[id].added_hi = sc_load_origin(l) + NS * 300;
			/* Where the ledger says its load ends (clipped, never before its start). */
			m[id].lb = sc_load_slot_of(m[id].b - 1) + 1;
			if (m[id].lb > m[id].added_hi / 300)
				m[id].lb = m[id].added_hi / 300;
			if (m[id].lb < sc_load_slot_of(m[id].a))
				m[id].lb = sc_load_slot_of(m[id].a);
			if (m[id].lb < sc_load_origin(l) / 300)
				m[id].lb = sc_load_origin(l) / 300;
			assert_int_equal(sc_load_add(l, id * 4096, m[id].part, m[id].a, m[id].b, m[id].c, 0, NULL), 0);
		}
		if (rand_r(&seed) % 50 == 0)
			sc_load_advance(l, now += 300 * (rand_r(&seed) % 4));
		if (rand_r(&seed) % 200 == 0) {
			size_t gone = 0, want = 0;
			for (int j = 0; j < NJ; j++)
				if (m[j].on && m[j].lb * 300 <= sc_load_origin(l))
					m[j].on = 0, gone++;
			want = sc_load_jobs(l) - gone;
			sc_load_expire(l);
			assert_int_equal(sc_load_jobs(l), want);
		}
		if (it % 97 == 0) {
			for (size_t p = 0; p < 2; p++)
				for (int64_t s = 0; s < NS; s++) {
					int64_t t = sc_load_origin(l) + s * 300;
					uint32_t want = 0, c;
					for (int j = 0; j < NJ; j++)
						if (m[j].on && m[j].part == p && m[j].a < t + 300 && m[j].b > t &&
						    t < m[j].added_hi)
							want += m[j].c;
					sc_load_at(l, p, t, &c, NULL);
					assert_int_equal(c, want);
				}
		}
	}
	sc_load_destroy(l);
}

/* Zone A with two green windows: +2-4 h (100) and +6-8 h (200). */
static const double A2[] = { 400, 400, 100, 100, 400, 400, 200, 200, 400, 400, 400, 400 };

/* Congestion: the capped, hard and marginal models move the plan off a
 * full green window and say so; the baseline is never excluded. */
static void test_congestion(void **state)
{
	struct fixture fx = { 0 };
	struct sc_site site = make_site();
	struct sc_request req = make_req(1, 8, 2 * H); /* gpu partition: no alternatives */
	struct sc_decision d, plain;
	uint32_t cap[3] = { 0, 16, 0 };
	struct sc_load *l = sc_load_create(3, 2016, 100, T0, NULL);
	struct sc_congestion cg = { l, cap, NULL, SC_CONG_CAPPED, 0.1 };

	(void)state;
	fixture_init(&fx, A2, 12, B, 12);
	assert_int_equal(sc_decide(&site, &fx.forecasts, &req, T0, &plain), 0);
	assert_int_equal(plain.chosen.start, T0 + 2 * H);
	assert_true(sc_congestion_prices(&site, &cg, &req));
	assert_false(sc_congestion_prices(&site, NULL, &req));
	req.shape.cores = 17; /* larger than the partition */
	assert_false(sc_congestion_prices(&site, &cg, &req));
	req.shape.cores = 8;
	cap[1] = 0;
	assert_false(sc_congestion_prices(&site, &cg, &req));
	cap[1] = 16;
	/* An empty ledger changes nothing. */
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_false(d.congested);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	assert_near(d.chosen.gco2e, plain.chosen.gco2e, 1e-12);
	/* 12 of 16 cores planned over the first green window: 8 more do not fit. */
	assert_int_equal(sc_load_add(l, 1, 1, T0 + 2 * H, T0 + 4 * H, 12, 0, NULL), 0);
	for (int m = SC_CONG_CAPPED; m <= SC_CONG_HARD; m++) {
		cg.model = (enum sc_cong_model)m;
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
		assert_int_equal(d.action, SC_ACT_DELAY);
		assert_int_equal(d.chosen.start, T0 + 6 * H);
		assert_true(d.congested);
		assert_int_equal(d.uncongested_action, SC_ACT_DELAY);
		assert_int_equal(d.uncongested.start, T0 + 2 * H);
		/* Figures are the forecast's: 0.16 kWh × 1.5 × 200, against 96 g. */
		assert_near(d.chosen.gco2e, 48, 1e-9);
		assert_near(d.saving_pct, 50, 1e-9);
	}
	/* Marginal only prices: 12/16 × weight 4 makes 24 g count 96 g. */
	cg.model = SC_CONG_MARGINAL;
	cg.weight = 4;
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 6 * H);
	cg.weight = 0.01;
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	assert_false(d.congested);
	/* Both green windows full: run now, the baseline is never excluded. */
	cg.model = SC_CONG_CAPPED;
	cg.weight = 0.1;
	assert_int_equal(sc_load_add(l, 2, 1, T0, T0 + 12 * H, 9, 0, NULL), 0);
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_int_equal(d.action, SC_ACT_RUN);
	assert_int_equal(d.chosen.start, T0);
	assert_true(d.congested);
	/* A job larger than the partition, or a partition without a capacity,
	 * or a ledger of fewer partitions: not priced. */
	req.shape.cores = 17;
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_false(d.congested);
	assert_int_equal(d.chosen.start, T0 + 2 * H);
	req.shape.cores = 8;
	cap[1] = 0;
	assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
	assert_false(d.congested);
	cap[1] = 16;
	{
		struct sc_load *small = sc_load_create(2, 10, 10, T0, NULL);
		struct sc_congestion c2 = { small, cap, NULL, SC_CONG_CAPPED, 0.1 };
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &c2, &d), 0);
		assert_false(d.congested);
		sc_load_destroy(small);
	}
	/* GPUs: a GPU capacity limits like cores. */
	sc_load_clear(l, T0);
	assert_int_equal(sc_load_add(l, 1, 1, T0 + 2 * H, T0 + 4 * H, 1, 2, NULL), 0);
	{
		uint32_t gcap[3] = { 0, 2, 0 };
		cg.gpus = gcap;
		req.shape.gpus = 1;
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
		assert_int_equal(d.chosen.start, T0 + 6 * H);
		cg.gpus = NULL;
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, T0, &cg, &d), 0);
		assert_int_equal(d.chosen.start, T0 + 2 * H);
	}
	sc_load_destroy(l);
	fixture_free(&fx);
}

/* With no load view, or an empty one, sc_decide_loaded decides exactly as
 * sc_decide, on random requests and forecasts (with errors, budgets,
 * rerouting). */
static void test_congestion_neutral(void **state)
{
	struct sc_site site = make_site();
	unsigned seed = 99;
	uint32_t cap[3] = { 1000, 1000, 1000 };
	struct sc_load *l = sc_load_create(3, 2016, 10, T0, NULL);
	struct sc_congestion cg = { l, cap, NULL, SC_CONG_CAPPED, 0.1 };
	double err[2] = { 25, 0 };

	(void)state;
	for (int iter = 0; iter < 500; iter++) {
		size_t n = 8 + (size_t)(rand_r(&seed) % 60);
		double va[80], vb[80];
		struct fixture fx = { 0 };
		struct sc_request req = make_req((size_t)(rand_r(&seed) % 3), 1 + (uint32_t)(rand_r(&seed) % 64),
						 60 * (1 + rand_r(&seed) % 600));
		struct sc_decision a, b, c;
		int64_t now = T0 + (int64_t)(rand_r(&seed) % 7200);

		for (size_t i = 0; i < n; i++) {
			va[i] = 50.0 * (rand_r(&seed) % 12);
			vb[i] = 50.0 * (rand_r(&seed) % 12);
		}
		fixture_init_step(&fx, 1800, va, n, vb, n);
		site.params.max_delay = 60 * (rand_r(&seed) % 1500);
		site.params.reroute = rand_r(&seed) % 2;
		site.zone_error = rand_r(&seed) % 2 ? err : NULL;
		req.budget_g = rand_r(&seed) % 3 ? -1 : 10.0 * (rand_r(&seed) % 100);
		assert_int_equal(sc_decide(&site, &fx.forecasts, &req, now, &a), 0);
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, now, NULL, &b), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(sc_decide_loaded(&site, &fx.forecasts, &req, now, &cg, &c), 0);
		assert_int_equal(c.action, a.action);
		assert_int_equal(c.chosen.part, a.chosen.part);
		assert_int_equal(c.chosen.start, a.chosen.start);
		assert_near(c.chosen.gco2e, a.chosen.gco2e, 1e-9 * fmax(1, a.chosen.gco2e));
		assert_false(c.congested);
		fixture_free(&fx);
	}
	sc_load_destroy(l);
}

/* --carbon-policy quotes the value printably (found by fuzzing the SPANK
 * values: a control byte was echoed raw). */
static void test_option_policy_escaped(void **state)
{
	struct sc_err err = { "" };
	int opt_out = -1;

	(void)state;
	assert_int_equal(sc_option_policy("\x1b[31m", &opt_out, &err), -1);
	assert_string_equal(err.msg, "--carbon-policy: invalid value '\\x1b[31m': expected none (opt out, where the site allows it) or auto");
	assert_int_equal(opt_out, -1);
	assert_int_equal(sc_option_policy("NONE", &opt_out, &err), 0);
	assert_int_equal(opt_out, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_energy_golden),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_delay_golden),
		cmocka_unit_test(test_start_inside_slot),
		cmocka_unit_test(test_min_savings),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_reroute),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_fail_open),
		cmocka_unit_test(test_near_best),
		cmocka_unit_test(test_forecast_error),
		cmocka_unit_test(test_random_vs_brute_force),
		cmocka_unit_test(test_redecide_exact),
		cmocka_unit_test(test_redecide_hysteresis),
		cmocka_unit_test(test_redecide_random),
		cmocka_unit_test(test_request_build),
		cmocka_unit_test(test_request_out_of_range),
		cmocka_unit_test(test_option_policy_escaped),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_load_ledger),
		cmocka_unit_test(test_load_random),
		cmocka_unit_test(test_load_issued_after),
		cmocka_unit_test(test_load_reconcile),
		cmocka_unit_test(test_load_reconcile_seq),
		cmocka_unit_test(test_congestion),
		cmocka_unit_test(test_congestion_neutral),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
