/* slurm-carbon: what every cmocka unit test includes.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_TESTS_TESTUTIL_H
#define SC_TESTS_TESTUTIL_H

#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"

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

/* The whole of the file at path, NUL-terminated (caller frees); *len
 * (optional) gets its length. Fails the test when it can't be read. */
static inline char *sc_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n = -1;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET) < 0)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Asserts that haystack contains needle, printing both when not. */
/* A scratch directory for a test group: sc_test_scratch_make fills dir (n bytes) with a
 * new /tmp/sc-test-NAME-XXXXXX; sc_test_scratch_remove deletes it and what is in it. Both
 * return 0, or -1 (as cmocka group setups and teardowns do). */
static inline int sc_test_scratch_make(char *dir, size_t n, const char *name)
{
	snprintf(dir, n, "/tmp/sc-test-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

static inline int sc_test_scratch_remove(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

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

/* Whether msg is printable as every message must be: no control
 * byte, valid UTF-8 — what sc_printable leaves as it is, but for doubling
 * backslashes. */
static inline int sc_test_printable(const char *msg)
{
	size_t n = strlen(msg), bs = 0;
	char *out = malloc(4 * n + 4);
	int ok;

	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		bs += msg[i] == '\\';
	sc_printable(out, 4 * n + 4, msg);
	ok = strlen(out) == n + bs;
	free(out);
	return ok;
}

#endif
