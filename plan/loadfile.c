/* slurm-carbon: the planned-load ledger on disk.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "forecast/cache.h"
#include "plan/loadfile.h"

#define HEADER "slurm-carbon ledger 1"

char *sc_loadfile_path(const char *state_dir, struct sc_err *err)
{
	return sc_state_file(state_dir, "planned-load", "the planned-load ledger", err);
}

int sc_loadfile_save(const char *path, const struct sc_load_job *jobs, size_t n, char *const *names, size_t n_names,
		   uint32_t seq, const uint32_t *caps, struct sc_err *err)
{
	size_t len = strlen(path) + sizeof(".tmp");
	char *tmp = malloc(len);
	FILE *f;
	int bad = 0;

	if (!tmp)
		return sc_err_set(err, "%s: out of memory", path);
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		sc_err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	fprintf(f, HEADER "\nseq %" PRIu32 "\n", seq);
	for (size_t i = 0; caps && i < n_names; i++)
		if (caps[i])
			fprintf(f, "capacity %s %" PRIu32 " %" PRIu32 "\n", names[i], caps[i], caps[n_names + i]);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].part < n_names)
			fprintf(f, "%" PRIu32 " %s %" PRId64 " %" PRId64 " %" PRIu32 " %" PRIu32 "\n", jobs[i].id,
				names[jobs[i].part], jobs[i].start, jobs[i].end, jobs[i].cores, jobs[i].gpus);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		sc_err_set(err, "%s: cannot write: %s", tmp, strerror(errno ? errno : EIO));
		remove(tmp);
		free(tmp);
		return -1;
	}
	chmod(tmp, 0644);
	if (rename(tmp, path) != 0) {
		sc_err_set(err, "%s: cannot replace: %s", path, strerror(errno));
		remove(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Parses one job line into *j (partition by name). Returns 0, or -1 with why. */
static int parse_job(const char *line, char *const *names, size_t n_names, struct sc_load_job *j, int *unknown,
		     char *why, size_t nwhy)
{
	char part[256];
	unsigned long long id, cores, gpus;
	long long start, end;
	int used = 0;

	*unknown = 0;
	if (sscanf(line, "%llu %255s %lld %lld %llu %llu %n", &id, part, &start, &end, &cores, &gpus, &used) != 6 ||
	    line[used] != '\0') {
		snprintf(why, nwhy, "expected KEY PARTITION START END CORES GPUS, got '%s'", SC_PRINTABLE(line));
		return -1;
	}
	if (id == 0 || id > UINT32_MAX || cores > UINT32_MAX || gpus > UINT32_MAX || end <= start ||
	    (cores == 0 && gpus == 0)) {
		snprintf(why, nwhy, "a key from 1 to 4294967295, END after START and some cores or GPUs "
			 "expected, got '%s'", SC_PRINTABLE(line));
		return -1;
	}
	*j = (struct sc_load_job){ (uint32_t)id, n_names, start, end, (uint32_t)cores, (uint32_t)gpus };
	for (size_t i = 0; i < n_names; i++)
		if (strcmp(names[i], part) == 0)
			j->part = i;
	*unknown = j->part == n_names;
	return 0;
}

/* Parses a "capacity PARTITION CORES GPUS" line into caps (a partition not
 * in names is ignored). Returns 0, or -1 with why. */
static int parse_capacity(const char *line, char *const *names, size_t n_names, uint32_t *caps, char *why,
			  size_t nwhy)
{
	char part[256];
	unsigned long long cores, gpus;
	int used = 0;

	if (sscanf(line, "capacity %255s %llu %llu %n", part, &cores, &gpus, &used) != 3 || line[used] != '\0' ||
	    cores == 0 || cores > UINT32_MAX || gpus > UINT32_MAX) {
		snprintf(why, nwhy, "expected capacity PARTITION CORES GPUS (cores from 1, both up to "
			 "4294967295), got '%s'", SC_PRINTABLE(line));
		return -1;
	}
	for (size_t i = 0; caps && i < n_names; i++)
		if (strcmp(names[i], part) == 0) {
			caps[i] = (uint32_t)cores;
			caps[n_names + i] = (uint32_t)gpus;
		}
	return 0;
}

/* Reads the header and the seq line; returns 0 or -1 with err. */
static int read_head(FILE *f, const char *path, uint32_t *seq, struct sc_err *err)
{
	char line[512];
	unsigned long long s;

	if (!fgets(line, sizeof(line), f) || strcmp(line, HEADER "\n") != 0)
		return sc_err_set(err, "%s:1: not a slurm-carbon ledger (expected '" HEADER "')", path);
	if (!fgets(line, sizeof(line), f) || sscanf(line, "seq %llu", &s) != 1 || s > UINT32_MAX)
		return sc_err_set(err, "%s:2: expected 'seq N'", path);
	*seq = (uint32_t)s;
	return 0;
}

long sc_loadfile_restore(const char *path, struct sc_load *l, char *const *names, size_t n_names, int64_t now,
		       uint32_t *seq, uint32_t *caps, size_t *dropped, size_t *bad, struct sc_err *err)
{
	FILE *f = fopen(path, "r");
	char line[512], why[SC_ERR_MAX];
	long added = 0;
	int lineno = 2;

	*dropped = *bad = 0;
	if (caps)
		memset(caps, 0, 2 * n_names * sizeof(*caps));
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return sc_err_set(err, "%s: cannot read: %s", path, strerror(errno));
	}
	if (read_head(f, path, seq, err) < 0) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct sc_load_job j;
		struct sc_err aerr;
		int unknown;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "capacity ", 9) == 0) {
			if (parse_capacity(line, names, n_names, caps, why, sizeof(why)) < 0 && !(*bad)++)
				sc_err_set(err, "%s:%d: %s", path, lineno, why);
			continue;
		}
		if (parse_job(line, names, n_names, &j, &unknown, why, sizeof(why)) < 0 ||
		    (!unknown && j.end > now && sc_load_add(l, j.id, j.part, j.start, j.end, j.cores, j.gpus, &aerr) < 0 &&
		     snprintf(why, sizeof(why), "%s", aerr.msg) >= 0)) {
			if (!(*bad)++)
				sc_err_set(err, "%s:%d: %s", path, lineno, why);
			continue;
		}
		if (unknown || j.end <= now)
			(*dropped)++;
		else
			added++;
		if (j.id > *seq)
			*seq = j.id;
	}
	fclose(f);
	return added;
}

struct sc_load *sc_loadfile_ledger(const struct sc_conf *conf, int64_t now, struct sc_congestion *cong,
				   struct sc_err *err)
{
	struct sc_load *l;
	int any = 0;

	sc_err_clear(err);
	for (size_t i = 0; i < conf->n_parts; i++)
		any |= conf->part_cores[i] > 0 || (conf->part_cap_slurm[i] & SC_CAP_CORES_SLURM);
	if (!any)
		return NULL;
	l = sc_load_create(conf->n_parts, SC_LOADFILE_SLOTS, SC_LOADFILE_JOBS, now, err);
	if (l)
		*cong = (struct sc_congestion){ l, conf->part_cores, conf->part_gpus, SC_CONG_DEFAULT,
						SC_CONG_WEIGHT };
	return l;
}
