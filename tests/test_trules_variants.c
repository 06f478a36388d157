/*
 * The per-tensor rules' elementwise passes (kernels/trules.h): every variant
 * against the scalar reference, kernel by kernel, on seeded random inputs of
 * odd lengths (0, 1, one short of and one past a vector, 1001) at unaligned
 * addresses (one float past an aligned base), with guard values after the
 * end that no kernel may touch. Tolerance 2e-5 relative + 1e-6 absolute on
 * the arrays (FMAs against separate roundings, a few operations per
 * element) and 1e-5 relative on the sums (float lanes against double).
 */
#include <stdlib.h>
#include <string.h>

#include "tstep.h"
#include "testutil.h"

#define MAXN 1001
#define PAD 8
#define GUARD 12345.0f

enum { A_W, A_G, A_S0, A_S1, A_OUT, NARR };

typedef struct bufs {
	float *p[NARR]; /* unaligned, each followed by PAD guards */
	float rows[64], cols[64];
} bufs;

static float store[2][NARR][MAXN + PAD + 16] __attribute__((aligned(64)));

static void fill(bufs *b, int which, size_t n, uint64_t seed)
{
	uint64_t s = seed;
	for (int a = 0; a < NARR; a++) {
		b->p[a] = store[which][a] + 1; /* 4 bytes past a 64-byte boundary */
		for (size_t i = 0; i < n + PAD; i++)
			b->p[a][i] = i < n ? tu_uniform(&s, -1.5f, 1.5f) : GUARD;
	}
	/* second moments and factors are >= 0 */
	for (size_t i = 0; i < n; i++)
		b->p[A_S1][i] = b->p[A_S1][i] * b->p[A_S1][i];
	for (int i = 0; i < 64; i++) {
		b->rows[i] = tu_uniform(&s, 0.1f, 2.0f);
		b->cols[i] = tu_uniform(&s, 0.1f, 2.0f);
	}
}

static void compare(const char *what, const char *name, size_t n, const bufs *got, const bufs *want)
{
	for (int a = 0; a < NARR; a++)
		for (size_t i = 0; i < n + PAD; i++)
			if (!tu_close(got->p[a][i], want->p[a][i], 2e-5, 1e-6))
				fail_msg("%s %s n=%zu: array %d [%zu] = %.9g, scalar %.9g%s", name, what, n, a, i,
				         (double)got->p[a][i], (double)want->p[a][i], i >= n ? " (past the end)" : "");
}

static void sums_close(const char *what, const char *name, size_t n, const double *got, const double *want, int k)
{
	for (int j = 0; j < k; j++)
		if (!tu_close(got[j], want[j], 1e-5, 1e-9))
			fail_msg("%s %s n=%zu: sum %d = %.12g, scalar %.12g", name, what, n, j, got[j], want[j]);
}

/* Runs every kernel of K on buffers b (length n; as rows x cols for the factored ones) */
static void run_all(const gd_tkernels *K, bufs *b, size_t n, int kernel, double sums[2])
{
	static const float c[9] = { 0.9f, 0.1f, 0.999f, 0.001f, 1.5f, 1.2f, 1e-6f, 0.01f, 0.05f };
	static const float csf[7] = { 0.999f, 0.001f, 1e-8f, 0.01f, 0.3f, -0.02f, 0.05f };
	static const float caf[5] = { 1e-6f, 0.02f, 0.999f, 0.8f, 0.2f };
	float **p = b->p;
	size_t cols = n % 61 + 1, rows = n / cols; /* a factored view of the first rows*cols elements */
	sums[0] = sums[1] = 0;
	switch (kernel) {
	case 0: K->sumsq2(p[A_W], p[A_G], n, sums); break;
	case 1: K->sumsq2(p[A_W], NULL, n, sums); break;
	case 2: K->lamb_moments(c, p[A_W], p[A_G], p[A_S0], p[A_S1], n, sums); break;
	case 3: K->lamb_apply(c, p[A_W], p[A_S0], p[A_S1], n); break;
	case 4: K->lars_apply(c, p[A_W], p[A_G], p[A_S0], n); break;
	case 5:
		memset(b->rows, 0, sizeof(b->rows));
		K->af_rowcol(p[A_G], rows < 64 ? rows : 64, cols, b->rows, p[A_OUT]);
		for (int i = 0; i < 64; i++)
			sums[0] += b->rows[i];
		break;
	case 6: sums[0] = K->af_sumsq(caf, p[A_G], b->rows, b->cols, rows < 64 ? rows : 64, cols); break;
	case 7: K->af_apply(caf, p[A_W], p[A_G], b->rows, b->cols, rows < 64 ? rows : 64, cols); break;
	case 8: sums[0] = K->af_vmoments(caf, p[A_G], p[A_S1], n); break;
	case 9: K->af_vapply(caf, p[A_W], p[A_G], p[A_S1], n); break;
	case 10: K->sf_step(csf, p[A_W], p[A_G], p[A_S0], p[A_S1], n); break;
	case 11: K->muon_momentum(c, p[A_G], p[A_S0], p[A_OUT], n); break;
	case 12: K->scale_sub(c + 2, p[A_W], p[A_G], n); break;
	}
}
#define NKERNELS 13
static const char *const kernel_names[NKERNELS] = { "sumsq2", "sumsq2(a only)", "lamb_moments", "lamb_apply",
	"lars_apply", "af_rowcol", "af_sumsq", "af_apply", "af_vmoments", "af_vapply", "sf_step", "muon_momentum",
	"scale_sub" };

static void test_variants_vs_scalar(void **unused)
{
	(void)unused;
	static const size_t lengths[] = { 0, 1, 7, 9, 15, 17, 33, 1001 };
	const gd_tkernels *ref = gd_trule_scalar(GD_TRULE_LAMB)->k;
	int checked = 0;
	for (size_t r = 0; r < gd_trule_count; r++) {
		const gd_trule_entry *e = &gd_trule_table[r];
		/* every rule's row of a variant holds the same kernel set: test each set once */
		if (e->rule != GD_TRULE_LAMB || e->impl == GD_IMPL_SCALAR || !tu_row(e->isa, e->name))
			continue;
		for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
			for (int k = 0; k < NKERNELS; k++) {
				size_t n = lengths[li];
				bufs got, want;
				fill(&got, 0, n, 1000 + n);
				fill(&want, 1, n, 1000 + n);
				double sg[2], sw[2];
				run_all(e->k, &got, n, k, sg);
				run_all(ref, &want, n, k, sw);
				compare(kernel_names[k], e->name, n, &got, &want);
				sums_close(kernel_names[k], e->name, n, sg, sw, 2);
			}
		checked++;
	}
	if (!checked && !tu_scalar_only())
		fail_msg("no variant besides scalar ran");
}

/* The scalar set itself: guards intact, n = 0 a no-op (the reference the others are held to). */
static void test_scalar_bounds(void **unused)
{
	(void)unused;
	const gd_tkernels *ref = gd_trule_scalar(GD_TRULE_LAMB)->k;
	for (int k = 0; k < NKERNELS; k++) {
		bufs a, b;
		fill(&a, 0, 5, 7);
		fill(&b, 1, 5, 7);
		double s[2];
		run_all(ref, &a, 0, k, s);
		if (k != 5 && k != 6 && k != 7) /* the factored ones see rows = 0 */
			compare(kernel_names[k], "scalar n=0 leaves everything", 5, &a, &b);
		assert_true(s[0] == 0 && s[1] == 0);
	}
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_variants_vs_scalar),
		TU_COMMON_TEST(test_scalar_bounds),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
