/*
 * Every registry row, walked from the tables (dav1d's checkasm style): no row
 * is covered only because someone remembered to add it to a test. Each row
 * runs against its scalar reference on buffers at a 64-byte boundary and one
 * and three floats past it, at odd lengths around every vector width, with a
 * canary before and after each output array:
 *   - update rules (gd_update_table) at every storage dtype: 3 steps with state carried;
 *   - dense gradient kernels (gd_grad_table): loss and gradient, contiguous
 *     rows and an index list;
 *   - CSR gradient kernels (gd_csr_table);
 *   - the memory-only ceilings (gd_stream_best at each level and dtype): values kept;
 *   - the roofline probes (gd_probe_for at each level): copy, triad, FMA.
 * One meson test per ISA level (tests/meson.build), like the other variant tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "testutil.h"

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

/* A storage array (dtype.h) of n elements at `off` elements past an aligned
 * base, with canaries at [-1] and [n]: CANARY's bits for f32, 0xbeef for 16-bit. */
typedef struct sbuf {
	void *base, *p;
	size_t n;
	gd_store s;
} sbuf;
#define CANARY16 0xbeefu

static void canary_at(gd_store s, void *p, int set, int *ok)
{
	float c32 = CANARY;
	uint16_t c16 = CANARY16;
	const void *c = s == GD_ST_F32 ? (const void *)&c32 : (const void *)&c16;
	if (set)
		memcpy(p, c, gd_store_size(s));
	else
		*ok &= !memcmp(p, c, gd_store_size(s));
}

static sbuf sbuf_new(gd_store s, size_t n, size_t off)
{
	size_t es = gd_store_size(s);
	sbuf b = { aligned_alloc(64, ((n + off + 2) * es + 63) / 64 * 64 + 64), NULL, n, s };
	assert_non_null(b.base);
	b.p = (char *)b.base + (1 + off) * es;
	canary_at(s, (char *)b.p - es, 1, NULL);
	canary_at(s, gd_store_at(s, b.p, n), 1, NULL);
	return b;
}

static int sbuf_intact(const sbuf *b)
{
	int ok = 1;
	canary_at(b->s, (char *)b->p - gd_store_size(b->s), 0, &ok);
	canary_at(b->s, gd_store_at(b->s, b->p, b->n), 0, &ok);
	return ok;
}

static void sfill(sbuf *b, uint64_t *seed, float lo, float hi)
{
	float f[128];
	assert_true(b->n <= 128);
	fill(f, b->n, seed, lo, hi);
	gd_store_from_f32(b->s, b->p, f, b->n);
}

/* 16-bit arrays: at most 1 ulp apart (sign-magnitude order; NaN only with
 * NaN), or one ulp at the array's scale (its largest |value|): a rounding
 * flipped in an earlier step carries its old magnitude through cancellation
 * (m = b1*m + (1-b1)*g near 0). f32 arrays: close_all with the caller's
 * tolerance. */
static int close_store(gd_store s, const void *got, const void *want, size_t n, double rtol, double atol)
{
	if (s == GD_ST_F32)
		return close_all(got, want, n, rtol, atol);
	float fa[128], fb[128], scale = 0;
	assert_true(n <= 128);
	gd_store_to_f32(s, fa, got, n);
	gd_store_to_f32(s, fb, want, n);
	for (size_t i = 0; i < n; i++)
		scale = fabsf(fb[i]) > scale ? fabsf(fb[i]) : scale;
	double ulp_scale = (s == GD_ST_BF16 ? 0x1p-7 : 0x1p-10) * scale;
	for (size_t i = 0; i < n; i++) {
		uint16_t a, b;
		memcpy(&a, (const char *)got + 2 * i, 2);
		memcpy(&b, (const char *)want + 2 * i, 2);
		if (isnan(fa[i]) || isnan(fb[i])) {
			if (!(isnan(fa[i]) && isnan(fb[i])))
				return 0;
			continue;
		}
		int oa = a & 0x8000 ? -(int)(a & 0x7fff) : (int)a, ob = b & 0x8000 ? -(int)(b & 0x7fff) : (int)b;
		if (abs(oa - ob) > 1 && !(fabs((double)fa[i] - fb[i]) <= ulp_scale))
			return 0;
	}
	return 1;
}

/*
 * Every update row at every storage dtype against the scalar row at the same
 * dtype. Tolerance:
 *   - f32 rows: as ever, 64 ulp relative and 128 ulp absolute of f32
 *     (3 steps of ~12 operations, FMA against separate roundings);
 *   - 16-bit arrays: within 1 ulp of the storage type (close_store). Both
 *     sides round the same fp32 value (nearest even, or SR with the same
 *     random bits: same key, salt and index), and that value differs by the
 *     f32 error above, which can flip a rounding boundary: one ulp, at the
 *     magnitude where it happened (later steps may cancel towards 0);
 *   - f32 state in a row with 16-bit parameters: the f32 bound plus the
 *     reach of a flipped w (one 16-bit ulp, relative u = 2^-7 bf16, 2^-10
 *     f16) through the L2 term (0.01 w, |w| <= ~1): rtol += u, atol += 0.01 u.
 */
static void test_update_rows(void **unused)
{
	(void)unused;
	int checked = 0;
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i], *ref = gd_update_scalar(e->rule);
		if (e == ref || !tu_row(e->isa, e->name))
			continue;
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		hp.weight_decay = 0.01; /* the prologue's L2 (or decoupled decay) path too */
		int ns = gd_rule_nstate(e->rule, &hp);
		for (int d = 0; d < GD_NDT; d++) {
			gd_store sp = gd_dtype_param((gd_dtype)d), sg = gd_dtype_grad((gd_dtype)d);
			gd_store ss = gd_dtype_state((gd_dtype)d);
			double u = sp == GD_ST_BF16 ? 0x1p-7 : sp == GD_ST_F16 ? 0x1p-10 : 0;
			double rtol = 64 * 0x1p-24 + u, atol = 128 * 0x1p-24 + 0.01 * u;
			const char *dn = gd_dtype_name((gd_dtype)d);
			for (size_t li = 0; li < NL; li++)
				for (size_t oi = 0; oi < NO; oi++) {
					size_t n = lens[li];
					uint64_t seed = 0xc4ec + i * 977 + li * 31 + oi + (uint64_t)d * 7919;
					sbuf w[2], g = sbuf_new(sg, n, offs[oi]), s[2][GD_MAX_STATE];
					void *st[2][GD_MAX_STATE];
					for (int v = 0; v < 2; v++) {
						w[v] = sbuf_new(sp, n, offs[oi]);
						for (int k = 0; k < GD_MAX_STATE; k++) {
							s[v][k] = sbuf_new(ss, n, offs[oi]);
							st[v][k] = s[v][k].p;
						}
						gd_state_init_as(e->rule, &hp, st[v], n, ss);
					}
					sfill(&w[0], &seed, -1, 1);
					memcpy(w[1].p, w[0].p, n * gd_store_size(sp));
					gd_step_carry c[2] = { gd_step_carry_init(), gd_step_carry_init() };
					for (int t = 1; t <= 3; t++) {
						sfill(&g, &seed, -1, 1);
						for (int v = 0; v < 2; v++) {
							gd_step stp;
							gd_step_prepare(e->rule, &hp, t, hp.lr, 1.0, &c[v], &stp);
							stp.sr_key = gd_sr_key(seed, t);
							/* an offset into the whole vector, as a chunk of it would have */
							(v ? e : ref)->fn[d](&hp, &stp, w[v].p, g.p, st[v], n, 1000 * oi);
						}
					}
					if (!close_store(sp, w[1].p, w[0].p, n, rtol, atol))
						fail_msg("%s at %s: w differs from %s at n = %zu, offset %zu", e->name, dn, ref->name, n,
						         offs[oi]);
					for (int k = 0; k < ns; k++)
						if (!close_store(ss, st[1][k], st[0][k], n, rtol, atol))
							fail_msg("%s at %s: state %d differs from %s at n = %zu", e->name, dn, k, ref->name, n);
					if (!sbuf_intact(&w[1]) || !sbuf_intact(&g))
						fail_msg("%s at %s: wrote outside w at n = %zu, offset %zu", e->name, dn, n, offs[oi]);
					for (int k = 0; k < GD_MAX_STATE; k++)
						if (!sbuf_intact(&s[1][k]))
							fail_msg("%s at %s: wrote outside state %d at n = %zu, offset %zu", e->name, dn, k, n,
							         offs[oi]);
					for (int v = 0; v < 2; v++) {
						free(w[v].base);
						for (int k = 0; k < GD_MAX_STATE; k++)
							free(s[v][k].base);
					}
					free(g.base);
					checked++;
				}
		}
	}
	if (!checked && tu_scalar_only())
		skip(); /* scalar rows are their own reference */
	assert_true(checked > 0);
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
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
