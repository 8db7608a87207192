/* slurm-carbon: libFuzzer targets for the state files the plugin and
 * scarbon read from StateDir, through their in-memory entry points (the
 * file readers only add the read): with FUZZ_STATE 1 the budget ledger
 * (sc_ledger_parse, budgets.json), with FUZZ_STATE 2 the learned model
 * (sc_model_parse, estimates.json). Asserts: a refusal has a printable
 * message and leaves nothing behind; an accepted ledger has entries with a
 * name of 1..SC_BUDGET_MAX_NAME bytes, end >= start, jobs >= 0, figures
 * finite and >= 0, each found again by sc_ledger_find; an accepted model
 * was created within [now - max age, now + 1 day], has a quantile within
 * 0..1, entries whose keys match their level, without control bytes, with
 * jobs >= 1, 0 <= ratio_median <= ratio_q <= 1, watts within
 * 0..SC_MODEL_MAX_WATTS, and each entry is what sc_model_lookup finds for
 * its own keys. Nothing leaks (LeakSanitizer).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#ifndef FUZZ_STATE
#error "FUZZ_STATE must be 1 or 2"
#endif

#if FUZZ_STATE == 1
#include "budget/budget.h"
#else
#include "learn/model.h"
#endif
#include "tests/fuzz/fuzz_util.h"

#define NOW 1657843200 /* 2022-07-15T00:00:00Z */
#define MAX_AGE (7 * 86400)

#if FUZZ_STATE == 1
static void check(const uint8_t *data, size_t size)
{
	struct sc_ledger l;
	struct sc_err err = { "" };

	if (sc_ledger_parse(&l, (const char *)data, size, "/var/lib/slurm-carbon/budgets.json",
			    &err) < 0) {
		fuzz_check_err(&err);
		if (l.n || l.e)
			abort();
		return;
	}
	if (l.computed < 0)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		const struct sc_ledger_entry *e = &l.e[i];
		size_t n = strnlen(e->name, sizeof(e->name));

		if (n == 0 || n > SC_BUDGET_MAX_NAME || e->end < e->start || e->jobs < 0)
			abort();
		if (!isfinite(e->limit_g) || !isfinite(e->actual_g) || !isfinite(e->estimated_g) ||
		    e->limit_g < 0 || e->actual_g < 0 || e->estimated_g < 0)
			abort();
		if (!sc_ledger_find(&l, e->name, e->start))
			abort();
	}
	sc_ledger_free(&l);
}
#else
static void check_key(const char *s, int set)
{
	if (!s || (set ? !*s : *s != '\0'))
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void check_entry(const struct sc_model *m, const struct sc_model_entry *e)
{
	struct sc_model_match match;
	char key[512];

	if (e->level > SC_LEVEL_PARTITION)
		abort();
	check_key(e->user, e->level <= SC_LEVEL_USER);
	check_key(e->account, e->level != SC_LEVEL_PARTITION);
	check_key(e->partition, 1);
	check_key(e->name, e->level == SC_LEVEL_NAME);
	if (e->jobs < 1 || !(e->ratio_median >= 0) || !(e->ratio_q >= e->ratio_median) ||
	    !(e->ratio_q <= 1))
		abort();
	if ((e->core_w_jobs > 0 && !(e->core_w >= 0 && e->core_w <= SC_MODEL_MAX_WATTS)) ||
	    (e->gpu_w_jobs > 0 && !(e->gpu_w >= 0 && e->gpu_w <= SC_MODEL_MAX_WATTS)) ||
	    e->core_w_jobs < 0 || e->gpu_w_jobs < 0)
		abort();
	if (sc_model_lookup(m, e->user, e->account, e->partition, e->name, &match) != 1 || match.ratio != e)
		abort();
	sc_model_key(e, key, sizeof(key));
	if (!strchr(key, '/'))
		abort();
}

static void check(const uint8_t *data, size_t size)
{
	struct sc_err err = { "" };
	struct sc_model *m = sc_model_parse((const char *)data, size,
					    "/var/lib/slurm-carbon/estimates.json", NOW, MAX_AGE, &err);

	if (!m) {
		fuzz_check_err(&err);
		return;
	}
	if (sc_model_created(m) < NOW - MAX_AGE || sc_model_created(m) > NOW + 86400 ||
	    !(sc_model_quantile(m) >= 0 && sc_model_quantile(m) <= 1))
		abort();
	for (size_t i = 0; i < sc_model_count(m); i++)
		check_entry(m, sc_model_entry(m, i));
	sc_model_destroy(m);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);
	return 0;
}
