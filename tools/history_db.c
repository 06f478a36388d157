/* The history database (history_db.h): opening with its checks, the schema, loading series. */
#include "history_db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const char schema_sql[] =
	"CREATE TABLE run(id INTEGER PRIMARY KEY, machine_id TEXT NOT NULL, git_revision TEXT NOT NULL,"
	" commit_time INTEGER NOT NULL, source TEXT NOT NULL, added_at INTEGER NOT NULL);"
	"CREATE TABLE series(id INTEGER PRIMARY KEY, machine_id TEXT NOT NULL, key TEXT NOT NULL,"
	" metric TEXT NOT NULL, higher_better INTEGER NOT NULL, UNIQUE(machine_id, key, metric));"
	"CREATE TABLE value(run_id INTEGER NOT NULL REFERENCES run(id), series_id INTEGER NOT NULL"
	" REFERENCES series(id), rep INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY(run_id, series_id, rep));"
	"CREATE INDEX value_series ON value(series_id);";

/* one integer from a query (a PRAGMA or a count); 0, or -1 with err */
static int query_int(sqlite3 *db, const char *sql, long long *v, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return 0;
	if (rc == SQLITE_NOTADB)
		snprintf(err, errlen, "%s: not a gdbench history database (not an SQLite file)", path);
	else
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	return -1;
}

static int exec(sqlite3 *db, const char *sql, const char *path, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	return -1;
}

/* a new file: WAL first (it cannot change inside a transaction), then the schema and the
 * file's identity in one transaction that rechecks it is still empty (two jobs may race here) */
static int create_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	long long tables;
	char sql[160];
	if (exec(db, "PRAGMA journal_mode=WAL", path, err, errlen) || exec(db, "BEGIN IMMEDIATE", path, err, errlen))
		return -1;
	if (query_int(db, "SELECT count(*) FROM sqlite_master", &tables, path, err, errlen))
		goto fail;
	if (tables == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;", HDB_APP_ID, HDB_SCHEMA);
		if (exec(db, schema_sql, path, err, errlen) || exec(db, sql, path, err, errlen))
			goto fail;
	}
	if (!exec(db, "COMMIT", path, err, errlen))
		return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int hdb_open(const char *path, int create, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	*out = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, create ? "%s: cannot open or create: %s"
		                             : "%s: cannot open: %s (`gdbench history add` creates it)",
		         path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, HDB_BUSY_MS);
	long long app, version, tables;
	if (query_int(db, "PRAGMA application_id", &app, path, err, errlen) ||
	    query_int(db, "PRAGMA user_version", &version, path, err, errlen) ||
	    query_int(db, "SELECT count(*) FROM sqlite_master", &tables, path, err, errlen))
		goto fail;
	if (app == 0 && version == 0 && tables == 0) {
		if (!create) {
			snprintf(err, errlen, "%s: holds no history yet (`gdbench history add` fills it)", path);
			goto fail;
		}
		if (create_schema(db, path, err, errlen) ||
		    query_int(db, "PRAGMA application_id", &app, path, err, errlen) ||
		    query_int(db, "PRAGMA user_version", &version, path, err, errlen))
			goto fail;
	}
	if (app != HDB_APP_ID) {
		snprintf(err, errlen, "%s: not a gdbench history database (SQLite application_id 0x%08llx, expected 0x%08x)",
		         path, (unsigned long long)app & 0xffffffffull, HDB_APP_ID);
		goto fail;
	}
	if (version != HDB_SCHEMA) {
		snprintf(err, errlen, "%s: history schema version %lld, this gdbench reads version %d only (%s)", path,
		         version, HDB_SCHEMA, version > HDB_SCHEMA ? "written by a newer gdbench" : "no migration from it");
		goto fail;
	}
	if (exec(db, "PRAGMA foreign_keys=ON", path, err, errlen))
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

void hdb_series_free(hdb_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].pt);
	free(s);
}

/* the points of series id: repetitions grouped by revision, in commit order */
static int load_points(sqlite3 *db, long long id, hdb_series *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
	                       "SELECT r.git_revision, r.commit_time, v.v FROM value v JOIN run r ON r.id = v.run_id"
	                       " WHERE v.series_id = ? ORDER BY r.commit_time, r.git_revision, v.v",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	double *v = NULL;
	size_t nv = 0, cap = 0, pcap = 0, first = 0;
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rev = (const char *)sqlite3_column_text(st, 0);
		if (nv == cap) {
			double *g = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			if (!g) {
				bad = 1;
				break;
			}
			v = g;
		}
		if (!s->n || strcmp(s->pt[s->n - 1].rev, rev)) {
			if (s->n == pcap) {
				hdb_point *g = realloc(s->pt, (pcap = pcap ? 2 * pcap : 16) * sizeof(*g));
				if (!g) {
					bad = 1;
					break;
				}
				s->pt = g;
			}
			if (s->n) {
				hdb_point *p = &s->pt[s->n - 1];
				p->n = nv - first;
				p->median = gd_median(v + first, p->n);
			}
			first = nv;
			hdb_point *p = &s->pt[s->n++];
			snprintf(p->rev, sizeof(p->rev), "%s", rev);
			p->commit_time = sqlite3_column_int64(st, 1);
		}
		v[nv++] = sqlite3_column_double(st, 2);
	}
	if (!bad && s->n) {
		/* the values come sorted within a revision: lo and hi are its ends */
		hdb_point *p = &s->pt[s->n - 1];
		p->n = nv - first;
		p->median = gd_median(v + first, p->n);
		size_t at = 0;
		for (size_t i = 0; i < s->n; i++) {
			s->pt[i].lo = v[at];
			s->pt[i].hi = v[at + s->pt[i].n - 1];
			at += s->pt[i].n;
		}
	}
	free(v);
	sqlite3_finalize(st);
	return bad || rc != SQLITE_DONE ? -1 : 0;
}

int hdb_load(sqlite3 *db, const char *machine, const char *key, hdb_series **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
	                       "SELECT id, machine_id, key, metric, higher_better FROM series WHERE (?1 IS NULL OR"
	                       " machine_id = ?1) AND (?2 IS NULL OR key = ?2) ORDER BY machine_id, key, metric",
	                       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (machine)
		sqlite3_bind_text(st, 1, machine, -1, SQLITE_STATIC);
	if (key)
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			hdb_series *g = realloc(*out, (cap = cap ? 2 * cap : 16) * sizeof(*g));
			if (!g)
				break;
			*out = g;
		}
		hdb_series *s = &(*out)[(*n)++];
		memset(s, 0, sizeof(*s));
		snprintf(s->machine, sizeof(s->machine), "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(s->key, sizeof(s->key), "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(s->metric, sizeof(s->metric), "%s", (const char *)sqlite3_column_text(st, 3));
		s->higher_better = sqlite3_column_int(st, 4);
		if (load_points(db, sqlite3_column_int64(st, 0), s)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		hdb_series_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int hdb_changes(const hdb_series *s, const gd_ediv_opts *o, gd_cp *cp, size_t cap)
{
	double *m = malloc((s->n ? s->n : 1) * sizeof(*m));
	if (!m)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		m[i] = s->pt[i].median;
	int k = gd_edivisive(m, s->n, o, cp, cap);
	free(m);
	return k;
}

double hdb_level(const hdb_series *s, size_t from, size_t to)
{
	double *m = malloc((to > from ? to - from : 1) * sizeof(*m));
	if (!m || to <= from) {
		free(m);
		return NAN;
	}
	for (size_t i = from; i < to; i++)
		m[i - from] = s->pt[i].median;
	double r = gd_median(m, to - from);
	free(m);
	return r;
}
