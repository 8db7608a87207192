/* slurm-carbon: refreshing one live zone: fetch, cache, archive.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/archive.h"
#include "forecast/cache.h"
#include "forecast/provider.h"
#include "forecast/refresh.h"

struct sc_refresher {
	struct sc_refresh_opts o;
	struct sc_token_cache *tokens;
};

struct sc_refresher *sc_refresher_create(const struct sc_refresh_opts *opts)
{
	struct sc_refresher *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->o = *opts;
	r->tokens = sc_token_cache_create();
	if (!r->tokens) {
		free(r);
		return NULL;
	}
	return r;
}

void sc_refresher_destroy(struct sc_refresher *r)
{
	if (!r)
		return;
	sc_token_cache_destroy(r->tokens);
	free(r);
}

static void add_warning(struct sc_refresh_result *res, const char *msg)
{
	size_t used = strlen(res->warning);

	snprintf(res->warning + used, sizeof(res->warning) - used, "%s%s", used ? "; " : "", msg);
}

int sc_refresh_zone(struct sc_refresher *r, const struct sc_zone_spec *z, const char *state_dir,
		    struct sc_refresh_result *res, struct sc_err *err)
{
	struct sc_fetch_ctx ctx = {
		.http = &r->o.http,
		.get = sc_http_get,
		.now = r->o.now,
		.tokens = r->tokens,
		.clock = r->o.clock,
		.clock_ctx = r->o.clock_ctx,
	};
	struct sc_fetch f;
	struct sc_err e;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!sc_provider_is_live(z->provider))
		return sc_err_set(err, "zone %s (%s): reads local data; nothing to refresh", z->name,
				  sc_provider_name(z->provider));
	if (sc_provider_fetch(z, &ctx, &f, err) < 0)
		goto out;
	if (sc_cache_write(state_dir, z, f.forecast, r->o.now, err) < 0)
		goto out;
	res->points = f.forecast->n;
	res->first = f.forecast->t[0];
	res->end = sc_series_end(f.forecast);
	res->issued_at = f.forecast->issued_at;
	if (f.warning[0])
		add_warning(res, f.warning);
	if (!r->o.no_archive) {
		int64_t issued = f.forecast->issued_at ? f.forecast->issued_at : r->o.now;
		if (sc_archive_add_forecast(state_dir, z->name, f.forecast, issued, r->o.now, r->o.archive_days,
					    r->o.archive_max_rows, &e) < 0)
			add_warning(res, e.msg);
		if (f.actual) {
			if (sc_archive_add_actual(state_dir, z->name, f.actual, r->o.now, r->o.archive_days, &e) < 0)
				add_warning(res, e.msg);
			else
				res->actual_points = f.actual->n;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		sc_err_prefix(err, "zone %s (%s): ", z->name, sc_provider_name(z->provider));
	sc_fetch_release(&f);
	return rc;
}
