/* slurm-carbon: intensity CSV files (provider `file`) and a small CSV reader
 * shared with the trace readers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_CSVFILE_H
#define SC_FORECAST_CSVFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "forecast/series.h"
#include "forecast/zone.h"
#include "base/error.h"

/* Splits one line of RFC 4180 CSV (sep = ',' or another single byte, e.g.
 * '|' for `sacct -P`) in place into at most max fields: quoted fields may
 * contain the separator and doubled quotes (text after the closing quote is
 * kept as is, as most readers do); blanks are part of fields; a trailing
 * '\r' is dropped.
 * Returns the number of fields (more than max: the extra ones are not
 * stored and the count still says how many there were), or -1 with err on
 * an unterminated quote. Quotes are only special with quoted != 0. */
int sc_csv_split(char *line, char sep, int quoted, char **fields, int max, struct sc_err *err);

/* s without its leading and trailing blanks (spaces, tabs; a trailing
 * '\r' too), in place: returns a pointer into s. For header names and
 * fields. */
char *sc_csv_trim(char *s);

/* Intensity CSVs larger than this are refused (a year of 5-minute points
 * is about 105,000 rows: 3 MB as the contract's CSV, some 16 MB as an
 * Electricity Maps export), whether read from a path or a stream. */
#define SC_CSV_MAX_BYTES ((off_t)64 << 20)

/* Reads an intensity CSV. Two formats, told apart by the header line:
 *  - the contract's `Time,Carbon Intensity` (times `YYYY-MM-DD HH:MM:SS` UTC
 *    or ISO 8601 with Z or an offset; gCO2e/kWh);
 *  - an Electricity Maps data-portal export, whose header starts with
 *    `Datetime (UTC)` and has the columns `Carbon Intensity gCO₂eq/kWh
 *    (LCA)` and `... (direct)`: column picks one (LCA by default).
 * Blank lines and lines starting with '#' are skipped. Rows must be in
 * strictly increasing time order; values finite, within 0..3000. An empty
 * value is skipped (a gap). Errors name the file and line:
 * "DE.csv:17: invalid time '2021-13-01': ...". NULL with err on error. The
 * file must be a regular file (a FIFO is refused, never waited on) of at
 * most SC_CSV_MAX_BYTES. */
struct sc_series *sc_csv_read_intensity(const char *path, enum sc_column column, struct sc_err *err);

/* The same on an open stream; name is used in messages and as the series'
 * source (sc_csv_read_intensity sets "file:<path>"). Column only matters for
 * an Electricity Maps export. A row must have as many fields as the header
 * (a decimal comma would otherwise pass unnoticed); times must be absolute
 * and within SC_SERIES_TIME_MIN..SC_SERIES_TIME_MAX; a UTF-8 byte order
 * mark and CRLF line endings are accepted. Lines are at most SC_LINE_MAX (base/file.h)
 * bytes ("x.csv:1: line 1 is longer than 1048576 bytes"), the whole at
 * most SC_CSV_MAX_BYTES; names and fields are quoted printable
 * (SC_PRINTABLE). */
struct sc_series *sc_csv_read_intensity_stream(FILE *f, const char *name, enum sc_column column,
					       struct sc_err *err);

/* Writes s as the contract's CSV (`Time,Carbon Intensity`, ISO 8601 UTC
 * times). Returns 0 or -1 with err. */
int sc_csv_write_intensity(FILE *f, const struct sc_series *s, struct sc_err *err);

#endif
