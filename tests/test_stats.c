/*
 * The comparison gate's statistics: U and p-values worked by hand and checked
 * against the published table of critical values of the Mann-Whitney U test
 * (two-tailed, alpha = 0.05: n1 = n2 = 5 -> 2, 8 -> 13, 10 -> 23; a U at or
 * below the critical value is significant, one above it is not), and Holm's
 * adjustment on a worked example.
 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_worked),
		cmocka_unit_test(test_critical_values),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_performance_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
