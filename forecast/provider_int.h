/* slurm-carbon: the helpers the provider_*.c files share (not an interface
 * of the library: see forecast/provider.h). forecast/provider_common.c
 * implements them and calls no provider: the providers call it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_PROVIDER_INT_H
#define SC_FORECAST_PROVIDER_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "forecast/http.h"
#include "forecast/provider.h"

/* Parses a response body as JSON (any top-level value). NULL with err
 * ("invalid JSON at line L, column C: ...", or "empty response"). */
json_t *sc_prov_json(const char *buf, size_t len, struct sc_err *err);

/* An ISO 8601 time from a provider (must start with a digit: no "now"). */
int sc_prov_time(const char *s, int64_t *t, struct sc_err *err);

/* Collects points in answer order and applies the rules of provider.h.
 * Start from { 0 }. */
struct sc_pts {
	struct sc_series *s; /* the non-null points (NULL until the first) */
	size_t nulls;
	int64_t last_t; /* time of the last element, null or not */
	int any;        /* whether last_t is set */
};

/* Adds element `idx` of the array `arr`: jt (borrowed) must be a time
 * string (field tname), jv a number or null (field vname), multiplied by
 * factor. Errors name "arr[idx].field". */
int sc_pts_add(struct sc_pts *p, const char *arr, size_t idx, const char *tname, json_t *jt,
	       const char *vname, json_t *jv, double factor, struct sc_err *err);

/* Adds a point whose time is already known (same rules). */
int sc_pts_add_at(struct sc_pts *p, const char *arr, size_t idx, int64_t t, const char *vname,
		  json_t *jv, double factor, struct sc_err *err);

/* The series of the collected points (what names the answer in messages:
 * "forecast"), handed over to the caller; p is left empty either way. */
struct sc_series *sc_pts_series(struct sc_pts *p, enum sc_signal signal, int64_t issued_at,
				const char *what, struct sc_err *err);

/* Frees what p collected (for error paths); p is left empty. */
void sc_pts_free(struct sc_pts *p);

/* base (trailing slashes dropped) followed by the printf-formatted path.
 * malloc'd; NULL when out of memory. */
char *sc_prov_url(const char *base, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The error for a non-2xx answer: "GET <url>: HTTP <status>: <the
 * provider's message or the start of the body>" plus a hint for 401/403
 * (credentials) and 429 (rate limit, Retry-After). Returns -1. */
int sc_prov_status_error(const char *url, const struct sc_http_response *r, const char *auth_hint,
			 struct sc_err *err);

/* For a 2xx answer whose body could not be read: prefixes err's message
 * with "GET <url>: " (credentials redacted), as sc_prov_status_error words
 * its errors. Returns -1. */
int sc_prov_answer_error(const char *url, struct sc_err *err);

/* GETs url through ctx->get and checks for a 2xx answer; -1 with err
 * otherwise (resp is then released). headers, user, password: as
 * sc_http_get; auth_hint: see sc_prov_status_error (may be NULL). */
int sc_prov_get(const struct sc_fetch_ctx *ctx, const char *url, const char *const *headers,
		const char *user, const char *password, const char *auth_hint,
		struct sc_http_response *resp, struct sc_err *err);

/* Parses a 2xx answer r with parse and releases r. The series is the
 * caller's; NULL with err prefixed as sc_prov_answer_error words it. */
struct sc_series *sc_prov_parse_answer(const char *url, struct sc_http_response *r,
				       struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
				       struct sc_err *err);

/* GET, check, parse, add the URL to the error: sc_prov_get then
 * sc_prov_parse_answer. */
struct sc_series *sc_prov_get_series(const struct sc_fetch_ctx *ctx, const char *url,
				     const char *const *headers, const char *auth_hint,
				     struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
				     struct sc_err *err);

/* Fetches the actuals into out->actual with sc_prov_get_series; a failure
 * only fills out->warning (sc_prov_set_actual). */
void sc_prov_get_actual(const struct sc_fetch_ctx *ctx, const char *url, const char *const *headers,
			const char *auth_hint, struct sc_series *(*parse)(const char *, size_t, struct sc_err *),
			struct sc_fetch *out);

/* Hands actual (may be NULL) to out->actual; when NULL, out->warning says
 * why from e: "actual intensities not fetched: <e>". */
void sc_prov_set_actual(struct sc_fetch *out, struct sc_series *actual, const struct sc_err *e);

/* Zeroes and frees a secret; NULL is a no-op. */
void sc_secret_free(char *s);

/* The wall clock of ctx (ctx->clock, else time()). */
int64_t sc_prov_wall(const struct sc_fetch_ctx *ctx);

/* The token cache's entry for key (borrowed; valid until the next
 * sc_token_get on c), created empty when absent; NULL when c is NULL or
 * out of memory. The entry's token is the cache's
 * (a malloc'd secret or NULL); replace it with sc_token_set. */
struct sc_token {
	char *key;
	char *token;     /* secret, NULL when none */
	int64_t obtained; /* wall-clock time it was obtained */
};
struct sc_token *sc_token_get(struct sc_token_cache *c, const char *key);

/* Drops t's token (zeroed) and takes ownership of token (may be NULL),
 * obtained at `at`. */
void sc_token_set(struct sc_token *t, char *token, int64_t at);

#endif
