/* slurm-carbon: the sacctmgr writer of SystemComment.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Many jobs per run of sacctmgr (one command a line on its stdin); a job
 * whose change sacctmgr does not confirm is retried alone, through argv, so
 * that its error is its own.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct/slurmcmd.h"
#include "base/grow.h"
#include "acct/writer.h"

/* sacctmgr reads commands in lines of at most 4095 bytes. */
#define STDIN_LINE_MAX 4000

struct state {
	int missing;            /* sacctmgr could not be run: every job fails */
	char err[SC_ERR_MAX];   /* why */
};

/* Whether sacctmgr confirmed a modification of raw in out ("  <raw> submitted at ..."). */
static int confirmed(const char *out, const char *raw)
{
	size_t n = strlen(raw);

	for (const char *p = out; p && (p = strstr(p, raw)); p += n) {
		if ((p == out || !isdigit((unsigned char)p[-1])) && strncmp(p + n, " submitted at", 13) == 0)
			return 1;
	}
	return 0;
}

/* Whether w fits one line of sacctmgr's stdin, inside double quotes. */
static int stdin_safe(const struct sc_comment_write *w)
{
	for (const char *s = w->value; *s; s++)
		if (*s == '"' || *s == '\'' || *s == '\n' || *s == '\r')
			return 0;
	return strlen(w->value) < STDIN_LINE_MAX && !strpbrk(w->jobid, " \t\"'") &&
	       !strpbrk(w->cluster, " \t\"'=");
}

static void where_args(const struct sc_comment_write *w, char *jobarg, size_t nj, char *clarg, size_t nc)
{
	snprintf(jobarg, nj, "jobid=%s", w->jobid);
	if (*w->cluster)
		snprintf(clarg, nc, "cluster=%s", w->cluster);
	else
		clarg[0] = '\0';
}

/* One job, its own sacctmgr run (argv: no quoting rules to respect). */
static void write_one(struct state *st, struct sc_comment_write *w)
{
	char jobarg[128], clarg[160], *set = NULL, *out = NULL, *errout = NULL;
	char *argv[10];
	int n = 0, status;
	struct sc_err err;
	size_t len = strlen(w->value) + 16;

	where_args(w, jobarg, sizeof(jobarg), clarg, sizeof(clarg));
	set = malloc(len);
	if (!set) {
		snprintf(w->why, sizeof(w->why), "out of memory");
		return;
	}
	snprintf(set, len, "SystemComment=%s", w->value);
	argv[n++] = (char *)sc_slurm_prog("sacctmgr");
	argv[n++] = "-i";
	argv[n++] = "modify";
	argv[n++] = "job";
	argv[n++] = "where";
	argv[n++] = jobarg;
	if (clarg[0])
		argv[n++] = clarg;
	argv[n++] = "set";
	argv[n++] = set;
	argv[n] = NULL;
	status = sc_proc_run(argv, NULL, &out, &errout, &err);
	if (status < 0) {
		snprintf(w->why, sizeof(w->why), "%s", err.msg);
		st->missing = 1;
		snprintf(st->err, sizeof(st->err), "%s", err.msg);
	} else if (out && confirmed(out, w->jobid_raw)) {
		w->written = 1;
	} else {
		char *e = errout && *errout ? errout : out ? out : "";
		size_t l;
		while (isspace((unsigned char)*e))
			e++;
		snprintf(w->why, sizeof(w->why), "sacctmgr (status %d) did not modify it: %s", status,
			 *e ? e : "no output");
		l = strlen(w->why);
		while (l && isspace((unsigned char)w->why[l - 1]))
			w->why[--l] = '\0';
		for (char *q = w->why; *q; q++)
			if (*q == '\n')
				*q = ' ';
	}
	free(set);
	free(out);
	free(errout);
}

static int sacctmgr_open(void **state, struct sc_err *err)
{
	*state = calloc(1, sizeof(struct state));
	if (!*state)
		return sc_err_set(err, "out of memory");
	return 0;
}

static void sacctmgr_write(void *state, struct sc_comment_write *w, size_t n)
{
	struct state *st = state;
	char *input = NULL, *out = NULL;
	size_t len = 0, cap = 0;
	int batched = 0;

	/* The lines that can go through sacctmgr's stdin, in one run. */
	for (size_t i = 0; i < n; i++) {
		char jobarg[128], clarg[160];
		size_t need;
		if (!stdin_safe(&w[i]))
			continue;
		where_args(&w[i], jobarg, sizeof(jobarg), clarg, sizeof(clarg));
		need = strlen(w[i].value) + 256;
		if (SC_GROW(input, cap, len + need) < 0)
			break;
		len += (size_t)snprintf(input + len, cap - len, "modify job where %s %s set SystemComment=\"%s\"\n",
					jobarg, clarg, w[i].value);
		batched++;
	}
	if (batched > 1 && !st->missing) {
		char *argv[] = { (char *)sc_slurm_prog("sacctmgr"), "-i", NULL };
		struct sc_err err;
		if (sc_proc_run(argv, input, &out, NULL, &err) < 0) {
			st->missing = 1;
			snprintf(st->err, sizeof(st->err), "%s", err.msg);
		}
	}
	for (size_t i = 0; i < n; i++) {
		w[i].written = 0;
		w[i].why[0] = '\0';
		if (out && stdin_safe(&w[i]) && confirmed(out, w[i].jobid_raw))
			w[i].written = 1;
		else if (st->missing)
			snprintf(w[i].why, sizeof(w[i].why), "%s", st->err);
		else
			write_one(st, &w[i]);
	}
	free(input);
	free(out);
}

static void sacctmgr_close(void *state)
{
	free(state);
}

const struct sc_comment_writer sc_writer_sacctmgr = {
	.name = "sacctmgr",
	.form = SC_COMMENT_SACCTMGR,
	.open = sacctmgr_open,
	.write = sacctmgr_write,
	.close = sacctmgr_close,
};
