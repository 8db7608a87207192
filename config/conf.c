/* slurm-carbon: carbon.conf parser (placeholder until the parser lands).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "config/conf.h"
