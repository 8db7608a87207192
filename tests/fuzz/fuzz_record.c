/* slurm-carbon: libFuzzer target for the accounting records in a job's
 * comments, in both stored forms (plain JSON and sacctmgr's backticks):
 * sc_comment_get, sc_estimate_read (AdminComment), sc_actual_read
 * (SystemComment), and writing into whatever comment is there
 * (sc_comment_set, sc_comment_encode in both forms). Asserts: what is read
 * is an object; the readers' strings are NUL-terminated within their
 * fields, times >= 0 (durations -1 when absent), no float-to-integer
 * overflow (UBSan), "present" agrees with the return value, an actual record read has
 * finite kWh, gCO2e, intensity and PUE with kWh and gCO2e >= 0; a comment
 * written holds the record written (read back equal), the sacctmgr form
 * has no quote, and each written comment is "the same" as itself. Nothing
 * leaks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "record/comment.h"
#include "record/record.h"
#include "tests/fuzz/fuzz_util.h"

static void check_field(const char *s, size_t n)
{
	if (strnlen(s, n) == n)
		abort();
}

static void read_records(const char *c)
{
	struct sc_estimate e;
	struct sc_actual a;
	json_t *o;
	int r;

	for (int k = 0; k < 2; k++) {
		o = sc_comment_get(c, k ? SC_RECORD_ACTUAL_KEY : SC_RECORD_ESTIMATE_KEY);
		if (o && !json_is_object(o))
			abort();
		json_decref(o);
	}
	r = sc_estimate_read(c, &e);
	if ((r != 0 && r != 1) || r != e.present)
		abort();
	check_field(e.decision, sizeof(e.decision));
	check_field(e.partition, sizeof(e.partition));
	check_field(e.zone, sizeof(e.zone));
	if (e.start < 0 || e.delay_s < -1)
		abort();
	r = sc_actual_read(c, &a);
	if ((r != 0 && r != 1) || r != a.present)
		abort();
	check_field(a.partition, sizeof(a.partition));
	check_field(a.zone, sizeof(a.zone));
	check_field(a.note, sizeof(a.note));
	if (a.start < 0 || a.end < 0 || a.elapsed < -1)
		abort();
	if (r && (!isfinite(a.kwh) || !isfinite(a.gco2e) || !isfinite(a.ci) || !isfinite(a.pue) ||
		  a.kwh < 0 || a.gco2e < 0))
		abort();
}

/* The record written into comment c under key, in form (-1: sc_comment_set). */
static void write_record(const char *c, const char *key, int form)
{
	json_t *v = json_pack("{s:i,s:s,s:f}", "v", 1, "decision", "delay", "kwh", 1.5);
	json_t *back;
	char *out;

	if (!v)
		abort();
	json_incref(v);
	out = form < 0 ? sc_comment_set(c, key, v) : sc_comment_encode(c, key, v, form);
	if (!out)
		abort();
	if (form == SC_COMMENT_SACCTMGR && (strchr(out, '"') || strchr(out, '\'')))
		abort();
	back = sc_comment_get(out, key);
	if (!back || !json_equal(back, v))
		abort();
	if (!sc_comment_same(out, out))
		abort();
	json_decref(back);
	json_decref(v);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *c = fuzz_cstr(data, size);

	read_records(c);
	write_record(c, SC_RECORD_ESTIMATE_KEY, -1);
	write_record(c, SC_RECORD_ACTUAL_KEY, SC_COMMENT_JSON);
	write_record(c, SC_RECORD_ACTUAL_KEY, SC_COMMENT_SACCTMGR);
	free(c);
	return 0;
}
