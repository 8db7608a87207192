/* slurm-carbon: units — strict parsers and formatters.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/units.h"

#define DUR_MAX_S (365LL * 86400)
#define GPUS_MAX 1000000

/* A view of s with leading/trailing blanks removed. */
struct span {
	const char *p;
	size_t n;
};

static struct span trim(const char *s)
{
	struct span v = { s ? s : "", 0 };

	while (*v.p && isspace((unsigned char)*v.p))
		v.p++;
	v.n = strlen(v.p);
	while (v.n && isspace((unsigned char)v.p[v.n - 1]))
		v.n--;
	return v;
}

static int span_eq(struct span v, const char *word)
{
	return strlen(word) == v.n && strncasecmp(v.p, word, v.n) == 0;
}

/* Parses an unsigned decimal number (digits, optional fraction, optional
 * exponent) at *p, advancing *p. Rejects signs, hex, inf and nan by syntax,
 * before strtod could accept them. -1: not a number; -2: a number too
 * large for a double (1e999), so that callers can say "too large" rather
 * than "invalid". */
static int scan_decimal(const char **p, const char *end, double *out)
{
	const char *q = *p;
	int digits = 0;
	char *stop;
	double v;

	while (q < end && isdigit((unsigned char)*q)) {
		q++;
		digits++;
	}
	if (q < end && *q == '.') {
		q++;
		while (q < end && isdigit((unsigned char)*q)) {
			q++;
			digits++;
		}
	}
	if (!digits)
		return -1;
	if (q < end && (*q == 'e' || *q == 'E')) {
		const char *e = q + 1;
		if (e < end && (*e == '+' || *e == '-'))
			e++;
		if (e < end && isdigit((unsigned char)*e)) {
			while (e < end && isdigit((unsigned char)*e))
				e++;
			q = e;
		}
	}
	/* strtod reads what was checked above and stops where we did: what
	 * follows q is a blank, a unit or the end (hex was excluded: "0x" stops
	 * the scan at 'x', and strtod going further is refused). */
	errno = 0;
	v = strtod(*p, &stop);
	if (stop != q) {
		/* only "0x...": strtod read hex past our "0"; the 'x' is the
		 * caller's to refuse (as an unknown unit, or trailing text) */
		if (q - *p != 1 || **p != '0')
			return -1;
		v = 0;
	}
	if (!isfinite(v))
		return -2;
	*out = v;
	*p = q;
	return 0;
}

/* Parses an unsigned decimal integer at *p (at most 18 digits after the
 * leading zeros). -1: no digits; -2: more digits than that (too large:
 * callers say so and give their limit). */
static int scan_uint(const char **p, const char *end, int64_t *out)
{
	const char *q = *p;
	int64_t v = 0;
	int digits = 0, sig = 0;

	while (q < end && isdigit((unsigned char)*q)) {
		digits++;
		if ((v || *q != '0') && ++sig > 18) {
			while (q < end && isdigit((unsigned char)*q))
				q++;
			return -2;
		}
		v = v * 10 + (*q - '0');
		q++;
	}
	if (!digits)
		return -1;
	*out = v;
	*p = q;
	return 0;
}

int sc_parse_carbon(const char *s, double *grams, struct sc_err *err)
{
	static const char accepted[] =
		"a non-negative amount with an optional unit g, kg or t (e.g. 500g, 2kg, 1.5t; a bare number is grams)";
	struct span v = trim(s);
	const char *p = v.p, *end = v.p + v.n;
	double x, mult = 1.0;
	struct span unit;

	if (!v.n)
		return sc_err_set(err, "empty carbon amount: expected %s", accepted);
	if (*p == '-')
		return sc_err_set(err, "negative carbon amount '%s': expected %s", SC_PRINTABLE_N(v.p, v.n), accepted);
	switch (scan_decimal(&p, end, &x)) {
	case -1:
		return sc_err_set(err, "invalid carbon amount '%s': expected %s", SC_PRINTABLE_N(v.p, v.n), accepted);
	case -2:
		goto too_large;
	}
	while (p < end && isspace((unsigned char)*p))
		p++;
	unit.p = p;
	unit.n = (size_t)(end - p);
	if (unit.n == 0 || span_eq(unit, "g") || span_eq(unit, "gco2e") || span_eq(unit, "gco2"))
		mult = 1.0;
	else if (span_eq(unit, "kg") || span_eq(unit, "kgco2e") || span_eq(unit, "kgco2"))
		mult = 1e3;
	else if (span_eq(unit, "t") || span_eq(unit, "tco2e") || span_eq(unit, "tco2"))
		mult = 1e6;
	else
		return sc_err_set(err, "invalid carbon amount '%s': unknown unit '%s'; expected %s",
				  SC_PRINTABLE_N(v.p, v.n), SC_PRINTABLE_N(unit.p, unit.n), accepted);
	x *= mult;
	if (!isfinite(x) || x > SC_CARBON_MAX_G)
		goto too_large;
	*grams = x;
	return 0;
too_large:
	return sc_err_set(err, "carbon amount '%s' is too large (at most 1e9 t)", SC_PRINTABLE_N(v.p, v.n));
}

int sc_parse_duration(const char *s, unsigned flags, int64_t *secs, struct sc_err *err)
{
	static const char accepted[] =
		"mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss";
	struct span v = trim(s);
	const char *p = v.p, *end = v.p + v.n;
	int64_t f[3], days = -1, total;
	int nf = 0, rc;

	if (!v.n)
		return sc_err_set(err, "empty duration: expected %s%s", accepted,
				  (flags & SC_DUR_ALLOW_UNLIMITED) ? " or UNLIMITED" : "");
	if (span_eq(v, "unlimited") || span_eq(v, "infinite")) {
		if (!(flags & SC_DUR_ALLOW_UNLIMITED))
			return sc_err_set(err, "duration '%s' is not allowed here: expected %s", SC_PRINTABLE_N(v.p, v.n), accepted);
		*secs = SC_DURATION_UNLIMITED;
		return 0;
	}
	if ((rc = scan_uint(&p, end, &f[0])) < 0)
		goto scan_failed;
	nf = 1;
	if (p < end && *p == '-') {
		days = f[0];
		p++;
		nf = 0;
		if ((rc = scan_uint(&p, end, &f[0])) < 0)
			goto scan_failed;
		nf = 1;
	}
	while (p < end && *p == ':' && nf < 3) {
		p++;
		if ((rc = scan_uint(&p, end, &f[nf])) < 0)
			goto scan_failed;
		nf++;
	}
	if (p != end)
		goto bad;

	if (days >= 0) {
		/* d-hh, d-hh:mm, d-hh:mm:ss */
		int64_t h = f[0], m = nf > 1 ? f[1] : 0, sec = nf > 2 ? f[2] : 0;
		if (h >= 24 || m >= 60 || sec >= 60)
			return sc_err_set(err, "invalid duration '%s': hours must be < 24 and minutes, seconds < 60 after 'd-'",
					  SC_PRINTABLE_N(v.p, v.n));
		if (days > DUR_MAX_S / 86400)
			goto too_long;
		total = days * 86400 + h * 3600 + m * 60 + sec;
	} else if (nf == 1) {
		if (f[0] > DUR_MAX_S / 60)
			goto too_long;
		total = f[0] * 60; /* mm */
	} else if (nf == 2) {
		if (f[1] >= 60)
			return sc_err_set(err, "invalid duration '%s': seconds must be < 60", SC_PRINTABLE_N(v.p, v.n));
		if (f[0] > DUR_MAX_S / 60)
			goto too_long;
		total = f[0] * 60 + f[1]; /* mm:ss */
	} else {
		if (f[1] >= 60 || f[2] >= 60)
			return sc_err_set(err, "invalid duration '%s': minutes and seconds must be < 60", SC_PRINTABLE_N(v.p, v.n));
		if (f[0] > DUR_MAX_S / 3600)
			goto too_long;
		total = f[0] * 3600 + f[1] * 60 + f[2]; /* hh:mm:ss */
	}
	if (total > DUR_MAX_S)
		goto too_long;
	*secs = total;
	return 0;
scan_failed:
	if (rc != -2)
		goto bad;
too_long:
	return sc_err_set(err, "duration '%s' is too long (at most 365 days)", SC_PRINTABLE_N(v.p, v.n));
bad:
	return sc_err_set(err, "invalid duration '%s': expected %s%s", SC_PRINTABLE_N(v.p, v.n), accepted,
			  (flags & SC_DUR_ALLOW_UNLIMITED) ? " or UNLIMITED" : "");
}

int64_t sc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void sc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t sc_epoch_from_utc(int64_t y, unsigned mon, unsigned day, unsigned h, unsigned min, unsigned s)
{
	return sc_days_from_civil(y, mon, day) * 86400 + h * 3600 + min * 60 + s;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int sc_weekday(int64_t t)
{
	int64_t days = floor_div(t, 86400);
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	return (int)(((days % 7) + 7 + 3) % 7);
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Reads exactly n digits. */
static int scan_fixed(const char **p, const char *end, int n, int64_t *out)
{
	int64_t v = 0;

	if (end - *p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (!isdigit((unsigned char)c))
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* The last step of sc_parse_time: r, what v says, must be within
 * SC_TIME_MIN..SC_TIME_MAX (so that `now-4800weeks` or an offset before
 * 1970-01-01T00:00Z is an error, not a time nobody meant). */
static int check_range(struct span v, int64_t r, int64_t *t, struct sc_err *err)
{
	char when[32];

	if (r < SC_TIME_MIN || r > SC_TIME_MAX)
		return sc_err_set(err, "time '%s' is %s, %s %s: expected a time from 1970-01-01T00:00:00Z "
				  "to 9999-12-31T23:59:59Z",
				  SC_PRINTABLE_N(v.p, v.n),
				  r < -62135596800LL || r > SC_TIME_MAX + 86400LL * 366 * 8000 ? "far out" :
				  sc_format_time(r, when, sizeof(when)),
				  r < SC_TIME_MIN ? "before" : "after",
				  r < SC_TIME_MIN ? "1970" : "9999");
	*t = r;
	return 0;
}

static int parse_relative(struct span v, int64_t now, int64_t *t, struct sc_err *err)
{
	const char *p = v.p + 3, *end = v.p + v.n;
	int sign;
	int64_t n, mult = 1;
	struct span unit;

	if (p == end) {
		*t = now;
		return 0;
	}
	if (*p != '+' && *p != '-')
		goto bad;
	sign = *p == '-' ? -1 : 1;
	p++;
	while (p < end && isspace((unsigned char)*p))
		p++;
	switch (scan_uint(&p, end, &n)) {
	case -1:
		goto bad;
	case -2:
		n = INT64_MAX / 2; /* too far, whatever the unit */
		while (p < end && isdigit((unsigned char)*p))
			p++;
	}
	while (p < end && isspace((unsigned char)*p))
		p++;
	unit.p = p;
	unit.n = (size_t)(end - p);
	if (!unit.n || span_eq(unit, "s") || span_eq(unit, "sec") || span_eq(unit, "secs") ||
	    span_eq(unit, "second") || span_eq(unit, "seconds"))
		mult = 1;
	else if (span_eq(unit, "m") || span_eq(unit, "min") || span_eq(unit, "mins") ||
		 span_eq(unit, "minute") || span_eq(unit, "minutes"))
		mult = 60;
	else if (span_eq(unit, "h") || span_eq(unit, "hour") || span_eq(unit, "hours"))
		mult = 3600;
	else if (span_eq(unit, "d") || span_eq(unit, "day") || span_eq(unit, "days"))
		mult = 86400;
	else if (span_eq(unit, "w") || span_eq(unit, "week") || span_eq(unit, "weeks"))
		mult = 7 * 86400;
	else
		goto bad;
	if (n > (int64_t)100 * 365 * 86400 / mult)
		return sc_err_set(err, "relative time '%s' is too far from now (at most 100 years)", SC_PRINTABLE_N(v.p, v.n));
	return check_range(v, now + sign * n * mult, t, err);
bad:
	return sc_err_set(err,
			  "invalid relative time '%s': expected now, now+N or now-N with an optional unit "
			  "seconds (default), minutes, hours, days or weeks (e.g. now+2hours)",
			  SC_PRINTABLE_N(v.p, v.n));
}

#define ABS_ACCEPTED \
	"YYYY-MM-DD[THH:MM[:SS]] (UTC), ISO 8601 with Z or an offset " \
	"(2026-01-31T03:00:00Z, 2026-01-31T04:00+01:00)"

/* An absolute time in v (not empty); accepted: what messages say is.
 * -1: not a time; -2: out of range (check_range). */
static int parse_absolute(struct span v, const char *accepted, int64_t *t, struct sc_err *err)
{
	const char *p = v.p, *end = v.p + v.n;
	int64_t y, mo, d, h = 0, mi = 0, sec = 0, off = 0, r;

	if (scan_fixed(&p, end, 4, &y) < 0 || p == end || *p++ != '-' ||
	    scan_fixed(&p, end, 2, &mo) < 0 || p == end || *p++ != '-' ||
	    scan_fixed(&p, end, 2, &d) < 0)
		goto bad;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (scan_fixed(&p, end, 2, &h) < 0 || p == end || *p++ != ':' ||
		    scan_fixed(&p, end, 2, &mi) < 0)
			goto bad;
		if (p < end && *p == ':') {
			p++;
			if (scan_fixed(&p, end, 2, &sec) < 0)
				goto bad;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				if (p == end || !isdigit((unsigned char)*p))
					goto bad;
				while (p < end && isdigit((unsigned char)*p))
					p++;
			}
		}
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p == '-' ? -1 : 1;
			int64_t oh, om = 0;
			p++;
			if (scan_fixed(&p, end, 2, &oh) < 0)
				goto bad;
			if (p < end && *p == ':')
				p++;
			if (p < end && scan_fixed(&p, end, 2, &om) < 0)
				goto bad;
			if (oh > 18 || om > 59)
				return sc_err_set(err, "invalid UTC offset in time '%s'", SC_PRINTABLE_N(v.p, v.n));
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (p != end)
		goto bad;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (unsigned)mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return sc_err_set(err, "time '%s' is not a valid date and time", SC_PRINTABLE_N(v.p, v.n));
	if (sec == 60)
		sec = 59; /* a leap second: the closest representable instant */
	r = sc_epoch_from_utc(y, (unsigned)mo, (unsigned)d, (unsigned)h, (unsigned)mi, (unsigned)sec) - off;
	return check_range(v, r, t, err) < 0 ? -2 : 0;
bad:
	return sc_err_set(err, "invalid time '%s': expected %s", SC_PRINTABLE_N(v.p, v.n), accepted);
}

int sc_parse_time(const char *s, int64_t now, int64_t *t, struct sc_err *err)
{
	static const char accepted[] = ABS_ACCEPTED ", now or now+N[minutes|hours|days]";
	struct span v = trim(s);

	if (!v.n)
		return sc_err_set(err, "empty time: expected %s", accepted);
	if (v.n >= 3 && strncasecmp(v.p, "now", 3) == 0)
		return parse_relative(v, now, t, err);
	return parse_absolute(v, accepted, t, err) < 0 ? -1 : 0;
}

int sc_parse_abs_time(const char *s, int64_t *t, struct sc_err *err)
{
	struct span v = trim(s);

	if (!v.n)
		return sc_err_set(err, "empty time: expected %s", ABS_ACCEPTED);
	return parse_absolute(v, ABS_ACCEPTED, t, err);
}

int sc_parse_number(const char *s, double min, double max, const char *what,
		    double *out, struct sc_err *err)
{
	struct span v = trim(s);
	const char *p = v.p, *end = v.p + v.n;
	double x;
	int neg = 0, rc;

	if (!v.n)
		return sc_err_set(err, "empty %s: expected a number from %g to %g", what, min, max);
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if ((rc = scan_decimal(&p, end, &x)) == -2)
		return sc_err_set(err, "%s '%s' is out of range: expected a number from %g to %g", what,
				  SC_PRINTABLE_N(v.p, v.n), min, max);
	if (rc < 0 || p != end)
		return sc_err_set(err, "invalid %s '%s': expected a number from %g to %g", what,
				  SC_PRINTABLE_N(v.p, v.n), min, max);
	if (neg)
		x = -x;
	if (x < min || x > max)
		return sc_err_set(err, "%s '%s' is out of range: expected a number from %g to %g", what,
				  SC_PRINTABLE_N(v.p, v.n), min, max);
	*out = x;
	return 0;
}

int sc_parse_percent(const char *s, double min, double max, double *pct, struct sc_err *err)
{
	struct span v = trim(s);
	char buf[64];

	if (v.n && v.p[v.n - 1] == '%')
		v.n--;
	if (v.n >= sizeof(buf))
		return sc_err_set(err, "invalid percentage '%s': expected a number from %g to %g, optionally followed by %%",
				  SC_PRINTABLE(s), min, max);
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	if (sc_parse_number(buf, min, max, "percentage", pct, err) < 0)
		return -1;
	return 0;
}

int sc_parse_bool(const char *s, int *out, struct sc_err *err)
{
	struct span v = trim(s);

	if (span_eq(v, "yes") || span_eq(v, "true") || span_eq(v, "on") || span_eq(v, "1")) {
		*out = 1;
		return 0;
	}
	if (span_eq(v, "no") || span_eq(v, "false") || span_eq(v, "off") || span_eq(v, "0")) {
		*out = 0;
		return 0;
	}
	return sc_err_set(err, "invalid boolean '%s': expected yes or no", SC_PRINTABLE_N(v.p, v.n));
}

int sc_parse_mem_mb(const char *s, uint64_t *mb, struct sc_err *err)
{
	struct span v = trim(s);
	const char *p = v.p, *end = v.p + v.n;
	int64_t n;
	uint64_t r;

	switch (scan_uint(&p, end, &n)) {
	case -1:
		goto bad;
	case -2:
		goto big;
	}
	if (p == end || ((end - p) == 1 && (*p == 'M' || *p == 'm')))
		r = (uint64_t)n;
	else if ((end - p) == 1 && (*p == 'K' || *p == 'k'))
		r = ((uint64_t)n + 1023) / 1024;
	else if ((end - p) == 1 && (*p == 'G' || *p == 'g')) {
		if (n > (int64_t)(UINT64_MAX >> 11))
			goto big;
		r = (uint64_t)n * 1024;
	} else if ((end - p) == 1 && (*p == 'T' || *p == 't')) {
		if (n > (int64_t)(UINT64_MAX >> 21))
			goto big;
		r = (uint64_t)n * 1024 * 1024;
	} else
		goto bad;
	if (r > (1ULL << 40))
		goto big;
	*mb = r;
	return 0;
big:
	return sc_err_set(err, "memory size '%s' is too large (at most 1048576T)", SC_PRINTABLE_N(v.p, v.n));
bad:
	return sc_err_set(err, "invalid memory size '%s': expected a whole number with an optional unit K, M (default), G or T",
			  SC_PRINTABLE_N(v.p, v.n));
}

int sc_parse_tres_gpus(const char *s, uint32_t *gpus, struct sc_err *err)
{
	static const char key[] = "gres/gpu=";
	const char *p = s ? s : "";

	*gpus = 0;
	for (; *p; p += strcspn(p, ","), p += *p == ',') {
		const char *v = p + sizeof(key) - 1, *end;
		int64_t n;

		if (strncmp(p, key, sizeof(key) - 1) != 0)
			continue;
		end = v + strcspn(v, ",");
		if (scan_uint(&v, end, &n) != 0 || v != end || n > UINT32_MAX)
			return sc_err_set(err, "invalid GPU count in TRES '%s': expected gres/gpu=N, N a whole "
					  "number up to 4294967295", SC_PRINTABLE(s));
		*gpus = (uint32_t)n;
		return 0;
	}
	return 0;
}

int sc_parse_gpus(const char *s, uint64_t *gpus, struct sc_err *err)
{
	const char *p = s ? s : "";
	uint64_t total = 0;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char item[256];
		char *fields[4];
		int nf = 0;
		char *q;
		int64_t n = 1;
		int rc;

		if (len >= sizeof(item))
			return sc_err_set(err, "invalid GPU request '%s': entry too long", SC_PRINTABLE(s));
		memcpy(item, p, len);
		item[len] = '\0';
		p = e ? e + 1 : p + len;
		if (!len)
			continue;
		/* "gres/gpu:2" and "gres:gpu:2" are both in use, and from Slurm 24.05 on
		 * tres_per_task says "gres/gpu=2" and "gres/gpu:a100=2". */
		q = strchr(item, '=');
		if (q && (!isdigit((unsigned char)q[1]) || strchr(q + 1, '=') || strchr(q + 1, ':')) &&
		    strstr(item, "gpu"))
			return sc_err_set(err, "invalid GPU count in '%s': expected gres/gpu[:type]=N", SC_PRINTABLE(s));
		for (q = item; *q; q++)
			if (*q == '/' || *q == '=')
				*q = ':';
		q = item;
		while (nf < 4) {
			fields[nf++] = q;
			q = strchr(q, ':');
			if (!q)
				break;
			*q++ = '\0';
		}
		if (q)
			return sc_err_set(err, "invalid GPU request '%s': expected gpu[:type]:N entries", SC_PRINTABLE(s));
		{
			int i = 0;
			if (nf == 1 && fields[0][0] && isdigit((unsigned char)fields[0][0])) {
				/* --gpus=2 */
				const char *d = fields[0];
				rc = scan_uint(&d, d + strlen(d), &n);
				if (rc == -2)
					goto too_many;
				if (rc < 0 || *d)
					return sc_err_set(err, "invalid GPU count '%s': expected a whole number", SC_PRINTABLE(fields[0]));
				if (n > GPUS_MAX || (total += (uint64_t)n) > GPUS_MAX)
					goto too_many;
				continue;
			}
			if (strcasecmp(fields[0], "gres") == 0)
				i = 1;
			if (i >= nf || strcasecmp(fields[i], "gpu") != 0)
				continue; /* another resource */
			if (i + 1 < nf) {
				const char *last = fields[nf - 1];
				if (isdigit((unsigned char)last[0])) {
					const char *d = last;
					rc = scan_uint(&d, d + strlen(d), &n);
					if (rc == -2)
						goto too_many;
					if (rc < 0 || *d)
						return sc_err_set(err, "invalid GPU count in '%s': expected gpu[:type]:N", SC_PRINTABLE(s));
				} else if (nf - i > 2) {
					return sc_err_set(err, "invalid GPU count in '%s': expected gpu[:type]:N", SC_PRINTABLE(s));
				}
			}
			if (n > GPUS_MAX || (total += (uint64_t)n) > GPUS_MAX)
				goto too_many;
		}
	}
	*gpus = total;
	return 0;
too_many:
	return sc_err_set(err, "GPU count in '%s' is too large (at most %d in all)", SC_PRINTABLE(s), GPUS_MAX);
}

char *sc_format_carbon(double g, char *buf, size_t n)
{
	double a = fabs(g);

	if (a >= 1e6)
		snprintf(buf, n, "%.3g tCO2e", g / 1e6);
	else if (a >= 1e3)
		snprintf(buf, n, "%.3g kgCO2e", g / 1e3);
	else if (a >= 1)
		snprintf(buf, n, "%.3g gCO2e", g);
	else
		snprintf(buf, n, "%.2g gCO2e", g);
	return buf;
}

char *sc_format_time(int64_t t, char *buf, size_t n)
{
	int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
	unsigned m, d;

	sc_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
		 (unsigned)(secs / 3600), (unsigned)(secs % 3600 / 60), (unsigned)(secs % 60));
	return buf;
}

char *sc_format_duration(int64_t s, char *buf, size_t n)
{
	const char *sign = "";
	int64_t d;

	if (s == SC_DURATION_UNLIMITED) {
		snprintf(buf, n, "UNLIMITED");
		return buf;
	}
	if (s < 0) {
		sign = "-";
		s = -s;
	}
	d = s / 86400;
	s %= 86400;
	if (d)
		snprintf(buf, n, "%s%lld-%02lld:%02lld:%02lld", sign, (long long)d, (long long)(s / 3600),
			 (long long)(s % 3600 / 60), (long long)(s % 60));
	else
		snprintf(buf, n, "%s%02lld:%02lld:%02lld", sign, (long long)(s / 3600),
			 (long long)(s % 3600 / 60), (long long)(s % 60));
	return buf;
}

char *sc_format_delay(int64_t s, char *buf, size_t n)
{
	int64_t d, h, m;

	if (s < 0)
		s = 0;
	d = s / 86400;
	h = s % 86400 / 3600;
	m = (s % 3600 + 30) / 60;
	if (m == 60) {
		m = 0;
		h++;
	}
	if (d)
		snprintf(buf, n, h ? "%lld d %lld h" : "%lld d", (long long)d, (long long)h);
	else if (h)
		snprintf(buf, n, m ? "%lld h %lld min" : "%lld h", (long long)h, (long long)m);
	else
		snprintf(buf, n, "%lld min", (long long)m);
	return buf;
}
