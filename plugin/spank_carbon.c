/* slurm-carbon: spank/carbon — the users' options.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   --carbon-budget=AMOUNT       a hard cap on the job's estimated emissions
 *   --carbon-max-delay=DURATION  the longest carbon delay the user accepts
 *   --carbon-policy=none|auto    none: opt out, where carbon.conf allows it
 *
 * In sbatch and salloc (allocator context) and srun (local context), from the
 * command line, #SBATCH lines or SLURM_SPANK__SLURM_SPANK_OPTION_carbon_<opt>
 * variables: each value is checked with the parser job_submit/carbon uses
 * (a bad one stops the command with a message saying what is accepted), then
 * passed to slurmctld as CARBON_BUDGET, CARBON_MAX_DELAY, CARBON_POLICY in
 * the job's spank_job_env, where job_submit/carbon validates it again. In
 * every other context (slurmstepd, slurmd, prolog/epilog) the plugin does
 * nothing and never fails: an error there would fail jobs or drain nodes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/spank.h>

#include "plugin/jobdesc.h"
#include "policy/request.h"

SPANK_PLUGIN(carbon, 1);

int slurm_spank_init(spank_t sp, int ac, char **av);
int slurm_spank_init_post_opt(spank_t sp, int ac, char **av);
int slurm_spank_exit(spank_t sp, int ac, char **av);

enum { OPT_BUDGET, OPT_MAX_DELAY, OPT_POLICY, N_OPTS };

/* The values given, until slurm_spank_init_post_opt passes them on. */
static char *given[N_OPTS];
static const char *const env_names[N_OPTS] = { SC_ENV_BUDGET, SC_ENV_MAX_DELAY, SC_ENV_POLICY };

static int check(int val, const char *arg)
{
	struct sc_err err = { "" };
	double grams;
	int64_t secs;
	int opt_out;
	int rc = -1;

	switch (val) {
	case OPT_BUDGET:
		rc = sc_option_budget(arg, &grams, &err);
		break;
	case OPT_MAX_DELAY:
		rc = sc_option_max_delay(arg, &secs, &err);
		break;
	case OPT_POLICY:
		rc = sc_option_policy(arg, &opt_out, &err);
		break;
	}
	if (rc < 0) {
		slurm_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int option_cb(int val, const char *arg, int remote)
{
	char *copy;

	if (remote || val < 0 || val >= N_OPTS)
		return 0;
	if (check(val, arg) < 0)
		return -1;
	copy = strdup(arg);
	if (!copy) {
		slurm_error("carbon: out of memory");
		return -1;
	}
	free(given[val]);
	given[val] = copy;
	return 0;
}

static struct spank_option options[N_OPTS] = {
	{ "carbon-budget", "AMOUNT",
	  "Cap on the job's estimated emissions: 500g, 2kg, 1.5t (a bare number is grams CO2e). "
	  "The job is delayed or rerouted to fit, or rejected with the best achievable figure.",
	  1, OPT_BUDGET, option_cb },
	{ "carbon-max-delay", "DURATION",
	  "Longest delay to a greener window you accept (mm, hh:mm:ss, d-hh, ...; 0: none). "
	  "Can only shorten the site's MaxDelay.",
	  1, OPT_MAX_DELAY, option_cb },
	{ "carbon-policy", "none|auto",
	  "none: leave this job out of carbon-aware scheduling (where the site allows it); "
	  "auto: the default.",
	  1, OPT_POLICY, option_cb },
};

static int client_side(void)
{
	spank_context_t ctx = spank_context();

	return ctx == S_CTX_ALLOCATOR || ctx == S_CTX_LOCAL;
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (!client_side())
		return 0;
	for (int i = 0; i < N_OPTS; i++) {
		spank_err_t rc = spank_option_register(sp, &options[i]);
		if (rc != ESPANK_SUCCESS)
			slurm_error("carbon: cannot register --%s: %s", options[i].name, spank_strerror(rc));
	}
	return 0;
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (!client_side())
		return 0;
	for (int i = 0; i < N_OPTS; i++) {
		spank_err_t rc;

		if (!given[i])
			continue;
		rc = spank_job_control_setenv(sp, env_names[i], given[i], 1);
		if (rc != ESPANK_SUCCESS) {
			/* Submitting without an option the user gave would
			 * silently drop their budget: refuse instead. */
			slurm_error("carbon: cannot pass --%s to the job: %s", options[i].name,
				    spank_strerror(rc));
			return -1;
		}
	}
	return 0;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	(void)sp;
	(void)ac;
	(void)av;
	for (int i = 0; i < N_OPTS; i++) {
		free(given[i]);
		given[i] = NULL;
	}
	return 0;
}
