/* slurm-carbon: the project's JSON encoding.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

char *sc_json_dumps(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one
 * (overlong forms, surrogates and code points past U+10FFFF are not valid). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp, min;

	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		n = 2, cp = c & 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 3, cp = c & 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

json_t *sc_json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i, o = 0, bad = 0;
	unsigned char *clean;
	json_t *j;

	for (i = 0; i < len;) {
		size_t n = utf8_len(p + i);
		bad += !n;
		i += n ? n : 1;
	}
	if (!bad)
		return json_stringn((const char *)p, len);
	clean = malloc(len + 2 * bad + 1);
	if (!clean)
		return NULL;
	for (i = 0; i < len;) {
		size_t n = utf8_len(p + i);
		if (n) {
			memcpy(clean + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(clean + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn((const char *)clean, o);
	free(clean);
	return j;
}
