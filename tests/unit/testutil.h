/* slurm-carbon: what every cmocka unit test includes.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_TESTS_TESTUTIL_H
#define SC_TESTS_TESTUTIL_H

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The source tree (for test data): $SC_TOP_SRCDIR, set by `make check`, or
 * the current directory. */
static inline const char *sc_test_srcdir(void)
{
	const char *d = getenv("SC_TOP_SRCDIR");

	return d && *d ? d : ".";
}

/* "<srcdir>/<rel>" in a static buffer (one at a time). */
static inline const char *sc_test_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", sc_test_srcdir(), rel);
	return buf;
}

/* Asserts that haystack contains needle, printing both when not. */
#define assert_contains(haystack, needle)                                                   \
	do {                                                                                \
		const char *h_ = (haystack), *n_ = (needle);                               \
		if (!h_ || !strstr(h_, n_))                                                 \
			fail_msg("expected \"%s\" to contain \"%s\"", h_ ? h_ : "(null)", n_); \
	} while (0)

#define assert_near(a, b, tol)                                                         \
	do {                                                                           \
		double a_ = (a), b_ = (b), t_ = (tol);                                 \
		if (!(a_ - b_ <= t_ && b_ - a_ <= t_))                                 \
			fail_msg("%s = %.10g, expected %.10g (±%g)", #a, a_, b_, t_); \
	} while (0)

#endif
