/*
 * Every registry row, walked from the tables (dav1d's checkasm style): no row
 * is covered only because someone remembered to add it to a test. Each row
 * runs against its scalar reference on buffers at a 64-byte boundary and one
 * and three floats past it, at odd lengths around every vector width, with a
 * canary before and after each output array:
 *   - update rules (gd_update_table) at every storage dtype: GD_VERIFY_STEPS steps with
 *     state carried, through gd_verify_update (harness/verify.c), the routine that also
 *     verifies plugin rows before gdbench uses them;
 *   - dense gradient kernels (gd_grad_table): loss and gradient, contiguous
 *     rows and an index list;
 *   - CSR gradient kernels (gd_csr_table);
 *   - the memory-only ceilings (gd_stream_best at each level and dtype): values kept;
 *   - the roofline probes (gd_probe_for at each level): copy, triad, FMA, and
 *     the vector layer's vtranspose (the MLP's transposed forward, grad_xt.h).
 * One meson test per ISA level (tests/meson.build), like the other variant tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "testutil.h"
#include "verify.h"

#define CANARY 12345.0f
static const size_t lens[] = { 1, 2, 3, 5, 7, 9, 13, 17, 31, 33, 63, 65, 127 };
static const size_t offs[] = { 0, 1, 3 }; /* floats past a 64-byte boundary */
#define NL (sizeof(lens) / sizeof(lens[0]))
#define NO (sizeof(offs) / sizeof(offs[0]))

/* A float buffer of n at `off` floats past an aligned base, with canaries at [-1] and [n]. */
typedef struct buf {
	float *base, *p;
	size_t n;
} buf;

static buf buf_new(size_t n, size_t off)
{
	buf b = { aligned_alloc(64, ((n + off + 2) * sizeof(float) + 63) / 64 * 64 + 64), NULL, n };
	assert_non_null(b.base);
	b.p = b.base + 1 + off;
	b.p[-1] = b.p[n] = CANARY;
	return b;
}

static int buf_intact(const buf *b) { return b->p[-1] == CANARY && b->p[b->n] == CANARY; }

static void fill(float *x, size_t n, uint64_t *seed, float lo, float hi)
{
	for (size_t i = 0; i < n; i++)
		x[i] = tu_uniform(seed, lo, hi);
}

static int close_all(const float *got, const float *want, size_t n, double rtol, double atol)
{
	for (size_t i = 0; i < n; i++)
		if (!tu_close(got[i], want[i], rtol, atol))
			return 0;
	return 1;
}

/* A storage array (dtype.h) with canaries (verify.h's gd_guarded). */
typedef gd_guarded sbuf;

static sbuf sbuf_new(gd_store s, size_t n, size_t off)
{
	sbuf b;
	assert_int_equal(gd_guarded_new(&b, s, n, off), 0);
	return b;
}

static int sbuf_intact(const sbuf *b) { return gd_guarded_intact(b, NULL); }

static void sfill(sbuf *b, uint64_t *seed, float lo, float hi)
{
	float f[128];
	assert_true(b->n <= 128);
	fill(f, b->n, seed, lo, hi);
	gd_store_from_f32(b->s, b->p, f, b->n);
}

/* Every update row at every storage dtype against the scalar row at the same
 * dtype: gd_verify_update, whose tolerances verify.c states and justifies. */
static void test_update_rows(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i], *ref = gd_update_scalar(e->rule);
		if (e == ref || !tu_row(e->isa, e->name))
			continue;
		for (int d = 0; d < GD_NDT; d++) {
			gd_mismatch mm;
			int rc = gd_verify_update(e, ref, (gd_dtype)d, &mm);
			if (rc == GD_EVERIFY) {
				char msg[512];
				gd_mismatch_describe(&mm, msg, sizeof(msg));
				fail_msg("%s (reference %s)", msg, ref->name);
			}
			assert_int_equal(rc, 0);
			checked++;
		}
	}
	if (!checked && tu_scalar_only())
		skip(); /* scalar rows are their own reference */
	assert_true(checked > 0);
}

/* Two wrong adam kernels: the scalar one, then element 17 nudged by 1e-3 or a
 * float written just past the end. */
static void adam_off_by_some(GD__UPDATE_ARGS)
{
	gd_adam_f32_scalar(hp, st, w, g, state, n, off);
	if (n > 17)
		((float *)w)[17] += 1e-3f;
}

static void adam_past_end(GD__UPDATE_ARGS)
{
	gd_adam_f32_scalar(hp, st, w, g, state, n, off);
	((float *)w)[n] = 0;
}

/* gd_verify_update refuses a wrong row and names the first mismatch. */
static void test_verify_refuses(void **unused)
{
	(void)unused;
	const gd_update_entry *ref = gd_update_scalar(GD_RULE_ADAM);
	gd_update_entry bad = { "adam/wrong", GD_RULE_ADAM, GD_IMPL_SCALAR, GD_ISA_SCALAR, { adam_off_by_some } };
	gd_mismatch mm;
	assert_int_equal(gd_verify_update(&bad, ref, GD_DT_F32, &mm), GD_EVERIFY);
	assert_string_equal(mm.row, "adam/wrong");
	assert_string_equal(mm.array, "w");
	assert_int_equal(mm.element, 17);
	assert_int_equal(mm.n, 31); /* the first length above 17 */
	/* nudged once a step; adam's step reads w only through the 0.01 L2 term */
	assert_true(fabs(mm.got - mm.expected - GD_VERIFY_STEPS * 1e-3) < 1e-4);
	bad.fn[GD_DT_F32] = adam_past_end;
	assert_int_equal(gd_verify_update(&bad, ref, GD_DT_F32, &mm), GD_EVERIFY);
	assert_string_equal(mm.array, "outside w");
	assert_int_equal(mm.n, 1);
	/* no kernel at that dtype: nothing to verify */
	assert_int_equal(gd_verify_update(&bad, ref, GD_DT_BF16_F32, &mm), GD_EINVAL);
	assert_int_equal(gd_verify_update(ref, ref, GD_DT_F32, &mm), 0);
}

/* A problem of n rows of d features for model m: rows, targets, labels, params. */
typedef struct problem {
	buf x, p, grad[2];
	float y[16], *scratch;
	int32_t label[16];
	uint32_t idx[16];
	int64_t rowptr[17];
	int32_t col[16 * 8];
	float val[16 * 8];
} problem;

static void problem_new(problem *q, const gd_model *m, size_t n, size_t off, uint64_t *seed)
{
	size_t np = gd_model_nparams(m);
	q->x = buf_new(n * m->d, off);
	q->p = buf_new(np, off);
	for (int v = 0; v < 2; v++)
		q->grad[v] = buf_new(np, off);
	fill(q->x.p, n * m->d, seed, -1, 1);
	fill(q->p.p, np, seed, -0.5f, 0.5f);
	for (size_t r = 0; r < n; r++) {
		q->y[r] = tu_uniform(seed, -1, 1);
		q->label[r] = (int32_t)(tu_next(seed) % (m->c > 1 ? m->c : 2));
		q->idx[r] = (uint32_t)((r * 7 + 3) % n); /* a permutation for n not a multiple of 7 */
	}
	/* CSR rows: up to 8 distinct ascending columns each */
	q->rowptr[0] = 0;
	for (size_t r = 0; r < n; r++) {
		int64_t k = q->rowptr[r];
		for (size_t j = tu_next(seed) % 3; j < m->d && k - q->rowptr[r] < 8; j += 1 + tu_next(seed) % 3) {
			q->col[k] = (int32_t)j;
			q->val[k++] = tu_uniform(seed, -1, 1);
		}
		q->rowptr[r + 1] = k;
	}
	q->scratch = aligned_alloc(64, (gd_grad_scratch_floats(m, n) * sizeof(float) + 63) / 64 * 64 + 64);
	assert_non_null(q->scratch);
}

static void problem_free(problem *q)
{
	free(q->x.base);
	free(q->p.base);
	free(q->grad[0].base);
	free(q->grad[1].base);
	free(q->scratch);
}

static const gd_model shapes[] = {
	{ GD_MODEL_LSQ, 13, 1, 0, 0, 0 },      { GD_MODEL_LOGISTIC, 7, 1, 0, 0, 0 },
	{ GD_MODEL_SOFTMAX, 33, 3, 0, 0, 0 },  { GD_MODEL_SVM, 13, 5, 0, 0, 0 },
	{ GD_MODEL_MLP, 9, 3, 5, 0, 0 },       { GD_MODEL_SOFTMAX, 1, 2, 0, 0, 0 },
	{ GD_MODEL_MLP, 17, 2, 11, 0, 0 },
};

/* Dense and CSR gradient rows against the scalar row of their table. */
static void walk_grad(const gd_grad_entry *table, size_t count, int csr)
{
	int checked = 0;
	static const size_t rows[] = { 1, 5, 9 };
	for (size_t i = 0; i < count; i++) {
		const gd_grad_entry *e = &table[i];
		const gd_grad_entry *ref = csr ? gd_csr_scalar(e->model) : gd_grad_scalar(e->model);
		if (e == ref || !tu_row(e->isa, e->name))
			continue;
		for (size_t si = 0; si < sizeof(shapes) / sizeof(shapes[0]); si++) {
			const gd_model *m = &shapes[si];
			if (m->kind != e->model)
				continue;
			for (size_t ri = 0; ri < 3; ri++)
				for (size_t oi = 0; oi < NO; oi++)
					for (int use_idx = 0; use_idx < 2; use_idx++) {
						size_t n = rows[ri], np = gd_model_nparams(m);
						uint64_t seed = 0x9ad + i * 131 + si * 17 + ri * 5 + oi;
						problem q;
						problem_new(&q, m, n, offs[oi], &seed);
						gd_batch b = { .x = csr ? NULL : q.x.p, .ld = m->d, .y = q.y, .label = q.label,
							       .idx = use_idx ? q.idx : NULL, .i0 = 0, .n = n };
						if (csr) {
							b.rowptr = q.rowptr;
							b.col = q.col;
							b.val = q.val;
						}
						double loss[2];
						for (int v = 0; v < 2; v++) {
							if (csr) /* CSR kernels add into a zeroed gradient */
								memset(q.grad[v].p, 0, np * sizeof(float));
							loss[v] = (v ? e : ref)->fn(m, q.p.p, &b, q.grad[v].p, q.scratch);
						}
						if (!tu_close(loss[1], loss[0], 1e-5, 1e-6))
							fail_msg("%s: loss %.9g, %s %.9g (d %zu, n %zu, offset %zu%s)", e->name, loss[1],
							         ref->name, loss[0], m->d, n, offs[oi], use_idx ? ", index list" : "");
						if (!close_all(q.grad[1].p, q.grad[0].p, np, 1e-4, 1e-5))
							fail_msg("%s: gradient differs from %s (d %zu, n %zu, offset %zu%s)", e->name,
							         ref->name, m->d, n, offs[oi], use_idx ? ", index list" : "");
						if (!buf_intact(&q.grad[1]) || !buf_intact(&q.x) || !buf_intact(&q.p))
							fail_msg("%s: wrote outside its arrays (d %zu, n %zu)", e->name, m->d, n);
						problem_free(&q);
						checked++;
					}
		}
	}
	if (!checked && tu_scalar_only())
		skip();
	assert_true(checked > 0);
}

static void test_grad_rows(void **unused)
{
	(void)unused;
	walk_grad(gd_grad_table, gd_grad_count, 0);
}

static void test_csr_rows(void **unused)
{
	(void)unused;
	int any = 0;
	for (size_t i = 0; i < gd_csr_count; i++)
		any |= gd_csr_table[i].impl != GD_IMPL_SCALAR && tu_row(gd_csr_table[i].isa, gd_csr_table[i].name);
	if (!any) {
		printf("[ SKIP     ] no CSR variant besides the scalar reference at this level\n");
		skip();
	}
	walk_grad(gd_csr_table, gd_csr_count, 1);
}

/* The memory-only ceilings of level l at every dtype keep every value's bits
 * (random finite values: NaNs of 16-bit arrays would come back quiet). */
static void check_streams(gd_isa l, const char *name, size_t n, size_t off, uint64_t *seed)
{
	for (int d = 0; d < GD_NDT; d++) {
		gd_stream_fn stream = gd_stream_best(l, (gd_dtype)d);
		gd_store sp = gd_dtype_param((gd_dtype)d), sg = gd_dtype_grad((gd_dtype)d);
		gd_store ss = gd_dtype_state((gd_dtype)d);
		sbuf w = sbuf_new(sp, n, off), g = sbuf_new(sg, n, off), s[GD_MAX_STATE];
		unsigned char keep[1 + GD_MAX_STATE][128 * 4];
		void *st[GD_MAX_STATE];
		sfill(&w, seed, -1, 1);
		sfill(&g, seed, -1, 1);
		memcpy(keep[0], w.p, n * gd_store_size(sp));
		for (int k = 0; k < GD_MAX_STATE; k++) {
			s[k] = sbuf_new(ss, n, off);
			st[k] = s[k].p;
			sfill(&s[k], seed, -1, 1);
			memcpy(keep[1 + k], st[k], n * gd_store_size(ss));
		}
		for (int ns = 0; ns <= GD_MAX_STATE; ns++) {
			stream(w.p, g.p, st, ns, n, 0);
			if (memcmp(keep[0], w.p, n * gd_store_size(sp)) || !sbuf_intact(&w))
				fail_msg("%s at %s: the memory-only kernel changed w (n %zu, %d states)", name,
				         gd_dtype_name((gd_dtype)d), n, ns);
			for (int k = 0; k < GD_MAX_STATE; k++)
				if (memcmp(keep[1 + k], st[k], n * gd_store_size(ss)) || !sbuf_intact(&s[k]))
					fail_msg("%s at %s: the memory-only kernel changed state %d (n %zu)", name,
					         gd_dtype_name((gd_dtype)d), k, n);
		}
		free(w.base);
		free(g.base);
		for (int k = 0; k < GD_MAX_STATE; k++)
			free(s[k].base);
	}
}

/* The memory-only ceiling and the roofline probes of each level the invocation runs. */
static void test_stream_and_probes(void **unused)
{
	(void)unused;
	int checked = 0;
	for (int l = 0; l < GD_NISA; l++) {
		char name[32];
		snprintf(name, sizeof(name), "stream+probes/%s", gd_isa_name((gd_isa)l));
		if (!tu_row((gd_isa)l, name))
			continue;
		const gd_probe_set *pr = gd_probe_for((gd_isa)l), *p0 = gd_probe_for(GD_ISA_SCALAR);
		for (size_t li = 0; li < NL; li++)
			for (size_t oi = 0; oi < NO; oi++) {
				size_t n = lens[li];
				uint64_t seed = 0x57 + li * 3 + oi + (uint64_t)l * 101;
				buf w = buf_new(n, offs[oi]), g = buf_new(n, offs[oi]);
				fill(w.p, n, &seed, -1, 1);
				fill(g.p, n, &seed, -1, 1);
				check_streams((gd_isa)l, name, n, offs[oi], &seed);
				/* copy is exact; triad a = b + 3c within a rounding of the scalar probe's */
				buf a = buf_new(n, offs[oi]), a0 = buf_new(n, 0);
				pr->copy(a.p, w.p, n);
				if (memcmp(a.p, w.p, n * sizeof(float)) || !buf_intact(&a))
					fail_msg("%s: copy (n %zu, offset %zu)", name, n, offs[oi]);
				pr->triad(a.p, w.p, g.p, 3.0f, n);
				p0->triad(a0.p, w.p, g.p, 3.0f, n);
				if (!close_all(a.p, a0.p, n, 4 * 0x1p-24, 4 * 0x1p-24) || !buf_intact(&a))
					fail_msg("%s: triad (n %zu, offset %zu)", name, n, offs[oi]);
				free(a.base);
				free(a0.base);
				free(w.base);
				free(g.base);
			}
		/* every lane of the FMA probe runs the same chains: per lane it matches the scalar probe */
		double v = pr->fma(1000, 0.5f) / (double)pr->lanes(), v0 = p0->fma(1000, 0.5f);
		if (!tu_close(v, v0, 1e-4, 0) || !(pr->lanes() >= 1))
			fail_msg("%s: FMA probe %.9g per lane (%zu lanes), scalar %.9g", name, v, pr->lanes(), v0);
		/* vtranspose: a lanes x lanes block from rows at offset k, into rows of ld
		 * floats; every element where it belongs and the padding untouched */
		const size_t w = pr->lanes(), k = 3, ld = w + 5;
		float *rows = malloc((k + w) * w * sizeof(float)), *dst = malloc(w * ld * sizeof(float));
		const float *src[64];
		assert_true(w <= 64 && rows && dst);
		uint64_t seed = 0x7a + (uint64_t)l;
		fill(rows, (k + w) * w, &seed, -1, 1);
		for (size_t q = 0; q < w; q++)
			src[q] = rows + (w - 1 - q) * (k + w); /* rows in any order, by pointer */
		for (size_t j = 0; j < w * ld; j++)
			dst[j] = -7.0f;
		pr->transpose(src, k, dst, ld);
		for (size_t ll = 0; ll < w; ll++)
			for (size_t j = 0; j < ld; j++)
				if (dst[ll * ld + j] != (j < w ? src[j][k + ll] : -7.0f))
					fail_msg("%s: vtranspose (%zu lanes): element %zu of row %zu is %g", name, w, j, ll,
					         (double)dst[ll * ld + j]);
		free(rows);
		free(dst);
		checked++;
	}
	assert_true(checked > 0);
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_update_rows),
		TU_ISA_TEST(test_grad_rows),
		TU_ISA_TEST(test_csr_rows),
		TU_ISA_TEST(test_stream_and_probes),
		TU_COMMON_TEST(test_verify_refuses),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
