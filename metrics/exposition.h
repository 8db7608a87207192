/* slurm-carbon: the metrics in Prometheus' text exposition format (version 0.0.4), for
 * node_exporter's textfile collector — `scarbon metrics`.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Per zone (labels zone, provider, signal):
 *   slurm_carbon_forecast_usable                       1 when the plugin has a forecast
 *   slurm_carbon_intensity_grams_per_kilowatt_hour     the forecast at now
 *   slurm_carbon_intensity_min_24h_grams_per_kilowatt_hour   its minimum over the next 24 h
 *   slurm_carbon_forecast_age_seconds                  now − when it was issued (when known)
 * Per partition (label partition) and decision (label decision), from the plugin's counters:
 *   slurm_carbon_decisions_total
 *   slurm_carbon_estimated_grams_total                 gCO2e of the plans chosen
 *   slurm_carbon_avoided_grams_total                   gCO2e they saved against "as requested"
 *   slurm_carbon_counters_updated_timestamp_seconds    when the plugin last saved them
 * Per budget (label budget; sc_metrics_write_budgets), from carbon.conf and the ledger:
 *   slurm_carbon_budget_limit_grams                    the limit per period
 *   slurm_carbon_budget_used_grams                     used of the current period (reconciled
 *                                                      + estimated; 0 when the ledger has none)
 *   slurm_carbon_budget_ledger_updated_timestamp_seconds  when the ledger was computed
 * Label values are escaped as the format requires (\\, \", \n).
 */
#ifndef SC_METRICS_EXPOSITION_H
#define SC_METRICS_EXPOSITION_H

#include <stdint.h>
#include <stdio.h>

#include "config/conf.h"
#include "forecast/snapshot.h"
#include "metrics/counters.h"

/* Writes the metrics of conf's zones (as snap, loaded as of now, has them) and of the
 * counters c (NULL: none saved yet; the decision families are then left out) to f. All
 * borrowed. Returns 0, or -1 with err when writing fails. */
int sc_metrics_write(FILE *f, const struct sc_conf *conf, const struct sc_snapshot *snap,
		     const struct sc_counters *c, int64_t now, struct sc_err *err);

/* Writes the budget families for conf's budgets to f: the limits, and, when l (the ledger;
 * NULL: none written yet) is given, what each has used of its period containing now.
 * Nothing when conf has no budgets. All borrowed; errors show in f's error flag. */
void sc_metrics_write_budgets(FILE *f, const struct sc_conf *conf, const struct sc_ledger *l,
			      int64_t now);

#endif
