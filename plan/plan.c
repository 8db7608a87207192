/* slurm-carbon: the submit-time evaluation.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "plan/plan.h"

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
	if (f->interactive && !conf->plan_interactive) {
		/* Someone waits at a terminal: never delay them. The options
		 * were still checked, and the budget is recorded. */
		sc_decision_none(&out->d, "interactive job, PlanInteractive=no");
		out->d.budget_g = out->req.budget_g;
		return 0;
	}
	if (!snap) {
		sc_decision_none(&out->d, "no forecast loaded");
		return 0;
	}
	if (sc_decide(&conf->site, sc_snapshot_set(snap), &out->req, now, &out->d) < 0) {
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
