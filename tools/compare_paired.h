/*
 * gdbench-compare --paired: BASE's and NEW's files taken as pairs in the order given (file i of
 * each side measured side by side, as tools/perf-gate.sh interleaves them), each entry's change
 * read within each pair. Drift between processes hits both files of a pair alike and cancels.
 */
#ifndef GD_COMPARE_PAIRED_H
#define GD_COMPARE_PAIRED_H
#include <stddef.h>

#include "resultset.h"

typedef struct cp_sides {
	size_t n;      /* pairs: files per side */
	rs_set *a, *b; /* a[i], b[i]: the i-th file of BASE and of NEW, loaded alone */
} cp_sides;

/* Load BASE and NEW (comma-separated lists) file by file; they must name as many files.
 * 0, or -1 with the reason in err. Free with cp_free either way. */
int cp_load(cp_sides *s, const char *base, const char *new_, char *err, size_t errlen);
/* d[i] for each pair holding KEY on both sides: log of NEW's time for the same work over BASE's,
 * per-file medians (> 0: worse in NEW; +-inf where a target is reached on one side only, 0 where
 * on neither). d has room for s->n values; returns how many were written. */
size_t cp_log_ratios(const cp_sides *s, const char *key, double *d);
void cp_free(cp_sides *s);
#endif
