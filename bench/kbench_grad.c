/*
 * Gradient-kernel microbenchmarks for `gdbench kernels`: every model x
 * variant x batch size on the Fashion-MNIST shape (60000 x 784, 10 classes;
 * the real data when Debian's package is installed, else Gaussian blobs of
 * that shape). Minibatches walk a fixed permutation of the rows, so each call
 * reads rows it has not just read, as minibatch SGD does; "full" is all rows,
 * contiguous.
 *
 * Each benchmark alternates the kernel with a streaming read of the same
 * rows (the memory ceiling of a kernel that reads X once). Counters:
 * GFLOPs, peak (fraction of the one-core FMA peak measured at start-up with
 * the widest vectors allowed, which GDBENCH_ISA caps; OpenBLAS at 1 thread),
 * isa_peak (fraction of the peak at the row's own ISA level: an avx2 row on
 * an AVX-512 CPU against 256-bit FMAs; only for the rows whose width gdbench
 * compiles, not blas, whose core OpenBLAS picks, nor plugins'), xread (read
 * time / kernel time: 1 = as fast as reading X).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "dataset.h"
#include "gd_error.h"
#include "kbench.h"
#include "registry.h"
#include "rng.h"

void openblas_set_num_threads(int n);

#define NROWS 60000
#define NFEAT 784
#define NCLASS 10
#define NHIDDEN 128

static struct {
	pthread_once_t once;
	int rc, real;
	gd_dataset ds;
	float *y;          /* lsq targets: the label as a number */
	int32_t *lab2;     /* logistic labels: label parity */
	uint32_t *perm;
	float *params, *grad, *scratch;
} G = { .once = PTHREAD_ONCE_INIT };

struct kgrad {
	char name[96];
	const gd_grad_entry *e;
	gd_model m;
	size_t batch; /* 0: full */
	const gd_topo *topo;
	int pu;
	double peak;     /* GFLOP/s of one core at the widest vectors allowed, measured at start-up */
	double isa_peak; /* the same at the row's ISA level; 0: not reported (blas, plugins) */
};

static kgrad *kg;
static size_t nkg, capkg;

static gd_model model_for(gd_model_kind k)
{
	int binary = k == GD_MODEL_LSQ || k == GD_MODEL_LOGISTIC;
	return (gd_model){ .kind = k, .d = NFEAT, .c = binary ? 1 : NCLASS, .h = k == GD_MODEL_MLP ? NHIDDEN : 0 };
}

static void data_init(void)
{
	gd_dataerr e;
	G.real = gd_fashion_mnist_load(NULL, "train", &G.ds, &e) == 0;
	if (!G.real && gd_synth_blobs(NROWS, NFEAT, NCLASS, 1.0, 1, &G.ds)) {
		G.rc = GD_ENOMEM;
		return;
	}
	size_t np = 0, ns = 0;
	for (int k = 0; k < GD_NMODELS; k++) {
		gd_model m = model_for((gd_model_kind)k);
		size_t a = gd_model_nparams(&m), b = gd_grad_scratch_floats(&m, NROWS);
		np = a > np ? a : np;
		ns = b > ns ? b : ns;
	}
	G.y = malloc(NROWS * sizeof(float));
	G.lab2 = malloc(NROWS * sizeof(int32_t));
	G.perm = malloc(NROWS * sizeof(uint32_t));
	G.params = aligned_alloc(64, (np * sizeof(float) + 63) / 64 * 64);
	G.grad = aligned_alloc(64, (np * sizeof(float) + 63) / 64 * 64);
	G.scratch = aligned_alloc(64, (ns * sizeof(float) + 63) / 64 * 64);
	if (!G.y || !G.lab2 || !G.perm || !G.params || !G.grad || !G.scratch) {
		G.rc = GD_ENOMEM;
		return;
	}
	for (size_t i = 0; i < NROWS; i++) {
		G.y[i] = (float)G.ds.label[i];
		G.lab2[i] = G.ds.label[i] & 1;
	}
	kb_permutation(G.perm, NROWS);
	for (size_t j = 0; j < np; j++) /* small weights: realistic activations, no overflow */
		G.params[j] = (float)(0.05 * gd_rng_normal(3, 0, j));
	memset(G.grad, 0, np * sizeof(float));
	memset(G.scratch, 0, ns * sizeof(float)); /* touch every page before timing */
}

/* One benchmark's batch inside the timing loop: the kernel's and the
 * ceiling's walks of the permutation start half of it apart. */
typedef struct {
	const kgrad *k;
	gd_batch b;
	size_t bs, pos[2]; /* [1]: the kernel's */
	volatile float sink;
} grad_run;

/* where a walk's next batch of bs rows starts: at pos, or back at 0 */
static size_t walk_next(size_t pos, size_t bs)
{
	return pos + bs > NROWS ? 0 : pos;
}

static void grad_next_batch(void *user, int for_kernel)
{
	grad_run *u = user;
	if (u->k->batch) {
		size_t *pos = &u->pos[for_kernel != 0];
		*pos = walk_next(*pos, u->bs);
		u->b.idx = G.perm + *pos;
		u->b.n = u->bs;
		*pos += u->bs;
		/* the kernel's next batch, its prefetch hint as a training loop gives it */
		u->b.next_idx = for_kernel ? G.perm + walk_next(*pos, u->bs) : NULL;
		u->b.next_n = for_kernel ? u->bs : 0;
	} else {
		u->b.idx = NULL;
		u->b.i0 = 0;
		u->b.n = NROWS;
	}
}

static void grad_kernel(void *user)
{
	grad_run *u = user;
	u->sink += (float)u->k->e->fn(&u->k->m, G.params, &u->b, G.grad, G.scratch);
}

static void grad_read(void *user)
{
	grad_run *u = user;
	u->sink += gd_read_rows_best(&u->b, NFEAT);
}

static void run_grad(gb_state *gs, void *user)
{
	const kgrad *k = user;
	pthread_once(&G.once, data_init);
	if (G.rc) {
		kb_skip(gs, "could not allocate the gradient benchmark data");
		return;
	}
	gd_topo_bind_self(k->topo, k->pu, NULL);
	openblas_set_num_threads(1);
	grad_run u = { .k = k, .bs = k->batch ? k->batch : NROWS, .pos = { NROWS / 2, 0 } };
	u.b = (gd_batch){ .x = G.ds.x, .ld = NFEAT, .y = G.y,
		          .label = k->m.kind == GD_MODEL_LOGISTIC ? G.lab2 : G.ds.label };
	/* the minibatches walk the permutation and each call takes the next one: a
	 * batch's rows come from memory, as in training, not from the other's pass */
	kb_loop loop = { .prepare = grad_next_batch, .kernel = grad_kernel, .ceiling = grad_read, .user = &u,
		         .own_batches = 1 };
	kb_times t = kb_time_loop(gs, &loop);
	double tk = t.kernel_s, tm = t.ceiling_s, rows = (double)t.iters * (double)u.bs;
	gb_set_items_processed(gs, (int64_t)rows);
	gb_set_bytes_processed(gs, (int64_t)(rows * NFEAT * sizeof(float)));
	if (tk > 0 && tm > 0) {
		double gflop = rows * gd_model_flops_per_row(&k->m) * 1e-9;
		gb_set_counter(gs, "GFLOPs", gflop, GB_COUNTER_RATE);
		gb_set_counter(gs, "peak", gflop / tk / k->peak, GB_COUNTER_PLAIN);
		if (k->isa_peak > 0)
			gb_set_counter(gs, "isa_peak", gflop / tk / k->isa_peak, GB_COUNTER_PLAIN);
		gb_set_counter(gs, "xread", tm / tk, GB_COUNTER_PLAIN);
	}
}

int kgrad_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
               int scalar_full, const gd_topo *topo, int pu, const double *peak)
{
	double top = peak[gd_cpu_get()->max];
	for (int mk = 0; mk < GD_NMODELS; mk++) {
		if (!models_on[mk])
			continue;
		for (int bi = 0; bi < nbatch; bi++) {
			for (size_t i = 0; i < gd_grad_rows(); i++) { /* built-in rows, then plugins' */
				const gd_grad_entry *e = gd_grad_row(i);
				size_t bs = batches[bi] ? batches[bi] : NROWS;
				if ((int)e->model != mk ||
				    !kb_row_wanted(e->isa, e->impl, e == gd_grad_best((gd_model_kind)mk, cap, bs), cap, impls))
					continue;
				if (e->impl == GD_IMPL_SCALAR && !batches[bi] && !scalar_full)
					continue;
				if (nkg == capkg) {
					capkg = capkg ? 2 * capkg : 64;
					kgrad *n = realloc(kg, capkg * sizeof(*kg));
					if (!n)
						return GD_ENOMEM;
					kg = n;
				}
				kgrad *k = &kg[nkg++];
				memset(k, 0, sizeof(*k));
				k->e = e;
				k->m = model_for((gd_model_kind)mk);
				k->batch = batches[bi];
				k->topo = topo;
				k->pu = pu;
				k->peak = top > 0 ? top : 1.0; /* 0 under --benchmark_list_tests */
				if (e->impl == GD_IMPL_SCALAR || e->impl == GD_IMPL_AUTO || e->impl == GD_IMPL_SIMD)
					k->isa_peak = peak[e->isa];
				if (batches[bi])
					snprintf(k->name, sizeof(k->name), "%s/B:%zu", e->name, batches[bi]);
				else
					snprintf(k->name, sizeof(k->name), "%s/full:%d", e->name, NROWS);
			}
		}
	}
	return 0;
}

int kgrad_register(double min_time)
{
	for (size_t j = 0; j < nkg; j++) {
		gb_opts o = { .manual_time = 1, .threads = 1, .min_time = min_time };
		if (gb_register(kg[j].name, run_grad, &kg[j], &o))
			return GD_EBENCH;
	}
	return 0;
}

size_t kgrad_count(void)
{
	return nkg;
}

void kgrad_summary(FILE *out)
{
	if (!nkg)
		return;
	fprintf(out, "\nGradient kernels (%s, d = %d, c = %d, MLP h = %d, 1 thread):\n",
	        G.real ? "Fashion-MNIST train" : "synthetic blobs", NFEAT, NCLASS, NHIDDEN);
	fprintf(out, "Contiguous rows prefetched %zu floats ahead by the simd kernels (%s)\n",
	        gd_cpu_get()->stream_ahead, gd_cpu_get()->stream_src);
	fprintf(out, "%-24s %-12s %12s %9s %7s %8s %7s\n", "kernel", "batch", "rows/s", "GFLOP/s", "peak", "isa_peak",
	        "xread");
	for (size_t j = 0; j < nkg; j++) {
		static const char *const keys[] = { "items_per_second", "GFLOPs", "peak", "xread" };
		static const char *const ikey[] = { "isa_peak" };
		double v[4], ip;
		if (kb_result(kg[j].name, 0, keys, 4, v))
			continue;
		double rows = v[0], gf = v[1], pk = v[2], xr = v[3];
		char isa[16] = "-";
		if (!kb_result(kg[j].name, 0, ikey, 1, &ip))
			snprintf(isa, sizeof(isa), "%.2f", ip);
		const char *slash = strchr(kg[j].name + strlen(kg[j].e->name), '/');
		fprintf(out, "%-24s %-12s %12.4g %9.1f %7.2f %8s %7.2f\n", kg[j].e->name, slash ? slash + 1 : "", rows, gf,
		        pk, isa, xr);
	}
}
