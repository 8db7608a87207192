/* slurm-carbon: tests for forecast/http.c and the providers' fetchers
 * against the mock providers (tests/providers/mockprovider.py, started on
 * loopback at an ephemeral port and stopped by PID). Waits between retries
 * are recorded, not slept; token ages come from an injected clock.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forecast/http.h"
#include "forecast/provider.h"
#include "forecast/provider_casdk.h"
#include "base/units.h"

extern char **environ;

static char dir[64], base[128], logpath[128];
static pid_t mock = -1;
static int64_t mock_now;

/* ---- the mock ------------------------------------------------------------- */

static int start_mock(void **state)
{
	char portfile[128], now[32], data[4096], script[4096];
	char *argv[] = { "python3", script, "--port-file", portfile, "--data", data, "--now", now, "--log", logpath, NULL };
	struct timespec tick = { 0, 50 * 1000000L };
	FILE *f;
	int port = 0;

	(void)state;
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	setenv("no_proxy", "127.0.0.1", 1);
	snprintf(dir, sizeof(dir), "/tmp/sc-test-http-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	mock_now = sc_epoch_from_utc(2024, 5, 15, 10, 20, 0);
	snprintf(portfile, sizeof(portfile), "%s/port", dir);
	snprintf(logpath, sizeof(logpath), "%s/requests.log", dir);
	snprintf(now, sizeof(now), "%lld", (long long)mock_now);
	snprintf(data, sizeof(data), "%s", sc_test_path("tests/data/providers"));
	snprintf(script, sizeof(script), "%s", sc_test_path("tests/providers/mockprovider.py"));
	if (posix_spawnp(&mock, "python3", NULL, NULL, argv, environ) != 0) {
		mock = -1;
		return 0; /* the tests skip */
	}
	/* Wait for the mock to listen (it writes the port file then). */
	for (int i = 0; i < 200 && !port; i++) {
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port) {
			if (waitpid(mock, NULL, WNOHANG) == mock) {
				mock = -1;
				return 0;
			}
			nanosleep(&tick, NULL);
		}
	}
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	return port ? 0 : -1;
}

static int stop_mock(void **state)
{
	DIR *d;
	struct dirent *e;
	char p[256];

	(void)state;
	if (mock > 0) {
		kill(mock, SIGTERM);
		waitpid(mock, NULL, 0);
	}
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

#define NEED_MOCK()                                                      \
	do {                                                             \
		if (mock < 0) {                                          \
			print_message("python3 not available: skipped\n"); \
			skip();                                          \
		}                                                        \
	} while (0)

/* Lines of the mock's log that start with prefix. */
static int logged(const char *prefix)
{
	FILE *f = fopen(logpath, "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			n++;
	fclose(f);
	return n;
}

/* ---- waits are recorded, never slept ------------------------------------- */

struct waits {
	long ms[16];
	int n;
};

static void record_wait(long ms, void *ctx)
{
	struct waits *w = ctx;

	if (w->n < 16)
		w->ms[w->n] = ms;
	w->n++;
}

static struct sc_http_opts opts(struct waits *w)
{
	struct sc_http_opts o;

	sc_http_opts_init(&o);
	o.sleep_ms = record_wait;
	o.sleep_ctx = w;
	return o;
}

static void get(const struct sc_http_opts *o, const char *path, const char *const *headers, const char *user,
		const char *pw, struct sc_http_response *r, int want_rc, struct sc_err *err)
{
	char url[512];
	int rc;

	snprintf(url, sizeof(url), "%s%s", base, path);
	rc = sc_http_get(o, url, headers, user, pw, r, err);
	if (rc != want_rc)
		fail_msg("GET %s: rc %d, want %d (%s)", path, rc, want_rc, err->msg);
}

static void test_retries(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_http_response r;
	struct sc_err err = { "" };

	(void)state;
	NEED_MOCK();
	/* 5xx: retried with backoff 1 s, 2 s; the last answer returned. */
	get(&o, "/e500/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 500);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.ms[0], 1000);
	assert_int_equal(w.ms[1], 2000);
	assert_contains(r.body, "upstream database unavailable");
	sc_http_response_free(&r);

	/* 500 once, then the answer. */
	w.n = 0;
	get(&o, "/e500once/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(w.n, 1);
	assert_contains(r.body, "\"from\": \"2024-05-15T10:00Z\"");
	sc_http_response_free(&r);

	/* 429 with Retry-After: 1 waits what the service asks. */
	w.n = 0;
	get(&o, "/e429/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ms[0], 1000);
	sc_http_response_free(&r);

	/* Retry-After longer than max_wait: the 429 comes back at once. */
	w.n = 0;
	get(&o, "/e429long/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 429);
	assert_int_equal(r.retry_after_s, 3600);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(w.n, 0);
	sc_http_response_free(&r);

	/* 4xx other than 429 is not retried. */
	w.n = 0;
	get(&o, "/ok/uk/nowhere/x", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(w.n, 0);
	sc_http_response_free(&r);

	/* No retries asked: one attempt. */
	o.retries = 0;
	get(&o, "/e500/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.attempts, 1);
	sc_http_response_free(&r);
}

static void test_transport_errors(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_http_response r;
	struct sc_err err = { "" };
	char want[256];

	(void)state;
	NEED_MOCK();
	/* A body cut short: retried (transient), then an error. */
	o.retries = 1;
	get(&o, "/truncated/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, -1, &err);
	snprintf(want, sizeof(want), "GET %s/truncated/uk/intensity/2024-05-15T10:30Z/fw48h: response truncated: ", base);
	assert_contains(err.msg, want);
	assert_contains(err.msg, "; 2 attempts");
	assert_int_equal(w.n, 1);
	assert_null(r.body);

	/* Over the cap, by Content-Length or by counting: refused, not retried. */
	w.n = 0;
	get(&o, "/huge/ca/emissions/forecasts/current?location=x", NULL, NULL, NULL, &r, -1, &err);
	assert_contains(err.msg, "response larger than 8388608 bytes: refused");
	assert_int_equal(w.n, 0);
	o.max_bytes = 100000;
	get(&o, "/hugestream/ca/emissions/forecasts/current?location=x", NULL, NULL, NULL, &r, -1, &err);
	assert_contains(err.msg, "response larger than 100000 bytes: refused");
	assert_int_equal(w.n, 0);

	/* A body slower than the total timeout. */
	o.timeout_s = 1;
	o.retries = 0;
	get(&o, "/slow/uk/intensity/2024-05-15T10:30Z/fw48h", NULL, NULL, NULL, &r, -1, &err);
	assert_contains(err.msg, "timed out (connect timeout 10 s, total 1 s)");
	assert_contains(err.msg, "; 1 attempt");

	/* Nobody listening; credentials in the URL are not repeated. */
	{
		o.retries = 0;
		assert_int_equal(sc_http_get(&o, "http://user:pw@127.0.0.1:1/x", NULL, NULL, NULL, &r, &err), -1);
		assert_contains(err.msg, "GET http://127.0.0.1:1/x: ");
		assert_null(strstr(err.msg, "pw"));
		assert_int_equal(sc_http_get(&o, "ftp://127.0.0.1:1/x", NULL, NULL, NULL, &r, &err), -1);
		assert_contains(err.msg, "GET ftp://127.0.0.1:1/x: ");
	}
}

static void test_auth(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_http_response r;
	struct sc_err err = { "" };
	const char *good[] = { "auth-token: em-secret-token", NULL };

	(void)state;
	NEED_MOCK();
	get(&o, "/ok/em/carbon-intensity/forecast?zone=DE", good, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 200);
	assert_contains(r.body, "\"zone\": \"DE\"");
	sc_http_response_free(&r);
	get(&o, "/ok/em/carbon-intensity/forecast?zone=DE", NULL, NULL, NULL, &r, 0, &err);
	assert_int_equal(r.status, 401);
	sc_http_response_free(&r);
	get(&o, "/ok/wt/login", NULL, "wt-user", "wt-secret-pass", &r, 0, &err);
	assert_int_equal(r.status, 200);
	assert_contains(r.body, "\"token\"");
	sc_http_response_free(&r);
	get(&o, "/ok/wt/login", NULL, "wt-user", "nope", &r, 0, &err);
	assert_int_equal(r.status, 401);
	sc_http_response_free(&r);
}

/* ---- the fetchers ----------------------------------------------------------- */

static int64_t fake_clock(void *ctx)
{
	return *(int64_t *)ctx;
}

static void test_watttime_token_renewal(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_token_cache *tokens = sc_token_cache_create();
	int64_t wall = 1000000;
	struct sc_fetch_ctx ctx = { .http = &o, .get = sc_http_get, .now = 0, .tokens = tokens, .clock = fake_clock, .clock_ctx = &wall };
	struct sc_zone_spec z = { .name = "WT", .provider = sc_provider_find("watttime"), .region = "CAISO_NORTH",
				  .signal = SC_SIGNAL_MARGINAL };
	char url[256], tok[128];
	struct sc_fetch f;
	struct sc_err err = { "" };
	FILE *tf;

	(void)state;
	NEED_MOCK();
	ctx.now = mock_now;
	snprintf(url, sizeof(url), "%s/renew/wt", base);
	snprintf(tok, sizeof(tok), "%s/wt.cred", dir);
	tf = fopen(tok, "w");
	fputs("wt-user:wt-secret-pass\n", tf);
	fclose(tf);
	chmod(tok, 0600);
	z.url = url;
	z.token_file = tok;

	if (sc_provider_fetch(&z, &ctx, &f, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(f.forecast->n, 288);
	assert_string_equal(f.forecast->source, "watttime:CAISO_NORTH");
	assert_int_equal(f.forecast->signal, SC_SIGNAL_MARGINAL);
	assert_non_null(f.actual);
	assert_string_equal(f.warning, "");
	sc_fetch_release(&f);
	assert_int_equal(logged("renew wt login 200"), 1);
	/* 24 minutes later: the same token. */
	wall += 24 * 60;
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), 0);
	sc_fetch_release(&f);
	assert_int_equal(logged("renew wt login 200"), 1);
	/* 25 minutes after the login: renewed before the 30 minutes run out. */
	wall += 60;
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), 0);
	sc_fetch_release(&f);
	assert_int_equal(logged("renew wt login 200"), 2);
	assert_int_equal(logged("renew wt v3/forecast 401"), 0);
	sc_token_cache_destroy(tokens);
	unlink(tok);
}

static void test_casdk_average(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_fetch_ctx ctx = { .http = &o, .get = sc_http_get };
	char url[256];
	struct sc_zone_spec z = { .name = "CA", .provider = sc_provider_find("casdk"), .region = "eastus" };
	struct sc_err err = { "" };
	double ci = -1;
	int64_t t = sc_epoch_from_utc(2024, 5, 15, 11, 0, 0);

	(void)state;
	NEED_MOCK();
	snprintf(url, sizeof(url), "%s/ok/ca", base);
	z.url = url;
	/* 11:00-13:00: an hour at 500, an hour at 350. */
	if (sc_casdk_average(&z, &ctx, t, t + 2 * 3600, &ci, &err) < 0)
		fail_msg("%s", err.msg);
	assert_near(ci, 425, 1e-9);
	assert_int_equal(sc_casdk_average(&z, &ctx, t, t, &ci, &err), -1);
	assert_string_equal(err.msg, "zone CA: the interval 2024-05-15T11:00:00Z to 2024-05-15T11:00:00Z is empty: "
				     "expected an end after the start");
	snprintf(url, sizeof(url), "%s/e500/ca", base);
	o.retries = 0;
	assert_int_equal(sc_casdk_average(&z, &ctx, t, t + 3600, &ci, &err), -1);
	assert_contains(err.msg, "/e500/ca/emissions/average-carbon-intensity?location=eastus&startTime=2024-05-15T11:00:00Z"
				 "&endTime=2024-05-15T12:00:00Z: HTTP 500 (after 1 attempt): upstream database unavailable");
	z.provider = sc_provider_find("ukci");
	assert_int_equal(sc_casdk_average(&z, &ctx, t, t + 3600, &ci, &err), -1);
	assert_contains(err.msg, "Provider=ukci has no average-carbon-intensity");
}

static void test_fetch_errors(void **state)
{
	struct waits w = { 0 };
	struct sc_http_opts o = opts(&w);
	struct sc_fetch_ctx ctx = { .http = &o, .get = sc_http_get };
	struct sc_zone_spec z = { .name = "X", .provider = sc_provider_find("casdk"), .region = "eastus" };
	struct sc_fetch f;
	struct sc_err err = { "" };

	(void)state;
	ctx.now = mock_now;
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), -1);
	assert_contains(err.msg, "no URL=: the Carbon Aware SDK WebAPI is a service the site runs");
	z.provider = sc_provider_find("ukci");
	z.region = "18";
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), -1);
	assert_contains(err.msg, "Region=18: expected national or a region id from 1 to 17");
	z.provider = sc_provider_find("static");
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), -1);
	assert_contains(err.msg, "provider static reads local data: nothing to fetch");
	assert_null(f.forecast);
	z.provider = sc_provider_find("watttime");
	z.region = "CAISO_NORTH";
	assert_int_equal(sc_provider_fetch(&z, &ctx, &f, &err), -1);
	assert_contains(err.msg, "no TokenFile=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retries),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_watttime_token_renewal),
		cmocka_unit_test(test_casdk_average),
		cmocka_unit_test(test_fetch_errors),
	};
	struct sc_err err;

	if (sc_http_global_init(&err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	return cmocka_run_group_tests(tests, start_mock, stop_mock);
}
