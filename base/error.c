/* slurm-carbon: error values.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/grow.h"

/* After a vsnprintf into buf (size bytes) that wrote `want` bytes or would
 * have: when the text was cut, drops the trailing bytes of a UTF-8 character
 * the cut split, so that a message quoting valid UTF-8 stays valid. */
static void cut_whole_chars(char *buf, size_t size, int want)
{
	size_t n, start;

	if (want < 0 || (size_t)want < size || size < 2)
		return;
	n = strlen(buf);
	start = n;
	while (start > 0 && n - start < 4 && ((unsigned char)buf[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)buf[start - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)buf[start - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (n - (start - 1) < need)
			buf[start - 1] = '\0';
	}
}

int sc_err_set(struct sc_err *err, const char *fmt, ...)
{
	va_list ap;
	int want;

	if (!err)
		return -1;
	va_start(ap, fmt);
	want = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	cut_whole_chars(err->msg, sizeof(err->msg), want);
	return -1;
}

int sc_err_prefix(struct sc_err *err, const char *fmt, ...)
{
	char prefix[SC_ERR_MAX];
	char old[SC_ERR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	cut_whole_chars(prefix, sizeof(prefix), vsnprintf(prefix, sizeof(prefix), fmt, ap));
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	cut_whole_chars(err->msg, sizeof(err->msg),
			snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old));
	return -1;
}

void sc_err_clear(struct sc_err *err)
{
	if (err)
		err->msg[0] = '\0';
}

/* Length of the valid UTF-8 sequence at s (at most avail bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return n;
}

char *sc_printable_mem(char *dst, size_t n, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t o = 0, i = 0;

	if (!n)
		return dst;
	if (!src)
		len = 0;
	while (i < len && s[i]) {
		char piece[8];
		size_t k = utf8_len(s + i, len - i), plen;

		if (k) {
			memcpy(piece, s + i, k);
			plen = k;
		} else if (s[i] < 0x20 || s[i] >= 0x7f) {
			snprintf(piece, sizeof(piece), "\\x%02x", s[i]);
			plen = 4;
			k = 1;
		} else if (s[i] == '\\') {
			memcpy(piece, "\\\\", 2);
			plen = 2;
			k = 1;
		} else {
			piece[0] = (char)s[i];
			plen = k = 1;
		}
		/* room for this piece, the NUL, and "..." if more follows */
		if (o + plen + 1 > n || (n >= 4 && i + k < len && s[i + k] && o + plen + 4 > n)) {
			/* what came before left room for the dots */
			if (o + 4 <= n) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, piece, plen);
		o += plen;
		i += k;
	}
	dst[o] = '\0';
	return dst;
}

char *sc_printable(char *dst, size_t n, const char *src)
{
	return sc_printable_mem(dst, n, src, src ? strlen(src) : 0);
}

int sc_diag_add(struct sc_diag *d, const char *fmt, ...)
{
	char buf[SC_ERR_MAX];
	va_list ap;
	char *copy;

	if (!d)
		return -1;
	va_start(ap, fmt);
	cut_whole_chars(buf, sizeof(buf), vsnprintf(buf, sizeof(buf), fmt, ap));
	va_end(ap);
	if (SC_GROW(d->msgs, d->cap, d->n + 1) < 0) {
		d->alloc_failed = 1;
		return -1;
	}
	copy = strdup(buf);
	if (!copy) {
		d->alloc_failed = 1;
		return -1;
	}
	d->msgs[d->n++] = copy;
	return -1;
}

void sc_diag_free(struct sc_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}
