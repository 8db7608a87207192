/* slurm-carbon: units — strict parsers and formatters for carbon amounts,
 * Slurm durations, times, percentages, memory sizes and GPU counts.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every parser takes a NUL-terminated string (borrowed; NULL is rejected as
 * empty), writes its result only on success, and returns 0, or -1 with a
 * message in err (optional) that quotes the input and says what is accepted.
 * Leading and trailing blanks are ignored; anything else that is not part of
 * the syntax is an error ("trailing garbage"). Pure: no I/O, no clock, no
 * locale (decimal point is always '.').
 */
#ifndef SC_BASE_UNITS_H
#define SC_BASE_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Largest carbon amount accepted: 1e15 g (a billion tonnes). */
#define SC_CARBON_MAX_G 1e15

/* Carbon amount to grams CO2e. Accepted: a non-negative decimal number
 * (`500`, `1.5`, `.5`, `2e3`), optionally followed, with or without blanks,
 * by a unit: `g`, `kg`, `t` (case-insensitive; `gco2e`, `kgco2e`, `tco2e`
 * too). A bare number is grams. Rejected: empty, negative, NaN, inf, hex,
 * overflow (> SC_CARBON_MAX_G), unknown unit, trailing text. */
int sc_parse_carbon(const char *s, double *grams, struct sc_err *err);

/* Durations are seconds. SC_DURATION_UNLIMITED is the value of `UNLIMITED`
 * (also `INFINITE`), accepted only with SC_DUR_ALLOW_UNLIMITED. */
#define SC_DURATION_UNLIMITED INT64_MAX
#define SC_DUR_ALLOW_UNLIMITED 0x1u

/* Slurm's duration formats: `mm`, `mm:ss`, `hh:mm:ss`, `d-hh`, `d-hh:mm`,
 * `d-hh:mm:ss` (fields are unsigned decimal integers; seconds and, after a
 * `d-`, minutes must be < 60 and hours < 24; a leading field may be larger,
 * as Slurm allows `90` minutes or `36:00:00`). Upper bound: 365 days. */
int sc_parse_duration(const char *s, unsigned flags, int64_t *secs, struct sc_err *err);

/* Times, to Unix epoch seconds (UTC):
 *  - ISO 8601: `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or an offset
 *    `+HH:MM`, `+HHMM`, `+HH` (also `-`); fractional seconds are truncated;
 *  - Slurm's `YYYY-MM-DD[THH:MM[:SS]]` without zone, and the same with a
 *    blank instead of `T`: taken as UTC (slurm-carbon speaks UTC throughout);
 *  - `now`, `now+N` / `now-N` with an optional unit: `s|sec|seconds`
 *    (the default, as in Slurm), `m|min|minutes`, `h|hour|hours`,
 *    `d|day|days`, `w|week|weeks` (singular or plural), relative to `now`.
 * Dates must exist (no 2021-02-30). The result, whatever the form
 * (`now-4800weeks`, an offset that takes 1970-01-01T00:30+01:00 before the
 * epoch), must be within SC_TIME_MIN..SC_TIME_MAX, else an error naming
 * the range; a relative time may be at most 100 years from now. Whether a
 * time in the past makes sense (a deadline does not) is the caller's to
 * check. */
#define SC_TIME_MIN 0LL            /* 1970-01-01T00:00:00Z */
#define SC_TIME_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

/* An absolute time only (the ISO 8601 and Slurm forms above, no `now`),
 * for times read from files and provider answers; messages list only
 * those forms. Returns 0; -1 with err when s is not such a time; -2 with
 * err when it is one outside SC_TIME_MIN..SC_TIME_MAX (so that a reader
 * can word the two apart). */
int sc_parse_abs_time(const char *s, int64_t *t, struct sc_err *err);
int sc_parse_time(const char *s, int64_t now, int64_t *t, struct sc_err *err);

/* A percentage: `10`, `10%`, `2.5 %`; finite, within [min, max]. */
int sc_parse_percent(const char *s, double min, double max, double *pct, struct sc_err *err);

/* A finite decimal number within [min, max] (what = name for messages,
 * e.g. "PUE"). */
int sc_parse_number(const char *s, double min, double max, const char *what,
		    double *out, struct sc_err *err);

/* yes/no, true/false, on/off, 1/0 (case-insensitive). */
int sc_parse_bool(const char *s, int *out, struct sc_err *err);

/* Slurm memory size (`--mem`, `--mem-per-cpu`): an unsigned integer with an
 * optional suffix K, M (default), G, T (case-insensitive), to megabytes,
 * rounded up, at most 1048576T (2^40 MB). `0` is accepted (Slurm: all
 * memory of the node). */
int sc_parse_mem_mb(const char *s, uint64_t *mb, struct sc_err *err);

/* Numbers too large for a parser (more than 18 digits, `1e999`, beyond
 * its limit) are reported as "too large (at most N)" or "out of range:
 * expected ...", never as a syntax error. */

/* GPU count in a Slurm TRES/GRES string, as in `tres_per_node`,
 * `tres_per_job`, `tres_per_task`, `--gres`, `--gpus`: a comma-separated
 * list whose gpu entries look like `gres:gpu:2`, `gres/gpu:a100:2`,
 * `gpu:2`, `gpu:a100:2`, `gpu` (= 1), `gres/gpu=2` and `gres/gpu:a100=2` (how
 * Slurm 24.05 and later write tres_per_task), or a bare count `2` (for --gpus).
 * Other entries (`gres:nic:1`, `license/x:1`) are skipped. The counts of
 * several gpu entries add up, to at most 1,000,000. *gpus is 0 when s is
 * NULL or empty. */
int sc_parse_gpus(const char *s, uint64_t *gpus, struct sc_err *err);

/* GPU count of a Slurm TRES string as slurmctld reports it (a partition's
 * tres_fmt_str, a job's tres_req_str: "cpu=64,mem=250G,node=4,billing=64,
 * gres/gpu=8,gres/gpu:a100=8"): the count of its untyped `gres/gpu=N` entry
 * (typed entries repeat a part of it), into *gpus; 0 when there is none or
 * s is NULL. Returns 0, or -1 with err when that entry's count is not a
 * whole number up to 4294967295. */
int sc_parse_tres_gpus(const char *s, uint32_t *gpus, struct sc_err *err);

/* Formatting. Each writes at most n bytes including the NUL into buf and
 * returns buf. */

/* `850 gCO2e`, `1.23 kgCO2e`, `4.56 tCO2e`: three significant digits,
 * unit chosen by size. */
char *sc_format_carbon(double grams, char *buf, size_t n);

/* ISO 8601 UTC `YYYY-MM-DDTHH:MM:SSZ`. */
char *sc_format_time(int64_t t, char *buf, size_t n);

/* Slurm style: `hh:mm:ss` or `d-hh:mm:ss`; `UNLIMITED` for
 * SC_DURATION_UNLIMITED; negative values get a leading `-`. */
char *sc_format_duration(int64_t secs, char *buf, size_t n);

/* Human delay: `45 min`, `3 h 30 min`, `1 d 2 h`. */
char *sc_format_delay(int64_t secs, char *buf, size_t n);

/* Calendar arithmetic (proleptic Gregorian, UTC), no libc time zones. */
int64_t sc_days_from_civil(int64_t y, unsigned m, unsigned d);
void sc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* Epoch seconds from a UTC calendar time; no range checks. */
int64_t sc_epoch_from_utc(int64_t y, unsigned mon, unsigned day, unsigned h, unsigned min, unsigned s);
/* Day of week, 0 = Monday .. 6 = Sunday. */
int sc_weekday(int64_t t);

#endif
