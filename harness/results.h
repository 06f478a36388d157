/* Result files of `gdbench run`: one JSON document (results/schema.json), written atomically. */
#ifndef GD_RESULTS_H
#define GD_RESULTS_H

#include <jansson.h>

#include "train.h"

#define GD_RESULTS_SCHEMA "gdbench-results"
#define GD_RESULTS_VERSION 1

/* What the driver does not know about a run: names and the setup. */
typedef struct gd_run_desc {
	const char *optimizer;   /* name as given, e.g. "adam" */
	const char *dataset;     /* e.g. "fashion-mnist/train" */
	const char *test_set;    /* NULL when there is none */
	size_t rows;             /* training rows */
	int npu;                 /* PUs this process may use (for the noise verdict) */
	int threads;
	const gd_pin *pins;      /* threads entries */
	const char *placement;   /* compact, scatter, none, or the PU list */
	int repeat_index;        /* 0-based repetition of the same configuration */
} gd_run_desc;

/* A run as a JSON object (NULL on allocation failure). */
json_t *gd_run_json(const gd_run_desc *d, const gd_run_cfg *c, const gd_run_out *o);
/* The document around the runs. */
json_t *gd_results_new(json_t *context, const char *command_line);

/*
 * Write doc to path atomically: a temporary file in the same directory,
 * flushed and fsync'ed, then renamed over path, so a reader sees the old
 * file or the new one, never half of one. Returns 0 or -errno (what the
 * system said: -ENOSPC, -EACCES, ...); the temporary file is removed on failure.
 */
int gd_results_write(const char *path, const json_t *doc);
#endif
