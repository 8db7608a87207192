/* slurm-carbon: a thin libcurl wrapper for the forecast providers — the only
 * code of the project that talks to the network.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One GET at a time, with hard limits: a connect timeout and a total timeout
 * per attempt, a cap on the size of the response body, a bounded number of
 * retries with exponential backoff (honouring Retry-After on 429 and 5xx),
 * TLS verification on (peer and host), CURLOPT_NOSIGNAL (safe in threaded
 * programs), no redirects followed (an auth header must not travel to
 * another host), http and https only. Proxies come from the environment
 * (http_proxy, https_proxy, no_proxy: libcurl's default).
 *
 * Secrets: headers and Basic-auth credentials are handed to libcurl and
 * never copied into messages; URLs in messages have any user:password@
 * part removed. Nothing here prints or logs.
 */
#ifndef SC_FORECAST_HTTP_H
#define SC_FORECAST_HTTP_H

#include <stddef.h>

#include "base/error.h"

/* Defaults of struct sc_http_opts (sc_http_opts_init). */
#define SC_HTTP_CONNECT_TIMEOUT_S 10
#define SC_HTTP_TIMEOUT_S 30
#define SC_HTTP_MAX_BYTES (8u * 1024 * 1024)
#define SC_HTTP_RETRIES 2
#define SC_HTTP_BACKOFF_MS 1000
#define SC_HTTP_MAX_WAIT_S 60

struct sc_http_opts {
	long connect_timeout_s; /* per attempt */
	long timeout_s;         /* whole transfer, per attempt */
	size_t max_bytes;       /* larger bodies are an error (not retried) */
	int retries;            /* further attempts after the first, on a
				 * transport error, a timeout, 429 or 5xx */
	long backoff_ms;        /* wait before the first retry; doubles each time */
	long max_wait_s;        /* a Retry-After longer than this is not waited
				 * for: that answer is returned at once */
	/* How to wait between attempts (NULL: nanosleep). Tests pass a
	 * recorder so that they never sleep. */
	void (*sleep_ms)(long ms, void *ctx);
	void *sleep_ctx;
};

/* Fills o with the defaults above. */
void sc_http_opts_init(struct sc_http_opts *o);

/* Once per process before any thread uses sc_http_get (libcurl's global
 * initialisation is not thread-safe). Returns 0 or -1 with err. */
int sc_http_global_init(struct sc_err *err);

struct sc_http_response {
	long status;       /* HTTP status of the last attempt */
	char *body;        /* NUL-terminated (len bytes before the NUL), owned */
	size_t len;
	int attempts;      /* how many requests were made */
	long retry_after_s; /* the last Retry-After (seconds), -1 if none */
};

/* GET url. headers: NULL or a NULL-terminated list of "Name: value" lines
 * (borrowed). user/password: HTTP Basic credentials, or NULL.
 * Returns 0 when the server answered (any status: the caller judges it;
 * 429 and 5xx answers have already been retried), -1 with err when no
 * usable answer came: the connection failed or timed out on every attempt,
 * the body was cut short, or it exceeded max_bytes. The message names the
 * URL (without credentials) and what happened. resp is filled in both
 * cases; release it with sc_http_response_free. */
int sc_http_get(const struct sc_http_opts *o, const char *url, const char *const *headers,
		const char *user, const char *password, struct sc_http_response *resp,
		struct sc_err *err);

/* The three functions below need no libcurl (forecast/http_util.c): the
 * providers use them and are linked where libcurl is not. */

/* Frees resp's body and zeroes it; NULL is a no-op. */
void sc_http_response_free(struct sc_http_response *resp);

/* Copies url into buf (n bytes) with any "user:password@" of the authority
 * removed; returns buf. For messages. */
char *sc_http_redact_url(const char *url, char *buf, size_t n);

/* Percent-encodes s for use in a URL path segment or query value into buf
 * (unreserved characters kept); returns buf, or NULL when buf is too small. */
char *sc_http_escape(const char *s, char *buf, size_t n);

#endif
