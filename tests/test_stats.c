/*
 * The comparison gate's statistics: U and p-values worked by hand and checked
 * against the published table of critical values of the Mann-Whitney U test
 * (two-tailed, alpha = 0.05: n1 = n2 = 5 -> 2, 8 -> 13, 10 -> 23; a U at or
 * below the critical value is significant, one above it is not), and Holm's
 * adjustment on a worked example. The Wilcoxon signed-rank test (--paired) likewise:
 * hand-worked p-values, the published two-tailed 0.05 critical values, every p against
 * the brute-force count over all 2^n sign patterns, and seeded rates against the
 * rates its exact null and a known alternative give in theory.
 */
#include <stdint.h>
#include <stdlib.h>

#include "stats.h"
#include "testutil.h"

/* Samples of size n with a given U: a_i sits above exactly k_i of b = 10, 20, ..., all distinct. */
static gd_mwu with_u(size_t n, const int *k)
{
	double a[16], b[16];
	for (size_t i = 0; i < n; i++) {
		b[i] = 10.0 * (double)(i + 1);
		a[i] = 10.0 * k[i] + 1 + 0.1 * (double)i;
	}
	return gd_mann_whitney(a, n, b, n);
}

static void test_hand_worked(void **unused)
{
	(void)unused;
	/* complete separation, 5 vs 5: U = 0; only 2 of the C(10,5) = 252
	 * arrangements are as extreme, two-sided: p = 2/252 */
	double a[5] = { 1, 2, 3, 4, 5 }, b[5] = { 6, 7, 8, 9, 10 };
	gd_mwu r = gd_mann_whitney(a, 5, b, 5);
	assert_true(r.exact && r.u == 0);
	assert_true(tu_close(r.p, 2.0 / 252, 1e-12, 0));
	/* 3 vs 3 can never reach 0.05: the best is 2/20 */
	assert_true(tu_close(gd_mwu_min_p(3, 3), 0.1, 1e-12, 0));
	assert_true(gd_mwu_min_p(4, 4) < 0.05); /* 2/70 */
	/* U counts pairs: a = {2, 4}, b = {1, 3}: 2>1, 4>1, 4>3 -> U = 3 */
	double c[2] = { 2, 4 }, d[2] = { 1, 3 };
	assert_true(gd_mann_whitney(c, 2, d, 2).u == 3);
	/* identical samples: U = n^2/2 and p = 1 (ties: normal approximation) */
	double e[4] = { 1, 2, 3, 4 };
	r = gd_mann_whitney(e, 4, e, 4);
	assert_true(r.u == 8 && !r.exact && r.p == 1);
	/* symmetry */
	double f[6] = { 1.5, 2.5, 7, 8, 9.5, 12 }, g[5] = { 3, 4, 5, 6, 10 };
	assert_true(tu_close(gd_mann_whitney(f, 6, g, 5).p, gd_mann_whitney(g, 5, f, 6).p, 1e-12, 0));
}

static void test_critical_values(void **unused)
{
	(void)unused;
	/* n = 5: critical U = 2 */
	assert_true(with_u(5, (int[]){ 0, 0, 0, 1, 1 }).p <= 0.05);      /* U = 2 */
	assert_true(with_u(5, (int[]){ 0, 0, 1, 1, 1 }).p > 0.05);       /* U = 3 */
	/* n = 8: critical U = 13 */
	assert_true(with_u(8, (int[]){ 0, 0, 0, 0, 1, 2, 5, 5 }).p <= 0.05); /* U = 13 */
	assert_true(with_u(8, (int[]){ 0, 0, 0, 0, 1, 2, 5, 6 }).p > 0.05);  /* U = 14 */
	/* n = 10: critical U = 23 */
	assert_true(with_u(10, (int[]){ 0, 0, 0, 1, 1, 2, 3, 4, 5, 7 }).p <= 0.05); /* U = 23 */
	assert_true(with_u(10, (int[]){ 0, 0, 0, 1, 1, 2, 3, 4, 5, 8 }).p > 0.05);  /* U = 24 */
	/* the normal approximation agrees with the exact test at n = 10 (within 0.01) */
	double a[10], b[10];
	for (int i = 0; i < 10; i++) {
		a[i] = i * 2 + 0.5;
		b[i] = i * 2 + 3.1;
	}
	gd_mwu ex = gd_mann_whitney(a, 10, b, 10);
	a[0] = b[0]; /* one tie forces the approximation, moving U by 1/2 */
	gd_mwu ap = gd_mann_whitney(a, 10, b, 10);
	assert_true(ex.exact && !ap.exact);
	assert_true(fabs(ex.p - ap.p) < 0.02);
}

static void test_holm(void **unused)
{
	(void)unused;
	/* sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> monotone 0.06 */
	double p[4] = { 0.01, 0.04, 0.03, 0.005 };
	gd_holm(p, 4);
	assert_true(tu_close(p[0], 0.03, 1e-12, 0));
	assert_true(tu_close(p[1], 0.06, 1e-12, 0));
	assert_true(tu_close(p[2], 0.06, 1e-12, 0));
	assert_true(tu_close(p[3], 0.02, 1e-12, 0));
	assert_true(tu_close(gd_median((double[]){ 3, 1, 2, 10 }, 4), 2.5, 0, 0));
}

/* Two solvers on three problems: A = {1, 2, 4} s, B = {2, 1, not solved}.
 * Fastest per problem: 1, 1, 4, so the ratios are A = {1, 2, 1}, B = {2, 1, inf}:
 * rho_A(1) = 2/3, rho_A(2) = 1; rho_B(1) = 1/3, rho_B(2) = 2/3 and it never
 * reaches 1. */
static void test_performance_profile(void **unused)
{
	(void)unused;
	const double t[6] = { 1, 2, 4, 2, 1, INFINITY };
	double r[6];
	gd_perf_ratios(t, 2, 3, r);
	const double want[6] = { 1, 2, 1, 2, 1, INFINITY };
	for (int i = 0; i < 6; i++)
		assert_true(r[i] == want[i]);
	assert_true(tu_close(gd_perf_profile(r, 2, 3, 0, 1.0), 2.0 / 3, 1e-15, 0));
	assert_true(gd_perf_profile(r, 2, 3, 0, 2.0) == 1.0);
	assert_true(tu_close(gd_perf_profile(r, 2, 3, 1, 1.0), 1.0 / 3, 1e-15, 0));
	assert_true(tu_close(gd_perf_profile(r, 2, 3, 1, 1e9), 2.0 / 3, 1e-15, 0));
	/* nobody solves a problem: every ratio there is infinite */
	const double u[2] = { INFINITY, INFINITY };
	gd_perf_ratios(u, 2, 1, r);
	assert_true(isinf(r[0]) && isinf(r[1]));
}

/* d = +-1, +-2, ..., +-n (nearly: distinct, rank i + 1 at i), negative where bit i of neg is set */
static gd_wsr with_signs(size_t n, uint32_t neg)
{
	double d[32];
	for (size_t i = 0; i < n; i++)
		d[i] = (neg >> i & 1 ? -1.0 : 1.0) * (double)(i + 1) * (1 + 1e-3 * (double)i);
	return gd_wilcoxon_signed_rank(d, n);
}

static void test_wilcoxon_hand_worked(void **unused)
{
	(void)unused;
	/* all 5 positive: W+ = 15; of the 32 sign patterns only all-+ and all-- are as extreme */
	gd_wsr r = with_signs(5, 0);
	assert_true(r.exact && r.w == 15 && r.n == 5);
	assert_true(tu_close(r.p, 2.0 / 32, 1e-12, 0));
	assert_true(tu_close(gd_wsr_min_p(5), 2.0 / 32, 1e-12, 0) && gd_wsr_min_p(6) < 0.05 && gd_wsr_min_p(5) > 0.05);
	/* rank 1 negative: W- = 1; W <= 1 in {}, {1}: p = 2 * 2/32 */
	r = with_signs(5, 1);
	assert_true(r.w == 14 && tu_close(r.p, 4.0 / 32, 1e-12, 0));
	/* zeros are dropped: this is the first case */
	double z[7] = { 0, 1, 2, 3, 0, 4, 5 };
	r = gd_wilcoxon_signed_rank(z, 7);
	assert_true(r.n == 5 && tu_close(r.p, 2.0 / 32, 1e-12, 0));
	/* tied |d| (mean ranks 1.5, 1.5): the normal approximation */
	double t[6] = { 1, -1, 2, 3, 4, 5 };
	r = gd_wilcoxon_signed_rank(t, 6);
	assert_true(!r.exact && r.w == 1.5 + 3 + 4 + 5 + 6);
	/* nothing to test: p = 1 */
	assert_true(gd_wilcoxon_signed_rank(z, 2).p == 1);
	/* a +inf difference (a target reached on one side only) takes the largest rank */
	double f[6] = { 1, 2, 3, 4, 5, INFINITY };
	r = gd_wilcoxon_signed_rank(f, 6);
	assert_true(r.exact && r.w == 21 && tu_close(r.p, 2.0 / 64, 1e-12, 0));
}

/* The published two-tailed alpha = 0.05 critical values of T = min(W+, W-): n = 6 -> 0,
 * 8 -> 3, 10 -> 8, 15 -> 25, 20 -> 52 (a T at or below is significant, one above is not). */
static void test_wilcoxon_critical_values(void **unused)
{
	(void)unused;
	assert_true(with_signs(6, 0).p <= 0.05);                   /* T = 0 */
	assert_true(with_signs(6, 1u).p > 0.05);                   /* T = 1 */
	assert_true(with_signs(8, 1u << 2).p <= 0.05);             /* T = 3 */
	assert_true(with_signs(8, 1u << 3).p > 0.05);              /* T = 4 */
	assert_true(with_signs(10, 1u << 7).p <= 0.05);            /* T = 8 */
	assert_true(with_signs(10, 1u << 8).p > 0.05);             /* T = 9 */
	assert_true(with_signs(15, 1u << 9 | 1u << 14).p <= 0.05); /* T = 10 + 15 */
	assert_true(with_signs(15, 1u << 10 | 1u << 14).p > 0.05); /* T = 11 + 15 */
	assert_true(with_signs(20, 1u << 12 | 1u << 18 | 1u << 19).p <= 0.05); /* T = 13 + 19 + 20 */
	assert_true(with_signs(20, 1u << 13 | 1u << 18 | 1u << 19).p > 0.05);  /* T = 14 + 19 + 20 */
}

/* W+ of the sign pattern pos (bit i: rank i + 1 positive) */
static double wplus_of(size_t n, uint32_t pos)
{
	double w = 0;
	for (size_t i = 0; i < n; i++)
		w += (double)(pos >> i & 1) * (double)(i + 1);
	return w;
}

/* every exact p against the share of the 2^n sign patterns at least as far from n(n+1)/4 */
static void test_wilcoxon_brute_force(void **unused)
{
	(void)unused;
	for (size_t n = 1; n <= 12; n++) {
		double mean = (double)(n * (n + 1)) / 4;
		for (uint32_t neg = 0; neg < (1u << n); neg += 1 + (uint32_t)(n > 8) * 13) {
			double dist = fabs(wplus_of(n, ~neg & ((1u << n) - 1)) - mean), far = 0;
			for (uint32_t q = 0; q < (1u << n); q++)
				far += fabs(wplus_of(n, q) - mean) >= dist - 1e-9;
			gd_wsr r = with_signs(n, neg);
			assert_true(r.exact);
			assert_true(tu_close(r.p, far / (double)(1u << n), 1e-12, 0));
		}
	}
}

static double uniform01(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

/* Seeded rates against theory. Differences with magnitudes independent of their signs and
 * each sign + with probability q: W+ is then the sum of the ranks, each kept with
 * probability q, so P(p <= alpha) is the q-weighted share of the sign patterns whose p is
 * <= alpha (q = 1/2: the test's exact level, <= alpha; q = 0.85: its power). The simulated
 * rates must fall within 4 binomial sd of those. */
static void test_wilcoxon_rates(void **unused)
{
	(void)unused;
	const size_t n = 10, R = 4000;
	const double alpha = 0.05, qs[2] = { 0.5, 0.85 };
	uint64_t seed = 20261201;
	for (int k = 0; k < 2; k++) {
		double q = qs[k], theory = 0;
		for (uint32_t pos = 0; pos < (1u << n); pos++) {
			int np = __builtin_popcount(pos);
			if (with_signs(n, ~pos & ((1u << n) - 1)).p <= alpha)
				theory += pow(q, np) * pow(1 - q, (double)n - np);
		}
		size_t hits = 0;
		for (size_t t = 0; t < R; t++) {
			double d[10];
			for (size_t i = 0; i < n; i++)
				d[i] = (uniform01(&seed) < q ? 1 : -1) * -log(uniform01(&seed)); /* exponential magnitude */
			hits += gd_wilcoxon_signed_rank(d, n).p <= alpha;
		}
		double rate = (double)hits / (double)R, sd = sqrt(theory * (1 - theory) / (double)R);
		print_message("# Wilcoxon signed-rank, n = %zu, alpha %g, %zu seeded trials: P(+) = %.2f: rejected %.4f "
		              "(theory %.4f)\n", n, alpha, R, q, rate, theory);
		assert_true(fabs(rate - theory) <= 4 * sd);
		if (k == 0)
			assert_true(theory <= alpha);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_worked),
		cmocka_unit_test(test_critical_values),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_performance_profile),
		cmocka_unit_test(test_wilcoxon_hand_worked),
		cmocka_unit_test(test_wilcoxon_critical_values),
		cmocka_unit_test(test_wilcoxon_brute_force),
		cmocka_unit_test(test_wilcoxon_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
