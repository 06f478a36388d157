/* The roofline probes: each thread streams its own slice; best of several repetitions, as STREAM reports. */
#include <stdatomic.h>
#include <string.h>

#include "gd_error.h"
#include "mem.h"
#include "par.h"
#include "registry.h"
#include "roofline.h"

#define REPS 5

typedef struct {
	float *a, *b, *c;
	size_t n;
	int triad;
	gd_isa isa;
	long fma_iters;
	_Atomic float sink; /* keeps the chains live; every worker stores its result */
} probe_arg;

static void slice(size_t n, int tid, int nt, size_t *lo, size_t *hi)
{
	/* 16-element (64-byte) granules so slices never share a cache line */
	size_t gran = (n / 16 + (size_t)nt - 1) / (size_t)nt * 16;
	*lo = gran * (size_t)tid < n ? gran * (size_t)tid : n;
	*hi = *lo + gran < n ? *lo + gran : n;
}

static void stream_worker(int tid, int nt, void *p)
{
	probe_arg *a = p;
	size_t lo, hi;
	slice(a->n, tid, nt, &lo, &hi);
	if (a->triad)
		gd_probe_for(a->isa)->triad(a->a + lo, a->b + lo, a->c + lo, 3.0f, hi - lo);
	else
		gd_probe_for(a->isa)->copy(a->a + lo, a->b + lo, hi - lo);
}

static void fma_worker(int tid, int nt, void *p)
{
	(void)nt;
	probe_arg *a = p;
	float v = gd_probe_for(a->isa)->fma(a->fma_iters, (float)tid);
	atomic_store_explicit(&a->sink, v, memory_order_relaxed);
}

int gd_fma_peak(const gd_topo *t, const int *pus, int nthreads, gd_isa isa, double *gflops)
{
	gd_isa max = gd_cpu_get()->max;
	probe_arg a = { .isa = isa < max ? isa : max };
	double lanes = (double)gd_probe_for(a.isa)->lanes();
	/* ~35 ms per thread (12 FMAs a round take ~6 cycles at any width); under
	 * an emulator the figure means nothing, so keep it short */
	a.fma_iters = gd_cpu_get()->emulated[0] ? 200000 : 20000000;
	double best = 0;
	for (int r = 0; r < REPS; r++) {
		double s;
		int rc = gd_par_run(t, pus, nthreads, 0, fma_worker, &a, &s, NULL);
		if (rc)
			return rc;
		double gf = 2.0 * lanes * GD_PEAK_CHAINS * (double)a.fma_iters * nthreads / s * 1e-9;
		best = gf > best ? gf : best;
	}
	*gflops = best;
	return 0;
}

int gd_roofline_measure(const gd_topo *t, const int *pus, int nthreads, gd_isa isa,
                        size_t array_bytes, gd_roofline *out)
{
	memset(out, 0, sizeof(*out));
	out->threads = nthreads;
	/* the widest probes isa and the process's cap allow; the scalar ones
	 * are portable C (the baseline's vectors where the compiler uses them) */
	gd_isa max = gd_cpu_get()->max;
	out->isa = isa < max ? isa : max;
	if (!array_bytes) {
		size_t l1, l2, l3;
		gd_topo_caches(t, &l1, &l2, &l3);
		/* STREAM's rule is 4x the last-level cache; VMs report absurd ones
		 * (508 MB here), so clamp to [256 MiB, 512 MiB] */
		array_bytes = 4 * (l3 > l2 ? l3 : l2);
		if (array_bytes < ((size_t)256 << 20))
			array_bytes = (size_t)256 << 20;
		if (array_bytes > ((size_t)512 << 20))
			array_bytes = (size_t)512 << 20;
		if (gd_cpu_get()->emulated[0])
			array_bytes = (size_t)16 << 20; /* timings mean nothing there: be quick */
		size_t phys = gd_phys_mem();
		if (phys && 3 * array_bytes > phys / 4)
			array_bytes = phys / 12;
	}
	out->array_bytes = array_bytes;
	probe_arg a = { .n = array_bytes / sizeof(float), .isa = out->isa };
	a.a = gd_alloc_big(array_bytes);
	a.b = gd_alloc_big(array_bytes);
	a.c = gd_alloc_big(array_bytes);
	int rc = 0;
	if (!a.a || !a.b || !a.c) {
		rc = GD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < a.n; i++) {
		a.b[i] = 1.0f;
		a.c[i] = 2.0f;
	}
	for (int triad = 0; triad <= 1; triad++) {
		double best = 0;
		a.triad = triad;
		for (int r = 0; r < REPS; r++) {
			double s;
			if ((rc = gd_par_run(t, pus, nthreads, 0, stream_worker, &a, &s, NULL)))
				goto out;
			double gbs = (double)a.n * (triad ? 12.0 : 8.0) / s * 1e-9;
			best = gbs > best ? gbs : best;
		}
		*(triad ? &out->triad_gbs : &out->copy_gbs) = best;
	}
	if ((rc = gd_fma_peak(t, pus, nthreads, out->isa, &out->fma_gflops)))
		goto out;
	out->fma_gflops_core = out->fma_gflops / nthreads;
out:
	gd_free_big(a.a, array_bytes);
	gd_free_big(a.b, array_bytes);
	gd_free_big(a.c, array_bytes);
	return rc;
}
