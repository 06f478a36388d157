/*
 * One step of a per-tensor rule (kernels/trules.h) over a parameter set,
 * for `gdbench kernels --what update --params SET`: rule x variant x set x
 * thread count, f32 storage. The step is the driver's (harness/tstep.c):
 * every pass of every tensor, the workers of a gd_pool meeting at the
 * per-tensor barriers. Each iteration alternates with the memory-only
 * kernel over the whole set on the same workers (kb_time_loop), so
 * 'roofline' is the step's bandwidth at the rule's true bytes (trules.h:
 * LAMB and LARS read w twice, Adafactor g three times) over the ceiling's
 * bandwidth. Muon's rows add the Newton-Schulz GFLOP/s of the step (the
 * products' FLOPs, gd_ns_flops, over the step's time); `gdbench kernels
 * --what ns` times those products alone against the FMA peak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "kbench.h"
#include "kbench_trules.h"
#include "mem.h"
#include "newton_schulz.h"
#include "pool.h"
#include "tstep.h"

typedef struct ktr {
	char name[192];
	const gd_trule_entry *e;
	gd_hparams hp;
	const gd_param_set *set;
	int threads;
	const gd_topo *topo;
	const int *pus;
	int zero;
} ktr;

static ktr *kt;
static size_t nkt, capkt;

typedef struct ktr_run {
	const ktr *k;
	gd_pool *pool;
	gd_topt o;
	float *w, *g, *sw, *sg, *s0;
	int zero;
} ktr_run;

static void barrier(void *arg)
{
	gd_pool_barrier(arg);
}

static void step_job(int tid, int T, void *user)
{
	(void)T;
	ktr_run *u = user;
	gd_topt_job(&u->o, tid, u->w, u->g, barrier, u->pool);
}

static void ktr_kernel(void *user)
{
	ktr_run *u = user;
	gd_topt_begin(&u->o, u->o.hp.lr);
	gd_pool_run(u->pool, step_job, u);
}

static void ceiling_job(int tid, int T, void *user)
{
	ktr_run *u = user;
	size_t lo, hi;
	kb_slice(u->k->set->total, tid, T, &lo, &hi);
	void *state[GD_MAX_STATE] = { u->s0 + lo, NULL, NULL };
	gd_stream_best(gd_cpu_get()->max, GD_DT_F32)(u->sw + lo, u->sg + lo, state, 1, hi - lo, u->zero);
}

static void ktr_ceiling(void *user)
{
	gd_pool_run(((ktr_run *)user)->pool, ceiling_job, user);
}

/* True bytes of one step over the set: each tensor at its rule's form's bytes per element */
static double step_bytes(const ktr *k)
{
	double b = 0;
	for (size_t t = 0; t < k->set->ntensors; t++)
		b += (double)k->set->t[t].numel * gd_trule_bytes(k->e->rule, k->set->t[t].ndim);
	return b;
}

static double step_ns_flops(const ktr *k)
{
	double f = 0;
	for (size_t t = 0; k->e->rule == GD_TRULE_MUON && t < k->set->ntensors; t++)
		if (k->set->t[t].ndim == 2)
			f += gd_ns_flops(k->set->t[t].shape[0], k->set->t[t].shape[1], (int)k->hp.ns_steps);
	return f;
}

static void run_trule(gb_state *gs, void *user)
{
	const ktr *k = user;
	ktr_run u = { .k = k, .zero = *(volatile const int *)&k->zero };
	size_t n = k->set->total;
	int bad = 0;
	float *a = gd_alloc_big(5 * n * sizeof(float));
	if (!a || gd_pool_create(k->topo, k->pus, k->threads, 1, 0, &u.pool, &bad)) {
		gd_free_big(a, 5 * n * sizeof(float));
		kb_skip(gs, !a ? "could not allocate the parameter-set arrays" : "could not start the workers");
		return;
	}
	u.w = a, u.g = a + n, u.sw = a + 2 * n, u.sg = a + 3 * n, u.s0 = a + 4 * n;
	uint64_t s = 12345;
	for (size_t i = 0; i < n; i++) { /* g in [-1, 1) and never 0, w around 0.5 */
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		float x = (float)((s >> 40) * 0x1.0p-24);
		u.w[i] = u.sw[i] = 0.25f + 0.5f * x;
		u.g[i] = u.sg[i] = u.s0[i] = 2.0f * x - 1.0f + 0x1p-20f;
	}
	int rc = gd_topt_init(&u.o, k->e->rule, &k->hp, k->set, k->e, k->threads, u.w, NULL);
	if (rc) {
		kb_skip(gs, gd_strerror(rc));
	} else {
		/* one untimed step first: Muon's GD_NS_AUTO times both backends on a shape's first call */
		ktr_kernel(&u);
		kb_loop loop = { .kernel = ktr_kernel, .ceiling = ktr_ceiling, .user = &u };
		kb_times t = kb_time_loop(gs, &loop);
		double elems = (double)t.iters * (double)n;
		gb_set_items_processed(gs, (int64_t)elems);
		gb_set_bytes_processed(gs, (int64_t)((double)t.iters * step_bytes(k)));
		if (t.kernel_s > 0 && t.ceiling_s > 0) {
			double ceil_bps = elems * 28.0 / t.ceiling_s; /* stream with 1 state array: 2*4 + 4 + 2*4 bytes */
			gb_set_counter(gs, "roofline", (double)t.iters * step_bytes(k) / t.kernel_s / ceil_bps, GB_COUNTER_PLAIN);
			gb_set_counter(gs, "ceiling_GBps", ceil_bps * 1e-9, GB_COUNTER_PLAIN);
			if (k->e->rule == GD_TRULE_MUON)
				gb_set_counter(gs, "ns_GFLOPs", (double)t.iters * step_ns_flops(k) / t.kernel_s * 1e-9,
				               GB_COUNTER_PLAIN);
		}
		if (u.o.rc)
			kb_skip(gs, gd_strerror(u.o.rc));
		gd_topt_free(&u.o);
	}
	gd_pool_destroy(u.pool);
	gd_free_big(a, 5 * n * sizeof(float));
}

static ktr *ktr_add(void)
{
	if (nkt == capkt) {
		size_t cap = capkt ? 2 * capkt : 32;
		ktr *p = realloc(kt, cap * sizeof(*kt));
		if (!p)
			return NULL;
		kt = p;
		capkt = cap;
	}
	memset(&kt[nkt], 0, sizeof(kt[0]));
	return &kt[nkt++];
}

int ktr_plan(const int *trule_on, const gd_param_set *sets, int nsets, const int *threads, int nthr, gd_isa cap,
             unsigned impls, const gd_topo *topo, const int *pus, char *err, size_t errlen)
{
	size_t phys = gd_phys_mem();
	for (int si = 0; si < nsets; si++)
		for (int r = 0; r < GD_NTRULES; r++) {
			if (!trule_on[r])
				continue;
			const gd_param_set *set = &sets[si];
			if (phys && set->total * 5 * sizeof(float) > phys / 2)
				return snprintf(err, errlen, "--params %s: %s needs %zu MiB, more than half of this machine's %zu MiB",
				                set->name, gd_trule_name((gd_trule)r), (set->total * 5 * sizeof(float)) >> 20,
				                phys >> 20),
				       GD_EINVAL;
			int n2d = 0;
			for (size_t t = 0; t < set->ntensors; t++)
				n2d += set->t[t].ndim == 2;
			if (r == GD_TRULE_MUON && !n2d)
				continue; /* nothing for Muon to orthogonalize: no row (the run refuses it) */
			for (int ti = 0; ti < nthr; ti++)
				for (size_t i = 0; i < gd_trule_count; i++) {
					const gd_trule_entry *e = &gd_trule_table[i];
					if ((int)e->rule != r || !kb_row_wanted(e->isa, e->impl, e == gd_trule_best((gd_trule)r, cap), cap, impls))
						continue;
					ktr *k = ktr_add();
					if (!k)
						return GD_ENOMEM;
					k->e = e;
					gd_trule_defaults((gd_trule)r, &k->hp);
					k->set = set;
					k->threads = threads[ti];
					k->topo = topo;
					k->pus = pus;
					/* workers, not threads: Google Benchmark runs one thread, the pool the rest */
					snprintf(k->name, sizeof(k->name), "%s/pertensor/params:%s/workers:%d", e->name, set->name,
					         k->threads);
				}
		}
	return 0;
}

int ktr_register(double min_time, const char **failed)
{
	for (size_t j = 0; j < nkt; j++) {
		gb_opts o = { .manual_time = 1, .threads = 1, .min_time = min_time };
		if (gb_register(kt[j].name, run_trule, &kt[j], &o))
			return *failed = kt[j].name, GD_EBENCH;
	}
	return 0;
}

size_t ktr_count(void)
{
	return nkt;
}

void ktr_summary(FILE *out)
{
	if (!nkt)
		return;
	fprintf(out, "\nPer-tensor rules: one step over the whole set (every pass of every tensor), Gelem/s,\n"
	             "fraction of the memory-only ceiling at the rule's true bytes per element, and (muon)\n"
	             "the Newton-Schulz GFLOP/s of the step\n");
	fprintf(out, "%-10s %-14s %-12s %3s %9s %6s %9s %8s %9s\n", "rule", "variant", "set", "thr", "Gelem/s", "B/elem",
	        "roofline", "ceilGB/s", "nsGFLOP/s");
	for (size_t j = 0; j < nkt; j++) {
		const char *keys[] = { "items_per_second", "roofline", "ceiling_GBps", "ns_GFLOPs" };
		double v[4] = { 0 };
		if (kb_result(kt[j].name, 0, keys, kt[j].e->rule == GD_TRULE_MUON ? 4 : 3, v))
			continue;
		const char *slash = strchr(kt[j].e->name, '/');
		double bpe = step_bytes(&kt[j]) / (double)kt[j].set->total;
		fprintf(out, "%-10s %-14s %-12s %3d %9.3f %6.1f %9.2f %8.1f", gd_trule_name(kt[j].e->rule),
		        slash ? slash + 1 : "", kt[j].set->name, kt[j].threads, v[0] * 1e-9, bpe, v[1], v[2]);
		if (kt[j].e->rule == GD_TRULE_MUON)
			fprintf(out, " %9.1f", v[3]);
		fputc('\n', out);
	}
}
