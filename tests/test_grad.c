/*
 * Gradient kernels: every variant against centered finite differences of an
 * independent double-precision loss (gradcheck), every variant against the
 * scalar reference, and values known in closed form.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"
#include "registry.h"
#include "testutil.h"
#include "verify.h"

typedef struct problem {
	gd_model m;
	size_t n;
	float *x, *y, *params;
	int32_t *label;
	uint32_t *idx;
} problem;

static void *xalloc(size_t bytes)
{
	void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
	assert_non_null(p);
	return p;
}

static void problem_make(problem *P, gd_model_kind k, size_t n, size_t d, size_t c, size_t h, uint64_t seed)
{
	memset(P, 0, sizeof(*P));
	P->m = (gd_model){ .kind = k, .d = d, .c = (k == GD_MODEL_LSQ || k == GD_MODEL_LOGISTIC) ? 1 : c,
		           .h = k == GD_MODEL_MLP ? h : 0, .l1 = 0.01, .l2 = 0.1 };
	assert_int_equal(gd_model_check(&P->m, NULL), 0);
	P->n = n;
	P->x = xalloc(n * d * sizeof(float));
	P->y = xalloc(n * sizeof(float));
	P->label = xalloc(n * sizeof(int32_t));
	P->idx = xalloc(n * sizeof(uint32_t));
	size_t np = gd_model_nparams(&P->m);
	P->params = xalloc(np * sizeof(float));
	for (size_t i = 0; i < n * d; i++)
		P->x[i] = tu_uniform(&seed, -1.0f, 1.0f);
	for (size_t i = 0; i < n; i++) {
		P->y[i] = tu_uniform(&seed, -2.0f, 2.0f);
		P->label[i] = (int32_t)(tu_next(&seed) % (k == GD_MODEL_LOGISTIC ? 2 : P->m.c));
		P->idx[i] = (uint32_t)((i * 7 + 3) % n); /* a permutation when gcd(7, n) = 1 */
	}
	for (size_t j = 0; j < np; j++)
		P->params[j] = tu_uniform(&seed, -0.5f, 0.5f);
}

static void problem_free(problem *P)
{
	free(P->x);
	free(P->y);
	free(P->label);
	free(P->idx);
	free(P->params);
}

static gd_batch batch_of(const problem *P, int use_idx)
{
	return (gd_batch){ .x = P->x, .ld = P->m.d, .y = P->y, .label = P->label,
		           .idx = use_idx ? P->idx : NULL, .i0 = 0, .n = P->n };
}

/*
 * Tolerance: the kernels sum in float over <= 13 features and 11 rows, about
 * 1e-6 relative to the O(1) terms; differences in double with h = 1e-6 err
 * by ~1e-10. Relative error against max(|a|, |n|, 1e-3) therefore stays near
 * 1e-4 at worst; a wrong term in any equation moves it to O(1).
 */
static void test_gradcheck(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (!tu_row(e->isa, e->name))
			continue;
		for (int use_idx = 0; use_idx <= 1; use_idx++) {
			problem P;
			problem_make(&P, e->model, 11, 13, 4, 7, 0xc0ffee + i);
			gd_batch b = batch_of(&P, use_idx);
			gd_gradcheck_result r;
			assert_int_equal(gd_gradcheck(e->fn, &P.m, P.params, &b, 1e-6, &r), 0);
			if (!(r.max_rel_err < 1e-3) || !(r.loss_rel_err < 1e-5))
				fail_msg("%s (%s rows): gradient rel err %.3g at param %zu (analytic %.9g, numeric %.9g); "
				         "loss rel err %.3g", e->name, use_idx ? "index-list" : "contiguous", r.max_rel_err,
				         r.worst, r.analytic, r.numeric, r.loss_rel_err);
			problem_free(&P);
			checked++;
		}
	}
	assert_true(checked >= 2 * GD_NMODELS);
}

/* Against scalar: gd_verify_grad (harness/verify.c, the plugin loader's check
 * too) on batches of 1 to 130 rows, d = 37, contiguous and index-list rows. */
static void test_variants_match_scalar(void **unused)
{
	(void)unused;
	int compared = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (e->impl == GD_IMPL_SCALAR || !tu_row(e->isa, e->name))
			continue;
		gd_mismatch mm;
		int rc = gd_verify_grad(e, gd_grad_scalar(e->model), &mm);
		if (rc) {
			char msg[512];
			gd_mismatch_describe(&mm, msg, sizeof(msg));
			fail_msg("%s", rc == GD_EVERIFY ? msg : gd_strerror(rc));
		}
		compared++;
	}
	if (!compared && tu_scalar_only()) {
		/* the scalar level holds the references alone */
		printf("[ SKIP     ] no variant besides the scalar references at this level\n");
		skip();
	}
	assert_true(compared > 0);
}

/* Softmax (and the MLP's head) with all-zero weights: every class has
 * probability 1/C, so the loss is log C exactly. */
static void test_softmax_zero_weights(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if ((e->model != GD_MODEL_SOFTMAX && e->model != GD_MODEL_MLP) || !tu_row(e->isa, e->name))
			continue;
		checked++;
		problem P;
		problem_make(&P, e->model, 9, 20, 10, 6, 7);
		P.m.l1 = P.m.l2 = 0;
		size_t np = gd_model_nparams(&P.m);
		memset(P.params, 0, np * sizeof(float));
		float *g = xalloc(np * sizeof(float)), *scr = xalloc(gd_grad_scratch_floats(&P.m, P.n) * sizeof(float));
		gd_batch b = batch_of(&P, 0);
		double loss = gd_finish_mean(&P.m, P.params, e->fn(&P.m, P.params, &b, g, scr), P.n, g);
		if (!tu_close(loss, log(10.0), 1e-6, 0))
			fail_msg("%s: loss %.9g with zero weights, expected log 10 = %.9g", e->name, loss, log(10.0));
		free(g);
		free(scr);
		problem_free(&P);
	}
	assert_true(checked >= 2); /* softmax and the MLP at this level */
}

/* Least squares at the exact solution (y = X w* + b*, no noise): the gradient vanishes. */
static void test_lsq_gradient_zero_at_solution(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (e->model != GD_MODEL_LSQ || !tu_row(e->isa, e->name))
			continue;
		checked++;
		problem P;
		problem_make(&P, GD_MODEL_LSQ, 50, 21, 1, 0, 11);
		P.m.l1 = P.m.l2 = 0;
		for (size_t r = 0; r < P.n; r++) {
			double s = P.params[21];
			for (size_t j = 0; j < 21; j++)
				s += (double)P.params[j] * P.x[r * 21 + j];
			P.y[r] = (float)s;
		}
		float g[22], *scr = xalloc(gd_grad_scratch_floats(&P.m, P.n) * sizeof(float));
		gd_batch b = batch_of(&P, 0);
		double loss = gd_finish_mean(&P.m, P.params, e->fn(&P.m, P.params, &b, g, scr), P.n, g);
		assert_true(loss < 1e-12);
		for (int j = 0; j < 22; j++)
			if (fabsf(g[j]) > 1e-6f)
				fail_msg("%s: grad[%d] = %g at the exact solution", e->name, j, (double)g[j]);
		free(scr);
		problem_free(&P);
	}
	assert_true(checked > 0);
}

/* Multiclass SVM with every margin satisfied (z_y >= z_j + 1): loss and gradient are 0. */
static void test_svm_margin_satisfied(void **unused)
{
	(void)unused;
	enum { N = 12, C = 5, D = 5 };
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (e->model != GD_MODEL_SVM || !tu_row(e->isa, e->name))
			continue;
		checked++;
		gd_model m = { .kind = GD_MODEL_SVM, .d = D, .c = C };
		float x[N * D] = { 0 }, p[C * D + C] = { 0 }, g[C * D + C];
		int32_t lab[N];
		for (int r = 0; r < N; r++) {
			lab[r] = r % C;
			x[r * D + lab[r]] = 1.0f; /* one-hot rows */
		}
		for (int k = 0; k < C; k++)
			p[k * D + k] = 1.5f; /* z_y = 1.5, z_j = 0: margin 1.5 > 1 */
		float *scr = xalloc(gd_grad_scratch_floats(&m, N) * sizeof(float));
		gd_batch b = { .x = x, .ld = D, .label = lab, .n = N };
		double loss = e->fn(&m, p, &b, g, scr);
		assert_true(loss == 0.0);
		for (int j = 0; j < C * D + C; j++)
			assert_true(g[j] == 0.0f);
		/* and one violated margin is counted: z_y = 1.5 vs z_j = 1.5 - 0.25 */
		p[1 * D + 0] = 1.25f; /* class 1 scores rows of class 0 at 1.25 */
		loss = e->fn(&m, p, &b, g, scr);
		assert_true(tu_close(loss, (N / C + (N % C > 0)) * 0.75, 1e-6, 0));
		free(scr);
	}
	assert_true(checked > 0);
}

/*
 * gd_batch.next_idx and the contiguous-row prefetch distance
 * (gd_grad_set_stream_ahead) are prefetch hints only: with the hint pointing
 * at rows of NaN, and the distance 0, the Zen 5 entry or the largest
 * GDBENCH_STREAM_AHEAD (far past the rows: a prefetch never faults), the
 * result must be bit for bit the one without them. 130 rows (blocks of 48,
 * a short last block, tiles with tails), contiguous and index-list batches,
 * and hints shorter and longer than a block.
 */
static void test_next_hint_ignored(void **unused)
{
	(void)unused;
	enum { N = 130, EXTRA = 70, D = 37, C = 4, H = 7 };
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (!tu_row(e->isa, e->name))
			continue;
		problem P;
		problem_make(&P, e->model, N + EXTRA, D, C, H, 0xbeef + i);
		for (size_t j = (size_t)N * D; j < (size_t)(N + EXTRA) * D; j++)
			P.x[j] = NAN; /* the hinted rows: read into any sum, they show */
		uint32_t next[EXTRA];
		for (uint32_t j = 0; j < EXTRA; j++)
			next[j] = N + (j * 3) % EXTRA;
		size_t np = gd_model_nparams(&P.m);
		float *g0 = xalloc(np * sizeof(float)), *g1 = xalloc(np * sizeof(float));
		float *scr = xalloc(gd_grad_scratch_floats(&P.m, N) * sizeof(float));
		static const size_t hint_n[] = { 5, EXTRA }, ahead[] = { 0, 1568, GD_STREAM_AHEAD_MAX };
		for (int use_idx = 0; use_idx <= 1; use_idx++) {
			for (int h = 0; h < 6; h++) {
				gd_batch b = batch_of(&P, use_idx);
				b.n = N;
				for (size_t r = 0; r < N; r++)
					P.idx[r] = (uint32_t)((r * 7 + 3) % N); /* the batch's rows: the first N only */
				gd_grad_set_stream_ahead(0);
				double l0 = e->fn(&P.m, P.params, &b, g0, scr);
				b.next_idx = next;
				b.next_n = hint_n[h % 2];
				gd_grad_set_stream_ahead(ahead[h / 2]);
				double l1 = e->fn(&P.m, P.params, &b, g1, scr);
				if (memcmp(&l0, &l1, sizeof(l0)) || memcmp(g0, g1, np * sizeof(float)))
					fail_msg("%s (%s rows, hint of %zu rows, stream prefetch %zu floats ahead): the result "
					         "changed with the hints (loss %.9g vs %.9g)", e->name,
					         use_idx ? "index-list" : "contiguous", hint_n[h % 2], ahead[h / 2], l0, l1);
				checked++;
			}
		}
		free(g0);
		free(g1);
		free(scr);
		problem_free(&P);
	}
	gd_grad_set_stream_ahead(gd_cpu_get()->stream_ahead);
	assert_true(checked >= 12 * GD_NMODELS);
}

/*
 * Output counts and widths that take every forward path against the scalar
 * reference: on 32-register levels softmax, svm and the MLP's output layer
 * run passes of 10 outputs over row pairs (grad_wide.h) and leave the rest
 * (c = 14, 23) to the 2-output tiles; 97 rows end in an odd row and a
 * 1-row block; d = 1100 crosses the 1024-input block, so a pass adds to
 * outputs it began. A next-batch hint at rows of NaN must change nothing.
 */
static void test_output_counts_match_scalar(void **unused)
{
	(void)unused;
	enum { N = 97, EXTRA = 40, H = 9 };
	static const size_t cs[] = { 10, 14, 23 }, ds[] = { 37, 1100 };
	int checked = 0;
	for (size_t i = 0; i < gd_grad_count; i++) {
		const gd_grad_entry *e = &gd_grad_table[i];
		if (e->impl == GD_IMPL_SCALAR || e->model == GD_MODEL_LSQ || e->model == GD_MODEL_LOGISTIC ||
		    !tu_row(e->isa, e->name))
			continue;
		const gd_grad_entry *ref = gd_grad_scalar(e->model);
		assert_non_null(ref);
		for (size_t t = 0; t < 6; t++) {
			const size_t c = cs[t % 3], d = ds[t / 3];
			problem P;
			problem_make(&P, e->model, N + EXTRA, d, c, H, 0x5eed + 16 * i + t);
			for (size_t j = (size_t)N * d; j < (size_t)(N + EXTRA) * d; j++)
				P.x[j] = NAN;
			uint32_t next[EXTRA];
			for (uint32_t j = 0; j < EXTRA; j++)
				next[j] = N + j;
			for (size_t r = 0; r < N; r++)
				P.idx[r] = (uint32_t)((r * 7 + 3) % N);
			size_t np = gd_model_nparams(&P.m);
			float *g0 = xalloc(np * sizeof(float)), *g1 = xalloc(np * sizeof(float)),
			      *g2 = xalloc(np * sizeof(float));
			float *scr = xalloc(gd_grad_scratch_floats(&P.m, N) * sizeof(float));
			for (int use_idx = 0; use_idx <= 1; use_idx++) {
				gd_batch b = batch_of(&P, use_idx);
				b.n = N;
				double want = ref->fn(&P.m, P.params, &b, g0, scr);
				double got = e->fn(&P.m, P.params, &b, g1, scr);
				b.next_idx = next;
				b.next_n = EXTRA;
				double hinted = e->fn(&P.m, P.params, &b, g2, scr);
				double big = 0;
				for (size_t j = 0; j < np; j++)
					big = fabs(g0[j]) > big ? fabs(g0[j]) : big;
				for (size_t j = 0; j < np; j++)
					if (!(fabs(g1[j] - g0[j]) <= 1e-4 * big))
						fail_msg("%s, c = %zu, d = %zu, %s rows: gradient[%zu] = %.9g, scalar %.9g "
						         "(expected within 1e-4 of the largest, %.3g)", e->name, c, d,
						         use_idx ? "index-list" : "contiguous", j, g1[j], g0[j], big);
				if (!tu_close(got, want, 1e-5, 0))
					fail_msg("%s, c = %zu, d = %zu: loss %.9g, scalar %.9g", e->name, c, d, got, want);
				if (memcmp(&got, &hinted, sizeof(got)) || memcmp(g1, g2, np * sizeof(float)))
					fail_msg("%s, c = %zu, d = %zu: the next-batch hint changed the result", e->name, c, d);
				checked++;
			}
			free(g0);
			free(g1);
			free(g2);
			free(scr);
			problem_free(&P);
		}
	}
	if (!checked && tu_scalar_only()) {
		printf("[ SKIP     ] no variant besides the scalar references at this level\n");
		skip();
	}
	assert_true(checked >= 12);
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_gradcheck),
		TU_ISA_TEST(test_variants_match_scalar),
		TU_ISA_TEST(test_softmax_zero_weights),
		TU_ISA_TEST(test_lsq_gradient_zero_at_solution),
		TU_ISA_TEST(test_svm_margin_satisfied),
		TU_ISA_TEST(test_next_hint_ignored),
		TU_ISA_TEST(test_output_counts_match_scalar),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
