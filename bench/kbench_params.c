/*
 * One optimizer step over a model-shaped parameter set, for `gdbench
 * kernels --what update --params NAME|FILE`: every rule x variant x set x
 * dtype x thread count, in three ways over the same flat buffers:
 *   flat       one call per thread on its slice of the whole vector (the
 *              best case: a parameter buffer flattened as ZeRO does);
 *   multi      the multi-tensor pass (gd_params_pieces, as `gdbench run`
 *              steps): each thread's flat slice cut at every tensor
 *              boundary (so per-tensor rules such as LAMB's trust ratio
 *              can reduce over the units) and every GD_PARAMS_CHUNK
 *              elements, one call per unit;
 *   pertensor  one call per tensor, every thread on its slice of each
 *              tensor (a parallel-for per tensor, as torch's for-loop does).
 * Each benchmark alternates with the memory-only kernel of the same dtype
 * over the flat slices (kb_time_loop), so 'roofline' is the fraction of the
 * best memory-bound time for the same bytes; the per-tensor overhead is the
 * per-tensor time minus the flat time, divided by the tensor count, each
 * time taken relative to its own ceiling (kpar_summary).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "gd_error.h"
#include "kbench.h"
#include "mem.h"

typedef enum { KP_FLAT, KP_MULTI, KP_PERTENSOR, KP_NMODES } kp_mode;
static const char *const mode_names[KP_NMODES] = { "flat", "multi", "pertensor" };

typedef struct kpar {
	char name[192];
	const gd_update_entry *e;
	gd_dtype dt;
	gd_hparams hp;
	gd_step st;
	const gd_param_set *set;
	kp_mode mode;
	int threads;
	const gd_topo *topo;
	const int *pus;
	gd_stream_fn stream;
	int zero;
} kpar;

static kpar *kp;
static size_t nkp, capkp;

/* One buffer per array role (w, g, state[0..]), sized for the largest set
 * and widest dtype planned, allocated and touched once. */
static struct {
	pthread_once_t once;
	size_t bytes[2 + GD_MAX_STATE];
	void *a[2 + GD_MAX_STATE];
	int rc;
} arena = { PTHREAD_ONCE_INIT, { 0 }, { 0 }, 0 };

static void arena_alloc(void)
{
	for (int k = 0; k < 2 + GD_MAX_STATE; k++)
		if (arena.bytes[k] && !(arena.a[k] = gd_alloc_big(arena.bytes[k])))
			arena.rc = GD_ENOMEM;
}

static void *at(gd_store s, int role, size_t i)
{
	return arena.a[role] ? gd_store_at(s, arena.a[role], i) : NULL;
}

typedef struct {
	const kpar *k;
	gd_piece *pieces; /* this thread's calls */
	size_t npieces;
	size_t flo, fhi;  /* this thread's flat slice (the ceiling's) */
	int ns, zero;
} kp_run;

static void call(const kpar *k, size_t lo, size_t n)
{
	gd_store sw = gd_dtype_param(k->dt), sg = gd_dtype_grad(k->dt), ss = gd_dtype_state(k->dt);
	void *state[GD_MAX_STATE];
	for (int s = 0; s < GD_MAX_STATE; s++)
		state[s] = at(ss, 2 + s, lo);
	k->e->fn[k->dt](&k->hp, &k->st, at(sw, 0, lo), at(sg, 1, lo), state, n, lo);
}

static void kp_kernel(void *user)
{
	const kp_run *u = user;
	for (size_t p = 0; p < u->npieces; p++)
		call(u->k, u->pieces[p].lo, u->pieces[p].n);
}

static void kp_ceiling(void *user)
{
	const kp_run *u = user;
	const kpar *k = u->k;
	gd_store sw = gd_dtype_param(k->dt), sg = gd_dtype_grad(k->dt), ss = gd_dtype_state(k->dt);
	void *state[GD_MAX_STATE];
	for (int s = 0; s < GD_MAX_STATE; s++)
		state[s] = at(ss, 2 + s, u->flo);
	k->stream(at(sw, 0, u->flo), at(sg, 1, u->flo), state, u->ns, u->fhi - u->flo, u->zero);
}

/* The calls thread tid of nt makes in mode m (flat slice [lo, hi)); *np =
 * their count. NULL: no memory. */
static gd_piece *plan_pieces(const gd_param_set *set, kp_mode m, int tid, int nt, size_t lo, size_t hi, size_t *np)
{
	size_t n = m == KP_FLAT ? 1 : m == KP_MULTI ? gd_params_pieces(set, lo, hi, GD_PARAMS_CHUNK, NULL, 0) : set->ntensors;
	gd_piece *p = malloc((n ? n : 1) * sizeof(*p));
	if (!p)
		return NULL;
	if (m == KP_FLAT) {
		p[0] = (gd_piece){ lo, hi - lo, 0 };
		n = hi > lo;
	} else if (m == KP_MULTI) {
		gd_params_pieces(set, lo, hi, GD_PARAMS_CHUNK, p, n);
	} else { /* every thread takes its slice of every tensor */
		size_t k = 0;
		for (size_t t = 0; t < set->ntensors; t++) {
			size_t a, b;
			kb_slice(set->t[t].numel, tid, nt, &a, &b);
			if (b > a)
				p[k++] = (gd_piece){ set->t[t].off + a, b - a, t };
		}
		n = k;
	}
	*np = n;
	return p;
}

static void run_params(gb_state *gs, void *user)
{
	const kpar *k = user;
	pthread_once(&arena.once, arena_alloc);
	if (arena.rc) {
		kb_skip(gs, "could not allocate the parameter-set arrays");
		return;
	}
	int tid = gb_thread_index(gs), nt = gb_threads(gs);
	gd_topo_bind_self(k->topo, k->pus[tid], NULL);
	kp_run u = { .k = k, .ns = gd_rule_nstate(k->e->rule, &k->hp) };
	kb_slice(k->set->total, tid, nt, &u.flo, &u.fhi);
	{
		gd_store ss = gd_dtype_state(k->dt);
		void *state[GD_MAX_STATE];
		for (int s = 0; s < GD_MAX_STATE; s++)
			state[s] = at(ss, 2 + s, u.flo);
		kb_fill_update(k->e->rule, &k->hp, k->dt, at(gd_dtype_param(k->dt), 0, u.flo), at(gd_dtype_grad(k->dt), 1, u.flo),
		               state, u.flo, u.fhi - u.flo);
	}
	u.pieces = plan_pieces(k->set, k->mode, tid, nt, u.flo, u.fhi, &u.npieces);
	if (!u.pieces) {
		kb_skip(gs, "out of memory planning the work units");
		return;
	}
	u.zero = *(volatile const int *)&k->zero;
	kb_loop loop = { .kernel = kp_kernel, .ceiling = kp_ceiling, .user = &u };
	kb_times t = kb_time_loop(gs, &loop);
	/* each thread reports its share; Google Benchmark sums the items */
	double elems = (double)t.iters * (double)(u.fhi - u.flo);
	int bpe = gd_rule_bytes_dt(k->e->rule, &k->hp, k->dt);
	int sbpe = gd_stream_bytes(gd_rule_nstate(k->e->rule, &k->hp), k->dt); /* the ceiling kernel's (kbench_update.c) */
	gb_set_items_processed(gs, (int64_t)elems);
	gb_set_bytes_processed(gs, (int64_t)(elems * bpe));
	if (t.kernel_s > 0 && t.ceiling_s > 0) {
		gb_set_counter(gs, "roofline", t.ceiling_s / t.kernel_s * bpe / sbpe, GB_COUNTER_AVG_THREADS);
		gb_set_counter(gs, "ceiling_GBps", elems * sbpe / t.ceiling_s * 1e-9, GB_COUNTER_PLAIN);
		gb_set_counter(gs, "calls", (double)u.npieces, GB_COUNTER_PLAIN);
	}
	free(u.pieces);
}

static kpar *kp_add(void)
{
	if (nkp == capkp) {
		size_t cap = capkp ? 2 * capkp : 64;
		kpar *n = realloc(kp, cap * sizeof(*kp));
		if (!n)
			return NULL;
		kp = n;
		capkp = cap;
	}
	kpar *k = &kp[nkp++];
	memset(k, 0, sizeof(*k));
	return k;
}

int kpar_plan(const int *rules_on, const gd_param_set *sets, int nsets, const gd_dtype *dts, int ndt,
              const int *threads, int nthr, gd_isa cap, unsigned impls, const gd_topo *topo, const int *pus,
              char *err, size_t errlen)
{
	size_t phys = gd_phys_mem();
	for (int si = 0; si < nsets; si++)
		for (int di = 0; di < ndt; di++)
			for (int r = 0; r < gd_rule_count(); r++) {
				if (!rules_on[r])
					continue;
				gd_hparams hp;
				gd_hparams_default((gd_rule)r, &hp);
				const gd_param_set *set = &sets[si];
				gd_dtype dt = dts[di];
				int ns = gd_rule_nstate((gd_rule)r, &hp);
				size_t need[2 + GD_MAX_STATE] = { set->total * gd_store_size(gd_dtype_param(dt)),
				                                  set->total * gd_store_size(gd_dtype_grad(dt)) };
				size_t sum = need[0] + need[1];
				for (int s = 0; s < ns; s++)
					sum += need[2 + s] = set->total * gd_store_size(gd_dtype_state(dt));
				if (phys && sum > phys / 2)
					return snprintf(err, errlen,
					                "--params %s: %s at %s needs %zu MiB, more than half of this machine's %zu MiB",
					                set->name, gd_rule_name((gd_rule)r), gd_dtype_name(dt), sum >> 20, phys >> 20),
					       GD_EINVAL;
				for (int k = 0; k < 2 + GD_MAX_STATE; k++)
					if (need[k] > arena.bytes[k])
						arena.bytes[k] = need[k];
				for (int ti = 0; ti < nthr; ti++)
					for (size_t i = 0; i < gd_update_rows(); i++) {
						const gd_update_entry *e = gd_update_row(i);
						if ((int)e->rule != r || !e->fn[dts[di]] ||
						    !kb_row_wanted(e->isa, e->impl, e == gd_update_best((gd_rule)r, cap), cap, impls))
							continue;
						for (int m = 0; m < KP_NMODES; m++) {
							kpar *k = kp_add();
							if (!k)
								return GD_ENOMEM;
							k->e = e;
							k->dt = dt;
							k->hp = hp;
							k->set = set;
							k->mode = (kp_mode)m;
							k->threads = threads[ti];
							k->topo = topo;
							k->pus = pus;
							k->stream = gd_stream_best(gd_cpu_get()->max, dt);
							gd_step_carry carry = gd_step_carry_init();
							for (long t = 1; t <= 10; t++) /* a representative step, as kbench_update.c */
								gd_step_prepare((gd_rule)r, &hp, t, hp.lr, 1.0, &carry, &k->st);
							k->st.sr_key = gd_sr_key(1, 10);
							/* the mode beside the variant, so gdbench-compare keeps
							 * the three apart; the dtype as in kbench_update.c */
							snprintf(k->name, sizeof(k->name), "%s/%s/params:%s%s%s", e->name, mode_names[m],
							         set->name, dt == GD_DT_F32 ? "" : "/dtype:",
							         dt == GD_DT_F32 ? "" : gd_dtype_label(dt));
						}
					}
			}
	return 0;
}

int kpar_register(double min_time, const char **failed)
{
	for (size_t j = 0; j < nkp; j++) {
		gb_opts o = { .manual_time = 1, .threads = kp[j].threads, .min_time = min_time };
		if (gb_register(kp[j].name, run_params, &kp[j], &o))
			return *failed = kp[j].name, GD_EBENCH;
	}
	return 0;
}

size_t kpar_count(void)
{
	return nkp;
}

/* Benchmarks j and m differ only in their mode (one table row). */
static int same_row(size_t j, size_t m)
{
	return kp[m].e == kp[j].e && kp[m].set == kp[j].set && kp[m].dt == kp[j].dt && kp[m].threads == kp[j].threads;
}

void kpar_summary(FILE *out)
{
	if (!nkp)
		return;
	fprintf(out, "\nParameter sets: one optimizer step over the whole set, Gelem/s (fraction of the\n"
	             "memory-only ceiling of the same dtype timed alongside); ns/tensor = (per-tensor - flat\n"
	             "time) / tensors, each time taken relative to its own ceiling so bandwidth drift cancels\n");
	fprintf(out, "%-9s %-18s %-12s %-18s %3s %14s %14s %14s %10s\n", "rule", "variant", "set", "dtype", "thr",
	        "flat", "multi", "per-tensor", "ns/tensor");
	for (size_t j = 0; j < nkp; j++) {
		if (j > 0 && same_row(j, j - 1))
			continue;
		double gel[KP_NMODES] = { 0 }, roof[KP_NMODES] = { 0 }, ceil_s[KP_NMODES] = { 0 };
		for (size_t m = j; m < nkp && same_row(j, m); m++) {
			const char *keys[] = { "items_per_second", "roofline", "ceiling_GBps" };
			double v[3];
			if (!kb_result(kp[m].name, kp[m].threads, keys, 3, v) && v[2] > 0) {
				gel[kp[m].mode] = v[0] * 1e-9;
				roof[kp[m].mode] = v[1];
				/* the step's memory-only time measured beside this benchmark */
				ceil_s[kp[m].mode] = (double)kp[m].set->total *
				                     gd_stream_bytes(gd_rule_nstate(kp[m].e->rule, &kp[m].hp), kp[m].dt) / (v[2] * 1e9);
			}
		}
		const char *slash = strchr(kp[j].e->name, '/');
		fprintf(out, "%-9s %-18s %-12s %-18s %3d", gd_rule_name(kp[j].e->rule), slash ? slash + 1 : "",
		        kp[j].set->name, gd_dtype_name(kp[j].dt), kp[j].threads);
		for (int m = 0; m < KP_NMODES; m++) {
			if (gel[m] > 0)
				fprintf(out, " %7.3f (%4.2f)", gel[m], roof[m]);
			else
				fprintf(out, " %14s", "-");
		}
		if (roof[KP_FLAT] > 0 && roof[KP_PERTENSOR] > 0) {
			/* kernel time = ceiling time / roofline, each against the ceiling
			 * timed beside it, so the bandwidth drift between the two
			 * benchmarks cancels */
			double ns = (ceil_s[KP_PERTENSOR] / roof[KP_PERTENSOR] - ceil_s[KP_FLAT] / roof[KP_FLAT]) * 1e9 /
			            (double)kp[j].set->ntensors;
			if (ns > 0)
				fprintf(out, " %10.1f", ns);
			else /* per-tensor no slower than flat: the difference is in the noise */
				fprintf(out, " %10s", "~0");
		}
		fputc('\n', out);
	}
}
