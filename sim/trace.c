/* slurm-carbon: job traces (SWF, CSV, sacct -P).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/sacct.h"
#include "base/file.h"
#include "forecast/csvfile.h"
#include "base/units.h"
#include "sim/trace.h"

#define MAX_FIELDS 64
/* Largest run or requested time a trace may give: ten years. */
#define TIME_MAX_S (3650.0 * 86400)
#define CPUS_MAX 100000000.0

const char *sc_trace_format_name(enum sc_trace_format f)
{
	switch (f) {
	case SC_TRACE_SWF: return "swf";
	case SC_TRACE_CSV: return "csv";
	case SC_TRACE_SACCT: return "sacct";
	case SC_TRACE_AUTO: break;
	}
	return "auto";
}

void sc_trace_destroy(struct sc_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_strings; i++)
		free(t->strings[i]);
	free(t->strings);
	free(t->jobs);
	free(t);
}

void sc_trace_anchor(struct sc_trace *t, int64_t start)
{
	if (!t->relative)
		return;
	for (size_t i = 0; i < t->n; i++)
		t->jobs[i].submit += start;
	t->relative = 0;
}

/* Interns s (the trace owns one copy per distinct recent value; traces
 * repeat the same few partition and user names). NULL for "" or NULL. */
static const char *intern(struct sc_trace *t, const char *s, int *oom)
{
	char *copy;

	if (!s || !*s)
		return NULL;
	/* The last few strings cover runs of the same user/partition. */
	for (size_t i = t->n_strings, k = 0; i > 0 && k < 16; i--, k++)
		if (strcmp(t->strings[i - 1], s) == 0)
			return t->strings[i - 1];
	if (t->n_strings == t->cap_strings) {
		size_t cap = t->cap_strings ? t->cap_strings * 2 : 64;
		char **ns = realloc(t->strings, cap * sizeof(*ns));
		if (!ns)
			goto oom;
		t->strings = ns;
		t->cap_strings = cap;
	}
	copy = strdup(s);
	if (!copy)
		goto oom;
	t->strings[t->n_strings++] = copy;
	return copy;
oom:
	*oom = 1;
	return NULL;
}

static struct sc_trace_job *new_job(struct sc_trace *t)
{
	if (t->n == t->cap_jobs) {
		size_t cap = t->cap_jobs ? t->cap_jobs * 2 : 1024;
		struct sc_trace_job *nj = realloc(t->jobs, cap * sizeof(*nj));
		if (!nj)
			return NULL;
		t->jobs = nj;
		t->cap_jobs = cap;
	}
	memset(&t->jobs[t->n], 0, sizeof(t->jobs[0]));
	return &t->jobs[t->n++];
}

static int cmp_submit(const void *a, const void *b)
{
	const struct sc_trace_job *x = a, *y = b;

	if (x->submit != y->submit)
		return x->submit < y->submit ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void sort_jobs(struct sc_trace *t)
{
	for (size_t i = 1; i < t->n; i++) {
		if (t->jobs[i].submit < t->jobs[i - 1].submit) {
			qsort(t->jobs, t->n, sizeof(t->jobs[0]), cmp_submit);
			return;
		}
	}
}

/* ------------------------------------------------------------------ SWF */

/* Splits on blanks in place; returns the number of fields (counting past
 * max). */
static int split_blanks(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		if (n < max)
			f[n] = s;
		n++;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static const char *const swf_names[18] = {
	"job number", "submit time", "wait time", "run time", "allocated processors",
	"average CPU time", "used memory", "requested processors", "requested time",
	"requested memory", "status", "user id", "group id", "executable", "queue",
	"partition", "preceding job", "think time",
};

/* SWF header: "; UnixStartTime: 1234" (blanks around the colon vary). The
 * whole rest of the line is the value: trailing garbage is an error. */
static int swf_header(const char *line, struct sc_trace *t, const char *name, long lineno,
		      struct sc_err *err)
{
	const char *p = line + 1;
	const char *key = "UnixStartTime";
	double v;

	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, key, strlen(key)) != 0)
		return 0;
	p += strlen(key);
	while (isspace((unsigned char)*p))
		p++;
	if (*p != ':')
		return 0;
	p++;
	while (isspace((unsigned char)*p))
		p++;
	if (sc_parse_number(p, 0, 253402300799.0, "UnixStartTime", &v, NULL) < 0 || v != (double)(int64_t)v)
		return sc_err_set(err,
				  "%s:%ld: invalid UnixStartTime '%s': expected the seconds since "
				  "1970-01-01T00:00:00Z, a whole number from 0 to 253402300799, and nothing after it",
				  name, lineno, SC_PRINTABLE(p));
	t->unix_start = (int64_t)v;
	return 0;
}

static int swf_row(struct sc_trace *t, char *line, const char *name, long lineno, struct sc_err *err)
{
	char *f[18];
	double v[18];
	int n = split_blanks(line, f, 18), oom = 0;
	struct sc_trace_job *j;
	char num[32];
	double procs;

	if (n != 18)
		return sc_err_set(err, "%s:%ld: expected 18 fields (the Standard Workload Format), found %d", name,
				  lineno, n);
	for (int i = 0; i < 18; i++) {
		if (sc_parse_number(f[i], -1e15, 1e15, swf_names[i], &v[i], err) < 0)
			return sc_err_prefix(err, "%s:%ld: field %d: ", name, lineno, i + 1);
		if (v[i] < 0 && v[i] != -1)
			return sc_err_set(err, "%s:%ld: field %d (%s) is %s: expected -1 (unknown) or a value >= 0",
					  name, lineno, i + 1, swf_names[i], SC_PRINTABLE(f[i]));
	}
	if (v[1] < 0)
		return sc_err_set(err, "%s:%ld: the submit time (field 2) is unknown: every job needs one", name,
				  lineno);
	procs = v[4] > 0 ? v[4] : v[7];
	if (v[3] <= 0 || procs <= 0) {
		t->skipped++;
		return 0;
	}
	if (v[3] > TIME_MAX_S || v[8] > TIME_MAX_S || procs > CPUS_MAX)
		return sc_err_set(err, "%s:%ld: run time, requested time or processors out of range (at most ten years and %g processors)",
				  name, lineno, CPUS_MAX);
	j = new_job(t);
	if (!j)
		return sc_err_set(err, "out of memory");
	j->line = (uint32_t)lineno;
	j->submit = (int64_t)v[1];
	j->runtime = (int64_t)ceil(v[3]);
	j->requested = v[8] > 0 ? (int64_t)ceil(v[8]) : 0;
	j->cpus = (uint32_t)ceil(procs);
	if (v[9] > 0)
		j->mem_per_cpu_mb = (uint64_t)ceil(v[9] / 1024.0);
	if (v[15] >= 0) {
		snprintf(num, sizeof(num), "%.0f", v[15]);
		j->partition = intern(t, num, &oom);
	}
	if (v[11] >= 0) {
		snprintf(num, sizeof(num), "%.0f", v[11]);
		j->user = intern(t, num, &oom);
	}
	if (v[13] >= 0) { /* the application number: the job's name */
		snprintf(num, sizeof(num), "%.0f", v[13]);
		j->name = intern(t, num, &oom);
	}
	if (oom)
		return sc_err_set(err, "out of memory");
	return 0;
}

/* ------------------------------------------------------------------ CSV */

enum csv_col { C_ARRIVAL, C_LENGTH, C_CPUS, C_REQUESTED, C_PARTITION, C_USER, C_ACCOUNT, NCOLS };
static const char *const csv_names[NCOLS] = { "arrival_time", "length", "cpus", "requested",
					      "partition", "user", "account" };

struct csv_row {
	double arrival, length, cpus, requested;
	const char *partition, *user, *account;
	long line;
};

static int csv_header(char *line, int *col, int *ncols, const char *name, long lineno, struct sc_err *err)
{
	char *f[MAX_FIELDS];
	int n = sc_csv_split(line, ',', 1, f, MAX_FIELDS, err);

	if (n < 0)
		return sc_err_prefix(err, "%s:%ld: ", name, lineno);
	if (n > MAX_FIELDS)
		return sc_err_set(err, "%s:%ld: more than %d columns", name, lineno, MAX_FIELDS);
	*ncols = n;
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	for (int i = 0; i < n; i++) {
		const char *s = sc_csv_trim(f[i]);

		for (int c = 0; c < NCOLS; c++) {
			if (strcasecmp(s, csv_names[c]) == 0 ||
			    (c == C_REQUESTED && strcasecmp(s, "requested_time") == 0)) {
				if (col[c] >= 0)
					return sc_err_set(err, "%s:%ld: column '%s' appears twice", name, lineno,
							  csv_names[c]);
				col[c] = i;
			}
		}
	}
	for (int c = 0; c <= C_CPUS; c++)
		if (col[c] < 0)
			return sc_err_set(err,
					  "%s:%ld: the header has no column '%s': a CSV trace needs the columns arrival_time,length,cpus "
					  "(optionally requested, partition, user, account)",
					  name, lineno, csv_names[c]);
	return 0;
}

static int csv_row(struct sc_trace *t, char *line, const int *col, int ncols, const char *name,
		   long lineno, struct csv_row *r, struct sc_err *err)
{
	char *f[MAX_FIELDS];
	int n = sc_csv_split(line, ',', 1, f, MAX_FIELDS, err), oom = 0;

	if (n < 0)
		return sc_err_prefix(err, "%s:%ld: ", name, lineno);
	if (n != ncols)
		return sc_err_set(err, "%s:%ld: expected %d fields as in the header, found %d", name, lineno, ncols, n);
	memset(r, 0, sizeof(*r));
	r->line = lineno;
	if (sc_parse_number(f[col[C_ARRIVAL]], 0, 1e12, "arrival_time", &r->arrival, err) < 0 ||
	    sc_parse_number(f[col[C_LENGTH]], 0, 1e12, "length", &r->length, err) < 0 ||
	    sc_parse_number(f[col[C_CPUS]], 0, CPUS_MAX, "cpus", &r->cpus, err) < 0)
		return sc_err_prefix(err, "%s:%ld: ", name, lineno);
	if (col[C_REQUESTED] >= 0 && *f[col[C_REQUESTED]] &&
	    sc_parse_number(f[col[C_REQUESTED]], 0, 1e12, "requested", &r->requested, err) < 0)
		return sc_err_prefix(err, "%s:%ld: ", name, lineno);
	if (col[C_PARTITION] >= 0)
		r->partition = intern(t, f[col[C_PARTITION]], &oom);
	if (col[C_USER] >= 0)
		r->user = intern(t, f[col[C_USER]], &oom);
	if (col[C_ACCOUNT] >= 0)
		r->account = intern(t, f[col[C_ACCOUNT]], &oom);
	if (oom)
		return sc_err_set(err, "out of memory");
	return 0;
}

/* Converts the CSV rows once the unit is known. */
static int csv_finish(struct sc_trace *t, struct csv_row *rows, size_t n, enum sc_trace_unit unit,
		      const char *name, struct sc_err *err)
{
	double scale, max_arrival = 0, max_length = 0;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].arrival > max_arrival)
			max_arrival = rows[i].arrival;
		if (rows[i].length > max_length)
			max_length = rows[i].length;
	}
	if (unit == SC_UNIT_AUTO)
		unit = (max_arrival > 10 * 8784.0 || max_length > 8784.0) ? SC_UNIT_SECONDS : SC_UNIT_HOURS;
	t->unit = unit;
	scale = unit == SC_UNIT_HOURS ? 3600 : unit == SC_UNIT_MINUTES ? 60 : 1;
	for (size_t i = 0; i < n; i++) {
		struct csv_row *r = &rows[i];
		struct sc_trace_job *j;

		if (r->length * scale > TIME_MAX_S || r->requested * scale > TIME_MAX_S ||
		    r->arrival * scale > 1e11)
			return sc_err_set(err, "%s:%ld: a time is out of range (at most ten years of run or requested time) in %s",
					  name, r->line, unit == SC_UNIT_HOURS ? "hours" :
					  unit == SC_UNIT_MINUTES ? "minutes" : "seconds");
		if (r->length <= 0 || r->cpus <= 0) {
			t->skipped++;
			continue;
		}
		j = new_job(t);
		if (!j)
			return sc_err_set(err, "out of memory");
		j->line = (uint32_t)r->line;
		j->submit = (int64_t)llround(r->arrival * scale);
		j->runtime = (int64_t)llround(r->length * scale);
		if (j->runtime < 1)
			j->runtime = 1;
		j->requested = r->requested > 0 ? (int64_t)ceil(r->requested * scale) : 0;
		j->cpus = (uint32_t)ceil(r->cpus);
		j->partition = r->partition;
		j->user = r->user;
		j->account = r->account;
	}
	return 0;
}

/* ---------------------------------------------------------------- sacct */

/* sacct traces go through acct/'s reader (steps folded into their job,
 * arrays, heterogeneous jobs, fields with the separator inside); what the
 * simulator adds is strictness: a value it needs that can't be read stops
 * the reading with the file and line. */

/* The odd values that stop a trace, in the order they are reported. */
static const unsigned sacct_fatal[] = { SC_ODD_TIME, SC_ODD_ELAPSED, SC_ODD_COUNT, SC_ODD_TIMELIMIT,
					SC_ODD_REQMEM, SC_ODD_TRES };

struct sacct_trace {
	struct sc_sacct *r;
	struct sc_trace *t;
	const char *name;
	long offset;   /* the header's line in the file − 1 */
	int has_start;
	struct sc_err *err;
};

static int sacct_open(struct sacct_trace *st, const char *header, const char *name, long lineno,
		      struct sc_err *err)
{
	st->r = sc_sacct_create(header, 0, err);
	if (!st->r)
		return sc_err_prefix(err, "%s:%ld: ", name, lineno);
	if (!sc_sacct_has_column(st->r, "Submit") || !sc_sacct_has_column(st->r, "NCPUS") ||
	    (!sc_sacct_has_column(st->r, "Elapsed") && !sc_sacct_has_column(st->r, "ElapsedRaw") &&
	     (!sc_sacct_has_column(st->r, "Start") || !sc_sacct_has_column(st->r, "End"))))
		return sc_err_set(err,
				  "%s:%ld: a sacct trace needs a header with the columns Submit, Elapsed (or ElapsedRaw, or "
				  "Start and End) and NCPUS (or AllocCPUS); e.g. sacct -P -X -o "
				  "JobID,Submit,Start,Elapsed,Timelimit,NCPUS,NNodes,ReqMem,AllocTRES,Partition,User,Account,QOS,State",
				  name, lineno);
	st->name = name;
	st->offset = lineno - 1;
	st->has_start = sc_sacct_has_column(st->r, "Start");
	st->err = err;
	return 0;
}

static int sacct_job(const struct sc_acct_job *aj, void *arg)
{
	struct sacct_trace *st = arg;
	struct sc_trace *t = st->t;
	long line = aj->line + st->offset;
	struct sc_trace_job *j;
	int oom = 0;

	for (size_t k = 0; k < sizeof(sacct_fatal) / sizeof(sacct_fatal[0]); k++)
		if (aj->odd & sacct_fatal[k])
			return sc_err_set(st->err, "%s:%ld: %s", st->name, line,
					  aj->odd_why[__builtin_ctz(sacct_fatal[k])]);
	if (!aj->submit)
		return sc_err_set(st->err, "%s:%ld: Submit is unknown: every job needs a submit time", st->name,
				  line);
	if ((st->has_start && !aj->ran) || aj->elapsed <= 0 || aj->ncpus <= 0) {
		t->skipped++; /* never started, still running with no Elapsed, or never ran */
		return 0;
	}
	if ((double)aj->elapsed > TIME_MAX_S || (double)aj->timelimit > TIME_MAX_S ||
	    (double)aj->ncpus > CPUS_MAX || (double)aj->nnodes > CPUS_MAX)
		return sc_err_set(st->err, "%s:%ld: run time, time limit, CPUs or nodes out of range (at most ten years and %g CPUs or nodes)",
				  st->name, line, CPUS_MAX);
	j = new_job(t);
	if (!j)
		return sc_err_set(st->err, "out of memory");
	j->line = (uint32_t)line;
	j->submit = aj->submit;
	j->runtime = aj->elapsed;
	j->requested = aj->timelimit > 0 ? aj->timelimit : 0;
	j->cpus = (uint32_t)aj->ncpus;
	j->nodes = aj->nnodes > 0 ? (uint32_t)aj->nnodes : 0;
	j->gpus = aj->gpus <= UINT32_MAX ? (uint32_t)aj->gpus : 0;
	if (aj->req_mem_mb >= 0) {
		if (aj->req_mem_per == 'c')
			j->mem_per_cpu_mb = (uint64_t)ceil(aj->req_mem_mb);
		else if (aj->req_mem_per == 'n')
			j->mem_per_node_mb = (uint64_t)ceil(aj->req_mem_mb);
		else /* per job (22.05 on): spread over the nodes */
			j->mem_per_node_mb = (uint64_t)ceil(aj->req_mem_mb / (j->nodes > 1 ? j->nodes : 1));
	}
	j->partition = intern(t, aj->partition, &oom);
	j->user = intern(t, aj->user, &oom);
	j->account = intern(t, aj->account, &oom);
	j->qos = intern(t, aj->qos, &oom);
	j->name = intern(t, aj->name, &oom);
	if (oom)
		return sc_err_set(st->err, "out of memory");
	return 0;
}

/* One line after the header (blank ones too: the reader counts lines). */
static int sacct_line(struct sacct_trace *st, char *line, long lineno, struct sc_err *err)
{
	struct sc_err e = { "" };

	if (sc_sacct_feed(st->r, line, sacct_job, st, &e) != 0)
		return -1;
	if (e.msg[0])
		return sc_err_set(err, "%s:%ld: %s", st->name, lineno, e.msg);
	return 0;
}

static int sacct_close(struct sacct_trace *st)
{
	const struct sc_sacct_stats *stats = sc_sacct_stats(st->r);

	if (sc_sacct_finish(st->r, sacct_job, st) != 0)
		return -1;
	/* Steps are counted once with their job; pending array ranges never ran. */
	st->t->skipped += (size_t)(stats->steps + stats->orphan_steps + stats->pending);
	return 0;
}

/* --------------------------------------------------------------- driver */

static enum sc_trace_format detect(const char *line)
{
	char buf[512], *f[20];
	size_t n = strlen(line);
	int k;

	if (line[0] == ';')
		return SC_TRACE_SWF;
	if (strchr(line, '|') || strchr(line, '\x1f'))
		return SC_TRACE_SACCT;
	if (n < sizeof(buf)) {
		memcpy(buf, line, n + 1);
		k = split_blanks(buf, f, 20);
		if (k == 18 && !strchr(line, ','))
			return SC_TRACE_SWF;
	}
	return SC_TRACE_CSV;
}

/* sc_trace_read_stream with name already printable. */
static struct sc_trace *read_stream(FILE *f, const char *name, enum sc_trace_format format,
				    enum sc_trace_unit unit, struct sc_err *err)
{
	struct sc_trace *t = calloc(1, sizeof(*t));
	struct csv_row *rows = NULL;
	size_t nrows = 0, caprows = 0;
	char *line = NULL;
	size_t cap = 0;
	long len, lineno = 0;
	int col[NCOLS], ncols = 0, have_header = 0;
	int any = 0;
	struct sacct_trace sacct = { 0 };

	if (!t) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	sacct.t = t;
	while ((len = sc_read_line(f, &line, &cap, 0)) >= 0) {
		const char *p = line;

		lineno++;
		if (sacct.r) {
			if (sacct_line(&sacct, line, lineno, err) < 0)
				goto error;
			continue;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\r')
			continue;
		if (format == SC_TRACE_AUTO)
			format = detect(p);
		any = 1;
		switch (format) {
		case SC_TRACE_SWF:
			if (*p == ';') {
				if (swf_header(p, t, name, lineno, err) < 0)
					goto error;
				continue;
			}
			if (swf_row(t, line, name, lineno, err) < 0)
				goto error;
			break;
		case SC_TRACE_CSV:
			if (*p == '#')
				continue;
			if (!have_header) {
				if (csv_header(line, col, &ncols, name, lineno, err) < 0)
					goto error;
				have_header = 1;
				continue;
			}
			if (nrows == caprows) {
				size_t nc = caprows ? caprows * 2 : 1024;
				struct csv_row *nr = realloc(rows, nc * sizeof(*nr));
				if (!nr) {
					sc_err_set(err, "out of memory");
					goto error;
				}
				rows = nr;
				caprows = nc;
			}
			if (csv_row(t, line, col, ncols, name, lineno, &rows[nrows], err) < 0)
				goto error;
			nrows++;
			break;
		case SC_TRACE_SACCT:
			if (sacct_open(&sacct, line, name, lineno, err) < 0)
				goto error;
			have_header = 1;
			continue;
		case SC_TRACE_AUTO:
			break;
		}
	}
	if (len == -2) {
		sc_err_set(err, "%s:%ld: line %ld is longer than %zu bytes: expected a job trace (SWF, CSV or sacct -P output)",
			   name, lineno + 1, lineno + 1, SC_LINE_MAX);
		goto error;
	}
	if (ferror(f)) {
		sc_err_set(err, "%s: read error", name);
		goto error;
	}
	if (!any || ((format == SC_TRACE_CSV || format == SC_TRACE_SACCT) && !have_header)) {
		sc_err_set(err, "%s: the trace is empty: expected %s", name,
			   format == SC_TRACE_SACCT ? "sacct -P output with its header line"
			   : format == SC_TRACE_CSV ? "a header arrival_time,length,cpus and one row per job"
			   : "a job trace (SWF, CSV or sacct -P output)");
		goto error;
	}
	if (sacct.r && sacct_close(&sacct) < 0)
		goto error;
	t->format = format;
	if (format == SC_TRACE_CSV) {
		t->relative = 1;
		if (csv_finish(t, rows, nrows, unit, name, err) < 0)
			goto error;
	} else if (format == SC_TRACE_SWF) {
		if (t->unix_start > 0)
			for (size_t i = 0; i < t->n; i++)
				t->jobs[i].submit += t->unix_start;
		else
			t->relative = 1;
	}
	sort_jobs(t);
	sc_sacct_destroy(sacct.r);
	free(rows);
	free(line);
	return t;
error:
	sc_sacct_destroy(sacct.r);
	free(rows);
	free(line);
	sc_trace_destroy(t);
	return NULL;
}

struct sc_trace *sc_trace_read_stream(FILE *f, const char *name, enum sc_trace_format format,
				      enum sc_trace_unit unit, struct sc_err *err)
{
	char pname[SC_PRINTABLE_MAX];

	/* The name is quoted in every message: printable once, here. */
	return read_stream(f, sc_printable(pname, sizeof(pname), name), format, unit, err);
}

struct sc_trace *sc_trace_read(const char *path, enum sc_trace_format format,
			       enum sc_trace_unit unit, struct sc_err *err)
{
	FILE *f = sc_open_regular(path, "trace", 0, err);
	struct sc_trace *t;

	if (!f)
		return NULL;
	t = sc_trace_read_stream(f, path, format, unit, err);
	fclose(f);
	return t;
}
