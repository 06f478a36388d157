/*
 * gdbench-history: results over commits in an SQLite database (history_db.h), and
 * change points found in them by E-Divisive (edivisive.h). Exec'd as `gdbench history`.
 * This file: the subcommands add, list, show and changes; export is history_export.c.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "resultset.h"

static const char help[] =
	"Usage: gdbench-history [--db PATH] COMMAND [OPTIONS]\n"
	"Results over commits in an SQLite database, and the change points in them.\n"
	"\n"
	"  add [--revision REV] [--commit-time SECONDS] [--machine-id ID] FILE[,FILE...]...\n"
	"      each argument (comma-separated files pool) is one run: kernel or run files, their\n"
	"      entries keyed like gdbench-compare pairs them (benchmark key and metric) under the\n"
	"      machine id, git revision and commit time; every repetition is stored. REV and ID come\n"
	"      from the files' context unless given; the commit time from `git show` of REV (run\n"
	"      inside the repository) unless given. One transaction per run.\n"
	"  list                 the series: machine id, key, metric, revisions, last median\n"
	"  show KEY [--machine-id ID] [--json]   one series as a table (or JSON): per revision in\n"
	"      commit order, repetitions, median, min, max\n"
	"  changes [--machine-id ID] [--key KEY] [--min-seg N] [--alpha A] [--permutations P]\n"
	"          [--seed S] [--fail-recent K --threshold X]\n"
	"      E-Divisive with means (Matteson and James 2014) over each series' per-revision\n"
	"      medians: bisection on the energy statistic, each candidate kept when a permutation\n"
	"      test gives p <= A (default 0.01, 499 permutations, at least N = 3 revisions each side).\n"
	"      Prints each change point's commit range, the median level before and after, the size\n"
	"      and p. --fail-recent K --threshold X: exit 1 when a regression larger than X (relative,\n"
	"      e.g. 0.05) starts within the last K revisions of its series. A time to target never\n"
	"      reached is +inf: a series holding one is searched on its ranks (+inf above every\n"
	"      time), so the revision from which the target is no longer reached is a change point\n"
	"      like a step in time, a regression of +inf% (reached again: an improvement, -100%).\n"
	"  export --format bmf|gab [--machine-id ID] [--revision REV]\n"
	"      one revision's medians (default: the latest) as JSON on stdout: bmf, Bencher Metric\n"
	"      Format ({key: {metric: {value, lower_value, upper_value}}}); gab,\n"
	"      github-action-benchmark's customSmallerIsBetter ([{name, unit, value, range}]), where a\n"
	"      higher-is-better metric is exported as its reciprocal, unit '1/METRIC'\n"
	"\n"
	"  --db PATH   the database (default results/history.sqlite); refused unless it is a\n"
	"              gdbench history (SQLite application_id and schema version)\n"
	"  -h, --help  this text;  --version\n"
	"Exit status: 0 success (changes: no recent regression), 1 failure (changes: a recent\n"
	"regression), 2 usage or input error.\n";

int hist_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gdbench-history: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'gdbench-history --help'.\n", stderr);
	return 2;
}

int hist_parse_double(const char *opt, const char *s, double lo, double hi, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !(*v >= lo && *v <= hi)) {
		fprintf(stderr, "gdbench-history: %s '%s': expected a number in [%g, %g]\n", opt, s, lo, hi);
		return -1;
	}
	return 0;
}

int hist_load(sqlite3 *db, const char *machine, const char *key, hdb_series **s, size_t *n)
{
	char err[512];
	if (!hdb_load(db, machine, key, s, n, err, sizeof(err)))
		return 0;
	fprintf(stderr, "gdbench-history: %s\n", err);
	return -1;
}

/* the commit time of rev from git (a dirty build's "-dirty", from `git describe --dirty`, dropped) */
static int commit_time(const char *rev, long long *t)
{
	char r[64], cmd[160];
	size_t n = strlen(rev);
	if (!n || n >= sizeof(r) || strspn(rev, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-/") != n)
		return -1;
	memcpy(r, rev, n + 1);
	if (n > 6 && !strcmp(r + n - 6, "-dirty"))
		r[n - 6] = 0;
	snprintf(cmd, sizeof(cmd), "git show -s --format=%%ct '%s^{commit}' 2>/dev/null", r);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int ok = fscanf(p, "%lld", t) == 1;
	return pclose(p) == 0 && ok ? 0 : -1;
}

/* one run: the set's entries under (machine, rev, time), in one transaction */
static int add_run(sqlite3 *db, const rs_set *s, const char *machine, const char *rev, long long t)
{
	sqlite3_stmt *run = NULL, *ser = NULL, *sid = NULL, *val = NULL;
	int ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	         sqlite3_prepare_v2(db, "INSERT INTO run(machine_id, git_revision, commit_time, source, added_at)"
	                                " VALUES(?, ?, ?, ?, ?)", -1, &run, NULL) == SQLITE_OK &&
	         sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO series(machine_id, key, metric, higher_better)"
	                                " VALUES(?, ?, ?, ?)", -1, &ser, NULL) == SQLITE_OK &&
	         sqlite3_prepare_v2(db, "SELECT id FROM series WHERE machine_id = ? AND key = ? AND metric = ?", -1,
	                            &sid, NULL) == SQLITE_OK &&
	         sqlite3_prepare_v2(db, "INSERT INTO value(run_id, series_id, rep, v) VALUES(?, ?, ?, ?)", -1, &val,
	                            NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_text(run, 1, machine, -1, SQLITE_STATIC);
		sqlite3_bind_text(run, 2, rev, -1, SQLITE_STATIC);
		sqlite3_bind_int64(run, 3, t);
		sqlite3_bind_text(run, 4, s->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(run, 5, (long long)time(NULL));
		ok = sqlite3_step(run) == SQLITE_DONE;
	}
	long long run_id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; ok && i < s->n; i++) {
		const rs_entry *e = &s->e[i];
		sqlite3_reset(ser);
		sqlite3_reset(sid);
		sqlite3_bind_text(ser, 1, machine, -1, SQLITE_STATIC);
		sqlite3_bind_text(ser, 2, e->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(ser, 3, e->metric, -1, SQLITE_STATIC);
		sqlite3_bind_int(ser, 4, e->higher_better);
		for (int k = 1; k <= 3; k++)
			sqlite3_bind_text(sid, k, k == 1 ? machine : k == 2 ? e->key : e->metric, -1, SQLITE_STATIC);
		ok = sqlite3_step(ser) == SQLITE_DONE && sqlite3_step(sid) == SQLITE_ROW;
		long long series_id = ok ? sqlite3_column_int64(sid, 0) : 0;
		for (size_t r = 0; ok && r < e->n; r++) {
			if (isnan(e->v[r]))
				continue; /* a repetition without a value (REAL NOT NULL holds +inf, not NaN) */
			sqlite3_reset(val);
			sqlite3_bind_int64(val, 1, run_id);
			sqlite3_bind_int64(val, 2, series_id);
			sqlite3_bind_int64(val, 3, (long long)r);
			sqlite3_bind_double(val, 4, e->v[r]);
			ok = sqlite3_step(val) == SQLITE_DONE;
		}
	}
	/* a test hook: hold the transaction open, rows written, so a test can kill the add here */
	const char *stall = getenv("GDBENCH_TEST_HISTORY_STALL");
	if (ok && stall)
		sleep((unsigned)atoi(stall));
	sqlite3_finalize(run);
	sqlite3_finalize(ser);
	sqlite3_finalize(sid);
	sqlite3_finalize(val);
	if (ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	fprintf(stderr, "gdbench-history: adding %s: %s\n", s->path, sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int cmd_add(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "revision", required_argument, NULL, 'r' }, { "commit-time", required_argument, NULL, 't' },
		{ "machine-id", required_argument, NULL, 'm' }, { 0, 0, 0, 0 },
	};
	const char *rev_opt = NULL, *machine_opt = NULL;
	double t_opt = NAN;
	int c;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'r')
			rev_opt = optarg;
		else if (c == 'm')
			machine_opt = optarg;
		else if (c == 't') {
			if (hist_parse_double("--commit-time", optarg, 0, 1e12, &t_opt))
				return 2;
		} else
			return hist_usage(c == ':' ? "option '%s' needs a value" : "add: unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return hist_usage("add: no result file given");
	for (int a = optind; a < argc; a++) {
		rs_set s = { 0 };
		char err[1024];
		if (rs_load(&s, argv[a], err, sizeof(err))) {
			fprintf(stderr, "gdbench-history: %s\n", err);
			rs_free(&s);
			return 2;
		}
		const char *machine = machine_opt ? machine_opt : rs_str(s.ctx, "machine_id");
		const char *rev = rev_opt ? rev_opt : rs_str(s.ctx, "git_revision");
		long long t = (long long)t_opt;
		const char *why = s.peer ? "holds another program's entries (a peer file): nothing to keep"
		                  : !s.n ? "holds no entries"
		                  : !*machine ? "has no machine_id in its context (written by an older gdbench): give --machine-id"
		                  : !*rev ? "has no git_revision in its context: give --revision"
		                  : isnan(t_opt) && commit_time(rev, &t) ? "cannot tell its revision's commit time"
		                                                           " (git show failed: run inside the repository, or give --commit-time)"
		                  : NULL;
		if (why) {
			fprintf(stderr, "gdbench-history: %s: %s\n", argv[a], why);
			rs_free(&s);
			return 2;
		}
		int rc = add_run(db, &s, machine, rev, t);
		if (!rc)
			printf("added %s: %zu series of %s at %s\n", argv[a], s.n, machine, rev);
		rs_free(&s);
		if (rc)
			return 1;
	}
	return 0;
}

static int cmd_list(sqlite3 *db, int argc, char **argv)
{
	if (argc > 1)
		return hist_usage("list: unexpected argument '%s'", argv[1]);
	hdb_series *s;
	size_t n;
	if (hist_load(db, NULL, NULL, &s, &n))
		return 1;
	printf("%-28s %-9s %9s %12s  %s\n", "machine", "metric", "revisions", "last median", "key");
	for (size_t i = 0; i < n; i++)
		printf("%-28s %-9s %9zu %12.6g  %s\n", s[i].machine, s[i].metric, s[i].n,
		       s[i].n ? s[i].pt[s[i].n - 1].median : NAN, s[i].key);
	hdb_series_free(s, n);
	return 0;
}

static int cmd_show(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "machine-id", required_argument, NULL, 'm' }, { "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	const char *machine = NULL;
	int c, json = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'm')
			machine = optarg;
		else if (c == 'j')
			json = 1;
		else
			return hist_usage(c == ':' ? "option '%s' needs a value" : "show: unknown option '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return hist_usage("show: expected one KEY (as `gdbench history list` prints it)");
	hdb_series *s;
	size_t n;
	if (hist_load(db, machine, argv[optind], &s, &n))
		return 1;
	if (!n) {
		hdb_series_free(s, n);
		return hist_usage("show: no series '%s' (see `gdbench history list`)", argv[optind]);
	}
	hist_print_series(s, n, json);
	hdb_series_free(s, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dbpath = "results/history.sqlite";
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			fputs(help, stdout);
			return 0;
		}
		if (!strcmp(argv[a], "--version")) {
			printf("gdbench-history %s\n", VERSION);
			return 0;
		}
		if (!strcmp(argv[a], "--db") && a + 1 < argc)
			dbpath = argv[++a];
		else if (!strncmp(argv[a], "--db=", 5))
			dbpath = argv[a] + 5;
		else
			return hist_usage(!strcmp(argv[a], "--db") ? "option '%s' needs a value" : "unknown option '%s'", argv[a]);
	}
	if (a >= argc)
		return hist_usage("missing command (add, list, show, changes, export)");
	static const struct { const char *name; int (*fn)(sqlite3 *, int, char **); } cmds[] = {
		{ "add", cmd_add }, { "list", cmd_list }, { "show", cmd_show },
		{ "changes", hist_changes }, { "export", hist_export },
	};
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[a], cmds[k].name))
			continue;
		for (int h = a + 1; h < argc; h++)
			if (!strcmp(argv[h], "-h") || !strcmp(argv[h], "--help")) {
				fputs(help, stdout);
				return 0;
			}
		sqlite3 *db;
		char err[1024];
		if (hdb_open(dbpath, k == 0, &db, err, sizeof(err))) {
			fprintf(stderr, "gdbench-history: %s\n", err);
			return 2;
		}
		opterr = 0;
		optind = 1;
		int rc = cmds[k].fn(db, argc - a, argv + a);
		if (sqlite3_close(db) != SQLITE_OK) {
			fprintf(stderr, "gdbench-history: %s: %s\n", dbpath, sqlite3_errmsg(db));
			rc = rc ? rc : 1;
		}
		return rc;
	}
	return hist_usage("unknown command '%s'; expected one of: add, list, show, changes, export", argv[a]);
}
