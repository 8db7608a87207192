/* slurm-carbon: reading files from outside — opening only regular files
 * (never waiting on a FIFO) and reading bounded lines.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_BASE_FILE_H
#define SC_BASE_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"

/* The default line limit of sc_read_line, and how much of an over-long
 * line it skips at most. */
#define SC_LINE_MAX ((size_t)1 << 20)
#define SC_LINE_SKIP_MAX ((size_t)16 << 20)

/* Reads one line from f into *buf (grown with realloc as needed, caller
 * frees; *buf may start NULL with *cap 0), without the newline,
 * NUL-terminated. Returns its length (a NUL byte inside the line makes it
 * differ from strlen), or -1 at end of file (or a read error: check
 * ferror). Lines longer than max_len (0: SC_LINE_MAX) are an error (-2):
 * the rest of the line is skipped, but never more than SC_LINE_SKIP_MAX
 * bytes, so that an endless line (/dev/zero, a huge file without
 * newlines) cannot keep the reader busy; after such a line, reading on
 * reads more of it (-2 again): callers should stop at -2, and one that
 * skips over-long lines must give up after a few. -3 when out of memory. */
long sc_read_line(FILE *f, char **buf, size_t *cap, size_t max_len);

/* Opens path for reading without blocking on a FIFO (O_NONBLOCK until it
 * is known to be a regular file) and refuses anything but a regular file,
 * and a file larger than max_bytes (0: no limit). what names the file in
 * messages ("intensity CSV"). Returns the stream (caller fcloses), or NULL
 * with err ("cannot read intensity CSV x.csv: ...", "intensity CSV x.csv is a
 * FIFO, not a regular file: expected a regular file") and errno set (ENOENT when missing, so
 * that callers can treat a missing file apart; EINVAL when not a regular
 * file, EFBIG when too large). */
FILE *sc_open_regular(const char *path, const char *what, off_t max_bytes, struct sc_err *err);

/* A command's input file: stdin for "-" (whatever it is: the caller bounds
 * what it reads), else sc_open_regular(path, what, max_bytes, err). The
 * caller fcloses the stream unless it is stdin. NULL with err and errno as
 * sc_open_regular's. */
FILE *sc_open_input(const char *path, const char *what, off_t max_bytes, struct sc_err *err);

#endif
