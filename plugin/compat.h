/* slurm-carbon: what differs between the Slurm releases the plugins and their test helper
 * build against (22.05 through 26.05), in one place. configure decides each difference from
 * the headers themselves (a type, a member) wherever they can tell, and prints its choices;
 * this header turns them into one spelling for the rest of the code.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   difference                                  releases        decided by
 *   List typedef gone, list_t instead           24.11 and later HAVE_LIST_T (type check)
 *   job_desc_msg_t.job_id -> step_id.job_id     25.11 and later HAVE_JOB_DESC_MSG_T_JOB_ID
 *   submit_response_msg_t.job_id -> step_id     25.11 and later HAVE_SUBMIT_RESPONSE_MSG_T_JOB_ID
 *   job_modify(..., char **err_msg)             23.02 and later SC_JOB_MODIFY_ERR_MSG (version:
 *                                                               no public header declares it)
 *
 * Include after config.h.
 */
#ifndef SC_PLUGIN_COMPAT_H
#define SC_PLUGIN_COMPAT_H

#include <stdint.h>
#include <stdio.h>

#include <slurm/slurm.h>

/* A Slurm list handle (opaque; Slurm's list functions take it). */
#ifdef HAVE_LIST_T
typedef list_t *sc_slurm_list_t;
#else
typedef List sc_slurm_list_t;
#endif

/* The job id a job_desc_msg_t carries (0 or NO_VAL when it names none). */
#ifdef HAVE_JOB_DESC_MSG_T_JOB_ID
#define SC_JOB_DESC_JOB_ID(jd) ((jd)->job_id)
#else
#define SC_JOB_DESC_JOB_ID(jd) ((jd)->step_id.job_id)
#endif

/* The job id of a submit_response_msg_t. */
#ifdef HAVE_SUBMIT_RESPONSE_MSG_T_JOB_ID
#define SC_SUBMIT_RESPONSE_JOB_ID(r) ((r)->job_id)
#else
#define SC_SUBMIT_RESPONSE_JOB_ID(r) ((r)->step_id.job_id)
#endif

/* job_modify's parameter list as this release's slurmctld calls it. Where it has no
 * err_msg, SC_JOB_MODIFY_ERR_MSG_ARG is a NULL the code can pass on. */
#ifdef SC_JOB_MODIFY_ERR_MSG
#define SC_JOB_MODIFY_PARAMS \
	job_desc_msg_t *job_desc, job_record_t *job_ptr, uint32_t submit_uid, char **err_msg
#define SC_JOB_MODIFY_ERR_MSG_ARG err_msg
#else
#define SC_JOB_MODIFY_PARAMS job_desc_msg_t *job_desc, job_record_t *job_ptr, uint32_t submit_uid
#define SC_JOB_MODIFY_ERR_MSG_ARG ((char **)NULL)
#endif

#endif
