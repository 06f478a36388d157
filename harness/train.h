/* Descent drivers: full-batch, minibatch, per-sample and Hogwild descent of a model on a dataset,
 * timed by the clock rules of DESIGN.md, with a trace of the full training loss. */
#ifndef GD_TRAIN_H
#define GD_TRAIN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "comm.h"
#include "dataset.h"
#include "dtype.h"
#include "optspec.h"
#include "grad.h"
#include "pool.h"
#include "registry.h"
#include "schedule.h"

typedef enum { GD_MODE_FULL, GD_MODE_MINIBATCH, GD_MODE_SAMPLE, GD_MODE_HOGWILD, GD_NMODES } gd_mode;
const char *gd_mode_name(gd_mode m);

#define GD_MAX_TARGETS 8

typedef struct gd_trace_row {
	double train_s, eval_s, epoch;
	long step, samples;
	double loss, gnorm, test_loss, test_acc; /* NaN where there is no test split */
} gd_trace_row;

typedef struct gd_run_cfg {
	gd_opt_kind kind;             /* first-order rule, L-BFGS or Newton (full mode only) */
	int lbfgs_m;                  /* L-BFGS history length */
	gd_model model;
	const gd_grad_entry *grad;    /* gradient kernel */
	const gd_update_entry *upd;   /* update rule (first-order optimizers) */
	const struct gd_trule_entry *tupd; /* GD_OPT_TENSOR: the per-tensor rule's kernels (tstep.h) */
	gd_hparams hp;
	gd_dtype dt;                  /* storage of parameters, gradient and state (--dtype; 0 = f32):
	                               * first-order rules in full, minibatch and sample modes only */
	gd_schedule sched;
	gd_mode mode;
	size_t batch;                 /* minibatch and hogwild rows per step; 1 for sample */
	uint64_t seed;
	double time_budget;           /* seconds of training time; 0 = none */
	long max_epochs;              /* 0 = none (then a time budget is required) */
	double targets[GD_MAX_TARGETS];
	int ntargets;
	long eval_every_steps;        /* evaluate every K steps ... */
	double eval_every_seconds;    /* ... or every S seconds of training time (0 = every epoch) */
	/* > 0 (and no steps/seconds cadence): evaluate every P seconds of training time, P adapted
	 * after each evaluation so that evaluations take about this fraction of the training
	 * time (AlgoPerf's practice, --eval-every auto: 0.2); with comm, every epoch instead (the
	 * ranks' clocks differ, the evaluation is collective) */
	double eval_auto_fraction;
	double clip_norm;             /* gradient clipping by global norm; 0 = none */
	double noise_eta, noise_gamma; /* gradient noise, sigma^2_t = eta / (1 + t)^gamma; eta 0 = none */
	/* several processes (MPI): train is this rank's shard (row0, n_all); full
	 * and minibatch modes of first-order rules only. NULL: one process. */
	gd_comm *comm;
	/* CSR data (train->rowptr set; grad a CSR kernel): minibatch, sample and
	 * hogwild steps touch only the batch's coordinates. sparse_dense: update
	 * every parameter each step instead (the rule's exact semantics, O(params)
	 * per step); hog_lock: hogwild workers update under one mutex. */
	int sparse_dense, hog_lock;
	/* called by worker 0 after every evaluation (progress display); may be NULL */
	void (*progress)(void *user, const gd_trace_row *row);
	void *progress_user;
} gd_run_cfg;

typedef struct gd_run_out {
	gd_trace_row *rows;
	size_t nrows, caprows;
	double t_train, t_eval, t_total;      /* train + eval + setup/bookkeeping = total */
	double eval_period_s;                 /* eval_auto_fraction: the last period chosen (training s) */
	double t_sample, t_grad, t_reduce, t_update; /* per-phase sums (barrier-bracketed): picking
	                                      * the rows and the step's scalars, gradient, reduction, update */
	double t_allreduce;                   /* comm: the gradient sums over ranks (part of t_reduce) */
	long n_allreduce;                     /* comm: how many; each of allreduce_bytes */
	double allreduce_bytes;
	double coords_per_step;               /* CSR: mean coordinates updated per step (worker 0) */
	long steps, samples;
	double epochs;
	double final_loss, best_loss;
	double time_to_target[GD_MAX_TARGETS]; /* training seconds; -1 = not reached */
	const char *stop_reason; /* epochs, time, target, diverged, interrupted, converged, stalled */
	int diverged;
	long diverged_step;
	long ivcsw;                           /* involuntary context switches of the workers */
	double foreign_cpu_s;                 /* CPU time the machine spent outside this process (/proc/stat) */
	double load_before, load_after;       /* 1-minute load average */
	float *params;                        /* final parameters (caller frees) */
} gd_run_out;

/*
 * CSR data, lazy updates (the default): a step applies the rule to the
 * coordinates its batch touches and leaves the others alone. That is exactly
 * the dense step where a zero gradient leaves a coordinate and its state
 * unchanged: sgd and adagrad without penalty or weight decay. sgd with an L2
 * penalty or weight decay stays exact: an untouched weight only shrinks by the
 * step's factor, and the factors owed are applied (as one product) the next
 * time the weight is touched or evaluated. Every other rule becomes its
 * "lazy" variant, as in sparse-Adam implementations: momentum, moments and
 * decays of untouched coordinates wait (momentum, nesterov, rmsprop,
 * adadelta, adam, adamw, amsgrad, adamax, nadam, rprop, and any rule with a
 * penalty or weight decay). gd_lazy_exact() says which case a run is.
 */
int gd_lazy_exact(const gd_run_cfg *cfg);

/*
 * Run cfg on train (test may be NULL) with the pool's workers. stop, when
 * set by a signal handler, ends the run at the next step boundary with
 * stop_reason "interrupted" (what was measured is kept). Returns 0 or a
 * negative error (GD_ENOMEM, GD_EINVAL for a configuration the driver
 * refuses: batch > rows, sample mode on several threads).
 */
int gd_train(const gd_run_cfg *cfg, const gd_dataset *train, const gd_dataset *test, gd_pool *pool,
             volatile sig_atomic_t *stop, gd_run_out *out);
void gd_run_out_free(gd_run_out *out);

/* A run is noisy when something else competed for its PUs: its workers were
 * preempted at least 10 times and more than 50 times per second each, or other
 * processes used more than 10% of one CPU during the run (/proc/stat less
 * this process). The load average is recorded but not used: it is smoothed
 * over a minute and counts this process's own earlier runs. */
int gd_run_noisy(const gd_run_out *o, int threads, int npu);

/* Initial parameters: zeros for linear models, He-uniform for the MLP's
 * weights (biases 0), from the run's seed. */
void gd_init_params(const gd_model *m, uint64_t seed, float *params);
#endif
