/* gdbench-history's subcommands, shared between history.c and history_changes.c. */
#ifndef GD_HISTORY_H
#define GD_HISTORY_H
#include "history_db.h"

/* A usage error: "gdbench-history: " and fmt, the --help hint; returns 2. */
int hist_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s as a number in [lo, hi] for option opt; 0, or -1 with the message printed. */
int hist_parse_double(const char *opt, const char *s, double lo, double hi, double *v);
/* hdb_load, its failure printed: 0 or -1. */
int hist_load(sqlite3 *db, const char *machine, const char *key, hdb_series **s, size_t *n);
/* The series s[0..n) as tables, or as one JSON array. */
void hist_print_series(const hdb_series *s, size_t n, int json);
/* `changes` and `export` (history_changes.c): argv[0] is the command's name. */
int hist_changes(sqlite3 *db, int argc, char **argv);
int hist_export(sqlite3 *db, int argc, char **argv);
#endif
