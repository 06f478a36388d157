/*
 * The sections of gdbench-report, each writing into the context's HTML (main
 * in report.c decides which run, from the kinds of the files given).
 */
#ifndef GD_REPORT_SECTIONS_H
#define GD_REPORT_SECTIONS_H
#include <stddef.h>

#include <jansson.h>

#include "report_fig.h"

/* report_runs.c: per problem (model on dataset), loss against training seconds
 * or epochs per mode, then the time-to-target table (report_ttt.c), over the
 * runs of every `gdbench run`/`tune` file in docs but tune's grid runs. */
void rp_runs_section(rp_ctx *ctx, json_t **docs, int nd);
/* The problem a run solves, "model on dataset" (also used by report_tune.c). */
void rp_problem_key(json_t *r, char *buf, size_t len);

/* report_tune.c: the learning-rate sensitivity of one `gdbench tune` file, and
 * the performance profile of the winners' reruns across all files in docs. */
void rp_sensitivity_section(rp_ctx *ctx, json_t *doc);
void rp_profile_section(rp_ctx *ctx, json_t **docs, int nd);

/* report_kernels.c: one `gdbench kernels` file: update rules against the
 * ceiling and over scalar, thread scaling, gradient kernels. */
void rp_kernels_section(rp_ctx *ctx, json_t *doc);

/* report_paths.c: one `gdbench paths` file: optimizer paths over contours. */
void rp_paths_section(rp_ctx *ctx, json_t *doc);

/* report_context.c: the machine and build of contexts[0] with units, and the
 * rooflines (from any of the nd contexts) of each thread count used. */
void rp_context_section(rp_ctx *ctx, json_t **contexts, int nd, const int *threads_used, int nthreads);
#endif
