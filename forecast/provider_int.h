/* slurm-carbon: what the provider_*.c files share (not an interface of the
 * library: see forecast/provider.h).
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

/* GETs url and checks for a 2xx answer; -1 with err otherwise (resp is then
 * released). */
int sc_prov_get(const struct sc_fetch_ctx *ctx, const char *url, const char *const *headers,
		const char *user, const char *password, const char *auth_hint,
		struct sc_http_response *resp, struct sc_err *err);

/* Zeroes and frees a secret; NULL is a no-op. */
void sc_secret_free(char *s);

/* Per-provider fetchers (the contract of sc_provider_fetch, without the
 * common post-processing). */
int sc_em_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		struct sc_err *err);
int sc_wt_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		struct sc_err *err);
int sc_ukci_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		  struct sc_err *err);
int sc_casdk_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		   struct sc_err *err);

#endif
