/* slurm-carbon: `scarbon forecast` — the intensity forecast per zone, as the
 * plugin sees it, with its greenest windows.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

int sc_cmd_forecast(struct sc_cli *cli, int argc, char **argv)
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
	char **zones = calloc((size_t)argc + 1, sizeof(*zones));
	const char *now_arg = NULL;
	int nz = 0, fmt = SC_OUT_TEXT, c, rc = SC_EXIT_OK;
	double hours = 48;
	int64_t window = 4 * 3600, now;
	struct sc_conf *conf = NULL;
	struct sc_snapshot *snap = NULL;
	json_t *jroot = NULL, *jzones = NULL;
	struct sc_err err;

	if (!zones)
		return sc_cli_fail(cli, "out of memory");
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': zones[nz++] = optarg; break;
		case 'N': now_arg = optarg; break;
		case 'H':
			if (sc_parse_number(optarg, 1, 720, "--hours", &hours, &err) < 0) {
				rc = sc_cli_usage(cli, "%s", err.msg);
				goto out;
			}
			break;
		case 'w':
			if (sc_parse_duration(optarg, 0, &window, &err) < 0) {
				rc = sc_cli_usage(cli, "--window: %s", err.msg);
				goto out;
			}
			if (window <= 0) {
				rc = sc_cli_usage(cli, "--window: must be longer than 0");
				goto out;
			}
			break;
		case 'f':
			if ((fmt = sc_cli_choice(cli, "--format", optarg, formats)) < 0) {
				rc = SC_EXIT_USAGE;
				goto out;
			}
			break;
		case 'h': help(cli->out); goto out;
		default: rc = sc_cli_bad_option(cli, c, argv, lopts); goto out;
		}
	}
	if (optind < argc) {
		rc = sc_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (sc_cli_now(cli, now_arg, &now) < 0) {
		rc = SC_EXIT_USAGE;
		goto out;
	}
	conf = sc_cli_load_conf(cli);
	if (!conf) {
		rc = SC_EXIT_ERROR;
		goto out;
	}
	for (int i = 0; i < nz; i++)
		if (sc_conf_find_zone(conf, zones[i]) < 0) {
			rc = sc_cli_fail(cli, "--zone: no zone '%s' in %s", zones[i], conf->path);
			goto out;
		}
	snap = sc_snapshot_load(conf->zones, conf->n_zones, conf->state_dir, now);
	if (!snap) {
		rc = sc_cli_fail(cli, "out of memory");
		goto out;
	}
	if (fmt == SC_OUT_JSON) {
		jroot = json_object();
		jzones = json_array();
		json_object_set_new(jroot, "now", json_integer(now));
		json_object_set_new(jroot, "window_s", json_integer(window));
		json_object_set(jroot, "zones", jzones);
	} else if (fmt == SC_OUT_CSV) {
		fprintf(cli->out, "zone,time,intensity\n");
	}
	for (size_t zi = 0; zi < conf->n_zones; zi++) {
		const struct sc_zone_spec *z = &conf->zones[zi];
		const struct sc_zone_state *st = sc_snapshot_zone(snap, zi);
		const struct sc_grid *g = sc_snapshot_set(snap)->grids[zi];
		struct window win[MAX_WINDOWS];
		int nwin = 0;
		int64_t from, to;
		size_t i0, i1;
		double max = 0;
		char t[32];

		if (!sc_cli_selected(zones, nz, z->name))
			continue;
		if (!g || now >= sc_grid_end(g)) {
			const char *why = st->why ? st->why : "the forecast ends before now";
			if (nz)
				rc = SC_EXIT_ERROR;
			if (fmt == SC_OUT_JSON) {
				json_t *jz = json_object();
				json_object_set_new(jz, "zone", json_string(z->name));
				json_object_set_new(jz, "provider", json_string(sc_provider_name(z->provider)));
				json_object_set_new(jz, "error", json_string(why));
				json_array_append_new(jzones, jz);
			} else if (fmt == SC_OUT_TEXT) {
				fprintf(cli->out, "Zone %s (%s): no usable forecast: %s\n\n", z->name,
					sc_provider_name(z->provider), why);
			}
			if (fmt != SC_OUT_TEXT)
				fprintf(cli->err, "scarbon forecast: zone %s: no usable forecast: %s\n", z->name, why);
			continue;
		}
		i0 = now > g->start ? (size_t)((now - g->start) / g->step) : 0;
		from = now > g->start ? now : g->start;
		to = now + (int64_t)(hours * 3600);
		if (to > sc_grid_end(g))
			to = sc_grid_end(g);
		/* A grid that starts after the hours asked for shows nothing. */
		if (to < from)
			to = from;
		i1 = (size_t)((to - g->start + g->step - 1) / g->step);
		if (i1 > g->n)
			i1 = g->n;
		nwin = greenest(g, from, to, window, win, MAX_WINDOWS);
		for (size_t i = i0; i < i1; i++)
			if (g->v[i] > max)
				max = g->v[i];

		if (fmt == SC_OUT_CSV) {
			for (size_t i = i0; i < i1; i++)
				fprintf(cli->out, "%s,%s,%.1f\n", z->name,
					sc_format_time(g->start + (int64_t)i * g->step, t, sizeof(t)), g->v[i]);
		} else if (fmt == SC_OUT_JSON) {
			json_t *jz = json_object(), *pts = json_array(), *jw = json_array();
			json_object_set_new(jz, "zone", json_string(z->name));
			json_object_set_new(jz, "provider", json_string(sc_provider_name(z->provider)));
			json_object_set_new(jz, "signal", json_string(sc_signal_name(st->signal)));
			json_object_set_new(jz, "source", st->source ? json_string(st->source) : json_null());
			json_object_set_new(jz, "step_s", json_integer(g->step));
			for (size_t i = i0; i < i1; i++) {
				json_t *p = json_object();
				json_object_set_new(p, "time", json_string(sc_format_time(
									g->start + (int64_t)i * g->step, t, sizeof(t))));
				json_object_set_new(p, "intensity", json_real(round(g->v[i] * 10) / 10));
				json_array_append_new(pts, p);
			}
			for (int k = 0; k < nwin; k++) {
				json_t *w = json_object();
				json_object_set_new(w, "start", json_string(sc_format_time(win[k].start, t, sizeof(t))));
				json_object_set_new(w, "end", json_string(sc_format_time(win[k].start + window, t, sizeof(t))));
				json_object_set_new(w, "mean", json_real(round(win[k].mean * 10) / 10));
				json_array_append_new(jw, w);
			}
			json_object_set_new(jz, "points", pts);
			json_object_set_new(jz, "greenest", jw);
			json_array_append_new(jzones, jz);
		} else {
			char d[32];
			fprintf(cli->out, "Zone %s: %s, %s signal, gCO2e/kWh, step %s\n", z->name,
				st->source ? st->source : sc_provider_name(z->provider), sc_signal_name(st->signal),
				sc_format_duration(g->step, d, sizeof(d)));
			for (size_t i = i0; i < i1; i++) {
				int64_t ts = g->start + (int64_t)i * g->step;
				int w = in_window(ts, g->step, win, nwin, window);
				sc_format_time(ts, t, sizeof(t));
				fprintf(cli->out, "  %.10s %.5s  %6.0f  ", t, t + 11, g->v[i]);
				bar(cli->out, g->v[i], max);
				if (w && ts <= win[w - 1].start && win[w - 1].start < ts + g->step)
					fprintf(cli->out, " ◀ %s greenest %s window: mean %.0f", w == 1 ? "1st" : w == 2 ? "2nd" : "3rd",
						sc_format_delay(window, d, sizeof(d)), win[w - 1].mean);
				else if (w)
					fprintf(cli->out, " ┃");
				fputc('\n', cli->out);
			}
			fputc('\n', cli->out);
		}
	}
	if (fmt == SC_OUT_JSON)
		sc_cli_print_json(cli, jroot, 0);
out:
	json_decref(jzones);
	json_decref(jroot);
	sc_snapshot_destroy(snap);
	sc_conf_destroy(conf);
	free(zones);
	return rc;
}
