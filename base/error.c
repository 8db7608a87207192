/* slurm-carbon: error values.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/grow.h"

int sc_err_set(struct sc_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
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
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
	return -1;
}

void sc_err_clear(struct sc_err *err)
{
	if (err)
		err->msg[0] = '\0';
}

int sc_diag_add(struct sc_diag *d, const char *fmt, ...)
{
	char buf[SC_ERR_MAX];
	va_list ap;
	char *copy;

	if (!d)
		return -1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
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
