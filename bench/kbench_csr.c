/*
 * Sparse (CSR) gradient-kernel microbenchmarks for `gdbench kernels --what
 * sparse`: lsq, logistic and softmax over CSR rows of the Debian text
 * dataset's shape (tools/make-debian-text.sh: 2^18 hashed features, about 8
 * nonzeros per row, 10 classes), generated from a seed: 50000 rows whose
 * features follow a Zipf law (s = 1.1), as words do, values scaled to unit
 * row norm. Batches walk a fixed permutation of the rows.
 *
 * Each benchmark alternates the kernel with a streaming read of the batch's
 * nonzeros (columns and values, the nonzero stream every CSR kernel reads
 * once); xread = read time / kernel time (1: as fast as that stream).
 * Counters: rows/s (items), nnz_per_s, xread.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "gd_error.h"
#include "kbench.h"
#include "mem.h"
#include "registry.h"
#include "rng.h"

#define SROWS 50000
#define SFEAT (1 << 18)
#define SCLASS 10
#define SNNZ 8 /* mean nonzeros per row */

static struct {
	pthread_once_t once;
	int rc;
	int64_t *rowptr;
	int32_t *col, *label, *lab2;
	float *val, *y, *params, *grad, scratch[64];
	uint32_t *perm;
	size_t nnz;
} S = { .once = PTHREAD_ONCE_INIT };

typedef struct {
	char name[96];
	const gd_grad_entry *e;
	gd_model m;
	size_t batch; /* 0: all rows */
	const gd_topo *topo;
	int pu;
} kcsr;

static kcsr *ks;
static size_t nks;

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void data_init(void)
{
	/* Zipf(1.1) over the features by inverting its CDF (table of 2^18 doubles) */
	double *cdf = malloc(SFEAT * sizeof(double)), z = 0;
	S.rowptr = gd_alloc64((SROWS + 1) * sizeof(int64_t));
	S.col = gd_alloc64((size_t)SROWS * 2 * SNNZ * sizeof(int32_t)); /* rows have at most 2*SNNZ-1 */
	S.val = gd_alloc64((size_t)SROWS * 2 * SNNZ * sizeof(float));
	S.label = malloc(SROWS * sizeof(int32_t));
	S.lab2 = malloc(SROWS * sizeof(int32_t));
	S.y = malloc(SROWS * sizeof(float));
	S.perm = malloc(SROWS * sizeof(uint32_t));
	size_t np = (size_t)SCLASS * SFEAT + SCLASS;
	S.params = gd_alloc64(np * sizeof(float));
	S.grad = gd_alloc64(np * sizeof(float));
	if (!cdf || !S.rowptr || !S.col || !S.val || !S.label || !S.lab2 || !S.y || !S.perm || !S.params || !S.grad) {
		S.rc = GD_ENOMEM;
		free(cdf);
		return;
	}
	for (size_t j = 0; j < SFEAT; j++)
		cdf[j] = (z += pow((double)(j + 1), -1.1));
	size_t k = 0;
	S.rowptr[0] = 0;
	for (size_t i = 0; i < SROWS; i++) {
		size_t len = 1 + gd_rng_u64(9, 1, i) % (2 * SNNZ - 1); /* 1..15, mean 8 */
		size_t start = k;
		for (size_t q = 0; q < len; q++) {
			double u = gd_rng_uniform(9, 2, k) * z;
			size_t lo = 0, hi = SFEAT - 1;
			while (lo < hi) { /* first feature with cdf >= u */
				size_t mid = (lo + hi) / 2;
				if (cdf[mid] < u)
					lo = mid + 1;
				else
					hi = mid;
			}
			S.col[k++] = (int32_t)lo;
		}
		qsort(S.col + start, len, sizeof(int32_t), cmp_i32);
		size_t w = start; /* a word counted twice: one nonzero */
		for (size_t q = start; q < k; q++)
			if (q == start || S.col[q] != S.col[w - 1])
				S.col[w++] = S.col[q];
		k = w;
		for (size_t q = start; q < k; q++)
			S.val[q] = (float)(1.0 / sqrt((double)(k - start)));
		S.rowptr[i + 1] = (int64_t)k;
		S.label[i] = (int32_t)(gd_rng_u64(9, 3, i) % SCLASS);
		S.lab2[i] = S.label[i] & 1;
		S.y[i] = (float)S.label[i];
	}
	S.nnz = k;
	free(cdf);
	kb_permutation(S.perm, SROWS);
	for (size_t j = 0; j < np; j++)
		S.params[j] = (float)(0.05 * gd_rng_normal(3, 0, j));
	memset(S.grad, 0, np * sizeof(float));
}

/* The nonzero stream of batch b: every column and value read once. */
static float read_nonzeros(const gd_batch *b)
{
	float s = 0;
	int32_t c = 0;
	for (size_t k = 0; k < b->n; k++) {
		size_t i = gd_batch_row(b, k);
		for (int64_t j = b->rowptr[i]; j < b->rowptr[i + 1]; j++) {
			s += b->val[j];
			c ^= b->col[j];
		}
	}
	return s + (float)c;
}

static size_t batch_nnz(const gd_batch *b)
{
	size_t n = 0;
	for (size_t k = 0; k < b->n; k++) {
		size_t i = gd_batch_row(b, k);
		n += (size_t)(b->rowptr[i + 1] - b->rowptr[i]);
	}
	return n;
}

/* One benchmark's batch inside the timing loop. */
typedef struct {
	const kcsr *k;
	gd_batch b;
	size_t bs, pos;
	double nnz;  /* nonzeros the kernel's calls read */
	size_t bnnz; /* the current batch's */
	volatile float sink;
} csr_run;

static void csr_next_batch(void *user, int for_kernel)
{
	(void)for_kernel; /* one walk: the CSR kernels take no prefetch hint */
	csr_run *u = user;
	if (u->k->batch) {
		if (u->pos + u->bs > SROWS)
			u->pos = 0;
		u->b.idx = S.perm + u->pos;
		u->pos += u->bs;
	} else {
		u->b.idx = NULL;
		u->b.i0 = 0;
	}
	u->b.n = u->bs;
	u->bnnz = batch_nnz(&u->b);
}

/* the gradient accumulates across calls (CSR kernels add): harmless for timing */
static void csr_kernel(void *user)
{
	csr_run *u = user;
	u->sink += (float)u->k->e->fn(&u->k->m, S.params, &u->b, S.grad, S.scratch);
	u->nnz += (double)u->bnnz;
}

static void csr_read(void *user)
{
	csr_run *u = user;
	u->sink += read_nonzeros(&u->b);
}

static void run_csr(gb_state *gs, void *user)
{
	const kcsr *k = user;
	pthread_once(&S.once, data_init);
	if (S.rc) {
		kb_skip(gs, "could not allocate the sparse benchmark data");
		return;
	}
	gd_topo_bind_self(k->topo, k->pu, NULL);
	csr_run u = { .k = k, .bs = k->batch ? k->batch : SROWS };
	u.b = (gd_batch){ .rowptr = S.rowptr, .col = S.col, .val = S.val, .y = S.y,
		          .label = k->m.kind == GD_MODEL_LOGISTIC ? S.lab2 : S.label };
	/* each call its own batch, as in kbench_grad.c */
	kb_loop loop = { .prepare = csr_next_batch, .kernel = csr_kernel, .ceiling = csr_read, .user = &u,
		         .own_batches = 1 };
	kb_times t = kb_time_loop(gs, &loop);
	double tk = t.kernel_s, tm = t.ceiling_s, rows = (double)t.iters * (double)u.bs, nnz = u.nnz;
	gb_set_items_processed(gs, (int64_t)rows);
	gb_set_bytes_processed(gs, (int64_t)(nnz * 8));
	if (tk > 0 && tm > 0) {
		gb_set_counter(gs, "nnz_per_s", nnz, GB_COUNTER_RATE);
		gb_set_counter(gs, "xread", tm / tk, GB_COUNTER_PLAIN);
	}
}

int kcsr_plan(const int *models_on, const size_t *batches, int nbatch, gd_isa cap, unsigned impls,
              const gd_topo *topo, int pu)
{
	for (int mk = 0; mk < GD_NMODELS; mk++) {
		if (!models_on[mk] || !gd_model_has_csr((gd_model_kind)mk))
			continue;
		for (int bi = 0; bi < nbatch; bi++)
			for (size_t i = 0; i < gd_csr_count; i++) {
				const gd_grad_entry *e = &gd_csr_table[i];
				if ((int)e->model != mk ||
				    !kb_row_wanted(e->isa, e->impl, e == gd_csr_best((gd_model_kind)mk, cap), cap, impls))
					continue;
				kcsr *n = realloc(ks, (nks + 1) * sizeof(*ks));
				if (!n)
					return GD_ENOMEM;
				ks = n;
				kcsr *k = &ks[nks++];
				memset(k, 0, sizeof(*k));
				k->e = e;
				k->m = (gd_model){ .kind = (gd_model_kind)mk, .d = SFEAT, .c = mk == GD_MODEL_SOFTMAX ? SCLASS : 1 };
				k->batch = batches[bi];
				k->topo = topo;
				k->pu = pu;
				if (batches[bi])
					snprintf(k->name, sizeof(k->name), "%s/B:%zu", e->name, batches[bi]);
				else
					snprintf(k->name, sizeof(k->name), "%s/full:%d", e->name, SROWS);
			}
	}
	return 0;
}

int kcsr_register(double min_time)
{
	for (size_t j = 0; j < nks; j++) {
		gb_opts o = { .manual_time = 1, .threads = 1, .min_time = min_time };
		if (gb_register(ks[j].name, run_csr, &ks[j], &o))
			return GD_EBENCH;
	}
	return 0;
}

size_t kcsr_count(void)
{
	return nks;
}

void kcsr_summary(FILE *out)
{
	if (!nks)
		return;
	fprintf(out, "\nSparse gradient kernels (CSR, synthetic text shape: %d rows, 2^18 features, ~%d nonzeros per "
	             "row, Zipf 1.1; softmax c = %d; 1 thread):\n", SROWS, SNNZ, SCLASS);
	fprintf(out, "%-26s %-12s %12s %12s %7s\n", "kernel", "batch", "rows/s", "nnz/s", "xread");
	for (size_t j = 0; j < nks; j++) {
		static const char *const keys[] = { "items_per_second", "nnz_per_s", "xread" };
		double v[3];
		if (kb_result(ks[j].name, 0, keys, 3, v))
			continue;
		fprintf(out, "%-26s %-12s %12.4g %12.4g %7.3f\n", ks[j].e->name,
		        strchr(ks[j].name + strlen(ks[j].e->name), '/') + 1, v[0], v[1], v[2]);
	}
}
