/* slurm-carbon: what a zone's forecast comes from (a ZoneName record of
 * carbon.conf, as config/ parses it and forecast/ consumes it).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_ZONE_H
#define SC_FORECAST_ZONE_H

#include <stdint.h>

#include "policy/decide.h"

enum sc_provider {
	SC_PROV_FILE = 0,
	SC_PROV_STATIC,
	SC_PROV_ELECTRICITYMAPS,
	SC_PROV_WATTTIME,
	SC_PROV_UKCI,
	SC_PROV_CASDK,
};

enum sc_replay { SC_REPLAY_NONE = 0, SC_REPLAY_WEEKLY };

/* Which intensity column of an Electricity Maps export to read. */
enum sc_column { SC_COLUMN_LCA = 0, SC_COLUMN_DIRECT };

struct sc_zone_spec {
	char *name;             /* owned by the config */
	enum sc_provider provider;
	char *path;             /* file: the CSV */
	double intensity;       /* static: gCO2e/kWh */
	enum sc_replay replay;  /* file: lay a past series onto the current week */
	enum sc_column column;  /* file: Electricity Maps export column */
	char *region;           /* live providers: the provider's id for the area */
	char *url;              /* live providers: base URL override (NULL: the provider's) */
	char *token_file;       /* live providers: credentials file */
	enum sc_signal signal;  /* declared signal (file, static); live providers know theirs */
	int64_t horizon;        /* seconds of forecast a static or replayed zone offers */
	int64_t max_age;        /* a cached forecast fetched longer ago counts as missing */
	int64_t max_gap;        /* gaps up to this are interpolated (sc_series_to_grid) */
	int64_t step;           /* planning grid step in seconds; 0: the series' own */
	double forecast_error_pct; /* ForecastError: mean absolute error 24 h ahead, % of the actual
				    * [25 for live providers, 0 for file and static] */
	int forecast_error_set;    /* ForecastError= was given (for this zone or by ZoneName=DEFAULT) */
	int line;               /* carbon.conf line of the record, for messages */
};

/* "file", "static", "electricitymaps", "watttime", "ukci", "casdk". */
const char *sc_provider_name(enum sc_provider p);

/* -1 if unknown (case-insensitive). */
int sc_provider_from_name(const char *s);

/* "average", "marginal". */
const char *sc_signal_name(enum sc_signal s);

#endif
