/* Analytic test functions for optimizer studies, in double: value, gradient, Hessian, known minimizer. */
#ifndef GD_TESTFN_H
#define GD_TESTFN_H

#define GD_TESTFN_MAP(X)                                                                 \
	X(QUADRATIC, quadratic)   /* 1/2 (u^2 + kappa v^2), (u, v) = x rotated by theta */ \
	X(ROSENBROCK, rosenbrock) /* (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1) */     \
	X(BEALE, beale)           /* sum_k (c_k - x + x y^k)^2, minimum at (3, 0.5) */     \
	X(SADDLE, saddle)         /* x^2 - y^2: a saddle at 0, no minimum */               \
	X(XCOS, xcos)             /* x cos(c x), one dimension, unbounded below */

typedef enum {
#define GD__FN_ENUM(up, lo) GD_FN_##up,
	GD_TESTFN_MAP(GD__FN_ENUM)
#undef GD__FN_ENUM
	GD_NTESTFN
} gd_testfn_kind;

typedef struct gd_testfn {
	gd_testfn_kind kind;
	double kappa; /* quadratic: condition number (>= 1) */
	double theta; /* quadratic: rotation in radians (0 = axis-aligned) */
	double c;     /* xcos: frequency */
} gd_testfn;

const char *gd_testfn_name(gd_testfn_kind k);
int gd_testfn_from_name(const char *name);
int gd_testfn_dim(gd_testfn_kind k);
/* f(x); grad (dim doubles) when not NULL; hess (dim x dim, row-major) when not NULL. */
double gd_testfn_eval(const gd_testfn *f, const double *x, double *grad, double *hess);
/* The global minimizer and its value: 0, or GD_ENOENT where there is none. */
int gd_testfn_minimizer(const gd_testfn *f, double *xstar, double *fstar);
#endif
