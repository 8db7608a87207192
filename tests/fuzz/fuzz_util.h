/* slurm-carbon: what every fuzz target asserts about the code it feeds: a
 * refusal always says why, in printable text (issue 14: no control bytes
 * echoed), and an accepted series keeps the series' promises. abort() is a
 * finding: libFuzzer saves the input. Header-only; see README.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_FUZZ_UTIL_H
#define SC_FUZZ_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/series.h"
#include "policy/grid.h"
#include "base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s[0..n-1] is valid UTF-8: no overlong forms, surrogates or code
 * points above U+10FFFF. */
static inline int fuzz_utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], cp, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (i + k >= n)
			return 0;
		for (unsigned j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Reports a broken promise about a text (escaped, on stderr) and aborts. */
static inline void fuzz_bad_text(const char *why, const char *msg, size_t n)
{
	fprintf(stderr, "fuzz: %s: '", why);
	for (size_t i = 0; msg && i < n; i++)
		fprintf(stderr, (unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f ? "\\x%02x" : "%c",
			(unsigned char)msg[i]);
	fprintf(stderr, "'\n");
	abort();
}

/* A text for a human (a message, a reason): set, NUL-terminated within max
 * bytes, no control byte, valid UTF-8 (input quoted in it went through
 * SC_PRINTABLE). */
static inline void fuzz_check_text(const char *msg, size_t max)
{
	size_t n;

	if (!msg)
		fuzz_bad_text("no message", "", 0);
	n = strnlen(msg, max);
	if (n == 0 || n == max)
		fuzz_bad_text("message empty or not terminated", msg, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			fuzz_bad_text("control byte in message", msg, n);
	if (!fuzz_utf8_ok((const unsigned char *)msg, n))
		fuzz_bad_text("invalid UTF-8 in message", msg, n);
}

/* A message: set, NUL-terminated within SC_ERR_MAX, printable. */
static inline void fuzz_check_msg(const char *msg)
{
	fuzz_check_text(msg, SC_ERR_MAX);
}

static inline void fuzz_check_err(const struct sc_err *err)
{
	fuzz_check_msg(err->msg);
}

/* What a reader promises about every series it returns: not empty, times
 * strictly increasing within the years 1970..9999, values finite within
 * 0..SC_INTENSITY_MAX. */
static inline void fuzz_check_series(const struct sc_series *s)
{
	if (!s || !s->n)
		abort();
	for (size_t i = 0; i < s->n; i++) {
		if (!isfinite(s->v[i]) || s->v[i] < 0 || s->v[i] > SC_INTENSITY_MAX)
			abort();
		if (s->t[i] < SC_SERIES_TIME_MIN || s->t[i] > SC_SERIES_TIME_MAX)
			abort();
		if (i && s->t[i] <= s->t[i - 1])
			abort();
	}
}

/* data as a NUL-terminated string (malloc'd; the caller frees). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Checks a parser's outcome: a series keeping the promises, or NULL with
 * a message. Frees s. */
static inline void fuzz_series_outcome(struct sc_series *s, const struct sc_err *err)
{
	if (s) {
		fuzz_check_series(s);
		sc_series_destroy(s);
	} else {
		fuzz_check_err(err);
	}
}

#endif
