/* slurm-carbon: emissions reports from accounting — aggregation per user,
 * account or partition, and the output formats of `scarbon report`.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Jobs are added one at a time (streamed from sacct); memory grows with the
 * number of groups, days and hours covered, not with the number of jobs.
 * Per job:
 *  - only jobs that started count (a job cancelled while pending emitted
 *    nothing); a heterogeneous job counts once (its first component), its
 *    figures are those of all its components;
 *  - CPU-hours = CPUTimeRAW / 3600, GPU-hours = gres/gpu × elapsed / 3600;
 *  - kWh and kgCO2e: the reconciled figure (SystemComment) where there is
 *    one, else the submit-time estimate (AdminComment; not for decisions
 *    none/reject), else none (the job counts in jobs_without_record);
 *  - kgCO2e avoided: the estimate's baseline_gco2e − gco2e when its decision
 *    was applied (0 when the job was left alone);
 *  - mean carbon delay: the estimate's delay_s (0 when not applied), averaged
 *    over the jobs that have an estimate.
 * Emissions per day split a job's figure over the days it ran, in
 * proportion to the time it ran on each.
 */
#ifndef SC_ACCT_REPORT_H
#define SC_ACCT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acct/sacct.h"
#include "forecast/series.h"
#include "base/error.h"

enum sc_group_by { SC_BY_USER = 0, SC_BY_ACCOUNT, SC_BY_PARTITION };

enum sc_report_format { SC_RF_TABLE = 0, SC_RF_PARSABLE, SC_RF_CSV, SC_RF_JSON, SC_RF_HTML };

/* "user", "account", "partition". */
const char *sc_group_by_name(enum sc_group_by by);

struct sc_report_row {
	const char *name;            /* the user, account or partition ("" unknown) */
	long jobs;
	double cpu_hours, gpu_hours;
	double kwh, kgco2e;          /* reconciled + estimated */
	double kgco2e_avoided;
	double delay_sum_s;          /* over the jobs with an estimate */
	long delay_jobs;
	long jobs_reconciled;        /* with a SystemComment figure */
	long jobs_measured;          /* ... whose energy Slurm measured */
	long jobs_estimated;         /* with only the submit-time estimate */
	long jobs_without_record;
	double kgco2e_reconciled, kgco2e_estimated;
	/* Is the estimate any good? Over the jobs with both a usable
	 * submit-time estimate and a reconciled figure: */
	long jobs_compared;
	double kwh_estimated_cmp;    /* the estimate's kWh (AdminComment) */
	double kwh_actual_cmp;       /* the reconciled kWh (SystemComment) */
};

/* delay_sum_s / delay_jobs; 0 when no job has an estimate. */
double sc_report_row_mean_delay(const struct sc_report_row *r);

struct sc_report;

/* NULL when out of memory. */
struct sc_report *sc_report_create(enum sc_group_by by);

/* NULL is a no-op. */
void sc_report_destroy(struct sc_report *r);

/* Adds job (borrowed). Returns 1 when it counted, 0 when ignored (it never
 * started), -1 when out of memory. */
int sc_report_add(struct sc_report *r, const struct sc_acct_job *job);

/* The rows, most kgCO2e first (ties: by name). Valid until the next add. */
size_t sc_report_rows(struct sc_report *r, const struct sc_report_row **rows);

/* The sums over every row. */
const struct sc_report_row *sc_report_total(const struct sc_report *r);

/* First start and last end (running jobs: start + elapsed) of the jobs
 * counted; 0 and 0 when none. */
void sc_report_range(const struct sc_report *r, int64_t *first, int64_t *last);

/* The zones named in the jobs' records (up to 16), for the HTML curve. */
size_t sc_report_zones(const struct sc_report *r, const char *const **zones);

/* An intensity curve to draw in the HTML report. */
struct sc_report_curve {
	const char *zone;
	const char *what;            /* "actual", "file", ... */
	const struct sc_series *s;
};

struct sc_report_info {
	const char *from, *to;       /* the window as asked (NULL: not given) */
	int64_t generated;           /* when the report was made (epoch) */
	const struct sc_report_curve *curves; /* HTML only; may be NULL */
	size_t n_curves;
	const char *curve_note;      /* HTML: why there is no curve (may be NULL) */
};

/* Writes the report. Columns (parsable, csv: a header line then one line per
 * row; json: {"group_by","from","to","rows":[...],"total":{...}}): name, jobs,
 * cpu_hours, gpu_hours, kwh, kgco2e, kgco2e_avoided, mean_delay_s,
 * jobs_reconciled, jobs_measured, jobs_estimated, jobs_without_record,
 * kgco2e_reconciled, kgco2e_estimated, jobs_compared, kwh_estimated,
 * kwh_actual (the last three: jobs_compared, kwh_estimated_cmp,
 * kwh_actual_cmp). table: aligned like sreport, with a TOTAL line and a
 * line saying how much is reconciled and how much estimated, then, when
 * any job has both records, the submit-time estimate against the actual
 * kWh per row (its error in percent of the actual). html: one self-contained page (inline CSS and SVG, no script,
 * nothing fetched): the totals, the table, and three charts — emissions per
 * group (svg#chart-groups), per day (svg#chart-days), intensity with job
 * starts marked (svg#chart-intensity). Returns 0 or -1 with err (write
 * error, out of memory). */
int sc_report_write(struct sc_report *r, enum sc_report_format f, const struct sc_report_info *info,
		    FILE *out, struct sc_err *err);

#endif
