/* slurm-carbon: growing an array.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/grow.h"

size_t sc_grow_cap(size_t cap, size_t need, size_t elem)
{
	size_t n = cap < 16 ? 16 : cap;

	if (!elem || need > SIZE_MAX / elem)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return need;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		n = need;
	return n;
}

int sc_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *q;

	if (need <= *cap && (*p || !need))
		return 0;
	n = sc_grow_cap(*cap, need, elem);
	if (!n)
		return -1;
	q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}
