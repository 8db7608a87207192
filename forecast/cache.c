/* slurm-carbon: the per-zone forecast cache in StateDir.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/cache.h"
#include "base/file.h"
#include "forecast/provider.h"
#include "base/units.h"
#include "base/json.h"

char *sc_state_file(const char *state_dir, const char *name, const char *what, struct sc_err *err)
{
	char *p = NULL;

	if (!state_dir || !*state_dir) {
		sc_err_set(err, "no StateDir: %s lives there; set StateDir= in carbon.conf", what);
		return NULL;
	}
	if (asprintf(&p, "%s/%s", state_dir, name) < 0) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	return p;
}

char *sc_cache_path(const char *state_dir, const char *zone, struct sc_err *err)
{
	char *p = NULL;

	if (!state_dir || !*state_dir) {
		sc_err_set(err, "no StateDir: the forecast cache lives there; set StateDir= in carbon.conf");
		return NULL;
	}
	if (!zone || !*zone || strcmp(zone, ".") == 0 || strcmp(zone, "..") == 0 || strchr(zone, '/')) {
		sc_err_set(err, "zone name '%s' cannot name a cache file", SC_PRINTABLE(zone));
		return NULL;
	}
	if (asprintf(&p, "%s/forecast-%s.json", state_dir, zone) < 0) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	return p;
}

int sc_atomic_write(const char *path, mode_t mode, int (*fill)(FILE *f, void *ctx, struct sc_err *err),
		    void *ctx, struct sc_err *err)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL, *tmp = NULL;
	FILE *f = NULL;
	int fd = -1, dfd = -1, rc = -1, placed = 0;

	if (slash)
		dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	else
		dir = strdup(".");
	if (!dir || asprintf(&tmp, "%s/.%s.XXXXXX", dir, slash ? slash + 1 : path) < 0) {
		tmp = NULL;
		sc_err_set(err, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		sc_err_set(err, "cannot create a temporary file in %s: %s", dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		sc_err_set(err, "cannot set the mode of %s: %s", tmp, strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		sc_err_set(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (fill(f, ctx, err) < 0)
		goto out;
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		sc_err_set(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		sc_err_set(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) < 0) {
		sc_err_set(err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	placed = 1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		sc_err_set(err, "%s was written but its directory could not be synced: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp && !placed)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

struct cache_doc {
	const char *text;
};

static int fill_text(FILE *f, void *ctx, struct sc_err *err)
{
	const struct cache_doc *d = ctx;

	if (fputs(d->text, f) == EOF || fputc('\n', f) == EOF)
		return sc_err_set(err, "write error: %s", strerror(errno));
	return 0;
}

static json_t *time_json(int64_t t)
{
	char buf[32];

	return json_string(sc_format_time(t, buf, sizeof(buf)));
}

int sc_cache_write(const char *state_dir, const struct sc_zone_spec *z, const struct sc_series *s,
		   int64_t fetched_at, struct sc_err *err)
{
	char *path = sc_cache_path(state_dir, z->name, err), *text = NULL;
	json_t *root = NULL, *pts;
	struct cache_doc doc;
	int rc = -1, bad = 0;

	if (!path)
		return -1;
	if (!s || !s->n) {
		sc_err_set(err, "%s: refusing to cache an empty forecast", path);
		goto out;
	}
	root = json_object();
	pts = json_array();
	if (!root || !pts) {
		json_decref(pts);
		goto oom;
	}
	bad |= json_object_set_new(root, "v", json_integer(SC_CACHE_VERSION));
	bad |= json_object_set_new(root, "zone", json_string(z->name));
	bad |= json_object_set_new(root, "provider", json_string(sc_provider_name(z->provider)));
	bad |= json_object_set_new(root, "region", z->region ? json_string(z->region) : json_null());
	bad |= json_object_set_new(root, "signal", json_string(sc_signal_name(s->signal)));
	bad |= json_object_set_new(root, "unit", json_string(SC_CACHE_UNIT));
	bad |= json_object_set_new(root, "source", s->source ? json_string(s->source) : json_null());
	bad |= json_object_set_new(root, "fetched_at", time_json(fetched_at));
	if (s->issued_at)
		bad |= json_object_set_new(root, "issued_at", time_json(s->issued_at));
	bad |= json_object_set_new(root, "points", pts);
	for (size_t i = 0; i < s->n && !bad; i++)
		bad |= json_array_append_new(pts, json_pack("[o,f]", time_json(s->t[i]), s->v[i]));
	if (bad)
		goto oom;
	text = sc_json_dumps(root);
	if (!text)
		goto oom;
	doc.text = text;
	if (sc_atomic_write(path, 0644, fill_text, &doc, err) < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	sc_err_set(err, "out of memory");
out:
	free(text);
	json_decref(root);
	free(path);
	return rc;
}

static int get_time(json_t *root, const char *key, int required, int64_t *t, struct sc_err *err)
{
	json_t *j = json_object_get(root, key);
	struct sc_err e;

	*t = 0;
	if (!j && !required)
		return 0;
	if (!json_is_string(j))
		return sc_err_set(err, "\"%s\" is %s; expected an ISO 8601 time", key, j ? "not a string" : "missing");
	if (sc_parse_abs_time(json_string_value(j), t, &e) < 0)
		return sc_err_set(err, "\"%s\": %s", key, e.msg);
	return 0;
}

static const char *str(json_t *root, const char *key)
{
	return json_string_value(json_object_get(root, key));
}

/* The JSON of the cache file path (ppath: how messages write it); NULL
 * with err. */
static json_t *load_json(const char *path, const char *ppath, struct sc_err *err)
{
	json_error_t je;
	struct sc_err e;
	json_t *root;
	FILE *f = sc_open_regular(path, "cached forecast", SC_CACHE_MAX_BYTES, &e);

	if (!f) {
		if (errno == ENOENT)
			sc_err_set(err, "no cached forecast (%s does not exist): run scarbon refresh, or enable "
					"scarbon-refresh.timer", ppath);
		else
			sc_err_set(err, "%s; run scarbon refresh to rewrite it", e.msg);
		return NULL;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!root)
		sc_err_set(err, "%s: corrupt cache file (line %d: %s); run scarbon refresh to rewrite it", ppath, je.line,
			   SC_PRINTABLE(je.text));
	return root;
}

struct sc_series *sc_cache_read_file(const char *path, const struct sc_zone_spec *z, int64_t now,
				     struct sc_cache_info *info, struct sc_err *err)
{
	struct sc_series *s = NULL;
	json_t *root, *pts, *jv;
	struct sc_err e;
	int64_t fetched, issued;
	const char *p, *sig;
	char a[32], b[32], ppath[SC_PRINTABLE_MAX];

	sc_printable(ppath, sizeof(ppath), path);
	root = load_json(path, ppath, err);
	if (!root)
		return NULL;
	jv = json_object_get(root, "v");
	if (!json_is_object(root) || !json_is_integer(jv)) {
		sc_err_set(err, "%s: not a forecast cache file (no \"v\"); run scarbon refresh to rewrite it", path);
		goto out;
	}
	if (json_integer_value(jv) != SC_CACHE_VERSION) {
		sc_err_set(err, "%s: cache format version %lld, this build reads %d; run scarbon refresh", ppath,
			   (long long)json_integer_value(jv), SC_CACHE_VERSION);
		goto out;
	}
	if (!(p = str(root, "zone")) || strcmp(p, z->name) != 0) {
		sc_err_set(err, "%s: holds zone '%s', not %s; run scarbon refresh", ppath, SC_PRINTABLE(p ? p : "?"), z->name);
		goto out;
	}
	if (!(p = str(root, "provider")) || strcmp(p, sc_provider_name(z->provider)) != 0) {
		sc_err_set(err, "%s: fetched from %s, but the zone now uses Provider=%s; run scarbon refresh", ppath,
			   SC_PRINTABLE(p ? p : "?"), sc_provider_name(z->provider));
		goto out;
	}
	p = str(root, "region");
	if (z->region && (!p || strcmp(p, z->region) != 0)) {
		sc_err_set(err, "%s: fetched for Region=%s, but the zone now says Region=%s; run scarbon refresh", ppath,
			   SC_PRINTABLE(p ? p : "?"), z->region);
		goto out;
	}
	sig = str(root, "signal");
	if (!sig || (strcmp(sig, "average") != 0 && strcmp(sig, "marginal") != 0)) {
		sc_err_set(err, "%s: unknown signal '%s'; expected average or marginal", ppath, SC_PRINTABLE(sig));
		goto out;
	}
	if (strcmp(sig, sc_signal_name(z->signal)) != 0) {
		sc_err_set(err, "%s: a %s signal, but the zone is configured as %s; run scarbon refresh", ppath, sig,
			   sc_signal_name(z->signal));
		goto out;
	}
	if (!(p = str(root, "unit")) || strcmp(p, SC_CACHE_UNIT) != 0) {
		sc_err_set(err, "%s: unknown unit '%s'; expected %s", ppath, SC_PRINTABLE(p), SC_CACHE_UNIT);
		goto out;
	}
	if (get_time(root, "fetched_at", 1, &fetched, &e) < 0 || get_time(root, "issued_at", 0, &issued, &e) < 0) {
		sc_err_set(err, "%s: %s", ppath, e.msg);
		goto out;
	}
	if (z->max_age > 0 && now - fetched > z->max_age) {
		char age[32], max[32];
		/* No path here: this reason ends up in every job record of the
		 * zone (whose reason field is short), and the zone names it. */
		sc_err_set(err, "cached forecast fetched at %s (%s ago), older than MaxAge=%s: run scarbon refresh "
				"(is its timer running?)",
			   sc_format_time(fetched, a, sizeof(a)), sc_format_delay(now - fetched, age, sizeof(age)),
			   sc_format_duration(z->max_age, max, sizeof(max)));
		goto out;
	}
	pts = json_object_get(root, "points");
	if (!json_is_array(pts) || !json_array_size(pts)) {
		sc_err_set(err, "%s: \"points\" is missing or empty; run scarbon refresh", path);
		goto out;
	}
	s = sc_series_create();
	if (!s || sc_series_set_source(s, str(root, "source")) < 0) {
		sc_err_set(err, "out of memory");
		goto fail;
	}
	s->signal = strcmp(sig, "marginal") == 0 ? SC_SIGNAL_MARGINAL : SC_SIGNAL_AVERAGE;
	s->issued_at = issued ? issued : fetched;
	for (size_t i = 0; i < json_array_size(pts); i++) {
		json_t *pt = json_array_get(pts, i);
		const char *ts = json_string_value(json_array_get(pt, 0));
		json_t *v = json_array_get(pt, 1);
		int64_t t;
		if (json_array_size(pt) != 2 || !ts || !json_is_number(v) || sc_parse_abs_time(ts, &t, &e) < 0) {
			sc_err_set(err, "%s: points[%zu]: expected [\"<ISO 8601 time>\", <g/kWh>]; run scarbon refresh",
				   path, i);
			goto fail;
		}
		if (sc_series_append(s, t, json_number_value(v), &e) < 0) {
			sc_err_set(err, "%s: points[%zu] (%s): %s; run scarbon refresh", ppath, i,
				   sc_format_time(t, b, sizeof(b)), e.msg);
			goto fail;
		}
	}
	if (info) {
		info->fetched_at = fetched;
		info->issued_at = issued;
		info->signal = s->signal;
	}
	goto out;
fail:
	sc_series_destroy(s);
	s = NULL;
out:
	json_decref(root);
	return s;
}

struct sc_series *sc_cache_read(const char *state_dir, const struct sc_zone_spec *z, int64_t now,
				struct sc_cache_info *info, struct sc_err *err)
{
	char *path = sc_cache_path(state_dir, z->name, err);
	struct sc_series *s;

	if (!path)
		return NULL;
	s = sc_cache_read_file(path, z, now, info, err);
	free(path);
	return s;
}
