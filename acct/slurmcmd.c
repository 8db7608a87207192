/* slurm-carbon: running sacct and sacctmgr.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acct/slurmcmd.h"
#include "base/file.h"
#include "base/grow.h"

#define SACCT_MAX_ARGS 32

extern char **environ;

struct sc_proc {
	pid_t pid;
	FILE *out;
	FILE *errf; /* the child's stderr, a temporary file */
	char name[64];
};

const char *sc_slurm_prog(const char *name)
{
	static char paths[4][512];
	static const char *names[4];
	char var[64];
	const char *v;
	size_t i, n = strlen(name);

	if (n + sizeof("SCARBON_") > sizeof(var))
		return name;
	memcpy(var, "SCARBON_", 8);
	for (i = 0; i <= n; i++)
		var[8 + i] = (char)toupper((unsigned char)name[i]);
	v = getenv(var);
	if (v && *v)
		return v;
#ifdef SC_SLURM_BINDIR
	/* The commands of the Slurm this scarbon was built against, when they are
	 * there: another release's earlier in PATH would load other plugins. */
	for (i = 0; i < 4 && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return paths[i];
	if (i < 4 && (size_t)snprintf(paths[i], sizeof(paths[i]), "%s/%s", SC_SLURM_BINDIR, name) <
			     sizeof(paths[i]) &&
	    access(paths[i], X_OK) == 0) {
		names[i] = name;
		return paths[i];
	}
#else
	(void)paths;
	(void)names;
#endif
	return name;
}

int sc_slurm_partitions(char ***names, size_t *n, struct sc_err *err)
{
	char *argv[] = { (char *)sc_slurm_prog("scontrol"), "--oneliner", "show", "partition", NULL };
	char *out = NULL, *errout = NULL, *line, *save = NULL;
	char **v = NULL;
	size_t cnt = 0, vcap = 0;
	int st;

	*names = NULL;
	*n = 0;
	st = sc_proc_run(argv, NULL, &out, &errout, err);
	if (st < 0)
		goto fail;
	if (st != 0) {
		char *e = errout && *errout ? errout : out ? out : "";
		size_t l;
		while (isspace((unsigned char)*e))
			e++;
		l = strcspn(e, "\n");
		sc_err_set(err, "%s exited with status %d: %s", argv[0], st, *e ? SC_PRINTABLE_N(e, l) : "no output");
		goto fail;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l;
		if (strncmp(line, "PartitionName=", 14) != 0)
			continue;
		line += 14;
		l = strcspn(line, " \t");
		if (SC_GROW(v, vcap, cnt + 1) < 0 || !(v[cnt] = strndup(line, l))) {
			sc_err_set(err, "out of memory");
			goto fail;
		}
		cnt++;
	}
	free(out);
	free(errout);
	*names = v;
	*n = cnt;
	return 0;
fail:
	for (size_t i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	free(out);
	free(errout);
	return -1;
}

/* The environment for a child: ours without TZ and SLURM_TIME_FORMAT, then
 * those two set for UTC ISO times. Caller frees the array (not the strings). */
static char **child_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TZ=", 3) != 0 && strncmp(environ[i], "SLURM_TIME_FORMAT=", 18) != 0)
			env[k++] = environ[i];
	env[k++] = "TZ=UTC";
	env[k++] = "SLURM_TIME_FORMAT=standard";
	env[k] = NULL;
	return env;
}

static void base_name(const char *path, char *buf, size_t n)
{
	const char *s = strrchr(path, '/');

	snprintf(buf, n, "%s", s ? s + 1 : path);
}

/* Forks argv with the given fds as its stdin/stdout (-1: /dev/null) and errfd
 * as stderr. Returns the pid, or -1 with err (also when exec fails: the
 * child reports errno through a close-on-exec pipe). */
static pid_t spawn(char *const argv[], int in, int out, int errfd, struct sc_err *err)
{
	int rep[2];
	char **env = child_env();
	pid_t pid;
	int code = 0;
	ssize_t r;

	if (!env) {
		sc_err_set(err, "out of memory");
		return -1;
	}
	if (pipe2(rep, O_CLOEXEC) < 0) {
		free(env);
		sc_err_set(err, "cannot run %s: pipe: %s", argv[0], strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		sc_err_set(err, "cannot run %s: fork: %s", argv[0], strerror(errno));
		close(rep[0]);
		close(rep[1]);
		free(env);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		int e;

		dup2(in >= 0 ? in : devnull, 0);
		dup2(out >= 0 ? out : devnull, 1);
		dup2(errfd >= 0 ? errfd : devnull, 2);
		signal(SIGPIPE, SIG_DFL);
		execvpe(argv[0], argv, env);
		e = errno;
		free(env);
		if (write(rep[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(env);
	close(rep[1]);
	do
		r = read(rep[0], &code, sizeof(code));
	while (r < 0 && errno == EINTR);
	close(rep[0]);
	if (r == (ssize_t)sizeof(code)) {
		waitpid(pid, NULL, 0);
		sc_err_set(err, "cannot run %s: %s%s", argv[0], strerror(code),
			   strcmp(argv[0], "sacct") == 0 || strcmp(argv[0], "sacctmgr") == 0
				   ? " (install slurm-client, or set SCARBON_SACCT / SCARBON_SACCTMGR)"
				   : "");
		return -1;
	}
	return pid;
}

/* Reads up to a few lines of f from its start into buf. */
static void read_head(FILE *f, char *buf, size_t n)
{
	size_t len;

	buf[0] = '\0';
	if (!f)
		return;
	rewind(f);
	len = fread(buf, 1, n - 1, f);
	buf[len] = '\0';
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static int status_of(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 255;
}

struct sc_proc *sc_proc_open(char *const argv[], struct sc_err *err)
{
	struct sc_proc *p = calloc(1, sizeof(*p));
	int fds[2] = { -1, -1 };

	if (!p) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	base_name(argv[0], p->name, sizeof(p->name));
	p->errf = tmpfile();
	if (!p->errf || pipe2(fds, O_CLOEXEC) < 0) {
		sc_err_set(err, "cannot run %s: %s", argv[0], strerror(errno));
		goto error;
	}
	p->pid = spawn(argv, -1, fds[1], fileno(p->errf), err);
	close(fds[1]);
	fds[1] = -1;
	if (p->pid < 0)
		goto error;
	p->out = fdopen(fds[0], "r");
	if (!p->out) {
		sc_err_set(err, "cannot read from %s: %s", argv[0], strerror(errno));
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		goto error;
	}
	return p;
error:
	if (fds[0] >= 0)
		close(fds[0]);
	if (p->errf)
		fclose(p->errf);
	free(p);
	return NULL;
}

FILE *sc_proc_out(struct sc_proc *p)
{
	return p->out;
}

int sc_proc_close(struct sc_proc *p, struct sc_err *err)
{
	int ws = 0, st;
	char msg[400];
	pid_t r;

	if (!p)
		return 0;
	/* Drain what is left so that the child is never blocked on a full pipe. */
	while (getc(p->out) != EOF)
		;
	fclose(p->out);
	do
		r = waitpid(p->pid, &ws, 0);
	while (r < 0 && errno == EINTR);
	st = r < 0 ? 255 : status_of(ws);
	read_head(p->errf, msg, sizeof(msg));
	fclose(p->errf);
	if (st != 0) {
		sc_err_set(err, "%s exited with status %d%s%s", p->name, st, msg[0] ? ": " : "", SC_PRINTABLE(msg));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static char *slurp(FILE *f)
{
	long n;
	char *s;

	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0)
		return NULL;
	rewind(f);
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	n = (long)fread(s, 1, (size_t)n, f);
	s[n] = '\0';
	return s;
}

int sc_proc_run(char *const argv[], const char *input, char **out, char **errout,
		struct sc_err *err)
{
	FILE *of = tmpfile(), *ef = tmpfile();
	int sv[2] = { -1, -1 };
	int ws = 0, rc = -1;
	pid_t pid, r;

	if (out)
		*out = NULL;
	if (errout)
		*errout = NULL;
	if (!of || !ef) {
		sc_err_set(err, "cannot run %s: temporary file: %s", argv[0], strerror(errno));
		goto out;
	}
	/* A socket rather than a pipe, so that writing to a child that quit
	 * early fails with EPIPE instead of raising SIGPIPE. */
	if (input && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		sc_err_set(err, "cannot run %s: socketpair: %s", argv[0], strerror(errno));
		goto out;
	}
	pid = spawn(argv, input ? sv[1] : -1, fileno(of), fileno(ef), err);
	if (sv[1] >= 0)
		close(sv[1]);
	sv[1] = -1;
	if (pid < 0)
		goto out;
	if (input) {
		size_t len = strlen(input), done = 0;
		while (done < len) {
			ssize_t w = send(sv[0], input + done, len - done, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break; /* the child stopped reading: its status says why */
			done += (size_t)w;
		}
		close(sv[0]);
		sv[0] = -1;
	}
	do
		r = waitpid(pid, &ws, 0);
	while (r < 0 && errno == EINTR);
	rc = r < 0 ? 255 : status_of(ws);
	if (out && !(*out = slurp(of)))
		rc = sc_err_set(err, "out of memory");
	if (rc >= 0 && errout && !(*errout = slurp(ef)))
		rc = sc_err_set(err, "out of memory");
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (of)
		fclose(of);
	if (ef)
		fclose(ef);
	if (rc < 0) {
		if (out) {
			free(*out);
			*out = NULL;
		}
		if (errout) {
			free(*errout);
			*errout = NULL;
		}
	}
	return rc;
}

/* SlurmUser from slurm.conf, into buf; 0 when found. SLURM_CONF may name
 * anything: only a regular file of sane size is read (/dev/zero would never
 * end, a FIFO never start). */
static int slurm_user(char *buf, size_t n)
{
	const char *path = getenv("SLURM_CONF");
	FILE *f = sc_open_regular(path && *path ? path : "/etc/slurm/slurm.conf", "slurm.conf", (off_t)16 << 20,
				  NULL);
	char line[1024];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *tok, *save = NULL;
		if (hash)
			*hash = '\0';
		for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (strncasecmp(tok, "SlurmUser=", 10) == 0) {
				snprintf(buf, n, "%s", tok + 10);
				found = 0;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

int sc_slurm_is_operator(void)
{
	struct passwd *pw;
	char name[256], su[256], *out = NULL;
	int is = 0;

	if (geteuid() == 0)
		return 1;
	pw = getpwuid(geteuid());
	if (!pw)
		return 0;
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	if (slurm_user(su, sizeof(su)) == 0 && strcmp(su, name) == 0)
		return 1;
	{
		char user_arg[300];
		char *argv[] = { (char *)sc_slurm_prog("sacctmgr"), "-n", "-P", "show", "user",
				 user_arg, "format=AdminLevel", NULL };
		snprintf(user_arg, sizeof(user_arg), "name=%s", name);
		if (sc_proc_run(argv, NULL, &out, NULL, NULL) == 0 && out) {
			char *s = out;
			while (isspace((unsigned char)*s))
				s++;
			is = strncasecmp(s, "Operator", 8) == 0 || strncasecmp(s, "Admin", 5) == 0;
		}
		free(out);
	}
	return is;
}

int sc_sacct_run(char *const args[], sc_acct_job_fn fn, void *arg, void (*warn)(const char *msg, void *arg),
		 struct sc_sacct_stats *stats, struct sc_err *err)
{
	return sc_sacct_run_fields(args, SC_SACCT_FIELDS, fn, arg, warn, stats, err);
}

int sc_sacct_run_fields(char *const args[], const char *fields, sc_acct_job_fn fn, void *arg,
			void (*warn)(const char *msg, void *arg), struct sc_sacct_stats *stats,
			struct sc_err *err)
{
	char delim[] = "--delimiter=\x1f", format[1024];
	char *argv[SACCT_MAX_ARGS + 6];
	struct sc_proc *p;
	struct sc_err cerr;
	int n = 0, rc;

	argv[n++] = (char *)sc_slurm_prog("sacct");
	argv[n++] = "--parsable2";
	argv[n++] = "--noconvert";
	argv[n++] = delim;
	for (int k = 0; args && args[k]; k++) {
		if (k == SACCT_MAX_ARGS)
			return sc_err_set(err, "more than %d sacct arguments", SACCT_MAX_ARGS);
		argv[n++] = args[k];
	}
	if (snprintf(format, sizeof(format), "--format=%s", fields) >= (int)sizeof(format))
		return sc_err_set(err, "sacct field list longer than %zu bytes", sizeof(format) - 10);
	argv[n++] = format;
	argv[n] = NULL;
	p = sc_proc_open(argv, err);
	if (!p)
		return -1;
	rc = sc_sacct_read(sc_proc_out(p), "sacct", '\x1f', fn, arg, warn, stats, err);
	if (sc_proc_close(p, &cerr) < 0) {
		if (err)
			*err = cerr;
		rc = -1;
	}
	return rc;
}
