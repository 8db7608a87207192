/* slurm-carbon: a job's actual emissions, and the two accounting records a
 * report reads back — the submit-time estimate in AdminComment
 * ({"carbon":{...}}) and the reconciled figure in SystemComment
 * ({"carbon_actual":{...}}).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure: no I/O, no clock. The intensities are looked up by the caller
 * (acct/intensity.h) and passed in.
 *
 * The actual figure (`scarbon reconcile`):
 *  - energy: the job's ConsumedEnergyRaw when Slurm measured it and it is
 *    plausible (positive; mean power at most SC_ACTUAL_MAX_NODE_W per node;
 *    within a factor SC_ACTUAL_MODEL_FACTOR of the partition's model when the
 *    model gives a figure — Slurm's figure is the node's, real only for
 *    whole-node jobs), else the partition's power model on the allocated
 *    TRES (cpu, gres/gpu, mem; node) over the elapsed time;
 *  - intensity: the mean actual intensity of the zone over [Start, End] (the
 *    refresher's archive), else the forecast that was current at Start,
 *    else the estimate's ci (when the job ran in the zone it was planned
 *    for), else the zone's static value;
 *  - gCO2e = kWh × PUE × intensity.
 *
 * The stored forms of SystemComment: scarbon writes it through libslurm's
 * accounting API (acct/slurmdb.h), which stores the contract's plain JSON,
 * {"carbon_actual":{...}}. Earlier versions, and the sacctmgr fallback
 * (acct/writer.h), wrote it through sacctmgr, whose strip_quotes() turns
 * every '"' and '\'' into '`' on every Slurm release (22.05 also lower-cases
 * the text): {`carbon_actual`:{`v`:1,...}}. sc_acct_comment_get reads both;
 * sc_acct_comment_encode produces either; sc_acct_comment_same tells whether
 * a stored comment, in either form, already says what a new one says.
 */
#ifndef SC_ACCT_ACTUAL_H
#define SC_ACCT_ACTUAL_H

#include <jansson.h>
#include <stdint.h>

#include "acct/sacct.h"
#include "policy/energy.h"
#include "base/error.h"

#define SC_ACTUAL_KEY "carbon_actual"
#define SC_ESTIMATE_KEY "carbon"
#define SC_ACTUAL_MAX_NODE_W 10000.0
#define SC_ACTUAL_MODEL_FACTOR 10.0

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
	int present;          /* an object under "carbon" was found */
	char decision[16];    /* "run", "delay", ...; "" when absent */
	char partition[64];
	char zone[64];
	int applied;          /* 0 only when the record says "applied":false */
	int64_t start;        /* 0 when absent */
	int64_t delay_s;      /* -1 when absent */
	double kwh, pue, ci, gco2e, baseline_gco2e;
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
	int64_t start, end, elapsed;
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

/* The partition the job ran in, as carbon.conf describes it (borrowed). */
struct sc_actual_model {
	const char *partition;
	const char *zone;
	double pue;
	struct sc_power power;
};

/* Intensity candidates over the job's [Start, End), gCO2e/kWh; NAN when
 * that source has nothing. */
struct sc_ci_candidates {
	double actual;    /* mean of the archive of actual intensities */
	double forecast;  /* the forecast current at Start */
	double static_v;  /* the zone's static value */
};

/* Computes job's actual emissions. est may be NULL. Returns 0 with *out, or
 * -1 with err when the job did not end, its elapsed time is unknown, it has
 * no energy figure (no measured energy and no CPU count for the model), or
 * no intensity source has a value. */
int sc_actual_compute(const struct sc_acct_job *job, const struct sc_actual_model *m,
		      const struct sc_estimate *est, const struct sc_ci_candidates *ci,
		      struct sc_actual *out, struct sc_err *err);

/* The contract's "carbon_actual" object: v, kwh, gco2e, ci, pue,
 * energy_source, ci_source, then partition, zone, start, end, elapsed_s,
 * watts, note (when set). Rounded so that the same inputs give the same
 * text, finer than the AdminComment record because small jobs add up: kWh to
 * 1e-6, g to 1e-3, g/kWh and W to 0.1, PUE to 0.01 (gco2e is computed from
 * the unrounded figures). A new reference; NULL when out of memory. */
json_t *sc_actual_record(const struct sc_actual *a);

/* The first object under key in a comment, in either stored form (quotes, or
 * the backticks sacctmgr leaves). A new reference or NULL. */
json_t *sc_acct_comment_get(const char *comment, const char *key);

/* How a comment is stored: as given (libslurm's API), or as sacctmgr stores
 * what it is given (every '"' and '\'' a '`'). */
enum sc_comment_form { SC_COMMENT_JSON = 0, SC_COMMENT_SACCTMGR };

/* The whole new comment for a job whose comment is `existing` (as sacct
 * shows it, in either form; NULL for none) once key is set to value (stolen):
 * other content is kept, and an object under key already there is replaced in
 * place, not appended again.
 *  - SC_COMMENT_JSON: plain JSON. When existing does not hold the key as
 *    JSON, what sacctmgr made of JSON is turned back into it: the whole
 *    comment when it is one JSON object in the backtick form, else the
 *    object under key in that form; other text is kept byte for byte.
 *  - SC_COMMENT_SACCTMGR: the text sacctmgr will store anyway: every '"' and
 *    '\'' of the result becomes '`'.
 * malloc'd (caller frees); NULL when out of memory or value is NULL. */
char *sc_acct_comment_encode(const char *existing, const char *key, json_t *value,
			     enum sc_comment_form form);

/* Whether the stored comment (as sacct shows it; NULL counts as "") already
 * says what value (a comment from sc_acct_comment_encode; NULL counts as "")
 * says: the same text, or, when stored holds no '"' (sacctmgr's form), the
 * text sacctmgr makes of value — each '"' or '\'' of value a '`' in stored,
 * letters in either case. So a record written in either form with the same
 * figures is not written again. */
int sc_acct_comment_same(const char *value, const char *stored);

#endif
