/* slurm-carbon: opening regular files and reading bounded lines.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/grow.h"

long sc_read_line(FILE *f, char **buf, size_t *cap, size_t max_len)
{
	size_t len = 0, skipped = 0;
	int c, too_long = 0;

	if (!max_len)
		max_len = SC_LINE_MAX;
	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (too_long) {
			if (++skipped >= SC_LINE_SKIP_MAX)
				break; /* an endless line: stop reading it */
			continue;
		}
		if (len >= max_len) {
			too_long = 1;
			continue;
		}
		/* room for this character and the NUL (the call only to grow:
		 * this runs for every byte read) */
		if ((len + 2 > *cap || !*buf) && SC_GROW(*buf, *cap, len + 2) < 0) {
			funlockfile(f);
			return -3;
		}
		(*buf)[len++] = (char)c;
	}
	funlockfile(f);
	if (too_long)
		return -2;
	if (c == EOF && len == 0)
		return -1;
	if (!*buf) {
		/* An empty line still gets a valid, empty string. */
		*buf = malloc(1);
		if (!*buf)
			return -3;
		*cap = 1;
	}
	(*buf)[len] = '\0';
	return (long)len;
}

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

FILE *sc_open_regular(const char *path, const char *what, off_t max_bytes, struct sc_err *err)
{
	struct stat st;
	FILE *f;
	int fd, e, fl;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		sc_err_set(err, "cannot read %s %s: %s", what, SC_PRINTABLE(path), strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		sc_err_set(err, "cannot read %s %s: %s", what, SC_PRINTABLE(path), strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		sc_err_set(err, "%s %s is %s, not a regular file: expected a regular file", what,
			   SC_PRINTABLE(path), file_kind(st.st_mode));
		goto fail;
	}
	if (max_bytes > 0 && st.st_size > max_bytes) {
		e = EFBIG;
		sc_err_set(err, "%s %s has %lld bytes: expected at most %lld (%lld MiB)", what, SC_PRINTABLE(path),
			   (long long)st.st_size, (long long)max_bytes, (long long)(max_bytes >> 20));
		goto fail;
	}
	/* A regular file: blocking reads from here on, as stdio expects. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 || !(f = fdopen(fd, "r"))) {
		e = errno;
		sc_err_set(err, "cannot read %s %s: %s", what, SC_PRINTABLE(path), strerror(e));
		goto fail;
	}
	return f;
fail:
	close(fd);
	errno = e;
	return NULL;
}

FILE *sc_open_input(const char *path, const char *what, off_t max_bytes, struct sc_err *err)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	return sc_open_regular(path, what, max_bytes, err);
}
