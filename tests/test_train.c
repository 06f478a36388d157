/*
 * The descent driver against optimization theory (course material, lectures
 * 000 and 004) and against its own contract: exact sample counts per epoch,
 * determinism from a seed, 1 vs 2 threads.
 */
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "registry.h"
#include "train.h"
#include "testutil.h"

static gd_pool *pool1, *pool2, *pool2spin;

static int setup(void **unused)
{
	(void)unused;
	/* unpinned: the tests must not depend on this machine's PUs */
	return gd_pool_create(NULL, NULL, 1, 1, 0, &pool1, NULL) || gd_pool_create(NULL, NULL, 2, 0, 0, &pool2, NULL) ||
	       gd_pool_create(NULL, NULL, 2, 1, 0, &pool2spin, NULL);
}

static int teardown(void **unused)
{
	(void)unused;
	gd_pool_destroy(pool1);
	gd_pool_destroy(pool2);
	gd_pool_destroy(pool2spin);
	return 0;
}

static gd_run_cfg lsq_cfg(const gd_dataset *ds, gd_rule rule, double lr, gd_mode mode, size_t batch, long epochs)
{
	gd_run_cfg c = { 0 };
	c.model = (gd_model){ .kind = GD_MODEL_LSQ, .d = ds->d, .c = 1 };
	c.grad = gd_grad_scalar(GD_MODEL_LSQ);
	c.upd = gd_update_best(rule, gd_cpu_get()->max);
	gd_hparams_default(rule, &c.hp);
	c.hp.lr = lr;
	gd_schedule_init(&c.sched, GD_SCHED_CONSTANT);
	c.mode = mode;
	c.batch = batch;
	c.seed = 5;
	c.max_epochs = epochs;
	return c;
}

/* lambda_max of the least-squares Hessian E[(x,1)(x,1)^T] by power iteration, in double */
static double lambda_max(const gd_dataset *ds)
{
	size_t d = ds->d + 1;
	double *v = malloc(d * sizeof(double)), *u = malloc(d * sizeof(double)), lam = 0;
	for (size_t j = 0; j < d; j++)
		v[j] = 1.0;
	for (int it = 0; it < 500; it++) {
		memset(u, 0, d * sizeof(double));
		for (size_t i = 0; i < ds->n; i++) {
			const float *x = ds->x + i * ds->d;
			double s = v[ds->d];
			for (size_t j = 0; j < ds->d; j++)
				s += x[j] * v[j];
			for (size_t j = 0; j < ds->d; j++)
				u[j] += s * x[j] / (double)ds->n;
			u[ds->d] += s / (double)ds->n;
		}
		double nrm = 0;
		for (size_t j = 0; j < d; j++)
			nrm += u[j] * u[j];
		nrm = sqrt(nrm);
		lam = nrm;
		for (size_t j = 0; j < d; j++)
			v[j] = u[j] / nrm;
	}
	free(v);
	free(u);
	return lam;
}

/* Gradient descent on a quadratic converges for lr < 2/lambda_max and
 * diverges above it (lecture 004: eta_opt = 1/a, divergence above 2 eta_opt). */
static void test_gd_stability_threshold(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(2000, 4, 10.0, 0.1, 3, &ds, NULL), 0);
	double lmax = lambda_max(&ds);
	gd_run_out lo, hi;
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 0.9 * 2 / lmax, GD_MODE_FULL, 0, 400);
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &lo), 0);
	c.hp.lr = 1.1 * 2 / lmax;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &hi), 0);
	/* below: the loss falls to the noise floor (0.1^2 / 2 = 0.005) */
	assert_false(lo.diverged);
	assert_true(lo.final_loss < 0.006);
	assert_true(lo.final_loss < lo.rows[0].loss);
	/* above: it grows without bound, and the run says so */
	assert_true(hi.diverged || hi.final_loss > hi.rows[0].loss * 1e6);
	gd_run_out_free(&lo);
	gd_run_out_free(&hi);
	gd_dataset_free(&ds);
}

/* With curvature a = 1 in every direction (x = +-1, so E[(x,1)(x,1)^T] = I),
 * lr = 1/a reaches the minimum in one step. */
static void test_one_step_at_inverse_curvature(void **unused)
{
	(void)unused;
	gd_dataset ds = { .n = 4, .d = 1 };
	float x[4] = { 1, -1, 1, -1 }, y[4] = { 4, -2, 4, -2 }; /* y = 3x + 1 exactly */
	ds.x = x;
	ds.y = y;
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 1.0, GD_MODE_FULL, 0, 1);
	gd_run_out o;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &o), 0);
	assert_int_equal(o.steps, 1);
	assert_true(fabs(o.params[0] - 3.0) < 1e-6 && fabs(o.params[1] - 1.0) < 1e-6);
	assert_true(o.final_loss < 1e-12);
	gd_run_out_free(&o);
}

static long steps_to(const gd_run_out *o, double loss)
{
	for (size_t i = 0; i < o->nrows; i++)
		if (o->rows[i].loss <= loss)
			return o->rows[i].step;
	return -1;
}

/* Heavy-ball momentum needs fewer steps than plain gradient descent on an
 * ill-conditioned quadratic (lecture 000; rate (sqrt(k)-1)/(sqrt(k)+1) vs (k-1)/(k+1)). */
static void test_momentum_beats_gd_when_ill_conditioned(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(2000, 6, 100.0, 0.0, 9, &ds, NULL), 0);
	double lmax = lambda_max(&ds);
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 1.0 / lmax, GD_MODE_FULL, 0, 3000);
	c.eval_every_steps = 1;
	gd_run_out gd, mom;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &gd), 0);
	c.upd = gd_update_best(GD_RULE_MOMENTUM, gd_cpu_get()->max);
	gd_hparams_default(GD_RULE_MOMENTUM, &c.hp);
	c.hp.lr = 1.0 / lmax;
	c.hp.momentum = 0.8;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &mom), 0);
	double goal = 1e-4 * gd.rows[0].loss;
	long s_gd = steps_to(&gd, goal), s_mom = steps_to(&mom, goal);
	print_message("steps to 1e-4 of the initial loss: gd %ld, momentum %ld\n", s_gd, s_mom);
	assert_true(s_mom > 0);
	assert_true(s_gd < 0 || s_mom * 2 < s_gd);
	gd_run_out_free(&gd);
	gd_run_out_free(&mom);
	gd_dataset_free(&ds);
}

/* Every mode processes exactly N samples per epoch (the last minibatch of an
 * epoch may be short); the run stops at the epoch limit. */
static void test_samples_per_epoch(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(100, 3, 2.0, 0.1, 1, &ds, NULL), 0);
	struct { gd_mode m; size_t b; long steps; } cases[] = {
		{ GD_MODE_FULL, 0, 3 }, { GD_MODE_MINIBATCH, 7, 3 * 15 }, { GD_MODE_MINIBATCH, 100, 3 },
		{ GD_MODE_SAMPLE, 1, 300 }, { GD_MODE_HOGWILD, 7, 3 * 15 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 0.01, cases[k].m, cases[k].b, 3);
		gd_run_out o;
		assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &o), 0);
		assert_int_equal(o.samples, 300);
		assert_int_equal(o.steps, cases[k].steps);
		assert_string_equal(o.stop_reason, "epochs");
		/* evaluated at the start and after each epoch */
		assert_int_equal(o.nrows, 4);
		assert_true(o.rows[3].epoch == 3.0);
		/* the clocks add up: train + eval + other = total */
		assert_true(o.t_train > 0 && o.t_eval > 0 && o.t_train + o.t_eval <= o.t_total);
		if (cases[k].m != GD_MODE_HOGWILD) /* hogwild's phases are worker 0's own, not barrier-bracketed */
			assert_true(tu_close(o.t_sample + o.t_grad + o.t_reduce + o.t_update, o.t_train, 1e-9, 1e-9));
		gd_run_out_free(&o);
	}
	gd_dataset_free(&ds);
}

/* A fixed seed gives an identical trace; 1 and 2 threads give the same
 * full-batch iterates up to reduction order (sums of 2 partials instead of
 * 1: a few ulp per step on O(1) values, 1e-5 relative after 50 steps). */
static void test_determinism_and_threads(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_blobs(600, 10, 3, 2.0, 4, &ds), 0);
	gd_run_cfg c = { 0 };
	c.model = (gd_model){ .kind = GD_MODEL_SOFTMAX, .d = 10, .c = 3, .l2 = 1e-3 };
	c.grad = gd_grad_best(GD_MODEL_SOFTMAX, gd_cpu_get()->max, 600);
	c.upd = gd_update_best(GD_RULE_ADAM, gd_cpu_get()->max);
	gd_hparams_default(GD_RULE_ADAM, &c.hp);
	c.hp.lr = 0.05;
	gd_schedule_init(&c.sched, GD_SCHED_CONSTANT);
	c.mode = GD_MODE_MINIBATCH;
	c.batch = 32;
	c.seed = 77;
	c.max_epochs = 4;
	gd_run_out a, b, f1, f2, f3;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &a), 0);
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &b), 0);
	assert_int_equal(a.nrows, b.nrows);
	for (size_t i = 0; i < a.nrows; i++)
		assert_true(a.rows[i].loss == b.rows[i].loss);
	assert_memory_equal(a.params, b.params, 33 * sizeof(float));
	assert_true(a.final_loss < a.rows[0].loss * 0.5);
	c.mode = GD_MODE_FULL;
	c.max_epochs = 50;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &f1), 0);
	assert_int_equal(gd_train(&c, &ds, NULL, pool2, NULL, &f2), 0);
	assert_int_equal(gd_train(&c, &ds, NULL, pool2spin, NULL, &f3), 0);
	for (int j = 0; j < 33; j++)
		if (!tu_close(f2.params[j], f1.params[j], 1e-4, 1e-5))
			fail_msg("param %d: %.9g on 2 threads, %.9g on 1", j, (double)f2.params[j], (double)f1.params[j]);
	/* the barrier kind changes nothing but time */
	assert_memory_equal(f2.params, f3.params, 33 * sizeof(float));
	gd_run_out_free(&a);
	gd_run_out_free(&b);
	gd_run_out_free(&f1);
	gd_run_out_free(&f2);
	gd_run_out_free(&f3);
	gd_dataset_free(&ds);
}

/* Hogwild on 2 threads: every sample once per epoch across the workers, and
 * lock-free updates still descend (the loss halves on separable blobs). */
static void test_hogwild_two_threads(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_blobs(4000, 16, 4, 2.0, 8, &ds), 0);
	gd_run_cfg c = { 0 };
	c.model = (gd_model){ .kind = GD_MODEL_SOFTMAX, .d = 16, .c = 4 };
	c.grad = gd_grad_best(GD_MODEL_SOFTMAX, gd_cpu_get()->max, 8);
	c.upd = gd_update_best(GD_RULE_SGD, gd_cpu_get()->max);
	gd_hparams_default(GD_RULE_SGD, &c.hp);
	c.hp.lr = 0.1;
	gd_schedule_init(&c.sched, GD_SCHED_CONSTANT);
	c.mode = GD_MODE_HOGWILD;
	c.batch = 8;
	c.seed = 3;
	c.max_epochs = 3;
	gd_run_out o;
	assert_int_equal(gd_train(&c, &ds, NULL, pool2spin, NULL, &o), 0);
	assert_int_equal(o.samples, 3 * 4000);
	assert_int_equal(o.steps, 3 * 2 * 250); /* 2000 rows per worker in batches of 8 */
	assert_true(o.final_loss < 0.5 * o.rows[0].loss);
	gd_run_out_free(&o);
	gd_dataset_free(&ds);
}

/* A learning rate far too large diverges: NaN/Inf marks the run diverged at
 * that step and the driver returns normally. */
static void test_divergence_recorded(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(200, 3, 10.0, 0.1, 2, &ds, NULL), 0);
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 1e3, GD_MODE_FULL, 0, 100000);
	gd_run_out o;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &o), 0);
	assert_true(o.diverged);
	assert_string_equal(o.stop_reason, "diverged");
	assert_true(o.diverged_step > 0 && o.diverged_step < 1000);
	gd_run_out_free(&o);
	gd_dataset_free(&ds);
}

/* Newton solves a quadratic in one step (lecture 001/004); L-BFGS reaches
 * the same minimum on the same ill-conditioned least-squares problem. */
static void test_second_order(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(3000, 8, 1000.0, 0.05, 6, &ds, NULL), 0);
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 1, GD_MODE_FULL, 0, 50);
	c.model.l2 = 1e-3;
	c.kind = GD_OPT_NEWTON;
	gd_run_out nw, lb;
	assert_int_equal(gd_train(&c, &ds, NULL, pool2, NULL, &nw), 0);
	assert_int_equal(nw.steps, 1);
	assert_string_equal(nw.stop_reason, "converged");
	assert_true(nw.rows[nw.nrows - 1].gnorm <= 1e-4 * nw.rows[0].gnorm);
	c.kind = GD_OPT_LBFGS;
	c.lbfgs_m = 10;
	assert_int_equal(gd_train(&c, &ds, NULL, pool2, NULL, &lb), 0);
	print_message("newton: loss %.9g in 1 step; lbfgs: %.9g in %ld iterations (%s)\n", nw.final_loss, lb.final_loss,
	              lb.steps, lb.stop_reason);
	/* float32 gradients: at kappa = 1000 the line search stalls once the
	 * directional derivative is at rounding noise, ~1e-4 above the minimum
	 * (measured 1.4e-4); a wrong gradient or update would be far off */
	assert_true(tu_close(lb.best_loss, nw.final_loss, 1e-3, 0));
	assert_true(lb.steps < 100);
	gd_run_out_free(&nw);
	gd_run_out_free(&lb);
	/* Newton only where the Hessian is constant and small; second-order in full mode only */
	c.kind = GD_OPT_NEWTON;
	c.model.l1 = 0.1;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &nw), GD_EINVAL);
	c.model.l1 = 0;
	c.kind = GD_OPT_LBFGS;
	c.mode = GD_MODE_MINIBATCH;
	c.batch = 10;
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &lb), GD_EINVAL);
	gd_dataset_free(&ds);
}

/* Bad configurations are refused, not run. */
static void test_bad_config(void **unused)
{
	(void)unused;
	gd_dataset ds;
	assert_int_equal(gd_synth_regression(50, 3, 2.0, 0.1, 1, &ds, NULL), 0);
	gd_run_out o;
	gd_run_cfg c = lsq_cfg(&ds, GD_RULE_SGD, 0.1, GD_MODE_MINIBATCH, 51, 1);
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &o), GD_ERANGE);
	c = lsq_cfg(&ds, GD_RULE_SGD, 0.1, GD_MODE_SAMPLE, 1, 1);
	assert_int_equal(gd_train(&c, &ds, NULL, pool2, NULL, &o), GD_EINVAL);
	c = lsq_cfg(&ds, GD_RULE_SGD, 0.1, GD_MODE_FULL, 0, 0); /* no budget at all */
	assert_int_equal(gd_train(&c, &ds, NULL, pool1, NULL, &o), GD_EINVAL);
	gd_dataset_free(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gd_stability_threshold),
		cmocka_unit_test(test_one_step_at_inverse_curvature),
		cmocka_unit_test(test_momentum_beats_gd_when_ill_conditioned),
		cmocka_unit_test(test_samples_per_epoch),
		cmocka_unit_test(test_determinism_and_threads),
		cmocka_unit_test(test_hogwild_two_threads),
		cmocka_unit_test(test_divergence_recorded),
		cmocka_unit_test(test_second_order),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
