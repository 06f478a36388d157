/*
 * The descent driver's private state and the functions its files share:
 * train.c (gd_train: validation, allocation, dispatch), train_sync.c (the
 * synchronous loop), train_hogwild.c, train_trace.c (evaluations, trace rows,
 * stop decisions), train_newton.c (L-BFGS, Newton), train_noise.c and
 * train_sparse.c (the CSR steps). Not part of the harness API.
 */
#ifndef GD_TRAIN_RUN_H
#define GD_TRAIN_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "params.h"
#include "train.h"
#include "tstep.h"

/* Per-worker data, each on its own cache lines. */
typedef struct {
	_Alignas(64) double loss;   /* this worker's loss sum of the phase */
	double sumsq;               /* this worker's slice of ||g||^2 */
	long steps;                 /* hogwild: this worker's steps so far */
	float *partial;             /* gradient sum over this worker's rows */
	float *scratch;
	float *hog_grad;            /* hogwild: the worker's own mean gradient */
	gd_piece *units;            /* the update's work units over this worker's slice (gd_params_pieces) */
	size_t nunits;
	uint32_t *stamp, stampv;    /* CSR: feature j is in the batch when stamp[j] == stampv */
	uint32_t *feat, *coords;    /* CSR: the batch's features; its coordinates (class rows, biases) */
	size_t ncoords;
	float *tmp;                 /* CSR: gathered w, g and state of a chunk of coordinates */
	char pad[64];
} wslot;

typedef struct run {
	const gd_run_cfg *cfg;
	const gd_dataset *train, *test;
	gd_pool *pool;
	volatile sig_atomic_t *stop;
	gd_run_out *out;
	int T;
	size_t np, N;
	float *w;            /* fp32 parameters the gradient kernels read; the reduced gradient lives in ws[0].partial */
	void *state[GD_MAX_STATE]; /* the rule's state, stored as cfg->dt says */
	void *wst, *gst;     /* cfg->dt other than f32: the stored parameters and gradient (w is their fp32 copy) */
	gd_param_set ps;     /* the parameters as named tensors: the MLP's layers, else one vector */
	gd_topt topt;        /* GD_OPT_TENSOR: the per-tensor rule's driver over ps */
	float *xeval;        /* Schedule-Free: the point evaluations read (x), swapped with w around them */
	uint32_t *perm;
	uint32_t *lidx;      /* comm, minibatch: the step's rows held here, shard-relative */
	size_t batch_all;    /* rows of the step over all ranks (= batch.n in one process) */
	int want_stop[2];    /* comm: this rank's requests for the next sum: time budget, signal */
	int coll_stop[2];    /* comm: the same, summed over ranks at the last sum */
	int csr;             /* CSR data: sparse steps */
	int decay_lazy;      /* sgd with L2 / weight decay, lazy: catch untouched weights up */
	double lcum, lnext;  /* sum of log(step factor) through the last step, and through this one */
	double *lastl;       /* per weight: lcum when it was last brought up to date */
	double coords_sum;   /* CSR: coordinates updated, summed over steps */
	pthread_mutex_t hog_mu; /* hogwild-locked */
	wslot *ws;
	/* set by worker 0 at phase A, read by all after the barrier */
	gd_batch batch;
	gd_step st;
	int quit, evaluate, force_eval;
	atomic_int hog_stop; /* hogwild: worker 0 tells the others to end the epoch early */
	size_t sc, vbytes;   /* per-worker scratch floats and parameter-vector bytes */
	double gscale;
	long step;
	/* bookkeeping (worker 0 only) */
	double t_start, t_train;
	gd_step_carry carry;
	size_t pos;
	long epoch;
	double next_eval_s;
	long next_eval_samples; /* auto under an epoch budget: evaluate by then too (0: no bound) */
	double eval_loss, eval_gnorm;
	int hit[GD_MAX_TARGETS];
} run;

/* Worker tid's slice [lo, hi) of n items (multiples of 16, for the vectors). */
static inline void gd__slice(size_t n, int tid, int T, size_t *lo, size_t *hi)
{
	size_t gran = ((n + 15) / 16 + (size_t)T - 1) / (size_t)T * 16;
	*lo = gran * (size_t)tid < n ? gran * (size_t)tid : n;
	*hi = *lo + gran < n ? *lo + gran : n;
}

/* The worker's share of batch b's rows as a batch of its own. */
static inline gd_batch gd__share(const gd_batch *b, int tid, int T)
{
	gd_batch s = *b;
	size_t lo = b->n * (size_t)tid / (size_t)T, hi = b->n * (size_t)(tid + 1) / (size_t)T;
	if (b->idx)
		s.idx = b->idx + lo;
	else
		s.i0 = b->i0 + lo;
	s.n = hi - lo;
	if (b->next_idx) { /* the share this worker takes of the next batch */
		size_t nlo = b->next_n * (size_t)tid / (size_t)T, nhi = b->next_n * (size_t)(tid + 1) / (size_t)T;
		s.next_idx = b->next_idx + nlo;
		s.next_n = nhi - nlo;
	}
	return s;
}

/* ---- CSR steps (train_sparse.c) ---- */
enum { GD_LAZY_CHUNK = 256 }; /* coordinates gathered per update call */
/* The coordinates batch b touches into me->coords: the c weights of every
 * feature in its rows, then the biases (each once: stamps, no clearing). */
void gd_sparse_touched(run *r, wslot *me, const gd_batch *b);
/* The rule on coordinates cs[0..n) only: gather w, g and the state, run the
 * rule's kernel (any variant), scatter back; g is left zero there. */
void gd_sparse_update(run *r, wslot *me, const gd_step *st, const uint32_t *cs, size_t n, float *g);
/* sgd with L2 / weight decay, lazy: bring weights up to date with the step
 * factors they owe: those in cs[0..n), or all in [lo, hi). */
void gd_sparse_catch_up(run *r, const uint32_t *cs, size_t n);
void gd_sparse_catch_up_range(run *r, size_t lo, size_t hi);
/* What the step does to a weight with a zero gradient (sgd: w' = f w). */
double gd_sparse_zero_grad_factor(const gd_run_cfg *c, const gd_step *st);

/* ---- the synchronous loop (train_sync.c) ---- */
/* The rule's step on worker tid's slice from the fp32 gradient g (whole
 * vector), one kernel call per work unit, through the dtype's storage. */
void train_update_slice(run *r, int tid, const gd_step *st, const float *g);
/* The pool job of the data-parallel loop: full, minibatch, sample. */
void train_sync_job(int tid, int T, void *arg);
/* The permutation of epoch `epoch` into r->perm (from the run's seed). */
void train_shuffle(run *r, long epoch);
/* Worker tid's slice of the parameters: sum the partials into worker 0's
 * (unless summed already), finish mean + penalty over n_rows, add the noise
 * of step t (sigma 0: none) and, when norm is set, keep the slice's squared
 * norm in ws[tid].sumsq. */
void train_reduce_slice(run *r, int tid, size_t n_rows, float sigma, long t, int norm, int summed);
/* The squared norm of the reduced gradient: the workers' sumsq summed. */
double train_total_sumsq(run *r);
/* comm: the partials summed, then over ranks with `extra` floats after the
 * gradient; the allreduce's wall seconds (worker 0; 0 elsewhere). */
double train_rank_sum(run *r, int tid, int extra);

/* ---- Hogwild (train_hogwild.c) ---- */
/* The pool job of a Hogwild run. Named without the train_ prefix on purpose:
 * tests/tsan.supp suppresses its races by this name (race:hogwild_job). */
void hogwild_job(int tid, int T, void *arg);

/* ---- evaluations, trace and stop decisions (train_trace.c) ---- */
/* Full training loss and gradient norm at w on all workers (eval_loss, eval_gnorm). */
void train_eval_phase(run *r, int tid);
/* Worker 0 after an evaluation that started at e0: the trace row, its test
 * metrics and the evaluation time; nonzero when the run stops (stop_reason set). */
int train_record(run *r, double e0);
/* Does worker 0 evaluate before this step? */
int train_eval_due(run *r);
/* Worker 0 after an evaluation: set next_eval_s (the seconds cadence, or auto's adapted period). */
void train_next_eval(run *r);

/* ---- second-order baselines, full batch (train_newton.c) ---- */
/* L-BFGS (liblbfgs) and Newton on least squares from r->w; 0 or GD_ENOMEM. */
int train_run_lbfgs(run *r);
int train_run_newton(run *r);

/* ---- noise (train_noise.c) ---- */
/* Gradient noise sigma_t for step t (0 when off). */
float train_noise_sigma(const gd_run_cfg *c, long t);
/* Busy CPU seconds of the machine less this process's own; NAN without /proc/stat. */
double train_foreign_cpu_now(void);
#endif
