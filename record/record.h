/* slurm-carbon: the accounting records — the submit-time estimate written to
 * a job's AdminComment as {"carbon":{...}} and the measured figure written to
 * SystemComment as {"carbon_actual":{...}} (their format is a contract: README,
 * "Accounting records").
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Other content of a comment is preserved: a JSON object gets the key added
 * or replaced; any other text is kept and the object is appended after a
 * blank.
 */
#ifndef SC_RECORD_RECORD_H
#define SC_RECORD_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "policy/decide.h"

#define SC_RECORD_VERSION 1

/* What the decision record adds beyond the decision itself. */
struct sc_record_ctx {
	enum sc_mode mode;     /* the site's Mode when the job was submitted */
	int applied;           /* whether the decision was applied to the job */
	const char *signal;    /* "average"/"marginal" of the chosen zone; may be NULL */
	const char *source;    /* forecast source; may be NULL */
	int64_t issued_at;     /* forecast issue time; 0: unknown */
	const char *requested; /* the partition(s) as the user asked; may be NULL */
	int64_t submit;        /* when the decision was made */
};

/* The contract's "carbon" object for decision d: v, decision, partition,
 * zone, start, kwh, pue, ci, gco2e, baseline_gco2e, budget_gco2e (when a
 * budget was given), reason (when the job was left alone or rejected), and
 * more: mode, applied, runtime_s, watts, delay_s, saving_pct,
 * baseline_partition, baseline_start, baseline_ci, best_gco2e, partial,
 * signal, source, issued_at, submit. Numbers are rounded (kWh to 1e-4, g and
 * g/kWh to 0.1, PUE to 0.01) so that they read well and compare exactly.
 * A new reference, or NULL when out of memory. */
json_t *sc_record_carbon(const struct sc_site *site, const struct sc_decision *d,
			 const struct sc_record_ctx *ctx);

/* Sets key to value (stolen) in the comment `existing` (borrowed; NULL or ""
 * for none), preserving its other content. Returns a malloc'd string (caller
 * frees), NULL when out of memory. */
char *sc_comment_set(const char *existing, const char *key, json_t *value);

/* Finds key's object in a comment written by sc_comment_set (or by hand).
 * Returns a new reference, or NULL when absent or not an object. */
json_t *sc_comment_get(const char *comment, const char *key);

/* Rounds x to a multiple of q (for record numbers). */
double sc_round(double x, double q);


#endif
