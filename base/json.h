/* slurm-carbon: the project's JSON encoding (jansson).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_BASE_JSON_H
#define SC_BASE_JSON_H

#include <jansson.h>

/* Compact JSON with at most 12 significant digits per real, keys in
 * insertion order: how every slurm-carbon record and JSON output is
 * encoded. j borrowed. malloc'd (caller frees); NULL when out of memory. */
char *sc_json_dumps(const json_t *j);

#endif
