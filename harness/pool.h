/* A persistent pool of pinned worker threads with a barrier, for data-parallel descent steps. */
#ifndef GD_POOL_H
#define GD_POOL_H

#include "topo.h"

typedef struct gd_pool gd_pool;

/* Where each worker was asked to run and where it was seen running. */
typedef struct gd_pin {
	int asked;    /* PU OS index, -1 = unbound */
	int observed; /* PU seen right after binding, -1 = unknown */
	int bind_err; /* errno of a failed bind, 0 if none */
} gd_pin;

/*
 * Start n - 1 threads (the caller is worker 0) pinned to pus[0..n) (NULL or
 * -1 entries: unbound). spin: wait at barriers by spinning (right when
 * n <= free PUs: ~0.2 us here) instead of blocking (a pthread barrier costs
 * ~69 us on this VM). strict: a failed bind is an error (GD_EBIND, *bad set
 * to the worker) instead of being recorded in the pin report.
 * Returns 0, GD_ENOMEM, GD_ETHREAD (*bad = worker that could not start, errno =
 * pthread_create's error) or GD_EBIND (errno = the bind error).
 */
int gd_pool_create(const gd_topo *t, const int *pus, int n, int spin, int strict, gd_pool **out, int *bad);
void gd_pool_destroy(gd_pool *p);
int gd_pool_size(const gd_pool *p);
const gd_pin *gd_pool_pins(const gd_pool *p);

/* Run fn(tid, n, arg) on every worker (the caller as worker 0) and return
 * when all have finished. Inside fn, gd_pool_barrier(p) synchronizes them. */
typedef void (*gd_pool_fn)(int tid, int n, void *arg);
void gd_pool_run(gd_pool *p, gd_pool_fn fn, void *arg);
void gd_pool_barrier(gd_pool *p);

/* Involuntary context switches of every worker so far (getrusage
 * RUSAGE_THREAD, read by each worker at the end of each gd_pool_run). */
long gd_pool_involuntary_switches(const gd_pool *p);
#endif
