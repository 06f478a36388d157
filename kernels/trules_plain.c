/*
 * The per-tensor rules' elementwise passes in plain C (trules.h): the scalar
 * reference (-fno-tree-vectorize) and, compiled with an ISA's flags, the
 * "auto" variant the compiler vectorizes; GD_SUFFIX names the build, as for
 * update_plain.c. Sums accumulate in double (gcc will not reorder a float
 * reduction without -ffast-math, so the auto variant's norm loops stay
 * scalar; its elementwise loops vectorize). Conditionals are ternaries in
 * an order that lets a NaN reach w.
 */
#include <math.h>
#include <stddef.h>

#include "trules.h"

#ifndef GD_SUFFIX
#error "GD_SUFFIX must name the variant (scalar, auto_<isa>)"
#endif
#define GD__TCAT(a, b) a##_##b
#define GD__TNAME(f, sfx) GD__TCAT(f, sfx)
#define FN(f) GD__TNAME(f, GD_SUFFIX)

static void FN(sumsq2)(const float *a, const float *b, size_t n, double out[2])
{
	double sa = 0, sb = 0;
	for (size_t i = 0; i < n; i++)
		sa += (double)a[i] * a[i];
	if (b)
		for (size_t i = 0; i < n; i++)
			sb += (double)b[i] * b[i];
	out[0] += sa;
	if (b)
		out[1] += sb;
}

/* LAMB's update direction u from the new moments (Algorithm 2's r_t + lambda*x_t) */
#define LAMB_U(mi, vi, wi) ((mi) * ibc1 / (sqrtf(vi) * isb2 + eps) + wd * (wi))

static void FN(lamb_moments)(const float *c, const float *w, const float *g, float *restrict m, float *restrict v,
                             size_t n, double out[2])
{
	const float b1 = c[0], b11 = c[1], b2 = c[2], b21 = c[3], ibc1 = c[4], isb2 = c[5], eps = c[6], wd = c[7];
	double sw = 0, su = 0;
	for (size_t i = 0; i < n; i++) {
		float gi = g[i], wi = w[i];
		float mi = b1 * m[i] + b11 * gi;
		float vi = b2 * v[i] + b21 * (gi * gi);
		m[i] = mi;
		v[i] = vi;
		float u = LAMB_U(mi, vi, wi);
		sw += (double)wi * wi;
		su += (double)u * u;
	}
	out[0] += sw;
	out[1] += su;
}

static void FN(lamb_apply)(const float *c, float *restrict w, const float *m, const float *v, size_t n)
{
	const float ibc1 = c[4], isb2 = c[5], eps = c[6], wd = c[7], step = c[8];
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] - step * LAMB_U(m[i], v[i], w[i]);
}

static void FN(lars_apply)(const float *c, float *restrict w, const float *g, float *restrict b, size_t n)
{
	const float mu = c[0], llr = c[1], wd = c[2];
	for (size_t i = 0; i < n; i++) {
		float bi = mu * b[i] + llr * (g[i] + wd * w[i]);
		b[i] = bi;
		w[i] = w[i] - bi;
	}
}

static void FN(af_rowcol)(const float *g, size_t rows, size_t cols, float *restrict rsq, float *restrict csq)
{
	for (size_t r = 0; r < rows; r++) {
		const float *gr = g + r * cols;
		float s = 0;
		for (size_t j = 0; j < cols; j++) {
			float q = gr[j] * gr[j];
			s += q;
			csq[j] += q;
		}
		rsq[r] += s;
	}
}

/* u = g / max(sqrt(var), eps1) as torch writes it: g * rsqrt(max(var, eps1^2)) */
#define AF_U(gi, var) ((gi) / sqrtf((var) > e2 ? (var) : e2))

static double FN(af_sumsq)(const float *c, const float *g, const float *rs, const float *C, size_t rows,
                           size_t cols)
{
	const float e2 = c[0];
	double s = 0;
	for (size_t r = 0; r < rows; r++)
		for (size_t j = 0; j < cols; j++) {
			float u = AF_U(g[r * cols + j], rs[r] * C[j]);
			s += (double)u * u;
		}
	return s;
}

static void FN(af_apply)(const float *c, float *restrict w, const float *g, const float *rs, const float *C,
                         size_t rows, size_t cols)
{
	const float e2 = c[0], alpha = c[1], decay = c[2];
	for (size_t r = 0; r < rows; r++) {
		const float rr = rs[r];
		float *wr = w + r * cols;
		const float *gr = g + r * cols;
		for (size_t j = 0; j < cols; j++)
			wr[j] = wr[j] * decay - alpha * AF_U(gr[j], rr * C[j]);
	}
}

static double FN(af_vmoments)(const float *c, const float *g, float *restrict v, size_t n)
{
	const float e2 = c[0], b2 = c[3], b21 = c[4];
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		float vi = b2 * v[i] + b21 * (g[i] * g[i]);
		v[i] = vi;
		float u = AF_U(g[i], vi);
		s += (double)u * u;
	}
	return s;
}

static void FN(af_vapply)(const float *c, float *restrict w, const float *g, const float *v, size_t n)
{
	const float e2 = c[0], alpha = c[1], decay = c[2];
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] * decay - alpha * AF_U(g[i], v[i]);
}

static void FN(sf_step)(const float *c, float *restrict y, const float *g, float *restrict z, float *restrict v,
                        size_t n)
{
	const float b2 = c[0], b21 = c[1], eps = c[2], wd = c[3], ck = c[4], cy = c[5], lr = c[6];
	for (size_t i = 0; i < n; i++) {
		float gi = g[i], yi = y[i], zi = z[i];
		float vi = b2 * v[i] + b21 * (gi * gi);
		v[i] = vi;
		float d = gi / (sqrtf(vi) + eps) + wd * yi;
		y[i] = yi + ck * (zi - yi) + cy * d;
		z[i] = zi - lr * d;
	}
}

static void FN(muon_momentum)(const float *c, const float *g, float *restrict buf, float *restrict u, size_t n)
{
	const float mu = c[0], mu1 = c[1];
	for (size_t i = 0; i < n; i++) {
		float bi = mu * buf[i] + mu1 * g[i];
		buf[i] = bi;
		u[i] = mu1 * g[i] + mu * bi;
	}
}

static void FN(scale_sub)(const float *c, float *restrict w, const float *u, size_t n)
{
	const float decay = c[0], alpha = c[1];
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] * decay - alpha * u[i];
}

const gd_tkernels GD__TNAME(gd_tkernels, GD_SUFFIX) = {
	FN(sumsq2), FN(lamb_moments), FN(lamb_apply), FN(lars_apply), FN(af_rowcol), FN(af_sumsq),
	FN(af_apply), FN(af_vmoments), FN(af_vapply), FN(sf_step), FN(muon_momentum), FN(scale_sub),
};
