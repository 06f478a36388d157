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
		/* alternate the order so neither always runs on a warm cache */
		int kernel_first = !(t.iters & 1);
		if (l->prepare)
			l->prepare(l->user, kernel_first || !l->own_batches);
		double t0 = gd_now();
		(kernel_first ? l->kernel : l->ceiling)(l->user);
		double t1 = gd_now();
		if (l->own_batches && l->prepare)
			l->prepare(l->user, !kernel_first);
		double t2 = l->own_batches ? gd_now() : t1; /* prepare stays untimed */
		(kernel_first ? l->ceiling : l->kernel)(l->user);
		double t3 = gd_now();
		double tk = kernel_first ? t1 - t0 : t3 - t2;
		t.kernel_s += tk;
		t.ceiling_s += kernel_first ? t3 - t2 : t1 - t0;
		gb_set_iteration_time(gs, tk);
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

int kb_name_is(const char *run_name, const char *name)
{
	/* what Google Benchmark appends to a registered name */
	static const char *const added[] = { "min_time:", "manual_time", "real_time", "threads:", "repeats:", "iterations:" };
	size_t l = strlen(name);
	if (strncmp(run_name, name, l))
		return 0;
	if (!run_name[l])
		return 1;
	if (run_name[l] != '/')
		return 0;
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++)
		if (!strncmp(run_name + l + 1, added[i], strlen(added[i])))
			return 1;
	return 0;
}

int kb_result(const char *name, int threads, const char *const *keys, int nkeys, double *vals)
{
	size_t nres = gb_result_count();
	int found = 0;
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")))
			continue;
		if (!kb_name_is(r.name, name) || (threads && r.threads != threads))
			continue;
		found = 1;
		for (int k = 0; k < nkeys && found; k++)
			found = !gb_result_counter(i, keys[k], &vals[k]);
	}
	return found ? 0 : -1;
}

void kb_fill_update(gd_rule r, const gd_hparams *hp, gd_dtype dt, void *w, void *g, void *const state[], size_t lo,
                    size_t n)
{
	enum { B = 4096 };
	float wf[B], gf[B], s[GD_MAX_STATE][B];
	float *sp[GD_MAX_STATE] = { s[0], s[1], s[2] };
	int ns = gd_rule_nstate(r, hp);
	gd_store sw = gd_dtype_param(dt), sg = gd_dtype_grad(dt), ss = gd_dtype_state(dt);
	for (size_t b = 0; b < n; b += B) {
		size_t m = n - b < B ? n - b : B;
		for (size_t i = 0; i < m; i++) {
			unsigned h = (unsigned)(lo + b + i) * 2654435761u;
			gf[i] = (float)((h >> 8) & 0xffff) / 32768.0f - 1.0f + 1.0f / 65536.0f;
			wf[i] = 0.5f + gf[i] * 0.25f;
		}
		gd_state_init(r, hp, sp, m);
		gd_store_from_f32(sw, gd_store_at(sw, w, b), wf, m);
		gd_store_from_f32(sg, gd_store_at(sg, g, b), gf, m);
		for (int j = 0; j < ns; j++)
			gd_store_from_f32(ss, gd_store_at(ss, state[j], b), s[j], m);
	}
}
