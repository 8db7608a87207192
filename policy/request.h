/* slurm-carbon: from what a job asks for to the engine's request.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One translation shared by job_submit/carbon (from job_desc_msg_t) and
 * `scarbon plan` (from sbatch-like options), so that both price a job the
 * same way. Pure.
 */
#ifndef SC_POLICY_REQUEST_H
#define SC_POLICY_REQUEST_H

#include <stdint.h>

#include "policy/decide.h"
#include "base/error.h"

/* A job's request as Slurm carries it; 0 / NULL means "not given". */
struct sc_job_fields {
	const char *partition;     /* comma-separated list; NULL: the default partition */
	uint32_t nodes;            /* minimum node count */
	uint32_t ntasks;
	uint32_t cpus_per_task;
	uint32_t ntasks_per_node;
	uint32_t min_cpus;         /* total CPUs, when larger than tasks × cpus per task */
	uint64_t mem_per_node_mb;  /* --mem */
	uint64_t mem_per_cpu_mb;   /* --mem-per-cpu */
	uint64_t gpus_per_job;     /* --gpus */
	uint64_t gpus_per_node;    /* --gres=gpu:N, --gpus-per-node */
	uint64_t gpus_per_task;    /* --gpus-per-task */
	int64_t time_limit;        /* seconds; 0: not given */
	int time_unlimited;        /* the limit is UNLIMITED (time_limit 0): the job is priced at
				    * its partition's DefaultTime, and its record says so */
	int64_t begin;             /* epoch */
	int64_t deadline;          /* epoch */
	/* The user's carbon options, as typed (validated here). */
	const char *budget;        /* --carbon-budget */
	const char *max_delay;     /* --carbon-max-delay */
	const char *policy;        /* --carbon-policy: "none" opts out, "auto" is the default */
	int interactive;           /* no batch script: an salloc or srun allocation */
	const char *name;          /* the job name (learned estimates); NULL: unknown */
};

/* Per-partition fallbacks the request may need (from carbon.conf). */
struct sc_part_defaults {
	uint64_t def_mem_per_cpu_mb; /* memory per CPU when the job gives none; 0: none */
};

/* Index of the partition called name (exact, case-sensitive as in Slurm),
 * or -1. */
int sc_site_find(const struct sc_site *site, const char *name);

/* Outcome of sc_request_build. */
enum sc_build {
	SC_BUILD_OK = 0,      /* *req is ready for sc_decide */
	SC_BUILD_UNMANAGED,   /* leave the job alone: a partition carbon.conf does not manage (why says which) */
	SC_BUILD_OPT_OUT,     /* the user opted out and the site allows it */
	SC_BUILD_INVALID = -1 /* a user option is invalid: why says what and what is accepted */
};

/* Builds *req from f. default_part: index of the partition used when
 * f->partition is NULL or empty (-1: none managed, so such jobs are
 * unmanaged). defaults: n_parts entries (may be NULL). allow_opt_out: whether
 * --carbon-policy=none is honoured (otherwise it is an error).
 * why (optional) receives the reason for anything but SC_BUILD_OK. */
enum sc_build sc_request_build(const struct sc_site *site, const struct sc_part_defaults *defaults,
			       int default_part, int allow_opt_out, const struct sc_job_fields *f,
			       struct sc_request *req, struct sc_err *why);

/* Validators for the user's options, shared with the SPANK plugin. */
int sc_option_budget(const char *s, double *grams, struct sc_err *err);
int sc_option_max_delay(const char *s, int64_t *secs, struct sc_err *err);
/* Sets *opt_out to 1 for "none", 0 for "auto". */
int sc_option_policy(const char *s, int *opt_out, struct sc_err *err);

#endif
