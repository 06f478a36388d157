/*
 * Result files as sets of entries, the unit gdbench-compare pairs: one entry
 * per benchmark or run configuration, one value per repetition.
 */
#ifndef GD_RESULTSET_H
#define GD_RESULTSET_H
#include <stddef.h>

#include <jansson.h>

typedef struct rs_entry {
	char key[512];
	char metric[24];
	int higher_better;
	double *v;
	size_t n, cap;
	int noisy;
} rs_entry;

typedef struct rs_set {
	const char *path;
	int conv; /* 1: convergence runs, 0: kernel microbenchmarks */
	int peer; /* a kernels file holds entries with "peer" (tools/peer-torch.py): not loaded as entries */
	json_t *doc, *ctx;
	rs_entry *e;
	size_t n, cap;
} rs_set;

/* Load one side: a path, or several separated by commas whose repetitions
 * pool. Returns 0, or -1 with "path: what" in err. Free with rs_free either way. */
int rs_load(rs_set *s, const char *paths, char *err, size_t errlen);
/* Each path of a comma-separated list parsed (bare NaN tolerated, jsonread.h) and
 * handed to fn, which owns the document; stops at the first failure. 0, or -1
 * with "path: what" (or fn's message) in err. */
typedef int (*rs_doc_fn)(void *user, json_t *doc, const char *path, char *err, size_t errlen);
int rs_each_file(const char *paths, rs_doc_fn fn, void *user, char *err, size_t errlen);
/* Add one parsed document (taken over: freed here unless it becomes s->doc). */
int rs_add_doc(rs_set *s, json_t *doc, const char *path, char *err, size_t errlen);
void rs_free(rs_set *s);
/* o[k] as a number (NaN when absent or not a number) or string ("" likewise). */
double rs_num(json_t *o, const char *k);
const char *rs_str(json_t *o, const char *k);
#endif
