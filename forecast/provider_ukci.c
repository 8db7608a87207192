/* slurm-carbon: UK Carbon Intensity API (NESO; average signal, gCO2/kWh,
 * 30-minute slots, no authentication; data CC BY 4.0).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Region=national: /intensity/{from}/fw48h for the forecast and
 * /intensity/{from}/pt24h's "actual" values for the archive.
 * Region=1..17 (14 network regions, 15 England, 16 Scotland, 17 Wales):
 * /regional/intensity/{from}/fw48h/regionid/N; the service publishes no
 * regional actuals, so the archive gets its retrospective estimates
 * (pt24h's "forecast" values).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "forecast/provider_int.h"
#include "forecast/provider_ukci.h"
#include "base/units.h"

#define SLOT 1800
#define BASE_URL "https://api.carbonintensity.org.uk"

int64_t sc_ukci_from(int64_t now)
{
	int64_t r = now % SLOT;

	if (r < 0)
		r += SLOT;
	return r ? now - r + SLOT : now;
}

/* The array of slots in any of the forms of provider.h; NULL with err. */
static json_t *slots_of(json_t *root, const char **name, struct sc_err *err)
{
	json_t *data = json_object_get(root, "data"), *first, *inner;

	*name = "data";
	if (json_is_object(data)) {
		/* Live regional form: {"data":{"regionid",...,"data":[...]}}. */
		inner = json_object_get(data, "data");
		*name = "data.data";
		if (!json_is_array(inner)) {
			sc_err_set(err, "data.data is %s; expected the region's array of slots",
				   inner ? "not an array" : "missing");
			return NULL;
		}
		return inner;
	}
	if (!json_is_array(data)) {
		sc_err_set(err, "\"data\" is %s; expected an array of slots or a region object",
			   data ? "neither an array nor an object" : "missing");
		return NULL;
	}
	first = json_array_get(data, 0);
	if (json_is_object(first) && json_object_get(first, "regionid")) {
		/* Documented regional form: {"data":[{"regionid",...,"data":[...]}]}. */
		if (json_array_size(data) != 1) {
			sc_err_set(err, "\"data\" holds %zu regions; expected one", json_array_size(data));
			return NULL;
		}
		inner = json_object_get(first, "data");
		*name = "data[0].data";
		if (!json_is_array(inner)) {
			sc_err_set(err, "data[0].data is %s; expected the region's array of slots",
				   inner ? "not an array" : "missing");
			return NULL;
		}
		return inner;
	}
	if (json_is_object(first) && json_object_get(first, "regions")) {
		sc_err_set(err, "an answer for all regions; expected one region (/regionid/N) or the national series");
		return NULL;
	}
	return data;
}

struct sc_series *sc_ukci_parse(const char *buf, size_t len, enum sc_ukci_field field, struct sc_err *err)
{
	const char *fname = field == SC_UKCI_ACTUAL ? "actual" : "forecast";
	struct sc_pts pts = { 0 };
	struct sc_series *s = NULL;
	json_t *root = sc_prov_json(buf, len, err), *slots;
	const char *name;
	char vname[32];

	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		sc_err_set(err, "expected a JSON object with \"data\"");
		goto out;
	}
	slots = slots_of(root, &name, err);
	if (!slots)
		goto out;
	snprintf(vname, sizeof(vname), "intensity.%s", fname);
	for (size_t i = 0; i < json_array_size(slots); i++) {
		json_t *slot = json_array_get(slots, i), *jf, *jto, *in, *jv;
		int64_t from, to;
		struct sc_err e;

		if (!json_is_object(slot)) {
			sc_err_set(err, "%s[%zu]: not an object", name, i);
			goto out;
		}
		jf = json_object_get(slot, "from");
		jto = json_object_get(slot, "to");
		if (!json_is_string(jf) || sc_prov_time(json_string_value(jf), &from, &e) < 0) {
			sc_err_set(err, "%s[%zu].from: %s", name, i, jf ? (json_is_string(jf) ? e.msg : "not a string") : "missing");
			goto out;
		}
		if (!json_is_string(jto) || sc_prov_time(json_string_value(jto), &to, &e) < 0) {
			sc_err_set(err, "%s[%zu].to: %s", name, i, jto ? (json_is_string(jto) ? e.msg : "not a string") : "missing");
			goto out;
		}
		if (to <= from) {
			sc_err_set(err, "%s[%zu]: slot ends (%s) before it starts (%s)", name, i, SC_PRINTABLE(json_string_value(jto)),
				   SC_PRINTABLE(json_string_value(jf)));
			goto out;
		}
		in = json_object_get(slot, "intensity");
		if (!json_is_object(in)) {
			sc_err_set(err, "%s[%zu].intensity: %s; expected {\"forecast\",...}", name, i,
				   in ? "not an object" : "missing");
			goto out;
		}
		jv = json_object_get(in, fname);
		if (!jv && field == SC_UKCI_ACTUAL)
			jv = json_null(); /* regional slots carry no actual */
		if (sc_pts_add_at(&pts, name, i, from, vname, jv, 1.0, err) < 0)
			goto out;
	}
	s = sc_pts_series(&pts, SC_SIGNAL_AVERAGE, 0, name, err);
out:
	sc_pts_free(&pts);
	json_decref(root);
	return s;
}

/* Region= as the path part: "" for national, "N" for a region id. */
static int region_id(const char *region, int *id, struct sc_err *err)
{
	char *end;
	long v;

	*id = 0;
	if (!region || strcasecmp(region, "national") == 0)
		return 0;
	if (!isdigit((unsigned char)region[0]))
		goto bad;
	v = strtol(region, &end, 10);
	if (*end || v < 1 || v > 17)
		goto bad;
	*id = (int)v;
	return 0;
bad:
	return sc_err_set(err, "Region=%s: expected national or a region id from 1 to 17 (14 network regions, "
			  "15 England, 16 Scotland, 17 Wales)", region);
}

static struct sc_series *parse_forecast(const char *buf, size_t len, struct sc_err *err)
{
	return sc_ukci_parse(buf, len, SC_UKCI_FORECAST, err);
}

static struct sc_series *parse_actual(const char *buf, size_t len, struct sc_err *err)
{
	return sc_ukci_parse(buf, len, SC_UKCI_ACTUAL, err);
}

/* The URL of a span ("fw48h", "pt24h") from {from} of region id (0:
 * national); NULL with err. */
static char *ukci_url(const char *base, int id, const char *from, const char *span, struct sc_err *err)
{
	char *url;

	if (id)
		url = sc_prov_url(base, "/regional/intensity/%s/%s/regionid/%d", from, span, id);
	else
		url = sc_prov_url(base, "/intensity/%s/%s", from, span);
	if (!url)
		sc_err_set(err, "out of memory");
	return url;
}

static int ukci_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		      struct sc_err *err)
{
	const char *base = z->url ? z->url : BASE_URL;
	char t[32], fs[32], *url = NULL, *hurl = NULL;
	int id, rc = -1;

	if (region_id(z->region, &id, err) < 0)
		return -1;
	sc_format_time(sc_ukci_from(ctx->now), t, sizeof(t));
	snprintf(fs, sizeof(fs), "%.16sZ", t); /* the API's YYYY-MM-DDTHH:MMZ */
	if (!(url = ukci_url(base, id, fs, "fw48h", err)) || !(hurl = ukci_url(base, id, fs, "pt24h", err)))
		goto out;
	out->forecast = sc_prov_get_series(ctx, url, NULL, NULL, parse_forecast, err);
	if (!out->forecast)
		goto out;
	/* No regional actuals: the archive gets the retrospective estimates. */
	sc_prov_get_actual(ctx, hurl, NULL, NULL, id ? parse_forecast : parse_actual, out);
	rc = 0;
out:
	free(url);
	free(hurl);
	return rc;
}

const struct sc_provider_ops sc_provider_ukci = {
	.name = "ukci",
	.kind = SC_PROVIDER_LIVE,
	.signal_fixed = 1,
	.signal = SC_SIGNAL_AVERAGE,
	.default_region = "national",
	.forecast_error_pct = SC_FORECAST_ERROR_LIVE,
	.fetch = ukci_fetch,
	.parse = parse_forecast,
};
