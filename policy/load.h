/* slurm-carbon: the planned-load ledger — per managed partition, the cores
 * and GPUs that the jobs slurm-carbon delayed or rerouted are planned to use
 * in each 5-minute slot ahead.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure: no I/O, no clock (`now` is an argument), no locking (the plugin
 * keeps it under its mutex). Memory is bounded and allocated once, by
 * sc_load_create: n_parts × n_slots load counters and a table of at most
 * max_jobs jobs. Slots are SC_LOAD_SLOT seconds, aligned to the epoch; the
 * ledger covers the n_slots slots from its origin (the slot of the last
 * sc_load_advance), a ring: load before the origin is forgotten, load past
 * the horizon is not recorded (a plan beyond it is not congested).
 *
 * A job is known by its id: adding a job that is already there replaces it
 * (its old load is removed first). Adding or removing costs O(slots the
 * job's window covers); finding a job O(1) on average (open addressing).
 */
#ifndef SC_POLICY_LOAD_H
#define SC_POLICY_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define SC_LOAD_SLOT 300          /* seconds per slot */
#define SC_LOAD_MAX_SLOTS 4096    /* at most 14 days of slots */
#define SC_LOAD_MAX_JOBS 1000000  /* bound of max_jobs */

struct sc_load; /* opaque */

/* A ledger for partitions 0..n_parts-1 (n_parts >= 1), n_slots slots
 * (1..SC_LOAD_MAX_SLOTS; 2016 = 7 days) and at most max_jobs jobs
 * (1..SC_LOAD_MAX_JOBS), with its origin at the slot of now. Returns it
 * (free with sc_load_destroy), or NULL with err (an argument out of those
 * ranges, out of memory). */
struct sc_load *sc_load_create(size_t n_parts, size_t n_slots, size_t max_jobs, int64_t now, struct sc_err *err);

/* Frees l; NULL is a no-op. */
void sc_load_destroy(struct sc_load *l);

/* Forgets every job and all load, keeping the sizes; origin at now. */
void sc_load_clear(struct sc_load *l, int64_t now);

/* Moves the origin to the slot of now (never backwards: an earlier now is
 * ignored), dropping the load of the slots that leave. Jobs stay known
 * (their remaining load stays) until removed. O(slots dropped). */
void sc_load_advance(struct sc_load *l, int64_t now);

/* Records job `id`'s planned use of cores and gpus of partition part over
 * [start, end), replacing what id had. The slots the window touches (any
 * overlap counts a whole slot) within the ledger's range get the load; a
 * window wholly outside it is remembered with no load. Returns 0, or -1
 * with err and l unchanged: part out of range, end <= start, cores and
 * gpus both 0, or the table is full (max_jobs jobs; the message says so).
 * l not NULL. */
int sc_load_add(struct sc_load *l, uint32_t id, size_t part, int64_t start, int64_t end, uint32_t cores,
		uint32_t gpus, struct sc_err *err);

/* Removes every job whose window has ended by the origin (its load is
 * gone with the slots; this frees its place in the table). Returns how
 * many. O(max_jobs): for a periodic sweep, not the submit path. */
size_t sc_load_expire(struct sc_load *l);

/* Removes job id's load. Returns 1 if it was there, 0 if not. */
int sc_load_remove(struct sc_load *l, uint32_t id);

/* The absolute slot of t: floor(t / SC_LOAD_SLOT). Inline: the decision
 * asks it for every candidate. */
static inline int64_t sc_load_slot_of(int64_t t)
{
	return t >= 0 ? t / SC_LOAD_SLOT : -((-t + SC_LOAD_SLOT - 1) / SC_LOAD_SLOT);
}

/* One job of the ledger, as added. */
struct sc_load_job {
	uint32_t id;
	size_t part;
	int64_t start, end;
	uint32_t cores, gpus;
};

/* Job id as added into *out. Returns 1, or 0 when it is not there. */
int sc_load_get(const struct sc_load *l, uint32_t id, struct sc_load_job *out);

/* Copies up to max of the ledger's jobs (in no particular order) into
 * out[0..max-1]; returns how many. O(max_jobs). */
size_t sc_load_list(const struct sc_load *l, struct sc_load_job *out, size_t max);

/* Jobs in the ledger. */
size_t sc_load_jobs(const struct sc_load *l);

/* The ledger's partitions, slots and origin (epoch seconds of its first
 * slot). */
size_t sc_load_parts(const struct sc_load *l);
size_t sc_load_slots(const struct sc_load *l);
int64_t sc_load_origin(const struct sc_load *l);

/* sc_load_at for the n consecutive slots from the one containing t, into
 * cores[0..n-1] and gpus[0..n-1] (caller's, not NULL): O(n), no division
 * per slot. */
void sc_load_span(const struct sc_load *l, size_t part, int64_t t, size_t n, uint32_t *cores, uint32_t *gpus);

/* The planned cores and GPUs of partition part in the slot containing t
 * into *cores and *gpus (either may be NULL): 0 outside the ledger's
 * range or for part out of range. */
void sc_load_at(const struct sc_load *l, size_t part, int64_t t, uint32_t *cores, uint32_t *gpus);

/* --- the sync with slurmctld's jobs (README, "Capacity") --------------- */

/* What slurmctld's job list says of a job, as sc_load_reconcile takes it. */
enum sc_load_state {
	SC_LOAD_ENDED = 0, /* completed, cancelled, failed, timed out, ...: uses nothing more */
	SC_LOAD_PENDING,   /* waiting to start (also requeued): its plan still holds */
	SC_LOAD_STARTED,   /* running or suspended: it holds its cores until its planned end */
};

struct sc_load_seen {
	uint32_t key;             /* the ledger key in its record; 0: none (the job is ignored) */
	enum sc_load_state state;
	int planned;              /* its record is a delay or reroute the plugin applied */
	size_t part;              /* its partition's index; >= the ledger's partitions: not
				   * one managed partition (a list, unmanaged, unknown) */
	int64_t start, end;       /* pending: the window its own fields give (begin time, run
				   * time); end <= start: unknown */
	uint32_t cores, gpus;
};

/* What a reconciliation changed. */
struct sc_load_sync {
	size_t released; /* entries removed: job ended, or gone from slurmctld */
	size_t added;    /* pending planned jobs the ledger lacked, added back */
	size_t updated;  /* pending jobs whose partition, window or size changed */
	size_t failed;   /* adds refused (the table full); err describes the first */
	uint32_t seq;    /* the last key given: seq_now, or the newest key a job carries
			  * when that is up to 2^31 - 1 keys after it (the ledger and its
			  * seq were lost: new keys must not repeat the jobs') */
};

/* Whether key was issued after seq_sent, the last key given when the job
 * list was asked for, up to seq_now, the last key given now (keys count up
 * from 1, skip 0 and wrap at 2^32: "after" is the window (seq_sent,
 * seq_now] modulo 2^32). */
int sc_load_issued_after(uint32_t key, uint32_t seq_sent, uint32_t seq_now);

/* Brings l in line with slurmctld's jobs seen[0..n-1] (borrowed; several
 * may share a key, as a job array's tasks share their record), a list
 * asked for when seq_sent was the last key given; seq_now is the last key
 * given now. cap_cores (l's partitions, borrowed) is each partition's
 * capacity in cores, 0: unknown. In order:
 *   - an entry whose key only ended jobs carry is released;
 *   - an entry whose key no job carries is released when its key was
 *     issued by seq_sent (a job submitted while the list was being read is
 *     in the ledger but not yet in the list: it stays);
 *   - a pending, planned job with a key, a managed partition with a
 *     capacity and a known window is added when its key is not in l, and
 *     replaces its entry when the partition, window, cores or GPUs differ;
 *     a pending job whose partition is not one managed one, or has no
 *     capacity, or whose window is unknown leaves its entry as it is;
 *     started jobs keep theirs (they use their cores until the planned
 *     end; the sweep expires them).
 * Counts and the new last key go into *out (zeroed first). Returns 0, or -1 with err when an
 * add was refused (the table is full; out->failed counts them, the rest
 * is done). O(n + max_jobs); no allocation. l, out not NULL; seen may be
 * NULL when n is 0. */
int sc_load_reconcile(struct sc_load *l, const struct sc_load_seen *seen, size_t n, uint32_t seq_sent,
		      uint32_t seq_now, const uint32_t *cap_cores, struct sc_load_sync *out, struct sc_err *err);

#endif
