/* slurm-carbon: the submit-time evaluation.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "plan/plan.h"

/* Someone waits at a terminal (PlanInteractive=no): never delay or move them. Their
 * options were checked; a budget still caps the job (it is the user's own hard cap):
 * priced to run now, as requested, and rejected when even that is over it. Returns 1 with
 * out->d the rejection, else 0 with out->d "left alone", its budget recorded. */
static int interactive_over_budget(const struct sc_conf *conf, const struct sc_snapshot *snap,
				   int64_t now, struct sc_eval *out)
{
	struct sc_site site = conf->site;
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

int sc_evaluate(const struct sc_conf *conf, const struct sc_snapshot *snap,
		const struct sc_job_fields *f, const char *user, const char *account,
		const char *qos, int64_t now, struct sc_eval *out)
{
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
	if (!snap) {
		sc_decision_none(&out->d, "no forecast loaded");
		out->d.budget_g = out->req.budget_g;
		return 0;
	}
	if (f->interactive && !conf->plan_interactive) {
		if (!interactive_over_budget(conf, snap, now, out))
			return 0;
	} else if (sc_decide(&conf->site, sc_snapshot_set(snap), &out->req, now, &out->d) < 0) {
		sc_err_set(&out->err, "%s", out->d.reason);
		return -1;
	}
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
