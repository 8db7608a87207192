/* slurm-carbon: libFuzzer target for the SPANK values as job_submit/carbon
 * finds them in a job's spank_job_env (any user can put anything there
 * through the API): the input is the environment, one entry per line. It
 * runs what the plugin runs on it, the pure functions of plugin/jobdesc.c
 * and policy/request.c: sc_env_get for CARBON_BUDGET, CARBON_MAX_DELAY and
 * CARBON_POLICY, their validators (sc_option_*), sc_request_build with them,
 * sc_hold_find on SPANK_CARBON_NOT_BEFORE, and sc_env_set / sc_env_unset of
 * the carbon hold. Asserts: a value found is the text after `NAME=` of the
 * last such entry; a valid budget is finite and >= 0, a valid delay within
 * 0..365 days, a policy none or auto; the request built keeps its promises
 * (an invalid option is SC_BUILD_INVALID with a printable reason); a hold
 * found is within SC_HOLD_MIN..SC_HOLD_MAX and prints back the same; after
 * sc_env_set exactly one entry of the name holds the value and the array is
 * NULL-terminated; after sc_env_unset none is left. Nothing leaks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "plugin/jobdesc.h"
#include "policy/request.h"
#include "tests/fuzz/fuzz_util.h"

#define MAX_ENTRIES 64

static const struct sc_alloc alloc = { calloc, free };

/* The input split at '\n' into a NULL-terminated array of strdup'd entries. */
static char **split(const uint8_t *data, size_t size, uint32_t *n)
{
	char **env = calloc(MAX_ENTRIES + 1, sizeof(*env));
	size_t i = 0;

	if (!env)
		abort();
	*n = 0;
	while (i < size && *n < MAX_ENTRIES) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;

		env[(*n)++] = fuzz_cstr(data + i, len);
		i += len + 1;
	}
	return env;
}

/* Checks sc_env_get's answer against a scan of its own. */
static const char *get(char **env, uint32_t n, const char *name)
{
	const char *v = sc_env_get(env, n, name), *want = NULL;
	size_t len = strlen(name);

	for (uint32_t i = 0; i < n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			want = env[i] + len + 1;
	if (v != want)
		abort();
	return v;
}

static void options(char **env, uint32_t n)
{
	const char *budget = get(env, n, SC_ENV_BUDGET), *delay = get(env, n, SC_ENV_MAX_DELAY);
	const char *policy = get(env, n, SC_ENV_POLICY);
	struct sc_err err = { "" };
	double g;
	int64_t secs;
	int opt_out = -1;

	if (budget && sc_option_budget(budget, &g, &err) == 0 && !(isfinite(g) && g >= 0))
		abort();
	if (budget && err.msg[0])
		fuzz_check_err(&err);
	err.msg[0] = '\0';
	if (delay && sc_option_max_delay(delay, &secs, &err) == 0 && (secs < 0 || secs > 365 * 86400))
		abort();
	if (delay && err.msg[0])
		fuzz_check_err(&err);
	err.msg[0] = '\0';
	if (policy && sc_option_policy(policy, &opt_out, &err) == 0 && opt_out != 0 && opt_out != 1)
		abort();
	if (policy && err.msg[0])
		fuzz_check_err(&err);
}

static void request(char **env, uint32_t n)
{
	static const struct sc_partition part = { .name = "cpu", .pue = 1.2, .default_time = 3600 };
	static const char *const zones[] = { "GB" };
	struct sc_site site = { .parts = &part, .n_parts = 1, .zones = zones, .n_zones = 1 };
	struct sc_part_defaults def = { 0 };
	struct sc_job_fields f = { .ntasks = 4, .time_limit = 3600 };
	struct sc_request req;
	struct sc_err why = { "" };
	enum sc_build b;

	f.budget = sc_env_get(env, n, SC_ENV_BUDGET);
	f.max_delay = sc_env_get(env, n, SC_ENV_MAX_DELAY);
	f.policy = sc_env_get(env, n, SC_ENV_POLICY);
	site.params.max_delay = 8 * 3600;
	site.params.runtime_ratio = 1;
	b = sc_request_build(&site, &def, 0, 1, &f, &req, &why);
	if (b != SC_BUILD_OK) {
		if (b != SC_BUILD_INVALID && b != SC_BUILD_OPT_OUT && b != SC_BUILD_UNMANAGED)
			abort();
		fuzz_check_err(&why);
	} else if (req.n_parts != 1 || req.parts[0] != 0 || req.max_delay < -1 ||
		   !(req.budget_g == -1 || (isfinite(req.budget_g) && req.budget_g >= 0))) {
		abort();
	}
}

static void hold(char ***env, uint32_t *n)
{
	static const char name[] = "SPANK_" SC_ENV_NOT_BEFORE;
	char buf[32];
	int64_t t = 0;
	int r = sc_hold_find(*env, &t);

	if (r < -1 || r > 1 || (r == 1 && (t < SC_HOLD_MIN || t > SC_HOLD_MAX)))
		abort();
	if (r == 1) {
		snprintf(buf, sizeof(buf), "%" PRId64, t);
		if (strcmp(buf, get(*env, *n, name)) != 0)
			abort();
	}
	if (sc_env_set(env, n, SC_ENV_NOT_BEFORE, "1700000000", &alloc) < 0 || (*env)[*n])
		abort();
	if (strcmp(get(*env, *n, SC_ENV_NOT_BEFORE), "1700000000") != 0)
		abort();
	if (sc_env_unset(*env, n, SC_ENV_NOT_BEFORE, &alloc) != 1 || (*env)[*n] ||
	    sc_env_get(*env, *n, SC_ENV_NOT_BEFORE))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t n;
	char **env = split(data, size, &n);

	options(env, n);
	request(env, n);
	hold(&env, &n);
	for (uint32_t i = 0; i < n; i++)
		free(env[i]);
	free(env);
	return 0;
}
