/* slurm-carbon: from what a job asks for to the engine's request.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "policy/request.h"
#include "base/units.h"

int sc_site_find(const struct sc_site *site, const char *name)
{
	for (size_t i = 0; i < site->n_parts; i++)
		if (strcmp(site->parts[i].name, name) == 0)
			return (int)i;
	return -1;
}

int sc_option_budget(const char *s, double *grams, struct sc_err *err)
{
	if (sc_parse_carbon(s, grams, err) < 0)
		return sc_err_prefix(err, "--carbon-budget: ");
	return 0;
}

int sc_option_max_delay(const char *s, int64_t *secs, struct sc_err *err)
{
	if (sc_parse_duration(s, 0, secs, err) < 0)
		return sc_err_prefix(err, "--carbon-max-delay: ");
	return 0;
}

int sc_option_policy(const char *s, int *opt_out, struct sc_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 4 && strncasecmp(s, "none", 4) == 0) {
		*opt_out = 1;
		return 0;
	}
	if (n == 4 && strncasecmp(s, "auto", 4) == 0) {
		*opt_out = 0;
		return 0;
	}
	return sc_err_set(err, "--carbon-policy: invalid value '%s': expected none (opt out, where the site allows it) or auto",
			  SC_PRINTABLE(s));
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

enum sc_build sc_request_build(const struct sc_site *site, const struct sc_part_defaults *defaults,
			       int default_part, int allow_opt_out, const struct sc_job_fields *f,
			       struct sc_request *req, struct sc_err *why)
{
	uint64_t nodes, tasks, cpt, cores, mem_mb, gpus;

	memset(req, 0, sizeof(*req));
	req->budget_g = -1;
	req->max_delay = -1;

	if (f->policy && *f->policy) {
		int opt_out;
		if (sc_option_policy(f->policy, &opt_out, why) < 0)
			return SC_BUILD_INVALID;
		if (opt_out) {
			if (!allow_opt_out) {
				sc_err_set(why, "--carbon-policy=none: this site does not allow opting out (AllowOptOut=no in carbon.conf)");
				return SC_BUILD_INVALID;
			}
			sc_err_set(why, "the user opted out with --carbon-policy=none");
			return SC_BUILD_OPT_OUT;
		}
	}
	if (f->budget && *f->budget && sc_option_budget(f->budget, &req->budget_g, why) < 0)
		return SC_BUILD_INVALID;
	if (f->max_delay && *f->max_delay && sc_option_max_delay(f->max_delay, &req->max_delay, why) < 0)
		return SC_BUILD_INVALID;

	if (!f->partition || !*f->partition) {
		if (default_part < 0 || (size_t)default_part >= site->n_parts) {
			sc_err_set(why, "the job names no partition and carbon.conf marks no default partition");
			return SC_BUILD_UNMANAGED;
		}
		req->parts[0] = (size_t)default_part;
		req->n_parts = 1;
	} else {
		const char *p = f->partition;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			char name[128];
			int idx;

			if (len) {
				if (len >= sizeof(name)) {
					sc_err_set(why, "partition name too long");
					return SC_BUILD_UNMANAGED;
				}
				memcpy(name, p, len);
				name[len] = '\0';
				idx = sc_site_find(site, name);
				if (idx < 0) {
					sc_err_set(why, "partition %s is not managed by carbon.conf", name);
					return SC_BUILD_UNMANAGED;
				}
				if (req->n_parts == SC_MAX_REQ_PARTS) {
					sc_err_set(why, "more than %d partitions requested", SC_MAX_REQ_PARTS);
					return SC_BUILD_UNMANAGED;
				}
				req->parts[req->n_parts++] = (size_t)idx;
			}
			p += len + (e ? 1 : 0);
		}
		if (!req->n_parts) {
			sc_err_set(why, "the job's partition list is empty");
			return SC_BUILD_UNMANAGED;
		}
	}

	/* Slurm's defaults: one node, one task per node, one CPU per task. */
	nodes = f->nodes ? f->nodes : 1;
	if (f->ntasks)
		tasks = f->ntasks;
	else if (f->ntasks_per_node)
		tasks = sat_mul(f->ntasks_per_node, nodes);
	else
		tasks = nodes;
	if (tasks < nodes && !f->ntasks)
		tasks = nodes;
	cpt = f->cpus_per_task ? f->cpus_per_task : 1;
	cores = sat_mul(tasks, cpt);
	if (f->min_cpus > cores)
		cores = f->min_cpus;
	if (f->ntasks && f->nodes > f->ntasks)
		nodes = f->nodes; /* explicit nodes win */
	if (f->mem_per_cpu_mb)
		mem_mb = sat_mul(f->mem_per_cpu_mb, cores);
	else if (f->mem_per_node_mb)
		mem_mb = sat_mul(f->mem_per_node_mb, nodes);
	else if (defaults)
		mem_mb = sat_mul(defaults[req->parts[0]].def_mem_per_cpu_mb, cores);
	else
		mem_mb = 0;
	gpus = f->gpus_per_job;
	gpus += sat_mul(f->gpus_per_node, nodes);
	gpus += sat_mul(f->gpus_per_task, tasks);

	if (nodes > UINT32_MAX || cores > UINT32_MAX || gpus > UINT32_MAX) {
		sc_err_set(why, "the job's size is out of range");
		return SC_BUILD_INVALID;
	}
	req->shape.nodes = (uint32_t)nodes;
	req->shape.cores = (uint32_t)cores;
	req->shape.gpus = (uint32_t)gpus;
	req->shape.mem_gb = (double)mem_mb / 1024.0;
	req->time_limit = f->time_limit > 0 ? f->time_limit : 0;
	req->begin = f->begin > 0 ? f->begin : 0;
	req->deadline = f->deadline > 0 ? f->deadline : 0;
	return SC_BUILD_OK;
}
