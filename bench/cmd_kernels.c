/*
 * `gdbench kernels`: microbenchmarks of every update rule x variant x size x
 * thread count through Google Benchmark (bench/gb_shim.cc).
 *
 * Each benchmark times its kernel and the memory-only kernel with the same
 * access pattern (update.h, gd_stream_*) alternately inside one loop, so the
 * "roofline" fraction compares two timings taken seconds apart at most: this
 * VM's bandwidth drifts ~2x over minutes. Only the kernel's time is reported
 * as the iteration time (manual time).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "gb.h"
#include "dataset.h"
#include "gd_error.h"
#include "kbench.h"
#include "mem.h"
#include "roofline.h"
#include "registry.h"
#include "topo.h"

static const char help[] =
	"Usage: gdbench kernels [OPTIONS] [--benchmark_* ...]\n"
	"Microbenchmark update rules (every rule x implementation x size x thread count) and\n"
	"gradient kernels (every model x implementation x batch size, one thread).\n"
	"Each update benchmark alternates its kernel with a memory-only kernel that reads and\n"
	"writes the same arrays; 'roofline' is the ratio of their times (1.0 = at the memory\n"
	"ceiling). Each gradient benchmark alternates with a streaming read of its rows ('xread',\n"
	"1.0 = as fast as reading X once) and reports 'peak', the fraction of one core's FMA\n"
	"peak measured at start-up (OpenBLAS runs at 1 thread).\n"
	"\n"
	"  --what LIST       update, grad, sparse (CSR gradient kernels) (default: update,grad)\n"
	"  --rules LIST      rules to run, e.g. adam,sgd (default: all; see 'gdbench list')\n"
	"  --models LIST     lsq, logistic, softmax, svm, mlp (default: all)\n"
	"  --batches LIST    gradient batch sizes: row counts or 'full' (all 60000 rows)\n"
	"                    (default: 1,32,128,256,1024,full; scalar runs 'full' only when\n"
	"                    --impl names scalar, since the scalar MLP takes ~10 s a pass)\n"
	"  --impl LIST       scalar, auto, simd, blas, best, all (default: all)\n"
	"  --isa LEVEL       highest ISA to run: " GD_ISA_CHOICES " (default: best\n"
	"                    or GDBENCH_ISA)\n"
	"  --sizes LIST      L1, L2, L3 (working set = half that cache as hwloc reports it,\n"
	"                    per thread for L1/L2), DRAM (2x the last-level cache, >= 256 MiB),\n"
	"                    or element counts such as 4096, 64K, 16M\n"
	"                    (default: L1,L2,L3,DRAM,16M)\n"
	"  --threads LIST    thread counts, each thread on its own slice, pinned one per core\n"
	"                    (default: 1 and all allowed PUs)\n"
	"  --quick           sizes L1,16M, one thread; softmax and mlp at batches 1,256,full;\n"
	"                    0.05 s per benchmark\n"
	"  --min-time S      seconds per benchmark (default: Google Benchmark's 0.5)\n"
	"  -o, --out PATH    write Google Benchmark JSON with gdbench's context to PATH\n"
	"                    (atomically: a temporary file renamed at the end)\n"
	"  --force           overwrite PATH if it exists\n"
	"  -h, --help        this text\n"
	"Google Benchmark's own flags pass through: --benchmark_filter=REGEX,\n"
	"--benchmark_repetitions=N, --benchmark_list_tests, --benchmark_format=json, ...\n";

/* One big set of arrays shared by all benchmarks, allocated and touched once. */
static struct {
	pthread_once_t once;
	size_t cap; /* elements per array */
	float *a[2 + GD_MAX_STATE];
	int rc;
} arena = { PTHREAD_ONCE_INIT, 0, { 0 }, 0 };

static void arena_alloc(void)
{
	for (int k = 0; k < 2 + GD_MAX_STATE; k++)
		if (!(arena.a[k] = gd_alloc_big(arena.cap * sizeof(float))))
			arena.rc = GD_ENOMEM;
}

typedef struct kbench {
	char name[96];
	const gd_update_entry *e;
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
} kbench;

/* 16-element granules: slices never share a cache line */
static void slice(size_t n, int tid, int nt, size_t *lo, size_t *hi)
{
	size_t gran = ((n + 15) / 16 + (size_t)nt - 1) / (size_t)nt * 16;
	*lo = gran * (size_t)tid < n ? gran * (size_t)tid : n;
	*hi = *lo + gran < n ? *lo + gran : n;
}

static void run_update(gb_state *gs, void *user)
{
	const kbench *k = user;
	pthread_once(&arena.once, arena_alloc);
	if (arena.rc) {
		gb_skip_with_error(gs, "could not allocate the benchmark arrays");
		while (gb_keep_running(gs))
			;
		return;
	}
	int tid = gb_thread_index(gs), nt = gb_threads(gs);
	gd_topo_bind_self(k->topo, k->pus[tid], NULL);
	size_t lo, hi;
	slice(k->n, tid, nt, &lo, &hi);
	size_t len = hi - lo;
	float *w = arena.a[0] + lo, *g = arena.a[1] + lo;
	float *state[GD_MAX_STATE];
	for (int s = 0; s < GD_MAX_STATE; s++)
		state[s] = arena.a[2 + s] + lo;
	/* deterministic inputs: g in [-1, 1) and never 0, w around 0.5 */
	for (size_t i = 0; i < len; i++) {
		unsigned h = (unsigned)(i + lo) * 2654435761u;
		g[i] = (float)((h >> 8) & 0xffff) / 32768.0f - 1.0f + 1.0f / 65536.0f;
		w[i] = 0.5f + g[i] * 0.25f;
	}
	gd_state_init(k->e->rule, &k->hp, state, len);
	int ns = gd_rule_nstate(k->e->rule, &k->hp);
	int zero = *(volatile const int *)&k->zero;

	/* enough repetitions per timed block that the clock (~27 ns) is noise */
	long reps = len ? (long)(262144 / len) : 1;
	reps = reps < 1 ? 1 : reps;
	double tk = 0, tm = 0;
	long iters = 0;
	while (gb_keep_running(gs)) {
		double t0 = gd_now(), t1, t2;
		if (iters & 1) { /* alternate the order so neither always runs on a warm cache */
			for (long r = 0; r < reps; r++)
				k->stream(w, g, state, ns, len, zero);
			t1 = gd_now();
			for (long r = 0; r < reps; r++)
				k->e->fn(&k->hp, &k->st, w, g, state, len);
			for (long r = 0; k->slow > 0 && r < reps; r++)
				k->e->fn(&k->hp, &k->st, w, g, state, (size_t)((double)len * k->slow));
			t2 = gd_now();
			tm += t1 - t0;
			tk += t2 - t1;
			gb_set_iteration_time(gs, t2 - t1);
		} else {
			for (long r = 0; r < reps; r++)
				k->e->fn(&k->hp, &k->st, w, g, state, len);
			for (long r = 0; k->slow > 0 && r < reps; r++)
				k->e->fn(&k->hp, &k->st, w, g, state, (size_t)((double)len * k->slow));
			t1 = gd_now();
			for (long r = 0; r < reps; r++)
				k->stream(w, g, state, ns, len, zero);
			t2 = gd_now();
			tk += t1 - t0;
			tm += t2 - t1;
			gb_set_iteration_time(gs, t1 - t0);
		}
		iters++;
	}
	double elems = (double)iters * (double)reps * (double)len;
	int bpe = gd_rule_bytes(k->e->rule, &k->hp);
	gb_set_items_processed(gs, (int64_t)elems);
	gb_set_bytes_processed(gs, (int64_t)(elems * bpe));
	if (tk > 0 && tm > 0) { /* never register a counter that could be NaN */
		gb_set_counter(gs, "roofline", tm / tk, GB_COUNTER_AVG_THREADS);
		gb_set_counter(gs, "ceiling_GBps", elems * bpe / tm * 1e-9, GB_COUNTER_PLAIN);
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

static int parse_rules(const char *list, int *on)
{
	for (int r = 0; r < GD_NRULES; r++)
		on[r] = !list;
	if (!list)
		return 0;
	char buf[256];
	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (char *save, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int r = gd_rule_from_name(w);
		if (r < 0)
			return -1;
		on[r] = 1;
	}
	return 0;
}

/* The triad measured at the start of this run (1 and the most threads). */
static gd_roofline triad_m[2];
static int triad_n;

/* Flatten the context object into Google Benchmark's string context. */
static void add_context(json_t *ctx)
{
	const char *key;
	json_t *v;
	json_object_foreach(ctx, key, v) {
		if (json_is_string(v)) {
			gb_add_context(key, json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			if (s)
				gb_add_context(key, s);
			free(s);
		}
	}
}

/* After the run: one line per rule x size x threads with every variant's
 * throughput and roofline fraction, and the best variant's speedup over scalar. */
static void print_summary(FILE *out, kbench *kb, size_t nkb)
{
	size_t nres = gb_result_count();
	double *gel = calloc(nkb, sizeof(double)), *roof = calloc(nkb, sizeof(double));
	if (!gel || !roof)
		goto out;
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		double items, rf;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")))
			continue;
		if (gb_result_counter(i, "items_per_second", &items) || gb_result_counter(i, "roofline", &rf))
			continue;
		for (size_t j = 0; j < nkb; j++) {
			size_t l = strlen(kb[j].name);
			if (!strncmp(r.name, kb[j].name, l) && r.name[l] == '/' && r.threads == kb[j].threads) {
				gel[j] = items * 1e-9; /* a median row, when present, comes last and wins */
				roof[j] = rf;
			}
		}
	}
	/* a memory-only ceiling below the same run's triad is not a ceiling: say so */
	for (size_t i = 0; i < nres; i++) {
		gb_result r;
		double ceil;
		if (gb_result_get(i, &r) || r.error || (*r.aggregate && strcmp(r.aggregate, "median")) ||
		    gb_result_counter(i, "ceiling_GBps", &ceil))
			continue;
		if (!strstr(r.name, "/DRAM:") && !strstr(r.name, "/n:16777216") && !strstr(r.name, "/L3:"))
			continue;
		for (int k = 0; k < triad_n; k++)
			if (triad_m[k].threads == r.threads && ceil < triad_m[k].triad_gbs)
				fprintf(out, "warning: %s: memory-only ceiling %.1f GB/s is below this run's triad %.1f GB/s "
				        "(%d thread%s): its roofline fraction overstates\n", r.name, ceil, triad_m[k].triad_gbs,
				        r.threads, r.threads > 1 ? "s" : "");
	}
	if (triad_n)
		fprintf(out, "\nTriad measured at the start of this run: %.1f GB/s on 1 thread%s", triad_m[0].triad_gbs,
		        triad_n > 1 ? "" : "\n");
	if (triad_n > 1)
		fprintf(out, ", %.1f GB/s on %d\n", triad_m[1].triad_gbs, triad_m[1].threads);
	fprintf(out, "\nSummary: Gelem/s (fraction of the memory-only ceiling timed alongside)\n");
	fprintf(out, "%-9s %-16s %3s", "rule", "size", "thr");
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
	for (size_t j = 0; j < nkb; j++) {
		/* rows start at each benchmark whose variant is the first of its group */
		if (j > 0 && kb[j - 1].e->rule == kb[j].e->rule && kb[j - 1].n == kb[j].n &&
		    kb[j - 1].threads == kb[j].threads)
			continue;
		double cell[MAXCOL] = { 0 }, cellr[MAXCOL] = { 0 };
		for (size_t m = j; m < nkb && kb[m].e->rule == kb[j].e->rule && kb[m].n == kb[j].n &&
		                   kb[m].threads == kb[j].threads; m++) {
			const gd_update_entry *e = kb[m].e;
			int c = e->impl == GD_IMPL_SCALAR ? 0 : 2 * (int)e->isa - 1 + (e->impl == GD_IMPL_SIMD);
			if (c >= ncol)
				continue;
			cell[c] = gel[m];
			cellr[c] = roof[m];
		}
		char sz[32];
		snprintf(sz, sizeof(sz), "%s:%zu", kb[j].level, kb[j].n);
		fprintf(out, "%-9s %-16s %3d", gd_rule_name(kb[j].e->rule), sz, kb[j].threads);
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
out:
	free(gel);
	free(roof);
}

int cmd_kernels(int argc, char **argv)
{
	/* Google Benchmark's flags go to it; the rest to getopt */
	char **ours = calloc((size_t)argc + 1, sizeof(char *)), **theirs = calloc((size_t)argc + 4, sizeof(char *));
	int nours = 0, ntheirs = 0, rc = GD_EXIT_USAGE;
	gd_topo *topo = NULL;
	kbench *kb = NULL;
	char *tmp_out = NULL, *out_path = NULL, *gb_out_arg = NULL;
	if (!ours || !theirs) {
		rc = cli_fail("kernels", "out of memory");
		goto done;
	}
	theirs[ntheirs++] = argv[0];
	for (int i = 0; i < argc; i++) {
		if (i > 0 && !strncmp(argv[i], "--benchmark_", 12))
			theirs[ntheirs++] = argv[i];
		else
			ours[nours++] = argv[i];
	}

	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' }, { "impl", required_argument, NULL, 'm' },
		{ "isa", required_argument, NULL, 'i' },   { "sizes", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' }, { "quick", no_argument, NULL, 'q' },
		{ "min-time", required_argument, NULL, 'T' }, { "out", required_argument, NULL, 'o' },
		{ "what", required_argument, NULL, 'w' },    { "models", required_argument, NULL, 'M' },
		{ "batches", required_argument, NULL, 'B' }, { "help", no_argument, NULL, 'h' },
		{ "force", no_argument, NULL, 'F' },         { 0, 0, 0, 0 },
	};
	const char *what_arg = "update,grad", *models_arg = NULL, *batches_arg = NULL;
	int impl_given = 0, force = 0;
	const char *rules_arg = NULL, *impl_arg = "all", *isa_arg = NULL, *sizes_arg = NULL, *thr_arg = NULL;
	int quick = 0, c;
	double min_time = 0;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(nours, ours, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rules_arg = optarg; break;
		case 'm': impl_arg = optarg; impl_given = 1; break;
		case 'w': what_arg = optarg; break;
		case 'M': models_arg = optarg; break;
		case 'B': batches_arg = optarg; break;
		case 'F': force = 1; break;
		case 'i': isa_arg = optarg; break;
		case 's': sizes_arg = optarg; break;
		case 't': thr_arg = optarg; break;
		case 'q': quick = 1; break;
		case 'T': {
			char *end;
			errno = 0;
			min_time = strtod(optarg, &end);
			if (*end || errno || !(min_time > 0 && min_time <= 3600)) {
				rc = cli_usage("kernels", "--min-time '%s': expected seconds, > 0 and <= 3600", optarg);
				goto done;
			}
			break;
		}
		case 'o': out_path = optarg; break;
		case 'h': fputs(help, stdout); rc = 0; goto done;
		case ':': rc = cli_usage("kernels", "option '%s' needs a value", ours[optind - 1]); goto done;
		default: rc = cli_usage("kernels", "unknown option '%s'", ours[optind - 1]); goto done;
		}
	}
	if (optind < nours) {
		rc = cli_usage("kernels", "unexpected argument '%s'", ours[optind]);
		goto done;
	}
	if (out_path && !force && access(out_path, F_OK) == 0) {
		rc = cli_usage("kernels", "'%s' exists; use --force to overwrite it", out_path);
		goto done;
	}
	gd_isa cap;
	if (cli_isa("kernels", isa_arg, &cap))
		goto done;
	unsigned impls;
	char bad[32];
	if (gd_impl_parse(impl_arg, &impls, bad, sizeof(bad))) {
		rc = cli_usage("kernels", "--impl: '%s' is not an implementation; expected scalar, auto, simd, best or all", bad);
		goto done;
	}
	int rule_on[GD_NRULES];
	if (parse_rules(rules_arg, rule_on)) {
		rc = cli_usage("kernels", "--rules '%s': expected rule names separated by commas (see 'gdbench list')", rules_arg);
		goto done;
	}
	int do_update = 0, do_grad = 0, do_sparse = 0;
	{
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", what_arg);
		for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
			if (!strcmp(w, "update"))
				do_update = 1;
			else if (!strcmp(w, "grad"))
				do_grad = 1;
			else if (!strcmp(w, "sparse"))
				do_sparse = 1;
			else {
				rc = cli_usage("kernels", "--what: '%s' is not a kind; expected update, grad or sparse", w);
				goto done;
			}
		}
	}
	int model_on[GD_NMODELS];
	if (cli_models("kernels", models_arg, model_on))
		goto done;
	if (!models_arg && quick) /* the quick tour: softmax and the MLP */
		for (int k = 0; k < GD_NMODELS; k++)
			model_on[k] = k == GD_MODEL_SOFTMAX || k == GD_MODEL_MLP;
	size_t batches[32];
	int nbatch = 0;
	{
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", batches_arg ? batches_arg : quick ? "1,256,full" : "1,32,128,256,1024,full");
		for (char *sv, *w = strtok_r(buf, ",", &sv); w && nbatch < 32; w = strtok_r(NULL, ",", &sv)) {
			char *end;
			unsigned long v = strtoul(w, &end, 10);
			if (!strcmp(w, "full"))
				batches[nbatch++] = 0;
			else if (end != w && !*end && w[0] != '-' && v >= 1 && v <= 60000)
				batches[nbatch++] = v;
			else {
				rc = cli_usage("kernels", "--batches: '%s' is not a batch size; expected 1..60000 rows or full", w);
				goto done;
			}
		}
	}
	int trc = gd_topo_open(&topo);
	if (trc) {
		rc = cli_fail("kernels", "could not load the hardware topology: %s", gd_strerror(trc));
		goto done;
	}
	int npu = gd_topo_npu(topo), threads[64], nthr = 0;
	if (thr_arg) {
		if (cli_int_list(thr_arg, 1, npu, threads, 64, &nthr)) {
			rc = cli_usage("kernels", "--threads '%s': expected counts from 1 to %d (the PUs this process may use)",
			               thr_arg, npu);
			goto done;
		}
	} else {
		threads[nthr++] = 1;
		if (npu > 1 && !quick)
			threads[nthr++] = npu;
	}
	if (!sizes_arg)
		sizes_arg = quick ? "L1,16M" : "L1,L2,L3,DRAM,16M";
	if (quick && min_time == 0)
		min_time = 0.05;
	static int pus[64];
	if (gd_topo_plan(topo, GD_PLACE_COMPACT, npu, 0, pus)) {
		rc = cli_fail("kernels", "could not plan thread placement");
		goto done;
	}

	/* the benchmarks, in table order within each size and thread count */
	char sizes[256];
	if (strlen(sizes_arg) >= sizeof(sizes)) {
		rc = cli_usage("kernels", "--sizes: list too long");
		goto done;
	}
	size_t cap_kb = 0, nkb = 0;
	double grad_peak = 0;
	size_t max_elems = 0;
	size_t phys = gd_phys_mem();
	gd_stream_fn stream = gd_stream_best(gd_cpu_get()->max); /* the machine's ceiling, whatever --isa says */
	for (int r = 0; r < GD_NRULES; r++) {
		if (!rule_on[r] || !do_update)
			continue;
		gd_hparams hp;
		gd_hparams_default((gd_rule)r, &hp);
		size_t bpe = (size_t)(2 + gd_rule_nstate((gd_rule)r, &hp)) * sizeof(float);
		strcpy(sizes, sizes_arg);
		for (char *save, *w = strtok_r(sizes, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			for (int ti = 0; ti < nthr; ti++) {
				size_t n;
				int src = size_for(w, topo, threads[ti], bpe, &n);
				if (src) {
					rc = cli_usage("kernels", "--sizes: '%s' %s; expected L1, L2, L3, DRAM or a count like 4096, 64K, 16M",
					               w, src == GD_ENOENT ? "is a cache level hwloc does not report here"
					                                   : "is not a size");
					goto done;
				}
				if (phys && n * bpe > phys / 2) {
					rc = cli_usage("kernels", "--sizes: '%s' needs %zu MiB, more than half of this machine's %zu MiB",
					               w, n * bpe >> 20, phys >> 20);
					goto done;
				}
				for (size_t i = 0; i < gd_update_count; i++) {
					const gd_update_entry *e = &gd_update_table[i];
					int best = e == gd_update_best((gd_rule)r, cap);
					if ((int)e->rule != r || e->isa > cap)
						continue;
					if (!(impls & (1u << e->impl)) && !((impls & GD_IMPL_BEST_BIT) && best))
						continue;
					if (nkb == cap_kb) {
						cap_kb = cap_kb ? 2 * cap_kb : 64;
						kbench *nk = realloc(kb, cap_kb * sizeof(*kb));
						if (!nk) {
							rc = cli_fail("kernels", "out of memory");
							goto done;
						}
						kb = nk;
					}
					kbench *k = &kb[nkb++];
					memset(k, 0, sizeof(*k));
					k->e = e;
					k->hp = hp;
					k->n = n;
					k->threads = threads[ti];
					k->level = level_name(w);
					k->topo = topo;
					k->pus = pus;
					k->stream = stream;
					/* a representative step: t = 10, after the first-step special cases */
					gd_step_carry carry = gd_step_carry_init();
					for (long t = 1; t <= 10; t++)
						gd_step_prepare((gd_rule)r, &hp, t, hp.lr, 1.0, &carry, &k->st);
					snprintf(k->name, sizeof(k->name), "%s/%s:%zu", e->name, k->level, n);
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
	if (do_grad) {
		double peak = 0;
		int list_only = 0;
		for (int i = 0; i < ntheirs; i++)
			list_only |= !strncmp(theirs[i], "--benchmark_list_tests", 22);
		/* the FMA peak of the core the gradient benchmarks run on, measured now */
		if (!list_only && gd_fma_peak(topo, pus, 1, GD_ISA_TOP, &peak)) {
			rc = cli_fail("kernels", "could not measure the FMA peak");
			goto done;
		}
		if (kgrad_plan(model_on, batches, nbatch, cap, impls, impl_given && (impls & (1u << GD_IMPL_SCALAR)), topo,
		               pus[0], peak > 0 ? peak : 1.0)) {
			rc = cli_fail("kernels", "out of memory");
			goto done;
		}
		grad_peak = peak;
	}
	if (do_sparse && kcsr_plan(model_on, batches, nbatch, cap, impls, topo, pus[0])) {
		rc = cli_fail("kernels", "out of memory");
		goto done;
	}
	/* DESIGN: a memory-only ceiling is valid only if it moves at least the STREAM triad bandwidth
	 * measured in the same run; triad on 1 and on the most threads, for the context and the check */
	int list_only_u = 0;
	for (int i = 0; i < ntheirs; i++)
		list_only_u |= !strncmp(theirs[i], "--benchmark_list_tests", 22);
	gd_roofline triad[2];
	int ntriad = 0;
	for (int k = 0; nkb && !list_only_u && k < 2; k++) {
		int tmax = 1;
		for (int t = 0; t < nthr; t++)
			tmax = threads[t] > tmax ? threads[t] : tmax;
		int T = k == 0 ? 1 : tmax;
		if (k == 1 && tmax == 1)
			break;
		if (gd_roofline_measure(topo, pus, T, GD_ISA_TOP, (size_t)256 << 20, &triad[ntriad]) == 0)
			ntriad++;
	}
	triad_n = ntriad;
	memcpy(triad_m, triad, sizeof(triad));
	if (!nkb && !kgrad_count() && !kcsr_count()) {
		rc = cli_usage("kernels", "nothing to run: no registered kernel matches --what/--rules/--models/--impl/--isa");
		goto done;
	}
	arena.cap = max_elems + 64;

	if (out_path) {
		size_t len = strlen(out_path) + 64;
		tmp_out = malloc(len);
		gb_out_arg = malloc(len + 32);
		if (!tmp_out || !gb_out_arg) {
			rc = cli_fail("kernels", "out of memory");
			goto done;
		}
		snprintf(tmp_out, len, "%s.tmp.%ld", out_path, (long)getpid());
		FILE *probe = fopen(tmp_out, "w"); /* fail before minutes of benchmarking, not after */
		if (!probe) {
			rc = cli_fail("kernels", "cannot write '%s': %s", out_path, strerror(errno));
			goto done;
		}
		fclose(probe);
		snprintf(gb_out_arg, len + 32, "--benchmark_out=%s", tmp_out);
		theirs[ntheirs++] = gb_out_arg;
		theirs[ntheirs++] = "--benchmark_out_format=json";
	}
	theirs[ntheirs] = NULL;
	if (gb_init(&ntheirs, theirs)) {
		rc = cli_fail("kernels", "Google Benchmark failed to initialize");
		goto done;
	}
	if (ntheirs > 1) {
		rc = cli_usage("kernels", "unknown Google Benchmark flag '%s'", theirs[1]);
		goto done;
	}
	gd_build_info b = cli_build_info();
	json_t *ctx = gd_context_new(topo, cap, &b);
	if (ctx) {
		char place[256] = "";
		for (int i = 0; i < npu && i < 32; i++)
			snprintf(place + strlen(place), sizeof(place) - strlen(place), "%s%d", i ? "," : "", pus[i]);
		json_object_set_new(ctx, "placement", json_string("compact"));
		json_object_set_new(ctx, "thread_pus", json_string(place));
		json_object_set_new(ctx, "ceiling_kernel", json_string(gd_isa_name(gd_cpu_get()->max)));
		for (int k = 0; k < triad_n; k++) {
			char key[32];
			snprintf(key, sizeof(key), "roofline_%dt", triad_m[k].threads);
			gd_context_add_roofline(ctx, key, &triad_m[k]);
		}
		if (kgrad_count()) {
			json_object_set_new(ctx, "fma_peak_GFLOPs_1core", json_real(grad_peak));
			json_object_set_new(ctx, "gradient_data",
			                    json_string(access(GD_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) == 0
			                                        ? "fashion-mnist/train 60000x784"
			                                        : "synth-blobs 60000x784 (Fashion-MNIST not installed)"));
			json_object_set_new(ctx, "gradient_openblas_threads", json_integer(1));
		}
		add_context(ctx);
		json_decref(ctx);
	}
	for (size_t j = 0; j < nkb; j++) {
		gb_opts o = { .manual_time = 1, .threads = kb[j].threads, .min_time = min_time };
		if (gb_register(kb[j].name, run_update, &kb[j], &o)) {
			rc = cli_fail("kernels", "could not register benchmark %s", kb[j].name);
			goto done;
		}
	}
	if (kcsr_register(min_time)) {
		rc = cli_fail("kernels", "could not register the sparse gradient benchmarks");
		goto done;
	}
	if (kgrad_register(min_time)) {
		rc = cli_fail("kernels", "could not register the gradient benchmarks");
		goto done;
	}
	long ran = gb_run();
	if (ran < 0) {
		rc = cli_fail("kernels", "Google Benchmark failed while running");
		goto done;
	}
	if (ran > 0 && gb_result_count() > 0) {
		int console = 1; /* keep a JSON or CSV stdout parseable */
		for (int i = 1; i < argc; i++)
			if (!strncmp(argv[i], "--benchmark_format=", 19) && strcmp(argv[i] + 19, "console"))
				console = 0;
		if (nkb)
			print_summary(console ? stdout : stderr, kb, nkb);
		kgrad_summary(console ? stdout : stderr);
		kcsr_summary(console ? stdout : stderr);
	}
	if (out_path) { /* Google Benchmark does not report a failed write: check that the file is whole */
		json_error_t je;
		json_t *whole = json_load_file(tmp_out, 0, &je);
		if (!whole) {
			rc = cli_fail("kernels", "cannot write '%s': the results did not reach the disk whole (%s at line %d); "
			              "the previous file is intact", out_path, je.text, je.line);
			goto done;
		}
		json_decref(whole);
	}
	if (out_path && rename(tmp_out, out_path) != 0) {
		rc = cli_fail("kernels", "cannot move results into '%s': %s", out_path, strerror(errno));
		goto done;
	}
	if (out_path) {
		fprintf(stderr, "gdbench kernels: wrote %s\n", out_path);
		free(tmp_out);
		tmp_out = NULL;
	}
	rc = fflush(stdout) == 0 ? 0 : cli_fail("kernels", "could not write to standard output");
done:
	if (tmp_out)
		unlink(tmp_out);
	free(tmp_out);
	free(gb_out_arg);
	free(kb);
	free(ours);
	free(theirs);
	gd_topo_close(topo);
	return rc;
}
