/* slurm-carbon: the accounting records — their one owner. The submit-time
 * estimate, written to a job's AdminComment under SC_RECORD_ESTIMATE_KEY, and
 * the measured figure, written to SystemComment under SC_RECORD_ACTUAL_KEY
 * (their format is a contract: README, "Accounting records"): the keys, the
 * versions, building both records and reading them back. Where a record sits
 * in a comment, and the forms a comment is stored in, are record/comment.h's.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure: no I/O, no clock.
 */
#ifndef SC_RECORD_RECORD_H
#define SC_RECORD_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/decide.h"
#include "record/comment.h"

/* The keys of the two records in a comment, and their versions ("v"). */
#define SC_RECORD_ESTIMATE_KEY "carbon"
#define SC_RECORD_ACTUAL_KEY "carbon_actual"
#define SC_RECORD_VERSION 1
#define SC_RECORD_ACTUAL_VERSION 1

/* What the decision record adds beyond the decision itself. */
struct sc_record_ctx {
	enum sc_mode mode;     /* the site's Mode when the job was submitted */
	int applied;           /* whether the decision was applied to the job */
	const char *signal;    /* "average"/"marginal" of the chosen zone; may be NULL */
	const char *source;    /* forecast source; may be NULL */
	int64_t issued_at;     /* forecast issue time; 0: unknown */
	const char *requested; /* the partition(s) as the user asked; may be NULL */
	int64_t submit;        /* when the decision was made */
	/* What the energy estimate rests on (README, "Learned estimates"):
	 * NULL (Estimates=configured: no keys), "learned" or "configured" (a
	 * learned estimate was wanted but missing, thin, stale or corrupt). */
	const char *estimate;
	const char *estimate_key; /* learned: the entry matched ("alice/phys/cpu"); else NULL */
	long estimate_jobs;       /* learned: the jobs behind it */
	double estimate_ratio;    /* the run time ÷ time limit used */
	const char *time_note; /* sc_time_note's, for a job whose limit is UNLIMITED; NULL or "": none */
	const char *budget;    /* the carbon budget (BudgetName) the job counted against; NULL: none */
	double budget_used_g;  /* its usage at submission, this job included; with budget only */
	double budget_limit_g; /* its limit; with budget only */
	uint32_t ledger;       /* the job's key in the planned-load ledger (policy/load.h); 0: none */
};

/* The estimate record (SC_RECORD_ESTIMATE_KEY) for decision d: v, decision, partition,
 * zone, start, kwh, pue, ci, gco2e, baseline_gco2e, budget_gco2e (when a
 * budget was given), reason (when the job was left alone or rejected), and
 * more: mode, applied, runtime_s, watts, delay_s, saving_pct,
 * baseline_partition, baseline_start, baseline_ci, best_gco2e, partial,
 * signal, source, issued_at, submit, time_note (ctx's), when the planned
 * load changed the plan (d->congested) congestion (true),
 * uncongested_decision, uncongested_partition, uncongested_start and
 * uncongested_gco2e (the plan without it; records before these keys read
 * as uncongested), with ctx->estimate: estimate, estimate_key,
 * estimate_jobs, estimate_ratio, budget, budget_used_g, budget_limit_g (when ctx names a
 * budget), and ledger (ctx->ledger, when not 0: the job's key in the
 * plugin's planned-load ledger, which its sync with slurmctld reads back). Numbers are rounded (kWh to 1e-4, g and
 * g/kWh to 0.1, PUE to 0.01) so that they read well and compare exactly.
 * A new reference, or NULL when out of memory. */
json_t *sc_record_carbon(const struct sc_site *site, const struct sc_decision *d,
			 const struct sc_record_ctx *ctx);

/* existing (borrowed; NULL for none) with the estimate record for decision d
 * set in it (record/comment.h's sc_comment_set: plain JSON, other content
 * kept), as job_submit writes AdminComment. malloc'd (caller frees); NULL
 * when out of memory. */
char *sc_record_estimate_comment(const char *existing, const struct sc_site *site,
				 const struct sc_decision *d, const struct sc_record_ctx *ctx);

enum sc_energy_source { SC_ENERGY_MODEL = 0, SC_ENERGY_MEASURED };

/* Best last: a record is never replaced by one with a worse source. */
enum sc_ci_source { SC_CI_NONE = 0, SC_CI_STATIC, SC_CI_SUBMIT, SC_CI_FORECAST, SC_CI_ACTUAL };

/* "model", "measured". */
const char *sc_energy_source_name(enum sc_energy_source s);
/* "none", "static", "submit", "forecast", "actual". */
const char *sc_ci_source_name(enum sc_ci_source s);
/* -1 if unknown (case-insensitive). */
int sc_ci_source_from_name(const char *s);

/* The submit-time estimate. Numbers are NAN when the record lacks them. */
struct sc_estimate {
	int present;          /* an object under SC_RECORD_ESTIMATE_KEY was found */
	char decision[16];    /* "run", "delay", ...; "" when absent */
	char partition[64];
	char zone[64];
	int applied;          /* 0 only when the record says "applied":false */
	int64_t start;        /* 0 when absent (or not a time within 1970..9999) */
	int64_t delay_s;      /* -1 when absent (or not within 0..9999 years) */
	double kwh, pue, ci, gco2e, baseline_gco2e;
	/* "congestion": true — the planned load moved the plan (records
	 * without the key: 0, "", 0, NAN) */
	int congestion;
	char uncongested_decision[16];
	char uncongested_partition[64];
	int64_t uncongested_start;
	double uncongested_gco2e;
	/* "runtime_s": the run time the decision used (-1 when absent), and
	 * "ledger": the job's key in the planned-load ledger (0 when absent,
	 * as in records written before the key, or not 1..4294967295) */
	int64_t runtime_s;
	uint32_t ledger;
};

/* The reconciled figure. */
struct sc_actual {
	int present;
	double kwh;           /* IT energy, before PUE */
	double pue;
	double ci;            /* gCO2e/kWh */
	double gco2e;
	double watts;         /* mean power over the job */
	enum sc_energy_source energy_source;
	enum sc_ci_source ci_source;
	char partition[64];
	char zone[64];
	int64_t start, end, elapsed; /* 0, 0, -1 when absent (or not a time within 1970..9999) */
	char note[128];       /* why measured energy was not used, etc.; "" for none */
};

/* Reads the estimate from an AdminComment (NULL or "" for none). Returns 1
 * when present, 0 when not (out->present says the same). */
int sc_estimate_read(const char *admin_comment, struct sc_estimate *out);

/* Reads the reconciled figure from a SystemComment (either stored form).
 * Returns 1 when a record with kwh, gco2e, ci and pue was found, else 0. */
int sc_actual_read(const char *system_comment, struct sc_actual *out);

/* Whether the estimate has figures a report can use (a decision other than
 * none/reject, with kwh and gco2e). */
int sc_estimate_usable(const struct sc_estimate *e);

/* gCO2e avoided against running at submit: baseline − chosen when the
 * decision was applied, else 0. NAN when the record lacks the figures. */
double sc_estimate_avoided_g(const struct sc_estimate *e);

/* The actual record (SC_RECORD_ACTUAL_KEY): v, kwh, gco2e, ci, pue,
 * energy_source, ci_source, then partition, zone, start, end, elapsed_s,
 * watts, note (when set). Rounded so that the same inputs give the same
 * text, finer than the AdminComment record because small jobs add up: kWh to
 * 1e-6, g to 1e-3, g/kWh and W to 0.1, PUE to 0.01 (gco2e is computed from
 * the unrounded figures). A new reference; NULL when out of memory. */
json_t *sc_actual_record(const struct sc_actual *a);

/* Copies src (NULL for "") into dst (n bytes, truncating) as a record string
 * may hold it: every quote, backtick, backslash or control character becomes
 * '_', so that it survives both writers of SystemComment — sacctmgr, which
 * turns quotes into backticks, and slurmdbd, which puts the text into its SQL
 * unescaped. */
void sc_record_clean(char *dst, size_t n, const char *src);

/* Rounds x to a multiple of q (for record numbers). */
double sc_round(double x, double q);

#endif
