/*
 * The descent driver's private state, shared by train.c (the loops) and
 * train_sparse.c (the CSR steps). Not part of the harness API.
 */
#ifndef GD_TRAIN_RUN_H
#define GD_TRAIN_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "train.h"

/* Per-worker data, each on its own cache lines. */
typedef struct {
	_Alignas(64) double loss;   /* this worker's loss sum of the phase */
	double sumsq;               /* this worker's slice of ||g||^2 */
	long steps;                 /* hogwild: this worker's steps so far */
	float *partial;             /* gradient sum over this worker's rows */
	float *scratch;
	float *hog_grad;            /* hogwild: the worker's own mean gradient */
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
	float *w, *state[GD_MAX_STATE]; /* the reduced gradient lives in ws[0].partial */
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
#endif
