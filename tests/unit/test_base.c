/* slurm-carbon: tests of base/ — growing arrays, reading lines and the JSON encoding (errors and units
 * have test_units.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <stdint.h>

#include "base/error.h"
#include "base/file.h"
#include "base/grow.h"
#include "base/json.h"

static void test_grow_cap(void **state)
{
	(void)state;
	assert_int_equal(sc_grow_cap(0, 1, 8), 16);
	assert_int_equal(sc_grow_cap(16, 16, 8), 16);
	assert_int_equal(sc_grow_cap(16, 17, 8), 32);
	assert_int_equal(sc_grow_cap(16, 1000, 1), 1024);
	/* Overflow of need × elem: refused. */
	assert_int_equal(sc_grow_cap(0, SIZE_MAX / 4 + 1, 8), 0);
	assert_int_equal(sc_grow_cap(0, 1, 0), 0);
	/* Doubling past what fits: exactly what is needed. */
	assert_int_equal(sc_grow_cap(SIZE_MAX / 8 - 10, SIZE_MAX / 8 - 9, 8), SIZE_MAX / 8 - 9);
}

static void test_grow(void **state)
{
	int *v = NULL;
	size_t cap = 0, n = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(SC_GROW(v, cap, n + 1), 0);
		v[n++] = i;
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	/* Already big enough: nothing changes. */
	{
		int *before = v;
		assert_int_equal(SC_GROW(v, cap, 10), 0);
		assert_ptr_equal(v, before);
	}
	/* A size that cannot be: -1, the array and its capacity untouched. */
	assert_int_equal(SC_GROW(v, cap, SIZE_MAX / 2), -1);
	assert_int_equal(cap, 1024);
	assert_int_equal(v[999], 999);
	free(v);
}

/* issue 14: control bytes and invalid UTF-8 are escaped, valid UTF-8 kept,
 * and the output is bounded, with whole escapes only. */
static void test_printable(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(SC_PRINTABLE("DE"), "DE");
	assert_string_equal(SC_PRINTABLE(NULL), "");
	assert_string_equal(SC_PRINTABLE("1\x1b[2J\a"), "1\\x1b[2J\\x07");
	assert_string_equal(SC_PRINTABLE("a\\b"), "a\\\\b");
	assert_string_equal(SC_PRINTABLE("caf\xc3\xa9 \xe2\x82\x82"), "caf\xc3\xa9 \xe2\x82\x82");
	assert_string_equal(SC_PRINTABLE("g\xff\xc3"), "g\\xff\\xc3");          /* invalid, cut */
	assert_string_equal(SC_PRINTABLE("\xc0\xaf"), "\\xc0\\xaf");            /* overlong '/' */
	assert_string_equal(SC_PRINTABLE("\xed\xa0\x80"), "\\xed\\xa0\\x80"); /* a surrogate */
	assert_string_equal(SC_PRINTABLE("\x7f"), "\\x7f");
	assert_string_equal(SC_PRINTABLE_N("ab\ncd", 3), "ab\\x0a");
	/* bounded: 15 bytes and the NUL, dots when cut, no half escape */
	assert_string_equal(sc_printable(b, sizeof(b), "0123456789abcdefghij"), "0123456789ab...");
	assert_string_equal(sc_printable(b, sizeof(b), "0123456789\x01\x02"), "0123456789...");
	assert_string_equal(sc_printable(b, sizeof(b), "0123456789\x01"), "0123456789\\x01");
	assert_string_equal(sc_printable(b, 3, "abc"), "ab");
	assert_string_equal(sc_printable(b, 1, "abc"), "");
	/* C1 controls (U+0085 "next line", U+009B CSI) and U+2028/U+2029, valid UTF-8 that
	 * terminals and line-oriented tools take as controls or line ends, are escaped. */
	assert_string_equal(SC_PRINTABLE("a\xc2\x85" "b\xc2\x9b" "2J"), "a\\xc2\\x85b\\xc2\\x9b2J");
	assert_string_equal(SC_PRINTABLE("x\xe2\x80\xa8y\xe2\x80\xa9"), "x\\xe2\\x80\\xa8y\\xe2\\x80\\xa9");
	assert_string_equal(SC_PRINTABLE("\xc2\xa0\xe2\x80\xa7"), "\xc2\xa0\xe2\x80\xa7"); /* neighbours kept */
	assert_string_equal(sc_printable(b, sizeof(b), "0123456789\xc2\x85"), "0123456789...");
}

static void test_utf8_trim(void **state)
{
	char s[32];
	struct sc_err err;

	(void)state;
	assert_null(sc_utf8_trim(NULL));
	strcpy(s, "caf\xc3");          /* cut inside é */
	assert_string_equal(sc_utf8_trim(s), "caf");
	strcpy(s, "caf\xc3\xa9");      /* whole */
	assert_string_equal(sc_utf8_trim(s), "caf\xc3\xa9");
	strcpy(s, "x\xe2\x82");         /* 2 of 3 bytes of ₂ */
	assert_string_equal(sc_utf8_trim(s), "x");
	strcpy(s, "x\xf0\x9f\x98");     /* 3 of 4 bytes of an emoji */
	assert_string_equal(sc_utf8_trim(s), "x");
	strcpy(s, "x\xf0\x9f\x98\x80"); /* whole */
	assert_string_equal(sc_utf8_trim(s), "x\xf0\x9f\x98\x80");
	strcpy(s, "ab\x80");            /* a stray continuation byte is no cut sequence */
	assert_string_equal(sc_utf8_trim(s), "ab\x80");
	strcpy(s, "");
	assert_string_equal(sc_utf8_trim(s), "");
	/* sc_err_set cuts a long message at a character boundary */
	{
		char big[SC_ERR_MAX + 8];

		memset(big, 'a', SC_ERR_MAX - 2);
		strcpy(big + SC_ERR_MAX - 2, "\xc3\xa9\xc3\xa9");
		sc_err_set(&err, "%s", big);
		assert_int_equal(strlen(err.msg), SC_ERR_MAX - 2);
		sc_err_set(&err, "%s", big + 1); /* one byte shorter: the first é fits whole */
		assert_int_equal(strlen(err.msg), SC_ERR_MAX - 1);
		assert_memory_equal(err.msg + SC_ERR_MAX - 3, "\xc3\xa9", 2);
	}
}

static FILE *mem(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	return f;
}

static void test_read_line(void **state)
{
	static const char text[] = "one\n\nthree\r\nlast";
	char *buf = NULL, *big;
	size_t cap = 0, n = 300000;
	FILE *f;

	(void)state;
	f = mem(text, sizeof(text) - 1);
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), 3);
	assert_string_equal(buf, "one");
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), 6);
	assert_string_equal(buf, "three\r");
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), 4);
	assert_string_equal(buf, "last");
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), -1);
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), -1);
	fclose(f);
	free(buf);

	/* An empty first line gives a valid string even with no buffer yet. */
	buf = NULL;
	cap = 0;
	f = mem("\nx", 2);
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), 0);
	assert_non_null(buf);
	assert_string_equal(buf, "");
	fclose(f);
	free(buf);

	/* Any length (here 300,000 bytes), and a cap: longer is -2 and the
	 * rest of the line is skipped. */
	big = malloc(2 * n + 4);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\n';
	memset(big + n + 1, 'y', n);
	big[2 * n + 1] = '\n';
	memcpy(big + 2 * n + 2, "z\n", 2);
	buf = NULL;
	cap = 0;
	f = mem(big, 2 * n + 4);
	assert_int_equal(sc_read_line(f, &buf, &cap, 0), (long)n);
	assert_int_equal(strlen(buf), n);
	assert_int_equal(sc_read_line(f, &buf, &cap, 1000), -2);
	assert_int_equal(sc_read_line(f, &buf, &cap, 1000), 1);
	assert_string_equal(buf, "z");
	fclose(f);
	/* Exactly max_len is fine. */
	f = mem("abcd\nabcde\n", 11);
	assert_int_equal(sc_read_line(f, &buf, &cap, 4), 4);
	assert_int_equal(sc_read_line(f, &buf, &cap, 4), -2);
	assert_int_equal(sc_read_line(f, &buf, &cap, 4), -1);
	fclose(f);
	free(buf);
	free(big);
}

/* A message cut at SC_ERR_MAX (or a diagnostic) never ends in half a UTF-8
 * character: what it quotes stays valid UTF-8 (found by fuzzing). */
static void test_err_cut_utf8(void **state)
{
	char text[SC_ERR_MAX * 2];
	struct sc_err err;
	struct sc_diag d = { 0 };

	(void)state;
	/* "x" then "é" (2 bytes) repeated: with a 1-byte shift every cut lands inside one */
	for (int shift = 0; shift < 4; shift++) {
		size_t n = 0;
		for (int i = 0; i < shift; i++)
			text[n++] = 'x';
		while (n + 3 < sizeof(text)) {
			memcpy(text + n, shift & 1 ? "\xe2\x82\xac" : "\xc3\xa9", shift & 1 ? 3 : 2);
			n += shift & 1 ? 3 : 2;
		}
		text[n] = '\0';
		sc_err_set(&err, "%s", text);
		assert_true(sc_test_printable(err.msg));
		assert_true(strlen(err.msg) >= SC_ERR_MAX - 4);
		sc_err_set(&err, "%s", text);
		sc_err_prefix(&err, "%s", text);
		assert_true(sc_test_printable(err.msg));
		sc_diag_add(&d, "%s", text);
		assert_true(sc_test_printable(d.msgs[d.n - 1]));
	}
	sc_diag_free(&d);
	sc_err_set(&err, "caf\xc3\xa9");
	assert_string_equal(err.msg, "caf\xc3\xa9");
}

static void test_json_dumps(void **state)
{
	json_t *j = json_pack("{s:f, s:s, s:[i, b]}", "kwh", 1.0 / 3.0, "zone", "DE", "a", 7, 1);
	char *s;

	(void)state;
	assert_non_null(j);
	s = sc_json_dumps(j);
	/* Compact, insertion order, 12 significant digits. */
	assert_string_equal(s, "{\"kwh\":0.333333333333,\"zone\":\"DE\",\"a\":[7,true]}");
	free(s);
	json_decref(j);
}

static void test_json_text(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\xb1", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\xb1" },
		{ "gpu\xff", "gpu\xef\xbf\xbd" },                 /* not UTF-8 at all */
		{ "cut \xc3", "cut \xef\xbf\xbd" },               /* a sequence cut short at the end */
		{ "\xe2\x82x", "\xef\xbf\xbd\xef\xbf\xbdx" },    /* ... and in the middle */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },      /* an overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* a surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* > U+10FFFF */
		{ "tab\tesc\x1b", "tab\tesc\x1b" },               /* control bytes: JSON escapes them */
	};
	char cut[192 + 1];
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		j = sc_json_text(cases[i].in);
		assert_non_null(j);
		assert_string_equal(json_string_value(j), cases[i].out);
		json_decref(j);
	}
	j = sc_json_text(NULL);
	assert_string_equal(json_string_value(j), "");
	json_decref(j);
	/* A reason cut mid-character by a fixed-size buffer, as snprintf leaves it: the record
	 * is still written (it used to be lost as "out of memory"). */
	memset(cut, 0, sizeof(cut));
	for (size_t i = 0; i + 2 <= 190; i += 2)
		memcpy(cut + i, "\xc3\xa9", 2);
	cut[190] = '\xc3'; /* the first byte of a 96th 'é' */
	j = json_pack("{s:o}", "reason", sc_json_text(cut));
	assert_non_null(j);
	{
		char *text = sc_json_dumps(j);
		assert_non_null(text);
		assert_contains(text, "\xc3\xa9\xef\xbf\xbd\"}");
		free(text);
	}
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_cap),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_read_line),
		cmocka_unit_test(test_json_dumps),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_utf8_trim),
		cmocka_unit_test(test_err_cut_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
