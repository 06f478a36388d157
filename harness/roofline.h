/* Ceilings measured on the spot: STREAM-style copy/triad bandwidth and FMA peak, on pinned threads. */
#ifndef GD_ROOFLINE_H
#define GD_ROOFLINE_H
#include <stddef.h>

#include "cpu.h"
#include "topo.h"

typedef struct gd_roofline {
	int threads;
	gd_isa isa;             /* widest FMA the probe used */
	size_t array_bytes;     /* per STREAM array */
	double copy_gbs;        /* best of reps, 8 bytes per element (STREAM counting) */
	double triad_gbs;       /* 12 bytes per element */
	double fma_gflops;      /* all threads together */
	double fma_gflops_core; /* per thread: fma_gflops / threads */
} gd_roofline;

/* Measure on nthreads threads placed at pus[] (NULL: unbound). isa caps the
 * probes' width. array_bytes 0 picks 4x the last-level cache, clamped to
 * [256, 512] MiB. Works at every level (scalar: the portable probes).
 * Returns 0 or GD_ENOMEM / GD_ETHREAD / GD_EBIND. */
int gd_roofline_measure(const gd_topo *t, const int *pus, int nthreads, gd_isa isa,
                        size_t array_bytes, gd_roofline *out);
/* FMA peak alone (GFLOP/s, all threads together, best of 5): the widest FMA
 * allowed by isa and the CPU (at scalar: the portable probe's a*b + c). */
int gd_fma_peak(const gd_topo *t, const int *pus, int nthreads, gd_isa isa, double *gflops);
#endif
