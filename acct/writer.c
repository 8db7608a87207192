/* slurm-carbon: choosing a SystemComment writer; the slurmdb writer.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "acct/slurmdb.h"
#include "acct/writer.h"
#include "record/record.h"

/* ---- slurmdb: one request per job on one connection, each committed ------- */

static int slurmdb_open(void **state, struct sc_err *err)
{
	*state = sc_slurmdb_open(err);
	return *state ? 0 : -1;
}

static void slurmdb_write(void *state, struct sc_comment_write *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sc_err err = { "" };
		w[i].written = sc_slurmdb_set_system_comment(state, w[i].jobid, w[i].cluster, w[i].value,
							     &err) == 0;
		snprintf(w[i].why, sizeof(w[i].why), "%s", w[i].written ? "" : err.msg);
	}
}

static void slurmdb_close(void *state)
{
	sc_slurmdb_close(state);
}

const struct sc_comment_writer sc_writer_slurmdb = {
	.name = "slurmdb",
	.form = SC_COMMENT_JSON,
	.open = slurmdb_open,
	.write = slurmdb_write,
	.close = slurmdb_close,
};

/* ---- the choice ---------------------------------------------------------- */

static const struct sc_comment_writer *const writers[] = { &sc_writer_slurmdb, &sc_writer_sacctmgr };

const struct sc_comment_writer *sc_comment_writer_find(const char *name, struct sc_err *err)
{
	for (size_t i = 0; name && i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(name, writers[i]->name) == 0)
			return writers[i];
	sc_err_set(err, "unknown writer '%s': expected slurmdb or sacctmgr", SC_PRINTABLE(name));
	return NULL;
}

const struct sc_comment_writer *sc_comment_writer_open(const char *name,
						       void (*warn)(const char *msg, void *arg), void *arg,
						       void **state, struct sc_err *err)
{
	const struct sc_comment_writer *w;

	*state = NULL;
	if (name && *name) {
		w = sc_comment_writer_find(name, err);
	} else {
		struct sc_err why;
		w = &sc_writer_slurmdb;
		if (sc_slurmdb_load(&why) < 0) {
			/* Only a library that can't be used falls back: an
			 * unreachable slurmdbd would refuse sacctmgr too. */
			if (warn) {
				char msg[SC_ERR_MAX + 320];
				snprintf(msg, sizeof(msg),
					 "%s; writing SystemComment through sacctmgr instead, which stores every "
					 "'\"' as '`' ({`" SC_RECORD_ACTUAL_KEY "`:...}, not plain JSON): set %s to Slurm's "
					 "libslurm.so to write plain JSON",
					 why.msg, SC_LIBSLURM_ENV);
				warn(msg, arg);
			}
			w = &sc_writer_sacctmgr;
		}
	}
	if (w && w->open(state, err) < 0) {
		sc_err_prefix(err, "%s: ", w->name);
		return NULL;
	}
	return w;
}
