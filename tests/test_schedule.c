/* Learning-rate schedules against their formulas (course material lectures 000 and 004). */
#include <stdlib.h>

#include "gd_error.h"
#include "schedule.h"
#include "testutil.h"

static void expect_lr(const gd_schedule *s, long t, double want)
{
	double got = gd_schedule_lr(s, 0.5, t);
	if (!tu_close(got, want, 1e-12, 0))
		fail_msg("%s at t=%ld: %.17g, formula gives %.17g", gd_schedule_name(s->kind), t, got, want);
}

static void test_formulas(void **unused)
{
	(void)unused;
	gd_schedule s;
	const char *bad;
	const long ts[] = { 0, 1, 2, 9, 10, 29, 30, 31, 99, 1000 };
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		long t = ts[i];
		assert_int_equal(gd_schedule_parse(&s, "const", &bad), 0);
		expect_lr(&s, t, 0.5);
		assert_int_equal(gd_schedule_parse(&s, "step:step_size=10:gamma=0.5", &bad), 0);
		expect_lr(&s, t, 0.5 * pow(0.5, (double)(t / 10)));
		assert_int_equal(gd_schedule_parse(&s, "exp:k=0.1", &bad), 0);
		expect_lr(&s, t, 0.5 * exp(-0.1 * (double)t));
		assert_int_equal(gd_schedule_parse(&s, "invt:k=0.2", &bad), 0);
		expect_lr(&s, t, 0.5 / (1.0 + 0.2 * (double)t));
		assert_int_equal(gd_schedule_parse(&s, "quad", &bad), 0);
		expect_lr(&s, t, 0.5 / ((double)(t + 1) * (double)(t + 1)));
	}
}

static void test_warmup(void **unused)
{
	(void)unused;
	gd_schedule s;
	const char *bad;
	assert_int_equal(gd_schedule_parse(&s, "invt:k=1:warmup=4", &bad), 0);
	expect_lr(&s, 0, 0.5 * 1 / 4.0);
	expect_lr(&s, 3, 0.5);         /* the ramp ends at a0 */
	expect_lr(&s, 4, 0.5);         /* the schedule's clock starts at 0 after it */
	expect_lr(&s, 5, 0.5 / 2.0);
}

static void test_plateau(void **unused)
{
	(void)unused;
	gd_schedule s;
	const char *bad;
	assert_int_equal(gd_schedule_parse(&s, "plateau:factor=0.5:patience=2", &bad), 0);
	expect_lr(&s, 0, 0.5);
	gd_schedule_feed(&s, 1.0);  /* best = 1 */
	gd_schedule_feed(&s, 0.9);  /* improves */
	gd_schedule_feed(&s, 0.95); /* bad 1 */
	gd_schedule_feed(&s, 0.95); /* bad 2 */
	expect_lr(&s, 10, 0.5);     /* patience 2 tolerates two */
	gd_schedule_feed(&s, NAN);  /* bad 3 > patience: halve (NaN never improves) */
	expect_lr(&s, 11, 0.25);
	gd_schedule_feed(&s, 0.1);
	expect_lr(&s, 12, 0.25);
}

static void test_parse_errors(void **unused)
{
	(void)unused;
	gd_schedule s;
	const char *bad = NULL;
	assert_int_equal(gd_schedule_parse(&s, "cosine", &bad), GD_EINVAL);
	assert_string_equal(bad, "cosine");
	assert_int_equal(gd_schedule_parse(&s, "exp:q=1", &bad), GD_EINVAL);
	assert_string_equal(bad, "q=1");
	assert_int_equal(gd_schedule_parse(&s, "exp:k=abc", &bad), GD_EINVAL);
	assert_int_equal(gd_schedule_parse(&s, "exp:k", &bad), GD_EINVAL);
	assert_int_equal(gd_schedule_parse(&s, "step:gamma=2", &bad), GD_ERANGE);
	assert_int_equal(gd_schedule_parse(&s, "step:step_size=0", &bad), GD_ERANGE);
	assert_int_equal(gd_schedule_parse(&s, "step:step_size=2.5", &bad), GD_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_warmup),
		cmocka_unit_test(test_plateau),
		cmocka_unit_test(test_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
