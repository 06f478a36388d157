/* Run one function on T pinned threads at once and time it between barriers (probes, not the pool). */
#ifndef GD_PAR_H
#define GD_PAR_H
#include "topo.h"

/* fn(tid, nthreads, arg) runs on each of nthreads threads, pinned to pus[tid]
 * (-1: unbound). *seconds = latest finish - earliest start, measured after a
 * start barrier. Returns 0, GD_ETHREAD, or GD_EBIND (with *bad_tid set) when a
 * bind fails and strict is set. */
typedef void (*gd_par_fn)(int tid, int nthreads, void *arg);
int gd_par_run(const gd_topo *t, const int *pus, int nthreads, int strict, gd_par_fn fn, void *arg,
               double *seconds, int *bad_tid);
#endif
