/*
 * The history database of gdbench-history (and gdbench-report --history): SQLite,
 * one row per added result file (run), per series (machine id, benchmark key and
 * metric, as gdbench-compare pairs them) and per repetition (value). A series' point
 * is one git revision: the median of every repetition added for it, in commit order.
 *
 * The file says what it is: PRAGMA application_id HDB_APP_ID and user_version
 * HDB_SCHEMA; anything else is refused (a foreign SQLite file, an older or newer
 * schema, with its version). WAL journal and a busy timeout let two CI jobs add at
 * once; each add is one transaction, so a killed add leaves nothing behind.
 */
#ifndef GD_HISTORY_DB_H
#define GD_HISTORY_DB_H
#include <stddef.h>

#include <sqlite3.h>

#include "edivisive.h"

#define HDB_APP_ID 0x67644842 /* "gdHB" */
#define HDB_SCHEMA 1          /* the first schema: there is nothing older to migrate */
#define HDB_BUSY_MS 30000     /* how long a writer waits for another job's transaction */

/* Open path (created with the schema when create is set and it does not exist or is
 * empty). 0, or -1 with "path: what" in err and *db NULL. */
int hdb_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen);

typedef struct hdb_point {
	char rev[64];
	long long commit_time;
	double median, lo, hi; /* over the n repetitions of every run of this revision */
	size_t n;
} hdb_point;

typedef struct hdb_series {
	char machine[128], key[512], metric[24];
	int higher_better;
	hdb_point *pt; /* in commit order */
	size_t n;
} hdb_series;

/* Every series (with machine or key given: only those equal to it), points loaded.
 * 0, or -1 with the SQLite message in err. Free with hdb_series_free. */
int hdb_load(sqlite3 *db, const char *machine, const char *key, hdb_series **out, size_t *n, char *err, size_t errlen);
void hdb_series_free(hdb_series *s, size_t n);

/* Change points of a series' medians (gd_edivisive), at most cap; -1 on bad options. */
int hdb_changes(const hdb_series *s, const gd_ediv_opts *o, gd_cp *cp, size_t cap);
/* Median of the points [from, to) of s: the level of one segment between change points. */
double hdb_level(const hdb_series *s, size_t from, size_t to);
#endif
