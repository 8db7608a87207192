/* slurm-carbon: `scarbon refresh` — fetch the live zones' forecasts into
 * StateDir (from a systemd timer or cron; never on the submit path).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "forecast/archive.h"
#include "forecast/provider.h"
#include "forecast/refresh.h"
#include "base/units.h"

/* "Provider=a, b or c": the live providers of forecast/provider.h. */
static char *live_providers(char *buf, size_t n)
{
	return sc_provider_list(SC_PROVIDER_KIND_BIT(SC_PROVIDER_LIVE), "Provider=", buf, n);
}

static void help(FILE *f)
{
	char live[256];

	fprintf(f,
		"Usage: scarbon refresh [--zone ZONE]... [--now TIME] [--quiet] [OPTIONS]\n"
		"\n"
		"Fetch the forecast of every live zone of carbon.conf, or of the zones named,\n"
		"and replace each zone's cache in StateDir (StateDir/forecast-ZONE.json, written\n"
		"atomically); the plugin picks the new files up by itself. What was fetched is\n"
		"also archived in StateDir/archive/ (ZONE-actual.csv, ZONE-forecasts.csv) for\n"
		"the reconciler. Live zones: %s.\n"
		"A zone that fails keeps its last good forecast (used until it is older than\n"
		"the zone's MaxAge) and does not stop the others. Run it from\n"
		"scarbon-refresh.timer or cron every 10 to 30 minutes.\n"
		"\n"
		"  --zone ZONE            only this zone (repeatable)\n"
		"  --now TIME             act as if it were TIME (fetch times, the UK {from},\n"
		"                         the archive's bounds; default: now)\n"
		"  --quiet                print nothing on success (errors and warnings still)\n"
		"  --timeout SECONDS      total time per request, 1..600 (default %d)\n"
		"  --connect-timeout SECONDS  time to connect, 1..600 (default %d)\n"
		"  --retries N            further attempts on timeouts, 429 and 5xx, 0..10\n"
		"                         (default %d; backoff 1 s, doubling; Retry-After is\n"
		"                         honoured up to %d s)\n"
		"  --max-size BYTES       largest response accepted, 1024..1073741824\n"
		"                         (default %u)\n"
		"  --archive-days N       keep N days of archive, 1..3650 (default: ArchiveDays\n"
		"                         in carbon.conf, %d unless set there)\n"
		"  --no-archive           do not write the archive\n"
		"  -h, --help             this help\n"
		"\n"
		"Proxies come from the environment (https_proxy, no_proxy). Credentials come\n"
		"from each zone's TokenFile=, which must be readable by its owner only.\n"
		"\n"
		"Exit status: 0 every zone refreshed, 1 a zone failed (each failure is named,\n"
		"with why; the other zones were refreshed) or the configuration is invalid,\n"
		"2 usage error.\n",
		live_providers(live, sizeof(live)), SC_HTTP_TIMEOUT_S, SC_HTTP_CONNECT_TIMEOUT_S, SC_HTTP_RETRIES,
		SC_HTTP_MAX_WAIT_S, SC_HTTP_MAX_BYTES, SC_ARCHIVE_DAYS);
}

static int number(struct sc_cli *cli, const char *opt, const char *s, double lo, double hi, double *out)
{
	struct sc_err err;

	if (sc_parse_number(s, lo, hi, opt, out, &err) < 0)
		return sc_cli_usage(cli, "%s", err.msg);
	if (*out != (double)(long long)*out)
		return sc_cli_usage(cli, "%s: '%s' is not a whole number", opt, SC_PRINTABLE(s));
	return 0;
}

/* Creates StateDir when its parent exists; takes the refresh lock (two
 * runs at once would race on the archive). Returns the lock's fd or -1. */
static int prepare_state_dir(struct sc_cli *cli, const char *dir)
{
	char *lock = NULL;
	int fd;

	if (!dir || !*dir) {
		sc_cli_fail(cli, "no StateDir in carbon.conf: the forecast cache lives there");
		return -1;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		sc_cli_fail(cli, "cannot create StateDir %s: %s (create it, owned by the user that runs scarbon refresh)",
			    dir, strerror(errno));
		return -1;
	}
	if (asprintf(&lock, "%s/.refresh.lock", dir) < 0) {
		sc_cli_fail(cli, "out of memory");
		return -1;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		sc_cli_fail(cli, "cannot open %s: %s (is StateDir writable by this user?)", lock, strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		sc_cli_fail(cli, "another scarbon refresh is running (it holds %s); try again later", lock);
		close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	return fd;
}

/* The live zones among those selected (all when nz is 0) into *nlive;
 * a --zone that is unknown or not live is an error (its exit status). */
static int count_live(struct sc_cli *cli, const struct sc_conf *conf, char **zones, int nz, size_t *nlive)
{
	for (int i = 0; i < nz; i++) {
		int zi = sc_conf_find_zone(conf, zones[i]);
		if (zi < 0)
			return sc_cli_fail(cli, "--zone: no zone '%s' in %s", SC_PRINTABLE(zones[i]), conf->path);
		if (!sc_provider_is_live(conf->zones[zi].provider))
			return sc_cli_fail(cli, "--zone: zone %s has Provider=%s, which reads local data: nothing to refresh",
					   zones[i], sc_provider_name(conf->zones[zi].provider));
	}
	*nlive = 0;
	for (size_t i = 0; i < conf->n_zones; i++)
		if (sc_provider_is_live(conf->zones[i].provider) && sc_cli_selected(zones, nz, conf->zones[i].name))
			(*nlive)++;
	return SC_EXIT_OK;
}

/* What refreshing zone z gave: a line on stdout (unless quiet), the
 * warning on stderr. */
static void report_zone(struct sc_cli *cli, const struct sc_zone_spec *z, const struct sc_refresh_result *res,
			int quiet)
{
	char a[32], b[32], is[32];

	if (!quiet) {
		fprintf(cli->out, "%s: %zu points, %s .. %s", z->name, res->points,
			sc_format_time(res->first, a, sizeof(a)), sc_format_time(res->end, b, sizeof(b)));
		if (res->issued_at)
			fprintf(cli->out, ", issued %s", sc_format_time(res->issued_at, is, sizeof(is)));
		fprintf(cli->out, ", %s signal from %s:%s", sc_signal_name(z->signal), sc_provider_name(z->provider),
			z->region ? z->region : "");
		if (res->actual_points)
			fprintf(cli->out, "; %zu actual point%s archived", res->actual_points,
				res->actual_points == 1 ? "" : "s");
		fputc('\n', cli->out);
	}
	if (res->warning[0])
		fprintf(cli->err, "%s %s: zone %s (%s): warning: %s\n", cli->prog, cli->cmd, z->name,
			sc_provider_name(z->provider), res->warning);
}

/* Refreshes the selected live zones; a zone that fails does not stop the
 * others. The exit status: SC_EXIT_OK, or the failure naming them. */
static int refresh_zones(struct sc_cli *cli, const struct sc_conf *conf, struct sc_refresher *ref, char **zones,
			 int nz, int quiet)
{
	char failed[1024] = "";
	int nfail = 0, ndone = 0;
	struct sc_err err;

	for (size_t i = 0; i < conf->n_zones; i++) {
		const struct sc_zone_spec *z = &conf->zones[i];
		struct sc_refresh_result res;

		if (!sc_provider_is_live(z->provider) || !sc_cli_selected(zones, nz, z->name))
			continue;
		if (sc_refresh_zone(ref, z, conf->state_dir, &res, &err) < 0) {
			size_t used = strlen(failed);
			fprintf(cli->err, "%s %s: %s; the zone keeps its last good forecast, if any\n", cli->prog, cli->cmd,
				err.msg);
			snprintf(failed + used, sizeof(failed) - used, "%s%s", used ? ", " : "", z->name);
			nfail++;
			continue;
		}
		ndone++;
		report_zone(cli, z, &res, quiet);
	}
	if (nfail)
		return sc_cli_fail(cli, "%d of %d zone%s failed: %s", nfail, nfail + ndone, nfail + ndone == 1 ? "" : "s",
				   failed);
	return SC_EXIT_OK;
}

/* What the command was asked for. */
struct args {
	char **zones; /* the --zone values (argc + 1 slots) */
	int nz, quiet;
	struct sc_refresh_opts ro;
};

/* Parses the options into *a. Returns -1 to go on, else the exit status. */
static int parse_options(struct sc_cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "now", required_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'c' },
		{ "retries", required_argument, NULL, 'r' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "archive-days", required_argument, NULL, 'a' },
		{ "no-archive", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sc_refresh_opts *ro = &a->ro;
	const char *now_arg = NULL;
	int c, rc;
	double d;

	memset(ro, 0, sizeof(*ro));
	sc_http_opts_init(&ro->http);
	ro->archive_days = 0; /* 0: carbon.conf's ArchiveDays */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': a->zones[a->nz++] = optarg; break;
		case 'N': now_arg = optarg; break;
		case 'q': a->quiet = 1; break;
		case 't':
			if ((rc = number(cli, "--timeout", optarg, 1, 600, &d)))
				return rc;
			ro->http.timeout_s = (long)d;
			break;
		case 'c':
			if ((rc = number(cli, "--connect-timeout", optarg, 1, 600, &d)))
				return rc;
			ro->http.connect_timeout_s = (long)d;
			break;
		case 'r':
			if ((rc = number(cli, "--retries", optarg, 0, 10, &d)))
				return rc;
			ro->http.retries = (int)d;
			break;
		case 'm':
			if ((rc = number(cli, "--max-size", optarg, 1024, 1073741824.0, &d)))
				return rc;
			ro->http.max_bytes = (size_t)d;
			break;
		case 'a':
			if ((rc = number(cli, "--archive-days", optarg, 1, 3650, &d)))
				return rc;
			ro->archive_days = (int)d;
			break;
		case 'A': ro->no_archive = 1; break;
		case 'h': help(cli->out); return SC_EXIT_OK;
		default: return sc_cli_bad_option(cli, c, argv, lopts);
		}
	}
	if (optind < argc)
		return sc_cli_usage(cli, "unexpected argument '%s'", SC_PRINTABLE(argv[optind]));
	if (sc_cli_now(cli, now_arg, &ro->now) < 0)
		return SC_EXIT_USAGE;
	return -1;
}

/* Refreshes the zones a asks for, under StateDir's lock. Returns the exit
 * status. */
static int run(struct sc_cli *cli, struct args *a)
{
	struct sc_refresher *ref = NULL;
	struct sc_conf *conf = NULL;
	char buf[256];
	size_t nlive = 0;
	int rc, lock = -1;
	struct sc_err err;

	conf = sc_cli_load_conf(cli);
	if (!conf)
		return SC_EXIT_ERROR;
	if (!a->ro.archive_days)
		a->ro.archive_days = conf->archive_days;
	if ((rc = count_live(cli, conf, a->zones, a->nz, &nlive)))
		goto out;
	if (!nlive) {
		if (!a->quiet)
			fprintf(cli->out, "No live zones in %s (%s): nothing to refresh.\n", conf->path,
				live_providers(buf, sizeof(buf)));
		goto out;
	}
	lock = prepare_state_dir(cli, conf->state_dir);
	if (lock < 0) {
		rc = SC_EXIT_ERROR;
		goto out;
	}
	if (sc_http_global_init(&err) < 0) {
		rc = sc_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	ref = sc_refresher_create(&a->ro);
	if (!ref) {
		rc = sc_cli_fail(cli, "out of memory");
		goto out;
	}
	rc = refresh_zones(cli, conf, ref, a->zones, a->nz, a->quiet);
out:
	sc_refresher_destroy(ref);
	if (lock >= 0)
		close(lock);
	sc_conf_destroy(conf);
	return rc;
}

int sc_cmd_refresh(struct sc_cli *cli, int argc, char **argv)
{
	struct args a = { .nz = 0 };
	int rc;

	a.zones = calloc((size_t)argc + 1, sizeof(*a.zones));
	if (!a.zones)
		return sc_cli_fail(cli, "out of memory");
	rc = parse_options(cli, argc, argv, &a);
	if (rc < 0)
		rc = run(cli, &a);
	free(a.zones);
	return rc;
}
