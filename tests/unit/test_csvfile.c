/* slurm-carbon: tests for forecast/csvfile.c.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/csvfile.h"
#include "base/file.h"
#include "base/units.h"

/* --- sc_csv_split ------------------------------------------------------- */

static int split(const char *in, char sep, int quoted, char **f, int max, char *buf, size_t n,
		 struct sc_err *err)
{
	snprintf(buf, n, "%s", in);
	return sc_csv_split(buf, sep, quoted, f, max, err);
}

static void test_split(void **state)
{
	char buf[256], *f[8];
	struct sc_err err = { "" };

	(void)state;
	assert_int_equal(split("a,b,c", ',', 1, f, 8, buf, sizeof(buf), &err), 3);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "b");
	assert_string_equal(f[2], "c");

	/* Empty line: one empty field; empty fields are kept. */
	assert_int_equal(split("", ',', 1, f, 8, buf, sizeof(buf), &err), 1);
	assert_string_equal(f[0], "");
	assert_int_equal(split(",x,", ',', 1, f, 8, buf, sizeof(buf), &err), 3);
	assert_string_equal(f[0], "");
	assert_string_equal(f[1], "x");
	assert_string_equal(f[2], "");

	/* Quoted fields: the separator, doubled quotes, an empty quoted field. */
	assert_int_equal(split("\"a,b\",\"say \"\"hi\"\"\",\"\",d", ',', 1, f, 8, buf, sizeof(buf), &err), 4);
	assert_string_equal(f[0], "a,b");
	assert_string_equal(f[1], "say \"hi\"");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "d");
	/* A quote inside an unquoted field is an ordinary character; text after
	 * the closing quote is kept. */
	assert_int_equal(split("ab\"c,\"x\"y,z", ',', 1, f, 8, buf, sizeof(buf), &err), 3);
	assert_string_equal(f[0], "ab\"c");
	assert_string_equal(f[1], "xy");
	assert_string_equal(f[2], "z");

	/* A trailing CR is dropped (CRLF files), also after a quoted field. */
	assert_int_equal(split("a,b\r", ',', 1, f, 8, buf, sizeof(buf), &err), 2);
	assert_string_equal(f[1], "b");
	assert_int_equal(split("a,\"b\"\r", ',', 1, f, 8, buf, sizeof(buf), &err), 2);
	assert_string_equal(f[1], "b");

	/* Unterminated quote. */
	assert_int_equal(split("a,\"b,c", ',', 1, f, 8, buf, sizeof(buf), &err), -1);
	assert_contains(err.msg, "field 2: unterminated quoted field");
	assert_int_equal(split("\"abc\"\"", ',', 1, f, 8, buf, sizeof(buf), NULL), -1);

	/* sacct -P: '|' and no quoting. */
	assert_int_equal(split("1234|\"x|y|", '|', 0, f, 8, buf, sizeof(buf), &err), 4);
	assert_string_equal(f[0], "1234");
	assert_string_equal(f[1], "\"x");
	assert_string_equal(f[2], "y");
	assert_string_equal(f[3], "");
	assert_int_equal(split("a,b|c", '|', 0, f, 8, buf, sizeof(buf), &err), 2);
	assert_string_equal(f[0], "a,b");

	/* More fields than max: counted, not stored. */
	f[2] = NULL;
	assert_int_equal(split("1,2,3,4,5", ',', 1, f, 2, buf, sizeof(buf), &err), 5);
	assert_string_equal(f[0], "1");
	assert_string_equal(f[1], "2");
	assert_null(f[2]);
	assert_int_equal(split("1,2,3", ',', 1, NULL, 0, buf, sizeof(buf), &err), 3);
}
/* --- helpers ------------------------------------------------------------ */
/* --- sc_read_line ------------------------------------------------------- */

static FILE *mem(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	return f;
}

static void test_trim(void **state)
{
	char a[] = " \t Carbon Intensity \t\r", b[] = "x", c[] = " \t\r", d[] = "a b";

	(void)state;
	assert_string_equal(sc_csv_trim(a), "Carbon Intensity");
	assert_string_equal(sc_csv_trim(b), "x");
	assert_string_equal(sc_csv_trim(c), "");
	assert_string_equal(sc_csv_trim(d), "a b");
}

/* --- sc_csv_read_intensity ------------------------------------------------ */

static struct sc_series *read_text(const char *text, enum sc_column col, struct sc_err *err)
{
	FILE *f = mem(text, strlen(text));
	struct sc_series *s = sc_csv_read_intensity_stream(f, "DE.csv", col, err);

	fclose(f);
	return s;
}

/* Expects text to fail with exactly the message msg. */
#define assert_read_error(text, want)                                          \
	do {                                                                  \
		struct sc_err e_ = { "" };                                    \
		struct sc_series *s_ = read_text((text), SC_COLUMN_LCA, &e_); \
		if (s_)                                                       \
			fail_msg("expected an error for: %s", (text));        \
		assert_string_equal(e_.msg, (want));                          \
	} while (0)

static void test_contract_format(void **state)
{
	struct sc_err err = { "" };
	struct sc_series *s;

	(void)state;
	s = read_text("Time,Carbon Intensity\n"
		      "2021-01-01 00:00:00,350\n"
		      "2021-01-01T01:00:00Z,351.5\n"
		      "2021-01-01T03:00:00+01:00,352\n"  /* 02:00 UTC */
		      "2021-01-01T03:00:00.5Z, 1e2 \n"
		      "2021-01-01 04:00:00,\n"             /* no value: a gap */
		      "2021-01-01 05:00:00,0\n",
		      SC_COLUMN_LCA, &err);
	assert_non_null(s);
	assert_int_equal(s->n, 5);
	assert_true(s->t[0] == sc_epoch_from_utc(2021, 1, 1, 0, 0, 0));
	assert_true(s->t[2] == sc_epoch_from_utc(2021, 1, 1, 2, 0, 0));
	assert_true(s->t[3] == sc_epoch_from_utc(2021, 1, 1, 3, 0, 0));
	assert_true(s->t[4] == sc_epoch_from_utc(2021, 1, 1, 5, 0, 0));
	assert_true(s->v[1] == 351.5);
	assert_true(s->v[3] == 100);
	assert_true(s->v[4] == 0);
	assert_string_equal(s->source, "DE.csv");
	assert_int_equal(s->signal, SC_SIGNAL_AVERAGE);
	sc_series_destroy(s);

	/* Case-insensitive header, blanks around names, extra columns, quoted
	 * fields, CRLF, a BOM, comment and blank lines. */
	s = read_text("\xEF\xBB\xBF# made by hand\r\n"
		      "\r\n"
		      " time ,\"Carbon Intensity\" ,note\r\n"
		      "# a comment between rows\r\n"
		      "\"2021-06-01 00:00:00\",\"12.5\",\"a, b\"\r\n"
		      "   \r\n"
		      "2021-06-01 00:30:00,13,\r\n",
		      SC_COLUMN_LCA, &err);
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_true(s->v[0] == 12.5);
	assert_true(s->t[1] - s->t[0] == 1800);
	sc_series_destroy(s);

	/* Columns may come in another order. */
	s = read_text("Carbon Intensity,Time\n7,2021-06-01 00:00:00\n", SC_COLUMN_DIRECT, &err);
	assert_non_null(s);
	assert_true(s->v[0] == 7);
	sc_series_destroy(s);
}

static void test_real_files(void **state)
{
	struct sc_err err = { "" };
	struct sc_series *s;
	double sum = 0;
	char want[4096];

	(void)state;
	/* The Electricity Maps export as sites download it (CRLF, gCO₂eq). */
	s = sc_csv_read_intensity(sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"), SC_COLUMN_LCA, &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(s->n, 48);
	assert_true(s->t[0] == sc_epoch_from_utc(2021, 1, 1, 0, 0, 0));
	assert_true(s->t[47] == sc_epoch_from_utc(2021, 1, 2, 23, 0, 0));
	assert_true(s->v[0] == 533.4);
	assert_true(s->v[47] == 481.81);
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	assert_near(sum, 26115.38, 1e-6);
	assert_true(sc_series_step(s) == 3600);
	snprintf(want, sizeof(want), "file:%s", sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	assert_string_equal(s->source, want);
	sc_series_destroy(s);

	s = sc_csv_read_intensity(sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"), SC_COLUMN_DIRECT, &err);
	assert_non_null(s);
	assert_true(s->v[0] == 455.04);
	sum = 0;
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	assert_near(sum, 22344.97, 1e-6);
	sc_series_destroy(s);

	/* The contract's format from the UK national API (30-minute, CRLF). */
	s = sc_csv_read_intensity(sc_test_path("tests/data/intensity/ukci-national-2023-03-13.csv"), SC_COLUMN_LCA, &err);
	if (!s)
		fail_msg("%s", err.msg);
	assert_int_equal(s->n, 24);
	assert_true(s->t[0] == sc_epoch_from_utc(2023, 3, 13, 3, 0, 0));
	assert_true(sc_series_step(s) == 1800);
	assert_true(s->v[0] == 64);
	sum = 0;
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	assert_near(sum, 1366, 1e-9);
	sc_series_destroy(s);

	assert_null(sc_csv_read_intensity("/nonexistent/DE.csv", SC_COLUMN_LCA, &err));
	assert_string_equal(err.msg, "cannot read intensity CSV /nonexistent/DE.csv: No such file or directory");
}

static void test_em_export(void **state)
{
	static const char hdr[] =
		"Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO\xE2\x82\x82" "eq/kWh (direct),"
		"Carbon Intensity gCO\xE2\x82\x82" "eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,"
		"Data Source,Data Estimated,Data Estimation Method\n";
	char text[2048];
	struct sc_err err = { "" };
	struct sc_series *s;

	(void)state;
	snprintf(text, sizeof(text), "%s%s", hdr,
		 "2021-01-01 00:00:00,Germany,Germany,DE,455.04,533.4,49.34,28.95,entsoe.eu,false,\n"
		 "2021-01-01 01:00:00,Germany,Germany,DE,,,,,,true,\n"
		 "2021-01-01 02:00:00,Germany,Germany,DE,471.3,550.78,48.0,27.05,entsoe.eu,true,\"estimated, TSO\"\n");
	s = read_text(text, SC_COLUMN_LCA, &err);
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_true(s->v[0] == 533.4);
	assert_true(s->v[1] == 550.78);
	assert_true(s->t[1] - s->t[0] == 7200);
	sc_series_destroy(s);
	s = read_text(text, SC_COLUMN_DIRECT, &err);
	assert_non_null(s);
	assert_true(s->v[0] == 455.04);
	sc_series_destroy(s);

	/* A header spelled with plain "CO2" (re-saved by a spreadsheet) works. */
	s = read_text("Datetime (UTC),Carbon Intensity gCO2eq/kWh (direct),Carbon Intensity gCO2eq/kWh (LCA)\n"
		      "2021-01-01T00:00:00Z,1,2\n",
		      SC_COLUMN_LCA, &err);
	assert_non_null(s);
	assert_true(s->v[0] == 2);
	sc_series_destroy(s);

	/* Without the wanted column. */
	assert_read_error("Datetime (UTC),Carbon Intensity gCO2eq/kWh (direct)\n2021-01-01 00:00:00,1\n",
			  "DE.csv:1: Electricity Maps export without the column 'Carbon Intensity gCO2eq/kWh (LCA)': "
			  "expected it in the header (Column=LCA reads it)");
	s = read_text("Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)\n2021-01-01 00:00:00,1\n",
		      SC_COLUMN_DIRECT, &err);
	assert_null(s);
	assert_string_equal(err.msg,
			    "DE.csv:1: Electricity Maps export without the column 'Carbon Intensity gCO2eq/kWh (direct)': "
			    "expected it in the header (Column=direct reads it)");
}

#define HEADER_ACCEPTED                                                                        \
	"expected the header `Time,Carbon Intensity` or an Electricity Maps export "          \
	"(`Datetime (UTC),...,Carbon Intensity gCO2eq/kWh (direct),Carbon Intensity gCO2eq/kWh (LCA),...`)"
#define TIME_ACCEPTED                                                                     \
	"expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601 with Z or an offset "            \
	"(2021-01-01T00:00:00Z, 2021-01-01T01:00:00+01:00)"

static void test_errors(void **state)
{
	(void)state;
	/* Header problems. */
	assert_read_error("", "DE.csv: empty file (no header line): " HEADER_ACCEPTED);
	assert_read_error("# only a comment\n\n\r\n", "DE.csv: empty file (no header line): " HEADER_ACCEPTED);
	assert_read_error("\xEF\xBB\xBF", "DE.csv: empty file (no header line): " HEADER_ACCEPTED);
	assert_read_error("2021-01-01 00:00:00,350\n",
			  "DE.csv:1: missing header line (the file starts with data): " HEADER_ACCEPTED);
	assert_read_error("# comment\nfoo,bar\n2021-01-01 00:00:00,350\n", "DE.csv:2: unknown header: " HEADER_ACCEPTED);
	assert_read_error("Time,Intensity\n", "DE.csv:1: header without a 'Carbon Intensity' column: " HEADER_ACCEPTED);
	assert_read_error("When,Carbon Intensity\n", "DE.csv:1: header without a 'Time' column: " HEADER_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n", "DE.csv:1: no data after the header: expected rows such as `2021-01-01 00:00:00,350`");
	assert_read_error("\n#x\nTime,Carbon Intensity\n2021-01-01 00:00:00,\n",
			  "DE.csv:3: no data after the header: expected rows such as `2021-01-01 00:00:00,350`");
	assert_read_error("Time,\"Carbon Intensity\n",
			  "DE.csv:1: field 2: unterminated quoted field (a field that starts with '\"' must end with '\"'; "
			  "a quote inside it is written '\"\"')");

	/* Times. */
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,1\n2021-13-01 00:00:00,2\n",
			  "DE.csv:3: invalid time '2021-13-01 00:00:00': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n2021-02-29 00:00:00,1\n",
			  "DE.csv:2: invalid time '2021-02-29 00:00:00': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n01/02/2021 10:00,1\n",
			  "DE.csv:2: invalid time '01/02/2021 10:00': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\nnow+1h,1\n", "DE.csv:2: invalid time 'now+1h': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n,1\n", "DE.csv:2: invalid time '': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n2021-01-01T00:00:00+05:00x,1\n",
			  "DE.csv:2: invalid time '2021-01-01T00:00:00+05:00x': " TIME_ACCEPTED);
	assert_read_error("Time,Carbon Intensity\n1970-01-01T00:30:00+01:00,1\n",
			  "DE.csv:2: time '1970-01-01T00:30:00+01:00' is 1969-12-31T23:30:00Z, before 1970: expected a time "
			  "from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 01:00:00,1\n# x\n2021-01-01 00:00:00,2\n",
			  "DE.csv:4: time 2021-01-01T00:00:00Z is not after 2021-01-01T01:00:00Z (line 2): "
			  "expected rows in strictly increasing time order");
	/* Equal times, also written differently, and after a row without a value. */
	assert_read_error("Time,Carbon Intensity\n2021-01-01 01:00:00,\n2021-01-01T02:00:00+01:00,2\n",
			  "DE.csv:3: time 2021-01-01T01:00:00Z is not after 2021-01-01T01:00:00Z (line 2): "
			  "expected rows in strictly increasing time order");

	/* Values. */
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,abc\n",
			  "DE.csv:2: invalid carbon intensity 'abc': expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,NaN\n",
			  "DE.csv:2: invalid carbon intensity 'NaN': expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,inf\n",
			  "DE.csv:2: invalid carbon intensity 'inf': expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,-1\n",
			  "DE.csv:2: carbon intensity '-1' is out of range: expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\r\n2021-01-01 00:00:00,3000.5\r\n",
			  "DE.csv:2: carbon intensity '3000.5' is out of range: expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,1e999\n",
			  "DE.csv:2: carbon intensity '1e999' is out of range: expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,0x10\n",
			  "DE.csv:2: invalid carbon intensity '0x10': expected a number from 0 to 3000 gCO2e/kWh");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,null\n",
			  "DE.csv:2: invalid carbon intensity 'null': expected a number from 0 to 3000 gCO2e/kWh");

	/* Row shape. */
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,350,5\n",
			  "DE.csv:2: 3 fields, but the header (line 1) has 2: expected one value per column "
			  "(a decimal comma? write 350.5, not 350,5)");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00\n",
			  "DE.csv:2: 1 field, but the header (line 1) has 2: expected one value per column "
			  "(a decimal comma? write 350.5, not 350,5)");
	assert_read_error("Time,Carbon Intensity\n2021-01-01 00:00:00,\"350\n",
			  "DE.csv:2: field 2: unterminated quoted field (a field that starts with '\"' must end with '\"'; "
			  "a quote inside it is written '\"\"')");
}

static void test_error_binary(void **state)
{
	static const char nul[] = "Time,Carbon Intensity\n2021-01-01 00:00:00,3\0 50\n";
	struct sc_err err = { "" };
	struct sc_series *s;
	char *big;
	size_t n = (1u << 20) + 10;
	FILE *f;

	(void)state;
	f = mem(nul, sizeof(nul) - 1);
	s = sc_csv_read_intensity_stream(f, "x.csv", SC_COLUMN_LCA, &err);
	fclose(f);
	assert_null(s);
	assert_string_equal(err.msg, "x.csv:2: NUL byte in the line: expected a text file");

	/* A line over 1 MiB. */
	big = malloc(n + 40);
	assert_non_null(big);
	memcpy(big, "Time,Carbon Intensity\n", 22);
	memset(big + 22, '1', n);
	f = mem(big, n + 22);
	s = sc_csv_read_intensity_stream(f, "x.csv", SC_COLUMN_LCA, &err);
	fclose(f);
	free(big);
	assert_null(s);
	assert_string_equal(err.msg, "x.csv:2: line 2 is longer than 1048576 bytes: expected a CSV line");

	/* Too many columns to be an intensity file. */
	big = malloc(1000);
	assert_non_null(big);
	big[0] = '\0';
	strcat(big, "Time,Carbon Intensity");
	for (int i = 0; i < 70; i++)
		strcat(big, ",x");
	strcat(big, "\n");
	f = mem(big, strlen(big));
	s = sc_csv_read_intensity_stream(f, "x.csv", SC_COLUMN_LCA, &err);
	fclose(f);
	free(big);
	assert_null(s);
	assert_string_equal(err.msg, "x.csv:1: 72 fields: expected at most 64");
}

/* issue 14: a FIFO, a device and an endless line neither block nor spin;
 * a file over SC_CSV_MAX_BYTES is refused; names and rows are quoted
 * printable. alarm turns a hang into a failure. */
static void test_hostile_files(void **state)
{
	char dir[] = "/tmp/sc-csv-XXXXXX", path[64];
	struct sc_err err = { "" };
	FILE *f;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	alarm(10);
	snprintf(path, sizeof(path), "%s/fifo.csv", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(sc_csv_read_intensity(path, SC_COLUMN_LCA, &err));
	assert_contains(err.msg, "intensity CSV ");
	assert_contains(err.msg, "fifo.csv is a FIFO, not a regular file: expected a regular file");
	unlink(path);
	assert_null(sc_csv_read_intensity("/dev/zero", SC_COLUMN_LCA, &err));
	assert_string_equal(err.msg, "intensity CSV /dev/zero is a character device, not a regular file: "
				     "expected a regular file");
	/* an endless line on a stream: stops after the limit and the skip */
	f = fopen("/dev/zero", "r");
	assert_non_null(f);
	assert_null(sc_csv_read_intensity_stream(f, "zero", SC_COLUMN_LCA, &err));
	assert_string_equal(err.msg, "zero:1: line 1 is longer than 1048576 bytes: expected a CSV line");
	assert_true(ftell(f) <= (long)(SC_LINE_MAX + SC_LINE_SKIP_MAX + 1));
	fclose(f);
	alarm(0);
	/* over the size cap (a sparse file: no time spent writing it) */
	snprintf(path, sizeof(path), "%s/big.csv", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SC_CSV_MAX_BYTES + 1), 0);
	close(fd);
	assert_null(sc_csv_read_intensity(path, SC_COLUMN_LCA, &err));
	assert_contains(err.msg, "big.csv has 67108865 bytes: expected at most 67108864 (64 MiB)");
	unlink(path);
	/* control bytes in a name and a row are escaped */
	f = mem("Time,Carbon Intensity\n2021-01-01 00:00:00\x1b[2J,5\n", 47);
	assert_null(sc_csv_read_intensity_stream(f, "a\bb.csv", SC_COLUMN_LCA, &err));
	fclose(f);
	assert_contains(err.msg, "a\\x08b.csv:2: invalid time '2021-01-01 00:00:00\\x1b[2J'");
	assert_null(strchr(err.msg, 0x1b));
	rmdir(dir);
}

static void test_round_trip(void **state)
{
	struct sc_series *s = sc_series_create(), *back;
	struct sc_err err = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(s);
	/* Awkward values (0.1, thirds, 2999.999...), irregular steps. */
	assert_int_equal(sc_series_append(s, sc_epoch_from_utc(2021, 1, 1, 0, 0, 0), 0.1, &err), 0);
	assert_int_equal(sc_series_append(s, sc_epoch_from_utc(2021, 1, 1, 0, 15, 0), 1.0 / 3.0, &err), 0);
	assert_int_equal(sc_series_append(s, sc_epoch_from_utc(2021, 1, 1, 0, 45, 0), 2999.9999999999995, &err), 0);
	assert_int_equal(sc_series_append(s, sc_epoch_from_utc(2021, 1, 1, 9, 0, 7), 0, &err), 0);
	assert_int_equal(sc_series_append(s, sc_epoch_from_utc(2024, 2, 29, 23, 59, 59), 533.4, &err), 0);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(sc_csv_write_intensity(f, s, &err), 0);
	fclose(f);
	assert_string_equal(text, "Time,Carbon Intensity\n"
				  "2021-01-01T00:00:00Z,0.1\n"
				  "2021-01-01T00:15:00Z,0.33333333333333331\n"
				  "2021-01-01T00:45:00Z,2999.9999999999995\n"
				  "2021-01-01T09:00:07Z,0\n"
				  "2024-02-29T23:59:59Z,533.4\n");
	back = read_text(text, SC_COLUMN_LCA, &err);
	assert_non_null(back);
	assert_int_equal(back->n, s->n);
	for (size_t i = 0; i < s->n; i++) {
		assert_true(back->t[i] == s->t[i]);
		assert_true(back->v[i] == s->v[i]);
	}
	sc_series_destroy(back);
	free(text);

	/* A stream that cannot be written. */
	f = fopen("/dev/full", "w");
	if (f) {
		assert_int_equal(sc_csv_write_intensity(f, s, &err), -1);
		assert_contains(err.msg, "cannot write the intensity CSV");
		fclose(f);
	}
	sc_series_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_contract_format),
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_em_export),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_binary),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
