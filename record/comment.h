/* slurm-carbon: a key's JSON object inside a job's comment (AdminComment,
 * SystemComment) — the one API to read, set, encode and compare it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A comment holds other text besides our object, which is kept: a comment
 * that is one JSON object gets the key added or replaced; any other text is
 * kept and the object is replaced in place, or appended after a blank.
 *
 * The stored forms: libslurm's accounting API and job_submit store a comment
 * as given (plain JSON). sacctmgr's strip_quotes() turns every '"' and '\''
 * into '`' on every Slurm release (22.05 also lower-cases the text), so a
 * comment set through it reads {`key`:{`v`:1,...}}. Earlier versions of
 * scarbon wrote SystemComment that way, and it is still the fallback writer
 * (acct/writer.h): sc_comment_get reads both forms, sc_comment_encode
 * produces either, sc_comment_same compares across them.
 */
#ifndef SC_RECORD_COMMENT_H
#define SC_RECORD_COMMENT_H

#include <jansson.h>

/* How a comment is stored: as given (libslurm's API), or as sacctmgr stores
 * what it is given (every '"' and '\'' a '`'). */
enum sc_comment_form { SC_COMMENT_JSON = 0, SC_COMMENT_SACCTMGR };

/* The object under key in comment (borrowed; NULL or "" for none), in either
 * stored form: the last top-level JSON object holding key, else, when the
 * comment has a '`', the same in the comment with backticks read as quotes,
 * else the object that follows the last "`key`:" read on its own (other
 * text with a '\'' in a JSON string, which sacctmgr turned into a '`' too,
 * keeps the whole from reading as JSON).
 * Returns a new reference, or NULL when absent, not an object, or out of
 * memory. */
json_t *sc_comment_get(const char *comment, const char *key);

/* Sets key to value (stolen, even on failure) in the comment `existing`
 * (borrowed; NULL or "" for none), as plain JSON, preserving its other
 * content; an object under key already there as plain JSON is replaced in
 * place. The backtick form is not looked at: that is sc_comment_encode's.
 * Returns a malloc'd string (caller frees); NULL when out of memory or value
 * is NULL. */
char *sc_comment_set(const char *existing, const char *key, json_t *value);

/* The whole new comment for a job whose comment is `existing` (as sacct
 * shows it, in either form; NULL for none) once key is set to value (stolen):
 * other content is kept, and an object under key already there is replaced in
 * place, not appended again.
 *  - SC_COMMENT_JSON: plain JSON. When existing does not hold the key as
 *    JSON, what sacctmgr made of JSON is turned back into it: the whole
 *    comment when it is one JSON object in the backtick form, else the
 *    object under key in that form; other text is kept byte for byte.
 *  - SC_COMMENT_SACCTMGR: the text sacctmgr will store anyway: every '"' and
 *    '\'' of the result becomes '`'; existing is read as it will read back
 *    (every '`' and '\'' a quote), so an object under key is found there
 *    and replaced in place.
 * malloc'd (caller frees); NULL when out of memory or value is NULL. */
char *sc_comment_encode(const char *existing, const char *key, json_t *value,
			enum sc_comment_form form);

/* Whether the stored comment (as sacct shows it; NULL counts as "") already
 * says what value (a comment from sc_comment_encode; NULL counts as "")
 * says: the same text, or, when stored holds no '"' (sacctmgr's form), the
 * text sacctmgr makes of value — each '"' or '\'' of value a '`' in stored,
 * letters in either case. So a record written in either form with the same
 * figures is not written again. */
int sc_comment_same(const char *value, const char *stored);

#endif
