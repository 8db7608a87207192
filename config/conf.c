/* slurm-carbon: carbon.conf parser.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One pass over the lines collects every record and every error; the
 * references between records (a partition's Zone and Alternatives, the
 * signal kinds they mix) are checked once the whole file is read, so a
 * record may refer to one defined further down. Values go through the
 * shared parsers of base/units.h.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/conf.h"
#include "base/file.h"
#include "forecast/archive.h"
#include "forecast/provider.h"
#include "base/grow.h"
#include "base/units.h"

/* ---- the keys ------------------------------------------------------------ */

enum ctx { CTX_GLOBAL, CTX_ZONE, CTX_PART, CTX_BUDGET };

enum key_id {
	K_MODE, K_MAXDELAY, K_MINSAVINGS, K_RUNTIMERATIO, K_REROUTE, K_NEARBEST, K_STATEDIR,
	K_ALLOWOPTOUT, K_PLANINTERACTIVE, K_ALLOWMIXED, K_RELOAD, K_SYNC, K_ARCHIVEDAYS, K_EXEMPTUSERS, K_EXEMPTACCOUNTS, K_EXEMPTQOS,
	K_ESTIMATES, K_ESTIMATESMAXAGE,
	K_ZONENAME, K_PROVIDER, K_PATH, K_INTENSITY, K_REPLAY, K_COLUMN, K_REGION, K_URL,
	K_TOKENFILE, K_SIGNAL, K_HORIZON, K_MAXAGE, K_MAXGAP, K_STEP, K_FORECASTERROR,
	K_PARTITIONNAME, K_ZONE, K_PUE, K_COREWATTS, K_GPUWATTS, K_MEMWATTS, K_NODEWATTS,
	K_USAGE, K_DEFAULTTIME, K_DEFMEMPERCPU, K_ALTERNATIVES, K_DEFAULT, K_CORES, K_GPUS,
	K_BUDGETNAME, K_ACCOUNT, K_USER, K_LIMIT, K_PERIOD, K_START, K_LENGTH, K_ACTION, K_WARN,
	K_DELAYSAVINGS,
	K_COUNT
};

/* Kinds of provider as bits, for the keys that apply to some of them only. */
#define P_CSV SC_PROVIDER_KIND_BIT(SC_PROVIDER_CSV)
#define P_CONSTANT SC_PROVIDER_KIND_BIT(SC_PROVIDER_CONSTANT)
#define P_LIVE SC_PROVIDER_KIND_BIT(SC_PROVIDER_LIVE)
#define P_ALL (P_CSV | P_CONSTANT | P_LIVE)

static const struct key_def {
	const char *name;
	enum ctx ctx;
	unsigned provs; /* zone keys: the kinds of provider the key applies to */
} keys[K_COUNT] = {
	[K_MODE] = { "Mode", CTX_GLOBAL, 0 },
	[K_MAXDELAY] = { "MaxDelay", CTX_GLOBAL, 0 },
	[K_MINSAVINGS] = { "MinSavings", CTX_GLOBAL, 0 },
	[K_RUNTIMERATIO] = { "RuntimeRatio", CTX_GLOBAL, 0 },
	[K_REROUTE] = { "Reroute", CTX_GLOBAL, 0 },
	[K_NEARBEST] = { "NearBest", CTX_GLOBAL, 0 },
	[K_STATEDIR] = { "StateDir", CTX_GLOBAL, 0 },
	[K_ALLOWOPTOUT] = { "AllowOptOut", CTX_GLOBAL, 0 },
	[K_PLANINTERACTIVE] = { "PlanInteractive", CTX_GLOBAL, 0 },
	[K_ALLOWMIXED] = { "AllowMixedSignals", CTX_GLOBAL, 0 },
	[K_RELOAD] = { "ReloadInterval", CTX_GLOBAL, 0 },
	[K_SYNC] = { "SyncInterval", CTX_GLOBAL, 0 },
	[K_ARCHIVEDAYS] = { "ArchiveDays", CTX_GLOBAL, 0 },
	[K_EXEMPTUSERS] = { "ExemptUsers", CTX_GLOBAL, 0 },
	[K_EXEMPTACCOUNTS] = { "ExemptAccounts", CTX_GLOBAL, 0 },
	[K_EXEMPTQOS] = { "ExemptQOS", CTX_GLOBAL, 0 },
	[K_ESTIMATES] = { "Estimates", CTX_GLOBAL, 0 },
	[K_ESTIMATESMAXAGE] = { "EstimatesMaxAge", CTX_GLOBAL, 0 },
	[K_ZONENAME] = { "ZoneName", CTX_ZONE, P_ALL },
	[K_PROVIDER] = { "Provider", CTX_ZONE, P_ALL },
	[K_PATH] = { "Path", CTX_ZONE, P_CSV },
	[K_INTENSITY] = { "Intensity", CTX_ZONE, P_CONSTANT },
	[K_REPLAY] = { "Replay", CTX_ZONE, P_CSV },
	[K_COLUMN] = { "Column", CTX_ZONE, P_CSV },
	[K_REGION] = { "Region", CTX_ZONE, P_LIVE },
	[K_URL] = { "URL", CTX_ZONE, P_LIVE },
	[K_TOKENFILE] = { "TokenFile", CTX_ZONE, P_LIVE },
	[K_SIGNAL] = { "Signal", CTX_ZONE, P_ALL },
	[K_HORIZON] = { "Horizon", CTX_ZONE, P_ALL },
	[K_MAXAGE] = { "MaxAge", CTX_ZONE, P_ALL },
	[K_MAXGAP] = { "MaxGap", CTX_ZONE, P_ALL },
	[K_STEP] = { "Step", CTX_ZONE, P_ALL },
	[K_FORECASTERROR] = { "ForecastError", CTX_ZONE, P_ALL },
	[K_PARTITIONNAME] = { "PartitionName", CTX_PART, 0 },
	[K_ZONE] = { "Zone", CTX_PART, 0 },
	[K_PUE] = { "PUE", CTX_PART, 0 },
	[K_COREWATTS] = { "CoreWatts", CTX_PART, 0 },
	[K_GPUWATTS] = { "GPUWatts", CTX_PART, 0 },
	[K_MEMWATTS] = { "MemWattsPerGB", CTX_PART, 0 },
	[K_NODEWATTS] = { "NodeWatts", CTX_PART, 0 },
	[K_USAGE] = { "Usage", CTX_PART, 0 },
	[K_DEFAULTTIME] = { "DefaultTime", CTX_PART, 0 },
	[K_DEFMEMPERCPU] = { "DefMemPerCPU", CTX_PART, 0 },
	[K_ALTERNATIVES] = { "Alternatives", CTX_PART, 0 },
	[K_DEFAULT] = { "Default", CTX_PART, 0 },
	[K_CORES] = { "Cores", CTX_PART, 0 },
	[K_GPUS] = { "GPUs", CTX_PART, 0 },
	[K_BUDGETNAME] = { "BudgetName", CTX_BUDGET, 0 },
	[K_ACCOUNT] = { "Account", CTX_BUDGET, 0 },
	[K_USER] = { "User", CTX_BUDGET, 0 },
	[K_LIMIT] = { "Limit", CTX_BUDGET, 0 },
	[K_PERIOD] = { "Period", CTX_BUDGET, 0 },
	[K_START] = { "Start", CTX_BUDGET, 0 },
	[K_LENGTH] = { "Length", CTX_BUDGET, 0 },
	[K_ACTION] = { "Action", CTX_BUDGET, 0 },
	[K_WARN] = { "Warn", CTX_BUDGET, 0 },
	[K_DELAYSAVINGS] = { "DelaySavings", CTX_BUDGET, 0 },
};

static const char *const ctx_what[] = {
	[CTX_GLOBAL] = "global keys",
	[CTX_ZONE] = "ZoneName record keys",
	[CTX_PART] = "PartitionName record keys",
	[CTX_BUDGET] = "BudgetName record keys",
};

static const char name_accepted[] = "letters, digits, '-', '_' and '.'";

/* Defaults (conf.h, doc/carbon.conf.5). */
#define DEF_MAX_DELAY (8 * 3600)
#define DEF_MIN_SAVINGS 0.0
/* A replayed history is a seasonal-naive forecast, at least as wrong as a
 * live one (forecast/provider.h). */
#define DEF_FORECAST_ERROR_REPLAY SC_FORECAST_ERROR_LIVE
#define DEF_RELOAD 10
/* One job-info RPC a minute: slurmctld answers it under its job read lock. */
#define DEF_SYNC 60
#define MAX_SYNC 86400
/* scarbon-learn.timer runs daily: a week without a new model means it stopped. */
#define DEF_ESTIMATES_MAX_AGE (7 * 86400)
#define DEF_STATE_DIR "/var/lib/slurm-carbon"
#define DEF_HORIZON (72 * 3600)
#define DEF_MAX_AGE (6 * 3600)
#define DEF_MAX_GAP (6 * 3600)
#define DEF_PUE 1.56
#define DEF_CORE_W 12.0
#define DEF_GPU_W 200.0
#define DEF_MEM_W 0.3725
#define DEF_DEFAULT_TIME 3600
/* A planning grid finer than a minute costs memory and time without adding
 * information: providers publish 5-minute points at best. */
#define MIN_STEP 60

/* ---- parser state -------------------------------------------------------- */

struct tok {
	char *key;   /* NUL-terminated, in the line buffer */
	char *val;   /* unquoted, NUL-terminated, in the line buffer */
	int id;      /* enum key_id, -1: unknown */
	int use;     /* belongs to this line's context and is not a repeat */
};

/* Raw values of DEFAULT lines, validated when read; records re-parse them.
 * bad: the last default given for the key was wrong (reported on its line):
 * records count it as given, so that they do not report it missing. */
struct defaults {
	char *val[K_COUNT];
	int line[K_COUNT];
	unsigned char bad[K_COUNT];
};

/* A PartitionName record until the references are resolved. */
struct part_rec {
	char *name;
	char *zone;
	char **alts;
	size_t n_alts;
	int alts_inherited; /* from PartitionName=DEFAULT: the partition itself is skipped */
	double pue;
	struct sc_power power;
	int64_t default_time;
	uint64_t def_mem;
	uint32_t cores, gpus; /* Cores=, GPUs=: the capacity; 0: unknown */
	unsigned char cap_slurm; /* SC_CAP_*_SLURM: Cores=slurm, GPUs=slurm */
	int is_default;
	int line;
	int zone_ok;        /* Zone= names a ZoneName record (set once the file is read) */
};

/* An error waiting to be reported: all go out sorted by line, so that the
 * checks made after the whole file is read land among the others. */
struct perr_msg {
	int line;
	size_t seq;
	char *text;
};

struct parser {
	struct sc_conf *conf;
	struct sc_diag *diag;
	struct perr_msg *errs;
	size_t n_errs, cap_errs;
	const char *name;
	char *dir;        /* for relative paths; NULL: leave them relative */
	int stop;         /* too many errors, or out of memory */
	int oom;
	int hints;        /* unknown keys so far: the first SC_CONF_MAX_HINTS get a hint */
	char key_lists[CTX_BUDGET + 1][512]; /* key_list's text per context, built once ("": not yet) */
	int gline[K_COUNT];
	struct defaults zdef, pdef;
	struct part_rec *prec;
	size_t n_prec, cap_prec;
	size_t cap_zones;
	size_t cap_budgets;
	int records_capped;
	struct tok *tok;
	size_t n_tok, cap_tok;
};

static void perr(struct parser *ps, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void out_of_memory(struct parser *ps);

static void perr(struct parser *ps, int line, const char *fmt, ...)
{
	char msg[SC_ERR_MAX];
	va_list ap;
	char *text;

	if (ps->stop)
		return;
	if (ps->n_errs == SC_CONF_MAX_ERRORS) {
		snprintf(msg, sizeof(msg), "too many errors; only the first %d are reported", SC_CONF_MAX_ERRORS);
		ps->stop = 1;
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (SC_GROW(ps->errs, ps->cap_errs, ps->n_errs + 1) < 0) {
		out_of_memory(ps);
		return;
	}
	if (asprintf(&text, "%s:%d: %s", ps->name, line, msg) < 0) {
		out_of_memory(ps);
		return;
	}
	/* The notice that errors were cut short comes last. */
	ps->errs[ps->n_errs] = (struct perr_msg){ ps->stop ? INT_MAX : line, ps->n_errs, text };
	ps->n_errs++;
}

static void out_of_memory(struct parser *ps)
{
	if (!ps->oom)
		sc_diag_add(ps->diag, "%s: out of memory while reading the configuration", ps->name);
	ps->oom = 1;
	ps->stop = 1;
}

static int perr_cmp(const void *a, const void *b)
{
	const struct perr_msg *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hands the errors to the caller's diag in line order. */
static void perr_flush(struct parser *ps)
{
	if (ps->n_errs)
		qsort(ps->errs, ps->n_errs, sizeof(*ps->errs), perr_cmp);
	for (size_t i = 0; i < ps->n_errs; i++) {
		sc_diag_add(ps->diag, "%s", ps->errs[i].text);
		free(ps->errs[i].text);
	}
	free(ps->errs);
	ps->errs = NULL;
	ps->n_errs = ps->cap_errs = 0;
}

static char *xstrdup(struct parser *ps, const char *s)
{
	char *r = strdup(s);

	if (!r)
		out_of_memory(ps);
	return r;
}

/* ---- small helpers ------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The first byte is compared before the whole name: most keys differ there. */
static int key_lookup(const char *k)
{
	int first = lower((unsigned char)k[0]);

	for (int i = 0; i < K_COUNT; i++)
		if (lower((unsigned char)keys[i].name[0]) == first && strcasecmp(k, keys[i].name) == 0)
			return i;
	return -1;
}

/* Case-insensitive Levenshtein distance when it is at most max, else
 * max + 1; both strings at most SC_CONF_MAX_NAME bytes (longer ones are
 * never close to a key). Only the diagonal band of width 2 * max + 1 is
 * computed, and a row whose every cell exceeds max ends it: a far key
 * costs a few cells, not the whole table (an unknown key is compared with
 * every known one). */
static size_t edit_distance_max(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), far = max + 1;
	size_t prev[SC_CONF_MAX_NAME + 1], cur[SC_CONF_MAX_NAME + 1];

	if (la > SC_CONF_MAX_NAME || lb > SC_CONF_MAX_NAME || la > lb + max || lb > la + max)
		return far;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j < far ? j : far;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < lb ? i + max : lb, row_min;

		cur[0] = i < far ? i : far;
		if (lo > 1)
			cur[lo - 1] = far;
		row_min = cur[0];
		for (size_t j = lo; j <= hi; j++) {
			size_t sub = prev[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t d = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			cur[j] = d < far ? d : far;
			row_min = cur[j] < row_min ? cur[j] : row_min;
		}
		if (hi < lb)
			cur[hi + 1] = far;
		if (row_min > max)
			return far;
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

/* The known key closest to k, preferring those of context c; NULL when none
 * is close (at most 2 edits, and fewer than a third of the key). */
static const char *suggest(const char *k, enum ctx c)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (int pass = 0; pass < 2 && !best; pass++) {
		for (int i = 0; i < K_COUNT; i++) {
			size_t d, len = strlen(keys[i].name);
			if (pass == 0 && keys[i].ctx != c)
				continue;
			d = edit_distance_max(k, keys[i].name, 2);
			if (d <= 2 && d * 3 < len && d < best_d) {
				best = keys[i].name;
				best_d = d;
			}
		}
	}
	return best;
}

/* "Mode, MaxDelay, ..." for context c (the record's name key excluded),
 * built once per parse: every unknown key's message lists them. */
static const char *key_list(struct parser *ps, enum ctx c)
{
	char *buf = ps->key_lists[c];
	size_t used = 0, n = sizeof(ps->key_lists[c]);

	if (buf[0])
		return buf;
	for (int i = 0; i < K_COUNT && used < n; i++) {
		if (keys[i].ctx != c || i == K_ZONENAME || i == K_PARTITIONNAME)
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", keys[i].name);
	}
	return buf;
}

/* "Provider=a, b or c": the providers whose kind is in provs. */
static char *provider_list(unsigned provs, char *buf, size_t n)
{
	return sc_provider_list(provs, "Provider=", buf, n);
}

/* Every provider: "a, b, ... or z". */
static char *providers_accepted(char *buf, size_t n)
{
	return sc_provider_list(P_ALL, "", buf, n);
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_' || c == '.';
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > SC_CONF_MAX_NAME)
		return 0;
	for (; *s; s++)
		if (!is_name_char(*s))
			return 0;
	return 1;
}

static int name_error(const char *what, const char *s, struct sc_err *err)
{
	if (strlen(s) > SC_CONF_MAX_NAME)
		return sc_err_set(err, "%s '%s...' is too long; at most %d bytes of %s", what, SC_PRINTABLE_N(s, 40),
				  SC_CONF_MAX_NAME, name_accepted);
	return sc_err_set(err, "invalid %s '%s'; expected %s", what, SC_PRINTABLE(s), name_accepted);
}

/* Resolves a relative path against the file's directory; caller frees. */
static char *resolve_path(struct parser *ps, const char *v, struct sc_err *err)
{
	char *r;
	size_t dl, vl = strlen(v);

	if (vl >= 4096) {
		sc_err_set(err, "path '%s...' is too long; at most 4095 bytes", SC_PRINTABLE_N(v, 40));
		return NULL;
	}
	if (v[0] == '/' || !ps->dir)
		return xstrdup(ps, v);
	dl = strlen(ps->dir); /* > 0 */
	if (asprintf(&r, "%s%s%s", ps->dir, ps->dir[dl - 1] == '/' ? "" : "/", v) < 0) {
		out_of_memory(ps);
		return NULL;
	}
	return r;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* Splits a comma-separated list of names. names_only: each item must be a
 * record name (letters, digits, '-', '_', '.'); otherwise any text without
 * blanks, commas or control characters. Returns 0, or -1 with err (or on
 * memory exhaustion, with ps->oom). */
static int split_list(struct parser *ps, const char *v, int names_only, char ***out, size_t *n_out,
		      struct sc_err *err)
{
	char **items = NULL;
	size_t n = 0, cap = 0;
	const char *p = v;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *item;

		if (!len) {
			sc_err_set(err, "empty item in list '%s'; expected names separated by commas (a,b,c)", SC_PRINTABLE(v));
			goto error;
		}
		if (len > SC_CONF_MAX_NAME) {
			sc_err_set(err, "item '%s...' is too long; at most %d bytes", SC_PRINTABLE_N(p, 40), SC_CONF_MAX_NAME);
			goto error;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c <= ' ' || c == 0x7f || (names_only && !is_name_char((char)c))) {
				sc_err_set(err, "invalid name '%s' in list '%s'; expected %s separated by commas",
					   SC_PRINTABLE_N(p, len), SC_PRINTABLE(v), names_only ? name_accepted : "names without blanks");
				goto error;
			}
		}
		if (SC_GROW(items, cap, n + 1) < 0)
			goto oom;
		if (!(item = strndup(p, len)))
			goto oom;
		items[n++] = item;
		if (!e)
			break;
		p = e + 1;
	}
	*out = items;
	*n_out = n;
	return 0;
oom:
	out_of_memory(ps);
error:
	free_list(items, n);
	return -1;
}

/* A duration of at least min seconds (0 allowed when zero_ok). */
static int set_duration(const char *v, int64_t min, int zero_ok, int64_t *out, struct sc_err *err)
{
	int64_t s;
	char b[32];

	if (sc_parse_duration(v, 0, &s, err) < 0)
		return -1;
	if (s < min && !(zero_ok && s == 0))
		return sc_err_set(err, "duration '%s' is too short; expected %sat least %s", SC_PRINTABLE(v),
				  zero_ok ? "0 or " : "", sc_format_duration(min, b, sizeof(b)));
	*out = s;
	return 0;
}

/* One of words[] (case-insensitive): its index, or -1 with err. */
static int set_word(const char *v, const char *const *words, size_t n, const char *accepted, int *out,
		    struct sc_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v, words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return sc_err_set(err, "invalid value '%s'; expected %s", SC_PRINTABLE(v), accepted);
}

/* ---- values -------------------------------------------------------------- */

static int global_set(struct parser *ps, int id, const char *v, struct sc_err *err)
{
	static const char *const modes[] = { "off", "advise", "enforce" }; /* = enum sc_mode */
	struct sc_conf *c = ps->conf;
	int w = 0;

	switch (id) {
	case K_MODE:
		if (set_word(v, modes, 3, "enforce, advise or off", &w, err) < 0)
			return -1;
		c->mode = (enum sc_mode)w;
		return 0;
	case K_MAXDELAY:
		return set_duration(v, 0, 1, &c->site.params.max_delay, err);
	case K_MINSAVINGS:
		return sc_parse_percent(v, 0, 100, &c->site.params.min_savings_pct, err);
	case K_RUNTIMERATIO: {
		double x;
		if (sc_parse_number(v, 0, 1, "value", &x, err) < 0)
			return -1;
		if (x <= 0)
			return sc_err_set(err, "value '%s' is out of range; expected a number greater than 0 and at most 1", SC_PRINTABLE(v));
		c->site.params.runtime_ratio = x;
		return 0;
	}
	case K_REROUTE:
		return sc_parse_bool(v, &c->site.params.reroute, err);
	case K_NEARBEST:
		return sc_parse_percent(v, 0, 100, &c->site.params.near_best_pct, err);
	case K_STATEDIR: {
		char *d = resolve_path(ps, v, err);
		if (!d)
			return -1;
		free(c->state_dir);
		c->state_dir = d;
		return 0;
	}
	case K_ESTIMATES: {
		static const char *const est[] = { "configured", "learned" };
		if (set_word(v, est, 2, "configured or learned", &w, err) < 0)
			return -1;
		c->estimates_learned = w;
		return 0;
	}
	case K_ESTIMATESMAXAGE:
		return set_duration(v, 3600, 0, &c->estimates_max_age, err);
	case K_ALLOWOPTOUT:
		return sc_parse_bool(v, &c->allow_opt_out, err);
	case K_PLANINTERACTIVE:
		return sc_parse_bool(v, &c->plan_interactive, err);
	case K_ALLOWMIXED:
		return sc_parse_bool(v, &c->allow_mixed_signals, err);
	case K_RELOAD:
		return set_duration(v, 1, 0, &c->reload_interval, err);
	case K_SYNC: {
		double x;
		if (sc_parse_number(v, 0, MAX_SYNC, "number of seconds", &x, err) < 0)
			return -1;
		if (x != floor(x))
			return sc_err_set(err, "number of seconds '%s' is not a whole number; expected 0 (never) "
					  "to %d", SC_PRINTABLE(v), MAX_SYNC);
		c->sync_interval = (int64_t)x;
		return 0;
	}
	case K_ARCHIVEDAYS: {
		double x;
		if (sc_parse_number(v, 1, 3650, "number of days", &x, err) < 0)
			return -1;
		if (x != (double)(int)x)
			return sc_err_set(err, "number of days '%s' is not a whole number; expected 1 to 3650", SC_PRINTABLE(v));
		c->archive_days = (int)x;
		return 0;
	}
	case K_EXEMPTUSERS:
		free_list(c->exempt_users, c->n_exempt_users);
		c->exempt_users = NULL;
		c->n_exempt_users = 0;
		return split_list(ps, v, 0, &c->exempt_users, &c->n_exempt_users, err);
	case K_EXEMPTACCOUNTS:
		free_list(c->exempt_accounts, c->n_exempt_accounts);
		c->exempt_accounts = NULL;
		c->n_exempt_accounts = 0;
		return split_list(ps, v, 0, &c->exempt_accounts, &c->n_exempt_accounts, err);
	case K_EXEMPTQOS:
		free_list(c->exempt_qos, c->n_exempt_qos);
		c->exempt_qos = NULL;
		c->n_exempt_qos = 0;
		return split_list(ps, v, 0, &c->exempt_qos, &c->n_exempt_qos, err);
	}
	return sc_err_set(err, "internal error: key %d is not global", id);
}

static void zone_init(struct sc_zone_spec *z)
{
	memset(z, 0, sizeof(*z));
	z->provider = NULL; /* Provider= is required */
	z->replay = SC_REPLAY_NONE;
	z->column = SC_COLUMN_LCA;
	z->signal = SC_SIGNAL_AVERAGE;
	z->horizon = DEF_HORIZON;
	z->max_age = DEF_MAX_AGE;
	z->max_gap = DEF_MAX_GAP;
	z->step = 0;
}

static void zone_free(struct sc_zone_spec *z)
{
	free(z->name);
	free(z->path);
	free(z->region);
	free(z->url);
	free(z->token_file);
}

static int replace_str(char **slot, char *v)
{
	if (!v)
		return -1;
	free(*slot);
	*slot = v;
	return 0;
}

static int zone_set(struct parser *ps, struct sc_zone_spec *z, int id, const char *v, struct sc_err *err)
{
	static const char *const replays[] = { "none", "weekly" };   /* = enum sc_replay */
	static const char *const columns[] = { "lca", "direct" };    /* = enum sc_column */
	static const char *const signals[] = { "average", "marginal" }; /* = enum sc_signal */
	const struct sc_provider_ops *prov;
	char buf[256];
	int w = 0;

	switch (id) {
	case K_PROVIDER:
		if (!(prov = sc_provider_find(v)))
			return sc_err_set(err, "invalid value '%s'; expected %s", SC_PRINTABLE(v),
					  providers_accepted(buf, sizeof(buf)));
		z->provider = prov;
		return 0;
	case K_PATH:
		return replace_str(&z->path, resolve_path(ps, v, err));
	case K_TOKENFILE:
		return replace_str(&z->token_file, resolve_path(ps, v, err));
	case K_INTENSITY:
		return sc_parse_number(v, 0, 3000, "intensity", &z->intensity, err);
	case K_REPLAY:
		if (set_word(v, replays, 2, "none or weekly", &w, err) < 0)
			return -1;
		z->replay = (enum sc_replay)w;
		return 0;
	case K_COLUMN:
		if (set_word(v, columns, 2, "lca or direct", &w, err) < 0)
			return -1;
		z->column = (enum sc_column)w;
		return 0;
	case K_SIGNAL:
		if (set_word(v, signals, 2, "average or marginal", &w, err) < 0)
			return -1;
		z->signal = (enum sc_signal)w;
		return 0;
	case K_REGION:
		/* Goes into the provider's URLs: keep it to an identifier. */
		if (!valid_name(v))
			return name_error("region", v, err);
		return replace_str(&z->region, xstrdup(ps, v));
	case K_URL:
		if (strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0)
			return sc_err_set(err, "invalid URL '%s'; expected an http:// or https:// base URL", SC_PRINTABLE(v));
		if (strlen(v) <= (v[4] == ':' ? 7u : 8u))
			return sc_err_set(err, "URL '%s' has no host; expected http(s)://host[:port][/path]", SC_PRINTABLE(v));
		for (const char *q = v; *q; q++)
			if ((unsigned char)*q <= ' ' || *q == 0x7f)
				return sc_err_set(err, "URL '%s' contains a blank or control character; expected a URL-encoded address", SC_PRINTABLE(v));
		if (strlen(v) > 2048)
			return sc_err_set(err, "URL '%s...' is too long; at most 2048 bytes", SC_PRINTABLE_N(v, 40));
		return replace_str(&z->url, xstrdup(ps, v));
	case K_HORIZON:
		return set_duration(v, 1, 0, &z->horizon, err);
	case K_MAXAGE:
		return set_duration(v, 1, 0, &z->max_age, err);
	case K_MAXGAP:
		return set_duration(v, 0, 1, &z->max_gap, err);
	case K_STEP:
		return set_duration(v, MIN_STEP, 1, &z->step, err);
	case K_FORECASTERROR:
		if (sc_parse_percent(v, 0, 200, &z->forecast_error_pct, err) < 0)
			return -1;
		z->forecast_error_set = 1;
		return 0;
	}
	return sc_err_set(err, "internal error: key %d is not a zone key", id);
}

static void part_init(struct part_rec *p)
{
	memset(p, 0, sizeof(*p));
	p->pue = DEF_PUE;
	p->power.core_w = DEF_CORE_W;
	p->power.gpu_w = DEF_GPU_W;
	p->power.mem_w_per_gb = DEF_MEM_W;
	p->power.usage = 1.0;
	p->power.node_w = 0;
	p->default_time = DEF_DEFAULT_TIME;
}

static void part_free(struct part_rec *p)
{
	free(p->name);
	free(p->zone);
	free_list(p->alts, p->n_alts);
}

static int part_set(struct parser *ps, struct part_rec *p, int id, const char *v, struct sc_err *err)
{
	switch (id) {
	case K_ZONE:
		if (!valid_name(v))
			return name_error("zone name", v, err);
		return replace_str(&p->zone, xstrdup(ps, v));
	case K_PUE:
		return sc_parse_number(v, 1, 3, "value", &p->pue, err);
	case K_COREWATTS:
		return sc_parse_number(v, 0, 1000, "value", &p->power.core_w, err);
	case K_GPUWATTS:
		return sc_parse_number(v, 0, 2000, "value", &p->power.gpu_w, err);
	case K_MEMWATTS:
		return sc_parse_number(v, 0, 10, "value", &p->power.mem_w_per_gb, err);
	case K_NODEWATTS:
		return sc_parse_number(v, 0, 10000, "value", &p->power.node_w, err);
	case K_USAGE:
		return sc_parse_number(v, 0, 1, "value", &p->power.usage, err);
	case K_DEFAULTTIME:
		return set_duration(v, 1, 0, &p->default_time, err);
	case K_DEFMEMPERCPU:
		return sc_parse_mem_mb(v, &p->def_mem, err);
	case K_ALTERNATIVES: {
		char **items;
		size_t n;
		if (split_list(ps, v, 1, &items, &n, err) < 0)
			return -1;
		free_list(p->alts, p->n_alts);
		p->alts = items;
		p->n_alts = n;
		p->alts_inherited = 0;
		return 0;
	}
	case K_DEFAULT:
		return sc_parse_bool(v, &p->is_default, err);
	case K_CORES:
	case K_GPUS: {
		unsigned char bit = id == K_CORES ? SC_CAP_CORES_SLURM : SC_CAP_GPUS_SLURM;
		double x;
		if (strcasecmp(v, "slurm") == 0) { /* slurmctld's figure, at each sync */
			*(id == K_CORES ? &p->cores : &p->gpus) = 0;
			p->cap_slurm |= bit;
			return 0;
		}
		if (sc_parse_number(v, id == K_CORES ? 1 : 0, 10000000, "value", &x, err) < 0)
			return sc_err_set(err, "invalid value '%s': expected a whole number from %d to 10000000, or "
					  "slurm (the partition's, from slurmctld)", SC_PRINTABLE(v), id == K_CORES);
		if (x != floor(x))
			return sc_err_set(err, "invalid value '%s': expected a whole number, or slurm", SC_PRINTABLE(v));
		*(id == K_CORES ? &p->cores : &p->gpus) = (uint32_t)x;
		p->cap_slurm &= (unsigned char)~bit;
		return 0;
	}
	}
	return sc_err_set(err, "internal error: key %d is not a partition key", id);
}

/* ---- lines --------------------------------------------------------------- */

static int push_tok(struct parser *ps, char *key, char *val)
{
	if (SC_GROW(ps->tok, ps->cap_tok, ps->n_tok + 1) < 0) {
		out_of_memory(ps);
		return -1;
	}
	ps->tok[ps->n_tok++] = (struct tok){ key, val, key_lookup(key), 0 };
	return 0;
}

/* Skips the rest of a malformed token (quotes included); NULL after an
 * unterminated quote. */
static char *skip_token(char *p)
{
	while (*p && !is_blank(*p) && *p != '#') {
		if (*p == '"') {
			p = strchr(p + 1, '"');
			if (!p)
				return NULL;
		}
		p++;
	}
	return p;
}

/* Splits a line (NUL-terminated, modified in place) into Key=Value tokens,
 * reporting malformed ones. */
static void tokenize(struct parser *ps, char *p, int line)
{
	ps->n_tok = 0;
	for (;;) {
		char *start, *key, *val;
		int comment = 0;

		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			return;
		start = p;
		while (*p && !is_blank(*p) && *p != '=' && *p != '#' && *p != '"')
			p++;
		if (*p != '=' || p == start) {
			char *e = skip_token(p);
			if (!e) {
				perr(ps, line, "unterminated quote in '%s'; a value may be enclosed in double quotes (Key=\"a value\")",
				     SC_PRINTABLE(start));
				return;
			}
			if (p == start && *p == '=')
				perr(ps, line, "missing key before '%s'; expected Key=Value",
				     SC_PRINTABLE_N(start, (size_t)(e - start > 80 ? 80 : e - start)));
			else
				perr(ps, line, "'%s' is not a Key=Value pair; expected Key=Value pairs separated by blanks",
				     SC_PRINTABLE_N(start, (size_t)(e - start > 80 ? 80 : e - start)));
			p = e;
			continue;
		}
		key = start;
		*p++ = '\0';
		if (*p == '"') {
			char *q = strchr(p + 1, '"');
			if (!q) {
				perr(ps, line, "unterminated quote in the value of %s=; a quoted value ends with '\"' on the same line",
				     SC_PRINTABLE_N(key, 80));
				return;
			}
			val = p + 1;
			*q = '\0';
			p = q + 1;
			if (*p && !is_blank(*p) && *p != '#') {
				char *e = skip_token(p);
				perr(ps, line, "text after the closing quote of %s=; expected a blank between Key=Value pairs", SC_PRINTABLE_N(key, 80));
				if (!e)
					return;
				p = e;
				continue;
			}
		} else {
			val = p;
			while (*p && !is_blank(*p) && *p != '#' && *p != '"')
				p++;
			if (*p == '"') {
				char *e = skip_token(p);
				perr(ps, line, "unexpected '\"' in the value of %s=; a quoted value must be quoted as a whole (Key=\"a value\")",
				     SC_PRINTABLE_N(key, 80));
				if (!e)
					return;
				p = e;
				continue;
			}
			comment = *p == '#';
			if (*p)
				*p++ = '\0';
		}
		if (!*val)
			perr(ps, line, "missing value after '%s='; expected Key=Value", SC_PRINTABLE_N(key, 80));
		else if (push_tok(ps, key, val) < 0)
			return;
		if (comment)
			return;
	}
}

/* The record a key context belongs to. */
static const char *rec_name(enum ctx c)
{
	return c == CTX_ZONE ? "ZoneName" : c == CTX_PART ? "PartitionName" : "BudgetName";
}

/* Marks the tokens from `first` that belong to context c and are not
 * repeats (own[id] = their index), reporting the others. */
static void classify(struct parser *ps, size_t first, enum ctx c, const char *record, int line, int *own)
{
	for (int i = 0; i < K_COUNT; i++)
		own[i] = -1;
	for (size_t i = first; i < ps->n_tok; i++) {
		struct tok *t = &ps->tok[i];
		if (t->id < 0) {
			const char *s = ps->stop || ps->hints >= SC_CONF_MAX_HINTS ? NULL : suggest(t->key, c);
			char hint[96] = "";

			if (!ps->stop)
				ps->hints++;
			if (s)
				snprintf(hint, sizeof(hint), " (did you mean %s?)", s);
			perr(ps, line, "unknown key '%s'%s; %s are: %s", SC_PRINTABLE(t->key), hint, ctx_what[c],
			     key_list(ps, c));
		} else if (t->id == K_ZONENAME || t->id == K_PARTITIONNAME || t->id == K_BUDGETNAME) {
			/* What follows belongs to the misplaced record: one error is enough. */
			perr(ps, line, "%s= must begin its line; a line holds one ZoneName, PartitionName or BudgetName record, or global keys",
			     keys[t->id].name);
			break;
		} else if (keys[t->id].ctx != c) {
			if (keys[t->id].ctx == CTX_GLOBAL)
				perr(ps, line, "%s= is a global key, not a key of %s records; put global keys on lines of their own",
				     keys[t->id].name, record);
			else if (c == CTX_GLOBAL)
				perr(ps, line, "%s= belongs in a %s record; start the line with %s=<name>", keys[t->id].name,
				     rec_name(keys[t->id].ctx), rec_name(keys[t->id].ctx));
			else
				perr(ps, line, "%s= is a key of %s records, not of %s records; %s are: %s", keys[t->id].name,
				     rec_name(keys[t->id].ctx), record, ctx_what[c],
				     key_list(ps, c));
		} else if (own[t->id] >= 0) {
			perr(ps, line, "%s= given twice %s; give each key once", keys[t->id].name,
			     c == CTX_GLOBAL ? "on this line" : "in this record");
		} else if (c == CTX_GLOBAL && ps->gline[t->id]) {
			perr(ps, line, "%s= given twice (first on line %d); give each global key once", keys[t->id].name,
			     ps->gline[t->id]);
		} else {
			own[t->id] = (int)i;
			t->use = 1;
		}
	}
}

static void global_line(struct parser *ps, int line)
{
	int own[K_COUNT];
	struct sc_err err;

	classify(ps, 0, CTX_GLOBAL, "global", line, own);
	for (size_t i = 0; i < ps->n_tok && !ps->oom; i++) {
		struct tok *t = &ps->tok[i];
		if (!t->use)
			continue;
		ps->gline[t->id] = line;
		if (t->id == K_MODE)
			ps->conf->line_mode = line;
		sc_err_clear(&err);
		if (global_set(ps, t->id, t->val, &err) < 0 && !ps->oom)
			perr(ps, line, "%s: %s", keys[t->id].name, err.msg);
	}
}

/* Stores the values of a DEFAULT line after validating each with set(). */
static void default_line(struct parser *ps, struct defaults *d, int line,
			 int (*set)(struct parser *, void *, int, const char *, struct sc_err *), void *scratch)
{
	struct sc_err err;

	for (size_t i = 1; i < ps->n_tok && !ps->oom; i++) {
		struct tok *t = &ps->tok[i];
		char *copy;
		if (!t->use)
			continue;
		sc_err_clear(&err);
		free(d->val[t->id]);
		d->val[t->id] = NULL;
		d->line[t->id] = line;
		d->bad[t->id] = 1;
		if (set(ps, scratch, t->id, t->val, &err) < 0) {
			if (!ps->oom)
				perr(ps, line, "%s: %s", keys[t->id].name, err.msg);
			continue;
		}
		if (!(copy = xstrdup(ps, t->val)))
			return;
		d->val[t->id] = copy;
		d->bad[t->id] = 0;
	}
}

static int zone_set_v(struct parser *ps, void *z, int id, const char *v, struct sc_err *err)
{
	return zone_set(ps, z, id, v, err);
}

static int part_set_v(struct parser *ps, void *p, int id, const char *v, struct sc_err *err)
{
	return part_set(ps, p, id, v, err);
}

/* Whether another record may be added; reports the limit once. */
static int record_room(struct parser *ps, int line)
{
	if (ps->conf->n_zones + ps->n_prec + ps->conf->n_budgets < SC_CONF_MAX_RECORDS)
		return 1;
	if (!ps->records_capped)
		perr(ps, line, "too many records; at most %d ZoneName, PartitionName and BudgetName records", SC_CONF_MAX_RECORDS);
	ps->records_capped = 1;
	return 0;
}

/* Whether a zone with provider prov has key id, by its own line or by
 * inheritance (given, even if its value was wrong: no second error). */
static int zone_given(const struct parser *ps, const int *own, int id, const struct sc_provider_ops *prov)
{
	return own[id] >= 0 ||
	       ((ps->zdef.val[id] || ps->zdef.bad[id]) && (keys[id].provs & SC_PROVIDER_KIND_BIT(prov->kind)));
}

/* Whether key id applies to the zones of provider prov. */
static int applies(int id, const struct sc_provider_ops *prov)
{
	return (keys[id].provs & SC_PROVIDER_KIND_BIT(prov->kind)) != 0;
}

/* What a zone of provider prov must have, and what follows from it
 * (ForecastError's default, a default Region=, a fixed signal). */
static void zone_complete(struct parser *ps, struct sc_zone_spec *z, const int *own, int line)
{
	const struct sc_provider_ops *prov = z->provider;
	const char *name = z->name;

	/* A file is exact only as a forecast someone else made; replayed history
	 * is a seasonal-naive forecast, at least as wrong as a live one. */
	if (!z->forecast_error_set)
		z->forecast_error_pct = z->replay != SC_REPLAY_NONE && applies(K_REPLAY, prov)
						? DEF_FORECAST_ERROR_REPLAY
						: prov->forecast_error_pct;

	switch (prov->kind) {
	case SC_PROVIDER_CSV:
		if (!zone_given(ps, own, K_PATH, prov))
			perr(ps, line, "ZoneName=%s has Provider=%s but no Path=; expected Path=<intensity CSV file>", SC_PRINTABLE_N(name, 80),
			     prov->name);
		break;
	case SC_PROVIDER_CONSTANT:
		if (!zone_given(ps, own, K_INTENSITY, prov))
			perr(ps, line, "ZoneName=%s has Provider=%s but no Intensity=; expected Intensity=<gCO2e/kWh, 0 to 3000>",
			     SC_PRINTABLE_N(name, 80), prov->name);
		break;
	case SC_PROVIDER_LIVE:
		if (zone_given(ps, own, K_REGION, prov))
			break;
		if (prov->default_region) {
			if (!(z->region = xstrdup(ps, prov->default_region)))
				return;
		} else {
			perr(ps, line, "ZoneName=%s has Provider=%s but no Region=; expected Region=<the provider's id for the area>",
			     SC_PRINTABLE_N(name, 80), prov->name);
		}
		break;
	}
	if (prov->token_line && !zone_given(ps, own, K_TOKENFILE, prov))
		perr(ps, line, "ZoneName=%s has Provider=%s but no TokenFile=; expected TokenFile=<file whose first line is the %s>",
		     SC_PRINTABLE_N(name, 80), prov->name, prov->token_line);
	if (prov->signal_fixed) {
		if (own[K_SIGNAL] >= 0 && z->signal != prov->signal)
			perr(ps, line, "Provider=%s publishes %s intensities only; omit Signal= or say Signal=%s",
			     prov->name, sc_signal_name(prov->signal), sc_signal_name(prov->signal));
		z->signal = prov->signal;
	}
}

static void zone_line(struct parser *ps, int line)
{
	const char *name = ps->tok[0].val;
	struct sc_conf *c = ps->conf;
	struct sc_zone_spec *z;
	int own[K_COUNT];
	const struct sc_provider_ops *prov = NULL;
	char buf[256];
	struct sc_err err;

	classify(ps, 1, CTX_ZONE, "ZoneName", line, own);
	if (strcasecmp(name, "DEFAULT") == 0) {
		struct sc_zone_spec scratch;
		zone_init(&scratch);
		default_line(ps, &ps->zdef, line, zone_set_v, &scratch);
		zone_free(&scratch);
		return;
	}
	if (!valid_name(name)) {
		name_error("ZoneName", name, &err);
		perr(ps, line, "%s", err.msg);
	}
	for (size_t i = 0; i < c->n_zones; i++)
		if (strcmp(c->zones[i].name, name) == 0) {
			/* Still read as a record, so that its other errors are reported. */
			perr(ps, line, "duplicate ZoneName=%s (first on line %d); each zone is defined once", SC_PRINTABLE_N(name, 80),
			     c->zones[i].line);
			break;
		}
	if (!record_room(ps, line))
		return;
	if (SC_GROW(c->zones, ps->cap_zones, c->n_zones + 1) < 0) {
		out_of_memory(ps);
		return;
	}
	z = &c->zones[c->n_zones];
	zone_init(z);
	z->line = line;
	if (!(z->name = xstrdup(ps, name)))
		return;
	c->n_zones++;

	/* The provider decides which keys apply. */
	if (own[K_PROVIDER] >= 0) {
		sc_err_clear(&err);
		if (zone_set(ps, z, K_PROVIDER, ps->tok[own[K_PROVIDER]].val, &err) < 0)
			perr(ps, line, "Provider: %s", err.msg);
		else
			prov = z->provider;
	} else if (ps->zdef.val[K_PROVIDER]) {
		zone_set(ps, z, K_PROVIDER, ps->zdef.val[K_PROVIDER], NULL);
		prov = z->provider;
	} else if (!ps->zdef.bad[K_PROVIDER]) {
		perr(ps, line, "ZoneName=%s has no Provider=; expected Provider=%s", SC_PRINTABLE_N(name, 80),
		     providers_accepted(buf, sizeof(buf)));
	}

	for (int id = K_PROVIDER + 1; id <= K_FORECASTERROR && prov; id++) {
		if (own[id] >= 0 || !ps->zdef.val[id] || !applies(id, prov))
			continue;
		if (id == K_SIGNAL && prov->signal_fixed)
			continue;
		sc_err_clear(&err);
		if (zone_set(ps, z, id, ps->zdef.val[id], &err) < 0 && !ps->oom)
			perr(ps, ps->zdef.line[id], "%s: %s", keys[id].name, err.msg);
	}
	for (size_t i = 1; i < ps->n_tok && !ps->oom; i++) {
		struct tok *t = &ps->tok[i];
		if (!t->use || t->id == K_PROVIDER)
			continue;
		if (prov && !applies(t->id, prov)) {
			perr(ps, line, "%s= applies only to %s; ZoneName=%s has Provider=%s", keys[t->id].name,
			     provider_list(keys[t->id].provs, buf, sizeof(buf)), SC_PRINTABLE_N(name, 80), prov->name);
			continue;
		}
		sc_err_clear(&err);
		if (zone_set(ps, z, t->id, t->val, &err) < 0 && !ps->oom)
			perr(ps, line, "%s: %s", keys[t->id].name, err.msg);
	}
	if (!prov || ps->oom)
		return;
	zone_complete(ps, z, own, line);
}

static void part_line(struct parser *ps, int line)
{
	const char *name = ps->tok[0].val;
	struct part_rec *p;
	int own[K_COUNT];
	struct sc_err err;

	classify(ps, 1, CTX_PART, "PartitionName", line, own);
	if (strcasecmp(name, "DEFAULT") == 0) {
		struct part_rec scratch;
		if (own[K_DEFAULT] >= 0) {
			perr(ps, line, "Default= cannot be given in PartitionName=DEFAULT; mark one partition Default=yes");
			ps->tok[own[K_DEFAULT]].use = 0;
		}
		part_init(&scratch);
		default_line(ps, &ps->pdef, line, part_set_v, &scratch);
		part_free(&scratch);
		return;
	}
	if (!valid_name(name)) {
		name_error("PartitionName", name, &err);
		perr(ps, line, "%s", err.msg);
	}
	for (size_t i = 0; i < ps->n_prec; i++)
		if (strcmp(ps->prec[i].name, name) == 0) {
			perr(ps, line, "duplicate PartitionName=%s (first on line %d); each partition is defined once", SC_PRINTABLE_N(name, 80),
			     ps->prec[i].line);
			break;
		}
	if (!record_room(ps, line))
		return;
	if (SC_GROW(ps->prec, ps->cap_prec, ps->n_prec + 1) < 0) {
		out_of_memory(ps);
		return;
	}
	p = &ps->prec[ps->n_prec];
	part_init(p);
	p->line = line;
	if (!(p->name = xstrdup(ps, name)))
		return;
	ps->n_prec++;

	for (int id = K_ZONE; id < K_COUNT; id++) {
		if (own[id] >= 0 || !ps->pdef.val[id])
			continue;
		sc_err_clear(&err);
		if (part_set(ps, p, id, ps->pdef.val[id], &err) < 0 && !ps->oom)
			perr(ps, ps->pdef.line[id], "%s: %s", keys[id].name, err.msg);
		if (id == K_ALTERNATIVES)
			p->alts_inherited = 1;
	}
	for (size_t i = 1; i < ps->n_tok && !ps->oom; i++) {
		struct tok *t = &ps->tok[i];
		if (!t->use)
			continue;
		sc_err_clear(&err);
		if (part_set(ps, p, t->id, t->val, &err) < 0 && !ps->oom)
			perr(ps, line, "%s: %s", keys[t->id].name, err.msg);
	}
	if (own[K_ZONE] < 0 && !ps->pdef.val[K_ZONE] && !ps->pdef.bad[K_ZONE] && !ps->oom)
		perr(ps, line, "PartitionName=%s has no Zone=; expected Zone=<a ZoneName of this file>", SC_PRINTABLE_N(name, 80));
}

/* ---- BudgetName records -------------------------------------------------- */

static void budget_free(struct sc_budget *b)
{
	free(b->name);
	free(b->account);
	free(b->user);
}

static int budget_set(struct parser *ps, struct sc_budget *b, int id, const char *v, struct sc_err *err)
{
	static const char *const periods[] = { "month", "quarter", "year" };
	static const char *const actions[] = { "reject", "delay", "warn" }; /* = enum sc_budget_action */
	int w = 0;

	switch (id) {
	case K_ACCOUNT:
	case K_USER:
		if (!valid_name(v))
			return name_error(id == K_USER ? "user name" : "account name", v, err);
		return replace_str(id == K_USER ? &b->user : &b->account, xstrdup(ps, v));
	case K_LIMIT:
		if (sc_parse_carbon(v, &b->limit_g, err) < 0)
			return -1;
		return b->limit_g > 0 ? 0 : sc_err_set(err, "'%s' is no limit; expected an amount above 0 (500g, 2kg, 1.5t)", SC_PRINTABLE(v));
	case K_PERIOD:
		if (set_word(v, periods, 3, "month, quarter or year (or Start=<time> Length=<duration>)", &w, err) < 0)
			return -1;
		b->period = (enum sc_budget_period)w;
		return 0;
	case K_START:
		if (strncasecmp(v, "now", 3) == 0)
			return sc_err_set(err, "'%s' is relative; expected a fixed UTC time (2026-01-01 or 2026-01-01T00:00:00)", SC_PRINTABLE(v));
		return sc_parse_time(v, 0, &b->start, err);
	case K_LENGTH:
		return set_duration(v, 3600, 0, &b->length, err);
	case K_ACTION:
		if (set_word(v, actions, 3, "reject, delay or warn", &w, err) < 0)
			return -1;
		b->action = (enum sc_budget_action)w;
		return 0;
	case K_WARN:
		if (sc_parse_percent(v, 0, 100, &b->warn_pct, err) < 0)
			return -1;
		return b->warn_pct > 0 ? 0 : sc_err_set(err, "'%s': expected a share of the limit above 0%% and at most 100%%", SC_PRINTABLE(v));
	case K_DELAYSAVINGS:
		return sc_parse_percent(v, 0, 100, &b->delay_savings_pct, err);
	}
	return sc_err_set(err, "internal error: key %d is not a budget key", id);
}

/* What a budget must have: whose jobs, a limit, one kind of period. */
static void budget_complete(struct parser *ps, struct sc_budget *b, const int *own, int line)
{
	const char *name = b->name;

	if (!b->account && !b->user)
		perr(ps, line, "BudgetName=%s names no Account= or User=; expected Account=<account>, User=<user> or both", SC_PRINTABLE_N(name, 80));
	if (own[K_LIMIT] < 0)
		perr(ps, line, "BudgetName=%s has no Limit=; expected Limit=<gCO2e per period: 500kg, 2t>", SC_PRINTABLE_N(name, 80));
	if (own[K_PERIOD] >= 0 && (own[K_START] >= 0 || own[K_LENGTH] >= 0))
		perr(ps, line, "BudgetName=%s has Period= and Start=/Length=; give one of Period=month|quarter|year or Start=<time> Length=<duration>", SC_PRINTABLE_N(name, 80));
	else if (own[K_PERIOD] < 0 && (own[K_START] < 0) != (own[K_LENGTH] < 0))
		perr(ps, line, "BudgetName=%s has %s= without %s=; explicit periods need both Start=<time> and Length=<duration>",
		     SC_PRINTABLE_N(name, 80), own[K_START] >= 0 ? "Start" : "Length", own[K_START] >= 0 ? "Length" : "Start");
	else if (own[K_PERIOD] < 0 && own[K_START] < 0)
		perr(ps, line, "BudgetName=%s has no Period=; expected Period=month|quarter|year, or Start=<time> Length=<duration>", SC_PRINTABLE_N(name, 80));
	else if (own[K_START] >= 0)
		b->period = SC_PERIOD_FIXED;
	if (own[K_DELAYSAVINGS] >= 0 && b->action != SC_BUDGET_DELAY)
		perr(ps, line, "BudgetName=%s: DelaySavings= applies to Action=delay only; omit it or say Action=delay", SC_PRINTABLE_N(name, 80));
}

static void budget_line(struct parser *ps, int line)
{
	const char *name = ps->tok[0].val;
	struct sc_conf *c = ps->conf;
	struct sc_budget *b;
	int own[K_COUNT];
	struct sc_err err;

	classify(ps, 1, CTX_BUDGET, "BudgetName", line, own);
	if (strcasecmp(name, "DEFAULT") == 0) {
		perr(ps, line, "BudgetName=DEFAULT: budgets have no defaults; give each budget its own name");
	} else if (!valid_name(name) || strlen(name) > SC_BUDGET_MAX_NAME) {
		name_error("BudgetName", name, &err);
		perr(ps, line, "%s", err.msg);
	}
	for (size_t i = 0; i < c->n_budgets; i++)
		if (strcmp(c->budgets[i].name, name) == 0) {
			perr(ps, line, "duplicate BudgetName=%s (first on line %d); each budget is defined once", SC_PRINTABLE_N(name, 80),
			     c->budgets[i].line);
			break;
		}
	if (!record_room(ps, line))
		return;
	if (SC_GROW(c->budgets, ps->cap_budgets, c->n_budgets + 1) < 0) {
		out_of_memory(ps);
		return;
	}
	b = &c->budgets[c->n_budgets];
	memset(b, 0, sizeof(*b));
	b->line = line;
	b->delay_savings_pct = 20;
	if (!(b->name = xstrdup(ps, name)))
		return;
	c->n_budgets++;
	for (size_t i = 1; i < ps->n_tok && !ps->oom; i++) {
		struct tok *t = &ps->tok[i];
		if (!t->use)
			continue;
		sc_err_clear(&err);
		if (budget_set(ps, b, t->id, t->val, &err) < 0 && !ps->oom)
			perr(ps, line, "%s: %s", keys[t->id].name, err.msg);
	}
	if (!ps->oom)
		budget_complete(ps, b, own, line);
}

static void parse_line(struct parser *ps, char *buf, int line)
{
	tokenize(ps, buf, line);
	if (!ps->n_tok || ps->stop)
		return;
	switch (ps->tok[0].id) {
	case K_ZONENAME:
		zone_line(ps, line);
		break;
	case K_PARTITIONNAME:
		part_line(ps, line);
		break;
	case K_BUDGETNAME:
		budget_line(ps, line);
		break;
	default:
		global_line(ps, line);
	}
}

/* ---- after the whole file ------------------------------------------------ */

struct name_ix {
	const char *name;
	size_t ix;
};

static int name_ix_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ix *)a)->name, ((const struct name_ix *)b)->name);
}

static long name_ix_find(const struct name_ix *ix, size_t n, const char *name)
{
	struct name_ix key = { name, 0 };
	const struct name_ix *r = n ? bsearch(&key, ix, n, sizeof(*ix), name_ix_cmp) : NULL;

	return r ? (long)r->ix : -1;
}

/* "DE, FR" (at most a few names), for messages. */
static char *zone_list(const struct sc_conf *c, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->n_zones; i++) {
		const char *name = SC_PRINTABLE(c->zones[i].name);

		/* whole names only: room for this one and a closing ", ..." */
		if (i == 8 || used + 2 + strlen(name) + 5 >= n) {
			if (used + 6 <= n)
				snprintf(buf + used, n - used, ", ...");
			break;
		}
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name);
	}
	return buf;
}

/* resolve's lookup tables: zones and partitions by name. */
struct tables {
	struct name_ix *zix, *pix;
};

/* Allocates the engine's arrays in ps->conf and the tables *t (freed by
 * the caller, allocated or not). Returns 0, or -1 when out of memory. */
static int resolve_alloc(struct parser *ps, struct tables *t)
{
	struct sc_conf *c = ps->conf;
	size_t n_alt = 0;

	c->n_parts = ps->n_prec;
	c->zone_names = calloc(c->n_zones + 1, sizeof(*c->zone_names));
	c->zone_error = calloc(c->n_zones + 1, sizeof(*c->zone_error));
	c->parts = calloc(ps->n_prec + 1, sizeof(*c->parts));
	c->part_names = calloc(ps->n_prec + 1, sizeof(*c->part_names));
	c->part_defaults = calloc(ps->n_prec + 1, sizeof(*c->part_defaults));
	c->part_lines = calloc(ps->n_prec + 1, sizeof(*c->part_lines));
	c->part_cores = calloc(ps->n_prec + 1, sizeof(*c->part_cores));
	c->part_gpus = calloc(ps->n_prec + 1, sizeof(*c->part_gpus));
	c->part_cap_slurm = calloc(ps->n_prec + 1, sizeof(*c->part_cap_slurm));
	t->zix = calloc(c->n_zones + 1, sizeof(*t->zix));
	t->pix = calloc(ps->n_prec + 1, sizeof(*t->pix));
	for (size_t i = 0; i < ps->n_prec; i++)
		n_alt += ps->prec[i].n_alts;
	c->alt_store = calloc(n_alt + 1, sizeof(*c->alt_store));
	if (!c->zone_names || !c->zone_error || !c->parts || !c->part_names || !c->part_defaults || !c->part_lines ||
	    !c->part_cores || !c->part_gpus || !c->part_cap_slurm || !t->zix || !t->pix || !c->alt_store)
		return -1;
	return 0;
}

/* Copies the zones' and partitions' own values into the engine's view (the
 * partitions' names move there) and indexes their names in *t. */
static void resolve_copy(struct parser *ps, struct tables *t)
{
	struct sc_conf *c = ps->conf;
	struct sc_partition *parts = c->parts;

	for (size_t i = 0; i < c->n_zones; i++) {
		c->zone_names[i] = c->zones[i].name;
		c->zone_error[i] = c->zones[i].forecast_error_pct;
		t->zix[i] = (struct name_ix){ c->zones[i].name, i };
	}
	qsort(t->zix, c->n_zones, sizeof(*t->zix), name_ix_cmp);
	for (size_t i = 0; i < ps->n_prec; i++) {
		struct part_rec *r = &ps->prec[i];
		c->part_names[i] = r->name;
		r->name = NULL;
		parts[i].name = c->part_names[i];
		parts[i].pue = r->pue;
		parts[i].power = r->power;
		parts[i].default_time = r->default_time;
		c->part_defaults[i].def_mem_per_cpu_mb = r->def_mem;
		c->part_lines[i] = r->line;
		c->part_cores[i] = r->cores;
		c->part_gpus[i] = r->gpus;
		c->part_cap_slurm[i] = r->cap_slurm;
		t->pix[i] = (struct name_ix){ c->part_names[i], i };
	}
	qsort(t->pix, ps->n_prec, sizeof(*t->pix), name_ix_cmp);
}

/* The default partition: the one with Default=yes (at most one may say
 * so), else the first. */
static void resolve_default(struct parser *ps)
{
	struct sc_conf *c = ps->conf;
	const struct sc_partition *parts = c->parts;

	c->default_part = ps->n_prec ? 0 : -1;
	for (size_t i = 0, seen = 0; i < ps->n_prec; i++) {
		if (!ps->prec[i].is_default)
			continue;
		if (seen++)
			perr(ps, ps->prec[i].line,
			     "PartitionName=%s has Default=yes, but PartitionName=%s (line %d) is already the default; at most one partition may say Default=yes",
			     SC_PRINTABLE(parts[i].name), SC_PRINTABLE(parts[c->default_part].name), ps->prec[c->default_part].line);
		else
			c->default_part = (int)i;
	}
}

/* Cores=slurm and GPUs=slurm are read at each sync: SyncInterval=0 would
 * leave the capacity unknown for good. */
static void resolve_sync(struct parser *ps)
{
	if (ps->conf->sync_interval > 0)
		return;
	for (size_t i = 0; i < ps->n_prec; i++)
		if (ps->prec[i].cap_slurm)
			perr(ps, ps->prec[i].line,
			     "PartitionName=%s takes its capacity from slurmctld (Cores=slurm or GPUs=slurm), which "
			     "the plugin reads at each sync, but SyncInterval=0 (line %d) turns the sync off; expected "
			     "SyncInterval above 0 or numbers", SC_PRINTABLE(ps->conf->part_names[i]),
			     ps->gline[K_SYNC]);
}

/* Zone= of partition i: its zone index (0 and zone_ok unset when it names
 * no ZoneName record). */
static void resolve_zone(struct parser *ps, size_t i, const struct tables *t)
{
	struct sc_conf *c = ps->conf;
	struct sc_partition *parts = c->parts;
	struct part_rec *r = &ps->prec[i];
	long z = r->zone ? name_ix_find(t->zix, c->n_zones, r->zone) : -1;
	char buf[256];

	if (r->zone && z < 0) {
		if (c->n_zones)
			perr(ps, r->line, "Zone=%s of PartitionName=%s is not a ZoneName record of this file; defined zones: %s",
			     SC_PRINTABLE(r->zone), SC_PRINTABLE(parts[i].name), zone_list(c, buf, sizeof(buf)));
		else
			perr(ps, r->line, "Zone=%s of PartitionName=%s is not a ZoneName record of this file; define it with a ZoneName=%s line",
			     SC_PRINTABLE(r->zone), SC_PRINTABLE(parts[i].name), SC_PRINTABLE(r->zone));
	}
	parts[i].zone = z < 0 ? 0 : (size_t)z;
	r->zone_ok = z >= 0;
}

/* How often items[k] is in items[0..n-1], or 0 when it was already there
 * before k (so that a name listed several times is reported once). */
static size_t times_listed(char *const *items, size_t n, size_t k)
{
	size_t times = 1;

	for (size_t j = 0; j < k; j++)
		if (strcmp(items[j], items[k]) == 0)
			return 0;
	for (size_t j = k + 1; j < n; j++)
		times += strcmp(items[j], items[k]) == 0;
	return times;
}

/* " (listed 3 times)" for a name listed more than once, else "". */
static const char *times_note(size_t times, char *buf, size_t n)
{
	if (times < 2)
		return "";
	snprintf(buf, n, " (listed %zu times)", times);
	return buf;
}

/* Alternatives= of partition i: the valid ones stored in alt_store from
 * *used on (*used advances past them), the others reported, each name
 * once however often it is listed. */
static void resolve_alts(struct parser *ps, size_t i, struct tables *t, size_t *used)
{
	struct sc_conf *c = ps->conf;
	struct sc_partition *parts = c->parts;
	struct part_rec *r = &ps->prec[i];
	size_t first = *used;
	char note[48];

	parts[i].alt = c->alt_store + *used;
	for (size_t k = 0; k < r->n_alts; k++) {
		size_t times = times_listed(r->alts, r->n_alts, k);
		long a;

		if (!times)
			continue;
		a = name_ix_find(t->pix, ps->n_prec, r->alts[k]);
		if (a == (long)i) {
			if (!r->alts_inherited)
				perr(ps, r->line, "Alternatives= of PartitionName=%s names the partition itself%s; expected other managed partitions",
				     SC_PRINTABLE(parts[i].name), times_note(times, note, sizeof(note)));
			continue;
		}
		if (a < 0) {
			perr(ps, r->line, "Alternatives= of PartitionName=%s: '%s'%s is not a PartitionName record of this file; expected managed partitions",
			     SC_PRINTABLE(parts[i].name), SC_PRINTABLE(r->alts[k]), times_note(times, note, sizeof(note)));
			continue;
		}
		if (times > 1)
			perr(ps, r->line, "Alternatives= of PartitionName=%s: '%s' listed %zu times; name each partition once",
			     SC_PRINTABLE(parts[i].name), SC_PRINTABLE(r->alts[k]), times);
		c->alt_store[(*used)++] = (size_t)a;
	}
	parts[i].n_alt = *used - first;
}

/* Signals: a partition and its alternatives use one kind of intensity
 * unless AllowMixedSignals=yes; checked only where the zones resolved. */
static void check_signals(struct parser *ps)
{
	struct sc_conf *c = ps->conf;
	const struct sc_partition *parts = c->parts;

	for (size_t i = 0; i < ps->n_prec && !c->allow_mixed_signals; i++) {
		struct part_rec *r = &ps->prec[i];
		const struct sc_zone_spec *zp;
		if (!r->zone_ok)
			continue;
		zp = &c->zones[parts[i].zone];
		for (size_t k = 0; k < parts[i].n_alt; k++) {
			size_t a = parts[i].alt[k];
			const struct sc_zone_spec *za;
			if (!ps->prec[a].zone_ok)
				continue;
			za = &c->zones[parts[a].zone];
			if (za->signal != zp->signal)
				perr(ps, r->line,
				     "PartitionName=%s (zone %s, %s signal) has Alternatives=%s (zone %s, %s signal): comparing marginal and average intensities is meaningless; choose alternatives with the same signal kind or set AllowMixedSignals=yes",
				     SC_PRINTABLE(parts[i].name), zp->name, sc_signal_name(zp->signal), SC_PRINTABLE(parts[a].name), za->name,
				     sc_signal_name(za->signal));
		}
	}
}

/* Builds the engine's view from the records and checks the references.
 * Returns 0 (errors in the records are reported with perr), or -1 when out
 * of memory. */
static int resolve(struct parser *ps)
{
	struct sc_conf *c = ps->conf;
	struct tables t = { NULL, NULL };
	size_t used = 0;
	int rc = -1;

	if (resolve_alloc(ps, &t) < 0)
		goto error;
	resolve_copy(ps, &t);
	resolve_default(ps);
	resolve_sync(ps);
	for (size_t i = 0; i < ps->n_prec; i++) {
		resolve_zone(ps, i, &t);
		resolve_alts(ps, i, &t, &used);
	}
	check_signals(ps);

	c->site.parts = c->parts;
	c->site.n_parts = c->n_parts;
	c->site.zones = (const char *const *)c->zone_names;
	c->site.n_zones = c->n_zones;
	c->site.zone_error = c->zone_error;
	rc = 0;
error:
	if (rc < 0)
		out_of_memory(ps);
	free(t.zix);
	free(t.pix);
	return rc;
}

/* ---- API ----------------------------------------------------------------- */

static void conf_defaults(struct sc_conf *c)
{
	c->mode = SC_MODE_ADVISE;
	c->allow_opt_out = 1;
	c->allow_mixed_signals = 0;
	c->reload_interval = DEF_RELOAD;
	c->sync_interval = DEF_SYNC;
	c->archive_days = SC_ARCHIVE_DAYS;
	c->default_part = -1;
	c->site.params.max_delay = DEF_MAX_DELAY;
	c->site.params.min_savings_pct = DEF_MIN_SAVINGS;
	c->site.params.runtime_ratio = 1.0;
	c->estimates_max_age = DEF_ESTIMATES_MAX_AGE;
	c->site.params.reroute = 1;
	c->site.params.near_best_pct = 0;
}

static void parser_free(struct parser *ps)
{
	perr_flush(ps);
	for (int i = 0; i < K_COUNT; i++) {
		free(ps->zdef.val[i]);
		free(ps->pdef.val[i]);
	}
	for (size_t i = 0; i < ps->n_prec; i++)
		part_free(&ps->prec[i]);
	free(ps->prec);
	free(ps->tok);
	free(ps->dir);
}

struct sc_conf *sc_conf_parse(const char *text, size_t len, const char *name, struct sc_diag *diag)
{
	struct parser ps = { 0 };
	struct sc_conf *c = NULL;
	const char *p, *end, *slash;
	char *buf = NULL;
	int line = 0;

	ps.diag = diag;
	ps.name = name ? name : "carbon.conf";
	if (!text) {
		text = "";
		len = 0;
	}
	/* A UTF-8 byte order mark, as some editors write, is not part of the first key. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (len > SC_CONF_MAX_SIZE) {
		sc_diag_add(diag, "%s: the file is larger than %u bytes; a configuration is a small text file", ps.name,
			    SC_CONF_MAX_SIZE);
		return NULL;
	}
	if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(ps.name)) ||
	    !(c->state_dir = strdup(DEF_STATE_DIR)) || !(buf = malloc(SC_CONF_MAX_LINE + 1)))
		goto oom;
	ps.conf = c;
	conf_defaults(c);
	if ((slash = strrchr(ps.name, '/')) &&
	    !(ps.dir = strndup(ps.name, slash == ps.name ? 1 : (size_t)(slash - ps.name))))
		goto oom;

	for (p = text, end = text + len; p < end && !ps.stop;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		line++;
		if (n > SC_CONF_MAX_LINE) {
			perr(&ps, line, "line is longer than %d bytes; split the configuration into shorter lines",
			     SC_CONF_MAX_LINE);
		} else if (memchr(p, '\0', n)) {
			perr(&ps, line, "line contains a NUL byte; carbon.conf is a text file");
		} else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			parse_line(&ps, buf, line);
		}
		p = nl ? nl + 1 : end;
	}
	if (!ps.stop && resolve(&ps) < 0)
		goto error;
	if (ps.n_errs || ps.oom)
		goto error;
	free(buf);
	parser_free(&ps);
	return c;
oom:
	sc_diag_add(diag, "%s: out of memory while reading the configuration", ps.name);
error:
	free(buf);
	parser_free(&ps);
	sc_conf_destroy(c);
	return NULL;
}

struct sc_conf *sc_conf_load(const char *path, struct sc_diag *diag)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0, cap = 0;
	struct sc_conf *c;
	char ebuf[128];

	if (!path || !*path) {
		sc_diag_add(diag, "carbon.conf: no path given; expected the path of carbon.conf");
		return NULL;
	}
	{
		/* Never waits on a FIFO (slurmctld would not start), and refuses what is not a
		 * regular file; the size is checked below, where sc_conf_parse says so. */
		struct sc_err oerr;
		if (!(f = sc_open_regular(path, "carbon.conf", 0, &oerr))) {
			if (errno == EINVAL) {
				sc_diag_add(diag, "%s; expected carbon.conf to be a regular file (see carbon.conf(5))",
					    oerr.msg);
				goto error;
			}
			goto read_error;
		}
	}
	for (;;) {
		size_t got;
		/* Room for at least 8 KiB more (the capacity doubles). */
		if (len == cap && SC_GROW(text, cap, len + 8192) < 0) {
			sc_diag_add(diag, "%s: out of memory while reading the configuration", path);
			goto error;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				goto read_error;
			break;
		}
		if (len > SC_CONF_MAX_SIZE)
			break; /* sc_conf_parse says it is too large */
	}
	fclose(f);
	c = sc_conf_parse(text, len, path, diag);
	free(text);
	return c;
read_error:
	sc_diag_add(diag, "%s: cannot read: %s; expected a readable carbon.conf (see carbon.conf(5))", path,
		    strerror_r(errno, ebuf, sizeof(ebuf)));
error:
	if (f)
		fclose(f);
	free(text);
	return NULL;
}

void sc_conf_destroy(struct sc_conf *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->state_dir);
	free_list(c->exempt_users, c->n_exempt_users);
	free_list(c->exempt_accounts, c->n_exempt_accounts);
	free_list(c->exempt_qos, c->n_exempt_qos);
	for (size_t i = 0; i < c->n_budgets; i++)
		budget_free(&c->budgets[i]);
	free(c->budgets);
	for (size_t i = 0; i < c->n_zones; i++)
		zone_free(&c->zones[i]);
	free(c->zones);
	free(c->zone_names);
	free(c->zone_error);
	if (c->part_names)
		free_list(c->part_names, c->n_parts);
	free(c->parts);
	free(c->part_defaults);
	free(c->part_lines);
	free(c->part_cores);
	free(c->part_gpus);
	free(c->part_cap_slurm);
	free(c->alt_store);
	free(c);
}

char *sc_conf_locate(const char *slurm_conf_path)
{
	const char *env = getenv("SLURM_CARBON_CONF");
	const char *sc = slurm_conf_path, *slash;
	char *r;
	size_t dl;

	if (env && *env)
		return strdup(env);
	if (!sc) {
		sc = getenv("SLURM_CONF");
		if (!sc || !*sc)
			sc = "/etc/slurm/slurm.conf";
	}
	slash = strrchr(sc, '/');
	dl = slash ? (size_t)(slash - sc) + 1 : 0;
	r = malloc(dl + sizeof("carbon.conf"));
	if (!r)
		return NULL;
	memcpy(r, sc, dl);
	memcpy(r + dl, "carbon.conf", sizeof("carbon.conf"));
	return r;
}

static int in_list(char *const *items, size_t n, const char *s, int icase)
{
	for (size_t i = 0; s && i < n; i++)
		if (icase ? strcasecmp(items[i], s) == 0 : strcmp(items[i], s) == 0)
			return 1;
	return 0;
}

const char *sc_conf_exempt(const struct sc_conf *c, const char *user, const char *account, const char *qos)
{
	if (in_list(c->exempt_users, c->n_exempt_users, user, 0))
		return "exempt user";
	if (in_list(c->exempt_accounts, c->n_exempt_accounts, account, 1))
		return "exempt account";
	if (in_list(c->exempt_qos, c->n_exempt_qos, qos, 1))
		return "exempt QOS";
	return NULL;
}

int sc_conf_find_zone(const struct sc_conf *c, const char *name)
{
	for (size_t i = 0; name && i < c->n_zones; i++)
		if (strcmp(c->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}
