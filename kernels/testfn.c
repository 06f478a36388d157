/* The analytic test functions of the course material (lectures 003, 004), with exact derivatives. */
#include <math.h>
#include <string.h>

#include "gd_error.h"
#include "testfn.h"

static const char *const names[GD_NTESTFN] = {
#define GD__FN_NAME(up, lo) #lo,
	GD_TESTFN_MAP(GD__FN_NAME)
#undef GD__FN_NAME
};

const char *gd_testfn_name(gd_testfn_kind k)
{
	return (unsigned)k < GD_NTESTFN ? names[k] : "?";
}

int gd_testfn_from_name(const char *name)
{
	for (int k = 0; k < GD_NTESTFN; k++)
		if (!strcmp(name, names[k]))
			return k;
	return GD_ENOENT;
}

int gd_testfn_dim(gd_testfn_kind k)
{
	return k == GD_FN_XCOS ? 1 : 2;
}

double gd_testfn_eval(const gd_testfn *f, const double *v, double *g, double *H)
{
	double x = v[0], y = gd_testfn_dim(f->kind) > 1 ? v[1] : 0;
	switch (f->kind) {
	case GD_FN_QUADRATIC: {
		/* A = R^T diag(1, kappa) R with R the rotation by theta */
		double cs = cos(f->theta), sn = sin(f->theta), k = f->kappa;
		double a = cs * cs + k * sn * sn, b = (1 - k) * cs * sn, d = sn * sn + k * cs * cs;
		if (g) {
			g[0] = a * x + b * y;
			g[1] = b * x + d * y;
		}
		if (H) {
			H[0] = a, H[1] = b, H[2] = b, H[3] = d;
		}
		return 0.5 * (a * x * x + 2 * b * x * y + d * y * y);
	}
	case GD_FN_ROSENBROCK: {
		double t = y - x * x;
		if (g) {
			g[0] = -2 * (1 - x) - 400 * x * t;
			g[1] = 200 * t;
		}
		if (H) {
			H[0] = 2 - 400 * t + 800 * x * x, H[1] = H[2] = -400 * x, H[3] = 200;
		}
		return (1 - x) * (1 - x) + 100 * t * t;
	}
	case GD_FN_BEALE: {
		static const double ck[3] = { 1.5, 2.25, 2.625 };
		double fval = 0, gx = 0, gy = 0, hxx = 0, hxy = 0, hyy = 0, yk = 1;
		for (int k = 1; k <= 3; k++) {
			double ykm1 = yk; /* y^(k-1) */
			yk *= y;          /* y^k */
			double r = ck[k - 1] - x + x * yk;
			double rx = yk - 1, ry = k * x * ykm1;
			double rxy = k * ykm1, ryy = k * (k - 1) * x * (k >= 2 ? pow(y, k - 2) : 0);
			fval += r * r;
			gx += 2 * r * rx;
			gy += 2 * r * ry;
			hxx += 2 * rx * rx;
			hxy += 2 * (rx * ry + r * rxy);
			hyy += 2 * (ry * ry + r * ryy);
		}
		if (g) {
			g[0] = gx;
			g[1] = gy;
		}
		if (H) {
			H[0] = hxx, H[1] = H[2] = hxy, H[3] = hyy;
		}
		return fval;
	}
	case GD_FN_SADDLE:
		if (g) {
			g[0] = 2 * x;
			g[1] = -2 * y;
		}
		if (H) {
			H[0] = 2, H[1] = H[2] = 0, H[3] = -2;
		}
		return x * x - y * y;
	case GD_FN_XCOS: {
		double c = f->c, cs = cos(c * x), sn = sin(c * x);
		if (g)
			g[0] = cs - c * x * sn;
		if (H)
			H[0] = -2 * c * sn - c * c * x * cs;
		return x * cs;
	}
	case GD_NTESTFN: break;
	}
	return NAN;
}

int gd_testfn_minimizer(const gd_testfn *f, double *xs, double *fs)
{
	switch (f->kind) {
	case GD_FN_QUADRATIC: xs[0] = 0, xs[1] = 0; break;
	case GD_FN_ROSENBROCK: xs[0] = 1, xs[1] = 1; break;
	case GD_FN_BEALE: xs[0] = 3, xs[1] = 0.5; break;
	default: return GD_ENOENT;
	}
	*fs = 0;
	return 0;
}
