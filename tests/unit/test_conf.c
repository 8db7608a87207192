/* slurm-carbon: tests of the carbon.conf parser (config/conf.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/conf.h"
#include "forecast/provider.h"

#define NAME "/etc/slurm/carbon.conf"

static struct sc_conf *parse_as(const char *name, const char *text, struct sc_diag *d)
{
	return sc_conf_parse(text, strlen(text), name, d);
}

static struct sc_conf *parse_ok(const char *text)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c = parse_as(NAME, text, &d);

	if (!c || d.n)
		fail_msg("expected a valid configuration, got %zu errors, first: %s", d.n, d.n ? d.msgs[0] : "(none)");
	sc_diag_free(&d);
	return c;
}

/* Parses text as "carbon.conf" and asserts exactly one error, equal to msg. */
static void expect_error(const char *text, const char *msg)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c = parse_as("carbon.conf", text, &d);

	if (c || d.n != 1) {
		for (size_t i = 0; i < d.n; i++)
			print_message("  got: %s\n", d.msgs[i]);
		fail_msg("for input [%s]: expected one error, got %zu and %s", text, d.n, c ? "a config" : "no config");
	}
	if (strcmp(d.msgs[0], msg) != 0)
		fail_msg("for input [%s]:\n  got      %s\n  expected %s", text, d.msgs[0], msg);
	sc_diag_free(&d);
}

static const char full[] =
	"# every key\n"
	"Mode=enforce MaxDelay=12:00:00 MinSavings=15% RuntimeRatio=0.8\n"
	"Reroute=no NearBest=5 StateDir=state AllowOptOut=no AllowMixedSignals=yes ReloadInterval=1:30 ArchiveDays=90 PlanInteractive=yes\n"
	"ExemptUsers=root,slurm ExemptAccounts=ops ExemptQOS=urgent,debug\n"
	"\n"
	"ZoneName=DE Provider=file Path=sample/DE.csv Replay=weekly Column=direct Signal=marginal "
	"Horizon=2-00:00:00 MaxAge=3:00:00 MaxGap=1:00:00 Step=30:00\n"
	"ZoneName=LAB Provider=static Intensity=120.5 Signal=average Horizon=24:00:00\n"
	"ZoneName=EM Provider=electricitymaps Region=DE URL=http://127.0.0.1:8080/v3/ TokenFile=/run/em.token\n"
	"ZoneName=WT Provider=watttime Region=CAISO_NORTH TokenFile=wt.secret Signal=marginal\n"
	"ZoneName=UK Provider=ukci\n"
	"ZoneName=UK3 Provider=ukci Region=3 URL=https://api.carbonintensity.org.uk TokenFile=none\n"
	"ZoneName=AZ Provider=casdk Region=eastus URL=http://localhost:5073 Signal=marginal\n"
	"PartitionName=cpu Zone=DE PUE=1.3 CoreWatts=10 GPUWatts=0 MemWattsPerGB=0.5 NodeWatts=50 Usage=0.9 "
	"DefaultTime=2:00:00 DefMemPerCPU=2G Alternatives=gpu,lab Default=yes\n"
	"PartitionName=gpu Zone=DE GPUWatts=300\n"
	"PartitionName=lab Zone=LAB Alternatives=cpu\n";

static void test_full(void **state)
{
	struct sc_conf *c = parse_ok(full);
	const struct sc_zone_spec *z;
	const struct sc_partition *p;

	(void)state;
	assert_string_equal(c->path, NAME);
	assert_int_equal(c->mode, SC_MODE_ENFORCE);
	assert_int_equal(c->line_mode, 2);
	assert_int_equal(c->site.params.max_delay, 12 * 3600);
	assert_near(c->site.params.min_savings_pct, 15, 1e-12);
	assert_near(c->site.params.runtime_ratio, 0.8, 1e-12);
	assert_int_equal(c->site.params.reroute, 0);
	assert_near(c->site.params.near_best_pct, 5, 1e-12);
	assert_string_equal(c->state_dir, "/etc/slurm/state");
	assert_int_equal(c->allow_opt_out, 0);
	assert_int_equal(c->allow_mixed_signals, 1);
	assert_int_equal(c->reload_interval, 90);
	assert_int_equal(c->archive_days, 90);
	assert_int_equal(c->plan_interactive, 1);
	assert_int_equal(c->n_exempt_users, 2);
	assert_string_equal(c->exempt_users[0], "root");
	assert_string_equal(c->exempt_users[1], "slurm");
	assert_int_equal(c->n_exempt_accounts, 1);
	assert_string_equal(c->exempt_accounts[0], "ops");
	assert_int_equal(c->n_exempt_qos, 2);
	assert_string_equal(c->exempt_qos[1], "debug");

	assert_int_equal(c->n_zones, 7);
	assert_int_equal(c->site.n_zones, 7);
	z = &c->zones[0];
	assert_string_equal(z->name, "DE");
	assert_int_equal(z->line, 6);
	assert_ptr_equal(z->provider, sc_provider_find("file"));
	assert_string_equal(z->path, "/etc/slurm/sample/DE.csv");
	assert_int_equal(z->replay, SC_REPLAY_WEEKLY);
	assert_int_equal(z->column, SC_COLUMN_DIRECT);
	assert_int_equal(z->signal, SC_SIGNAL_MARGINAL);
	assert_int_equal(z->horizon, 2 * 86400);
	assert_int_equal(z->max_age, 3 * 3600);
	assert_int_equal(z->max_gap, 3600);
	assert_int_equal(z->step, 1800);
	z = &c->zones[1];
	assert_ptr_equal(z->provider, sc_provider_find("static"));
	assert_near(z->intensity, 120.5, 1e-12);
	assert_int_equal(z->signal, SC_SIGNAL_AVERAGE);
	assert_int_equal(z->horizon, 86400);
	assert_null(z->path);
	z = &c->zones[2];
	assert_ptr_equal(z->provider, sc_provider_find("electricitymaps"));
	assert_string_equal(z->region, "DE");
	assert_string_equal(z->url, "http://127.0.0.1:8080/v3/");
	assert_string_equal(z->token_file, "/run/em.token");
	assert_int_equal(z->signal, SC_SIGNAL_AVERAGE);
	z = &c->zones[3];
	assert_ptr_equal(z->provider, sc_provider_find("watttime"));
	assert_string_equal(z->region, "CAISO_NORTH");
	assert_string_equal(z->token_file, "/etc/slurm/wt.secret");
	assert_null(z->url);
	assert_int_equal(z->signal, SC_SIGNAL_MARGINAL);
	z = &c->zones[4];
	assert_ptr_equal(z->provider, sc_provider_find("ukci"));
	assert_string_equal(z->region, "national");
	assert_null(z->token_file);
	z = &c->zones[5];
	assert_string_equal(z->region, "3");
	assert_string_equal(z->url, "https://api.carbonintensity.org.uk");
	assert_string_equal(z->token_file, "/etc/slurm/none");
	z = &c->zones[6];
	assert_ptr_equal(z->provider, sc_provider_find("casdk"));
	assert_string_equal(z->region, "eastus");
	assert_int_equal(z->signal, SC_SIGNAL_MARGINAL);
	for (size_t i = 0; i < c->n_zones; i++)
		assert_string_equal(c->site.zones[i], c->zones[i].name);
	assert_int_equal(sc_conf_find_zone(c, "UK3"), 5);
	assert_int_equal(sc_conf_find_zone(c, "uk3"), -1);
	assert_int_equal(sc_conf_find_zone(c, "nope"), -1);

	assert_int_equal(c->n_parts, 3);
	assert_int_equal(c->site.n_parts, 3);
	assert_ptr_equal(c->site.parts, c->parts);
	assert_int_equal(c->default_part, 0);
	p = &c->parts[0];
	assert_string_equal(p->name, "cpu");
	assert_int_equal(c->part_lines[0], 13);
	assert_int_equal(p->zone, 0);
	assert_near(p->pue, 1.3, 1e-12);
	assert_near(p->power.core_w, 10, 1e-12);
	assert_near(p->power.gpu_w, 0, 1e-12);
	assert_near(p->power.mem_w_per_gb, 0.5, 1e-12);
	assert_near(p->power.node_w, 50, 1e-12);
	assert_near(p->power.usage, 0.9, 1e-12);
	assert_int_equal(p->default_time, 7200);
	assert_int_equal(c->part_defaults[0].def_mem_per_cpu_mb, 2048);
	assert_int_equal(p->n_alt, 2);
	assert_int_equal(p->alt[0], 1);
	assert_int_equal(p->alt[1], 2);
	p = &c->parts[1];
	assert_string_equal(p->name, "gpu");
	assert_near(p->power.gpu_w, 300, 1e-12);
	assert_int_equal(p->n_alt, 0);
	p = &c->parts[2];
	assert_int_equal(p->zone, 1);
	assert_int_equal(p->n_alt, 1);
	assert_int_equal(p->alt[0], 0);
	assert_int_equal(c->part_lines[2], 15);
	sc_conf_destroy(c);
}

static void test_defaults(void **state)
{
	struct sc_conf *c = parse_ok("ZoneName=DE Provider=static Intensity=300\n"
				     "ZoneName=W Provider=watttime Region=CAISO_NORTH TokenFile=/t\n"
				     "PartitionName=p Zone=DE");
	const struct sc_zone_spec *z = &c->zones[0];
	const struct sc_partition *p = &c->parts[0];

	(void)state;
	assert_int_equal(c->mode, SC_MODE_ADVISE);
	assert_int_equal(c->line_mode, 0);
	assert_int_equal(c->site.params.max_delay, 8 * 3600);
	assert_near(c->site.params.min_savings_pct, 0, 1e-12);
	assert_near(c->site.params.runtime_ratio, 1.0, 1e-12);
	assert_int_equal(c->site.params.reroute, 1);
	assert_near(c->site.params.near_best_pct, 0, 1e-12);
	assert_string_equal(c->state_dir, "/var/lib/slurm-carbon");
	assert_int_equal(c->allow_opt_out, 1);
	assert_int_equal(c->allow_mixed_signals, 0);
	assert_int_equal(c->reload_interval, 10);
	assert_int_equal(c->archive_days, 35);
	assert_int_equal(c->plan_interactive, 0);
	assert_int_equal(c->estimates_learned, 0);
	assert_int_equal(c->estimates_max_age, 7 * 86400);
	assert_int_equal(c->n_exempt_users + c->n_exempt_accounts + c->n_exempt_qos, 0);

	assert_int_equal(z->replay, SC_REPLAY_NONE);
	assert_int_equal(z->column, SC_COLUMN_LCA);
	assert_int_equal(z->signal, SC_SIGNAL_AVERAGE);
	assert_int_equal(z->horizon, 72 * 3600);
	assert_int_equal(z->max_age, 6 * 3600);
	assert_int_equal(z->max_gap, 6 * 3600);
	assert_int_equal(z->step, 0);
	assert_null(z->path);
	assert_null(z->region);
	assert_null(z->url);
	assert_null(z->token_file);
	/* WattTime is marginal without being told. */
	assert_int_equal(c->zones[1].signal, SC_SIGNAL_MARGINAL);

	assert_near(p->pue, 1.56, 1e-12);
	assert_near(p->power.core_w, 12, 1e-12);
	assert_near(p->power.gpu_w, 200, 1e-12);
	assert_near(p->power.mem_w_per_gb, 0.3725, 1e-12);
	assert_near(p->power.node_w, 0, 1e-12);
	assert_near(p->power.usage, 1.0, 1e-12);
	assert_int_equal(p->default_time, 3600);
	assert_int_equal(c->part_defaults[0].def_mem_per_cpu_mb, 0);
	assert_int_equal(p->n_alt, 0);
	assert_int_equal(c->default_part, 0);
	sc_conf_destroy(c);

	/* Nothing managed is a valid configuration. */
	c = parse_ok("# only comments\n\n   \t# indented\n");
	assert_int_equal(c->n_zones, 0);
	assert_int_equal(c->n_parts, 0);
	assert_int_equal(c->default_part, -1);
	sc_conf_destroy(c);
	c = parse_ok("");
	sc_conf_destroy(c);
	c = sc_conf_parse(NULL, 0, NULL, NULL);
	assert_non_null(c);
	assert_string_equal(c->path, "carbon.conf");
	sc_conf_destroy(c);
	sc_conf_destroy(NULL);
}

#define ZL "ZoneName=Z Provider=static Intensity=1\n"
#define GLOBAL_KEYS                                                                                    \
	"Mode, MaxDelay, MinSavings, RuntimeRatio, Reroute, NearBest, StateDir, AllowOptOut, PlanInteractive, "          \
	"AllowMixedSignals, ReloadInterval, SyncInterval, ArchiveDays, ExemptUsers, ExemptAccounts, ExemptQOS, Estimates, EstimatesMaxAge"
#define ZONE_KEYS \
	"Provider, Path, Intensity, Replay, Column, Region, URL, TokenFile, Signal, Horizon, MaxAge, MaxGap, Step, " \
	"ForecastError"
#define PART_KEYS \
	"Zone, PUE, CoreWatts, GPUWatts, MemWattsPerGB, NodeWatts, Usage, DefaultTime, DefMemPerCPU, Alternatives, Default, Cores, GPUs"

/* An unknown global key, and the key suggested for it (NULL: none): up to
 * 2 edits of any kind (case aside), fewer than a third of the key; the
 * record's own keys first, then any. */
static void test_suggestions(void **state)
{
	static const char *const cases[][2] = {
		{ "mxdelai", "MaxDelay" },   { "MaxDel", "MaxDelay" }, { "MaxDelayXY", "MaxDelay" },
		{ "MaDeli", NULL },	     { "MaxDelayXYZ", NULL },  { "Zn", NULL },
		{ "CoreWatt", "CoreWatts" }, { "Zne", "Zone" },	       { "estimatesmaxag", "EstimatesMaxAge" },
	};
	char text[64], msg[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *k = cases[i][0], *s = cases[i][1];

		snprintf(text, sizeof(text), "%s=1\n", k);
		snprintf(msg, sizeof(msg), "carbon.conf:1: unknown key '%s'%s%s%s; global keys are: %s", k,
			 s ? " (did you mean " : "", s ? s : "", s ? "?)" : "", GLOBAL_KEYS);
		expect_error(text, msg);
	}
}

/* The first SC_CONF_MAX_HINTS unknown keys get a hint, the later ones none
 * (a file of many unknown keys is not carbon.conf; each hint costs an edit
 * distance against every key). */
static void test_hint_limit(void **state)
{
	char text[64 * (SC_CONF_MAX_HINTS + 2)] = "", want[1024];
	struct sc_diag d = { 0 };
	struct sc_conf *c;

	(void)state;
	for (int i = 0; i < SC_CONF_MAX_HINTS + 2; i++)
		strcat(text, "MaxDelai=1\n");
	c = parse_as("carbon.conf", text, &d);
	assert_null(c);
	assert_int_equal(d.n, SC_CONF_MAX_HINTS + 2);
	for (int i = 0; i < SC_CONF_MAX_HINTS + 2; i++) {
		snprintf(want, sizeof(want), "carbon.conf:%d: unknown key 'MaxDelai'%s; global keys are: %s", i + 1,
			 i < SC_CONF_MAX_HINTS ? " (did you mean MaxDelay?)" : "", GLOBAL_KEYS);
		assert_string_equal(d.msgs[i], want);
	}
	sc_diag_free(&d);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("Mode=advise\nMaxDelai=1:00:00\n",
		     "carbon.conf:2: unknown key 'MaxDelai' (did you mean MaxDelay?); global keys are: " GLOBAL_KEYS);
	expect_error("Frobnicate=1\n", "carbon.conf:1: unknown key 'Frobnicate'; global keys are: " GLOBAL_KEYS);
	expect_error("ZoneName=Z Provider=static Intensity=1 Horizn=48:00:00\n",
		     "carbon.conf:1: unknown key 'Horizn' (did you mean Horizon?); ZoneName record keys are: " ZONE_KEYS);
	expect_error(ZL "PartitionName=p Zone=Z CoreWats=3\n",
		     "carbon.conf:2: unknown key 'CoreWats' (did you mean CoreWatts?); PartitionName record keys are: " PART_KEYS);
	expect_error("Mode=advise mode=off\n", "carbon.conf:1: Mode= given twice on this line; give each key once");
	expect_error("Mode=advise\n\nMODE=off\n",
		     "carbon.conf:3: Mode= given twice (first on line 1); give each global key once");
	expect_error("ZoneName=Z Provider=static Intensity=1 intensity=2\n",
		     "carbon.conf:1: Intensity= given twice in this record; give each key once");
	expect_error(ZL "ZoneName=A Provider=static Intensity=2\nZoneName=Z Provider=static Intensity=3\n",
		     "carbon.conf:3: duplicate ZoneName=Z (first on line 1); each zone is defined once");
	expect_error(ZL "PartitionName=p Zone=Z\n# p again\nPartitionName=p Zone=Z\n",
		     "carbon.conf:4: duplicate PartitionName=p (first on line 2); each partition is defined once");
	expect_error("MaxDelay=\n", "carbon.conf:1: missing value after 'MaxDelay='; expected Key=Value");
	expect_error("MaxDelay= Mode=off\n", "carbon.conf:1: missing value after 'MaxDelay='; expected Key=Value");
	expect_error("MaxDelay=# none\n", "carbon.conf:1: missing value after 'MaxDelay='; expected Key=Value");
	expect_error("StateDir=\"\"\n", "carbon.conf:1: missing value after 'StateDir='; expected Key=Value");
	expect_error("Mode=off enforce\n",
		     "carbon.conf:1: 'enforce' is not a Key=Value pair; expected Key=Value pairs separated by blanks");
	expect_error("=enforce\n", "carbon.conf:1: missing key before '=enforce'; expected Key=Value");
	expect_error("StateDir=\"/var/lib/x\n",
		     "carbon.conf:1: unterminated quote in the value of StateDir=; a quoted value ends with '\"' on the same line");
	expect_error("StateDir=\"/a b\"c\n",
		     "carbon.conf:1: text after the closing quote of StateDir=; expected a blank between Key=Value pairs");
	expect_error("StateDir=/a\"b c\"\n",
		     "carbon.conf:1: unexpected '\"' in the value of StateDir=; a quoted value must be quoted as a whole (Key=\"a value\")");
	expect_error("Mode=off ZoneName=Z Provider=static Intensity=1\n",
		     "carbon.conf:1: ZoneName= must begin its line; a line holds one ZoneName, PartitionName or BudgetName record, or global keys");
	expect_error(ZL "PartitionName=p Zone=Z Mode=enforce\n",
		     "carbon.conf:2: Mode= is a global key, not a key of PartitionName records; put global keys on lines of their own");
	expect_error("Provider=file\n",
		     "carbon.conf:1: Provider= belongs in a ZoneName record; start the line with ZoneName=<name>");
	expect_error(ZL "PartitionName=p Zone=Z Region=DE\n",
		     "carbon.conf:2: Region= is a key of ZoneName records, not of PartitionName records; PartitionName record keys are: " PART_KEYS);
	{
		static const char nul[] = "\n\nStateDir=/x\0Mode=off\n";
		struct sc_diag d = { 0 };
		assert_null(sc_conf_parse(nul, sizeof(nul) - 1, "carbon.conf", &d));
		assert_int_equal(d.n, 1);
		assert_string_equal(d.msgs[0], "carbon.conf:3: line contains a NUL byte; carbon.conf is a text file");
		sc_diag_free(&d);
	}
}

static void test_record_errors(void **state)
{
	(void)state;
	expect_error("ZoneName=Z Provider=file Path=a.csv Intensity=300\n",
		     "carbon.conf:1: Intensity= applies only to Provider=static; ZoneName=Z has Provider=file");
	expect_error("ZoneName=Z Provider=static Intensity=3 Region=DE\n",
		     "carbon.conf:1: Region= applies only to Provider=electricitymaps, watttime, ukci or casdk; ZoneName=Z has Provider=static");
	expect_error("ZoneName=Z Provider=ukci Replay=weekly\n",
		     "carbon.conf:1: Replay= applies only to Provider=file; ZoneName=Z has Provider=ukci");
	expect_error("ZoneName=Z Provider=casdk Region=x Path=a.csv\n",
		     "carbon.conf:1: Path= applies only to Provider=file; ZoneName=Z has Provider=casdk");
	expect_error("ZoneName=Z Path=a.csv\n",
		     "carbon.conf:1: ZoneName=Z has no Provider=; expected Provider=file, static, electricitymaps, watttime, ukci or casdk");
	expect_error("ZoneName=Z Provider=solar\n",
		     "carbon.conf:1: Provider: invalid value 'solar'; expected file, static, electricitymaps, watttime, ukci or casdk");
	expect_error("ZoneName=Z Provider=file\n",
		     "carbon.conf:1: ZoneName=Z has Provider=file but no Path=; expected Path=<intensity CSV file>");
	expect_error("ZoneName=Z Provider=static\n",
		     "carbon.conf:1: ZoneName=Z has Provider=static but no Intensity=; expected Intensity=<gCO2e/kWh, 0 to 3000>");
	expect_error("ZoneName=Z Provider=casdk\n",
		     "carbon.conf:1: ZoneName=Z has Provider=casdk but no Region=; expected Region=<the provider's id for the area>");
	expect_error("ZoneName=Z Provider=electricitymaps Region=DE\n",
		     "carbon.conf:1: ZoneName=Z has Provider=electricitymaps but no TokenFile=; expected TokenFile=<file whose first line is the API token>");
	expect_error("ZoneName=Z Provider=watttime Region=CAISO_NORTH\n",
		     "carbon.conf:1: ZoneName=Z has Provider=watttime but no TokenFile=; expected TokenFile=<file whose first line is the username:password>");
	expect_error("ZoneName=Z Provider=watttime Region=CAISO_NORTH TokenFile=t Signal=average\n",
		     "carbon.conf:1: Provider=watttime publishes marginal intensities only; omit Signal= or say Signal=marginal");
	expect_error("ZoneName=Z Provider=ukci Signal=marginal\n",
		     "carbon.conf:1: Provider=ukci publishes average intensities only; omit Signal= or say Signal=average");
	expect_error("ZoneName=Z Provider=ukci URL=ftp://x\n",
		     "carbon.conf:1: URL: invalid URL 'ftp://x'; expected an http:// or https:// base URL");
	expect_error("ZoneName=Z Provider=ukci URL=https://\n",
		     "carbon.conf:1: URL: URL 'https://' has no host; expected http(s)://host[:port][/path]");
	expect_error("ZoneName=Z Provider=ukci URL=\"http://a b\"\n",
		     "carbon.conf:1: URL: URL 'http://a b' contains a blank or control character; expected a URL-encoded address");
	expect_error("ZoneName=Z Provider=casdk Region=east/us\n",
		     "carbon.conf:1: Region: invalid region 'east/us'; expected letters, digits, '-', '_' and '.'");
	expect_error("ZoneName=a/b Provider=static Intensity=1\n",
		     "carbon.conf:1: invalid ZoneName 'a/b'; expected letters, digits, '-', '_' and '.'");
	expect_error(ZL "PartitionName=p\n", "carbon.conf:2: PartitionName=p has no Zone=; expected Zone=<a ZoneName of this file>");
	expect_error(ZL "PartitionName=p Zone=X\n",
		     "carbon.conf:2: Zone=X of PartitionName=p is not a ZoneName record of this file; defined zones: Z");
	expect_error("PartitionName=p Zone=X\n",
		     "carbon.conf:1: Zone=X of PartitionName=p is not a ZoneName record of this file; define it with a ZoneName=X line");
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=q\n",
		     "carbon.conf:2: Alternatives= of PartitionName=p: 'q' is not a PartitionName record of this file; expected managed partitions");
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=p\n",
		     "carbon.conf:2: Alternatives= of PartitionName=p names the partition itself; expected other managed partitions");
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=q,q\nPartitionName=q Zone=Z\n",
		     "carbon.conf:2: Alternatives= of PartitionName=p: 'q' listed 2 times; name each partition once");
	/* A name listed several times is one error, however often it is listed. */
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=q,r,q,q\nPartitionName=q Zone=Z\nPartitionName=r Zone=Z\n",
		     "carbon.conf:2: Alternatives= of PartitionName=p: 'q' listed 3 times; name each partition once");
	expect_error(ZL "PartitionName=st Zone=Z Alternatives=st,st,st\n",
		     "carbon.conf:2: Alternatives= of PartitionName=st names the partition itself (listed 3 times); "
		     "expected other managed partitions");
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=x,x\n",
		     "carbon.conf:2: Alternatives= of PartitionName=p: 'x' (listed 2 times) is not a PartitionName "
		     "record of this file; expected managed partitions");
	expect_error(ZL "PartitionName=p Zone=Z Alternatives=q,\nPartitionName=q Zone=Z\n",
		     "carbon.conf:2: Alternatives: empty item in list 'q,'; expected names separated by commas (a,b,c)");
	expect_error(ZL "PartitionName=p Zone=Z Default=yes\nPartitionName=q Zone=Z Default=yes\n",
		     "carbon.conf:3: PartitionName=q has Default=yes, but PartitionName=p (line 2) is already the default; at most one partition may say Default=yes");
	expect_error(ZL "PartitionName=DEFAULT Default=yes\n",
		     "carbon.conf:2: Default= cannot be given in PartitionName=DEFAULT; mark one partition Default=yes");
	expect_error("ExemptUsers=a,,b\n",
		     "carbon.conf:1: ExemptUsers: empty item in list 'a,,b'; expected names separated by commas (a,b,c)");
	expect_error("ExemptQOS=\"a, b\"\n",
		     "carbon.conf:1: ExemptQOS: invalid name ' b' in list 'a, b'; expected names without blanks separated by commas");
}

/* Each value is checked with the key's own accepted range. */
static void test_value_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "Mode=on", "carbon.conf:1: Mode: invalid value 'on'; expected enforce, advise or off" },
		{ "MaxDelay=8h",
		  "carbon.conf:1: MaxDelay: invalid duration '8h': expected mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss" },
		{ "MaxDelay=UNLIMITED",
		  "carbon.conf:1: MaxDelay: duration 'UNLIMITED' is not allowed here: expected mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss" },
		{ "MinSavings=101%",
		  "carbon.conf:1: MinSavings: percentage '101' is out of range: expected a number from 0 to 100" },
		{ "NearBest=-1", "carbon.conf:1: NearBest: percentage '-1' is out of range: expected a number from 0 to 100" },
		{ "RuntimeRatio=0",
		  "carbon.conf:1: RuntimeRatio: value '0' is out of range; expected a number greater than 0 and at most 1" },
		{ "RuntimeRatio=1.5", "carbon.conf:1: RuntimeRatio: value '1.5' is out of range: expected a number from 0 to 1" },
		{ "Reroute=maybe", "carbon.conf:1: Reroute: invalid boolean 'maybe': expected yes or no" },
		{ "AllowOptOut=2", "carbon.conf:1: AllowOptOut: invalid boolean '2': expected yes or no" },
		{ "AllowMixedSignals=y", "carbon.conf:1: AllowMixedSignals: invalid boolean 'y': expected yes or no" },
		{ "ReloadInterval=0",
		  "carbon.conf:1: ReloadInterval: duration '0' is too short; expected at least 00:00:01" },
		{ "Estimates=auto", "carbon.conf:1: Estimates: invalid value 'auto'; expected configured or learned" },
		{ "EstimatesMaxAge=30", "carbon.conf:1: EstimatesMaxAge: duration '30' is too short; expected at least 01:00:00" },
		{ "ArchiveDays=0",
		  "carbon.conf:1: ArchiveDays: number of days '0' is out of range: expected a number from 1 to 3650" },
		{ "ArchiveDays=7.5",
		  "carbon.conf:1: ArchiveDays: number of days '7.5' is not a whole number; expected 1 to 3650" },
		{ ZL "ZoneName=A Provider=static Intensity=3001",
		  "carbon.conf:2: Intensity: intensity '3001' is out of range: expected a number from 0 to 3000" },
		{ "ZoneName=A Provider=file Path=a Replay=daily",
		  "carbon.conf:1: Replay: invalid value 'daily'; expected none or weekly" },
		{ "ZoneName=A Provider=file Path=a Column=total",
		  "carbon.conf:1: Column: invalid value 'total'; expected lca or direct" },
		{ "ZoneName=A Provider=file Path=a Signal=mean",
		  "carbon.conf:1: Signal: invalid value 'mean'; expected average or marginal" },
		{ "ZoneName=A Provider=file Path=a Horizon=0",
		  "carbon.conf:1: Horizon: duration '0' is too short; expected at least 00:00:01" },
		{ "ZoneName=A Provider=file Path=a MaxAge=0:00",
		  "carbon.conf:1: MaxAge: duration '0:00' is too short; expected at least 00:00:01" },
		{ "ZoneName=A Provider=file Path=a MaxGap=-1",
		  "carbon.conf:1: MaxGap: invalid duration '-1': expected mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss" },
		{ "ZoneName=A Provider=file Path=a Step=0:30",
		  "carbon.conf:1: Step: duration '0:30' is too short; expected 0 or at least 00:01:00" },
		{ ZL "PartitionName=p Zone=Z PUE=0.9",
		  "carbon.conf:2: PUE: value '0.9' is out of range: expected a number from 1 to 3" },
		{ ZL "PartitionName=p Zone=Z PUE=3.5",
		  "carbon.conf:2: PUE: value '3.5' is out of range: expected a number from 1 to 3" },
		{ ZL "PartitionName=p Zone=Z CoreWatts=-1",
		  "carbon.conf:2: CoreWatts: value '-1' is out of range: expected a number from 0 to 1000" },
		{ ZL "PartitionName=p Zone=Z GPUWatts=2001",
		  "carbon.conf:2: GPUWatts: value '2001' is out of range: expected a number from 0 to 2000" },
		{ ZL "PartitionName=p Zone=Z MemWattsPerGB=11",
		  "carbon.conf:2: MemWattsPerGB: value '11' is out of range: expected a number from 0 to 10" },
		{ ZL "PartitionName=p Zone=Z NodeWatts=1e5",
		  "carbon.conf:2: NodeWatts: value '1e5' is out of range: expected a number from 0 to 10000" },
		{ ZL "PartitionName=p Zone=Z Usage=1.01",
		  "carbon.conf:2: Usage: value '1.01' is out of range: expected a number from 0 to 1" },
		{ ZL "PartitionName=p Zone=Z CoreWatts=nan",
		  "carbon.conf:2: CoreWatts: invalid value 'nan': expected a number from 0 to 1000" },
		{ ZL "PartitionName=p Zone=Z DefaultTime=0",
		  "carbon.conf:2: DefaultTime: duration '0' is too short; expected at least 00:00:01" },
		{ ZL "PartitionName=p Zone=Z DefMemPerCPU=2X",
		  "carbon.conf:2: DefMemPerCPU: invalid memory size '2X': expected a whole number with an optional unit K, M (default), G or T" },
		{ ZL "PartitionName=p Zone=Z Cores=0",
		  "carbon.conf:2: Cores: invalid value '0': expected a whole number from 1 to 10000000, or slurm (the partition's, from slurmctld)" },
		{ ZL "PartitionName=p Zone=Z Cores=2.5",
		  "carbon.conf:2: Cores: invalid value '2.5': expected a whole number, or slurm" },
		{ ZL "PartitionName=p Zone=Z GPUs=lots",
		  "carbon.conf:2: GPUs: invalid value 'lots': expected a whole number from 0 to 10000000, or slurm (the partition's, from slurmctld)" },
		{ ZL "PartitionName=p Zone=Z Cores=slurmctld",
		  "carbon.conf:2: Cores: invalid value 'slurmctld': expected a whole number from 1 to 10000000, or slurm (the partition's, from slurmctld)" },
		{ ZL "PartitionName=p Zone=Z GPUs=slurm,4",
		  "carbon.conf:2: GPUs: invalid value 'slurm,4': expected a whole number from 0 to 10000000, or slurm (the partition's, from slurmctld)" },
		{ ZL "SyncInterval=-1",
		  "carbon.conf:2: SyncInterval: number of seconds '-1' is out of range: expected a number from 0 to 86400" },
		{ ZL "SyncInterval=86401",
		  "carbon.conf:2: SyncInterval: number of seconds '86401' is out of range: expected a number from 0 to 86400" },
		{ ZL "SyncInterval=1:00",
		  "carbon.conf:2: SyncInterval: invalid number of seconds '1:00': expected a number from 0 to 86400" },
		{ ZL "SyncInterval=2.5",
		  "carbon.conf:2: SyncInterval: number of seconds '2.5' is not a whole number; expected 0 (never) to 86400" },
		{ ZL "PartitionName=p Zone=Z Default=perhaps",
		  "carbon.conf:2: Default: invalid boolean 'perhaps': expected yes or no" },
		{ ZL "PartitionName=p Zone=Z Alternatives=a;b",
		  "carbon.conf:2: Alternatives: invalid name 'a;b' in list 'a;b'; expected letters, digits, '-', '_' and '.' separated by commas" },
		{ ZL "PartitionName=p Zone=\"Z Z\"",
		  "carbon.conf:2: Zone: invalid zone name 'Z Z'; expected letters, digits, '-', '_' and '.'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].msg);
}

static void test_all_errors_in_one_pass(void **state)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c;

	(void)state;
	c = parse_as("site.conf",
		     "Mode=sometimes\n"                                       /* 1 */
		     "PartitionName=p Zone=DE Alternatives=q,gone\n"          /* 2: 'gone' */
		     "# fine\n"                                               /* 3 */
		     "ZoneName=DE Provider=file Path=de.csv MaxDelay=1:00\n"  /* 4: global key in record */
		     "PartitionName=q Zone=W PUE=9\n"                         /* 5: PUE; mixed signals */
		     "ZoneName=W Provider=watttime Region=X TokenFile=t\n"    /* 6: fine */
		     "Mode=off\n",                                            /* 7: twice */
		     &d);
	assert_null(c);
	for (size_t i = 0; i < d.n; i++)
		print_message("# %s\n", d.msgs[i]);
	assert_int_equal(d.n, 6);
	assert_string_equal(d.msgs[0], "site.conf:1: Mode: invalid value 'sometimes'; expected enforce, advise or off");
	assert_string_equal(d.msgs[1],
			    "site.conf:2: Alternatives= of PartitionName=p: 'gone' is not a PartitionName record of this file; expected managed partitions");
	assert_string_equal(d.msgs[2],
			    "site.conf:2: PartitionName=p (zone DE, average signal) has Alternatives=q (zone W, marginal signal): "
			    "comparing marginal and average intensities is meaningless; choose alternatives with the same signal kind or set AllowMixedSignals=yes");
	assert_contains(d.msgs[3], "site.conf:4: MaxDelay= is a global key");
	assert_string_equal(d.msgs[4], "site.conf:5: PUE: value '9' is out of range: expected a number from 1 to 3");
	assert_string_equal(d.msgs[5], "site.conf:7: Mode= given twice (first on line 1); give each global key once");
	sc_diag_free(&d);

	/* A duplicate record is still read: its own errors are reported too. */
	assert_null(parse_as("d.conf", "ZoneName=Z Provider=static Intensity=1\nZoneName=Z Provider=static Intensity=-4\n", &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.msgs[0], "d.conf:2: duplicate ZoneName=Z (first on line 1); each zone is defined once");
	assert_string_equal(d.msgs[1], "d.conf:2: Intensity: intensity '-4' is out of range: expected a number from 0 to 3000");
	sc_diag_free(&d);

	/* A caller's diag may already hold messages: they stay first. */
	sc_diag_add(&d, "earlier");
	assert_null(parse_as("x.conf", "A=1\nB=2\n", &d));
	assert_int_equal(d.n, 3);
	assert_string_equal(d.msgs[0], "earlier");
	assert_contains(d.msgs[1], "x.conf:1: unknown key 'A'");
	assert_contains(d.msgs[2], "x.conf:2: unknown key 'B'");
	sc_diag_free(&d);

	/* Without a diag, errors still make the parse fail. */
	assert_null(parse_as("x.conf", "A=1\n", NULL));
}

static void test_case_insensitive(void **state)
{
	struct sc_conf *c = parse_ok("mode=ENFORCE maxdelay=1:00:00 REROUTE=No\n"
				     "zonename=DE PROVIDER=Static intensity=100 SIGNAL=Marginal\n"
				     "zoneNAME=F PROVIDER=FILE path=f.csv replay=WEEKLY column=Direct\n"
				     "partitionname=p zone=DE pue=1.2 default=YES corewatts=3 gpuwatts=4 memwattspergb=1 "
				     "nodewatts=5 usage=.5 defaulttime=30 defmempercpu=512 alternatives=q\n"
				     "PARTITIONNAME=q ZONE=DE\n");

	(void)state;
	assert_int_equal(c->mode, SC_MODE_ENFORCE);
	assert_int_equal(c->site.params.max_delay, 3600);
	assert_int_equal(c->site.params.reroute, 0);
	assert_ptr_equal(c->zones[0].provider, sc_provider_find("static"));
	assert_int_equal(c->zones[0].signal, SC_SIGNAL_MARGINAL);
	assert_int_equal(c->zones[1].replay, SC_REPLAY_WEEKLY);
	assert_int_equal(c->zones[1].column, SC_COLUMN_DIRECT);
	assert_near(c->parts[0].power.usage, 0.5, 1e-12);
	assert_int_equal(c->parts[0].default_time, 1800);
	assert_int_equal(c->part_defaults[0].def_mem_per_cpu_mb, 512);
	assert_int_equal(c->parts[0].n_alt, 1);
	assert_int_equal(c->default_part, 0);
	sc_conf_destroy(c);

	/* Names are not keys: they keep their case, as in Slurm. */
	expect_error("ZoneName=de Provider=static Intensity=1\nPartitionName=p Zone=DE\n",
		     "carbon.conf:2: Zone=DE of PartitionName=p is not a ZoneName record of this file; defined zones: de");
}

static void test_quotes_and_comments(void **state)
{
	struct sc_conf *c = parse_ok("  # a comment with Key=Value inside\n"
				     "StateDir=\"/var/lib/carbon state\" # trailing comment\n"
				     "ExemptUsers=alice#bob,carol\n"
				     "\tExemptAccounts=\"ops#1\"\tMode=off#no blank before the comment\r\n"
				     "ZoneName=DE Provider=file Path=\"/data/a b#c.csv\"# right after the quote\n"
				     "PartitionName=p Zone=\"DE\"\n");

	(void)state;
	assert_string_equal(c->state_dir, "/var/lib/carbon state");
	assert_int_equal(c->n_exempt_users, 1);
	assert_string_equal(c->exempt_users[0], "alice");
	assert_int_equal(c->n_exempt_accounts, 1);
	assert_string_equal(c->exempt_accounts[0], "ops#1");
	assert_int_equal(c->mode, SC_MODE_OFF);
	assert_string_equal(c->zones[0].path, "/data/a b#c.csv");
	assert_int_equal(c->parts[0].zone, 0);
	sc_conf_destroy(c);

	/* The text need not be NUL-terminated: only len bytes count. */
	{
		const char text[] = "Mode=enforce\nMode=off";
		struct sc_diag d = { 0 };
		c = sc_conf_parse(text, 12, "t.conf", &d);
		assert_non_null(c);
		assert_int_equal(d.n, 0);
		assert_int_equal(c->mode, SC_MODE_ENFORCE);
		sc_conf_destroy(c);
	}
}

/* Cores= and GPUs=: the capacity, inherited from DEFAULT lines; 0 when
 * not set. */
static void test_capacity(void **state)
{
	struct sc_conf *c = parse_ok(ZL "PartitionName=DEFAULT Cores=64\n"
				     "PartitionName=a Zone=Z Cores=32 GPUs=4\n"
				     "PartitionName=b Zone=Z\n"
				     "PartitionName=DEFAULT Cores=1\n"
				     "PartitionName=c Zone=Z GPUs=0\n");
	struct sc_conf *d = parse_ok(ZL "PartitionName=p Zone=Z\n");

	(void)state;
	assert_int_equal(c->part_cores[0], 32);
	assert_int_equal(c->part_gpus[0], 4);
	assert_int_equal(c->part_cores[1], 64);
	assert_int_equal(c->part_gpus[1], 0);
	assert_int_equal(c->part_cores[2], 1);
	assert_int_equal(d->part_cores[0], 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c->part_cap_slurm[i], 0);
	assert_int_equal(d->part_cap_slurm[0], 0);
	assert_int_equal(c->sync_interval, 60); /* the default */
	sc_conf_destroy(c);
	sc_conf_destroy(d);
}

/* Cores=slurm and GPUs=slurm: slurmctld's figures, filled by the plugin
 * (0 until then); inherited from DEFAULT lines and overridden by a number;
 * SyncInterval in whole seconds, 0 for never. */
static void test_capacity_slurm(void **state)
{
	struct sc_conf *c = parse_ok("SyncInterval=1\n" ZL "PartitionName=DEFAULT Cores=SLURM GPUs=slurm\n"
				     "PartitionName=a Zone=Z\n"
				     "PartitionName=b Zone=Z Cores=32\n"
				     "PartitionName=c Zone=Z GPUs=2\n"
				     "PartitionName=DEFAULT Cores=8 GPUs=0\n"
				     "PartitionName=d Zone=Z Cores=slurm\n");
	struct sc_conf *e = parse_ok("SyncInterval=86400\n" ZL "PartitionName=p Zone=Z\n");

	(void)state;
	assert_int_equal(c->sync_interval, 1);
	assert_int_equal(e->sync_interval, 86400);
	assert_int_equal(c->part_cap_slurm[0], SC_CAP_CORES_SLURM | SC_CAP_GPUS_SLURM);
	assert_int_equal(c->part_cores[0], 0);
	assert_int_equal(c->part_gpus[0], 0);
	assert_int_equal(c->part_cap_slurm[1], SC_CAP_GPUS_SLURM);
	assert_int_equal(c->part_cores[1], 32);
	assert_int_equal(c->part_cap_slurm[2], SC_CAP_CORES_SLURM);
	assert_int_equal(c->part_gpus[2], 2);
	assert_int_equal(c->part_cap_slurm[3], SC_CAP_CORES_SLURM);
	assert_int_equal(c->part_cores[3], 0);
	assert_int_equal(c->part_gpus[3], 0);
	assert_int_equal(e->part_cap_slurm[0], 0);
	sc_conf_destroy(c);
	sc_conf_destroy(e);
	/* Without the sync the capacity would stay unknown: an error; numbers need none. */
	expect_error("SyncInterval=0\n" ZL "PartitionName=p Zone=Z GPUs=slurm\n",
		     "carbon.conf:3: PartitionName=p takes its capacity from slurmctld (Cores=slurm or GPUs=slurm), "
		     "which the plugin reads at each sync, but SyncInterval=0 (line 1) turns the sync off; expected "
		     "SyncInterval above 0 or numbers");
	c = parse_ok("SyncInterval=0\n" ZL "PartitionName=p Zone=Z Cores=8 GPUs=1\n");
	assert_int_equal(c->sync_interval, 0);
	sc_conf_destroy(c);
}

static void test_default_records(void **state)
{
	struct sc_conf *c = parse_ok("ZoneName=DEFAULT Provider=file Replay=weekly Horizon=48:00:00\n"
				     "ZoneName=DE Path=DE.csv\n"
				     "ZoneName=S Provider=static Intensity=100\n"
				     "ZoneName=default Horizon=24:00:00\n"
				     "ZoneName=FR Path=FR.csv Replay=none\n"
				     "PartitionName=DEFAULT Zone=DE PUE=1.3 Alternatives=green\n"
				     "PartitionName=a\n"
				     "PartitionName=green Zone=FR\n"
				     "PartitionName=DEFAULT PUE=1.1\n"
				     "PartitionName=c Alternatives=a\n");

	(void)state;
	assert_int_equal(c->n_zones, 3);
	assert_ptr_equal(c->zones[0].provider, sc_provider_find("file"));
	assert_int_equal(c->zones[0].replay, SC_REPLAY_WEEKLY);
	assert_int_equal(c->zones[0].horizon, 48 * 3600);
	assert_string_equal(c->zones[0].path, "/etc/slurm/DE.csv");
	/* Replay does not apply to a static zone: not inherited; Horizon is. */
	assert_ptr_equal(c->zones[1].provider, sc_provider_find("static"));
	assert_int_equal(c->zones[1].replay, SC_REPLAY_NONE);
	assert_int_equal(c->zones[1].horizon, 48 * 3600);
	/* A later DEFAULT line overrides key by key; the record's own keys win. */
	assert_int_equal(c->zones[2].horizon, 24 * 3600);
	assert_int_equal(c->zones[2].replay, SC_REPLAY_NONE);
	assert_ptr_equal(c->zones[2].provider, sc_provider_find("file"));

	assert_int_equal(c->n_parts, 3);
	assert_string_equal(c->parts[0].name, "a");
	assert_int_equal(c->parts[0].zone, 0);
	assert_near(c->parts[0].pue, 1.3, 1e-12);
	assert_int_equal(c->parts[0].n_alt, 1);
	assert_int_equal(c->parts[0].alt[0], 1);
	/* An inherited Alternatives= skips the partition itself. */
	assert_int_equal(c->parts[1].zone, 2);
	assert_near(c->parts[1].pue, 1.3, 1e-12);
	assert_int_equal(c->parts[1].n_alt, 0);
	assert_near(c->parts[2].pue, 1.1, 1e-12);
	assert_int_equal(c->parts[2].zone, 0);
	assert_int_equal(c->parts[2].n_alt, 1);
	assert_int_equal(c->parts[2].alt[0], 0);
	assert_int_equal(c->part_lines[2], 10);
	sc_conf_destroy(c);

	/* A signal the provider cannot have is not inherited either. */
	c = parse_ok("ZoneName=DEFAULT Signal=average\nZoneName=W Provider=watttime Region=X TokenFile=t\n"
		     "ZoneName=F Provider=file Path=f\n");
	assert_int_equal(c->zones[0].signal, SC_SIGNAL_MARGINAL);
	assert_int_equal(c->zones[1].signal, SC_SIGNAL_AVERAGE);
	sc_conf_destroy(c);

	/* A bad default is reported on the DEFAULT line, once. */
	expect_error("ZoneName=DEFAULT Horizon=forever\nZoneName=F Provider=file Path=f\n",
		     "carbon.conf:1: Horizon: invalid duration 'forever': expected mm, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss");
	expect_error("ZoneName=DEFAULT Provider=solar\nZoneName=F Path=f\nZoneName=G Path=g\n",
		     "carbon.conf:1: Provider: invalid value 'solar'; expected file, static, electricitymaps, watttime, ukci or casdk");
	expect_error("ZoneName=DEFAULT Provider=static Intensity=5000\nZoneName=S\n",
		     "carbon.conf:1: Intensity: intensity '5000' is out of range: expected a number from 0 to 3000");
	expect_error(ZL "PartitionName=DEFAULT Zone=a/b\nPartitionName=p\n",
		     "carbon.conf:2: Zone: invalid zone name 'a/b'; expected letters, digits, '-', '_' and '.'");
	/* DEFAULT lines are not records: they may repeat and are not referable. */
	expect_error(ZL "PartitionName=DEFAULT Zone=Z\nPartitionName=DEFAULT PUE=1.2\nPartitionName=p Alternatives=DEFAULT\n",
		     "carbon.conf:4: Alternatives= of PartitionName=p: 'DEFAULT' is not a PartitionName record of this file; expected managed partitions");
	/* A default applies only to the records after it. */
	expect_error(ZL "PartitionName=p\nPartitionName=DEFAULT Zone=Z\n",
		     "carbon.conf:2: PartitionName=p has no Zone=; expected Zone=<a ZoneName of this file>");
}

static void test_relative_paths(void **state)
{
	static const char text[] = "StateDir=run\nZoneName=F Provider=file Path=sample/F.csv\n"
				   "ZoneName=A Provider=file Path=/abs/A.csv\n"
				   "ZoneName=E Provider=electricitymaps Region=DE TokenFile=../secret/em\n";
	static const struct {
		const char *name, *state_dir, *path, *token;
	} cases[] = {
		{ "/etc/slurm/carbon.conf", "/etc/slurm/run", "/etc/slurm/sample/F.csv", "/etc/slurm/../secret/em" },
		{ "etc/carbon.conf", "etc/run", "etc/sample/F.csv", "etc/../secret/em" },
		{ "/carbon.conf", "/run", "/sample/F.csv", "/../secret/em" },
		{ "carbon.conf", "run", "sample/F.csv", "../secret/em" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sc_diag d = { 0 };
		struct sc_conf *c = parse_as(cases[i].name, text, &d);
		assert_non_null(c);
		assert_string_equal(c->state_dir, cases[i].state_dir);
		assert_string_equal(c->zones[0].path, cases[i].path);
		assert_string_equal(c->zones[1].path, "/abs/A.csv");
		assert_string_equal(c->zones[2].token_file, cases[i].token);
		sc_conf_destroy(c);
	}
}

static void test_references_either_order(void **state)
{
	struct sc_conf *c = parse_ok("PartitionName=a Zone=Z2 Alternatives=c,b\n"
				     "PartitionName=b Zone=Z1 Alternatives=a\n"
				     "ZoneName=Z1 Provider=static Intensity=10\n"
				     "PartitionName=c Zone=Z1 Default=yes\n"
				     "ZoneName=Z2 Provider=static Intensity=20\n");

	(void)state;
	assert_int_equal(c->parts[0].zone, 1);
	assert_int_equal(c->parts[1].zone, 0);
	assert_int_equal(c->parts[2].zone, 0);
	assert_int_equal(c->parts[0].n_alt, 2);
	assert_int_equal(c->parts[0].alt[0], 2);
	assert_int_equal(c->parts[0].alt[1], 1);
	assert_int_equal(c->parts[1].alt[0], 0);
	assert_int_equal(c->default_part, 2);
	assert_int_equal(sc_site_find(&c->site, "c"), 2);
	sc_conf_destroy(c);
}

#define ZONES3                                                    \
	"ZoneName=A Provider=static Intensity=300\n"               \
	"ZoneName=M Provider=static Intensity=400 Signal=marginal\n" \
	"ZoneName=W Provider=watttime Region=CAISO_NORTH TokenFile=t\n"

static void test_mixed_signals(void **state)
{
	struct sc_conf *c;
	struct sc_diag d = { 0 };

	(void)state;
	c = parse_as("carbon.conf", ZONES3 "PartitionName=p Zone=A Alternatives=q\nPartitionName=q Zone=W\n", &d);
	assert_null(c);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0],
			    "carbon.conf:4: PartitionName=p (zone A, average signal) has Alternatives=q (zone W, marginal signal): "
			    "comparing marginal and average intensities is meaningless; choose alternatives with the same signal kind or set AllowMixedSignals=yes");
	sc_diag_free(&d);

	/* Marginal with marginal is fine, as is a marginal zone without alternatives. */
	c = parse_ok(ZONES3 "PartitionName=p Zone=M Alternatives=q\nPartitionName=q Zone=W\nPartitionName=r Zone=A\n");
	sc_conf_destroy(c);

	/* Allowed explicitly, before or after the records. */
	c = parse_ok(ZONES3 "PartitionName=p Zone=A Alternatives=q\nPartitionName=q Zone=W\nAllowMixedSignals=yes\n");
	assert_int_equal(c->allow_mixed_signals, 1);
	assert_int_equal(c->parts[0].n_alt, 1);
	sc_conf_destroy(c);
}

static void test_locate(void **state)
{
	char *p;

	(void)state;
	unsetenv("SLURM_CARBON_CONF");
	unsetenv("SLURM_CONF");
	p = sc_conf_locate(NULL);
	assert_string_equal(p, "/etc/slurm/carbon.conf");
	free(p);
	p = sc_conf_locate("/opt/slurm/etc/slurm.conf");
	assert_string_equal(p, "/opt/slurm/etc/carbon.conf");
	free(p);
	p = sc_conf_locate("slurm.conf");
	assert_string_equal(p, "carbon.conf");
	free(p);

	setenv("SLURM_CONF", "/srv/cluster/slurm.conf", 1);
	p = sc_conf_locate(NULL);
	assert_string_equal(p, "/srv/cluster/carbon.conf");
	free(p);
	/* An explicit slurm.conf path wins over $SLURM_CONF. */
	p = sc_conf_locate("/x/slurm.conf");
	assert_string_equal(p, "/x/carbon.conf");
	free(p);
	setenv("SLURM_CONF", "", 1);
	p = sc_conf_locate(NULL);
	assert_string_equal(p, "/etc/slurm/carbon.conf");
	free(p);

	setenv("SLURM_CONF", "/srv/cluster/slurm.conf", 1);
	setenv("SLURM_CARBON_CONF", "/elsewhere/my.conf", 1);
	p = sc_conf_locate(NULL);
	assert_string_equal(p, "/elsewhere/my.conf");
	free(p);
	p = sc_conf_locate("/x/slurm.conf");
	assert_string_equal(p, "/elsewhere/my.conf");
	free(p);
	/* Set but empty: as if unset. */
	setenv("SLURM_CARBON_CONF", "", 1);
	p = sc_conf_locate(NULL);
	assert_string_equal(p, "/srv/cluster/carbon.conf");
	free(p);
	unsetenv("SLURM_CARBON_CONF");
	unsetenv("SLURM_CONF");
}

/* BudgetName records: every form, the defaults, and each error with its line. */
static void test_budgets(void **state)
{
	struct sc_conf *c;
	const char *B = "carbon.conf:2: BudgetName=";

	(void)state;
	c = parse_ok(ZL "BudgetName=physics Account=physics Limit=500kg Period=quarter Action=reject\n"
		     "BudgetName=alice User=alice Limit=2t Period=month Action=warn Warn=80%\n"
		     "BudgetName=ap Account=physics User=bob Limit=1500 Start=2026-01-01 Length=30-0 "
		     "Action=delay DelaySavings=40%\n"
		     "BudgetName=y account=chem limit=1kg period=YEAR\n");
	assert_int_equal(c->n_budgets, 4);
	assert_string_equal(c->budgets[0].account, "physics");
	assert_null(c->budgets[0].user);
	assert_true(c->budgets[0].limit_g == 500000);
	assert_int_equal(c->budgets[0].period, SC_PERIOD_QUARTER);
	assert_int_equal(c->budgets[0].action, SC_BUDGET_REJECT);
	assert_int_equal(c->budgets[0].line, 2);
	assert_true(c->budgets[0].warn_pct == 0 && c->budgets[0].delay_savings_pct == 20);
	assert_true(c->budgets[1].limit_g == 2e6 && c->budgets[1].warn_pct == 80);
	assert_int_equal(c->budgets[1].action, SC_BUDGET_WARN);
	assert_int_equal(c->budgets[2].period, SC_PERIOD_FIXED);
	assert_int_equal(c->budgets[2].start, 1767225600);
	assert_int_equal(c->budgets[2].length, 30 * 86400);
	assert_true(c->budgets[2].limit_g == 1500 && c->budgets[2].delay_savings_pct == 40);
	assert_int_equal(c->budgets[3].period, SC_PERIOD_YEAR);
	sc_conf_destroy(c);

	expect_error(ZL "BudgetName=b Limit=1kg Period=month\n",
		     "carbon.conf:2: BudgetName=b names no Account= or User=; expected Account=<account>, User=<user> or both");
	expect_error(ZL "BudgetName=b Account=a Period=month\n",
		     "carbon.conf:2: BudgetName=b has no Limit=; expected Limit=<gCO2e per period: 500kg, 2t>");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg\n",
		     "carbon.conf:2: BudgetName=b has no Period=; expected Period=month|quarter|year, or Start=<time> Length=<duration>");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=week\n",
		     "carbon.conf:2: Period: invalid value 'week'; expected month, quarter or year (or Start=<time> Length=<duration>)");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=month Start=2026-01-01\n",
		     "carbon.conf:2: BudgetName=b has Period= and Start=/Length=; give one of Period=month|quarter|year or Start=<time> Length=<duration>");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Start=2026-01-01\n",
		     "carbon.conf:2: BudgetName=b has Start= without Length=; explicit periods need both Start=<time> and Length=<duration>");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Start=now-1day Length=1-0\n",
		     "carbon.conf:2: Start: 'now-1day' is relative; expected a fixed UTC time (2026-01-01 or 2026-01-01T00:00:00)");
	expect_error(ZL "BudgetName=b Account=a Limit=0 Period=month\n",
		     "carbon.conf:2: Limit: '0' is no limit; expected an amount above 0 (500g, 2kg, 1.5t)");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=month Action=queue\n",
		     "carbon.conf:2: Action: invalid value 'queue'; expected reject, delay or warn");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=month DelaySavings=30%\n",
		     "carbon.conf:2: BudgetName=b: DelaySavings= applies to Action=delay only; omit it or say Action=delay");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=month\nBudgetName=b User=u Limit=1kg Period=year\n",
		     "carbon.conf:3: duplicate BudgetName=b (first on line 2); each budget is defined once");
	expect_error(ZL "BudgetName=DEFAULT Account=a Limit=1kg Period=month\n",
		     "carbon.conf:2: BudgetName=DEFAULT: budgets have no defaults; give each budget its own name");
	expect_error(ZL "BudgetName=b Account=a Limit=1kg Period=month Zone=Z\n",
		     "carbon.conf:2: Zone= is a key of PartitionName records, not of BudgetName records; BudgetName record keys are: "
		     "BudgetName, Account, User, Limit, Period, Start, Length, Action, Warn, DelaySavings");
	expect_error(ZL "Account=a\n", "carbon.conf:2: Account= belongs in a BudgetName record; start the line with BudgetName=<name>");
	(void)B;
}

static void test_exempt(void **state)
{
	struct sc_conf *c = parse_ok("ExemptUsers=root,Alice ExemptAccounts=ops ExemptQOS=urgent\n");
	struct sc_conf *none = parse_ok("Mode=off\n");

	(void)state;
	assert_string_equal(sc_conf_exempt(c, "root", NULL, NULL), "exempt user");
	assert_string_equal(sc_conf_exempt(c, "Alice", "physics", "normal"), "exempt user");
	assert_null(sc_conf_exempt(c, "alice", "physics", "normal"));
	assert_string_equal(sc_conf_exempt(c, "bob", "OPS", NULL), "exempt account");
	assert_string_equal(sc_conf_exempt(c, NULL, NULL, "Urgent"), "exempt QOS");
	assert_null(sc_conf_exempt(c, "bob", "physics", "normal"));
	assert_null(sc_conf_exempt(c, NULL, NULL, NULL));
	assert_null(sc_conf_exempt(none, "root", "ops", "urgent"));
	sc_conf_destroy(c);
	sc_conf_destroy(none);
}

/* A scratch directory for files the tests write. */
static char *scratch_dir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	char *d;

	snprintf(tmpl, sizeof(tmpl), "%s/test_conf.XXXXXX", base && *base ? base : "/tmp");
	d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

/* Hostile carbon.conf text: a UTF-8 byte order mark is skipped; control bytes and invalid
 * UTF-8 in values are quoted escaped in messages, never echoed raw. */
static void test_hostile_text(void **state)
{
	static const char bom[] = "\xEF\xBB\xBFMode=enforce\nZoneName=DE Provider=static Intensity=300\n"
				  "PartitionName=p Zone=DE\n";
	static const char esc[] = "Mode=\x1b[2Jon\xff\nZoneName=DE Provider=static Intensity=300\n"
				  "PartitionName=p Zone=DE\n";
	struct sc_diag d = { 0 };
	struct sc_conf *c;

	(void)state;
	c = sc_conf_parse(bom, strlen(bom), "bom.conf", &d);
	assert_non_null(c);
	assert_int_equal(d.n, 0);
	assert_int_equal(c->mode, SC_MODE_ENFORCE);
	sc_conf_destroy(c);
	assert_null(sc_conf_parse(esc, strlen(esc), "esc.conf", &d));
	assert_true(d.n >= 1);
	assert_contains(d.msgs[0], "esc.conf:1: Mode: invalid value '\\x1b[2Jon\\xff'");
	for (const char *q = d.msgs[0]; *q; q++)
		assert_true((unsigned char)*q >= 0x20);
	sc_diag_free(&d);
}

static void test_load(void **state)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c;
	char *dir = scratch_dir();
	char path[4200];
	FILE *f;

	(void)state;
	assert_null(sc_conf_load("/nonexistent/carbon.conf", &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0],
			    "/nonexistent/carbon.conf: cannot read: No such file or directory; expected a readable carbon.conf (see carbon.conf(5))");
	sc_diag_free(&d);
	assert_null(sc_conf_load(dir, &d));
	assert_int_equal(d.n, 1);
	assert_contains(d.msgs[0], "not a regular file");
	assert_contains(d.msgs[0], "expected carbon.conf to be a regular file");
	sc_diag_free(&d);
	/* A FIFO is refused at once, never waited on (slurmctld would not start). */
	{
		char fifo[4200];
		snprintf(fifo, sizeof(fifo), "%s/fifo.conf", dir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		alarm(10);
		assert_null(sc_conf_load(fifo, &d));
		alarm(0);
		assert_int_equal(d.n, 1);
		assert_contains(d.msgs[0], "is a FIFO, not a regular file");
		sc_diag_free(&d);
		unlink(fifo);
	}
	assert_null(sc_conf_load(NULL, &d));
	assert_int_equal(d.n, 1);
	sc_diag_free(&d);

	snprintf(path, sizeof(path), "%s/carbon.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Mode=enforce\nZoneName=DE Provider=file Path=de.csv\nPartitionName=p Zone=DE\n", f);
	fclose(f);
	c = sc_conf_load(path, &d);
	assert_non_null(c);
	assert_int_equal(d.n, 0);
	assert_string_equal(c->path, path);
	assert_int_equal(c->mode, SC_MODE_ENFORCE);
	{
		char expect[4300];
		snprintf(expect, sizeof(expect), "%s/de.csv", dir);
		assert_string_equal(c->zones[0].path, expect);
	}
	sc_conf_destroy(c);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Mode=enforce\nMode=off\n", f);
	fclose(f);
	assert_null(sc_conf_load(path, &d));
	assert_int_equal(d.n, 1);
	{
		char expect[4300];
		snprintf(expect, sizeof(expect), "%s:2: Mode= given twice (first on line 1); give each global key once", path);
		assert_string_equal(d.msgs[0], expect);
	}
	sc_diag_free(&d);

	/* Too large: read no further than needed to tell. */
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i <= SC_CONF_MAX_SIZE / 64; i++)
		fputs("# a comment line that is exactly sixty-four bytes long ........\n", f);
	fclose(f);
	assert_null(sc_conf_load(path, &d));
	assert_int_equal(d.n, 1);
	{
		char expect[4300];
		snprintf(expect, sizeof(expect), "%s: the file is larger than %u bytes; a configuration is a small text file",
			 path, SC_CONF_MAX_SIZE);
		assert_string_equal(d.msgs[0], expect);
	}
	sc_diag_free(&d);
	unlink(path);
	rmdir(dir);
	free(dir);
}

static void test_limits(void **state)
{
	struct sc_diag d = { 0 };
	size_t n = SC_CONF_MAX_LINE + 100, used = 0;
	char *text = malloc(n + 64);
	char name[SC_CONF_MAX_NAME + 2];
	char line[256];
	struct sc_conf *c;

	(void)state;
	assert_non_null(text);
	/* A line over the limit is reported with its number; the next lines still count. */
	used = (size_t)sprintf(text, "Mode=off\nStateDir=");
	memset(text + used, 'x', SC_CONF_MAX_LINE);
	used += SC_CONF_MAX_LINE;
	used += (size_t)sprintf(text + used, "\nFoo=1\n");
	c = sc_conf_parse(text, used, "carbon.conf", &d);
	assert_null(c);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.msgs[0], "carbon.conf:2: line is longer than 65536 bytes; split the configuration into shorter lines");
	assert_contains(d.msgs[1], "carbon.conf:3: unknown key 'Foo'");
	sc_diag_free(&d);
	free(text);

	/* Names. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(line, sizeof(line), "ZoneName=%s Provider=static Intensity=1\n", name);
	{
		char expect[256];
		snprintf(expect, sizeof(expect),
			 "carbon.conf:1: ZoneName '%.40s...' is too long; at most 64 bytes of letters, digits, '-', '_' and '.'",
			 name);
		expect_error(line, expect);
	}
	name[SC_CONF_MAX_NAME] = '\0';
	snprintf(line, sizeof(line), "ZoneName=%s Provider=static Intensity=1\n", name);
	c = parse_ok(line);
	sc_conf_destroy(c);

	/* Records. */
	n = (size_t)(SC_CONF_MAX_RECORDS + 2) * 48;
	text = malloc(n);
	assert_non_null(text);
	used = 0;
	for (int i = 0; i < SC_CONF_MAX_RECORDS + 2; i++)
		used += (size_t)snprintf(text + used, n - used, "ZoneName=z%d Provider=static Intensity=1\n", i);
	c = sc_conf_parse(text, used, "carbon.conf", &d);
	assert_null(c);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "carbon.conf:4097: too many records; at most 4096 ZoneName, PartitionName and BudgetName records");
	sc_diag_free(&d);
	/* Exactly the limit is fine. */
	c = sc_conf_parse(text, used - 2 * strlen("ZoneName=z4096 Provider=static Intensity=1\n"), "carbon.conf", &d);
	assert_int_equal(d.n, 0);
	assert_non_null(c);
	assert_int_equal(c->n_zones, SC_CONF_MAX_RECORDS);
	sc_conf_destroy(c);
	free(text);

	/* Errors: the parser stops after SC_CONF_MAX_ERRORS and says so, last. */
	n = 1000 * 8;
	text = malloc(n);
	assert_non_null(text);
	used = 0;
	for (int i = 0; i < 1000; i++)
		used += (size_t)snprintf(text + used, n - used, "bad\n");
	c = sc_conf_parse(text, used, "carbon.conf", &d);
	assert_null(c);
	assert_int_equal(d.n, SC_CONF_MAX_ERRORS + 1);
	assert_contains(d.msgs[SC_CONF_MAX_ERRORS - 1], "carbon.conf:200: 'bad' is not a Key=Value pair");
	assert_string_equal(d.msgs[SC_CONF_MAX_ERRORS], "carbon.conf:201: too many errors; only the first 200 are reported");
	sc_diag_free(&d);
	free(text);

	/* Size. */
	assert_null(sc_conf_parse("", (size_t)SC_CONF_MAX_SIZE + 1, "big.conf", &d));
	assert_int_equal(d.n, 1);
	assert_contains(d.msgs[0], "big.conf: the file is larger than");
	sc_diag_free(&d);
}

/* The shipped example is valid, says what its comments say, and so are its
 * commented-out alternatives (Mode=enforce, the static and live zones, the
 * exempt lists) once uncommented. */
/* ForecastError: per zone, 0 to 200 %; by default 25 % for the live
 * providers' forecasts and 0 (exact) for files and static values; the
 * engine sees it as site.zone_error. */
static void test_forecast_error(void **state)
{
	struct sc_conf *c;

	(void)state;
	c = parse_ok("ZoneName=DEFAULT MaxAge=1:00:00\n"
		     "ZoneName=F Provider=file Path=/x.csv\n"
		     "ZoneName=S Provider=static Intensity=100\n"
		     "ZoneName=U Provider=ukci\n"
		     "ZoneName=E Provider=electricitymaps Region=DE TokenFile=/t ForecastError=12.5%\n"
		     "ZoneName=G Provider=file Path=/y.csv ForecastError=30\n");
	assert_int_equal(c->n_zones, 5);
	assert_near(c->zones[0].forecast_error_pct, 0, 1e-12);
	assert_int_equal(c->zones[0].forecast_error_set, 0);
	assert_near(c->zones[1].forecast_error_pct, 0, 1e-12);
	assert_near(c->zones[2].forecast_error_pct, 25, 1e-12);
	assert_int_equal(c->zones[2].forecast_error_set, 0);
	assert_near(c->zones[3].forecast_error_pct, 12.5, 1e-12);
	assert_int_equal(c->zones[3].forecast_error_set, 1);
	assert_near(c->zones[4].forecast_error_pct, 30, 1e-12);
	assert_non_null(c->site.zone_error);
	for (size_t i = 0; i < 5; i++)
		assert_near(c->site.zone_error[i], c->zones[i].forecast_error_pct, 1e-12);
	sc_conf_destroy(c);
	/* From ZoneName=DEFAULT, for every provider. */
	c = parse_ok("ZoneName=DEFAULT ForecastError=20%\n"
		     "ZoneName=F Provider=file Path=/x.csv\nZoneName=U Provider=ukci\n");
	assert_near(c->zones[0].forecast_error_pct, 20, 1e-12);
	assert_int_equal(c->zones[0].forecast_error_set, 1);
	assert_near(c->zones[1].forecast_error_pct, 20, 1e-12);
	sc_conf_destroy(c);
	expect_error("ZoneName=F Provider=file Path=/x.csv ForecastError=250%\n",
		     "carbon.conf:1: ForecastError: percentage '250' is out of range: expected a number from 0 to 200");
	expect_error("ZoneName=F Provider=file Path=/x.csv ForecastError=big\n",
		     "carbon.conf:1: ForecastError: invalid percentage 'big': expected a number from 0 to 200");
}

static void test_example(void **state)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c = sc_conf_load(sc_test_path("etc/carbon.conf.example"), &d);
	char expect[4200];
	FILE *f;
	char *text = NULL, *line = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	FILE *out;

	(void)state;
	for (size_t i = 0; i < d.n; i++)
		print_message("# %s\n", d.msgs[i]);
	assert_int_equal(d.n, 0);
	assert_non_null(c);
	assert_int_equal(c->mode, SC_MODE_ADVISE);
	assert_int_equal(c->site.params.max_delay, 8 * 3600);
	assert_near(c->site.params.min_savings_pct, 0, 1e-12);
	assert_int_equal(c->reload_interval, 10);
	assert_int_equal(c->n_zones, 2);
	assert_string_equal(c->zones[0].name, "DE");
	assert_string_equal(c->zones[1].name, "FR");
	for (size_t i = 0; i < 2; i++) {
		assert_ptr_equal(c->zones[i].provider, sc_provider_find("file"));
		assert_int_equal(c->zones[i].replay, SC_REPLAY_WEEKLY);
		snprintf(expect, sizeof(expect), "%s/etc/sample/intensity-%s.csv", sc_test_srcdir(), c->zones[i].name);
		assert_string_equal(c->zones[i].path, expect);
		/* The bundled sample it points at is there. */
		if (access(c->zones[i].path, R_OK) != 0)
			fail_msg("%s: %s", c->zones[i].path, strerror(errno));
	}
	assert_int_equal(c->n_parts, 4);
	assert_string_equal(c->parts[0].name, "compute");
	assert_string_equal(c->parts[1].name, "gpu");
	assert_string_equal(c->parts[2].name, "flex");
	assert_string_equal(c->parts[3].name, "compute-fr");
	assert_int_equal(c->default_part, 0);
	assert_int_equal(c->parts[0].zone, 0);
	assert_int_equal(c->parts[1].zone, 0);
	assert_int_equal(c->parts[2].zone, 0);
	assert_int_equal(c->parts[3].zone, 1);
	assert_near(c->parts[0].pue, 1.3, 1e-12);
	assert_near(c->parts[1].pue, 1.3, 1e-12);
	assert_near(c->parts[2].pue, 1.3, 1e-12);
	assert_near(c->parts[3].pue, 1.2, 1e-12);
	for (size_t i = 0; i < 4; i++) {
		assert_near(c->parts[i].power.core_w, 10, 1e-12);
		assert_near(c->parts[i].power.usage, 1.0, 1e-12);
		assert_near(c->parts[i].power.mem_w_per_gb, 0.3725, 1e-12);
		assert_int_equal(c->parts[i].default_time, 3600);
	}
	assert_near(c->parts[1].power.gpu_w, 300, 1e-12);
	assert_int_equal(c->parts[2].n_alt, 1);
	assert_int_equal(c->parts[2].alt[0], 3);
	assert_int_equal(c->parts[0].n_alt + c->parts[1].n_alt + c->parts[3].n_alt, 0);
	sc_conf_destroy(c);

	f = fopen(sc_test_path("etc/carbon.conf.example"), "r");
	assert_non_null(f);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (strncmp(line, "Mode=", 5) == 0)
			continue;
		if (strncmp(line, "#Mode=", 6) == 0 || strncmp(line, "#ZoneName=", 10) == 0 ||
		    strncmp(line, "#Exempt", 7) == 0)
			fputs(line + 1, out);
		else
			fputs(line, out);
	}
	free(line);
	fclose(f);
	fclose(out);
	c = sc_conf_parse(text, len, sc_test_path("etc/carbon.conf.example"), &d);
	for (size_t i = 0; i < d.n; i++)
		print_message("# %s\n", d.msgs[i]);
	assert_int_equal(d.n, 0);
	assert_non_null(c);
	assert_int_equal(c->mode, SC_MODE_ENFORCE);
	assert_int_equal(c->n_zones, 5);
	assert_ptr_equal(c->zones[2].provider, sc_provider_find("static"));
	assert_ptr_equal(c->zones[3].provider, sc_provider_find("electricitymaps"));
	assert_string_equal(c->zones[3].region, "DE");
	assert_ptr_equal(c->zones[4].provider, sc_provider_find("ukci"));
	assert_string_equal(sc_conf_exempt(c, NULL, "ops", NULL), "exempt account");
	sc_conf_destroy(c);
	free(text);
}

/* Every message quotes input printably: raw bytes, control bytes and invalid
 * UTF-8 in names, keys, tokens and the list of defined zones are escaped
 * (found by fuzzing: they were echoed raw, and '%.80s' cut characters). */
static void test_hostile_bytes(void **state)
{
	static const char *const texts[] = {
		"War\xff\xff\xff\xff bad\n",
		"ZoneName=F\xae\xe6Provider=static\n",
		"ZoneName=GB\xe0\xaf\x8d\x90 Provider=ukci Region=national\n"
		"PartitionName=uk Zone=GB Default=yes\n",
		"ZoneName=DE Provider=static Intensity=100\nPartitionName=p\x1b[2J Zone=X\x07\n",
		"BudgetName=b\x01 Limit=1kg\n",
		"=\x1b[31m\n",
		"ZoneName=DE Provider=static Intensity=100\n"
		"PartitionName=a Zone=DE Alternatives=b\x1b,\xc3\n",
		"Mo\x1b" "de=\"x\n",
		"ExemptUsers=a,\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n",
		"ZoneName=\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 Provider=static\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct sc_diag d = { 0 };
		struct sc_conf *c = parse_as(NAME, texts[i], &d);

		assert_null(c);
		assert_true(d.n > 0);
		for (size_t k = 0; k < d.n; k++)
			if (!sc_test_printable(d.msgs[k]))
				fail_msg("text %zu: not printable: %s", i, d.msgs[k]);
		sc_diag_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_budgets),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_hint_limit),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_all_errors_in_one_pass),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_quotes_and_comments),
		cmocka_unit_test(test_default_records),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_capacity_slurm),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_references_either_order),
		cmocka_unit_test(test_mixed_signals),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_exempt),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_forecast_error),
		cmocka_unit_test(test_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
