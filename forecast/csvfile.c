/* slurm-carbon: intensity CSV files and a small CSV reader.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forecast/csvfile.h"
#include "base/file.h"
#include "policy/grid.h"
#include "base/grow.h"
#include "base/units.h"

#define MAX_FIELDS 64

static const char time_accepted[] =
	"expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601 with Z or an offset "
	"(2021-01-01T00:00:00Z, 2021-01-01T01:00:00+01:00)";
static const char header_accepted[] =
	"expected the header `Time,Carbon Intensity` or an Electricity Maps export "
	"(`Datetime (UTC),...,Carbon Intensity gCO2eq/kWh (direct),Carbon Intensity gCO2eq/kWh (LCA),...`)";

int sc_csv_split(char *line, char sep, int quoted, char **fields, int max, struct sc_err *err)
{
	size_t len = strlen(line);
	char *p = line;
	int count = 0;

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	for (;;) {
		char *start = p, *w = p;

		if (quoted && *p == '"') {
			/* Unescape in place: w never overtakes p. */
			p++;
			for (;;) {
				if (!*p)
					return sc_err_set(err, "field %d: unterminated quoted field "
						"(a field that starts with '\"' must end with '\"'; a quote inside it is written '\"\"')",
						count + 1);
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				*w++ = *p++;
			}
			p++;
			/* Text after the closing quote is kept, as most readers do. */
			while (*p && *p != sep)
				*w++ = *p++;
		} else {
			while (*p && *p != sep)
				p++;
			w = p;
		}
		if (count < max)
			fields[count] = start;
		count++;
		if (!*p) {
			*w = '\0';
			break;
		}
		p++;
		*w = '\0';
	}
	return count;
}

char *sc_csv_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Finds the time and value columns in a header. Returns 0, or -1 with err
 * (without the file:line prefix). */
static int parse_header(char **f, int nf, enum sc_column column, int *tcol, int *vcol,
			struct sc_err *err)
{
	*tcol = *vcol = -1;
	if (nf >= 1 && strncasecmp(f[0], "Datetime (UTC)", 14) == 0) {
		/* The export's header spells gCO₂eq with a UTF-8 subscript
		 * two; match on what is plain ASCII: the prefix and the suffix. */
		const char *want = column == SC_COLUMN_DIRECT ? "(direct)" : "(LCA)";

		*tcol = 0;
		for (int i = 1; i < nf; i++)
			if (strncasecmp(f[i], "Carbon Intensity", 16) == 0 && ends_with_ci(f[i], want)) {
				*vcol = i;
				break;
			}
		if (*vcol < 0)
			return sc_err_set(err, "Electricity Maps export without the column "
					  "'Carbon Intensity gCO2eq/kWh %s': expected it in the header "
					  "(Column=%s reads it)", want,
					  column == SC_COLUMN_DIRECT ? "direct" : "LCA");
		return 0;
	}
	for (int i = 0; i < nf; i++) {
		if (strcasecmp(f[i], "Time") == 0 && *tcol < 0)
			*tcol = i;
		else if (strcasecmp(f[i], "Carbon Intensity") == 0 && *vcol < 0)
			*vcol = i;
	}
	if (*tcol >= 0 && *vcol >= 0)
		return 0;
	if (*tcol >= 0 || *vcol >= 0)
		return sc_err_set(err, "header without a '%s' column: %s",
				  *tcol < 0 ? "Time" : "Carbon Intensity", header_accepted);
	if (nf >= 1 && isdigit((unsigned char)f[0][0]))
		return sc_err_set(err, "missing header line (the file starts with data): %s",
				  header_accepted);
	return sc_err_set(err, "unknown header: %s", header_accepted);
}

/* What sc_read_line gave for line lineno of an intensity CSV (len, buf),
 * with total the bytes read so far: 0, or -1 with err. */
static int check_line(const char *buf, long len, uintmax_t *total, const char *pname, long lineno,
		      struct sc_err *err)
{
	if (len == -2)
		return sc_err_set(err, "%s:%ld: line %ld is longer than %zu bytes: expected a CSV line", pname, lineno,
				  lineno, SC_LINE_MAX);
	if (len < 0)
		return sc_err_set(err, "%s:%ld: out of memory", pname, lineno);
	if ((*total += (uintmax_t)len + 1) > (uintmax_t)SC_CSV_MAX_BYTES)
		return sc_err_set(err, "%s:%ld: more than %lld bytes: expected an intensity CSV of at most %lld MiB "
				  "(a year of 5-minute points is some 3 MB)",
				  pname, lineno, (long long)SC_CSV_MAX_BYTES, (long long)(SC_CSV_MAX_BYTES >> 20));
	if (strlen(buf) != (size_t)len)
		return sc_err_set(err, "%s:%ld: NUL byte in the line: expected a text file", pname, lineno);
	return 0;
}

struct sc_series *sc_csv_read_intensity_stream(FILE *f, const char *name, enum sc_column column,
					       struct sc_err *err)
{
	struct sc_series *s = NULL;
	char *buf = NULL, *fields[MAX_FIELDS];
	size_t cap = 0;
	uintmax_t total = 0;
	long len, lineno = 0, header_line = 0, prev_line = 0;
	int nf, header_nf = 0, tcol = -1, vcol = -1, rc;
	int64_t prev_t = 0;
	struct sc_err e;
	char a[32], b[32], pname[SC_PRINTABLE_MAX];

	if (!name)
		name = "intensity CSV";
	sc_printable(pname, sizeof(pname), name);
	s = sc_series_create();
	if (!s) {
		sc_err_set(err, "%s: out of memory", pname);
		goto error;
	}
	while ((len = sc_read_line(f, &buf, &cap, 0)) != -1) {
		char *line, *tstr, *vstr;
		int64_t t;
		double v;

		lineno++;
		if (check_line(buf, len, &total, pname, lineno, err) < 0)
			goto error;
		line = buf;
		if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
			line += 3; /* a UTF-8 byte order mark */
		if (line[0] == '#' || !*sc_csv_trim(line))
			continue;
		sc_err_clear(&e);
		nf = sc_csv_split(line, ',', 1, fields, MAX_FIELDS, &e);
		if (nf < 0) {
			sc_err_set(err, "%s:%ld: %s", pname, lineno, e.msg);
			goto error;
		}
		if (nf > MAX_FIELDS) {
			sc_err_set(err, "%s:%ld: %d fields: expected at most %d", pname, lineno, nf, MAX_FIELDS);
			goto error;
		}
		for (int i = 0; i < nf; i++)
			fields[i] = sc_csv_trim(fields[i]);
		if (!header_line) {
			if (parse_header(fields, nf, column, &tcol, &vcol, &e) < 0) {
				sc_err_set(err, "%s:%ld: %s", pname, lineno, e.msg);
				goto error;
			}
			header_line = lineno;
			header_nf = nf;
			continue;
		}
		if (nf != header_nf) {
			sc_err_set(err, "%s:%ld: %d field%s, but the header (line %ld) has %d: expected one value "
				   "per column (a decimal comma? write 350.5, not 350,5)",
				   pname, lineno, nf, nf == 1 ? "" : "s", header_line, header_nf);
			goto error;
		}
		tstr = fields[tcol];
		vstr = fields[vcol];
		rc = sc_parse_abs_time(tstr, &t, &e);
		if (rc == -2) { /* out of range: the parser's words name the range */
			sc_err_set(err, "%s:%ld: %s", pname, lineno, e.msg);
			goto error;
		}
		if (rc < 0) {
			sc_err_set(err, "%s:%ld: invalid time '%s': %s", pname, lineno, SC_PRINTABLE(tstr), time_accepted);
			goto error;
		}
		if (prev_line && t <= prev_t) {
			sc_err_set(err, "%s:%ld: time %s is not after %s (line %ld): expected rows in strictly increasing time order",
				   pname, lineno, sc_format_time(t, a, sizeof(a)),
				   sc_format_time(prev_t, b, sizeof(b)), prev_line);
			goto error;
		}
		prev_t = t;
		prev_line = lineno;
		if (!*vstr)
			continue; /* no value: a gap */
		if (sc_parse_number(vstr, 0, SC_INTENSITY_MAX, "carbon intensity", &v, &e) < 0) {
			sc_err_set(err, "%s:%ld: %s gCO2e/kWh", pname, lineno, e.msg);
			goto error;
		}
		if (sc_series_append(s, t, v, &e) < 0) {
			sc_err_set(err, "%s:%ld: %s", pname, lineno, e.msg);
			goto error;
		}
	}
	if (ferror(f)) {
		sc_err_set(err, "%s:%ld: read error: %m", pname, lineno + 1);
		goto error;
	}
	if (!header_line) {
		sc_err_set(err, "%s: empty file (no header line): %s", pname, header_accepted);
		goto error;
	}
	if (!s->n) {
		sc_err_set(err, "%s:%ld: no data after the header: expected rows such as `2021-01-01 00:00:00,350`",
			   pname, header_line);
		goto error;
	}
	if (sc_series_set_source(s, name) < 0) {
		sc_err_set(err, "%s: out of memory", pname);
		goto error;
	}
	free(buf);
	return s;
error:
	free(buf);
	sc_series_destroy(s);
	return NULL;
}

struct sc_series *sc_csv_read_intensity(const char *path, enum sc_column column, struct sc_err *err)
{
	struct sc_series *s;
	size_t len;
	char *src;
	FILE *f;

	f = sc_open_regular(path, "intensity CSV", SC_CSV_MAX_BYTES, err);
	if (!f)
		return NULL;
	s = sc_csv_read_intensity_stream(f, path, column, err);
	fclose(f);
	if (!s)
		return NULL;
	len = strlen(path) + sizeof("file:");
	src = malloc(len);
	if (!src) {
		sc_err_set(err, "out of memory");
		sc_series_destroy(s);
		return NULL;
	}
	snprintf(src, len, "file:%s", path);
	free(s->source);
	s->source = src;
	return s;
}

/* The shortest of %.15g, %.17g that reads back as v. */
static void format_value(double v, char *buf, size_t n)
{
	snprintf(buf, n, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, n, "%.17g", v);
}

int sc_csv_write_intensity(FILE *f, const struct sc_series *s, struct sc_err *err)
{
	char t[32], v[40];

	if (fputs("Time,Carbon Intensity\n", f) == EOF)
		goto error;
	for (size_t i = 0; i < s->n; i++) {
		format_value(s->v[i], v, sizeof(v));
		if (fprintf(f, "%s,%s\n", sc_format_time(s->t[i], t, sizeof(t)), v) < 0)
			goto error;
	}
	if (fflush(f) == EOF || ferror(f))
		goto error;
	return 0;
error:
	return sc_err_set(err, "cannot write the intensity CSV: %m");
}
