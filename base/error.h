/* slurm-carbon: error values.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Errors are values. A function that can fail returns -1 (or NULL) and, when
 * the caller passed a non-NULL struct sc_err, fills it with one message a human
 * can act on: what was wrong and what is accepted. Library code never prints,
 * exits or aborts.
 */
#ifndef SC_BASE_ERROR_H
#define SC_BASE_ERROR_H

#include <stddef.h>

#define SC_ERR_MAX 512

struct sc_err {
	char msg[SC_ERR_MAX]; /* NUL-terminated; "" when no error was set */
};

/* Sets err->msg from a printf format; truncates silently at SC_ERR_MAX, never
 * inside a UTF-8 character (sc_utf8_trim; nor do sc_err_prefix and sc_diag_add).
 * err may be NULL (then nothing happens). Always returns -1 so that callers
 * can write `return sc_err_set(err, ...);`. */
int sc_err_set(struct sc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prepends a printf-formatted context ("carbon.conf:12: ") to err->msg.
 * err may be NULL. Returns -1. */
int sc_err_prefix(struct sc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clears err (err may be NULL). */
void sc_err_clear(struct sc_err *err);

/* Text from outside (a CSV row, a provider's JSON, a file name) made safe to
 * quote in a message or a log line: bytes below 0x20, 0x7f, and bytes that
 * are not part of valid UTF-8 are written as `\xNN` (a backslash is written
 * `\\`); so are the bytes of the C1 controls U+0080..U+009F and of U+2028 and
 * U+2029, which terminals or line-oriented tools take as controls or line
 * ends (U+0085 is "next line"); other valid UTF-8 is kept as is, so names in
 * any language still read.
 * Reads at most len bytes of src (stops early at a NUL); writes at most n
 * bytes including the NUL into dst (n >= 1), whole characters or escapes
 * only, and ends with "..." when src did not fit. src NULL is "". Returns
 * dst. Pure. */
char *sc_printable_mem(char *dst, size_t n, const char *src, size_t len);

/* Cuts an incomplete UTF-8 sequence off the end of s (what snprintf leaves when it truncates
 * a string in the middle of a character), so that a bounded copy stays valid UTF-8 where its
 * source was. s NULL does nothing. Returns s. Pure. */
char *sc_utf8_trim(char *s);

/* sc_printable_mem on the NUL-terminated src. */
char *sc_printable(char *dst, size_t n, const char *src);

/* For a `%s` of a message: a printable copy of s (at most SC_PRINTABLE_MAX
 * - 1 bytes) in a buffer that lives until the end of the enclosing block:
 *	sc_err_set(err, "invalid time '%s'", SC_PRINTABLE(s)); */
#define SC_PRINTABLE_MAX 160
#define SC_PRINTABLE(s) sc_printable((char[SC_PRINTABLE_MAX]){ 0 }, SC_PRINTABLE_MAX, (s))
#define SC_PRINTABLE_N(s, len) sc_printable_mem((char[SC_PRINTABLE_MAX]){ 0 }, SC_PRINTABLE_MAX, (s), (len))

/* A list of diagnostics, for parsers that report every error in one pass.
 * Owned by the caller: zero-initialise it, pass it to the parser, read
 * `msgs[0..n-1]`, then sc_diag_free(). */
struct sc_diag {
	char **msgs;
	size_t n;
	size_t cap;
	int alloc_failed; /* set when a message could not be stored */
};

/* Appends one printf-formatted message. d may be NULL. Returns -1. */
int sc_diag_add(struct sc_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees the messages and resets d to empty. d may be NULL. */
void sc_diag_free(struct sc_diag *d);

#endif
