/* slurm-carbon: the project's JSON encoding.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/json.h"

char *sc_json_dumps(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
}
