/* slurm-carbon: the helpers the providers share (forecast/provider_int.h) —
 * JSON and time parsing, the validation rules, the GETs and their errors,
 * token files and the token cache. Calls no provider.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "forecast/provider_int.h"
#include "policy/grid.h"
#include "base/grow.h"
#include "base/units.h"

#define TOKEN_FILE_MAX (64 * 1024)

json_t *sc_prov_json(const char *buf, size_t len, struct sc_err *err)
{
	json_error_t je;
	json_t *j;
	size_t i = 0;

	while (buf && i < len && isspace((unsigned char)buf[i]))
		i++;
	if (!buf || i == len) {
		sc_err_set(err, "empty response; expected JSON");
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		sc_err_set(err, "invalid JSON at line %d, column %d: %s", je.line, je.column, SC_PRINTABLE(je.text));
	return j;
}

int sc_prov_time(const char *s, int64_t *t, struct sc_err *err)
{
	/* sc_parse_abs_time: its message lists no `now` (issue 14) */
	return sc_parse_abs_time(s, t, err) < 0 ? -1 : 0;
}

int sc_pts_add_at(struct sc_pts *p, const char *arr, size_t idx, int64_t t, const char *vname,
		  json_t *jv, double factor, struct sc_err *err)
{
	char a[32], b[32];
	double v;

	if (p->any && t <= p->last_t)
		return sc_err_set(err, "%s[%zu]: times not increasing: %s does not come after %s", arr, idx,
				  sc_format_time(t, a, sizeof(a)), sc_format_time(p->last_t, b, sizeof(b)));
	p->last_t = t;
	p->any = 1;
	if (json_is_null(jv)) {
		p->nulls++;
		return 0;
	}
	if (!json_is_number(jv))
		return sc_err_set(err, "%s[%zu].%s: %s; expected a number of g/kWh or null", arr, idx, vname,
				  jv ? "not a number" : "missing");
	v = json_number_value(jv) * factor;
	if (!isfinite(v) || v < 0 || v > SC_INTENSITY_MAX)
		return sc_err_set(err, "%s[%zu].%s: %g g/kWh is outside 0..%g", arr, idx, vname, v,
				  SC_INTENSITY_MAX);
	if (!p->s && !(p->s = sc_series_create()))
		return sc_err_set(err, "out of memory");
	/* Order and range are checked above; what is left (a time outside
	 * the years the series holds, memory) is named by the element. */
	if (sc_series_append(p->s, t, v, err) < 0)
		return sc_err_prefix(err, "%s[%zu]: ", arr, idx);
	return 0;
}

int sc_pts_add(struct sc_pts *p, const char *arr, size_t idx, const char *tname, json_t *jt,
	       const char *vname, json_t *jv, double factor, struct sc_err *err)
{
	struct sc_err e;
	int64_t t;

	if (!json_is_string(jt))
		return sc_err_set(err, "%s[%zu].%s: %s; expected an ISO 8601 time", arr, idx, tname,
				  jt ? "not a string" : "missing");
	if (sc_prov_time(json_string_value(jt), &t, &e) < 0)
		return sc_err_set(err, "%s[%zu].%s: %s", arr, idx, tname, e.msg);
	return sc_pts_add_at(p, arr, idx, t, vname, jv, factor, err);
}

void sc_pts_free(struct sc_pts *p)
{
	sc_series_destroy(p->s);
	memset(p, 0, sizeof(*p));
}

struct sc_series *sc_pts_series(struct sc_pts *p, enum sc_signal signal, int64_t issued_at,
				const char *what, struct sc_err *err)
{
	struct sc_series *s = p->s;

	if (!s) {
		if (p->nulls)
			sc_err_set(err, "%s: all %zu values are null; no intensity to plan with", what, p->nulls);
		else
			sc_err_set(err, "%s: no data points", what);
		sc_pts_free(p);
		return NULL;
	}
	s->signal = signal;
	s->issued_at = issued_at;
	p->s = NULL;
	sc_pts_free(p);
	return s;
}

char *sc_prov_url(const char *base, const char *fmt, ...)
{
	size_t bl = strlen(base);
	va_list ap;
	char *path = NULL, *url = NULL;
	int n;

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	va_start(ap, fmt);
	n = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if (asprintf(&url, "%.*s%s", (int)bl, base, path) < 0)
		url = NULL;
	free(path);
	return url;
}

/* The provider's own words from an error body: "message", "msg", "error"
 * or "detail" of a JSON object, else the start of the body; printable
 * characters only, at most n - 1 bytes. */
static void error_text(const char *body, size_t len, char *out, size_t n)
{
	static const char *const keys[] = { "message", "msg", "detail", "error", "title" };
	json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	const char *s = NULL;
	size_t o = 0;

	for (size_t k = 0; json_is_object(j) && !s && k < sizeof(keys) / sizeof(keys[0]); k++)
		s = json_string_value(json_object_get(j, keys[k]));
	if (!s) {
		s = body ? body : "";
	} else {
		len = strlen(s);
	}
	for (size_t i = 0; i < len && s[i] && o + 4 < n && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : (c == '\n' || c == '\t' ? ' ' : '?');
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	json_decref(j);
}

int sc_prov_status_error(const char *url, const struct sc_http_response *r, const char *auth_hint,
			 struct sc_err *err)
{
	char where[512], text[256];
	char hint[SC_ERR_MAX] = "";

	sc_http_redact_url(url, where, sizeof(where));
	error_text(r->body, r->len, text, sizeof(text));
	if ((r->status == 401 || r->status == 403) && auth_hint)
		snprintf(hint, sizeof(hint), " (%s)", auth_hint);
	else if (r->status == 429 && r->retry_after_s > 0)
		snprintf(hint, sizeof(hint), " (rate limited; the service asks to wait %ld s, after %d attempt%s)",
			 r->retry_after_s, r->attempts, r->attempts == 1 ? "" : "s");
	else if (r->status == 429 || r->status >= 500)
		snprintf(hint, sizeof(hint), " (after %d attempt%s)", r->attempts, r->attempts == 1 ? "" : "s");
	return sc_err_set(err, "GET %s: HTTP %ld%s%s%s", where, r->status, hint, text[0] ? ": " : "", text);
}

int sc_prov_answer_error(const char *url, struct sc_err *err)
{
	char where[512];

	return sc_err_prefix(err, "GET %s: ", sc_http_redact_url(url, where, sizeof(where)));
}

int sc_prov_get(const struct sc_fetch_ctx *ctx, const char *url, const char *const *headers,
		const char *user, const char *password, const char *auth_hint,
		struct sc_http_response *resp, struct sc_err *err)
{
	memset(resp, 0, sizeof(*resp));
	if (!ctx->get)
		return sc_err_set(err, "internal error: no HTTP client to GET %s with", url);
	if (ctx->get(ctx->http, url, headers, user, password, resp, err) < 0) {
		sc_http_response_free(resp);
		return -1;
	}
	if (resp->status < 200 || resp->status > 299) {
		sc_prov_status_error(url, resp, auth_hint, err);
		sc_http_response_free(resp);
		return -1;
	}
	return 0;
}

struct sc_series *sc_prov_parse_answer(const char *url, struct sc_http_response *r,
				       struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
				       struct sc_err *err)
{
	struct sc_series *s = parse(r->body, r->len, err);

	if (!s)
		sc_prov_answer_error(url, err);
	sc_http_response_free(r);
	return s;
}

struct sc_series *sc_prov_get_series(const struct sc_fetch_ctx *ctx, const char *url,
				     const char *const *headers, const char *auth_hint,
				     struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
				     struct sc_err *err)
{
	struct sc_http_response r;

	if (sc_prov_get(ctx, url, headers, NULL, NULL, auth_hint, &r, err) < 0)
		return NULL;
	return sc_prov_parse_answer(url, &r, parse, err);
}

void sc_prov_get_actual(const struct sc_fetch_ctx *ctx, const char *url, const char *const *headers,
			const char *auth_hint, struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
			struct sc_fetch *out)
{
	struct sc_err e;
	struct sc_series *s = sc_prov_get_series(ctx, url, headers, auth_hint, parse, &e);

	sc_prov_set_actual(out, s, &e);
}

void sc_prov_set_actual(struct sc_fetch *out, struct sc_series *actual, const struct sc_err *e)
{
	out->actual = actual;
	if (!actual)
		snprintf(out->warning, sizeof(out->warning), "actual intensities not fetched: %s", e->msg);
}

void sc_secret_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

int sc_token_read(const char *path, char **secret, struct sc_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, end;
	ssize_t got;
	int fd = -1, rc = -1;

	*secret = NULL;
	if (!path || !*path)
		return sc_err_set(err, "no TokenFile=: expected a file whose first line is the secret");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		sc_err_set(err, "cannot read TokenFile %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		sc_err_set(err, "cannot read TokenFile %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sc_err_set(err, "TokenFile %s is not a regular file; expected a file whose first line is the secret",
			   path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		sc_err_set(err, "TokenFile %s has mode %04o: its group or others may %s it, and it holds a secret; "
				"it must be readable by its owner only: run chmod 600 %s (and keep it owned by the user "
				"that runs scarbon refresh)",
			   path, (unsigned)(st.st_mode & 07777),
			   (st.st_mode & (S_IRGRP | S_IROTH)) ? "read" : "write", path);
		goto out;
	}
	if (st.st_size > TOKEN_FILE_MAX) {
		sc_err_set(err, "TokenFile %s is larger than %d bytes; expected a file whose first line is the secret",
			   path, TOKEN_FILE_MAX);
		goto out;
	}
	buf = malloc(TOKEN_FILE_MAX + 1);
	if (!buf) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	while (len < TOKEN_FILE_MAX && (got = read(fd, buf + len, TOKEN_FILE_MAX - len)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			sc_err_set(err, "cannot read TokenFile %s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)got;
	}
	end = 0;
	while (end < len && buf[end] != '\n' && buf[end] != '\0')
		end++;
	while (end > 0 && isspace((unsigned char)buf[end - 1]))
		end--;
	if (end == 0) {
		sc_err_set(err, "TokenFile %s: the first line is empty; expected the secret on the first line", path);
		goto out;
	}
	*secret = strndup(buf, end);
	if (!*secret) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (buf) {
		explicit_bzero(buf, TOKEN_FILE_MAX + 1);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int64_t sc_prov_wall(const struct sc_fetch_ctx *ctx)
{
	return ctx->clock ? ctx->clock(ctx->clock_ctx) : (int64_t)time(NULL);
}

/* ---- the token cache ------------------------------------------------------ */

struct sc_token_cache {
	struct sc_token *v;
	size_t n, cap;
};

struct sc_token_cache *sc_token_cache_create(void)
{
	return calloc(1, sizeof(struct sc_token_cache));
}

void sc_token_cache_destroy(struct sc_token_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		sc_secret_free(c->v[i].token);
	}
	free(c->v);
	free(c);
}

struct sc_token *sc_token_get(struct sc_token_cache *c, const char *key)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	if (SC_GROW(c->v, c->cap, c->n + 1) < 0)
		return NULL;
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	c->v[c->n].key = strdup(key);
	if (!c->v[c->n].key)
		return NULL;
	return &c->v[c->n++];
}

void sc_token_set(struct sc_token *t, char *token, int64_t at)
{
	sc_secret_free(t->token);
	t->token = token;
	t->obtained = at;
}
