/* slurm-carbon: a robust reader of `sacct --parsable2` output.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/sacct.h"

/* Over-long lines in a row after which the input is taken for an endless line. */
#define SACCT_LONG_LINES_MAX 3
#include "forecast/csvfile.h"
#include "base/grow.h"
#include "base/units.h"

/* Columns the reader understands. */
enum col {
	C_JOBID, C_JOBIDRAW, C_CLUSTER, C_USER, C_ACCOUNT, C_PARTITION, C_STATE,
	C_SUBMIT, C_ELIGIBLE, C_START, C_END, C_ELAPSEDRAW, C_ELAPSED, C_NNODES,
	C_NCPUS, C_ALLOCTRES, C_REQMEM, C_CPUTIMERAW, C_TOTALCPU, C_ENERGY,
	C_ADMINCOMMENT, C_SYSTEMCOMMENT, C_TIMELIMIT, C_TIMELIMITRAW, C_QOS, C_COUNT
};

/* The names of each column, best first: when a header has two names of one
 * column, the one listed first here is read. */
static const struct {
	const char *name;
	enum col col;
} col_names[] = {
	{ "JobID", C_JOBID }, { "JobIDRaw", C_JOBIDRAW }, { "Cluster", C_CLUSTER },
	{ "User", C_USER }, { "Account", C_ACCOUNT }, { "Partition", C_PARTITION },
	{ "State", C_STATE }, { "Submit", C_SUBMIT }, { "Eligible", C_ELIGIBLE },
	{ "Start", C_START }, { "End", C_END }, { "ElapsedRaw", C_ELAPSEDRAW },
	{ "Elapsed", C_ELAPSED }, { "NNodes", C_NNODES }, { "AllocNodes", C_NNODES },
	{ "ReqNodes", C_NNODES }, { "NCPUS", C_NCPUS }, { "AllocCPUS", C_NCPUS },
	{ "ReqCPUS", C_NCPUS }, { "AllocTRES", C_ALLOCTRES }, { "ReqTRES", C_ALLOCTRES },
	{ "ReqMem", C_REQMEM }, { "CPUTimeRAW", C_CPUTIMERAW }, { "TotalCPU", C_TOTALCPU },
	{ "ConsumedEnergyRaw", C_ENERGY }, { "AdminComment", C_ADMINCOMMENT },
	{ "SystemComment", C_SYSTEMCOMMENT }, { "Timelimit", C_TIMELIMIT },
	{ "TimelimitRaw", C_TIMELIMITRAW }, { "QOS", C_QOS },
};

/* Columns that hold free text and may contain the separator. */
static const char *const free_text[] = {
	"AdminComment", "SystemComment", "Comment", "JobName", "SubmitLine", "WorkDir",
	"Constraints", NULL,
};

#define MAX_FREE 4     /* free-text columns considered for a repair */
#define MAX_EXTRA 16   /* extra fields a repair may give back */
#define MAX_COMBOS 4096

struct piece_count {
	int open, close, dquote, bquote;
};

struct sc_sacct {
	char sep;
	int ncols;              /* columns in the header */
	int col[C_COUNT];       /* header index of each known column, -1 absent */
	int rank[C_COUNT];      /* the col_names entry that named it */
	int free_idx[MAX_FREE]; /* header indexes of free-text columns */
	int nfree;
	char **fields;          /* ncols + MAX_EXTRA + 1 slots */
	char **joined;          /* ncols slots: the fields after a repair */
	struct piece_count *pc; /* per split field */

	/* The job being assembled (its line is copied: steps come after it). */
	int have_job;
	char *jbuf;
	size_t jcap;
	struct sc_acct_job job;
	struct sc_err why[SC_ODD_BITS]; /* job.odd_why[k] points to why[k].msg */
	struct sc_sacct_stats stats;
};

static const char *const empty = "";

struct sc_sacct *sc_sacct_create(const char *header, char sep, struct sc_err *err)
{
	struct sc_sacct *r = calloc(1, sizeof(*r));
	char *h = header ? strdup(header) : NULL;
	char **f = NULL;
	int n;

	if (!r || !h) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	if (!sep)
		sep = strchr(h, '\x1f') ? '\x1f' : '|';
	r->sep = sep;
	n = sc_csv_split(h, sep, 0, NULL, 0, NULL);
	if (n <= 0 || n > 4096) {
		sc_err_set(err, "sacct header: %d columns; expected a `sacct -P` header such as %s",
			   n, SC_SACCT_FIELDS);
		goto error;
	}
	f = calloc((size_t)n, sizeof(*f));
	r->fields = calloc((size_t)n + MAX_EXTRA + 1, sizeof(*r->fields));
	r->joined = calloc((size_t)n, sizeof(*r->joined));
	r->pc = calloc((size_t)n + MAX_EXTRA + 1, sizeof(*r->pc));
	if (!f || !r->fields || !r->joined || !r->pc) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	/* The count pass above left h intact only up to the first separator:
	 * split a fresh copy. */
	free(h);
	h = strdup(header);
	if (!h) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	sc_csv_split(h, sep, 0, f, n, NULL);
	r->ncols = n;
	for (int c = 0; c < C_COUNT; c++)
		r->col[c] = -1;
	for (int i = 0; i < n; i++) {
		const char *name = sc_csv_trim(f[i]);

		for (int k = 0; k < (int)(sizeof(col_names) / sizeof(col_names[0])); k++) {
			enum col c = col_names[k].col;
			if (strcasecmp(name, col_names[k].name) == 0 && (r->col[c] < 0 || k < r->rank[c])) {
				r->col[c] = i;
				r->rank[c] = k;
			}
		}
		for (int k = 0; free_text[k]; k++)
			if (strcasecmp(name, free_text[k]) == 0 && r->nfree < MAX_FREE)
				r->free_idx[r->nfree++] = i;
	}
	r->stats.lines = 1;
	free(f);
	free(h);
	return r;
error:
	free(f);
	free(h);
	sc_sacct_destroy(r);
	return NULL;
}

void sc_sacct_destroy(struct sc_sacct *r)
{
	if (!r)
		return;
	free(r->fields);
	free(r->joined);
	free(r->pc);
	free(r->jbuf);
	free(r);
}

const struct sc_sacct_stats *sc_sacct_stats(const struct sc_sacct *r)
{
	return &r->stats;
}

int sc_sacct_has_column(const struct sc_sacct *r, const char *name)
{
	for (size_t k = 0; name && k < sizeof(col_names) / sizeof(col_names[0]); k++)
		if (strcasecmp(name, col_names[k].name) == 0)
			return r->col[col_names[k].col] >= 0;
	return 0;
}

static int has_jobid(const struct sc_sacct *r)
{
	return r->col[C_JOBID] >= 0 || r->col[C_JOBIDRAW] >= 0;
}

/* ---- field parsers ------------------------------------------------------ */

static char *trimmed(const char *s, char *buf, size_t n)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	snprintf(buf, n, "%s", s);
	len = strlen(buf);
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	return buf;
}

/* A count; what names it in messages. */
static int parse_count(const char *s, const char *what, int64_t *n, struct sc_err *err)
{
	double v;

	if (sc_parse_number(s, 0, 9007199254740992.0, what, &v, err) < 0)
		return -1;
	if (v != floor(v))
		return sc_err_set(err, "invalid %s '%s': expected a whole number", what, SC_PRINTABLE(s));
	*n = (int64_t)v;
	return 0;
}

int sc_acct_parse_count(const char *s, int64_t *n, struct sc_err *err)
{
	return parse_count(s, "count", n, err);
}

int sc_acct_parse_time(const char *s, int64_t *t, struct sc_err *err)
{
	char b[64];

	trimmed(s ? s : "", b, sizeof(b));
	if (!*b || strcasecmp(b, "Unknown") == 0 || strcasecmp(b, "None") == 0) {
		*t = 0;
		return 0;
	}
	/* sc_parse_time also takes `now`: an accounting time is never relative. */
	if (strncasecmp(b, "now", 3) == 0)
		return sc_err_set(err, "invalid time '%s': expected YYYY-MM-DDTHH:MM:SS", SC_PRINTABLE(b));
	return sc_parse_time(b, 0, t, err);
}

int sc_acct_parse_cputime(const char *s, double *secs, struct sc_err *err)
{
	char b[64], *dot;
	double frac = 0;
	int64_t whole;

	trimmed(s ? s : "", b, sizeof(b));
	if (!*b)
		return sc_err_set(err, "empty CPU time");
	dot = strrchr(b, '.');
	if (dot) {
		char fb[40];
		if (strlen(dot + 1) == 0 || strlen(dot + 1) > 9 || strspn(dot + 1, "0123456789") != strlen(dot + 1))
			return sc_err_set(err, "invalid CPU time '%s': expected [d-][hh:]mm:ss[.fff]", SC_PRINTABLE(b));
		snprintf(fb, sizeof(fb), "0.%s", dot + 1);
		if (sc_parse_number(fb, 0, 1, "fraction", &frac, NULL) < 0)
			return sc_err_set(err, "invalid CPU time '%s': expected [d-][hh:]mm:ss[.fff]", SC_PRINTABLE(b));
		*dot = '\0';
	}
	if (sc_parse_duration(b, 0, &whole, NULL) < 0)
		return sc_err_set(err, "invalid CPU time '%s': expected [d-][hh:]mm:ss[.fff] up to 365 days", SC_PRINTABLE(s));
	*secs = (double)whole + frac;
	return 0;
}

static double unit_factor_mb(char u)
{
	switch (toupper((unsigned char)u)) {
	case 'K': return 1.0 / 1024;
	case 'M': return 1;
	case 'G': return 1024;
	case 'T': return 1024.0 * 1024;
	case 'P': return 1024.0 * 1024 * 1024;
	default: return -1;
	}
}

/* "8000M", "1.50G", "2048" (MB) to MB. */
static int parse_mem_value(const char *v, double *mb, struct sc_err *err)
{
	char b[64];
	size_t len;
	double x, f = 1;

	trimmed(v, b, sizeof(b));
	len = strlen(b);
	if (len && isalpha((unsigned char)b[len - 1])) {
		f = unit_factor_mb(b[len - 1]);
		if (f < 0)
			return sc_err_set(err, "unknown memory unit in '%s': expected K, M, G, T or P", SC_PRINTABLE(v));
		b[--len] = '\0';
	}
	if (sc_parse_number(b, 0, 1e15, "memory", &x, err) < 0)
		return -1;
	*mb = x * f;
	return 0;
}

int sc_acct_parse_tres(const char *s, struct sc_tres *out, struct sc_err *err)
{
	struct sc_tres t = { -1, -1, -1, -1, -1 };
	int64_t typed_gpus = -1;
	int rc = 0;
	const char *p = s ? s : "";

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[256], *eq, *key, *val;
		struct sc_err e;

		if (len >= sizeof(item)) {
			rc = sc_err_set(err, "TRES entry too long in '%s'", SC_PRINTABLE_N(s, 60));
			goto next;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		eq = strchr(item, '=');
		if (!eq) {
			if (len)
				rc = sc_err_set(err, "TRES entry '%s' has no '='; expected name=value", SC_PRINTABLE(item));
			goto next;
		}
		*eq = '\0';
		key = item;
		val = eq + 1;
		if (strcasecmp(key, "mem") == 0) {
			if (parse_mem_value(val, &t.mem_mb, &e) < 0)
				rc = sc_err_set(err, "TRES mem: %s", e.msg);
		} else if (strcasecmp(key, "cpu") == 0 || strcasecmp(key, "node") == 0 ||
			   strcasecmp(key, "gres/gpu") == 0 || strncasecmp(key, "gres/gpu:", 9) == 0) {
			int64_t v;
			if (sc_acct_parse_count(val, &v, &e) < 0) {
				rc = sc_err_set(err, "TRES %s: %s", SC_PRINTABLE(key), e.msg);
			} else if (strcasecmp(key, "cpu") == 0) {
				t.cpu = v;
			} else if (strcasecmp(key, "node") == 0) {
				t.node = v;
			} else if (strcasecmp(key, "gres/gpu") == 0) {
				t.gpu = v;
			} else {
				typed_gpus = (typed_gpus < 0 ? 0 : typed_gpus) + v;
			}
		} else if (strcasecmp(key, "energy") == 0) {
			int64_t v;
			if (sc_acct_parse_count(val, &v, &e) < 0)
				rc = sc_err_set(err, "TRES energy: %s", e.msg);
			else
				t.energy_j = (double)v;
		}
next:
		if (!end)
			break;
		p = end + 1;
	}
	/* A typed entry repeats the untyped one when both are given. */
	if (t.gpu < 0)
		t.gpu = typed_gpus;
	*out = t;
	return rc;
}

int sc_acct_parse_reqmem(const char *s, double *mb, char *per, struct sc_err *err)
{
	char b[64];
	size_t len;
	char p = 0;
	double v;
	struct sc_err e;

	trimmed(s ? s : "", b, sizeof(b));
	len = strlen(b);
	if (len && (b[len - 1] == 'n' || b[len - 1] == 'c')) {
		p = b[len - 1];
		b[--len] = '\0';
	}
	if (!len)
		return sc_err_set(err, "empty ReqMem");
	if (parse_mem_value(b, &v, &e) < 0)
		return sc_err_set(err, "invalid ReqMem '%s': %s", SC_PRINTABLE(s), e.msg);
	if (v <= 0)
		return sc_err_set(err, "ReqMem '%s' gives no figure (all memory of the node)", SC_PRINTABLE(s));
	*mb = v;
	*per = p;
	return 0;
}

/* ---- lines -------------------------------------------------------------- */

static int is_sentinel(double j)
{
	/* NO_VAL and INFINITE, 32 and 64 bits, as sacct may print them. */
	return j == 4294967294.0 || j == 4294967295.0 || j >= 9007199254740992.0;
}

static int balanced(const struct piece_count *c)
{
	return c->open == c->close && c->dquote % 2 == 0 && c->bquote % 2 == 0;
}

static void count_piece(const char *s, struct piece_count *c)
{
	memset(c, 0, sizeof(*c));
	for (; *s; s++) {
		c->open += *s == '{';
		c->close += *s == '}';
		c->dquote += *s == '"';
		c->bquote += *s == '`';
	}
}

/* Maps nf split fields onto r->ncols columns in r->joined, giving the extra
 * ones to free-text columns. Returns 0, or -1 when that can't be done. */
static int assign_fields(struct sc_sacct *r, int nf)
{
	int extra = nf - r->ncols;
	int share[MAX_FREE] = { 0 };
	long combos = 0;

	if (extra == 0) {
		for (int i = 0; i < r->ncols; i++)
			r->joined[i] = r->fields[i];
		return 0;
	}
	if (extra < 0 || extra > MAX_EXTRA || r->nfree == 0)
		return -1;
	for (int i = 0; i < nf; i++)
		count_piece(r->fields[i], &r->pc[i]);
	/* Enumerate the ways to share `extra` among the free columns: share[]
	 * counts in base extra+1, keeping those that sum to extra. */
	for (;;) {
		int sum = 0, ok = 1;
		for (int j = 0; j < r->nfree; j++)
			sum += share[j];
		if (sum == extra) {
			int at = 0;
			for (int i = 0; i < r->ncols && ok; i++) {
				int take = 1, is_free = 0;
				for (int j = 0; j < r->nfree; j++)
					if (r->free_idx[j] == i) {
						take += share[j];
						is_free = 1;
					}
				if (is_free) {
					struct piece_count c = { 0, 0, 0, 0 };
					for (int k = at; k < at + take; k++) {
						c.open += r->pc[k].open;
						c.close += r->pc[k].close;
						c.dquote += r->pc[k].dquote;
						c.bquote += r->pc[k].bquote;
					}
					ok = balanced(&c);
					/* A column that opens a JSON object closes it. */
					if (ok && r->fields[at][0] == '{') {
						const char *last = r->fields[at + take - 1];
						size_t ll = strlen(last);
						ok = ll && last[ll - 1] == '}';
					}
				}
				at += take;
			}
			if (ok) {
				int at2 = 0;
				for (int i = 0; i < r->ncols; i++) {
					int take = 1;
					for (int j = 0; j < r->nfree; j++)
						if (r->free_idx[j] == i)
							take += share[j];
					r->joined[i] = r->fields[at2];
					/* Put the separators back between the pieces. */
					for (int k = at2; k < at2 + take - 1; k++)
						r->fields[k][strlen(r->fields[k])] = r->sep;
					at2 += take;
				}
				return 0;
			}
		}
		if (++combos > MAX_COMBOS)
			return -1;
		{
			int j = 0;
			while (j < r->nfree && ++share[j] > extra)
				share[j++] = 0;
			if (j == r->nfree)
				return -1;
		}
	}
}

static const char *get(const struct sc_sacct *r, enum col c)
{
	int i = r->col[c];

	return i >= 0 && r->joined[i] ? r->joined[i] : empty;
}

/* The job part of a JobID: up to the first '.' (n characters). */
static size_t job_part(const char *id)
{
	const char *dot = strchr(id, '.');

	return dot ? (size_t)(dot - id) : strlen(id);
}

static int state_running(const char *st)
{
	static const char *const live[] = { "PENDING", "RUNNING", "SUSPENDED", "REQUEUED",
					    "RESIZING", "REQUEUE_HOLD", "REQUEUE_FED",
					    "CONFIGURING", "COMPLETING", "SIGNALING",
					    "STAGE_OUT", "STOPPED", NULL };

	for (int i = 0; live[i]; i++) {
		size_t n = strlen(live[i]);
		if (strncasecmp(st, live[i], n) == 0 && (!st[n] || st[n] == ' '))
			return 1;
	}
	return 0;
}

/* For odd(): the message names the column itself. */
#define NO_COL C_COUNT

/* Marks the job odd for flag, keeping the first reason: "<col>: <msg>",
 * or msg alone for NO_COL. */
static void odd(struct sc_sacct *r, unsigned flag, enum col col, const char *msg)
{
	int k = __builtin_ctz(flag);

	if (r->job.odd & flag)
		return;
	r->job.odd |= flag;
	if (col == NO_COL)
		snprintf(r->why[k].msg, sizeof(r->why[k].msg), "%s", msg);
	else
		snprintf(r->why[k].msg, sizeof(r->why[k].msg), "%s: %s", col_names[r->rank[col]].name, msg);
	r->job.odd_why[k] = r->why[k].msg;
}

/* A time column into *t (0: unknown). */
static void read_time(struct sc_sacct *r, enum col c, int64_t *t)
{
	struct sc_err e;

	if (sc_acct_parse_time(get(r, c), t, &e) < 0)
		odd(r, SC_ODD_TIME, c, e.msg);
}

/* A count column into *n; -1 when empty or unreadable. */
static void read_count(struct sc_sacct *r, enum col c, unsigned flag, int64_t *n)
{
	const char *s = get(r, c);
	struct sc_err e;

	*n = -1;
	if (*s && parse_count(s, col_names[r->rank[c]].name, n, &e) < 0) {
		*n = -1;
		odd(r, flag, NO_COL, e.msg);
	}
}

static void read_timelimit(struct sc_sacct *r)
{
	struct sc_acct_job *j = &r->job;
	const char *raw = get(r, C_TIMELIMITRAW), *tl = get(r, C_TIMELIMIT);
	int raw_unlimited = strcasecmp(raw, "UNLIMITED") == 0;
	struct sc_err e;
	int64_t v;

	j->timelimit = -1;
	if (*raw && !raw_unlimited && strcasecmp(raw, "Partition_Limit") != 0) {
		if (parse_count(raw, "TimelimitRaw", &v, &e) < 0)
			odd(r, SC_ODD_TIMELIMIT, NO_COL, e.msg);
		else
			j->timelimit = v * 60;
	} else if (*tl && strcasecmp(tl, "Partition_Limit") != 0) {
		if (sc_parse_duration(tl, SC_DUR_ALLOW_UNLIMITED, &v, &e) < 0)
			odd(r, SC_ODD_TIMELIMIT, C_TIMELIMIT, e.msg);
		else
			j->timelimit = v == SC_DURATION_UNLIMITED ? 0 : v;
	} else if (raw_unlimited) {
		j->timelimit = 0;
	}
}

/* The job's identity and its text fields (pointing into r->jbuf). */
static void read_ids(struct sc_sacct *r)
{
	struct sc_acct_job *j = &r->job;
	const char *plus;
	int64_t v;

	j->jobid = get(r, C_JOBID);
	j->jobid_raw = get(r, C_JOBIDRAW);
	if (!*j->jobid)
		j->jobid = j->jobid_raw;
	if (!*j->jobid_raw)
		j->jobid_raw = j->jobid;
	j->cluster = get(r, C_CLUSTER);
	j->user = get(r, C_USER);
	j->account = get(r, C_ACCOUNT);
	j->partition = get(r, C_PARTITION);
	j->qos = get(r, C_QOS);
	j->state = get(r, C_STATE);
	j->admin_comment = get(r, C_ADMINCOMMENT);
	j->system_comment = get(r, C_SYSTEMCOMMENT);
	plus = strchr(j->jobid, '+');
	j->het_offset = -1;
	if (plus && sc_acct_parse_count(plus + 1, &v, NULL) == 0 && v < 1000000)
		j->het_offset = (int)v;
	j->array_task = strchr(j->jobid, '_') != NULL;
}

/* ElapsedRaw, else Elapsed, else End − Start; -1 when unknown. */
static void read_elapsed(struct sc_sacct *r)
{
	struct sc_acct_job *j = &r->job;
	const char *raw = get(r, C_ELAPSEDRAW), *el = get(r, C_ELAPSED);
	struct sc_err e = { "" }, e2 = { "" };
	int64_t v, el_s;

	j->elapsed = -1;
	if (*raw && parse_count(raw, "ElapsedRaw", &v, &e) == 0)
		j->elapsed = v;
	else if (*el && sc_parse_duration(el, 0, &el_s, &e2) == 0)
		j->elapsed = el_s;
	else {
		/* Unreadable, or empty for a job that started: worth a note. */
		if (e.msg[0])
			odd(r, SC_ODD_ELAPSED, NO_COL, e.msg);
		else if (e2.msg[0])
			odd(r, SC_ODD_ELAPSED, C_ELAPSED, e2.msg);
		else if ((r->col[C_ELAPSEDRAW] >= 0 || r->col[C_ELAPSED] >= 0) && j->start > 0)
			odd(r, SC_ODD_ELAPSED, NO_COL, "Elapsed is empty for a job that started");
		if (j->start > 0 && j->end >= j->start)
			j->elapsed = j->end - j->start;
	}
}

/* ReqMem, and the job's memory: AllocTRES's, else ReqMem per CPU or node
 * times their count; -1 when unknown. */
static void read_memory(struct sc_sacct *r, const struct sc_tres *tres)
{
	struct sc_acct_job *j = &r->job;
	const char *s = get(r, C_REQMEM);
	struct sc_err e;
	double d;

	j->req_mem_mb = -1;
	/* `0`, `0n`, `0c` (all memory of a node) give no figure. */
	if (*s && strcmp(s, "0") != 0 && strcmp(s, "0n") != 0 && strcmp(s, "0c") != 0) {
		char per;
		if (sc_acct_parse_reqmem(s, &d, &per, &e) == 0) {
			j->req_mem_mb = d;
			j->req_mem_per = per;
		} else {
			odd(r, SC_ODD_REQMEM, NO_COL, e.msg);
		}
	}
	j->mem_mb = tres->mem_mb;
	if (j->mem_mb < 0 && j->req_mem_mb >= 0) {
		if (j->req_mem_per == 'c')
			j->mem_mb = j->ncpus > 0 ? j->req_mem_mb * (double)j->ncpus : -1;
		else if (j->req_mem_per == 'n')
			j->mem_mb = j->nnodes > 0 ? j->req_mem_mb * (double)j->nnodes : -1;
		else
			j->mem_mb = j->req_mem_mb;
	}
}

/* CPUTimeRAW (else NCPUS × elapsed) and TotalCPU, clamped to it. */
static void read_cpu_time(struct sc_sacct *r)
{
	struct sc_acct_job *j = &r->job;
	const char *s;
	struct sc_err e;
	int64_t v;
	double d;

	j->cpu_time_s = -1;
	read_count(r, C_CPUTIMERAW, SC_ODD_CPUTIME, &v);
	if (v >= 0)
		j->cpu_time_s = (double)v;
	else if (j->ncpus >= 0 && j->elapsed >= 0)
		j->cpu_time_s = (double)j->ncpus * (double)j->elapsed;
	j->total_cpu_s = -1;
	s = get(r, C_TOTALCPU);
	if (*s) {
		if (sc_acct_parse_cputime(s, &d, &e) == 0) {
			j->total_cpu_s = d;
			if (j->cpu_time_s >= 0 && d > j->cpu_time_s) {
				j->total_cpu_s = j->cpu_time_s;
				odd(r, SC_ODD_TOTALCPU, NO_COL, "TotalCPU is above the CPU time; clamped");
			}
		} else {
			odd(r, SC_ODD_CPUTIME, C_TOTALCPU, e.msg);
		}
	}
}

/* ConsumedEnergyRaw, else AllocTRES's energy; -1 when not measured. */
static void read_energy(struct sc_sacct *r, const struct sc_tres *tres)
{
	struct sc_acct_job *j = &r->job;
	const char *s = get(r, C_ENERGY);
	struct sc_err e;
	double d;

	j->energy_j = -1;
	if (*s) {
		if (sc_parse_number(s, 0, 1.9e19, "energy", &d, &e) < 0)
			odd(r, SC_ODD_ENERGY, C_ENERGY, e.msg);
		else if (is_sentinel(d) || d != floor(d))
			odd(r, SC_ODD_ENERGY, C_ENERGY, "not a measured energy (a NO_VAL sentinel or a fraction)");
		else if (d > 0)
			j->energy_j = d;
	}
	if (j->energy_j < 0 && tres->energy_j > 0 && !is_sentinel(tres->energy_j))
		j->energy_j = tres->energy_j;
}

/* Fills r->job from r->joined (pointing into r->jbuf). */
static void fill_job(struct sc_sacct *r, long lineno)
{
	struct sc_acct_job *j = &r->job;
	struct sc_tres tres;
	struct sc_err e;

	memset(j, 0, sizeof(*j));
	j->line = lineno;
	read_ids(r);

	/* A failed parse leaves the value 0 (unknown) thanks to memset. */
	read_time(r, C_SUBMIT, &j->submit);
	read_time(r, C_ELIGIBLE, &j->eligible);
	read_time(r, C_START, &j->start);
	read_time(r, C_END, &j->end);
	if (j->start > 0 && j->end > 0 && j->end < j->start)
		odd(r, SC_ODD_TIME, NO_COL, "End is before Start");
	read_elapsed(r);

	if (sc_acct_parse_tres(get(r, C_ALLOCTRES), &tres, &e) < 0)
		odd(r, SC_ODD_TRES, C_ALLOCTRES, e.msg);
	read_count(r, C_NNODES, SC_ODD_COUNT, &j->nnodes);
	if (j->nnodes < 0)
		j->nnodes = tres.node;
	read_count(r, C_NCPUS, SC_ODD_COUNT, &j->ncpus);
	if (j->ncpus < 0)
		j->ncpus = tres.cpu;
	j->gpus = tres.gpu > 0 ? tres.gpu : 0;
	read_timelimit(r);
	read_memory(r, &tres);
	read_cpu_time(r);
	read_energy(r, &tres);

	j->ran = j->start > 0;
	j->ended = j->ran && j->end > 0 && !state_running(j->state);
}

/* A step line: folds its energy into the current job. */
static void add_step(struct sc_sacct *r)
{
	const char *s = get(r, C_ENERGY);
	double d;

	r->stats.steps++;
	if (r->job.energy_j >= 0 && !r->job.energy_from_steps)
		return;
	if (*s && sc_parse_number(s, 0, 1.9e19, "energy", &d, NULL) == 0 && !is_sentinel(d) &&
	    d > 0 && d > r->job.energy_j) {
		r->job.energy_j = d;
		r->job.energy_from_steps = 1;
	}
}

static int emit(struct sc_sacct *r, sc_acct_job_fn fn, void *arg)
{
	if (!r->have_job)
		return 0;
	r->have_job = 0;
	r->stats.jobs++;
	return fn ? fn(&r->job, arg) : 0;
}

int sc_sacct_feed(struct sc_sacct *r, char *line, sc_acct_job_fn fn, void *arg, struct sc_err *err)
{
	int nf, rc;
	const char *id;
	size_t len = strlen(line);
	long lineno;

	r->stats.lines++;
	lineno = r->stats.lines;
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (strspn(line, " \t") == len)
		return 0;
	nf = sc_csv_split(line, r->sep, 0, r->fields, r->ncols + MAX_EXTRA + 1, NULL);
	if (nf < r->ncols || assign_fields(r, nf) < 0) {
		r->stats.skipped++;
		sc_err_set(err, "%d fields where the header has %d", nf, r->ncols);
		return 0;
	}
	id = get(r, C_JOBID);
	if (!*id)
		id = get(r, C_JOBIDRAW);
	if (!*id && has_jobid(r)) {
		r->stats.skipped++;
		sc_err_set(err, "empty JobID");
		return 0;
	}
	if (strchr(id, '.')) {
		size_t n = job_part(id);
		const char *raw = get(r, C_JOBIDRAW);
		size_t nraw = job_part(raw);
		if (r->have_job &&
		    ((strlen(r->job.jobid) == n && strncmp(r->job.jobid, id, n) == 0) ||
		     (*raw && strlen(r->job.jobid_raw) == nraw && strncmp(r->job.jobid_raw, raw, nraw) == 0))) {
			add_step(r);
		} else {
			r->stats.orphan_steps++;
		}
		return 0;
	}
	/* A job line: the previous job is complete. */
	rc = emit(r, fn, arg);
	if (strchr(id, '[')) {
		r->stats.pending++;
		return rc;
	}
	{
		/* Copy the line (its fields are NUL-separated) so that the job
		 * stays valid while its steps are read. */
		size_t total = 0;
		for (int i = 0; i < r->ncols; i++)
			total += strlen(r->joined[i]) + 1;
		if (SC_GROW(r->jbuf, r->jcap, total) < 0) {
			sc_err_set(err, "out of memory");
			r->stats.skipped++;
			return rc;
		}
		total = 0;
		for (int i = 0; i < r->ncols; i++) {
			size_t l = strlen(r->joined[i]) + 1;
			memcpy(r->jbuf + total, r->joined[i], l);
			r->joined[i] = r->jbuf + total;
			total += l;
		}
	}
	fill_job(r, lineno);
	r->have_job = 1;
	return rc;
}

int sc_sacct_finish(struct sc_sacct *r, sc_acct_job_fn fn, void *arg)
{
	return emit(r, fn, arg);
}

int sc_sacct_read(FILE *f, const char *name, char sep, sc_acct_job_fn fn, void *arg,
		  void (*warn)(const char *msg, void *arg), struct sc_sacct_stats *stats,
		  struct sc_err *err)
{
	struct sc_sacct *r = NULL;
	char *buf = NULL;
	size_t cap = 0;
	long n, lineno = 0;
	int rc = -1, long_run = 0;

	for (;;) {
		n = sc_read_line(f, &buf, &cap, 0);
		lineno++;
		if (n == -1) {
			sc_err_set(err, "%s: %s", name,
				   ferror(f) ? "read error" : "empty: expected a `sacct -P` header line");
			goto out;
		}
		if (n < 0) {
			sc_err_set(err, "%s:%ld: %s", name, lineno,
				   n == -3 ? "out of memory" : "header line longer than 1 MiB");
			goto out;
		}
		if (strspn(buf, " \t\r") != (size_t)n)
			break;
	}
	r = sc_sacct_create(buf, sep, err);
	if (!r) {
		sc_err_prefix(err, "%s:%ld: ", name, lineno);
		goto out;
	}
	if (!has_jobid(r)) {
		sc_err_set(err, "%s:%ld: sacct header has no JobID column (got '%s'); run sacct -P -o %s", name,
			   lineno, SC_PRINTABLE_N(buf, 80), SC_SACCT_FIELDS);
		rc = -1;
		goto out;
	}
	r->stats.lines = lineno;
	for (;;) {
		struct sc_err e = { "" };
		n = sc_read_line(f, &buf, &cap, 0);
		if (n == -1)
			break;
		if (n == -3) {
			sc_err_set(err, "%s:%ld: out of memory", name, r->stats.lines + 1);
			goto out;
		}
		if (n == -2) {
			char msg[SC_ERR_MAX + 64];
			r->stats.lines++;
			r->stats.skipped++;
			/* A few over-long lines in a row are no sacct output but an endless line
			 * (/dev/zero, a file without newlines): stop instead of reading forever. */
			if (++long_run >= SACCT_LONG_LINES_MAX) {
				sc_err_set(err, "%s:%ld: %d lines in a row longer than 1 MiB: not `sacct -P` "
					   "output", name, r->stats.lines, SACCT_LONG_LINES_MAX);
				rc = -1;
				goto out;
			}
			snprintf(msg, sizeof(msg), "%s:%ld: line longer than 1 MiB; skipped", name,
				 r->stats.lines);
			if (warn)
				warn(msg, arg);
			continue;
		}
		long_run = 0;
		rc = sc_sacct_feed(r, buf, fn, arg, &e);
		if (rc)
			goto out;
		if (e.msg[0] && warn) {
			char msg[SC_ERR_MAX + 64];
			snprintf(msg, sizeof(msg), "%s:%ld: %s; line skipped", name, r->stats.lines, e.msg);
			warn(msg, arg);
		}
	}
	if (ferror(f)) {
		sc_err_set(err, "%s: read error", name);
		rc = -1;
		goto out;
	}
	rc = sc_sacct_finish(r, fn, arg);
out:
	if (r && stats)
		*stats = r->stats;
	sc_sacct_destroy(r);
	free(buf);
	return rc;
}
