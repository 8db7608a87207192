/* slurm-carbon: the decision, told to the user.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The sentences job_submit/carbon and `scarbon plan` show for a decision of
 * policy/decide.h. Pure like the engine: no I/O, no clock (now is an
 * argument), no allocation; the caller owns every buffer.
 */
#ifndef SC_POLICY_MESSAGE_H
#define SC_POLICY_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/decide.h"

/* The one-line message shown to the user at submission, e.g.
 * "carbon: delayed to 03:00 UTC (greener window): est. 1.2 kgCO2e instead of
 *  1.9 kgCO2e (-37%)". advise: the message says the advice was not applied.
 * site and d are borrowed, none NULL; d was decided on site (its partition
 * indexes are site's). Writes at most n bytes (n > 0) into buf, truncating
 * silently; returns buf. Cannot fail. */
char *sc_decision_message(const struct sc_site *site, const struct sc_decision *d,
			  enum sc_mode mode, int64_t now, char *buf, size_t n);

/* What a job whose time limit is UNLIMITED was priced at, or "" when
 * unlimited is 0 or d priced nothing (action NONE): "time limit UNLIMITED:
 * priced at DefaultTime=2:00:00 of partition cpu" (the chosen plan's
 * partition). Arguments and result as sc_decision_message. */
char *sc_time_note(const struct sc_site *site, const struct sc_decision *d, int unlimited, char *buf,
		   size_t n);

/* One or two sentences explaining the decision to a user (scarbon plan).
 * Arguments and result as sc_decision_message; mode is not used yet. */
char *sc_decision_explain(const struct sc_site *site, const struct sc_decision *d,
			  enum sc_mode mode, int64_t now, char *buf, size_t n);

#endif
