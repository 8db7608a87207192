/* slurm-carbon: setting a job's SystemComment through Slurm's accounting API
 * (libslurm's slurmdb_job_modify, what `sacctmgr modify job` itself calls),
 * so that slurmdbd stores the text exactly as given — unlike sacctmgr, whose
 * strip_quotes() turns every '"' into '`' (and, on 22.05, lower-cases).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * scarbon does not link libslurm: it is loaded here with dlopen, from
 * $SCARBON_LIBSLURM when set, else from SC_LIBSLURM_PATH (the library
 * configure found), and each function is resolved with dlsym into a pointer
 * typed from the headers scarbon was compiled with. When Slurm's
 * libslurmfull.so is installed where Slurm puts it next to that libslurm.so
 * (DIR/slurm/ or Debian's DIR/slurm-wlm/), that library is loaded instead:
 * it is what Slurm's own commands link, the one the plugins libslurm loads
 * (accounting_storage/slurmdbd, auth/munge) are built against; libslurm.so
 * lacks symbols they call on error paths. Structures are built with
 * those headers' layout too, so the library must be of the same Slurm release
 * as the headers: sc_slurmdb_load compares libslurm's API version
 * (slurm_api_version()) with the one of the headers' release and refuses
 * another. The library stays loaded for the life of the process.
 *
 * libslurm's own messages (a refused connection, ...) go to stderr through
 * Slurm's logging, as they do for sacctmgr. Its slurm_init() ends the process
 * (Slurm's fatal()) when it finds no configuration at all; that is checked
 * beforehand when $SLURM_CONF names a file.
 */
#ifndef SC_ACCT_SLURMDB_H
#define SC_ACCT_SLURMDB_H

#include "base/error.h"

/* The environment variable that names the libslurm to load. */
#define SC_LIBSLURM_ENV "SCARBON_LIBSLURM"

/* The library sc_slurmdb_load opens: $SCARBON_LIBSLURM when set and not
 * empty, else SC_LIBSLURM_PATH. A static or environment string. */
const char *sc_slurmdb_path(void);

/* The libslurm API version (slurm_api_version() >> 16, the library's SONAME
 * number) of Slurm release year.month (e.g. 22, 5 -> 38; 26, 5 -> 45), or -1
 * for a release it does not know. */
int sc_slurmdb_api_of(int year, int month);

/* The file loaded (libslurm.so or its libslurmfull.so); "" before. */
const char *sc_slurmdb_loaded(void);

/* Loads libslurm and resolves what sc_slurmdb_open and friends call. Once
 * loaded, later calls return 0 at once; a failure is tried again next time.
 * Returns 0, or -1 with err: "cannot load libslurm <path>: <dlerror>",
 * "<path> has no <function>: ...", or "<path> is the libslurm of another
 * Slurm release (API n) than scarbon was built for (Slurm x.y, API m)". */
int sc_slurmdb_load(struct sc_err *err);

struct sc_slurmdb;

/* Loads libslurm (sc_slurmdb_load), reads slurm.conf (slurm_init: $SLURM_CONF,
 * else libslurm's default) and connects to slurmdbd. Returns a connection
 * (close it with sc_slurmdb_close), or NULL with err: the load error, or
 * "cannot reach slurmdbd ...: <Slurm's reason>". */
struct sc_slurmdb *sc_slurmdb_open(struct sc_err *err);

/* Sets the SystemComment of one job to value (the whole comment; borrowed),
 * then commits. jobid is the job as sacct shows it (borrowed): "N" a job,
 * "N_T" task T of array N, "N+K" component K of heterogeneous job N — exactly
 * that record, never its siblings. cluster (borrowed): the job's cluster; NULL
 * or "" for slurm.conf's ClusterName. Returns 0 when slurmdbd changed exactly
 * that job, or -1 with err:
 *  - a jobid of another form; a value holding '\'' or '\\' (slurmdbd puts
 *    the value into its SQL unescaped: such text would not be stored as
 *    given, so it is not sent);
 *  - "permission denied: ..." (only root, SlurmUser and users with
 *    AdminLevel Operator or Administrator may set it);
 *  - "not found in accounting (Nothing modified) ..." when no such job is
 *    recorded on that cluster;
 *  - when more than one job matched: the change is rolled back;
 *  - Slurm's reason for any other failure.
 * db and jobid must not be NULL. */
int sc_slurmdb_set_system_comment(struct sc_slurmdb *db, const char *jobid, const char *cluster,
				  const char *value, struct sc_err *err);

/* Closes the connection and frees db (NULL: a no-op). */
void sc_slurmdb_close(struct sc_slurmdb *db);

#endif
