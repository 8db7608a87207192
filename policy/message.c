/* slurm-carbon: the decision, told to the user — the wording of every
 * sentence built from a struct sc_decision; the engine (policy/decide.c)
 * decides and never words.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>

#include "policy/message.h"
#include "base/units.h"

/* "03:00 UTC" when t is on now's UTC day, else "2026-12-01 03:00 UTC". */
static char *short_time(int64_t t, int64_t now, char *buf, size_t n)
{
	char iso[32];

	sc_format_time(t, iso, sizeof(iso));
	if (t / 86400 == now / 86400)
		snprintf(buf, n, "%.5s UTC", iso + 11);
	else
		snprintf(buf, n, "%.10s %.5s UTC", iso, iso + 11);
	return buf;
}

char *sc_decision_message(const struct sc_site *site, const struct sc_decision *d,
			  enum sc_mode mode, int64_t now, char *buf, size_t n)
{
	char when[48], est[32], base[32], bud[32], lim[32];
	const char *pre = mode == SC_MODE_ADVISE ? "carbon (advice, not applied): would be " : "carbon: ";
	const char *part = d->action != SC_ACT_NONE ? site->parts[d->chosen.part].name : "";
	const char *zone = d->action != SC_ACT_NONE ? site->zones[site->parts[d->chosen.part].zone] : "";

	sc_format_carbon(d->chosen.gco2e, est, sizeof(est));
	sc_format_carbon(d->baseline.gco2e, base, sizeof(base));
	short_time(d->chosen.start, now, when, sizeof(when));
	switch (d->action) {
	case SC_ACT_NONE:
		snprintf(buf, n, "carbon: not planned (%s)", d->reason);
		break;
	case SC_ACT_RUN:
		snprintf(buf, n, "%s: est. %s (%s)",
			 mode == SC_MODE_ADVISE ? "carbon (advice): run as requested" : "carbon: runs as requested", est,
			 d->reason);
		break;
	case SC_ACT_DELAY:
		snprintf(buf, n, "%sdelayed to %s (greener window): est. %s instead of %s (-%.0f%%)", pre, when,
			 est, base, d->saving_pct);
		break;
	case SC_ACT_REROUTE:
		snprintf(buf, n, "%srerouted to partition %s (greener zone %s): est. %s instead of %s (-%.0f%%)",
			 pre, part, zone, est, base, d->saving_pct);
		break;
	case SC_ACT_DELAY_REROUTE:
		snprintf(buf, n,
			 "%srerouted to partition %s (zone %s) and delayed to %s: est. %s instead of %s (-%.0f%%)",
			 pre, part, zone, when, est, base, d->saving_pct);
		break;
	case SC_ACT_REJECT:
		sc_format_carbon(d->budget_g, bud, sizeof(bud));
		sc_format_duration(d->fit_runtime, lim, sizeof(lim));
		snprintf(buf, n,
			 "%s: over the budget of %s: the best achievable is est. %s (partition %s at %s); "
			 "a budget of at least %s or a time limit of at most %s would fit%s%s%s",
			 mode == SC_MODE_ADVISE ? "carbon (advice, not applied)" : "carbon: rejected", bud, est, part,
			 when, est, lim, d->basis[0] ? " (estimate: " : "", d->basis, d->basis[0] ? ")" : "");
		break;
	}
	return buf;
}

char *sc_time_note(const struct sc_site *site, const struct sc_decision *d, int unlimited, char *buf,
		   size_t n)
{
	const struct sc_partition *pt;
	char dt[32];

	buf[0] = '\0';
	if (!unlimited || d->action == SC_ACT_NONE)
		return buf;
	pt = &site->parts[d->chosen.part];
	snprintf(buf, n, "time limit UNLIMITED: priced at DefaultTime=%s of partition %s",
		 sc_format_duration(pt->default_time, dt, sizeof(dt)), pt->name);
	return buf;
}

char *sc_decision_explain(const struct sc_site *site, const struct sc_decision *d,
			  enum sc_mode mode, int64_t now, char *buf, size_t n)
{
	char when[48], est[32], base[32], delay[32], bud[32], lim[32];
	const struct sc_plan *c = &d->chosen;
	const char *part, *zone;

	if (d->action == SC_ACT_NONE) {
		snprintf(buf, n, "slurm-carbon leaves this job as submitted: %s.", d->reason);
		return buf;
	}
	part = site->parts[c->part].name;
	zone = site->zones[site->parts[c->part].zone];
	sc_format_carbon(c->gco2e, est, sizeof(est));
	sc_format_carbon(d->baseline.gco2e, base, sizeof(base));
	sc_format_delay(c->start - d->t0, delay, sizeof(delay));
	short_time(c->start, now, when, sizeof(when));
	switch (d->action) {
	case SC_ACT_RUN:
		snprintf(buf, n,
			 "Run now on partition %s: the job should emit about %s (%.2f kWh at %.0f gCO2e/kWh, PUE %.2f). "
			 "%c%s.",
			 part, est, c->kwh, c->ci, c->pue, d->reason[0] ? (d->reason[0] & ~0x20) : ' ',
			 d->reason[0] ? d->reason + 1 : "");
		break;
	case SC_ACT_DELAY:
	case SC_ACT_REROUTE:
	case SC_ACT_DELAY_REROUTE:
		snprintf(buf, n,
			 "%s %s%s%s%s: the job should emit about %s instead of %s if run now as requested (-%.0f%%). "
			 "The forecast for zone %s averages %.0f gCO2e/kWh over that window, against %.0f now.",
			 d->action == SC_ACT_DELAY ? "Wait" : "Run on partition",
			 d->action == SC_ACT_DELAY ? delay : part,
			 d->action == SC_ACT_DELAY ? ", until " : (d->action == SC_ACT_DELAY_REROUTE ? " from " : " now"),
			 d->action == SC_ACT_REROUTE ? "" : when, "", est, base, d->saving_pct, zone, c->ci,
			 d->baseline.ci);
		break;
	case SC_ACT_REJECT:
		sc_format_carbon(d->budget_g, bud, sizeof(bud));
		sc_format_duration(d->fit_runtime, lim, sizeof(lim));
		snprintf(buf, n,
			 "No plan fits the carbon budget of %s: the best achievable is about %s (partition %s at %s). "
			 "Raise the budget to at least %s or shorten the time limit to at most %s.%s%s%s",
			 bud, est, part, when, est, lim, d->basis[0] ? " The estimate is " : "", d->basis,
			 d->basis[0] ? "." : "");
		break;
	case SC_ACT_NONE:
		break;
	}
	(void)mode;
	return buf;
}
