/*
 * Sparse data: the libsvm loader into CSR (order, empty rows, repeats,
 * storage choice, shards) and every CSR gradient kernel against the dense
 * scalar kernel on the densified problem.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "gd_error.h"
#include "registry.h"
#include "train.h"
#include "testutil.h"

static char path_buf[512];
static const char *fixture(const char *name)
{
	const char *dir = getenv("GD_TEST_DATA");
	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir ? dir : "tests/data", name);
	return path_buf;
}

static const char *write_tmp(const char *text)
{
	static char p[64];
	snprintf(p, sizeof(p), "/tmp/gd_test_sparse_%d.svm", (int)getpid());
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void test_loader_csr(void **unused)
{
	(void)unused;
	gd_dataset ds;
	gd_dataerr e;
	assert_int_equal(gd_libsvm_load_as(fixture("sparse.libsvm"), 0, 0, GD_STORE_CSR, &ds, &e), 0);
	assert_null(ds.x);
	assert_int_equal(ds.n, 5);
	assert_int_equal(ds.d, 8);
	assert_int_equal(ds.c, 3);
	assert_int_equal(ds.nnz, 8);
	const int64_t rp[] = { 0, 3, 3, 5, 7, 8 };
	const int32_t col[] = { 1, 4, 6, 0, 7, 2, 3, 7 }; /* 0-based, ascending within a row */
	const float val[] = { -1, 2, 0.5f, 1, -0.25f, 4, 0.125f, 1 };
	const int32_t lab[] = { 2, 0, 1, 0, 1 };
	for (int i = 0; i < 6; i++)
		assert_int_equal(ds.rowptr[i], rp[i]);
	for (int k = 0; k < 8; k++) {
		assert_int_equal(ds.col[k], col[k]);
		assert_true(ds.val[k] == val[k]);
	}
	for (int i = 0; i < 5; i++)
		assert_int_equal(ds.label[i], lab[i]);
	assert_int_equal((uintptr_t)ds.rowptr % 64, 0);
	assert_int_equal((uintptr_t)ds.col % 64, 0);
	assert_int_equal((uintptr_t)ds.val % 64, 0);
	/* the dense copy has the values where the CSR says */
	gd_dataset dn;
	assert_int_equal(gd_dataset_densify(&ds, &dn), 0);
	assert_true(dn.x[0 * 8 + 6] == 0.5f && dn.x[2 * 8 + 7] == -0.25f && dn.x[1 * 8 + 3] == 0);
	gd_dataset_free(&dn);
	/* shard 1 of 2: rows 2..4 with offsets from 0 */
	assert_int_equal(gd_dataset_shard(&ds, 1, 2), 0);
	assert_int_equal(ds.n, 3);
	assert_int_equal(ds.row0, 2);
	assert_int_equal(ds.n_all, 5);
	assert_int_equal(ds.rowptr[0], 0);
	assert_int_equal(ds.rowptr[3], 5);
	assert_int_equal(ds.col[0], 0);
	assert_int_equal(ds.nnz, 5);
	gd_dataset_free(&ds);
}

static void test_loader_storage_and_errors(void **unused)
{
	(void)unused;
	gd_dataset ds;
	gd_dataerr e;
	/* auto: 8 of 40 entries (20%) are nonzero: CSR; a dense file stays dense */
	assert_int_equal(gd_libsvm_load_as(fixture("sparse.libsvm"), 0, 0, GD_STORE_AUTO, &ds, &e), 0);
	assert_non_null(ds.rowptr);
	gd_dataset_free(&ds);
	assert_int_equal(gd_libsvm_load_as(write_tmp("1 1:1 2:2\n0 1:3 2:4\n"), 0, 0, GD_STORE_AUTO, &ds, &e), 0);
	assert_non_null(ds.x);
	assert_null(ds.rowptr);
	gd_dataset_free(&ds);
	/* a repeated index is refused in CSR too, at the repeat's column, even out of order */
	assert_int_equal(gd_libsvm_load_as(write_tmp("1 3:1 1:2 3:5\n"), 0, 0, GD_STORE_CSR, &ds, &e), GD_EFORMAT);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 11);
	assert_non_null(strstr(e.msg, "index 3 repeated"));
	/* every row empty: no features to learn from */
	assert_int_equal(gd_libsvm_load_as(write_tmp("1\n0\n"), 0, 0, GD_STORE_CSR, &ds, &e), GD_EFORMAT);
	assert_non_null(strstr(e.msg, "no features"));
	unlink(write_tmp(""));
}

/* Dense class rows (W[o*d + j]) to the CSR models' feature-major W (W[j*c + o]); biases as they are. */
static void to_feature_major(const gd_model *m, const float *dense, float *csr)
{
	for (size_t o = 0; o < m->c; o++)
		for (size_t j = 0; j < m->d; j++)
			csr[gd_csr_weight(m, o, j)] = dense[o * m->d + j];
	for (size_t o = 0; o < m->c; o++)
		csr[m->c * m->d + o] = dense[m->c * m->d + o];
}

/* A random sparse problem, its dense twin, every CSR kernel against the dense scalar one. */
static void test_csr_kernels(void **unused)
{
	(void)unused;
	uint64_t seed = 7;
	const size_t n = 64, d = 45;
	char text[64 * 600], *p = text;
	for (size_t i = 0; i < n; i++) {
		p += sprintf(p, "%d", (int)(tu_next(&seed) % 3));
		/* rows of 0..40 nonzeros: empty rows, short tails and full 16-lane blocks */
		size_t k = tu_next(&seed) % 41;
		for (size_t j = 0; j < d && k; j++)
			if (tu_next(&seed) % d < k)
				p += sprintf(p, " %zu:%.4f", j + 1, tu_uniform(&seed, -1, 1));
		p += sprintf(p, "\n");
	}
	gd_dataset sp, dn;
	gd_dataerr e;
	assert_int_equal(gd_libsvm_load_as(write_tmp(text), 0, d, GD_STORE_CSR, &sp, &e), 0);
	assert_int_equal(gd_dataset_densify(&sp, &dn), 0);
	gd_dataset spr, dnr; /* the same rows as regression targets */
	assert_int_equal(gd_libsvm_load_as(write_tmp(text), 1, d, GD_STORE_CSR, &spr, &e), 0);
	assert_int_equal(gd_dataset_densify(&spr, &dnr), 0);
	uint32_t idx[64];
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)((i * 13 + 5) % n);
	int checked = 0;
	for (size_t t = 0; t < gd_csr_count; t++) {
		const gd_grad_entry *ce = &gd_csr_table[t];
		if (!tu_row(ce->isa, ce->name))
			continue;
		checked++;
		gd_model m = { .kind = ce->model, .d = d, .c = ce->model == GD_MODEL_SOFTMAX ? 3 : 1 };
		int reg = ce->model == GD_MODEL_LSQ;
		int32_t lab2[64];
		for (size_t i = 0; i < n; i++)
			lab2[i] = ce->model == GD_MODEL_LOGISTIC ? sp.label[i] > 0 : sp.label[i];
		size_t np = gd_model_nparams(&m);
		float *w = calloc(np, sizeof(float)), *gs = calloc(np, sizeof(float)), *gd = calloc(np, sizeof(float));
		float *wf = calloc(np, sizeof(float)), *gdf = calloc(np, sizeof(float));
		float scratch_c[16], *scratch_d = aligned_alloc(64, 64 * ((gd_grad_scratch_floats(&m, n) * 4 + 63) / 64));
		for (size_t j = 0; j < np; j++)
			w[j] = tu_uniform(&seed, -0.5f, 0.5f);
		for (int use_idx = 0; use_idx < 2; use_idx++) {
			const gd_dataset *S = reg ? &spr : &sp, *D = reg ? &dnr : &dn;
			gd_batch bs = { .rowptr = S->rowptr, .col = S->col, .val = S->val, .y = S->y,
				        .label = reg ? NULL : lab2, .idx = use_idx ? idx : NULL, .i0 = use_idx ? 0 : 3,
				        .n = use_idx ? n : n - 3 };
			gd_batch bd = bs;
			bd.rowptr = NULL, bd.col = NULL, bd.val = NULL;
			bd.x = D->x, bd.ld = d;
			memset(gs, 0, np * sizeof(float)); /* CSR kernels add into a zeroed gradient */
			to_feature_major(&m, w, wf);
			double ls = ce->fn(&m, wf, &bs, gs, scratch_c);
			double ld = gd_grad_scalar(m.kind)->fn(&m, w, &bd, gd, scratch_d);
			to_feature_major(&m, gd, gdf);
			memcpy(gd, gdf, np * sizeof(float));
			if (!tu_close(ls, ld, 1e-5, 1e-5))
				fail_msg("%s idx=%d: loss %.9g vs dense %.9g", ce->name, use_idx, ls, ld);
			for (size_t j = 0; j < np; j++)
				if (!tu_close(gs[j], gd[j], 1e-4, 1e-5))
					fail_msg("%s idx=%d: grad[%zu] %.9g vs dense %.9g", ce->name, use_idx, j, gs[j], gd[j]);
		}
		free(w), free(gs), free(gd), free(wf), free(gdf), free(scratch_d);
	}
	gd_dataset_free(&sp), gd_dataset_free(&dn), gd_dataset_free(&spr), gd_dataset_free(&dnr);
	unlink(write_tmp(""));
	if (!checked) {
		/* CSR kernels have variants at some levels only (none beyond scalar on ARM) */
		printf("[ SKIP     ] no CSR kernel at this level\n");
		skip();
	}
}

/* ---- the driver on CSR data ---- */

/* A sparse 4-class problem: 400 rows, 300 features, 2..9 nonzeros per row,
 * each class's rows share a few features (learnable), as CSR and dense. */
static void sparse_problem(gd_dataset *sp, gd_dataset *dn)
{
	uint64_t seed = 11;
	static char text[400 * 120];
	char *p = text;
	for (int i = 0; i < 400; i++) {
		int y = (int)(tu_next(&seed) % 4), k = 2 + (int)(tu_next(&seed) % 8);
		p += sprintf(p, "%d %d:1", y, 1 + y * 7); /* a class feature, then noise features */
		for (int q = 1; q < k; q++)
			p += sprintf(p, " %d:%.3f", 30 + q * 30 + (int)(tu_next(&seed) % 30), tu_uniform(&seed, 0.1f, 1));
		p += sprintf(p, "\n");
	}
	gd_dataerr e;
	const char *path = write_tmp(text);
	int rc = gd_libsvm_load_as(path, 0, 300, GD_STORE_CSR, sp, &e);
	unlink(path);
	assert_int_equal(rc, 0);
	if (dn)
		assert_int_equal(gd_dataset_densify(sp, dn), 0);
}

static gd_run_out run_on(const gd_dataset *ds, gd_rule rule, double lr, gd_mode mode, size_t batch, double l2,
                         int sparse_dense, int threads)
{
	gd_pool *pool;
	assert_int_equal(gd_pool_create(NULL, NULL, threads, 0, 0, &pool, NULL), 0);
	gd_run_cfg c = { 0 };
	c.model = (gd_model){ .kind = GD_MODEL_SOFTMAX, .d = ds->d, .c = 4, .l2 = l2 };
	/* NULL where no CSR kernel has a SIMD variant at this level */
	const gd_grad_entry *simd = gd_csr_simd(GD_MODEL_SOFTMAX, gd_cpu_get()->max);
	c.grad = ds->rowptr ? (threads == 2 && simd ? simd : gd_csr_best(GD_MODEL_SOFTMAX, gd_cpu_get()->max))
	                    : gd_grad_scalar(GD_MODEL_SOFTMAX);
	c.upd = gd_update_best(rule, gd_cpu_get()->max);
	gd_hparams_default(rule, &c.hp);
	c.hp.lr = lr;
	gd_schedule_init(&c.sched, GD_SCHED_CONSTANT);
	c.mode = mode;
	c.batch = batch;
	c.seed = 3;
	c.max_epochs = 4;
	c.sparse_dense = sparse_dense;
	gd_run_out o;
	assert_int_equal(gd_train(&c, ds, NULL, pool, NULL, &o), 0);
	gd_pool_destroy(pool);
	return o;
}

static double max_rel_diff(const gd_run_out *a, const gd_run_out *b, size_t np)
{
	double worst = 0, scale = 1e-6;
	/* ternaries, not fmax: gcc 12 for aarch64 crashes (internal compiler
	 * error in vect_transform_reduction) vectorizing an fmax reduction */
	for (size_t j = 0; j < np; j++) {
		double v = fabs(a->params[j]);
		scale = v > scale ? v : scale;
	}
	for (size_t j = 0; j < np; j++) {
		double v = fabs(a->params[j] - b->params[j]) / scale;
		worst = v > worst ? v : worst;
	}
	return worst;
}

/* Lazy updates where they must equal the dense ones: sgd (with an L2 penalty,
 * through the owed factors), adagrad without decay; and CSR against the
 * densified data. Adam's lazy variant must differ (it is approximate). */
static void test_lazy_vs_dense(void **unused)
{
	(void)unused;
	gd_dataset sp, dn;
	sparse_problem(&sp, &dn);
	size_t np = 300 * 4 + 4;
	struct { gd_rule rule; double lr, l2; int exact; } cases[] = {
		{ GD_RULE_SGD, 0.5, 0, 1 },
		{ GD_RULE_SGD, 0.5, 0.01, 1 },
		{ GD_RULE_ADAGRAD, 0.3, 0, 1 },
		{ GD_RULE_ADAM, 0.05, 0, 0 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (int threads = 1; threads <= 2; threads++) {
			gd_run_out lazy = run_on(&sp, cases[k].rule, cases[k].lr, GD_MODE_MINIBATCH, 16, cases[k].l2, 0, threads);
			gd_run_out dense = run_on(&sp, cases[k].rule, cases[k].lr, GD_MODE_MINIBATCH, 16, cases[k].l2, 1, threads);
			gd_run_out ref = run_on(&dn, cases[k].rule, cases[k].lr, GD_MODE_MINIBATCH, 16, cases[k].l2, 0, threads);
			gd_model m4 = { .kind = GD_MODEL_SOFTMAX, .d = 300, .c = 4 };
			float *t = malloc(np * sizeof(float)); /* the dense run's W in the CSR layout */
			to_feature_major(&m4, ref.params, t);
			memcpy(ref.params, t, np * sizeof(float));
			free(t);
			double dl = max_rel_diff(&dense, &lazy, np), dr = max_rel_diff(&ref, &dense, np);
			/* float sums in another order, amplified over 100 steps: 1e-4 of the largest weight */
			if (dr > 1e-4)
				fail_msg("rule %d T=%d: CSR dense update vs dense data differ by %g", cases[k].rule, threads, dr);
			if (cases[k].exact && dl > 1e-4)
				fail_msg("rule %d l2=%g T=%d: lazy vs dense differ by %g (should be exact)", cases[k].rule,
				         cases[k].l2, threads, dl);
			if (!cases[k].exact && dl < 1e-3)
				fail_msg("rule %d: lazy equals dense (%g): the test problem does not exercise laziness",
				         cases[k].rule, dl);
			/* every variant learns: the loss falls well below log 4 */
			assert_true(lazy.final_loss < 0.6 * log(4.0) && dense.final_loss < 0.6 * log(4.0));
			gd_run_out_free(&lazy), gd_run_out_free(&dense), gd_run_out_free(&ref);
		}
	}
	gd_dataset_free(&sp), gd_dataset_free(&dn);
}

/* Per-sample mode and one-worker hogwild walk the same samples in the same
 * order: the same parameters; hogwild on 2 workers still learns. */
static void test_sample_and_hogwild(void **unused)
{
	(void)unused;
	gd_dataset sp;
	sparse_problem(&sp, NULL);
	size_t np = 300 * 4 + 4;
	gd_run_out mb = run_on(&sp, GD_RULE_SGD, 0.2, GD_MODE_MINIBATCH, 1, 0, 0, 1);
	gd_run_out sm = run_on(&sp, GD_RULE_SGD, 0.2, GD_MODE_SAMPLE, 1, 0, 0, 1);
	gd_run_out h1 = run_on(&sp, GD_RULE_SGD, 0.2, GD_MODE_HOGWILD, 1, 0, 0, 1);
	gd_run_out h2 = run_on(&sp, GD_RULE_ADAGRAD, 0.3, GD_MODE_HOGWILD, 4, 0, 0, 2);
	assert_true(max_rel_diff(&mb, &sm, np) < 1e-6);
	if (max_rel_diff(&mb, &h1, np) > 1e-5)
		fail_msg("hogwild:1 on one worker differs from minibatch:1 by %g", max_rel_diff(&mb, &h1, np));
	assert_true(h2.final_loss < 0.6 * log(4.0));
	assert_true(mb.coords_per_step > 4 && mb.coords_per_step < 4 * 10 + 4 + 1e-9);
	gd_run_out_free(&mb), gd_run_out_free(&sm), gd_run_out_free(&h1), gd_run_out_free(&h2);
	gd_dataset_free(&sp);
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_COMMON_TEST(test_loader_csr),
		TU_COMMON_TEST(test_loader_storage_and_errors),
		TU_ISA_TEST(test_csr_kernels),
		TU_COMMON_TEST(test_lazy_vs_dense),
		TU_COMMON_TEST(test_sample_and_hogwild),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
