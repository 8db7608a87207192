/* slurm-carbon: Electricity Maps v3 (average signal, gCO2eq/kWh; header
 * `auth-token`).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/provider_int.h"

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
			sc_err_set(err, "%s[%zu].emissionFactorType: unknown '%.40s'; expected lifecycle or direct",
				   name, i, json_is_string(ft) ? json_string_value(ft) : "(not a string)");
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

/* GET base/path?zone=REGION with the token; parses the answer. */
static struct sc_series *em_get(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, const char *header,
				const char *path, struct sc_err *err)
{
	struct sc_http_response r;
	const char *headers[] = { header, NULL };
	char region[256], hint[600];
	struct sc_series *s = NULL;
	char *url;

	if (!sc_http_escape(z->region, region, sizeof(region))) {
		sc_err_set(err, "Region= is too long");
		return NULL;
	}
	url = sc_prov_url(z->url ? z->url : SC_EM_BASE_URL, "/carbon-intensity/%s?zone=%s", path, region);
	if (!url) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	snprintf(hint, sizeof(hint), "the token was refused: check the API token in TokenFile=%s", z->token_file);
	if (sc_prov_get(ctx, url, headers, NULL, NULL, hint, &r, err) < 0)
		goto out;
	s = sc_em_parse(r.body, r.len, err);
	if (!s)
		sc_prov_answer_error(url, err);
	sc_http_response_free(&r);
out:
	free(url);
	return s;
}

int sc_em_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		struct sc_err *err)
{
	struct sc_err e;
	char *token = NULL, *header = NULL;
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
	out->forecast = em_get(z, ctx, header, "forecast", err);
	if (!out->forecast)
		goto out;
	out->actual = em_get(z, ctx, header, "history", &e);
	if (!out->actual)
		snprintf(out->warning, sizeof(out->warning), "actual intensities not fetched: %s", e.msg);
	rc = 0;
out:
	sc_secret_free(header);
	sc_secret_free(token);
	return rc;
}
