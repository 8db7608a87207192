/* slurm-carbon: `scarbon reconcile` (not yet available in this build).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "cli/cli.h"

int sc_cmd_reconcile(struct sc_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return sc_cli_fail(cli, "this command is not available in this build yet");
}
