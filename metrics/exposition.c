/* slurm-carbon: the metrics in Prometheus' text format (see exposition.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "forecast/provider.h"
#include "forecast/zone.h"
#include "metrics/exposition.h"
#include "policy/grid.h"

#define DAY (24 * 3600)

/* A label value, escaped (backslash, double quote, newline), written to f. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f), fputc(*s, f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void zone_sample(FILE *f, const char *name, const struct sc_conf *conf, size_t i,
			const struct sc_zone_state *st, double v)
{
	fprintf(f, "%s{zone=\"", name);
	label(f, conf->zones[i].name);
	fputs("\",provider=\"", f);
	label(f, sc_provider_name(conf->zones[i].provider));
	fprintf(f, "\",signal=\"%s\"} %.15g\n", sc_signal_name(st->signal), v);
}

/* The forecast at now and its minimum over [now, now + 24 h); 0 when the grid does not
 * cover now. */
static int zone_figures(const struct sc_grid *g, int64_t now, double *at, double *min24)
{
	int64_t end = sc_grid_end(g);

	if (!g || now < g->start || now >= end)
		return 0;
	*at = sc_grid_at(g, now);
	*min24 = *at;
	for (size_t k = (size_t)((now - g->start) / g->step); k < g->n; k++) {
		int64_t t = g->start + (int64_t)k * g->step;
		if (t >= now + DAY)
			break;
		if (g->v[k] < *min24)
			*min24 = g->v[k];
	}
	return 1;
}

static void zones(FILE *f, const struct sc_conf *conf, const struct sc_snapshot *snap, int64_t now)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "slurm_carbon_forecast_usable", "1 when the plugin has a usable forecast for the zone" },
		{ "slurm_carbon_intensity_grams_per_kilowatt_hour", "Forecast grid carbon intensity now (gCO2e/kWh)" },
		{ "slurm_carbon_intensity_min_24h_grams_per_kilowatt_hour",
		  "Lowest forecast intensity over the next 24 hours (gCO2e/kWh)" },
		{ "slurm_carbon_forecast_age_seconds", "Seconds since the zone's forecast was issued" },
	};
	const struct sc_zone_forecasts *set = sc_snapshot_set(snap);

	for (size_t m = 0; m < sizeof(fam) / sizeof(fam[0]); m++) {
		family(f, fam[m].name, "gauge", fam[m].help);
		for (size_t i = 0; i < conf->n_zones; i++) {
			const struct sc_zone_state *st = sc_snapshot_zone(snap, i);
			const struct sc_grid *g = st->why ? NULL : set->grids[i];
			double at = 0, min24 = 0;
			int have = g && zone_figures(g, now, &at, &min24);
			if (m == 0)
				zone_sample(f, fam[m].name, conf, i, st, have ? 1 : 0);
			else if (m == 1 && have)
				zone_sample(f, fam[m].name, conf, i, st, at);
			else if (m == 2 && have)
				zone_sample(f, fam[m].name, conf, i, st, min24);
			else if (m == 3 && !st->why && st->issued_at > 0)
				zone_sample(f, fam[m].name, conf, i, st, (double)(now - st->issued_at));
		}
	}
}

static void partition_sample(FILE *f, const char *name, const char *part, const char *decision,
			     double v)
{
	fprintf(f, "%s{partition=\"", name);
	label(f, part);
	if (decision)
		fprintf(f, "\",decision=\"%s", decision);
	fprintf(f, "\"} %.15g\n", v);
}

static void decisions(FILE *f, const struct sc_counters *c)
{
	family(f, "slurm_carbon_decisions_total", "counter",
	       "Jobs job_submit/carbon decided, by partition and decision");
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < SC_KIND_N; k++)
			partition_sample(f, "slurm_carbon_decisions_total", c->rows[i].partition,
					 sc_counter_kind_name(k), (double)c->rows[i].n[k]);
	family(f, "slurm_carbon_estimated_grams_total", "counter",
	       "Estimated gCO2e of the plans chosen at submission");
	for (size_t i = 0; i < c->n; i++)
		partition_sample(f, "slurm_carbon_estimated_grams_total", c->rows[i].partition, NULL,
				 c->rows[i].estimated_g);
	family(f, "slurm_carbon_avoided_grams_total", "counter",
	       "Estimated gCO2e the chosen plans avoid against running as requested");
	for (size_t i = 0; i < c->n; i++)
		partition_sample(f, "slurm_carbon_avoided_grams_total", c->rows[i].partition, NULL,
				 c->rows[i].avoided_g);
	family(f, "slurm_carbon_counters_updated_timestamp_seconds", "gauge",
	       "When job_submit/carbon last saved its counters (Unix time)");
	fprintf(f, "slurm_carbon_counters_updated_timestamp_seconds %lld\n", (long long)c->updated);
}

int sc_metrics_write(FILE *f, const struct sc_conf *conf, const struct sc_snapshot *snap,
		     const struct sc_counters *c, int64_t now, struct sc_err *err)
{
	zones(f, conf, snap, now);
	if (c)
		decisions(f, c);
	if (fflush(f) != 0 || ferror(f))
		return sc_err_set(err, "cannot write the metrics: %s", strerror(errno));
	return 0;
}

static void budget_sample(FILE *f, const char *name, const struct sc_budget *b, double v)
{
	fprintf(f, "%s{budget=\"", name);
	label(f, b->name);
	fprintf(f, "\"} %.15g\n", v);
}

void sc_metrics_write_budgets(FILE *f, const struct sc_conf *conf, const struct sc_ledger *l,
			      int64_t now)
{
	if (!conf->n_budgets)
		return;
	family(f, "slurm_carbon_budget_limit_grams", "gauge", "The limit of each carbon budget per period (gCO2e)");
	for (size_t i = 0; i < conf->n_budgets; i++)
		budget_sample(f, "slurm_carbon_budget_limit_grams", &conf->budgets[i], conf->budgets[i].limit_g);
	if (!l)
		return;
	family(f, "slurm_carbon_budget_used_grams", "gauge",
	       "What each carbon budget has used of its current period (reconciled + estimated gCO2e), by the ledger");
	for (size_t i = 0; i < conf->n_budgets; i++) {
		const struct sc_ledger_entry *e;
		int64_t s, end;
		if (!sc_budget_period_at(&conf->budgets[i], now, &s, &end))
			continue;
		e = sc_ledger_find(l, conf->budgets[i].name, s);
		budget_sample(f, "slurm_carbon_budget_used_grams", &conf->budgets[i],
			      e ? e->actual_g + e->estimated_g : 0);
	}
	family(f, "slurm_carbon_budget_ledger_updated_timestamp_seconds", "gauge",
	       "When the budget ledger was computed (Unix time)");
	fprintf(f, "slurm_carbon_budget_ledger_updated_timestamp_seconds %lld\n", (long long)l->computed);
}
