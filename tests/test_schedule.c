/* Per-step scalars the harness computes: learning-rate schedules against their formulas (course
 * material lectures 000 and 004) and the gradient-clipping factor. */
#include <stdlib.h>

#include "clip.h"
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

/* clip_grad_norm_: a 3-4-12 gradient has norm 13; clipping to 6.5 halves it
 * (up to torch's 1e-6 in the denominator); below the threshold nothing changes. */
static void test_clip(void **unused)
{
	(void)unused;
	float g[3] = { 3.0f, 4.0f, 12.0f };
	double norm = gd_grad_norm(g, 3);
	assert_true(tu_close(norm, 13.0, 1e-15, 0));
	assert_true(tu_close(gd_clip_scale(norm, 6.5), 6.5 / (13.0 + 1e-6), 1e-15, 0));
	assert_true(tu_close(gd_clip_scale(norm, 6.5) * norm, 6.5, 1e-6, 0));
	assert_true(gd_clip_scale(norm, 13.0) == 1.0);
	assert_true(gd_clip_scale(norm, 100.0) == 1.0);
	assert_true(gd_clip_scale(norm, 0.0) == 1.0); /* 0 = no clipping */
	assert_true(gd_grad_norm(g, 0) == 0.0);
	g[1] = NAN;
	assert_true(isnan(gd_clip_scale(gd_grad_norm(g, 3), 1.0)));
	g[1] = INFINITY;
	assert_true(gd_clip_scale(gd_grad_norm(g, 3), 1.0) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_warmup),
		cmocka_unit_test(test_plateau),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_clip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
