/* slurm-carbon: what the tests of acct/ with stand-ins (a scratch directory
 * holding the accounting "database" and the calls log) share.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_TESTS_ACCT_TESTUTIL_H
#define SC_TESTS_ACCT_TESTUTIL_H

#include "tests/unit/testutil.h"

/* How many times needle occurs in hay (not overlapping). */
static inline int sc_test_count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Removes the scratch directory dir: a cmocka group teardown's result. */
static inline int sc_test_rmdir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
