/*
 * E-Divisive (tools/edivisive.c): Q worked by hand, the incremental O(n^2) split search
 * against the definition summed directly, the degenerate cases, and the rates on seeded
 * synthetic series, printed and held to bounds that follow from the test's construction:
 *  - flat series: a permutation test's p-value is uniform under exchangeable values, so the
 *    first test (the only one a flat series reaches unless it fails) rejects with probability
 *    <= alpha; the count over R series is at most Binomial(R, alpha), asserted below its mean
 *    plus 4 standard deviations;
 *  - a 10% step under 3% noise (sd) between two segments of 20: the segments are 3.3 sd apart,
 *    so the true split's Q exceeds any shuffle's nearly always and the p-value sits at its floor
 *    1/(perms+1); asserted: at least 90% found (misses expected ~0);
 *  - localization: the split moves off the true index only when values at the edge are nearer
 *    the other mean, P ~ Phi(-1.67) ~ 5% per edge value: mean |error| asserted <= 1 commit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "edivisive.h"
#include "rng.h"
#include "testutil.h"

/* Q straight from the definition (triple sums, no incremental updates) */
static double q_direct(const double *z, size_t n, size_t t)
{
	double cross = 0, xs = 0, ys = 0, m = (double)t, k = (double)(n - t);
	for (size_t i = 0; i < t; i++)
		for (size_t j = t; j < n; j++)
			cross += fabs(z[i] - z[j]);
	for (size_t i = 0; i < t; i++)
		for (size_t j = i + 1; j < t; j++)
			xs += fabs(z[i] - z[j]);
	for (size_t i = t; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ys += fabs(z[i] - z[j]);
	return m * k / (m + k) * (2 * cross / (m * k) - xs / (m * (m - 1) / 2) - ys / (k * (k - 1) / 2));
}

static void test_hand_worked(void **unused)
{
	(void)unused;
	/* 0 0 0 | 1 1 1: cross = 9 pairs at distance 1, 2*9/9 = 2, no spread inside: Q = 9/6 * 2 = 3 */
	double z[6] = { 0, 0, 0, 1, 1, 1 };
	size_t tau;
	assert_true(tu_close(gd_ediv_best_split(z, 6, 2, &tau), 3.0, 1e-12, 0));
	assert_int_equal(tau, 3);
	/* 0 0 | 0 1 1 1: cross 6 -> 1.5, Y's 3 unequal pairs of 6 -> 0.5: Q = 8/6 * 1.0 */
	assert_true(tu_close(q_direct(z, 6, 2), 4.0 / 3, 1e-12, 0));
	/* too short for two segments of min_seg */
	assert_true(gd_ediv_best_split(z, 5, 3, &tau) == -INFINITY && tau == 0);
}

static void test_against_definition(void **unused)
{
	(void)unused;
	for (uint64_t s = 0; s < 20; s++) {
		double z[31];
		size_t n = 6 + s % 26, tau, best_t = 0;
		for (size_t i = 0; i < n; i++)
			z[i] = gd_rng_normal(7, s, i) + (i > n / 3 ? 0.5 : 0);
		double best = -INFINITY;
		for (size_t t = 3; t + 3 <= n; t++)
			if (q_direct(z, n, t) > best) {
				best = q_direct(z, n, t);
				best_t = t;
			}
		assert_true(tu_close(gd_ediv_best_split(z, n, 3, &tau), best, 1e-9, 1e-9));
		assert_int_equal(tau, best_t);
	}
}

static void test_degenerate(void **unused)
{
	(void)unused;
	gd_ediv_opts o = gd_ediv_defaults();
	gd_cp cp[4];
	double flat[12] = { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 };
	assert_int_equal(gd_edivisive(flat, 12, &o, cp, 4), 0); /* every shuffle ties: p = 1 */
	assert_int_equal(gd_edivisive(flat, 5, &o, cp, 4), 0);
	assert_int_equal(gd_edivisive(flat, 0, &o, cp, 4), 0);
	gd_ediv_opts bad = o;
	bad.min_seg = 1;
	assert_int_equal(gd_edivisive(flat, 12, &bad, cp, 4), -1);
	bad = o;
	bad.alpha = 0;
	assert_int_equal(gd_edivisive(flat, 12, &bad, cp, 4), -1);
	/* two clean steps, found in order whatever order the bisection took them */
	double two[18] = { 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2 };
	assert_int_equal(gd_edivisive(two, 18, &o, cp, 4), 2);
	assert_int_equal(cp[0].at, 6);
	assert_int_equal(cp[1].at, 12);
	assert_true(cp[0].p <= o.alpha && cp[1].p <= o.alpha);
	/* the same input and seed give the same p-values */
	gd_cp again[4];
	assert_int_equal(gd_edivisive(two, 18, &o, again, 4), 2);
	assert_true(again[0].p == cp[0].p && again[1].p == cp[1].p);
}

enum { REPS = 200, LEN = 40, STEP_AT = 20 };

static void test_rates(void **unused)
{
	(void)unused;
	gd_ediv_opts o = gd_ediv_defaults();
	gd_cp cp[8];
	double z[LEN];
	int fp = 0, found = 0;
	double err = 0;
	for (uint64_t r = 0; r < REPS; r++) {
		for (size_t i = 0; i < LEN; i++)
			z[i] = 1.0 + 0.03 * gd_rng_normal(2014, r, i);
		o.seed = r + 1;
		int k = gd_edivisive(z, LEN, &o, cp, 8);
		assert_true(k >= 0);
		fp += k > 0;
		for (size_t i = STEP_AT; i < LEN; i++)
			z[i] += 0.10;
		k = gd_edivisive(z, LEN, &o, cp, 8);
		assert_true(k >= 0);
		/* the change point nearest the true one */
		double e = INFINITY;
		for (int c = 0; c < k; c++)
			e = fmin(e, fabs((double)cp[c].at - STEP_AT));
		if (k > 0) {
			found++;
			err += e;
		}
	}
	double mean_err = found ? err / found : INFINITY;
	printf("# E-Divisive (min_seg %zu, alpha %g, %u permutations) over %d seeded series of %d values:\n"
	       "#   flat (sd 3%%): false positives %d/%d = %.1f%%\n"
	       "#   10%% step at %d (sd 3%%): found %d/%d = %.1f%%, mean |localization error| %.3f commits\n",
	       o.min_seg, o.alpha, o.perms, REPS, LEN, fp, REPS, 100.0 * fp / REPS, STEP_AT, found, REPS,
	       100.0 * found / REPS, mean_err);
	double mean = REPS * o.alpha, sd = sqrt(REPS * o.alpha * (1 - o.alpha));
	assert_true(fp <= mean + 4 * sd);
	assert_true(found >= 0.9 * REPS);
	assert_true(mean_err <= 1.0);
}

/* A time to target never reached is +inf: such a series is searched on its ranks, so the
 * revision from which the target stops (or starts) being reached is a change point. */
static void test_not_reached(void **unused)
{
	(void)unused;
	gd_ediv_opts o = gd_ediv_defaults();
	gd_cp cp[4], again[4];
	double z[20], r[20];
	for (size_t i = 0; i < 20; i++)
		z[i] = i < 12 ? 1.0 + 0.01 * gd_rng_normal(7, 0, i) : INFINITY;
	assert_int_equal(gd_edivisive(z, 20, &o, cp, 4), 1);
	assert_true(cp[0].at == 12 && cp[0].p <= o.alpha);
	/* the same answer as the ranks given outright (1..12 for the times, 16.5 for the 8 ties) */
	for (size_t i = 0; i < 20; i++) {
		size_t below = 0;
		for (size_t j = 0; j < 12; j++)
			below += z[j] < z[i];
		r[i] = i < 12 ? (double)below + 1 : 16.5;
	}
	assert_int_equal(gd_edivisive(r, 20, &o, again, 4), 1);
	assert_true(again[0].at == cp[0].at && again[0].q == cp[0].q && again[0].p == cp[0].p);
	/* reached from revision 8 on */
	for (size_t i = 0; i < 20; i++)
		z[i] = i < 8 ? INFINITY : 2.0 + 0.01 * gd_rng_normal(7, 1, i);
	assert_int_equal(gd_edivisive(z, 20, &o, cp, 4), 1);
	assert_true(cp[0].at == 8);
	/* never reached: nothing changes */
	for (size_t i = 0; i < 20; i++)
		z[i] = INFINITY;
	assert_int_equal(gd_edivisive(z, 20, &o, cp, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_worked),
		cmocka_unit_test(test_against_definition),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_not_reached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
