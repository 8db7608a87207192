/* slurm-carbon: carbon.conf — the site's configuration.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Slurm's own syntax: `Key=Value` pairs separated by blanks, keys
 * case-insensitive, `#` starts a comment, one record per line; values may be
 * double-quoted. Global keys stand alone; `ZoneName=`, `PartitionName=` and
 * `BudgetName=` start records whose other keys follow on the same line. Strict: unknown
 * keys, bad values, duplicate keys, duplicate records, dangling references
 * (a partition's Zone, its Alternatives) are errors, each reported as
 * "<file>:<line>: <what was wrong>; <what is accepted>", all in one pass.
 * The reference is doc/carbon.conf.5 and etc/carbon.conf.example.
 *
 * Details the parser enforces:
 *  - a global key may be given once in the whole file, a record's key once
 *    per record; a second ZoneName or PartitionName record of the same name
 *    is an error naming the line of the first;
 *  - `ZoneName=DEFAULT` / `PartitionName=DEFAULT` lines set defaults for
 *    the records of that kind that follow (later DEFAULT lines override
 *    earlier ones key by key); a zone default that does not apply to a
 *    zone's provider is not inherited by that zone;
 *  - relative Path=, TokenFile= and StateDir= are resolved against the
 *    directory of the file's name (a name without '/': left relative);
 *  - abuse limits: the text is at most SC_CONF_MAX_SIZE bytes, a line at
 *    most SC_CONF_MAX_LINE bytes, at most SC_CONF_MAX_RECORDS records,
 *    names at most SC_CONF_MAX_NAME bytes; after SC_CONF_MAX_ERRORS errors
 *    the parser stops and says so;
 *  - an unknown key's message suggests the closest known key ("did you
 *    mean MaxDelay?") for the first SC_CONF_MAX_HINTS unknown keys only
 *    (the later ones are reported without a hint).
 */
#ifndef SC_CONFIG_CONF_H
#define SC_CONFIG_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "budget/budget.h"
#include "forecast/zone.h"
#include "policy/decide.h"
#include "base/error.h"
#include "policy/request.h"

#define SC_CONF_MAX_SIZE (16u << 20)
#define SC_CONF_MAX_LINE 65536
#define SC_CONF_MAX_RECORDS 4096
#define SC_CONF_MAX_NAME 64
#define SC_CONF_MAX_ERRORS 200
#define SC_CONF_MAX_HINTS 16

/* part_cap_slurm's bits. */
#define SC_CAP_CORES_SLURM 1
#define SC_CAP_GPUS_SLURM 2

struct sc_conf {
	char *path;                 /* the file it was read from (or the name given) */

	/* Global keys (defaults in brackets). */
	enum sc_mode mode;          /* Mode=enforce|advise|off [advise] */
	char *state_dir;            /* StateDir= [/var/lib/slurm-carbon] */
	int allow_opt_out;          /* AllowOptOut=yes|no [yes] */
	int plan_interactive;       /* PlanInteractive=yes|no [no]: whether salloc/srun jobs (no
				     * batch script) are planned; no leaves them alone */
	int allow_mixed_signals;    /* AllowMixedSignals=yes|no [no] */
	int64_t reload_interval;    /* ReloadInterval=<duration> [00:00:10 is "0:10"]: how often the
				     * plugin checks the forecast files for changes */
	int64_t sync_interval;      /* SyncInterval=<seconds> [60], 0..86400: how often the plugin
				     * reads slurmctld's partitions and jobs into its planned-load
				     * ledger (README, "Capacity"); 0: never */
	int archive_days;           /* ArchiveDays=<n> [35]: days of fetched intensity kept in
				     * StateDir/archive for the reconciler (1..3650) */
	int estimates_learned;      /* Estimates=configured|learned [configured]: whether jobs are
				     * priced on StateDir/estimates.json (scarbon learn) where it
				     * has an entry, falling back to the carbon.conf figures */
	int64_t estimates_max_age;  /* EstimatesMaxAge=<duration> [7-00:00:00], at least 1 hour: an
				     * older estimates.json is refused (stale) */
	char **exempt_users;        /* ExemptUsers=a,b [] */
	size_t n_exempt_users;
	char **exempt_accounts;     /* ExemptAccounts=a,b [] */
	size_t n_exempt_accounts;
	char **exempt_qos;          /* ExemptQOS=a,b [] */
	size_t n_exempt_qos;
	int line_mode;              /* line of Mode= (0: default), for messages */

	/* ZoneName records, in file order. */
	struct sc_zone_spec *zones;
	size_t n_zones;

	/* PartitionName records, in file order; site.parts points here. */
	struct sc_partition *parts;
	struct sc_part_defaults *part_defaults; /* n_parts entries */
	int *part_lines;                        /* n_parts line numbers */
	uint32_t *part_cores, *part_gpus;       /* n_parts: Cores=, GPUs= (the capacity the
						 * plugin plans against, README "Capacity");
						 * 0: not set or, with part_cap_slurm,
						 * not yet known */
	unsigned char *part_cap_slurm;          /* n_parts: SC_CAP_CORES_SLURM (Cores=slurm),
						 * SC_CAP_GPUS_SLURM (GPUs=slurm): the plugin
						 * fills part_cores/part_gpus from slurmctld */
	size_t n_parts;
	int default_part;           /* the partition marked Default=yes, else the first; -1 if none */

	/* The engine's view of the site: parts, zone names and the policy
	 * parameters MaxDelay [8:00:00], MinSavings [0%], RuntimeRatio [1.0],
	 * Reroute [yes], NearBest [0%]; site.zone_error holds each zone's
	 * ForecastError. */
	struct sc_site site;

	/* Storage the views above point into (owned). */
	char **zone_names;          /* n_zones pointers to zones[i].name */
	double *zone_error;         /* n_zones: zones[i].forecast_error_pct; site.zone_error points here */
	char **part_names;          /* n_parts names; parts[i].name points here */
	size_t *alt_store;          /* every partition's Alternatives, parts[i].alt points here */

	/* BudgetName records, in file order (budget/budget.h). */
	struct sc_budget *budgets;
	size_t n_budgets;
};

/* Parses text (len bytes, need not be NUL-terminated; NULL only with len 0)
 * named `name` in messages and used to resolve relative paths (NULL:
 * "carbon.conf"). Returns a new config, or NULL when anything was wrong, with
 * every error appended to diag (optional). Caller frees with
 * sc_conf_destroy. */
struct sc_conf *sc_conf_parse(const char *text, size_t len, const char *name, struct sc_diag *diag);

/* Reads and parses the file at path (errors as above, plus
 * "<path>: cannot read: <reason>"). */
struct sc_conf *sc_conf_load(const char *path, struct sc_diag *diag);

/* NULL is a no-op. */
void sc_conf_destroy(struct sc_conf *conf);

/* Where carbon.conf is: $SLURM_CARBON_CONF if set and non-empty, else
 * carbon.conf in the directory of slurm_conf_path (NULL: $SLURM_CONF, else
 * /etc/slurm/slurm.conf). Returns a malloc'd path (caller frees), NULL when
 * out of memory. */
char *sc_conf_locate(const char *slurm_conf_path);

/* Whether user, account or QOS (each may be NULL) is exempt. Returns NULL if
 * not, else a static description: "exempt user", "exempt account" or
 * "exempt QOS". User names compare exactly; account and QOS names
 * case-insensitively, as Slurm stores them in lower case. */
const char *sc_conf_exempt(const struct sc_conf *conf, const char *user, const char *account,
			   const char *qos);

/* Index of the zone called name, or -1. */
int sc_conf_find_zone(const struct sc_conf *conf, const char *name);

#endif
