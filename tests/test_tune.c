/* Picking a grid's winner: the stated criterion, failures last, deterministic ties. */
#include "tune.h"
#include "testutil.h"

#define NR INFINITY /* not reached */

static void test_by_time(void **unused)
{
	(void)unused;
	/* the fastest wins; not reached and diverged never do */
	gd_tune_result a[4] = { { 0.30, 0.41, 0 }, { NR, 0.39, 0 }, { 0.10, 0.44, 0 }, { 0.01, NAN, 1 } };
	assert_int_equal(gd_tune_pick(a, 4, GD_TUNE_TIME), 2);
	/* equal times (the evaluation cadence quantizes them): the lower final loss */
	gd_tune_result b[3] = { { 0.10, 0.43, 0 }, { 0.10, 0.41, 0 }, { 0.20, 0.30, 0 } };
	assert_int_equal(gd_tune_pick(b, 3, GD_TUNE_TIME), 1);
	/* complete ties: the earlier entry */
	gd_tune_result c[2] = { { 0.10, 0.41, 0 }, { 0.10, 0.41, 0 } };
	assert_int_equal(gd_tune_pick(c, 2, GD_TUNE_TIME), 0);
	/* nobody reached the target: the lowest loss among those that did not diverge */
	gd_tune_result d[3] = { { NR, 0.50, 0 }, { NR, NAN, 1 }, { NR, 0.47, 0 } };
	assert_int_equal(gd_tune_pick(d, 3, GD_TUNE_TIME), 2);
	/* everything diverged: still an answer (the first), never a crash */
	gd_tune_result e[2] = { { NR, NAN, 1 }, { NR, INFINITY, 1 } };
	assert_int_equal(gd_tune_pick(e, 2, GD_TUNE_TIME), 0);
	assert_int_equal(gd_tune_pick(e, 0, GD_TUNE_TIME), -1);
}

static void test_by_loss(void **unused)
{
	(void)unused;
	/* time is ignored; a NaN loss (no finite evaluation) ranks with the diverged */
	gd_tune_result a[4] = { { 0.01, 0.45, 0 }, { NR, 0.40, 0 }, { NR, NAN, 0 }, { NR, 0.10, 1 } };
	assert_int_equal(gd_tune_pick(a, 4, GD_TUNE_LOSS), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_time),
		cmocka_unit_test(test_by_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
