/* What `gdbench run` prints on the terminal (run_summary.c): the progress line of the
 * run in progress and the summary table. */
#ifndef GD_RUN_SUMMARY_H
#define GD_RUN_SUMMARY_H

#include "train.h"

/* One finished (or failed: stop_reason NULL) run, in the order they ran. */
typedef struct run_done {
	char opt[96], mode[32];
	int threads;
	const char *grad, *upd; /* kernel names (registry strings; upd NULL for L-BFGS/Newton) */
	gd_run_out o;
} run_done;

/* How progress is shown: not at all (--quiet), rewritten in place on a terminal, or one
 * line every `period` seconds of wall time when stderr is not a terminal. */
typedef enum { RUN_PROGRESS_OFF, RUN_PROGRESS_INPLACE, RUN_PROGRESS_LINES } run_progress_kind;

/* The progress display's state: gd_run_cfg.progress_user for run_progress_show. One per
 * command: the caller sets index, opt, mode, threads, cfg and t_start before each run and
 * calls run_progress_end after it (which also feeds the estimate of the runs to come). */
typedef struct run_progress {
	run_progress_kind kind;
	double period;        /* RUN_PROGRESS_LINES: seconds between lines */
	const char *me;       /* "run", "tune": the lines' prefix */
	int index, total;     /* this run is index of total (1-based) */
	const char *opt, *mode;
	int threads;
	const gd_run_cfg *cfg;
	double t_start;       /* gd_now() when this run started */
	double wall_done;     /* wall seconds of the runs finished so far ... */
	int ndone;            /* ... and how many */
	double last_line;     /* gd_now() of the last RUN_PROGRESS_LINES line */
} run_progress;

/* gd_run_cfg.progress: "[i/n] opt mode T=..  epoch  loss  train  ETA" on stderr. The ETA is
 * wall time, evaluations included: what is left of this run at its wall-to-training ratio so
 * far, plus the runs to come at the mean wall time of those finished (or of this one). */
void run_progress_show(void *user, const gd_trace_row *row);
/* After a run: clear an in-place line and count the run's wall time. */
void run_progress_end(run_progress *p);

/* What the table's header says about one `run`: the problem and how time to target was
 * measured. */
typedef struct run_table {
	const char *model, *dataset, *isa;
	const double *targets;
	int ntarget;
	const char *eval_every; /* --eval-every as given */
} run_table;

/* The summary on stdout: a header per group of runs with one mode and gradient kernel
 * (problem, dataset, mode, ISA and kernel, scalar kernels named as such), the targets and
 * the evaluation cadence (the resolution of a time to target), then one line per
 * configuration (runs of the same optimizer, mode and threads next to each other: --repeat
 * runs back to back): update kernel, final and best loss, time to each target (headed by
 * its value), samples/s; with repetitions the median, and [min, max] for the times to
 * target. Columns are as wide as their longest cell. */
void run_summary_print(const run_done *done, int n, const run_table *t);
#endif
