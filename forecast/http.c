/* slurm-carbon: a thin libcurl wrapper for the forecast providers.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forecast/http.h"
#include "base/grow.h"

void sc_http_opts_init(struct sc_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_s = SC_HTTP_CONNECT_TIMEOUT_S;
	o->timeout_s = SC_HTTP_TIMEOUT_S;
	o->max_bytes = SC_HTTP_MAX_BYTES;
	o->retries = SC_HTTP_RETRIES;
	o->backoff_ms = SC_HTTP_BACKOFF_MS;
	o->max_wait_s = SC_HTTP_MAX_WAIT_S;
}

int sc_http_global_init(struct sc_err *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK)
		return sc_err_set(err, "cannot initialise libcurl: %s", curl_easy_strerror(rc));
	return 0;
}

struct sink {
	char *buf;
	size_t len, cap, max;
	int too_big;
	int oom;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *userp)
{
	struct sink *s = userp;
	size_t n = size * nmemb;

	if (n > s->max - s->len) {
		s->too_big = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (SC_GROW(s->buf, s->cap, s->len + n + 1) < 0) {
		s->oom = 1;
		return 0;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static void default_sleep(long ms, void *ctx)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	(void)ctx;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Transport errors that another attempt may cure. */
static int transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int setup(CURL *h, const struct sc_http_opts *o, const char *url, struct curl_slist *hdrs,
		 const char *user, const char *password, struct sink *sink, char *errbuf)
{
	int bad = 0;

	bad |= curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
#else
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK;
#endif
	bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, sink) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK;
	if (hdrs)
		bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
	if (user) {
		bad |= curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK;
		bad |= curl_easy_setopt(h, CURLOPT_USERNAME, user) != CURLE_OK;
		bad |= curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "") != CURLE_OK;
	}
	return bad ? -1 : 0;
}

int sc_http_get(const struct sc_http_opts *o, const char *url, const char *const *headers,
		const char *user, const char *password, struct sc_http_response *resp,
		struct sc_err *err)
{
	struct sc_http_opts defaults;
	struct curl_slist *hdrs = NULL, *tmp;
	struct sink sink = { 0 };
	char errbuf[CURL_ERROR_SIZE], where[512];
	void (*sleep_fn)(long, void *);
	CURL *h = NULL;
	long wait_ms;
	int rc = -1;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	if (!o) {
		sc_http_opts_init(&defaults);
		o = &defaults;
	}
	sleep_fn = o->sleep_ms ? o->sleep_ms : default_sleep;
	wait_ms = o->backoff_ms > 0 ? o->backoff_ms : 0;
	sc_http_redact_url(url, where, sizeof(where));
	for (size_t i = 0; headers && headers[i]; i++) {
		tmp = curl_slist_append(hdrs, headers[i]);
		if (!tmp) {
			sc_err_set(err, "GET %s: out of memory", where);
			goto out;
		}
		hdrs = tmp;
	}
	h = curl_easy_init();
	if (!h) {
		sc_err_set(err, "GET %s: cannot initialise libcurl", where);
		goto out;
	}
	sink.max = o->max_bytes ? o->max_bytes : SC_HTTP_MAX_BYTES;
	for (int attempt = 0;; attempt++) {
		int last = attempt >= o->retries;
		curl_off_t ra = -1;
		CURLcode cc;

		sink.len = 0;
		sink.too_big = sink.oom = 0;
		errbuf[0] = '\0';
		if (setup(h, o, url, hdrs, user, password, &sink, errbuf) < 0) {
			sc_err_set(err, "GET %s: libcurl refused an option (libcurl too old?)", where);
			goto out;
		}
		cc = curl_easy_perform(h);
		resp->attempts = attempt + 1;
		if (sink.oom) {
			sc_err_set(err, "GET %s: out of memory", where);
			goto out;
		}
		if (sink.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
			sc_err_set(err, "GET %s: response larger than %zu bytes: refused", where, sink.max);
			goto out;
		}
		if (cc != CURLE_OK) {
			const char *what = errbuf[0] ? errbuf : curl_easy_strerror(cc);
			if (!last && transient(cc))
				goto again;
			if (cc == CURLE_OPERATION_TIMEDOUT)
				sc_err_set(err, "GET %s: timed out (connect timeout %ld s, total %ld s): %s; %d attempt%s",
					   where, o->connect_timeout_s, o->timeout_s, what, attempt + 1,
					   attempt ? "s" : "");
			else if (cc == CURLE_PARTIAL_FILE)
				sc_err_set(err, "GET %s: response truncated: %s; %d attempt%s", where, what,
					   attempt + 1, attempt ? "s" : "");
			else
				sc_err_set(err, "GET %s: %s; %d attempt%s", where, what, attempt + 1,
					   attempt ? "s" : "");
			goto out;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			resp->retry_after_s = (long)ra;
		else
			resp->retry_after_s = -1;
		if (last || !(resp->status == 429 || resp->status >= 500))
			break;
		if (resp->retry_after_s > 0) {
			if (resp->retry_after_s > o->max_wait_s)
				break; /* the caller reports the status and the wait asked for */
			sleep_fn(resp->retry_after_s * 1000, o->sleep_ctx);
			continue;
		}
again:
		if (wait_ms > 0)
			sleep_fn(wait_ms, o->sleep_ctx);
		wait_ms *= 2;
	}
	resp->body = sink.buf ? sink.buf : calloc(1, 1);
	sink.buf = NULL;
	if (!resp->body) {
		sc_err_set(err, "GET %s: out of memory", where);
		goto out;
	}
	resp->len = sink.len;
	rc = 0;
out:
	free(sink.buf);
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}
