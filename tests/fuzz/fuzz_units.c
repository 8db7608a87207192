/* slurm-carbon: libFuzzer target for base/units' parsers: carbon amounts,
 * durations, times (absolute and relative), numbers, percentages, memory
 * sizes, GPU specs and TRES strings' GPUs. The first byte picks the parser, the rest is its
 * text. Asserts each parser's contract: on success the value is within
 * the documented range and what the formatter writes reads back (exactly
 * for durations and times, to three significant digits for carbon); on
 * failure a printable message, and the output untouched.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "tests/fuzz/fuzz_util.h"

#define NOW 1764417600 /* 2025-11-29T12:00:00Z */
#define SENTINEL 0x5a5a5a5a

static void carbon(const char *s)
{
	struct sc_err err = { "" };
	double g = SENTINEL, back;
	char buf[64];

	if (sc_parse_carbon(s, &g, &err) < 0) {
		fuzz_check_err(&err);
		if (g != SENTINEL)
			abort();
		return;
	}
	if (!isfinite(g) || g < 0 || g > SC_CARBON_MAX_G)
		abort();
	/* "1.23 kgCO2e" reads back to within its three significant digits */
	sc_format_carbon(g, buf, sizeof(buf));
	if (sc_parse_carbon(buf, &back, &err) < 0)
		abort();
	if (fabs(back - g) > 0.006 * g + 0.01)
		abort();
}

static void duration(const char *s, unsigned flags)
{
	struct sc_err err = { "" };
	int64_t d = SENTINEL, back;
	char buf[64];

	if (sc_parse_duration(s, flags, &d, &err) < 0) {
		fuzz_check_err(&err);
		if (d != SENTINEL)
			abort();
		return;
	}
	if (d == SC_DURATION_UNLIMITED) {
		if (!(flags & SC_DUR_ALLOW_UNLIMITED))
			abort();
	} else if (d < 0 || d > 365LL * 86400) {
		abort();
	}
	sc_format_duration(d, buf, sizeof(buf));
	if (sc_parse_duration(buf, flags, &back, &err) < 0 || back != d)
		abort();
}

static void time_(const char *s, int absolute)
{
	struct sc_err err = { "" };
	int64_t t = SENTINEL, back;
	char buf[64];
	int rc = absolute ? sc_parse_abs_time(s, &t, &err) : sc_parse_time(s, NOW, &t, &err);

	if (rc < 0) {
		fuzz_check_err(&err);
		if (t != SENTINEL || rc < -2)
			abort();
		return;
	}
	if (rc != 0 || t < SC_TIME_MIN || t > SC_TIME_MAX)
		abort();
	if (!absolute && (t < NOW - 101LL * 366 * 86400 || t > NOW + 101LL * 366 * 86400) &&
	    s[strspn(s, " \t\n\v\f\r")] == 'n')
		abort(); /* relative: at most 100 years from now */
	sc_format_time(t, buf, sizeof(buf));
	if (sc_parse_abs_time(buf, &back, &err) != 0 || back != t)
		abort();
}

static void number(const char *s)
{
	struct sc_err err = { "" };
	double x = SENTINEL;

	if (sc_parse_number(s, -5, 1e6, "x", &x, &err) < 0) {
		fuzz_check_err(&err);
		if (x != SENTINEL)
			abort();
		return;
	}
	if (!isfinite(x) || x < -5 || x > 1e6)
		abort();
	x = SENTINEL;
	if (sc_parse_percent(s, 0, 100, &x, &err) == 0 && !(x >= 0 && x <= 100))
		abort();
	if (x == SENTINEL)
		fuzz_check_err(&err);
}

static void memory(const char *s)
{
	struct sc_err err = { "" };
	uint64_t mb = SENTINEL;

	if (sc_parse_mem_mb(s, &mb, &err) < 0) {
		fuzz_check_err(&err);
		if (mb != SENTINEL)
			abort();
		return;
	}
	if (mb > (1ULL << 40))
		abort();
}

static void gpus(const char *s)
{
	struct sc_err err = { "" };
	uint64_t g = SENTINEL;

	if (sc_parse_gpus(s, &g, &err) < 0) {
		fuzz_check_err(&err);
		if (g != SENTINEL)
			abort();
		return;
	}
	if (g > 1000000)
		abort();
}

/* A TRES string's GPUs: the count of its first field that is gres/gpu=N
 * (strtoull's reading of N), else 0; a refusal leaves 0 and is only for
 * such a field. */
static void tres_gpus(const char *s)
{
	static const char key[] = "gres/gpu=";
	struct sc_err err = { "" };
	uint32_t g = SENTINEL;
	const char *want = NULL;

	for (const char *p = s; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, key, sizeof(key) - 1) == 0) {
			want = p + sizeof(key) - 1;
			break;
		}
	if (sc_parse_tres_gpus(s, &g, &err) < 0) {
		fuzz_check_err(&err);
		if (!want || g != 0)
			abort();
		return;
	}
	if (want ? strtoull(want, NULL, 10) != g : g != 0)
		abort();
}

static void boolean(const char *s)
{
	struct sc_err err = { "" };
	int b = 7;

	if (sc_parse_bool(s, &b, &err) < 0) {
		fuzz_check_err(&err);
		if (b != 7)
			abort();
	} else if (b != 0 && b != 1) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (!size)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 9) {
	case 0: carbon(s); break;
	case 1: duration(s, 0); break;
	case 2: duration(s, SC_DUR_ALLOW_UNLIMITED); break;
	case 3: time_(s, 0); break;
	case 4: time_(s, 1); break;
	case 5: number(s); break;
	case 6: memory(s); break;
	case 7: gpus(s); tres_gpus(s); break;
	default: boolean(s); break;
	}
	free(s);
	return 0;
}
