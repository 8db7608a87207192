/* slurm-carbon: WattTime v3 (marginal signal co2_moer, lbs CO2/MWh).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Authentication: GET /login with HTTP Basic (TokenFile= holds
 * username:password) gives a bearer token valid for 30 minutes. Tokens are
 * kept in memory per (TokenFile, URL) for the run, renewed when older than
 * SC_WT_TOKEN_RENEW_S and once on a 401 (the service may revoke them
 * early); /login is rate-limited (100 calls in 5 minutes), so zones that
 * share an account share the token.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/provider_int.h"
#include "forecast/provider_watttime.h"

#define BASE_URL "https://api.watttime.org"
#include "base/units.h"

static const struct {
	const char *name;
	double factor;
} units[] = {
	{ "lbs_co2_per_mwh", SC_LBS_PER_MWH_TO_G_PER_KWH },
	{ "kg_co2_per_mwh", 1.0 },
	{ "g_co2_per_kwh", 1.0 },
};

struct sc_series *sc_wt_parse(const char *buf, size_t len, struct sc_err *err)
{
	struct sc_pts pts = { 0 };
	struct sc_series *s = NULL;
	json_t *root = sc_prov_json(buf, len, err), *data, *meta, *ju, *js, *jg;
	double factor = 0;
	int64_t issued = 0;
	const char *u;

	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		sc_err_set(err, "expected a JSON object with \"data\" and \"meta\"");
		goto out;
	}
	data = json_object_get(root, "data");
	meta = json_object_get(root, "meta");
	if (!json_is_array(data)) {
		sc_err_set(err, "\"data\" is %s; expected an array of {\"point_time\",\"value\"}",
			   data ? "not an array" : "missing");
		goto out;
	}
	if (!json_is_object(meta)) {
		sc_err_set(err, "\"meta\" is %s; expected an object stating \"units\"", meta ? "not an object" : "missing");
		goto out;
	}
	ju = json_object_get(meta, "units");
	u = json_string_value(ju);
	for (size_t k = 0; u && k < sizeof(units) / sizeof(units[0]); k++)
		if (strcmp(u, units[k].name) == 0)
			factor = units[k].factor;
	if (!u || factor == 0) {
		sc_err_set(err, "meta.units: %s%s%s; expected lbs_co2_per_mwh (or kg_co2_per_mwh, g_co2_per_kwh)",
			   u ? "unknown unit '" : (ju ? "not a string" : "missing"), SC_PRINTABLE(u), u ? "'" : "");
		goto out;
	}
	js = json_object_get(meta, "signal_type");
	if (js && (!json_is_string(js) || strcmp(json_string_value(js), "co2_moer") != 0)) {
		sc_err_set(err, "meta.signal_type: '%s'; expected co2_moer (the marginal signal)",
			   json_is_string(js) ? SC_PRINTABLE(json_string_value(js)) : "(not a string)");
		goto out;
	}
	jg = json_object_get(meta, "generated_at");
	if (json_is_string(jg) && sc_prov_time(json_string_value(jg), &issued, NULL) < 0)
		issued = 0;
	for (size_t i = 0; i < json_array_size(data); i++) {
		json_t *row = json_array_get(data, i);
		if (!json_is_object(row)) {
			sc_err_set(err, "data[%zu]: not an object", i);
			goto out;
		}
		if (sc_pts_add(&pts, "data", i, "point_time", json_object_get(row, "point_time"), "value",
			       json_object_get(row, "value"), factor, err) < 0)
			goto out;
	}
	s = sc_pts_series(&pts, SC_SIGNAL_MARGINAL, issued, "data", err);
out:
	sc_pts_free(&pts);
	json_decref(root);
	return s;
}

int sc_wt_parse_token(const char *buf, size_t len, char **token, struct sc_err *err)
{
	json_t *root = sc_prov_json(buf, len, err);
	const char *t;

	*token = NULL;
	if (!root)
		return -1;
	t = json_string_value(json_object_get(root, "token"));
	if (!t || !*t) {
		json_decref(root);
		return sc_err_set(err, "login answer has no \"token\" string");
	}
	*token = strdup(t);
	/* jansson's copy of the token is freed with root; it is not zeroed
	 * (jansson offers no hook), but it never leaves this process. */
	json_decref(root);
	if (!*token)
		return sc_err_set(err, "out of memory");
	return 0;
}

int sc_wt_token_fresh(int64_t obtained_at, int64_t now)
{
	return now >= obtained_at && now - obtained_at < SC_WT_TOKEN_RENEW_S;
}

/* Logs in with the credentials of z's TokenFile; *token is malloc'd. */
static int wt_login(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, const char *base, char **token,
		    struct sc_err *err)
{
	struct sc_http_response r;
	char *cred = NULL, *colon, *url = NULL, hint[600];
	int rc = -1;

	if (sc_token_read(z->token_file, &cred, err) < 0)
		return -1;
	colon = strchr(cred, ':');
	if (!colon || colon == cred) {
		sc_err_set(err, "TokenFile %s: expected username:password on the first line", z->token_file);
		goto out;
	}
	*colon = '\0';
	url = sc_prov_url(base, "/login");
	if (!url) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	snprintf(hint, sizeof(hint), "login refused: check the username:password in TokenFile=%s", z->token_file);
	if (sc_prov_get(ctx, url, NULL, cred, colon + 1, hint, &r, err) < 0) {
		sc_err_prefix(err, "login: ");
		goto out;
	}
	rc = sc_wt_parse_token(r.body, r.len, token, err);
	if (rc < 0) {
		sc_prov_answer_error(url, err);
		sc_err_prefix(err, "login: ");
	}
	explicit_bzero(r.body, r.len);
	sc_http_response_free(&r);
out:
	free(url);
	if (colon)
		*colon = ':';
	sc_secret_free(cred);
	return rc;
}

/* GET url with a bearer token, logging in first when there is no fresh
 * token, and once more on a 401. The answer must be 2xx. */
static int wt_get(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, const char *base, const char *url,
		  struct sc_http_response *r, struct sc_err *err)
{
	struct sc_token_cache *own = NULL;
	char key[8192], *header = NULL;
	struct sc_token *t;
	int fresh_login = 0, rc = -1;

	if (!ctx->tokens) {
		own = sc_token_cache_create();
		if (!own)
			return sc_err_set(err, "out of memory");
		ctx->tokens = own;
	}
	snprintf(key, sizeof(key), "%s\n%s", z->token_file, base);
	t = sc_token_get(ctx->tokens, key);
	if (!t) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	for (int round = 0; round < 2; round++) {
		if (!t->token || !sc_wt_token_fresh(t->obtained, sc_prov_wall(ctx))) {
			char *tok = NULL;
			sc_token_set(t, NULL, 0);
			if (wt_login(z, ctx, base, &tok, err) < 0)
				goto out;
			sc_token_set(t, tok, sc_prov_wall(ctx));
			fresh_login = 1;
		}
		sc_secret_free(header);
		if (asprintf(&header, "Authorization: Bearer %s", t->token) < 0) {
			header = NULL;
			sc_err_set(err, "out of memory");
			goto out;
		}
		{
			const char *headers[] = { header, NULL };
			if (!ctx->get) {
				sc_err_set(err, "internal error: no HTTP client to GET %s with", url);
				goto out;
			}
			if (ctx->get(ctx->http, url, headers, NULL, NULL, r, err) < 0) {
				sc_http_response_free(r);
				goto out;
			}
		}
		if (r->status == 401 && !fresh_login && round == 0) {
			/* Revoked or expired early: log in again, once. */
			sc_http_response_free(r);
			sc_token_set(t, NULL, 0);
			continue;
		}
		break;
	}
	if (r->status < 200 || r->status > 299) {
		sc_prov_status_error(url, r, "the token was refused right after login: check the account's access to this region",
				     err);
		sc_http_response_free(r);
		goto out;
	}
	rc = 0;
out:
	sc_secret_free(header);
	if (own) {
		sc_token_cache_destroy(own);
		ctx->tokens = NULL;
	}
	return rc;
}

static struct sc_series *wt_fetch_one(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, const char *base,
				      const char *url, struct sc_err *err)
{
	struct sc_http_response r;

	if (wt_get(z, ctx, base, url, &r, err) < 0)
		return NULL;
	return sc_prov_parse_answer(url, &r, sc_wt_parse, err);
}

static int wt_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		    struct sc_err *err)
{
	const char *base = z->url ? z->url : BASE_URL;
	char region[256], t0[32], t1[32];
	char *url = NULL, *hurl = NULL;
	struct sc_err e;
	int rc = -1;

	if (!z->region)
		return sc_err_set(err, "no Region= (a WattTime region such as CAISO_NORTH)");
	if (!z->token_file)
		return sc_err_set(err, "no TokenFile= (a file whose first line is username:password)");
	if (!sc_http_escape(z->region, region, sizeof(region)))
		return sc_err_set(err, "Region= is too long");
	url = sc_prov_url(base, "/v3/forecast?region=%s&signal_type=co2_moer&horizon_hours=72", region);
	hurl = sc_prov_url(base, "/v3/historical?region=%s&start=%s&end=%s&signal_type=co2_moer", region,
			   sc_format_time(ctx->now - 86400, t0, sizeof(t0)), sc_format_time(ctx->now, t1, sizeof(t1)));
	if (!url || !hurl) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	out->forecast = wt_fetch_one(z, ctx, base, url, err);
	if (!out->forecast)
		goto out;
	sc_prov_set_actual(out, wt_fetch_one(z, ctx, base, hurl, &e), &e);
	rc = 0;
out:
	free(url);
	free(hurl);
	return rc;
}

const struct sc_provider_ops sc_provider_watttime = {
	.name = "watttime",
	.kind = SC_PROVIDER_LIVE,
	.signal_fixed = 1,
	.signal = SC_SIGNAL_MARGINAL, /* co2_moer */
	.token_line = "username:password",
	.forecast_error_pct = SC_FORECAST_ERROR_LIVE,
	.fetch = wt_fetch,
	.parse = sc_wt_parse,
};
