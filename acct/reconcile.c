/* slurm-carbon: reconciling ended jobs.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct/actual.h"
#include "base/file.h"
#include "acct/reconcile.h"
#include "acct/sacct.h"
#include "acct/slurmcmd.h"
#include "acct/writer.h"
#include "base/units.h"
#include "policy/request.h"
#include "record/comment.h"
#include "record/record.h"

static const char *const outcome_names[] = { "written", "would-write", "unchanged", "kept",
					     "skipped", "failed" };

const char *sc_rec_outcome_name(enum sc_rec_outcome o)
{
	return (unsigned)o < SC_REC_N ? outcome_names[o] : "failed";
}

struct pending {
	char *jobid, *raw, *cluster;
	char *existing; /* the SystemComment sacct showed; NULL for none */
	json_t *rec;    /* the actual record */
};

struct sc_reconciler {
	struct sc_reconcile_opts o;
	int *want_done;    /* per wanted id: an ended job was handled */
	struct pending pend[SC_RECONCILE_BATCH];
	size_t n_pend;
	long count[SC_REC_N];
	long seen;
	const struct sc_comment_writer *writer; /* opened at the first write */
	void *writer_state;
	int writer_failed;
	char writer_err[SC_ERR_MAX];            /* why it could not be opened */
	int final;
	int oom;           /* a job could not be handled for lack of memory */
};

static void report(struct sc_reconciler *r, const char *jobid, enum sc_rec_outcome o, json_t *rec,
		   const char *why)
{
	r->count[o]++;
	r->o.fn(SC_PRINTABLE(jobid), o, rec, why, r->o.arg); /* job ids come from sacct */
}

/* ---- writing ------------------------------------------------------------ */

static void free_pending(struct pending *p)
{
	free(p->jobid);
	free(p->raw);
	free(p->cluster);
	free(p->existing);
	json_decref(p->rec);
	memset(p, 0, sizeof(*p));
}

static void open_writer(struct sc_reconciler *r)
{
	struct sc_err err = { "" };

	if (r->writer || r->writer_failed)
		return;
	r->writer = sc_comment_writer_open(r->o.writer_name, r->o.warn, r->o.arg, &r->writer_state, &err);
	if (!r->writer) {
		r->writer_failed = 1;
		snprintf(r->writer_err, sizeof(r->writer_err), "%s", err.msg);
	}
}

/* Writes the pending jobs, each comment in the form its writer stores. */
static void flush(struct sc_reconciler *r)
{
	struct sc_comment_write w[SC_RECONCILE_BATCH];
	char *values[SC_RECONCILE_BATCH];
	size_t n = 0, k = 0;

	if (!r->n_pend)
		return;
	open_writer(r);
	/* Only the comments that could be made are written, in order. */
	for (size_t i = 0; i < r->n_pend; i++) {
		struct pending *p = &r->pend[i];
		values[i] = NULL;
		if (!r->writer)
			continue;
		json_incref(p->rec);
		values[i] = sc_comment_encode(p->existing, SC_RECORD_ACTUAL_KEY, p->rec, r->writer->form);
		if (!values[i])
			continue;
		memset(&w[n], 0, sizeof(w[n]));
		w[n].jobid = p->jobid;
		w[n].jobid_raw = p->raw;
		w[n].cluster = p->cluster;
		w[n].value = values[i];
		n++;
	}
	if (n)
		r->writer->write(r->writer_state, w, n);
	for (size_t i = 0; i < r->n_pend; i++) {
		struct pending *p = &r->pend[i];
		if (!values[i])
			report(r, p->jobid, SC_REC_FAILED, p->rec, r->writer ? "out of memory" : r->writer_err);
		else if (w[k++].written)
			report(r, p->jobid, SC_REC_WRITTEN, p->rec, NULL);
		else
			report(r, p->jobid, SC_REC_FAILED, p->rec, w[k - 1].why);
		free(values[i]);
		free_pending(p);
	}
	r->n_pend = 0;
}

/* Queues job's record (stolen) for the next flush. -1 when out of memory. */
static int queue(struct sc_reconciler *r, const struct sc_acct_job *job, json_t *rec)
{
	struct pending *p = &r->pend[r->n_pend];

	p->jobid = strdup(job->jobid);
	p->raw = strdup(job->jobid_raw);
	p->cluster = strdup(job->cluster);
	p->existing = job->system_comment ? strdup(job->system_comment) : NULL;
	p->rec = rec;
	if (!p->jobid || !p->raw || !p->cluster || (job->system_comment && !p->existing)) {
		free_pending(p);
		return -1;
	}
	if (++r->n_pend == SC_RECONCILE_BATCH)
		flush(r);
	return 0;
}

/* ---- the jobs ----------------------------------------------------------- */

/* Whether job is one of the wanted ids: "N" is the job N (JobID or
 * JobIDRaw) with its array tasks and components; "N_T" and "N+K" are one. */
static int wanted(const struct sc_reconciler *r, const struct sc_acct_job *job, size_t *which)
{
	if (!r->o.want)
		return 1;
	for (size_t i = 0; i < r->o.n_want; i++) {
		const char *w = r->o.want[i];
		size_t n = strlen(w);
		if (strcmp(job->jobid, w) == 0 || strcmp(job->jobid_raw, w) == 0 ||
		    (strspn(w, "0123456789") == n && strncmp(job->jobid, w, n) == 0 &&
		     (job->jobid[n] == '_' || job->jobid[n] == '+'))) {
			*which = i;
			return 1;
		}
	}
	return 0;
}

/* Whether job is ready to reconcile; when not, reports it on the last pass. */
static int ready(struct sc_reconciler *r, const struct sc_acct_job *job, size_t which)
{
	if (!job->ended) {
		/* Named jobs may still end: only the last attempt says so. */
		if (r->final) {
			r->seen++;
			report(r, job->jobid, SC_REC_SKIPPED, NULL, job->ran ? "still running" : "never ran");
		}
		return 0;
	}
	if (!job->partition || !*job->partition) {
		/* Seen in EpilogSlurmctld for jobs of a second: slurmdbd has
		 * the end but not yet the rest of the record. Named jobs are
		 * asked for again; a timer run catches up later. */
		if (r->final) {
			r->seen++;
			if (r->o.want)
				r->want_done[which] = 1;
			report(r, job->jobid, SC_REC_SKIPPED, NULL,
			       "its accounting record is not complete yet (no partition)");
		}
		return 0;
	}
	r->seen++;
	if (r->o.want)
		r->want_done[which] = 1;
	return 1;
}

/* The actual record of job, or NULL after reporting it skipped (*oom set
 * when memory ran out). */
static json_t *compute(struct sc_reconciler *r, const struct sc_acct_job *job, enum sc_ci_source *ci_source,
		       int *oom)
{
	const struct sc_site *site = r->o.site;
	const struct sc_partition *pt;
	struct sc_actual_model m;
	struct sc_estimate est;
	struct sc_ci_candidates ci;
	struct sc_actual act;
	struct sc_err err;
	json_t *rec;
	int pi = sc_site_find(site, job->partition);

	*oom = 0;
	if (pi < 0) {
		char why[160];
		snprintf(why, sizeof(why), "partition '%s' is not managed by carbon.conf", SC_PRINTABLE(job->partition));
		report(r, job->jobid, SC_REC_SKIPPED, NULL, why);
		return NULL;
	}
	pt = &site->parts[pi];
	m.partition = pt->name;
	m.zone = site->zones[pt->zone];
	m.pue = pt->pue;
	m.power = pt->power;
	sc_estimate_read(job->admin_comment, &est);
	if (sc_ci_store_lookup(r->o.store, m.zone, job->start, job->end, &ci, &err) < 0 ||
	    sc_actual_compute(job, &m, &est, &ci, &act, &err) < 0) {
		report(r, job->jobid, SC_REC_SKIPPED, NULL, err.msg);
		return NULL;
	}
	rec = sc_actual_record(&act);
	*oom = !rec;
	*ci_source = act.ci_source;
	return rec;
}

static int on_job(const struct sc_acct_job *job, void *arg)
{
	struct sc_reconciler *r = arg;
	struct sc_actual old;
	enum sc_ci_source ci_source = SC_CI_NONE;
	size_t which = 0;
	int oom, rc = 0;
	json_t *rec;
	char *value;

	if (!wanted(r, job, &which) || !ready(r, job, which))
		return 0;
	rec = compute(r, job, &ci_source, &oom);
	if (!rec)
		return oom ? (r->oom = 1, -1) : 0;
	if (sc_actual_read(job->system_comment, &old) && old.ci_source > ci_source) {
		char why[128];
		snprintf(why, sizeof(why), "recorded intensity source '%s' is better than '%s'",
			 sc_ci_source_name(old.ci_source), sc_ci_source_name(ci_source));
		report(r, job->jobid, SC_REC_KEPT, rec, why);
		json_decref(rec);
		return 0;
	}
	json_incref(rec);
	value = sc_comment_encode(job->system_comment, SC_RECORD_ACTUAL_KEY, rec, SC_COMMENT_JSON);
	if (!value) {
		json_decref(rec);
		r->oom = 1;
		return -1;
	}
	if (sc_comment_same(value, job->system_comment)) {
		report(r, job->jobid, SC_REC_UNCHANGED, rec, NULL);
	} else if (r->o.dry_run) {
		report(r, job->jobid, SC_REC_WOULD, rec, NULL);
	} else {
		rc = queue(r, job, rec);
		r->oom |= rc < 0;
		rec = NULL;
	}
	free(value);
	json_decref(rec);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

static void on_warn(const char *msg, void *arg)
{
	struct sc_reconciler *r = arg;

	if (r->o.warn)
		r->o.warn(msg, r->o.arg);
}

static int read_input(struct sc_reconciler *r, const char *input, struct sc_err *err)
{
	struct sc_sacct_stats stats;
	FILE *f = sc_open_input(input, "sacct output", 0, err);
	int rc;

	if (!f)
		return -1;
	rc = sc_sacct_read(f, input, 0, on_job, r, on_warn, &stats, err);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* sacct over the wanted jobs not yet done, else over [since, now]. */
static int run_sacct(struct sc_reconciler *r, int64_t since, int64_t now, struct sc_err *err)
{
	struct sc_sacct_stats stats;
	char sarg[64], earg[64], t[40], list[4096] = "";
	char *argv[8];
	int n = 0;

	argv[n++] = "--allusers";
	if (r->o.want) {
		size_t used = 0;
		for (size_t i = 0; i < r->o.n_want; i++)
			if (!r->want_done[i] && used < sizeof(list))
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 used ? "," : "", r->o.want[i]);
		argv[n++] = "--jobs";
		argv[n++] = list;
	} else {
		sc_format_time(since, t, sizeof(t));
		t[19] = '\0'; /* sacct's format: no Z (TZ=UTC) */
		snprintf(sarg, sizeof(sarg), "--starttime=%s", t);
		sc_format_time(now, t, sizeof(t));
		t[19] = '\0';
		snprintf(earg, sizeof(earg), "--endtime=%s", t);
		argv[n++] = sarg;
		argv[n++] = earg;
	}
	argv[n] = NULL;
	return sc_sacct_run(argv, on_job, r, on_warn, &stats, err);
}

int sc_reconciler_run(struct sc_reconciler *r, const char *input, int64_t since, int64_t now,
		      int final, struct sc_err *err)
{
	int rc;

	r->final = final;
	rc = input ? read_input(r, input, err) : run_sacct(r, since, now, err);
	if (rc < 0 && r->oom)
		return sc_err_set(err, "out of memory");
	if (rc == 0)
		flush(r);
	return rc;
}

/* ---- the reconciler ----------------------------------------------------- */

struct sc_reconciler *sc_reconciler_create(const struct sc_reconcile_opts *opts)
{
	struct sc_reconciler *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->o = *opts;
	if (r->o.want && !(r->want_done = calloc(r->o.n_want ? r->o.n_want : 1, sizeof(*r->want_done)))) {
		free(r);
		return NULL;
	}
	return r;
}

void sc_reconciler_destroy(struct sc_reconciler *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_pend; i++)
		free_pending(&r->pend[i]);
	if (r->writer)
		r->writer->close(r->writer_state);
	free(r->want_done);
	free(r);
}

int sc_reconciler_all_done(const struct sc_reconciler *r)
{
	for (size_t i = 0; r->o.want && i < r->o.n_want; i++)
		if (!r->want_done[i])
			return 0;
	return 1;
}

int sc_reconciler_done(const struct sc_reconciler *r, size_t i)
{
	return !r->o.want || (i < r->o.n_want && r->want_done[i]);
}

long sc_reconciler_seen(const struct sc_reconciler *r)
{
	return r->seen;
}

long sc_reconciler_count(const struct sc_reconciler *r, enum sc_rec_outcome o)
{
	return (unsigned)o < SC_REC_N ? r->count[o] : 0;
}

const char *sc_reconciler_writer(const struct sc_reconciler *r)
{
	return r->writer ? r->writer->name : NULL;
}

/* ---- job ids ------------------------------------------------------------ */

/* Checks an id as sacct -j takes it: N, N_T or N+K. */
static int valid_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n || n > 10)
		return 0;
	if (!s[n])
		return 1;
	if (s[n] != '_' && s[n] != '+')
		return 0;
	s += n + 1;
	n = strspn(s, "0123456789");
	return n && n <= 10 && !s[n];
}

int sc_reconcile_parse_jobs(const char *list, char ***ids, char **buf, size_t *n, struct sc_err *err)
{
	char *save = NULL, *tok, *copy = strdup(list);
	char **v;
	size_t cap = 1;

	*ids = NULL;
	*buf = NULL;
	*n = 0;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	v = calloc(cap, sizeof(*v));
	if (!copy || !v) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!valid_id(tok)) {
			sc_err_set(err, "invalid job id '%s': expected N, N_T (array task) or N+K "
				   "(heterogeneous component), comma-separated", SC_PRINTABLE(tok));
			goto error;
		}
		v[(*n)++] = tok;
	}
	if (!*n) {
		sc_err_set(err, "no job id given");
		goto error;
	}
	*ids = v;
	*buf = copy;
	return 0;
error:
	*n = 0;
	free(v);
	free(copy);
	return -1;
}
