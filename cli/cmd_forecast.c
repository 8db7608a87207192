/* slurm-carbon: `scarbon forecast` — the intensity forecast per zone, as the
 * plugin sees it, with its greenest windows.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "cli/cli.h"
#include "forecast/provider.h"
#include "base/units.h"

#define MAX_WINDOWS 3
#define BAR_WIDTH 40

static void help(FILE *f)
{
	fprintf(f,
		"Usage: scarbon forecast [--zone ZONE]... [--now TIME] [--hours N] [--window DURATION]\n"
		"                        [--format text|json|csv]\n"
		"\n"
		"Show each zone's forecast grid intensity (gCO2e/kWh) from now on, as the plugin\n"
		"plans with it, and mark the greenest windows of the given length.\n"
		"\n"
		"  --zone ZONE        only this zone (repeatable; default: every zone)\n"
		"  --now TIME         as of TIME (default: now)\n"
		"  --hours N          how far ahead to show, 1..720 (default 48)\n"
		"  --window DURATION  length of the windows to mark (default 4:00:00)\n"
		"  --format FORMAT    text (a table with a chart), json, or csv with the header\n"
		"                     zone,time,intensity (ISO 8601 UTC times)\n"
		"  -h, --help         this help\n"
		"\n"
		"Exit status: 0 success, 1 error (also: a requested zone has no usable forecast),\n"
		"2 usage error.\n");
}

struct window {
	int64_t start;
	double mean;
};

/* The n greenest non-overlapping windows of length w starting at slot
 * boundaries in [from, to - w]; returns how many were found. */
static int greenest(const struct sc_grid *g, int64_t from, int64_t to, int64_t w,
		    struct window *out, int n)
{
	int found = 0;

	for (int k = 0; k < n; k++) {
		struct window best = { 0, INFINITY };
		int64_t t = from;
		for (; t + w <= to; t = g->start + ((t - g->start) / g->step + 1) * g->step) {
			double m;
			int overlap = 0;
			for (int j = 0; j < found; j++)
				if (t < out[j].start + w && out[j].start < t + w)
					overlap = 1;
			if (overlap || sc_grid_mean(g, t, t + w, &m) < 0)
				continue;
			if (m < best.mean - 1e-9) {
				best.start = t;
				best.mean = m;
			}
		}
		if (!isfinite(best.mean))
			break;
		out[found++] = best;
	}
	return found;
}

static int in_window(int64_t t, int64_t step, const struct window *w, int n, int64_t len)
{
	for (int i = 0; i < n; i++)
		if (t + step > w[i].start && t < w[i].start + len)
			return i + 1;
	return 0;
}

static void bar(FILE *o, double v, double max)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int units = max > 0 ? (int)lround(v / max * BAR_WIDTH * 8) : 0;

	for (int i = 0; i < units / 8; i++)
		fputs("█", o);
	fputs(eighths[units % 8], o);
	for (int i = (units + 7) / 8; i < BAR_WIDTH; i++)
		fputc(' ', o);
}

/* What the command was asked for. */
struct opts {
	char **zones;   /* --zone (borrowed from argv), nz of them */
	int nz, fmt;
	double hours;
	int64_t window, now;
};

/* Parses the options into *o. Returns -1 to go on, else the exit status. */
static int parse_options(struct sc_cli *cli, int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "now", required_argument, NULL, 'N' },
		{ "hours", required_argument, NULL, 'H' },
		{ "window", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { [SC_OUT_TEXT] = "text", [SC_OUT_JSON] = "json",
					       [SC_OUT_CSV] = "csv", NULL };
	const char *now_arg = NULL;
	struct sc_err err;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': o->zones[o->nz++] = optarg; break;
		case 'N': now_arg = optarg; break;
		case 'H':
			if (sc_parse_number(optarg, 1, 720, "--hours", &o->hours, &err) < 0)
				return sc_cli_usage(cli, "%s", err.msg);
			break;
		case 'w':
			if (sc_parse_duration(optarg, 0, &o->window, &err) < 0)
				return sc_cli_usage(cli, "--window: %s", err.msg);
			if (o->window <= 0)
				return sc_cli_usage(cli, "--window: must be longer than 0");
			break;
		case 'f':
			if ((o->fmt = sc_cli_choice(cli, "--format", optarg, formats)) < 0)
				return SC_EXIT_USAGE;
			break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	return sc_cli_now(cli, now_arg, &o->now) < 0 ? SC_EXIT_USAGE : -1;
}

/* One zone's part of the grid to show: [i0, i1), its greenest windows. */
struct view {
	const struct sc_zone_spec *z;
	const struct sc_zone_state *st;
	const struct sc_grid *g;
	size_t i0, i1;
	struct window win[MAX_WINDOWS];
	int nwin;
	double max;
};

static void view_make(struct view *v, const struct opts *o)
{
	const struct sc_grid *g = v->g;
	int64_t from, to;

	v->i0 = o->now > g->start ? (size_t)((o->now - g->start) / g->step) : 0;
	from = o->now > g->start ? o->now : g->start;
	to = o->now + (int64_t)(o->hours * 3600);
	if (to > sc_grid_end(g))
		to = sc_grid_end(g);
	/* A grid that starts after the hours asked for shows nothing. */
	if (to < from)
		to = from;
	v->i1 = (size_t)((to - g->start + g->step - 1) / g->step);
	if (v->i1 > g->n)
		v->i1 = g->n;
	v->nwin = greenest(g, from, to, o->window, v->win, MAX_WINDOWS);
	v->max = 0;
	for (size_t i = v->i0; i < v->i1; i++)
		if (g->v[i] > v->max)
			v->max = g->v[i];
}

static void render_missing(struct sc_cli *cli, const struct opts *o, const struct view *v, json_t *jzones)
{
	const char *why = v->st->why ? v->st->why : "the forecast ends before now";
	const struct sc_zone_spec *z = v->z;

	if (o->fmt == SC_OUT_JSON) {
		json_t *jz = json_object();
		json_object_set_new(jz, "zone", sc_json_text(z->name));
		json_object_set_new(jz, "provider", sc_json_text(sc_provider_name(z->provider)));
		json_object_set_new(jz, "error", sc_json_text(why));
		json_array_append_new(jzones, jz);
	} else if (o->fmt == SC_OUT_TEXT) {
		fprintf(cli->out, "Zone %s (%s): no usable forecast: %s\n\n", z->name,
			sc_provider_name(z->provider), why);
	}
	if (o->fmt != SC_OUT_TEXT)
		fprintf(cli->err, "scarbon forecast: zone %s: no usable forecast: %s\n", z->name, why);
}

static void render_csv(struct sc_cli *cli, const struct view *v)
{
	char t[32];

	for (size_t i = v->i0; i < v->i1; i++)
		fprintf(cli->out, "%s,%s,%.1f\n", v->z->name,
			sc_format_time(v->g->start + (int64_t)i * v->g->step, t, sizeof(t)), v->g->v[i]);
}

static void render_json(const struct opts *o, const struct view *v, json_t *jzones)
{
	const struct sc_grid *g = v->g;
	json_t *jz = json_object(), *pts = json_array(), *jw = json_array();
	char t[32];

	json_object_set_new(jz, "zone", sc_json_text(v->z->name));
	json_object_set_new(jz, "provider", sc_json_text(sc_provider_name(v->z->provider)));
	json_object_set_new(jz, "signal", sc_json_text(sc_signal_name(v->st->signal)));
	json_object_set_new(jz, "source", v->st->source ? sc_json_text(v->st->source) : json_null());
	json_object_set_new(jz, "step_s", json_integer(g->step));
	for (size_t i = v->i0; i < v->i1; i++) {
		json_t *p = json_object();
		json_object_set_new(p, "time", sc_json_text(sc_format_time(g->start + (int64_t)i * g->step, t, sizeof(t))));
		json_object_set_new(p, "intensity", json_real(round(g->v[i] * 10) / 10));
		json_array_append_new(pts, p);
	}
	for (int k = 0; k < v->nwin; k++) {
		json_t *w = json_object();
		json_object_set_new(w, "start", sc_json_text(sc_format_time(v->win[k].start, t, sizeof(t))));
		json_object_set_new(w, "end", sc_json_text(sc_format_time(v->win[k].start + o->window, t, sizeof(t))));
		json_object_set_new(w, "mean", json_real(round(v->win[k].mean * 10) / 10));
		json_array_append_new(jw, w);
	}
	json_object_set_new(jz, "points", pts);
	json_object_set_new(jz, "greenest", jw);
	json_array_append_new(jzones, jz);
}

static void render_text(struct sc_cli *cli, const struct opts *o, const struct view *v)
{
	const struct sc_grid *g = v->g;
	char t[32], d[32];

	fprintf(cli->out, "Zone %s: %s, %s signal, gCO2e/kWh, step %s\n", v->z->name,
		v->st->source ? v->st->source : sc_provider_name(v->z->provider), sc_signal_name(v->st->signal),
		sc_format_duration(g->step, d, sizeof(d)));
	for (size_t i = v->i0; i < v->i1; i++) {
		int64_t ts = g->start + (int64_t)i * g->step;
		int w = in_window(ts, g->step, v->win, v->nwin, o->window);
		sc_format_time(ts, t, sizeof(t));
		fprintf(cli->out, "  %.10s %.5s  %6.0f  ", t, t + 11, g->v[i]);
		bar(cli->out, g->v[i], v->max);
		if (w && ts <= v->win[w - 1].start && v->win[w - 1].start < ts + g->step)
			fprintf(cli->out, " ◀ %s greenest %s window: mean %.0f", w == 1 ? "1st" : w == 2 ? "2nd" : "3rd",
				sc_format_delay(o->window, d, sizeof(d)), v->win[w - 1].mean);
		else if (w)
			fprintf(cli->out, " ┃");
		fputc('\n', cli->out);
	}
	fputc('\n', cli->out);
}

/* Renders every selected zone. Returns the exit status. */
static int render(struct sc_cli *cli, const struct opts *o, const struct sc_conf *conf,
		  const struct sc_snapshot *snap)
{
	json_t *jroot = NULL, *jzones = NULL;
	int rc = SC_EXIT_OK;

	if (o->fmt == SC_OUT_JSON) {
		jroot = json_object();
		jzones = json_array();
		json_object_set_new(jroot, "now", json_integer(o->now));
		json_object_set_new(jroot, "window_s", json_integer(o->window));
		json_object_set(jroot, "zones", jzones);
	} else if (o->fmt == SC_OUT_CSV) {
		fprintf(cli->out, "zone,time,intensity\n");
	}
	for (size_t zi = 0; zi < conf->n_zones; zi++) {
		struct view v = { .z = &conf->zones[zi], .st = sc_snapshot_zone(snap, zi),
				  .g = sc_snapshot_set(snap)->grids[zi] };

		if (!sc_cli_selected(o->zones, o->nz, v.z->name))
			continue;
		if (!v.g || o->now >= sc_grid_end(v.g)) {
			if (o->nz)
				rc = SC_EXIT_ERROR;
			render_missing(cli, o, &v, jzones);
			continue;
		}
		view_make(&v, o);
		if (o->fmt == SC_OUT_CSV)
			render_csv(cli, &v);
		else if (o->fmt == SC_OUT_JSON)
			render_json(o, &v, jzones);
		else
			render_text(cli, o, &v);
	}
	if (o->fmt == SC_OUT_JSON)
		sc_cli_print_json(cli, jroot, 0);
	json_decref(jzones);
	json_decref(jroot);
	return rc;
}

int sc_cmd_forecast(struct sc_cli *cli, int argc, char **argv)
{
	struct opts o = { .fmt = SC_OUT_TEXT, .hours = 48, .window = 4 * 3600 };
	struct sc_conf *conf = NULL;
	struct sc_snapshot *snap = NULL;
	int rc;

	o.zones = calloc((size_t)argc + 1, sizeof(*o.zones));
	if (!o.zones)
		return sc_cli_fail(cli, "out of memory");
	if ((rc = parse_options(cli, argc, argv, &o)) >= 0)
		goto out;
	rc = SC_EXIT_ERROR;
	conf = sc_cli_load_conf(cli);
	if (!conf)
		goto out;
	for (int i = 0; i < o.nz; i++)
		if (sc_conf_find_zone(conf, o.zones[i]) < 0) {
			sc_cli_fail(cli, "--zone: no zone '%s' in %s", SC_PRINTABLE(o.zones[i]), conf->path);
			goto out;
		}
	snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, o.now);
	if (!snap) {
		sc_cli_fail(cli, "out of memory");
		goto out;
	}
	rc = render(cli, &o, conf, snap);
out:
	sc_snapshot_destroy(snap);
	sc_conf_destroy(conf);
	free(o.zones);
	return rc;
}
