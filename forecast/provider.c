/* slurm-carbon: what the live providers share — JSON and time parsing, the
 * validation rules, token files, and the dispatch of sc_provider_fetch.
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
#include <unistd.h>

#include "forecast/provider_int.h"
#include "policy/grid.h"
#include "policy/units.h"

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
		sc_err_set(err, "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
	return j;
}

int sc_prov_time(const char *s, int64_t *t, struct sc_err *err)
{
	struct sc_err e;

	if (!s || !isdigit((unsigned char)*s))
		return sc_err_set(err, "invalid time '%.40s'; expected ISO 8601 (2022-07-15T00:00:00Z)",
				  s ? s : "");
	if (sc_parse_time(s, 0, t, &e) < 0)
		return sc_err_set(err, "%s", e.msg);
	return 0;
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
	if (sc_http_get(ctx->http, url, headers, user, password, resp, err) < 0) {
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

int sc_provider_is_live(enum sc_provider p)
{
	return p == SC_PROV_ELECTRICITYMAPS || p == SC_PROV_WATTTIME || p == SC_PROV_UKCI ||
	       p == SC_PROV_CASDK;
}

void sc_fetch_release(struct sc_fetch *out)
{
	if (!out)
		return;
	sc_series_destroy(out->forecast);
	sc_series_destroy(out->actual);
	memset(out, 0, sizeof(*out));
}

int sc_provider_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		      struct sc_err *err)
{
	char src[300], a[32], b[32];
	int rc;

	memset(out, 0, sizeof(*out));
	switch (z->provider) {
	case SC_PROV_ELECTRICITYMAPS: rc = sc_em_fetch(z, ctx, out, err); break;
	case SC_PROV_WATTTIME: rc = sc_wt_fetch(z, ctx, out, err); break;
	case SC_PROV_UKCI: rc = sc_ukci_fetch(z, ctx, out, err); break;
	case SC_PROV_CASDK: rc = sc_casdk_fetch(z, ctx, out, err); break;
	default:
		return sc_err_set(err, "provider %s reads local data: nothing to fetch", sc_provider_name(z->provider));
	}
	if (rc < 0)
		goto error;
	if (sc_series_end(out->forecast) <= ctx->now) {
		sc_err_set(err, "the forecast ends at %s, not after now (%s): the provider's data are out of date",
			   sc_format_time(sc_series_end(out->forecast), a, sizeof(a)),
			   sc_format_time(ctx->now, b, sizeof(b)));
		goto error;
	}
	snprintf(src, sizeof(src), "%s:%s", sc_provider_name(z->provider), z->region ? z->region : "");
	out->forecast->signal = z->provider == SC_PROV_WATTTIME ? SC_SIGNAL_MARGINAL : z->signal;
	if (sc_series_set_source(out->forecast, src) < 0) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	if (out->actual) {
		out->actual->signal = out->forecast->signal;
		if (sc_series_set_source(out->actual, src) < 0) {
			sc_err_set(err, "out of memory");
			goto error;
		}
	}
	return 0;
error:
	sc_fetch_release(out);
	return -1;
}
