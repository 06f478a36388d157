/* Picking a grid's winner: the stated criterion, failures last, deterministic ties. */
#include <jansson.h>

#include "runlabel.h"
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

/* the mode label of a result record: every spelling --mode accepts comes back */
static void label_is(const char *json, const char *want)
{
	json_t *r = json_loads(json, 0, NULL);
	assert_non_null(r);
	char buf[64];
	gd_run_mode_label(r, buf, sizeof(buf));
	assert_string_equal(buf, want);
	json_decref(r);
}

static void test_mode_label(void **unused)
{
	(void)unused;
	label_is("{\"mode\": \"full\", \"batch\": 0}", "full");
	label_is("{\"mode\": \"sample\", \"batch\": 1}", "sample");
	label_is("{\"mode\": \"minibatch\", \"batch\": 32}", "minibatch:32");
	label_is("{\"mode\": \"hogwild\", \"batch\": 8}", "hogwild:8");
	/* these two were lost by the three hand-written copies this replaced */
	label_is("{\"mode\": \"hogwild\", \"batch\": 8, \"hogwild_lock\": true}", "hogwild-locked:8");
	label_is("{\"mode\": \"full\", \"batch\": 0, \"mpi\": {\"ranks\": 2}}", "mpi:full");
	label_is("{\"mode\": \"minibatch\", \"batch\": 64, \"mpi\": {\"ranks\": 2}}", "mpi:minibatch:64");
	label_is("{\"batch\": 3}", "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_label),
		cmocka_unit_test(test_by_time),
		cmocka_unit_test(test_by_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
