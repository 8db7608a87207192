/* slurm-carbon: simulation reports (JSON, text, SVG).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "base/json.h"
#include "base/units.h"
#include "record/record.h"
#include "sim/capacity.h"
#include "sim/report.h"

static int set_real(json_t *o, const char *key, double v, double q)
{
	return json_object_set_new(o, key, isfinite(v) ? json_real(sc_round(v, q)) : json_null());
}

/* Whether the run had a capacity (queueing is reported). */
static int has_capacity(const struct sc_sim_result *res, const struct sc_sim_info *info)
{
	return (info && info->cores) || res->cores || res->gpus || res->nodes;
}

/* The queueing and capacity keys of one policy object. */
static int capacity_keys(json_t *o, const struct sc_sim_result *res, const struct sc_sim_stats *s)
{
	int rc = 0;

	rc |= set_real(o, "mean_queue_s", s->mean_queue_s, 1);
	rc |= set_real(o, "p95_queue_s", s->p95_queue_s, 1);
	rc |= set_real(o, "mean_wait_s", s->mean_wait_s, 1);
	if (res->cores) {
		rc |= set_real(o, "utilisation_pct", s->utilisation_pct, 0.01);
		rc |= set_real(o, "idle_core_h", s->idle_core_h, 0.1);
	}
	if (res->cores && res->idle_watts_per_core > 0) {
		rc |= set_real(o, "idle_kwh", s->idle_kwh, 0.1);
		rc |= set_real(o, "idle_gco2e", s->idle_gco2e, 0.1);
	}
	return rc;
}

/* The keys every policy object shares. */
static json_t *policy_obj(const struct sc_sim_result *res, enum sc_sim_policy p,
			  const struct sc_sim_info *info)
{
	const struct sc_sim_stats *s = &res->pol[p];
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= json_object_set_new(o, "jobs", json_integer((json_int_t)res->jobs));
	rc |= json_object_set_new(o, "jobs_outside_data", json_integer((json_int_t)res->jobs_outside_data));
	rc |= json_object_set_new(o, "jobs_queued_outside_data",
				  json_integer((json_int_t)res->jobs_queued_outside_data));
	rc |= set_real(o, "baseline_gco2e", res->pol[SC_POL_BASELINE].gco2e, 0.1);
	rc |= set_real(o, "policy_gco2e", s->gco2e, 0.1);
	rc |= set_real(o, "oracle_gco2e", res->pol[SC_POL_ORACLE].gco2e, 0.1);
	rc |= set_real(o, "savings_pct", s->savings_pct, 0.01);
	rc |= set_real(o, "oracle_savings_pct", res->pol[SC_POL_ORACLE].savings_pct, 0.01);
	rc |= set_real(o, "oracle_fraction", s->oracle_fraction, 0.0001);
	rc |= set_real(o, "mean_delay_s", s->mean_delay_s, 1);
	rc |= set_real(o, "p95_delay_s", s->p95_delay_s, 1);
	rc |= set_real(o, "rerouted_pct", s->rerouted_pct, 0.01);
	if (has_capacity(res, info))
		rc |= capacity_keys(o, res, s);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *sc_sim_json(const struct sc_sim_result *res, const struct sc_sim_info *info)
{
	static const enum sc_sim_policy peers[] = { SC_POL_CASDK, SC_POL_CATS, SC_POL_THRESHOLD };
	json_t *top = policy_obj(res, SC_POL_CARBON, info), *po = json_object(), *orc = json_object();
	int rc = 0;

	if (!top || !po || !orc)
		goto error;
	rc |= json_object_set_new(top, "policy", sc_json_text("slurm-carbon"));
	if (info && info->forecast)
		rc |= json_object_set_new(top, "forecast", sc_json_text(info->forecast));
	rc |= json_object_set_new(top, "max_delay_s", json_integer((json_int_t)res->max_delay));
	rc |= set_real(top, "forecast_error_pct", res->forecast_error_pct, 0.1);
	rc |= json_object_set_new(top, "replan_s", json_integer((json_int_t)res->replan));
	if (res->replan > 0) {
		json_t *o = policy_obj(res, SC_POL_ONESHOT, info);
		if (!o)
			goto error;
		rc |= json_object_set_new(top, "one_shot", o);
		rc |= json_object_set_new(top, "replan_moves", json_integer((json_int_t)res->replan_moves));
		rc |= set_real(top, "replanned_pct",
			       res->jobs ? 100.0 * (double)res->replan_jobs / (double)res->jobs : 0, 0.01);
		rc |= set_real(top, "replan_started_pct",
			       res->jobs ? 100.0 * (double)res->replan_started / (double)res->jobs : 0, 0.01);
	}
	rc |= json_object_set_new(top, "estimates", sc_json_text(res->estimates ? "learned" : "configured"));
	if (res->estimates)
		rc |= json_object_set_new(top, "jobs_learned", json_integer((json_int_t)res->jobs_learned));
	rc |= json_object_set_new(top, "jobs_skipped", json_integer((json_int_t)res->jobs_skipped));
	rc |= json_object_set_new(top, "jobs_exempt", json_integer((json_int_t)res->jobs_exempt));
	if (has_capacity(res, info)) {
		rc |= json_object_set_new(top, "cores", json_integer((json_int_t)(res->cores ? res->cores : info->cores)));
		rc |= json_object_set_new(top, "gpus", json_integer((json_int_t)res->gpus));
		rc |= json_object_set_new(top, "nodes", json_integer((json_int_t)res->nodes));
		rc |= json_object_set_new(top, "capacity_model",
					  sc_json_text(sc_cap_model_name((enum sc_cap_model)res->capacity_model)));
		rc |= set_real(top, "idle_watts_per_core", res->idle_watts_per_core, 0.01);
	}
	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		json_t *o = policy_obj(res, peers[i], info);
		if (!o)
			goto error;
		rc |= json_object_set_new(po, sc_sim_policy_name(peers[i]), o);
	}
	rc |= json_object_set_new(top, "peers", po);
	po = NULL;
	rc |= set_real(orc, "mean_delay_s", res->pol[SC_POL_ORACLE].mean_delay_s, 1);
	rc |= set_real(orc, "p95_delay_s", res->pol[SC_POL_ORACLE].p95_delay_s, 1);
	rc |= set_real(orc, "rerouted_pct", res->pol[SC_POL_ORACLE].rerouted_pct, 0.01);
	if (has_capacity(res, info))
		rc |= capacity_keys(orc, res, &res->pol[SC_POL_ORACLE]);
	rc |= json_object_set_new(top, "oracle", orc);
	orc = NULL;
	if (has_capacity(res, info)) {
		json_t *b = json_object();
		if (!b)
			goto error;
		rc |= capacity_keys(b, res, &res->pol[SC_POL_BASELINE]);
		rc |= set_real(b, "gco2e", res->pol[SC_POL_BASELINE].gco2e, 0.1);
		rc |= json_object_set_new(top, "baseline", b);
	}
	if (rc)
		goto error;
	return top;
error:
	json_decref(top);
	json_decref(po);
	json_decref(orc);
	return NULL;
}

static const enum sc_sim_policy order[] = { SC_POL_BASELINE, SC_POL_CARBON, SC_POL_ONESHOT, SC_POL_CASDK,
					    SC_POL_CATS, SC_POL_THRESHOLD, SC_POL_ORACLE };
#define NORDER (sizeof(order) / sizeof(order[0]))

static char *fmt_delay(double s, char *buf, size_t n)
{
	if (s < 90)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 5400)
		snprintf(buf, n, "%.0f min", s / 60);
	else
		snprintf(buf, n, "%.1f h", s / 3600);
	return buf;
}

/* The capacity line(s) of the text report. */
static void print_capacity(FILE *f, const struct sc_sim_result *res, const struct sc_sim_info *info)
{
	char a[32], b[32];

	fprintf(f, "Capacity: ");
	if (res->cores || (info && info->cores))
		fprintf(f, "%u cores", res->cores ? res->cores : info->cores);
	if (res->gpus)
		fprintf(f, "%s%u GPUs", res->cores ? ", " : "", res->gpus);
	if (res->nodes)
		fprintf(f, "%s%u nodes", res->cores || res->gpus ? ", " : "", res->nodes);
	fprintf(f, "; %s\n", res->capacity_model == SC_CAP_FCFS
				     ? "first come first served in planned-start order, no backfill"
				     : "EASY backfill on the time limits, priority in submit order");
	if (res->cores)
		fprintf(f, "Utilisation counted from %s to %s (the last end under any policy)\n",
			sc_format_time(res->window_start, a, sizeof(a)), sc_format_time(res->window_end, b, sizeof(b)));
	if (res->cores && res->idle_watts_per_core > 0)
		fprintf(f, "Idle cores draw %g W each: their emissions are apart from the jobs' (baseline: %.0f kWh)\n",
			res->idle_watts_per_core, res->pol[SC_POL_BASELINE].idle_kwh);
}

void sc_sim_print_text(FILE *f, const struct sc_sim_result *res, const struct sc_sim_info *info)
{
	char a[32], b[32], md[32];
	int cap = has_capacity(res, info), idle = res->cores && res->idle_watts_per_core > 0;

	fprintf(f, "Simulated %zu jobs%s%s: max delay %s, forecast %s%s\n", res->jobs,
		info && info->trace ? " of " : "", info && info->trace ? info->trace : "",
		sc_format_delay(res->max_delay, md, sizeof(md)),
		info && info->forecast ? info->forecast : "perfect",
		cap ? "" : ", unlimited capacity");
	if (cap)
		print_capacity(f, res, info);
	fprintf(f, "slurm-carbon plans with ForecastError %.1f%% (%s)\n", res->forecast_error_pct,
		res->forecast_error_configured ? "carbon.conf" : "the error of the forecast it is shown");
	if (res->estimates)
		fprintf(f, "slurm-carbon plans with learned estimates: %zu of %zu jobs had an entry (the others: "
			   "time limit x RuntimeRatio)\n", res->jobs_learned, res->jobs - res->jobs_exempt);
	if (res->replan > 0)
		fprintf(f, "slurm-carbon re-plans the jobs it holds every %s (one-shot: its submit-time plans alone): "
			   "%zu jobs re-planned (%zu started early), %zu changes\n",
			sc_format_delay(res->replan, a, sizeof(a)), res->replan_jobs, res->replan_started,
			res->replan_moves);
	fprintf(f, "Data: %s to %s; %zu jobs outside the data", sc_format_time(res->data_start, a, sizeof(a)),
		sc_format_time(res->data_end, b, sizeof(b)), res->jobs_outside_data);
	if (res->jobs_queued_outside_data)
		fprintf(f, " (%zu of them queued past its end)", res->jobs_queued_outside_data);
	fprintf(f, ", %zu skipped, %zu exempt\n\n", res->jobs_skipped, res->jobs_exempt);
	fprintf(f, "  %-13s %14s %8s %10s %11s %10s %9s", "policy", "emissions", "saving", "of oracle",
		"mean delay", "p95 delay", "rerouted");
	if (cap)
		fprintf(f, " %11s %10s", "mean queue", "p95 queue");
	if (res->cores)
		fprintf(f, " %7s %12s", "util", "idle core-h");
	if (idle)
		fprintf(f, " %14s", "idle emissions");
	fputc('\n', f);
	for (size_t i = 0; i < NORDER; i++) {
		const struct sc_sim_stats *s = &res->pol[order[i]];
		char g[32], d1[32], d2[32], frac[32];

		if (order[i] == SC_POL_ONESHOT && res->replan <= 0)
			continue;
		if (isfinite(s->oracle_fraction) && order[i] != SC_POL_BASELINE)
			snprintf(frac, sizeof(frac), "%.0f%%", 100 * s->oracle_fraction);
		else
			snprintf(frac, sizeof(frac), "-");
		fprintf(f, "  %-13s %14s %7.1f%% %10s %11s %10s %8.1f%%", sc_sim_policy_name(order[i]),
			sc_format_carbon(s->gco2e, g, sizeof(g)), s->savings_pct, frac,
			fmt_delay(s->mean_delay_s, d1, sizeof(d1)), fmt_delay(s->p95_delay_s, d2, sizeof(d2)),
			s->rerouted_pct);
		if (cap)
			fprintf(f, " %11s %10s", fmt_delay(s->mean_queue_s, d1, sizeof(d1)),
				fmt_delay(s->p95_queue_s, d2, sizeof(d2)));
		if (res->cores)
			fprintf(f, " %6.1f%% %12.0f", s->utilisation_pct, s->idle_core_h);
		if (idle)
			fprintf(f, " %14s", sc_format_carbon(s->idle_gco2e, g, sizeof(g)));
		fputc('\n', f);
	}
	if (res->pol[SC_POL_CARBON].decided_none)
		fprintf(f, "\nslurm-carbon had no forecast for %zu jobs and started them at submission.\n",
			res->pol[SC_POL_CARBON].decided_none);
}

/* Escapes the few characters XML cares about. */
static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A "nice" axis step for a range. */
static double nice_step(double range)
{
	double e = pow(10, floor(log10(range > 0 ? range : 1))), r = range / e;

	return (r <= 2 ? 0.25 : r <= 5 ? 0.5 : 1) * e;
}

int sc_sim_write_svg(FILE *f, const struct sc_sim_result *res, const struct sc_sim_info *info)
{
	static const char *const colors[SC_POL_N] = {
		[SC_POL_BASELINE] = "#777777", [SC_POL_CARBON] = "#1b7f3b", [SC_POL_ORACLE] = "#222222",
		[SC_POL_CASDK] = "#1f5fbf", [SC_POL_CATS] = "#b8860b", [SC_POL_THRESHOLD] = "#a23b72",
		[SC_POL_ONESHOT] = "#7fbf7f",
	};
	const double W = 720, H = 440, L = 70, R = 170, T = 50, B = 60;
	double xmax = 0, ymin = 0, ymax = 0, xs, ys;
	char md[32];

	for (int p = 0; p < SC_POL_N; p++) {
		double x = res->pol[p].mean_delay_s / 3600, y = res->pol[p].savings_pct;
		if (x > xmax)
			xmax = x;
		if (y > ymax)
			ymax = y;
		if (y < ymin)
			ymin = y;
	}
	xs = nice_step(xmax * 1.1);
	xmax = ceil(xmax * 1.1 / xs) * xs;
	if (xmax <= 0)
		xmax = xs = 1;
	ys = nice_step((ymax - ymin) * 1.1);
	ymax = ceil(ymax * 1.1 / ys) * ys;
	ymin = floor(ymin / ys) * ys;
	if (ymax <= ymin)
		ymax = ymin + (ys = 1);
#define X(v) (L + ((v) / xmax) * (W - L - R))
#define Y(v) (H - B - (((v) - ymin) / (ymax - ymin)) * (H - T - B))
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		   "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
		W, H, W, H);
	fprintf(f, "<title>scarbon simulate: saving against mean delay</title>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Carbon saving against delay</text>\n", L);
	fprintf(f, "<text x=\"%.0f\" y=\"40\" fill=\"#555555\">", L);
	fprintf(f, "%zu jobs", res->jobs);
	if (info && info->trace) {
		fputs(" of ", f);
		xml_text(f, info->trace);
	}
	fprintf(f, "; max delay %s; forecast ", sc_format_delay(res->max_delay, md, sizeof(md)));
	xml_text(f, info && info->forecast ? info->forecast : "perfect");
	if (info && info->cores)
		fprintf(f, "; %u cores", info->cores);
	fputs("</text>\n", f);
	/* Grid and axes. */
	for (double v = 0; v <= xmax + 1e-9; v += xs)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#333333\">%g</text>\n",
			X(v), (double)T, X(v), H - B, X(v), H - B + 16, v);
	for (double v = ymin; v <= ymax + 1e-9; v += ys)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#333333\">%g%%</text>\n",
			L, Y(v), W - R, Y(v), L - 6, Y(v) + 4, v);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333333\"/>\n", L, Y(0.0),
		W - R, Y(0.0));
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333333\"/>\n", L, (double)T, L,
		H - B);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">mean delay (hours)</text>\n",
		(L + W - R) / 2, H - 20);
	fprintf(f, "<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">carbon saving vs. baseline</text>\n",
		(T + H - B) / 2);
	/* Points, with a legend on the right; labels that would overlap an
	 * earlier one move down a line. */
	double placed_x[NORDER], placed_y[NORDER];
	size_t row = 0;
	for (size_t i = 0; i < NORDER; i++) {
		enum sc_sim_policy p = order[i];
		double x = X(res->pol[p].mean_delay_s / 3600), y = Y(res->pol[p].savings_pct);
		double ly = T + 10 + 22.0 * (double)row, ty = y - 7;

		placed_x[i] = placed_y[i] = -1e9;
		if (p == SC_POL_ONESHOT && res->replan <= 0)
			continue;
		row++;

		for (int moved = 1; moved;) {
			moved = 0;
			for (size_t k = 0; k < i; k++)
				if (fabs(placed_x[k] - x) < 70 && fabs(placed_y[k] - ty) < 12) {
					ty = placed_y[k] + 13;
					moved = 1;
				}
		}
		placed_x[i] = x;
		placed_y[i] = ty;

		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\" fill-opacity=\"0.85\"><title>",
			x, y, colors[p]);
		fprintf(f, "%s: %.1f%% saving, mean delay %.2f h</title></circle>\n", sc_sim_policy_name(p),
			res->pol[p].savings_pct, res->pol[p].mean_delay_s / 3600);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n", x + 9, ty, colors[p],
			sc_sim_policy_name(p));
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\">%s %.1f%%</text>\n",
			W - R + 20, ly, colors[p], W - R + 32, ly + 4, sc_sim_policy_name(p),
			res->pol[p].savings_pct);
	}
	fputs("</svg>\n", f);
#undef X
#undef Y
	return ferror(f) ? -1 : 0;
}
