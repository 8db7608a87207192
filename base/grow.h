/* slurm-carbon: growing an array — the one place that does the arithmetic.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *	if (SC_GROW(s->v, s->cap, s->n + 1) < 0)
 *		return sc_err_set(err, "out of memory");
 *	s->v[s->n++] = x;
 */
#ifndef SC_BASE_GROW_H
#define SC_BASE_GROW_H

#include <stddef.h>

/* The capacity to grow an array of cap elements of elem bytes to, so that it
 * holds at least need: cap doubled (at least 16) until it does. 0 when
 * need × elem does not fit in a size_t. Pure. */
size_t sc_grow_cap(size_t cap, size_t need, size_t elem);

/* Makes *p (an array of *cap elements of elem bytes, or NULL with *cap 0,
 * from malloc) hold at least need elements, reallocating with sc_grow_cap.
 * Returns 0 (then *p and *cap may have changed; new elements are not
 * initialised), or -1 when out of memory or the size overflows: *p and *cap
 * unchanged, still owned by the caller. */
int sc_grow(void **p, size_t *cap, size_t need, size_t elem);

/* sc_grow for an array variable and its size_t capacity. */
#define SC_GROW(arr, cap, need) sc_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
