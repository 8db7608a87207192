/* slurm-carbon: Electricity Maps v3 (average signal, gCO2eq/kWh; header
 * `auth-token`).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/provider_electricitymaps.h"
#include "forecast/provider_int.h"

#define BASE_URL "https://api.electricitymaps.com/v3"

static int known_factor_type(const char *s)
{
	return strcmp(s, "lifecycle") == 0 || strcmp(s, "direct") == 0;
}

struct sc_series *sc_em_parse(const char *buf, size_t len, struct sc_err *err)
{
	static const char *const arrays[] = { "forecast", "history", "data" };
	struct sc_pts pts = { 0 };
	struct sc_series *s = NULL;
	json_t *root = sc_prov_json(buf, len, err), *rows = NULL, *single = NULL, *jt;
	const char *name = NULL;
	int64_t issued = 0;
	size_t n;

	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		sc_err_set(err, "expected a JSON object with \"forecast\", \"history\" or \"data\"");
		goto out;
	}
	for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]) && !rows; k++) {
		rows = json_object_get(root, arrays[k]);
		name = arrays[k];
	}
	if (!rows && json_object_get(root, "carbonIntensity")) {
		single = json_array();
		if (!single || json_array_append(single, root) < 0) {
			sc_err_set(err, "out of memory");
			goto out;
		}
		rows = single;
		name = "latest";
	}
	if (!json_is_array(rows)) {
		sc_err_set(err, "%s", rows ? "\"forecast\"/\"history\"/\"data\" is not an array"
					    : "no \"forecast\", \"history\" or \"data\" array and no \"carbonIntensity\"");
		goto out;
	}
	jt = json_object_get(root, "updatedAt");
	if (json_is_string(jt) && rows != single && sc_prov_time(json_string_value(jt), &issued, NULL) < 0)
		issued = 0;
	n = json_array_size(rows);
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array_get(rows, i), *ft;
		if (!json_is_object(row)) {
			sc_err_set(err, "%s[%zu]: not an object", name, i);
			goto out;
		}
		ft = json_object_get(row, "emissionFactorType");
		if (ft && !json_is_null(ft) && (!json_is_string(ft) || !known_factor_type(json_string_value(ft)))) {
			sc_err_set(err, "%s[%zu].emissionFactorType: unknown '%s'; expected lifecycle or direct",
				   name, i, json_is_string(ft) ? SC_PRINTABLE(json_string_value(ft)) : "(not a string)");
			goto out;
		}
		if (sc_pts_add(&pts, name, i, "datetime", json_object_get(row, "datetime"), "carbonIntensity",
			       json_object_get(row, "carbonIntensity"), 1.0, err) < 0)
			goto out;
	}
	s = sc_pts_series(&pts, SC_SIGNAL_AVERAGE, issued, name, err);
out:
	sc_pts_free(&pts);
	json_decref(single);
	json_decref(root);
	return s;
}

/* GET base/carbon-intensity/path?zone=REGION with the token header. */
static char *em_url(const struct sc_zone_spec *z, const char *path, struct sc_err *err)
{
	char region[256], *url;

	if (!sc_http_escape(z->region, region, sizeof(region))) {
		sc_err_set(err, "Region= is too long");
		return NULL;
	}
	url = sc_prov_url(z->url ? z->url : BASE_URL, "/carbon-intensity/%s?zone=%s", path, region);
	if (!url)
		sc_err_set(err, "out of memory");
	return url;
}

static int em_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		    struct sc_err *err)
{
	char *token = NULL, *header = NULL, *url = NULL, *hurl = NULL, hint[600];
	const char *headers[] = { NULL, NULL };
	int rc = -1;

	if (!z->region)
		return sc_err_set(err, "no Region= (an Electricity Maps zone such as DE)");
	if (sc_token_read(z->token_file, &token, err) < 0)
		return -1;
	if (asprintf(&header, "auth-token: %s", token) < 0) {
		header = NULL;
		sc_err_set(err, "out of memory");
		goto out;
	}
	headers[0] = header;
	if (!(url = em_url(z, "forecast", err)) || !(hurl = em_url(z, "history", err)))
		goto out;
	snprintf(hint, sizeof(hint), "the token was refused: check the API token in TokenFile=%s", z->token_file);
	out->forecast = sc_prov_get_series(ctx, url, headers, hint, sc_em_parse, err);
	if (!out->forecast)
		goto out;
	sc_prov_get_actual(ctx, hurl, headers, hint, sc_em_parse, out);
	rc = 0;
out:
	free(url);
	free(hurl);
	sc_secret_free(header);
	sc_secret_free(token);
	return rc;
}

const struct sc_provider_ops sc_provider_electricitymaps = {
	.name = "electricitymaps",
	.kind = SC_PROVIDER_LIVE,
	.signal_fixed = 1,
	.signal = SC_SIGNAL_AVERAGE,
	.token_line = "API token",
	.forecast_error_pct = SC_FORECAST_ERROR_LIVE,
	.fetch = em_fetch,
	.parse = sc_em_parse,
};
