/*
 * What the kernel microbenchmarks of `gdbench kernels` share (kbench.h):
 * the timing loop that alternates a kernel with its ceiling, which registry
 * rows --impl/--isa select, the fixed row permutation the minibatch
 * benchmarks walk, per-thread slices, and reading a result back.
 */
#include <string.h>

#include "clock.h"
#include "kbench.h"
#include "rng.h"

kb_times kb_time_loop(gb_state *gs, const kb_loop *l)
{
	kb_times t = { 0, 0, 0 };
	while (gb_keep_running(gs)) {
		if (l->prepare)
			l->prepare(l->user);
		/* alternate the order so neither always runs on a warm cache */
		int kernel_first = !(t.iters & 1);
		double t0 = gd_now();
		(kernel_first ? l->kernel : l->ceiling)(l->user);
		double t1 = gd_now();
		(kernel_first ? l->ceiling : l->kernel)(l->user);
		double t2 = gd_now();
		double tk = kernel_first ? t1 - t0 : t2 - t1;
		t.kernel_s += tk;
		t.ceiling_s += kernel_first ? t2 - t1 : t1 - t0;
		gb_set_iteration_time(gs, tk);
		if (l->after)
			l->after(l->user);
		t.iters++;
	}
	return t;
}

void kb_skip(gb_state *gs, const char *why)
{
	gb_skip_with_error(gs, why);
	while (gb_keep_running(gs))
		;
}

int kb_row_wanted(gd_isa isa, gd_impl impl, int is_best, gd_isa cap, unsigned impls)
{
	if (isa > cap)
		return 0;
	return (impls & (1u << impl)) || ((impls & GD_IMPL_BEST_BIT) && is_best);
}

void kb_permutation(uint32_t *perm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; n > 0 && i > 0; i--) { /* Fisher-Yates from a fixed seed */
		size_t j = gd_rng_u64(7, 0, i) % (i + 1);
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* 16-element granules: slices never share a cache line */
void kb_slice(size_t n, int tid, int nt, size_t *lo, size_t *hi)
{
	size_t gran = ((n + 15) / 16 + (size_t)nt - 1) / (size_t)nt * 16;
	*lo = gran * (size_t)tid < n ? gran * (size_t)tid : n;
	*hi = *lo + gran < n ? *lo + gran : n;
}

int kb_result(const char *name, const char *const *keys, int nkeys, double *vals)
{
	size_t nres = gb_result_count(), l = strlen(name);
	int found = 0;
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")))
			continue;
		if (strncmp(r.name, name, l) || r.name[l] != '/')
			continue;
		found = 1;
		for (int k = 0; k < nkeys && found; k++)
			found = !gb_result_counter(i, keys[k], &vals[k]);
	}
	return found ? 0 : -1;
}
