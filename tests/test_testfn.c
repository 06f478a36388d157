/* Analytic test functions: gradients and Hessians against finite differences, minimizers, conditioning. */
#include "gd_error.h"
#include "testfn.h"
#include "testutil.h"

static void test_derivatives(void **unused)
{
	(void)unused;
	const double pts[4][2] = { { 0.3, -0.7 }, { -1.2, 1.0 }, { 2.0, 0.4 }, { 0.01, 1.5 } };
	for (int k = 0; k < GD_NTESTFN; k++) {
		gd_testfn f = { .kind = (gd_testfn_kind)k, .kappa = 25, .theta = 0.4, .c = 3 };
		int dim = gd_testfn_dim(f.kind);
		for (int p = 0; p < 4; p++) {
			double x[2] = { pts[p][0], pts[p][1] }, g[2], H[4];
			gd_testfn_eval(&f, x, g, H);
			for (int i = 0; i < dim; i++) {
				const double h = 1e-6;
				double xp[2] = { x[0], x[1] }, xm[2] = { x[0], x[1] }, gp[2], gm[2];
				xp[i] += h;
				xm[i] -= h;
				double num = (gd_testfn_eval(&f, xp, gp, NULL) - gd_testfn_eval(&f, xm, gm, NULL)) / (2 * h);
				if (!tu_close(g[i], num, 1e-6, 1e-6))
					fail_msg("%s at (%g, %g): df/dx%d = %.12g, numeric %.12g", gd_testfn_name(f.kind), x[0],
					         x[1], i, g[i], num);
				for (int j = 0; j < dim; j++) {
					double hn = (gp[j] - gm[j]) / (2 * h);
					if (!tu_close(H[j * dim + i], hn, 1e-5, 1e-5))
						fail_msg("%s: H[%d][%d] = %.12g, numeric %.12g", gd_testfn_name(f.kind), j, i,
						         H[j * dim + i], hn);
				}
			}
		}
	}
}

static void test_minimizers(void **unused)
{
	(void)unused;
	for (int k = 0; k < GD_NTESTFN; k++) {
		gd_testfn f = { .kind = (gd_testfn_kind)k, .kappa = 10, .theta = 1.0, .c = 2 };
		double xs[2], fs, g[2];
		if (gd_testfn_minimizer(&f, xs, &fs)) {
			assert_true(f.kind == GD_FN_SADDLE || f.kind == GD_FN_XCOS);
			continue;
		}
		assert_true(tu_close(gd_testfn_eval(&f, xs, g, NULL), fs, 0, 1e-15));
		assert_true(fabs(g[0]) < 1e-12 && fabs(g[1]) < 1e-12);
	}
}

/* The quadratic's Hessian has eigenvalues 1 and kappa whatever the rotation:
 * trace 1 + kappa, determinant kappa. */
static void test_condition_number(void **unused)
{
	(void)unused;
	for (double th = 0; th < 3; th += 0.7) {
		gd_testfn f = { .kind = GD_FN_QUADRATIC, .kappa = 100, .theta = th };
		double x[2] = { 1, 1 }, H[4];
		gd_testfn_eval(&f, x, NULL, H);
		assert_true(tu_close(H[0] + H[3], 101, 1e-12, 0));
		assert_true(tu_close(H[0] * H[3] - H[1] * H[2], 100, 1e-12, 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derivatives),
		cmocka_unit_test(test_minimizers),
		cmocka_unit_test(test_condition_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
