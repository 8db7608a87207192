/* slurm-carbon: Carbon Aware SDK WebAPI (a service the site runs; gCO2/kWh
 * of whatever source it is configured with: the zone's Signal= says which
 * kind).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/provider_casdk.h"
#include "forecast/provider_int.h"
#include "policy/grid.h"
#include "base/units.h"

extern const struct sc_provider_ops sc_provider_casdk;

/* An optimal data point must look like a forecast point. */
static int check_point(json_t *p, const char *what, struct sc_err *err)
{
	json_t *v;
	int64_t t;

	if (!json_is_object(p))
		return sc_err_set(err, "%s: not an object", what);
	if (!json_is_string(json_object_get(p, "timestamp")) ||
	    sc_prov_time(json_string_value(json_object_get(p, "timestamp")), &t, NULL) < 0)
		return sc_err_set(err, "%s.timestamp: missing or not an ISO 8601 time", what);
	v = json_object_get(p, "value");
	if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0 ||
	    json_number_value(v) > SC_INTENSITY_MAX)
		return sc_err_set(err, "%s.value: missing, not a number or outside 0..%g g/kWh", what, SC_INTENSITY_MAX);
	return 0;
}

struct sc_series *sc_casdk_parse_forecast(const char *buf, size_t len, struct sc_err *err)
{
	struct sc_pts pts = { 0 };
	struct sc_series *s = NULL;
	json_t *root = sc_prov_json(buf, len, err), *fc, *data, *opt, *jg;
	int64_t issued = 0;
	char what[64];

	if (!root)
		return NULL;
	fc = json_is_array(root) ? json_array_get(root, 0) : root;
	if (!json_is_object(fc)) {
		sc_err_set(err, "expected an array of forecast objects (emissions/forecasts/current)%s",
			   json_is_array(root) ? ", got an empty array or a non-object" : "");
		goto out;
	}
	opt = json_object_get(fc, "optimalDataPoints");
	if (opt) {
		if (!json_is_array(opt)) {
			sc_err_set(err, "[0].optimalDataPoints: not an array");
			goto out;
		}
		for (size_t i = 0; i < json_array_size(opt); i++) {
			snprintf(what, sizeof(what), "[0].optimalDataPoints[%zu]", i);
			if (check_point(json_array_get(opt, i), what, err) < 0)
				goto out;
		}
	}
	opt = json_object_get(fc, "optimalDataPoint");
	if (opt && !json_is_null(opt) && check_point(opt, "[0].optimalDataPoint", err) < 0)
		goto out;
	data = json_object_get(fc, "forecastData");
	if (!json_is_array(data)) {
		sc_err_set(err, "[0].forecastData is %s; expected an array of {\"timestamp\",\"duration\",\"value\"}",
			   data ? "not an array" : "missing");
		goto out;
	}
	jg = json_object_get(fc, "generatedAt");
	if (json_is_string(jg) && sc_prov_time(json_string_value(jg), &issued, NULL) < 0)
		issued = 0;
	for (size_t i = 0; i < json_array_size(data); i++) {
		json_t *row = json_array_get(data, i), *d;
		if (!json_is_object(row)) {
			sc_err_set(err, "forecastData[%zu]: not an object", i);
			goto out;
		}
		d = json_object_get(row, "duration");
		if (d && !json_is_null(d) && (!json_is_number(d) || !(json_number_value(d) > 0))) {
			sc_err_set(err, "forecastData[%zu].duration: expected a positive number of minutes", i);
			goto out;
		}
		if (sc_pts_add(&pts, "forecastData", i, "timestamp", json_object_get(row, "timestamp"), "value",
			       json_object_get(row, "value"), 1.0, err) < 0)
			goto out;
	}
	s = sc_pts_series(&pts, SC_SIGNAL_AVERAGE, issued, "forecastData", err);
out:
	sc_pts_free(&pts);
	json_decref(root);
	return s;
}

struct sc_series *sc_casdk_parse_bylocation(const char *buf, size_t len, struct sc_err *err)
{
	struct sc_pts pts = { 0 };
	struct sc_series *s = NULL;
	json_t *root = sc_prov_json(buf, len, err);

	if (!root)
		return NULL;
	if (!json_is_array(root)) {
		sc_err_set(err, "expected an array of {\"time\",\"rating\"} (emissions/bylocation)");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *row = json_array_get(root, i);
		if (!json_is_object(row)) {
			sc_err_set(err, "[%zu]: not an object", i);
			goto out;
		}
		if (sc_pts_add(&pts, "", i, "time", json_object_get(row, "time"), "rating",
			       json_object_get(row, "rating"), 1.0, err) < 0)
			goto out;
	}
	s = sc_pts_series(&pts, SC_SIGNAL_AVERAGE, 0, "emissions", err);
out:
	sc_pts_free(&pts);
	json_decref(root);
	return s;
}

int sc_casdk_parse_average(const char *buf, size_t len, double *ci, struct sc_err *err)
{
	json_t *root = sc_prov_json(buf, len, err), *v;
	int rc = -1;

	if (!root)
		return -1;
	v = json_is_object(root) ? json_object_get(root, "carbonIntensity") : NULL;
	if (!json_is_number(v)) {
		sc_err_set(err, "carbonIntensity: %s; expected a number of g/kWh",
			   v ? "not a number" : "missing");
		goto out;
	}
	if (!isfinite(json_number_value(v)) || json_number_value(v) < 0 || json_number_value(v) > SC_INTENSITY_MAX) {
		sc_err_set(err, "carbonIntensity: %g g/kWh is outside 0..%g", json_number_value(v), SC_INTENSITY_MAX);
		goto out;
	}
	*ci = json_number_value(v);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static int casdk_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		       struct sc_err *err)
{
	char loc[256], t0[32], t1[32];
	char *url = NULL, *hurl = NULL;
	int rc = -1;

	if (!z->url)
		return sc_err_set(err, "no URL=: the Carbon Aware SDK WebAPI is a service the site runs; "
				  "set URL=http(s)://host:port of it");
	if (!z->region)
		return sc_err_set(err, "no Region= (a Carbon Aware SDK location such as eastus)");
	if (!sc_http_escape(z->region, loc, sizeof(loc)))
		return sc_err_set(err, "Region= is too long");
	url = sc_prov_url(z->url, "/emissions/forecasts/current?location=%s", loc);
	hurl = sc_prov_url(z->url, "/emissions/bylocation?location=%s&time=%s&toTime=%s", loc,
			   sc_format_time(ctx->now - 86400, t0, sizeof(t0)), sc_format_time(ctx->now, t1, sizeof(t1)));
	if (!url || !hurl) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	out->forecast = sc_prov_get_series(ctx, url, NULL, NULL, sc_casdk_parse_forecast, err);
	if (!out->forecast)
		goto out;
	sc_prov_get_actual(ctx, hurl, NULL, NULL, sc_casdk_parse_bylocation, out);
	rc = 0;
out:
	free(url);
	free(hurl);
	return rc;
}

int sc_casdk_average(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, int64_t start, int64_t end,
		     double *ci, struct sc_err *err)
{
	struct sc_http_response r;
	char loc[256], t0[32], t1[32];
	char *url;
	int rc = -1;

	if (z->provider != &sc_provider_casdk)
		return sc_err_set(err, "zone %s: Provider=%s has no average-carbon-intensity", z->name,
				  sc_provider_name(z->provider));
	if (!z->url || !z->region)
		return sc_err_set(err, "zone %s: Provider=casdk needs URL= and Region=", z->name);
	if (end <= start)
		return sc_err_set(err, "zone %s: the interval %s to %s is empty: expected an end after the start",
				  z->name, sc_format_time(start, t0, sizeof(t0)), sc_format_time(end, t1, sizeof(t1)));
	if (!sc_http_escape(z->region, loc, sizeof(loc)))
		return sc_err_set(err, "Region= is too long");
	url = sc_prov_url(z->url, "/emissions/average-carbon-intensity?location=%s&startTime=%s&endTime=%s", loc,
			  sc_format_time(start, t0, sizeof(t0)), sc_format_time(end, t1, sizeof(t1)));
	if (!url)
		return sc_err_set(err, "out of memory");
	if (sc_prov_get(ctx, url, NULL, NULL, NULL, NULL, &r, err) < 0)
		goto out;
	rc = sc_casdk_parse_average(r.body, r.len, ci, err);
	if (rc < 0)
		sc_prov_answer_error(url, err);
	sc_http_response_free(&r);
out:
	free(url);
	return rc;
}

const struct sc_provider_ops sc_provider_casdk = {
	.name = "casdk",
	.kind = SC_PROVIDER_LIVE,
	/* The WebAPI serves whatever source the site gave it: Signal= says. */
	.forecast_error_pct = SC_FORECAST_ERROR_LIVE,
	.fetch = casdk_fetch,
	.parse = sc_casdk_parse_forecast,
};
