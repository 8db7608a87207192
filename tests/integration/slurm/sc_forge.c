/* slurm-carbon: submits a batch job with spank_job_env entries of the caller's choosing —
 * what any user can do through Slurm's C API, so that the integration suite can check that
 * job_submit/carbon trusts none of them.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Usage: sc_forge PARTITION MINUTES BEGIN NAME=VALUE...
 *   BEGIN: seconds from now for --begin (0: none). Prints the job id on stdout and the
 *   message job_submit plugins returned on stderr; exits 1 when the submission fails.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

#include "plugin/compat.h"

int main(int argc, char **argv)
{
	job_desc_msg_t jd;
	submit_response_msg_t *resp = NULL;
	char *env[] = { "PATH=/usr/bin:/bin", NULL };
	long begin;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: %s PARTITION MINUTES BEGIN NAME=VALUE...\n", argv[0]);
		return 2;
	}
	slurm_init(NULL);
	slurm_init_job_desc_msg(&jd);
	jd.name = "sc_forge";
	jd.partition = argv[1];
	jd.time_limit = (uint32_t)strtoul(argv[2], NULL, 10);
	begin = strtol(argv[3], NULL, 10);
	if (begin > 0)
		jd.begin_time = time(NULL) + begin;
	jd.script = "#!/bin/sh\nsleep 1\n";
	jd.std_out = "/dev/null";
	jd.std_err = "/dev/null";
	jd.work_dir = "/tmp";
	jd.user_id = getuid();
	jd.group_id = getgid();
	jd.min_nodes = 1;
	jd.environment = env;
	jd.env_size = 1;
	jd.spank_job_env = argv + 4;
	jd.spank_job_env_size = (uint32_t)(argc - 4);

	rc = slurm_submit_batch_job(&jd, &resp);
	if (resp && resp->job_submit_user_msg)
		fprintf(stderr, "%s\n", resp->job_submit_user_msg);
	if (rc != SLURM_SUCCESS) {
		fprintf(stderr, "sc_forge: submission failed: %s\n", slurm_strerror(errno));
		slurm_free_submit_response_response_msg(resp);
		return 1;
	}
	printf("%u\n", SC_SUBMIT_RESPONSE_JOB_ID(resp));
	slurm_free_submit_response_response_msg(resp);
	return 0;
}
