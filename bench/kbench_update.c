/*
 * Update-rule microbenchmarks for `gdbench kernels --what update`: every
 * rule x variant x size x thread count, each thread on its own slice of one
 * set of arrays.
 *
 * Each benchmark times its kernel and the memory-only kernel with the same
 * access pattern (update.h, gd_stream_*) alternately inside one loop
 * (kb_time_loop), so the "roofline" fraction compares two timings taken
 * seconds apart at most: this VM's bandwidth drifts ~2x over minutes. Only
 * the kernel's time is reported as the iteration time (manual time).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "kbench.h"
#include "mem.h"

/* One big set of arrays shared by all benchmarks, allocated and touched once. */
static struct {
	pthread_once_t once;
	size_t cap; /* elements per array */
	void *a[2 + GD_MAX_STATE]; /* cap elements of 4 bytes: room for any storage type */
	int rc;
} arena = { PTHREAD_ONCE_INIT, 0, { 0 }, 0 };

static void arena_alloc(void)
{
	for (int k = 0; k < 2 + GD_MAX_STATE; k++)
		if (!(arena.a[k] = gd_alloc_big(arena.cap * sizeof(float))))
			arena.rc = GD_ENOMEM;
}

typedef struct kupd {
	char name[128];
	const gd_update_entry *e;
	gd_dtype dt;
	gd_hparams hp;
	gd_step st;
	size_t n;      /* elements, all threads together */
	int threads;
	const char *level;
	const gd_topo *topo;
	const int *pus;
	gd_stream_fn stream;
	int zero;      /* read through a volatile: the stream kernel's runtime zero */
	double slow;   /* GDBENCH_TEST_SLOWDOWN: extra work as a fraction (perf-gate self-test) */
} kupd;

static kupd *ku;
static size_t nku, capku;

/* One thread's arrays and repetitions inside the timing loop. */
typedef struct {
	const kupd *k;
	void *w, *g;
	void **state;
	size_t len, off; /* off: the slice's first element in the whole vector */
	long reps;
	int ns, zero;
} upd_run;

static void upd_kernel(void *user)
{
	const upd_run *u = user;
	const kupd *k = u->k;
	for (long r = 0; r < u->reps; r++)
		k->e->fn[k->dt](&k->hp, &k->st, u->w, u->g, u->state, u->len, u->off);
	for (long r = 0; k->slow > 0 && r < u->reps; r++)
		k->e->fn[k->dt](&k->hp, &k->st, u->w, u->g, u->state, (size_t)((double)u->len * k->slow), u->off);
}

static void upd_ceiling(void *user)
{
	const upd_run *u = user;
	for (long r = 0; r < u->reps; r++)
		u->k->stream(u->w, u->g, u->state, u->ns, u->len, u->zero);
}

static void run_update(gb_state *gs, void *user)
{
	const kupd *k = user;
	pthread_once(&arena.once, arena_alloc);
	if (arena.rc) {
		kb_skip(gs, "could not allocate the benchmark arrays");
		return;
	}
	int tid = gb_thread_index(gs), nt = gb_threads(gs);
	gd_topo_bind_self(k->topo, k->pus[tid], NULL);
	size_t lo, hi;
	kb_slice(k->n, tid, nt, &lo, &hi);
	size_t len = hi - lo;
	gd_store ss = gd_dtype_state(k->dt);
	void *w = gd_store_at(gd_dtype_param(k->dt), arena.a[0], lo), *g = gd_store_at(gd_dtype_grad(k->dt), arena.a[1], lo);
	void *state[GD_MAX_STATE];
	for (int s = 0; s < GD_MAX_STATE; s++)
		state[s] = gd_store_at(ss, arena.a[2 + s], lo);
	kb_fill_update(k->e->rule, &k->hp, k->dt, w, g, state, lo, len);
	upd_run u = { .k = k, .w = w, .g = g, .state = state, .len = len, .off = lo };
	u.ns = gd_rule_nstate(k->e->rule, &k->hp);
	u.zero = *(volatile const int *)&k->zero;

	/* enough repetitions per timed block that the clock (~27 ns) is noise */
	u.reps = len ? (long)(262144 / len) : 1;
	u.reps = u.reps < 1 ? 1 : u.reps;
	kb_loop loop = { .kernel = upd_kernel, .ceiling = upd_ceiling, .user = &u };
	kb_times t = kb_time_loop(gs, &loop);
	double tk = t.kernel_s, tm = t.ceiling_s;
	double elems = (double)t.iters * (double)u.reps * (double)len;
	int bpe = gd_rule_bytes_dt(k->e->rule, &k->hp, k->dt), sbpe = gd_stream_bytes(u.ns, k->dt);
	gb_set_items_processed(gs, (int64_t)elems);
	gb_set_bytes_processed(gs, (int64_t)(elems * bpe));
	if (tk > 0 && tm > 0) { /* never register a counter that could be NaN */
		/* the rule's bytes at its speed over the ceiling's GB/s: the time ratio, unless a
		 * plugin's rule declares other bytes than the arrays the ceiling kernel moves */
		gb_set_counter(gs, "roofline", tm / tk * bpe / sbpe, GB_COUNTER_AVG_THREADS);
		gb_set_counter(gs, "ceiling_GBps", elems * sbpe / tm * 1e-9, GB_COUNTER_PLAIN);
		gb_set_counter(gs, "GFLOPs", elems * gd_rule_flops(k->e->rule, &k->hp) * 1e-9, GB_COUNTER_RATE);
	}
}

/* Parse one --sizes word for a rule with bpe bytes of working set per element. */
static int size_for(const char *word, const gd_topo *t, int threads, size_t bpe, size_t *n)
{
	size_t l1, l2, l3;
	gd_topo_caches(t, &l1, &l2, &l3);
	size_t llc = l3 ? l3 : l2;
	if (!strcmp(word, "L1") || !strcmp(word, "L2") || !strcmp(word, "L3")) {
		size_t c = word[1] == '1' ? l1 : word[1] == '2' ? l2 : l3;
		if (!c)
			return GD_ENOENT;
		/* L1 and L2 are per core: each thread gets half of its own */
		*n = c / 2 / bpe * (word[1] == '3' ? 1 : (size_t)threads);
		return 0;
	}
	if (!strcmp(word, "DRAM")) {
		size_t ws = 2 * llc > ((size_t)256 << 20) ? 2 * llc : ((size_t)256 << 20);
		*n = ws / bpe;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(word, &end, 10);
	if (end == word || errno)
		return GD_EINVAL;
	if (!strcmp(end, "K"))
		v <<= 10;
	else if (!strcmp(end, "M"))
		v <<= 20;
	else if (*end)
		return GD_EINVAL;
	if (v < 1 || v > (1ull << 32))
		return GD_ERANGE;
	*n = (size_t)v;
	return 0;
}

/* Static name of a --sizes word ("n" for an explicit count). */
static const char *level_name(const char *word)
{
	static const char *const levels[] = { "L1", "L2", "L3", "DRAM" };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(word, levels[i]))
			return levels[i];
	return "n";
}

/* One more benchmark at the end of the plan, zeroed; NULL when out of memory. */
static kupd *kupd_add(void)
{
	if (nku == capku) {
		size_t cap = capku ? 2 * capku : 64;
		kupd *nk = realloc(ku, cap * sizeof(*ku));
		if (!nk)
			return NULL;
		ku = nk;
		capku = cap;
	}
	kupd *k = &ku[nku++];
	memset(k, 0, sizeof(*k));
	return k;
}

int kupd_plan(const int *rules_on, const char *sizes_arg, const gd_dtype *dts, int ndt, const int *threads, int nthr,
              gd_isa cap, unsigned impls, const gd_topo *topo, const int *pus, char *err, size_t errlen)
{
	char sizes[256];
	if (strlen(sizes_arg) >= sizeof(sizes))
		return snprintf(err, errlen, "--sizes: list too long"), GD_EINVAL;
	size_t max_elems = 0;
	size_t phys = gd_phys_mem();
	for (int r = 0; r < gd_rule_count(); r++) {
		if (!rules_on[r])
			continue;
		gd_hparams hp;
		gd_hparams_default((gd_rule)r, &hp);
		size_t bpe = (size_t)(2 + gd_rule_nstate((gd_rule)r, &hp)) * sizeof(float);
		strcpy(sizes, sizes_arg);
		for (char *save, *w = strtok_r(sizes, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			for (int ti = 0; ti < nthr; ti++) {
				size_t n;
				int src = size_for(w, topo, threads[ti], bpe, &n);
				if (src)
					return snprintf(err, errlen,
					                "--sizes: '%s' %s; expected L1, L2, L3, DRAM or a count like 4096, 64K, 16M", w,
					                src == GD_ENOENT ? "is a cache level hwloc does not report here"
					                                 : "is not a size"), GD_EINVAL;
				if (phys && n * bpe > phys / 2)
					return snprintf(err, errlen, "--sizes: '%s' needs %zu MiB, more than half of this machine's %zu MiB",
					                w, n * bpe >> 20, phys >> 20), GD_EINVAL;
				for (int di = 0; di < ndt; di++)
					for (size_t i = 0; i < gd_update_rows(); i++) {
						const gd_update_entry *e = gd_update_row(i);
						if ((int)e->rule != r || !e->fn[dts[di]] ||
						    !kb_row_wanted(e->isa, e->impl, e == gd_update_best((gd_rule)r, cap), cap, impls))
							continue;
						kupd *k = kupd_add();
						if (!k)
							return GD_ENOMEM;
						k->e = e;
						k->dt = dts[di];
						k->hp = hp;
						k->n = n;
						k->threads = threads[ti];
						k->level = level_name(w);
						k->topo = topo;
						k->pus = pus;
						k->stream = gd_stream_best(gd_cpu_get()->max, dts[di]); /* the machine's ceiling, whatever --isa says */
						/* a representative step: t = 10, after the first-step special cases */
						gd_step_carry carry = gd_step_carry_init();
						for (long t = 1; t <= 10; t++)
							gd_step_prepare((gd_rule)r, &hp, t, hp.lr, 1.0, &carry, &k->st);
						/* f32 keeps the names results and baselines have always had */
						snprintf(k->name, sizeof(k->name), "%s/%s:%zu%s%s", e->name, k->level, n,
						         k->dt == GD_DT_F32 ? "" : "/dtype:", k->dt == GD_DT_F32 ? "" : gd_dtype_label(k->dt));
						/* test hook for tools/perf-gate.sh: "NAME=FRACTION" slows the
						 * kernel NAME by running it again on that fraction of the elements */
						const char *sd = getenv("GDBENCH_TEST_SLOWDOWN");
						size_t nl = strlen(e->name);
						if (sd && !strncmp(sd, e->name, nl) && sd[nl] == '=')
							k->slow = atof(sd + nl + 1);
						if (n > max_elems)
							max_elems = n;
					}
			}
		}
	}
	if (max_elems + 64 > arena.cap)
		arena.cap = max_elems + 64;
	return 0;
}

int kupd_register(double min_time, const char **failed)
{
	for (size_t j = 0; j < nku; j++) {
		gb_opts o = { .manual_time = 1, .threads = ku[j].threads, .min_time = min_time };
		if (gb_register(ku[j].name, run_update, &ku[j], &o))
			return *failed = ku[j].name, GD_EBENCH;
	}
	return 0;
}

void kupd_counts(char *out, size_t len)
{
	out[0] = 0;
	for (size_t j = 0; j < nku; j++) {
		int seen = 0;
		for (size_t m = 0; m < j && !seen; m++)
			seen = ku[m].n == ku[j].n;
		if (!seen)
			snprintf(out + strlen(out), len - strlen(out), "%s%zu", *out ? "," : "", ku[j].n);
	}
}

size_t kupd_count(void)
{
	return nku;
}

/* A memory-only ceiling below the same run's triad is not a ceiling: say so. */
static void triad_warnings(FILE *out, const gd_roofline *triad, int ntriad)
{
	size_t nres = gb_result_count();
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		double ceil;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")) ||
		    gb_result_counter(i, "ceiling_GBps", &ceil))
			continue;
		if (!strstr(r.name, "/DRAM:") && !strstr(r.name, "/n:16777216") && !strstr(r.name, "/L3:"))
			continue;
		for (int k = 0; k < ntriad; k++)
			if (triad[k].threads == r.threads && ceil < triad[k].triad_gbs)
				fprintf(out, "warning: %s: memory-only ceiling %.1f GB/s is below this run's triad %.1f GB/s "
				        "(%d thread%s): its roofline fraction overstates\n", r.name, ceil, triad[k].triad_gbs,
				        r.threads, r.threads > 1 ? "s" : "");
	}
	if (ntriad)
		fprintf(out, "\nTriad measured at the start of this run: %.1f GB/s on 1 thread%s", triad[0].triad_gbs,
		        ntriad > 1 ? "" : "\n");
	if (ntriad > 1)
		fprintf(out, ", %.1f GB/s on %d\n", triad[1].triad_gbs, triad[1].threads);
}

/* Benchmarks j and m measure the same rule, size and thread count (one table row). */
static int same_row(size_t j, size_t m)
{
	return ku[m].e->rule == ku[j].e->rule && ku[m].n == ku[j].n && ku[m].threads == ku[j].threads &&
	       ku[m].dt == ku[j].dt;
}

/* The plugin rows of the summary, each beside the built-in best of its rule
 * (a plugin rule's reference), size and threads (the same run's medians). */
static void kupd_summary_plugins(FILE *out, const double *gel, const double *roof)
{
	int any = 0;
	for (size_t m = 0; m < nku; m++) {
		if (ku[m].e->impl < GD_NIMPL)
			continue;
		gd_rule r = ku[m].e->rule; /* a plugin's rule has no built-in row: its reference instead */
		const gd_update_entry *best = r < GD_NRULES ? gd_update_best(r, gd_cpu_get()->max) : gd_update_scalar(r);
		double bg = 0, br = 0;
		for (size_t j = 0; j < nku; j++)
			if (ku[j].e == best && same_row(m, j)) {
				bg = gel[j];
				br = roof[j];
			}
		if (!any++)
			fprintf(out, "\nPlugin rows: Gelem/s (fraction of the ceiling), against the built-in best (a plugin rule's: its reference)\n%-22s %-28s %3s %14s %14s %-18s %s\n",
			        "row", "size", "thr", "plugin", "built-in", "best", "plugin/best");
		char sz[64];
		snprintf(sz, sizeof(sz), "%s:%zu%s%s", ku[m].level, ku[m].n, ku[m].dt == GD_DT_F32 ? "" : " ",
		         ku[m].dt == GD_DT_F32 ? "" : gd_dtype_name(ku[m].dt));
		fprintf(out, "%-22s %-28s %3d %6.2f (%4.2f) %6.2f (%4.2f) %-18s", ku[m].e->name, sz, ku[m].threads, gel[m],
		        roof[m], bg, br, best->name);
		if (bg > 0)
			fprintf(out, " %6.2fx", gel[m] / bg);
		fputc('\n', out);
	}
}

/* After the run: one line per rule x size x threads with every variant's
 * throughput and roofline fraction, and the best variant's speedup over scalar. */
void kupd_summary(FILE *out, const gd_roofline *triad, int ntriad)
{
	if (!nku)
		return;
	size_t nres = gb_result_count();
	double *gel = calloc(nku, sizeof(double)), *roof = calloc(nku, sizeof(double));
	if (!gel || !roof)
		goto out;
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		double items, rf;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")))
			continue;
		if (gb_result_counter(i, "items_per_second", &items) || gb_result_counter(i, "roofline", &rf))
			continue;
		for (size_t j = 0; j < nku; j++) {
			if (kb_name_is(r.name, ku[j].name) && r.threads == ku[j].threads) {
				gel[j] = items * 1e-9; /* a median row, when present, comes last and wins */
				roof[j] = rf;
			}
		}
	}
	triad_warnings(out, triad, ntriad);
	fprintf(out, "\nSummary: Gelem/s (fraction of the memory-only ceiling timed alongside)\n");
	fprintf(out, "%-9s %-28s %3s", "rule", "size", "thr");
	/* columns: scalar, then auto and simd of each level this process runs */
	enum { MAXCOL = 1 + 2 * (GD_NISA - 1) };
	const int ncol = 1 + 2 * (int)gd_cpu_get()->max;
	fprintf(out, " %14s", "scalar");
	for (int l = 1; l < ncol; l += 2) {
		char h[2][32];
		snprintf(h[0], sizeof(h[0]), "auto/%s", gd_isa_name((gd_isa)(1 + l / 2)));
		snprintf(h[1], sizeof(h[1]), "simd/%s", gd_isa_name((gd_isa)(1 + l / 2)));
		fprintf(out, " %14s %14s", h[0], h[1]);
	}
	fprintf(out, "  best/scalar\n");
	for (size_t j = 0; j < nku; j++) {
		/* rows start at each benchmark whose variant is the first of its group */
		if (j > 0 && same_row(j, j - 1))
			continue;
		double cell[MAXCOL] = { 0 }, cellr[MAXCOL] = { 0 };
		for (size_t m = j; m < nku && same_row(j, m); m++) {
			const gd_update_entry *e = ku[m].e;
			int c = e->impl == GD_IMPL_SCALAR ? 0 : 2 * (int)e->isa - 1 + (e->impl == GD_IMPL_SIMD);
			if (c >= ncol || e->impl >= GD_NIMPL) /* plugin rows: listed below */
				continue;
			cell[c] = gel[m];
			cellr[c] = roof[m];
		}
		char sz[64];
		snprintf(sz, sizeof(sz), "%s:%zu%s%s", ku[j].level, ku[j].n, ku[j].dt == GD_DT_F32 ? "" : " ",
		         ku[j].dt == GD_DT_F32 ? "" : gd_dtype_name(ku[j].dt));
		fprintf(out, "%-9s %-28s %3d", gd_rule_name(ku[j].e->rule), sz, ku[j].threads);
		double best = 0;
		for (int c = 0; c < ncol; c++) {
			if (cell[c] > 0)
				fprintf(out, " %6.2f (%4.2f)", cell[c], cellr[c]);
			else
				fprintf(out, " %14s", "-");
			if (c > 0 && cell[c] > best)
				best = cell[c];
		}
		if (cell[0] > 0 && best > 0)
			fprintf(out, "  %6.1fx", best / cell[0]);
		fputc('\n', out);
	}
	kupd_summary_plugins(out, gel, roof);
out:
	free(gel);
	free(roof);
}
