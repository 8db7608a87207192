/* slurm-carbon: what every fuzz target asserts about the code it feeds: a
 * refusal always says why, in printable text (issue 14: no control bytes
 * echoed), and an accepted series keeps the series' promises. abort() is a
 * finding: libFuzzer saves the input. Header-only; see README.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_FUZZ_UTIL_H
#define SC_FUZZ_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/series.h"
#include "policy/grid.h"
#include "base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A message: set, NUL-terminated within SC_ERR_MAX, no control byte. */
static inline void fuzz_check_msg(const char *msg)
{
	size_t n = strnlen(msg, SC_ERR_MAX);

	if (n == 0 || n == SC_ERR_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			abort();
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
