/* slurm-carbon: the submit-time evaluation.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "plan/plan.h"
#include "policy/message.h"

/* Someone waits at a terminal (PlanInteractive=no): never delay or move them. Their
 * options were checked; a budget still caps the job (it is the user's own hard cap):
 * priced to run now, as requested, and rejected when even that is over it. Returns 1 with
 * out->d the rejection, else 0 with out->d "left alone", its budget recorded. */
static int interactive_over_budget(const struct sc_site *priced, const struct sc_snapshot *snap,
				   int64_t now, struct sc_eval *out)
{
	struct sc_site site = *priced;
	struct sc_request req = out->req;
	struct sc_decision d;

	if (req.budget_g >= 0) {
		site.params.reroute = 0;
		req.max_delay = 0;
		if (sc_decide(&site, sc_snapshot_set(snap), &req, now, &d) == 0 &&
		    d.action == SC_ACT_REJECT) {
			out->d = d;
			return 1;
		}
	}
	sc_decision_none(&out->d, "interactive job, PlanInteractive=no");
	out->d.budget_g = out->req.budget_g;
	return 0;
}

/* The learned power model of partition p for a job of shape, from the
 * model's entries: 1 with *pw set, 0 when the model has no watts for it. */
static int learned_power(const struct sc_model *m, const char *user, const char *account,
			 const char *name, const char *part, const struct sc_shape *shape,
			 struct sc_power *pw)
{
	struct sc_model_match mm;

	sc_model_lookup(m, user, account, part, name, &mm);
	memset(pw, 0, sizeof(*pw));
	pw->usage = 1;
	if (shape->gpus) {
		/* gpu_w is what GPU jobs drew beyond their cores at the same
		 * entry's core_w (0 where it has none). */
		if (!mm.gpu_w)
			return 0;
		pw->gpu_w = mm.gpu_w->gpu_w;
		pw->core_w = mm.gpu_w->core_w_jobs > 0 ? mm.gpu_w->core_w : 0;
		return 1;
	}
	if (!mm.core_w)
		return 0;
	pw->core_w = mm.core_w->core_w;
	return 1;
}

int sc_eval_learned_site(const struct sc_site *base_site, const struct sc_model *m, const char *user,
			 const char *account, const char *name, struct sc_site *site,
			 struct sc_partition *scratch, struct sc_partition **parts, struct sc_eval *ev)
{
	const char *base = base_site->parts[ev->req.parts[0]].name;
	struct sc_partition *pv;
	struct sc_model_match mm;
	double r;

	*site = *base_site;
	*parts = NULL;
	ev->ctx.estimate = "configured";
	ev->ctx.estimate_ratio = base_site->params.runtime_ratio;
	ev->window_ratio = 0;
	if (!m || !sc_model_lookup(m, user, account, base, name, &mm)) {
		snprintf(ev->d.basis, sizeof(ev->d.basis), "configured: %s, time limit x RuntimeRatio %g",
			 m ? "no learned entry for the job" : "no learned model loaded",
			 base_site->params.runtime_ratio);
		return 0;
	}
	r = sc_model_ratio(mm.ratio);
	site->params.runtime_ratio = r;
	ev->window_ratio = mm.ratio->ratio_q > r ? mm.ratio->ratio_q : r;
	ev->ctx.estimate = "learned";
	ev->ctx.estimate_key = sc_model_key(mm.ratio, ev->estimate_key, sizeof(ev->estimate_key));
	ev->ctx.estimate_jobs = mm.ratio->jobs;
	ev->ctx.estimate_ratio = r;
	snprintf(ev->d.basis, sizeof(ev->d.basis), "learned: %s of %ld jobs of %s",
		 sc_model_ratio_name(m), mm.ratio->jobs, ev->estimate_key);
	pv = scratch ? scratch : (*parts = malloc(base_site->n_parts * sizeof(**parts)));
	if (!pv)
		return 1;
	for (size_t i = 0; i < base_site->n_parts; i++) {
		pv[i] = base_site->parts[i];
		if (!learned_power(m, user, account, name, base_site->parts[i].name, &ev->req.shape,
				   &pv[i].power))
			pv[i].power = base_site->parts[i].power;
	}
	site->parts = pv;
	return 1;
}

int sc_decide_learned(const struct sc_site *site, double window_ratio,
		      const struct sc_zone_forecasts *forecasts, const struct sc_request *req,
		      int64_t now, struct sc_decision *out)
{
	struct sc_site wsite = *site, psite = *site;
	struct sc_request preq = *req;
	struct sc_decision win, priced;
	int rc = sc_decide(site, forecasts, req, now, out);
	const struct sc_plan *c = &priced.chosen;

	if (rc < 0 || out->action == SC_ACT_NONE || out->action == SC_ACT_REJECT ||
	    !(window_ratio > site->params.runtime_ratio))
		return rc;
	wsite.params.runtime_ratio = window_ratio;
	if (sc_decide(&wsite, forecasts, req, now, &win) < 0 || win.action == SC_ACT_NONE ||
	    win.action == SC_ACT_REJECT)
		return rc;
	/* The window's plan at the expected run time: its one partition and start. */
	preq.parts[0] = win.chosen.part;
	preq.n_parts = 1;
	preq.begin = win.chosen.start;
	preq.max_delay = 0;
	psite.params.reroute = 0;
	if (sc_decide(&psite, forecasts, &preq, now, &priced) < 0 || priced.action != SC_ACT_RUN ||
	    c->start != win.chosen.start || c->part != win.chosen.part)
		return rc;
	out->chosen = *c;
	out->saving_pct = out->baseline.gco2e > 0 ?
				  100.0 * (out->baseline.gco2e - c->gco2e) / out->baseline.gco2e : 0;
	if (c->part != req->parts[0])
		out->action = c->start > out->t0 ? SC_ACT_DELAY_REROUTE : SC_ACT_REROUTE;
	else
		out->action = c->start > out->t0 ? SC_ACT_DELAY : SC_ACT_RUN;
	snprintf(out->reason, sizeof(out->reason), "%s", win.reason);
	return rc;
}

int sc_evaluate(const struct sc_conf *conf, const struct sc_snapshot *snap,
		const struct sc_job_fields *f, const char *user, const char *account,
		const char *qos, int64_t now, struct sc_eval *out)
{
	return sc_evaluate_model(conf, snap, NULL, NULL, f, user, account, qos, now, out);
}

int sc_evaluate_model(const struct sc_conf *conf, const struct sc_snapshot *snap,
		      const struct sc_model *model, struct sc_partition *scratch,
		      const struct sc_job_fields *f, const char *user, const char *account, const char *qos,
		      int64_t now, struct sc_eval *out)
{
	return sc_evaluate_loaded(conf, snap, model, scratch, NULL, f, user, account, qos, now, out);
}

int sc_evaluate_loaded(const struct sc_conf *conf, const struct sc_snapshot *snap,
		       const struct sc_model *model, struct sc_partition *scratch,
		       const struct sc_congestion *cong,
		       const struct sc_job_fields *f, const char *user, const char *account,
		       const char *qos, int64_t now, struct sc_eval *out)
{
	struct sc_site site;
	struct sc_partition *parts = NULL;
	char basis[sizeof(out->d.basis)] = "";
	int rc;

	struct sc_err why;

	memset(out, 0, sizeof(*out));
	sc_decision_none(&out->d, "not evaluated");
	out->ctx.mode = conf->mode;
	out->ctx.requested = f->partition;
	out->ctx.submit = now;
	out->d.t0 = now;

	if (conf->mode == SC_MODE_OFF) {
		sc_decision_none(&out->d, "Mode=off in carbon.conf");
		return 0;
	}
	out->exempt = sc_conf_exempt(conf, user, account, qos);
	if (out->exempt) {
		sc_decision_none(&out->d, "%s", out->exempt);
		return 0;
	}
	sc_err_clear(&why);
	out->build = sc_request_build(&conf->site, conf->part_defaults, conf->default_part,
				      conf->allow_opt_out, f, &out->req, &why);
	switch (out->build) {
	case SC_BUILD_OK:
		break;
	case SC_BUILD_UNMANAGED:
	case SC_BUILD_OPT_OUT:
		sc_decision_none(&out->d, "%s", why.msg);
		return 0;
	case SC_BUILD_INVALID:
		out->err = why;
		return -1;
	}
	if (out->req.deadline > 0 && out->req.deadline <= now) {
		char t[32], n[32];
		out->build = SC_BUILD_INVALID;
		sc_err_set(&out->err, "the deadline %s is not after now (%s): expected a time in the future",
			   sc_format_time(out->req.deadline, t, sizeof(t)), sc_format_time(now, n, sizeof(n)));
		return -1;
	}
	if (!snap) {
		sc_decision_none(&out->d, "no forecast loaded");
		out->d.budget_g = out->req.budget_g;
		return 0;
	}
	site = conf->site;
	if (conf->estimates_learned) {
		sc_eval_learned_site(&conf->site, model, user, account, f->name, &site, scratch, &parts,
				     out);
		memcpy(basis, out->d.basis, sizeof(basis));
	}
	if (f->interactive && !conf->plan_interactive) {
		rc = interactive_over_budget(&site, snap, now, out);
		free(parts);
		if (!rc)
			return 0;
	} else {
		/* On a partition with a capacity the planned load decides; the
		 * learned window choice applies elsewhere. */
		if (cong && sc_congestion_prices(&site, cong, &out->req))
			rc = sc_decide_loaded(&site, sc_snapshot_set(snap), &out->req, now, cong, &out->d);
		else
			rc = sc_decide_learned(&site, out->window_ratio, sc_snapshot_set(snap), &out->req, now,
					       &out->d);
		free(parts);
		if (rc < 0) {
			sc_err_set(&out->err, "%s", out->d.reason);
			return -1;
		}
	}
	memcpy(out->d.basis, basis, sizeof(basis));
	out->ctx.time_note = sc_time_note(&conf->site, &out->d, out->req.time_unlimited, out->time_note,
					  sizeof(out->time_note));
	if (out->d.action != SC_ACT_NONE) {
		size_t zone = conf->site.parts[out->d.chosen.part].zone;
		const struct sc_zone_state *zs = sc_snapshot_zone(snap, zone);
		out->ctx.signal = sc_signal_name(zs->signal);
		out->ctx.source = zs->source;
		out->ctx.issued_at = zs->issued_at;
	}
	out->ctx.applied = conf->mode == SC_MODE_ENFORCE && out->d.action != SC_ACT_NONE &&
			   out->d.action != SC_ACT_RUN;
	return 0;
}

char *sc_eval_admin_comment(const struct sc_conf *conf, const struct sc_eval *ev,
			    const char *existing)
{
	return sc_record_estimate_comment(existing, &conf->site, &ev->d, &ev->ctx);
}
