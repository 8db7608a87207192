/* slurm-carbon: the table of providers, and sc_provider_fetch, which runs
 * a live provider's fetch and checks what it returns.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "forecast/provider.h"
#include "base/units.h"

/* The providers that read local data have no code of their own: the kind
 * says what forecast/snapshot.c, sim/ and acct/ do with their zones. */
static const struct sc_provider_ops sc_provider_file = {
	.name = "file",
	.kind = SC_PROVIDER_CSV,
};

static const struct sc_provider_ops sc_provider_static = {
	.name = "static",
	.kind = SC_PROVIDER_CONSTANT,
};

extern const struct sc_provider_ops sc_provider_electricitymaps, sc_provider_watttime, sc_provider_ukci,
	sc_provider_casdk;

/* The table: one line per provider, in the order lists are printed. */
static const struct sc_provider_ops *const providers[] = {
	&sc_provider_file,
	&sc_provider_static,
	&sc_provider_electricitymaps,
	&sc_provider_watttime,
	&sc_provider_ukci,
	&sc_provider_casdk,
};

#define N_PROVIDERS (sizeof(providers) / sizeof(providers[0]))

const struct sc_provider_ops *sc_provider_at(size_t i)
{
	return i < N_PROVIDERS ? providers[i] : NULL;
}

const struct sc_provider_ops *sc_provider_find(const char *name)
{
	for (size_t i = 0; name && i < N_PROVIDERS; i++)
		if (strcasecmp(name, providers[i]->name) == 0)
			return providers[i];
	return NULL;
}

char *sc_provider_list(unsigned kinds, const char *prefix, char *buf, size_t n)
{
	size_t used = 0, count = 0, total = 0;

	for (size_t i = 0; i < N_PROVIDERS; i++)
		total += !!(kinds & SC_PROVIDER_KIND_BIT(providers[i]->kind));
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < N_PROVIDERS && used < n; i++) {
		if (!(kinds & SC_PROVIDER_KIND_BIT(providers[i]->kind)))
			continue;
		count++;
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 count == 1 ? prefix : count == total ? " or " : ", ", providers[i]->name);
	}
	return buf;
}

int sc_provider_is_live(const struct sc_provider_ops *p)
{
	return p && p->kind == SC_PROVIDER_LIVE && p->fetch;
}

void sc_fetch_release(struct sc_fetch *out)
{
	if (!out)
		return;
	sc_series_destroy(out->forecast);
	sc_series_destroy(out->actual);
	memset(out, 0, sizeof(*out));
}

int sc_provider_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		      struct sc_err *err)
{
	const struct sc_provider_ops *p = z->provider;
	char src[300], a[32], b[32];

	memset(out, 0, sizeof(*out));
	if (!sc_provider_is_live(p))
		return sc_err_set(err, "provider %s reads local data: nothing to fetch", sc_provider_name(p));
	if (p->fetch(z, ctx, out, err) < 0)
		goto error;
	if (sc_series_end(out->forecast) <= ctx->now) {
		sc_err_set(err, "the forecast ends at %s, not after now (%s): the provider's data are out of date",
			   sc_format_time(sc_series_end(out->forecast), a, sizeof(a)),
			   sc_format_time(ctx->now, b, sizeof(b)));
		goto error;
	}
	snprintf(src, sizeof(src), "%s:%s", p->name, z->region ? z->region : "");
	out->forecast->signal = p->signal_fixed ? p->signal : z->signal;
	if (sc_series_set_source(out->forecast, src) < 0) {
		sc_err_set(err, "out of memory");
		goto error;
	}
	if (out->actual) {
		out->actual->signal = out->forecast->signal;
		if (sc_series_set_source(out->actual, src) < 0) {
			sc_err_set(err, "out of memory");
			goto error;
		}
	}
	return 0;
error:
	sc_fetch_release(out);
	return -1;
}

const char *sc_provider_name(const struct sc_provider_ops *p)
{
	return p ? p->name : "unknown";
}
