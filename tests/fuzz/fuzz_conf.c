/* slurm-carbon: libFuzzer target for carbon.conf (sc_conf_parse, the
 * in-memory form of sc_conf_load: one code path). Asserts: a refusal has
 * at least one message, each printable (no control byte, valid UTF-8) and
 * at most SC_CONF_MAX_ERRORS + 1 of them; an accepted config has no
 * message and keeps its promises: every name set and at most
 * SC_CONF_MAX_NAME bytes, names unique, every partition's zone and
 * Alternatives in range, the default partition in range (or -1 with no
 * partition), the site view pointing at the records, PUE >= 1, positive
 * default times, budgets with a positive limit and a user or an account.
 * Nothing leaks (LeakSanitizer).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <strings.h>

#include "config/conf.h"
#include "tests/fuzz/fuzz_util.h"

static void check_name(const char *name)
{
	if (!name || !*name || strlen(name) > SC_CONF_MAX_NAME)
		abort();
}

static void check_parts(const struct sc_conf *c)
{
	if (c->site.n_parts != c->n_parts || c->site.parts != c->parts ||
	    c->site.n_zones != c->n_zones)
		abort();
	if (c->n_parts ? c->default_part < 0 || (size_t)c->default_part >= c->n_parts
		       : c->default_part != -1)
		abort();
	for (size_t i = 0; i < c->n_parts; i++) {
		const struct sc_partition *p = &c->parts[i];

		check_name(p->name);
		if (p->zone >= c->n_zones || !(p->pue >= 1) || p->default_time <= 0)
			abort();
		for (size_t k = 0; k < p->n_alt; k++)
			if (p->alt[k] >= c->n_parts)
				abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->parts[j].name, p->name) == 0)
				abort();
	}
}

static void check_conf(const struct sc_conf *c)
{
	for (size_t i = 0; i < c->n_zones; i++) {
		check_name(c->zones[i].name);
		if (!c->zones[i].provider || c->site.zones[i] != c->zones[i].name ||
		    sc_conf_find_zone(c, c->zones[i].name) != (int)i)
			abort();
	}
	check_parts(c);
	for (size_t i = 0; i < c->n_budgets; i++) {
		const struct sc_budget *b = &c->budgets[i];

		check_name(b->name);
		if (!(b->limit_g > 0) || (!b->user && !b->account))
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->budgets[j].name, b->name) == 0)
				abort();
	}
	if (c->n_zones + c->n_parts + c->n_budgets > SC_CONF_MAX_RECORDS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_diag diag = { 0 };
	struct sc_conf *c = sc_conf_parse((const char *)data, size, "/etc/slurm/carbon.conf", &diag);

	if (c) {
		if (diag.n)
			abort();
		check_conf(c);
		sc_conf_destroy(c);
	} else {
		if (!diag.n && !diag.alloc_failed)
			abort();
		if (diag.n > SC_CONF_MAX_ERRORS + 1)
			abort();
		for (size_t i = 0; i < diag.n; i++)
			fuzz_check_msg(diag.msgs[i]);
	}
	sc_diag_free(&diag);
	return 0;
}
