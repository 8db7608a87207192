/* slurm-carbon: what a zone's forecast comes from (a ZoneName record of
 * carbon.conf, as config/ parses it and forecast/ consumes it).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_ZONE_H
#define SC_FORECAST_ZONE_H

#include <stdint.h>

#include "policy/decide.h"

struct sc_provider_ops; /* forecast/provider.h */

enum sc_replay { SC_REPLAY_NONE = 0, SC_REPLAY_WEEKLY };

/* Which intensity column of a data-portal export to read (forecast/csvfile.h). */
enum sc_column { SC_COLUMN_LCA = 0, SC_COLUMN_DIRECT };

struct sc_zone_spec {
	char *name;             /* owned by the config */
	const struct sc_provider_ops *provider; /* an entry of the table (forecast/provider.h) */
	char *path;             /* CSV kind: the file */
	double intensity;       /* constant kind: gCO2e/kWh */
	enum sc_replay replay;  /* CSV kind: lay a past series onto the current week */
	enum sc_column column;  /* CSV kind: export column */
	char *region;           /* live providers: the provider's id for the area */
	char *url;              /* live providers: base URL override (NULL: the provider's) */
	char *token_file;       /* live providers: credentials file */
	enum sc_signal signal;  /* declared signal; fixed for providers that publish one kind */
	int64_t horizon;        /* seconds of forecast a constant or replayed zone offers */
	int64_t max_age;        /* a cached forecast fetched longer ago counts as missing */
	int64_t max_gap;        /* gaps up to this are interpolated (sc_series_to_grid) */
	int64_t step;           /* planning grid step in seconds; 0: the series' own */
	double forecast_error_pct; /* ForecastError: mean absolute error 24 h ahead, % of the actual
				    * [the provider's default, 25 for a replayed file] */
	int forecast_error_set;    /* ForecastError= was given (for this zone or by ZoneName=DEFAULT) */
	int line;               /* carbon.conf line of the record, for messages */
};


/* "average", "marginal". */
const char *sc_signal_name(enum sc_signal s);

#endif
