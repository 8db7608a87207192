/* slurm-carbon: the parts of forecast/http.h that need no libcurl (the
 * response's release, URLs in messages and in requests), so that the
 * providers, which the plugins link, do not pull libcurl in.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/http.h"

void sc_http_response_free(struct sc_http_response *resp)
{
	if (!resp)
		return;
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

char *sc_http_redact_url(const char *url, char *buf, size_t n)
{
	const char *auth = url ? strstr(url, "://") : NULL;
	const char *at, *end;

	if (!n)
		return buf;
	if (!url) {
		buf[0] = '\0';
		return buf;
	}
	if (!auth) {
		snprintf(buf, n, "%s", url);
		return buf;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (!at) {
		snprintf(buf, n, "%s", url);
		return buf;
	}
	snprintf(buf, n, "%.*s%s", (int)(auth - url), url, at + 1);
	return buf;
}

char *sc_http_escape(const char *s, char *buf, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '-' || c == '.' || c == '_' || c == '~';
		if (o + (keep ? 1 : 3) >= n)
			return NULL;
		if (keep) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (o >= n)
		return NULL;
	buf[o] = '\0';
	return buf;
}
