/* What `gdbench run` prints on the terminal (run_summary.c): the progress line of the
 * run in progress and the summary table. */
#ifndef GD_RUN_SUMMARY_H
#define GD_RUN_SUMMARY_H

#include "train.h"

/* One finished (or failed: stop_reason NULL) run, in the order they ran. */
typedef struct run_done {
	char opt[96], mode[32];
	int threads;
	gd_run_out o;
} run_done;

/* The progress line's context: gd_run_cfg.progress_user for run_progress. */
typedef struct run_progress {
	int quiet, index, total;
	const char *opt, *mode;
	int threads;
	const gd_run_cfg *cfg;
	double t_start;
} run_progress;

/* gd_run_cfg.progress: "[i/n] opt mode T=..  epoch  loss  train  ETA" on stderr, rewritten in place. */
void run_progress_show(void *user, const gd_trace_row *row);

/* One line per configuration (runs of the same optimizer, mode and threads
 * next to each other: --repeat runs back to back) on stdout: final and best
 * loss, time to each of ntarget targets, samples/s; with repetitions the
 * median, and [min, max] for the times to target. */
void run_summary_print(const run_done *done, int n, int ntarget);
#endif
