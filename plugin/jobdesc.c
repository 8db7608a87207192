/* slurm-carbon: from job_desc_msg_t to sc_job_fields; spank_job_env entries.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "plugin/jobdesc.h"
#include "base/units.h"

static int entry_is(const char *entry, const char *name, size_t len)
{
	return entry && strncmp(entry, name, len) == 0 && entry[len] == '=';
}

const char *sc_env_get(char *const *env, size_t n, const char *name)
{
	size_t len = strlen(name);
	const char *v = NULL;

	for (size_t i = 0; env && i < n; i++)
		if (entry_is(env[i], name, len))
			v = env[i] + len + 1;
	return v;
}

size_t sc_env_unset(char **env, uint32_t *n, const char *name, const struct sc_alloc *a)
{
	size_t len = strlen(name), removed = 0;
	uint32_t j = 0;

	if (!env)
		return 0;
	for (uint32_t i = 0; i < *n; i++) {
		if (entry_is(env[i], name, len)) {
			a->free(env[i]);
			removed++;
		} else {
			env[j++] = env[i];
		}
	}
	if (removed) {
		env[j] = NULL;
		*n = j;
	}
	return removed;
}

int sc_env_set(char ***env, uint32_t *n, const char *name, const char *value,
	       const struct sc_alloc *a)
{
	size_t len = strlen(name) + 1 + strlen(value) + 1;
	char **grown = NULL, *entry = NULL;

	sc_env_unset(*env, n, name, a);
	if (*n > UINT32_MAX - 2)
		return -1;
	grown = a->calloc((size_t)*n + 2, sizeof(*grown));
	entry = a->calloc(len, 1);
	if (!grown || !entry)
		goto error;
	snprintf(entry, len, "%s=%s", name, value);
	if (*n)
		memcpy(grown, *env, (size_t)*n * sizeof(*grown));
	grown[*n] = entry;
	grown[*n + 1] = NULL;
	a->free(*env);
	*env = grown;
	(*n)++;
	return 0;
error:
	a->free(grown);
	a->free(entry);
	return -1;
}

int sc_hold_parse(const char *s, int64_t *t)
{
	int64_t v = 0;
	size_t i;

	if (!s)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || v < SC_HOLD_MIN || v > SC_HOLD_MAX)
		return -1;
	*t = v;
	return 0;
}

int sc_hold_find(char *const *env, int64_t *t)
{
	static const char name[] = "SPANK_" SC_ENV_NOT_BEFORE;
	const char *v = NULL;
	size_t n = 0;

	while (env && env[n])
		n++;
	v = sc_env_get(env, n, name);
	if (!v)
		return 0;
	return sc_hold_parse(v, t) < 0 ? -1 : 1;
}

void sc_hold_refusal_message(const char *id, const char *want, const char *hold, char *buf,
			     size_t n)
{
	if (!n)
		return;
	snprintf(buf, n,
		 "carbon: job %s keeps its carbon hold: it was delayed to a greener window and may "
		 "not start before %s (asked: %s); a later start is allowed, an earlier one only by "
		 "an operator (root, SlurmUser or an accounting operator/administrator)",
		 id, hold, want);
}

static uint32_t u32(uint32_t v)
{
	return v == NO_VAL || v == INFINITE ? 0 : v;
}

static uint32_t u16(uint16_t v)
{
	return v == NO_VAL16 || v == INFINITE16 ? 0 : v;
}

static int gpus(const char *tres, const char *what, uint64_t *out, struct sc_err *why)
{
	if (sc_parse_gpus(tres, out, why) < 0)
		return sc_err_prefix(why, "cannot read the job's GPU request (%s): ", what);
	return 0;
}

int sc_jobdesc_fields(const job_desc_msg_t *jd, struct sc_job_fields *f, struct sc_err *why)
{
	uint64_t per_socket = 0, mem = jd->pn_min_memory;
	uint32_t tl = jd->time_limit, pn_cpus = u16(jd->pn_min_cpus);

	memset(f, 0, sizeof(*f));
	f->partition = jd->partition;
	f->nodes = u32(jd->min_nodes);
	f->ntasks = u32(jd->num_tasks);
	f->cpus_per_task = u16(jd->cpus_per_task);
	f->ntasks_per_node = u16(jd->ntasks_per_node);
	f->min_cpus = u32(jd->min_cpus);
	if (pn_cpus && (uint64_t)pn_cpus * (f->nodes ? f->nodes : 1) > f->min_cpus) {
		uint64_t c = (uint64_t)pn_cpus * (f->nodes ? f->nodes : 1);
		f->min_cpus = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	}
	if (mem != NO_VAL64 && mem != INFINITE64) {
		if (mem & MEM_PER_CPU)
			f->mem_per_cpu_mb = mem & ~MEM_PER_CPU;
		else
			f->mem_per_node_mb = mem;
	}
	if (gpus(jd->tres_per_job, "tres_per_job", &f->gpus_per_job, why) < 0 ||
	    gpus(jd->tres_per_node, "tres_per_node", &f->gpus_per_node, why) < 0 ||
	    gpus(jd->tres_per_task, "tres_per_task", &f->gpus_per_task, why) < 0 ||
	    gpus(jd->tres_per_socket, "tres_per_socket", &per_socket, why) < 0)
		return -1;
	f->gpus_per_node += per_socket;
	f->time_limit = tl == NO_VAL || tl == INFINITE ? 0 : (int64_t)tl * 60;
	f->time_unlimited = tl == INFINITE;
	f->begin = jd->begin_time > 0 ? (int64_t)jd->begin_time : 0;
	f->deadline = jd->deadline > 0 && jd->deadline != (time_t)NO_VAL ? (int64_t)jd->deadline : 0;
	f->budget = sc_env_get(jd->spank_job_env, jd->spank_job_env_size, SC_ENV_BUDGET);
	f->max_delay = sc_env_get(jd->spank_job_env, jd->spank_job_env_size, SC_ENV_MAX_DELAY);
	f->policy = sc_env_get(jd->spank_job_env, jd->spank_job_env_size, SC_ENV_POLICY);
	/* sbatch (also --wrap) sends a script; salloc and srun allocations don't. */
	f->interactive = jd->script == NULL;
	/* sbatch's default is the script's file name; --wrap's "wrap". */
	f->name = jd->name;
	return 0;
}
