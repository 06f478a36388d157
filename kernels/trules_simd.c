/*
 * The per-tensor rules' elementwise passes over the vector layer
 * (kernels/simd/vec_*.h), compiled once per ISA with -DGD_ISA_<LEVEL>
 * (kernels/meson.build). Same equations and c[] as trules_plain.c (the
 * reference); here with FMAs, and sums in float lanes added up in double
 * once per call, so results differ from it by rounding. Masked tail lanes
 * load as 0 and add 0 to every sum.
 */
#include "trules.h"

#include "simd/vec.h"

#define GD__TCAT(a, b) a##_##b
#define GD__TNAME(f, sfx) GD__TCAT(f, sfx)
#define FN(f) GD__TNAME(f, VSUFFIX)

#define LDF(p) vld((p) + i, T_, m_)
#define STF(p, v) vst((p) + i, (v), T_, m_)

static void FN(sumsq2)(const float *a, const float *b, size_t n, double out[2])
{
	vf sa = vzero(), sb = vzero();
	if (b)
		VLOOP({
			vf x = LDF(a), y = LDF(b);
			sa = vfma(x, x, sa);
			sb = vfma(y, y, sb);
		});
	else
		VLOOP({
			vf x = LDF(a);
			sa = vfma(x, x, sa);
		});
	out[0] += vhsum(sa);
	if (b)
		out[1] += vhsum(sb);
}

static void FN(lamb_moments)(const float *c, const float *w, const float *g, float *restrict m, float *restrict v,
                             size_t n, double out[2])
{
	const vf b1 = vset1(c[0]), b11 = vset1(c[1]), b2 = vset1(c[2]), b21 = vset1(c[3]);
	const vf ibc1 = vset1(c[4]), isb2 = vset1(c[5]), eps = vset1(c[6]), wd = vset1(c[7]);
	vf sw = vzero(), su = vzero();
	VLOOP({
		vf gi = LDF(g), wi = LDF(w);
		vf mi = vfma(b1, LDF(m), vmul(b11, gi));
		vf vi = vfma(b2, LDF(v), vmul(b21, vmul(gi, gi)));
		STF(m, mi);
		STF(v, vi);
		vf u = vfma(wd, wi, vdiv(vmul(mi, ibc1), vfma(vsqrt(vi), isb2, eps)));
		sw = vfma(wi, wi, sw);
		su = vfma(u, u, su);
	});
	out[0] += vhsum(sw);
	out[1] += vhsum(su);
}

static void FN(lamb_apply)(const float *c, float *restrict w, const float *m, const float *v, size_t n)
{
	const vf ibc1 = vset1(c[4]), isb2 = vset1(c[5]), eps = vset1(c[6]), wd = vset1(c[7]), step = vset1(c[8]);
	VLOOP({
		vf wi = LDF(w);
		vf u = vfma(wd, wi, vdiv(vmul(LDF(m), ibc1), vfma(vsqrt(LDF(v)), isb2, eps)));
		STF(w, vfnma(step, u, wi));
	});
}

static void FN(lars_apply)(const float *c, float *restrict w, const float *g, float *restrict b, size_t n)
{
	const vf mu = vset1(c[0]), llr = vset1(c[1]), wd = vset1(c[2]);
	VLOOP({
		vf wi = LDF(w);
		vf bi = vfma(mu, LDF(b), vmul(llr, vfma(wd, wi, LDF(g))));
		STF(b, bi);
		STF(w, vsub(wi, bi));
	});
}

static void FN(af_rowcol)(const float *g, size_t rows, size_t cols, float *restrict rsq, float *restrict csq)
{
	const size_t n = cols;
	for (size_t r = 0; r < rows; r++) {
		const float *gr = g + r * cols;
		vf s = vzero();
		VLOOP({
			vf x = LDF(gr);
			vf q = vmul(x, x);
			s = vadd(s, q);
			STF(csq, vadd(LDF(csq), q));
		});
		rsq[r] += vhsum(s);
	}
}

/* u = g / sqrt(max(var, eps1^2)); where vmax drops a NaN var (x86 returns its
 * second operand), the NaN g it came from still reaches u through the division */
#define AF_U(gi, var) vdiv((gi), vsqrt(vmax((var), e2)))

static double FN(af_sumsq)(const float *c, const float *g, const float *rs, const float *C, size_t rows,
                           size_t cols)
{
	const vf e2 = vset1(c[0]);
	const size_t n = cols;
	double tot = 0;
	for (size_t r = 0; r < rows; r++) {
		const float *gr = g + r * cols;
		const vf rr = vset1(rs[r]);
		vf s = vzero();
		VLOOP({
			vf u = AF_U(LDF(gr), vmul(rr, LDF(C)));
			s = vfma(u, u, s);
		});
		tot += vhsum(s);
	}
	return tot;
}

static void FN(af_apply)(const float *c, float *restrict w, const float *g, const float *rs, const float *C,
                         size_t rows, size_t cols)
{
	const vf e2 = vset1(c[0]), alpha = vset1(c[1]), decay = vset1(c[2]);
	const size_t n = cols;
	for (size_t r = 0; r < rows; r++) {
		float *wr = w + r * cols;
		const float *gr = g + r * cols;
		const vf rr = vset1(rs[r]);
		VLOOP({
			vf u = AF_U(LDF(gr), vmul(rr, LDF(C)));
			STF(wr, vfnma(alpha, u, vmul(LDF(wr), decay)));
		});
	}
}

static double FN(af_vmoments)(const float *c, const float *g, float *restrict v, size_t n)
{
	const vf e2 = vset1(c[0]), b2 = vset1(c[3]), b21 = vset1(c[4]);
	vf s = vzero();
	VLOOP({
		vf gi = LDF(g);
		vf vi = vfma(b2, LDF(v), vmul(b21, vmul(gi, gi)));
		STF(v, vi);
		vf u = AF_U(gi, vi);
		s = vfma(u, u, s);
	});
	return vhsum(s);
}

static void FN(af_vapply)(const float *c, float *restrict w, const float *g, const float *v, size_t n)
{
	const vf e2 = vset1(c[0]), alpha = vset1(c[1]), decay = vset1(c[2]);
	VLOOP({
		vf u = AF_U(LDF(g), LDF(v));
		STF(w, vfnma(alpha, u, vmul(LDF(w), decay)));
	});
}

static void FN(sf_step)(const float *c, float *restrict y, const float *g, float *restrict z, float *restrict v,
                        size_t n)
{
	const vf b2 = vset1(c[0]), b21 = vset1(c[1]), eps = vset1(c[2]), wd = vset1(c[3]);
	const vf ck = vset1(c[4]), cy = vset1(c[5]), lr = vset1(c[6]);
	VLOOP({
		vf gi = LDF(g), yi = LDF(y), zi = LDF(z);
		vf vi = vfma(b2, LDF(v), vmul(b21, vmul(gi, gi)));
		STF(v, vi);
		vf d = vfma(wd, yi, vdiv(gi, vadd(vsqrt(vi), eps)));
		STF(y, vfma(cy, d, vfma(ck, vsub(zi, yi), yi)));
		STF(z, vfnma(lr, d, zi));
	});
}

static void FN(muon_momentum)(const float *c, const float *g, float *restrict buf, float *restrict u, size_t n)
{
	const vf mu = vset1(c[0]), mu1 = vset1(c[1]);
	VLOOP({
		vf gi = vmul(mu1, LDF(g));
		vf bi = vfma(mu, LDF(buf), gi);
		STF(buf, bi);
		STF(u, vfma(mu, bi, gi));
	});
}

static void FN(scale_sub)(const float *c, float *restrict w, const float *u, size_t n)
{
	const vf decay = vset1(c[0]), alpha = vset1(c[1]);
	VLOOP({ STF(w, vfnma(alpha, LDF(u), vmul(LDF(w), decay))); });
}

const gd_tkernels GD__TNAME(gd_tkernels, VSUFFIX) = {
	FN(sumsq2), FN(lamb_moments), FN(lamb_apply), FN(lars_apply), FN(af_rowcol), FN(af_sumsq),
	FN(af_apply), FN(af_vmoments), FN(af_vapply), FN(sf_step), FN(muon_momentum), FN(scale_sub),
};
