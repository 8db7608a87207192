/* slurm-carbon: the project's JSON encoding (jansson).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_BASE_JSON_H
#define SC_BASE_JSON_H

#include <jansson.h>

/* Compact JSON with at most 12 significant digits per real, keys in
 * insertion order: how every slurm-carbon record and JSON output is
 * encoded. j borrowed. malloc'd (caller frees); NULL when out of memory. */
char *sc_json_dumps(const json_t *j);

/* A JSON string of s (borrowed), whatever its bytes: valid UTF-8 is kept as it is; each
 * byte that is not part of a valid UTF-8 sequence (a name in Latin-1, a sequence cut short
 * by a fixed-size buffer) becomes U+FFFD, so that a record is never lost to its text. NULL
 * is "". A new reference; NULL only when out of memory. */
json_t *sc_json_text(const char *s);

#endif
