/*
 * Update rules written once over the thin vector layer (kernels/simd/vec_*.h)
 * and compiled once per ISA with -DGD_ISA_<LEVEL> (kernels/meson.build).
 * Same equations and per-step scalars as update_plain.c (the reference, with
 * the derivations); here with FMAs, so results differ from it by rounding.
 */
#include "update.h"

#include "simd/vec.h"

#define GD__CAT3(a, b, c) a##b##c
#define GD__NAME(lo, sfx) GD__CAT3(gd_, lo, _f32_##sfx)
#define GD__NAME2(lo, sfx) GD__NAME(lo, sfx)
#define GD_FN(lo)                                                              \
	void GD__NAME2(lo, VSUFFIX)(const gd_hparams *hp, const gd_step *st,   \
	                             float *restrict w, const float *restrict g, \
	                             float *const state[], size_t n)

/*
 * VLOOP(body) runs body on full vectors, then once on the masked tail
 * (T_ = 1); body uses LD(p) / ST(p, v) for element i of array p.
 */
#define LD(p) vld((p) + i, T_, m_)
#define ST(p, v) vst((p) + i, (v), T_, m_)
#define VLOOP(...)                                                             \
	do {                                                                   \
		size_t i = 0;                                                  \
		vm m_ = vtail(0);                                              \
		for (; i + VW <= n; i += VW) {                                 \
			enum { T_ = 0 };                                       \
			__VA_ARGS__;                                             \
		}                                                              \
		if (i < n) {                                                   \
			enum { T_ = 1 };                                       \
			m_ = vtail(n - i);                                     \
			__VA_ARGS__;                                             \
		}                                                              \
	} while (0)

/* Effective gradient g' = gscale*g + l2*w and decoupled decay of w. */
#define PROLOGUE                                                               \
	const vf gs_ = vset1(st->gscale), l2_ = vset1(st->l2), dec_ = vset1(st->decay); \
	(void)hp
#define LOAD_WG(wi, gi)                                                        \
	vf wi = LD(w);                                                         \
	vf gi = vfma(l2_, wi, vmul(gs_, LD(g)));                               \
	wi = vmul(wi, dec_)

GD_FN(sgd)
{
	PROLOGUE;
	const vf lr = vset1(st->lr);
	(void)state;
	VLOOP({
		LOAD_WG(wi, gi);
		ST(w, vfnma(lr, gi, wi));
	});
}

GD_FN(momentum)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), mu = vset1(st->c[0]), dg = vset1(st->c[1]);
	float *restrict b = state[0];
	VLOOP({
		LOAD_WG(wi, gi);
		vf bi = vfma(mu, LD(b), vmul(dg, gi));
		ST(b, bi);
		ST(w, vfnma(lr, bi, wi));
	});
}

GD_FN(nesterov)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), mu0 = vset1(st->c[0]), dg = vset1(st->c[1]), mu = vset1(st->c[2]);
	float *restrict b = state[0];
	VLOOP({
		LOAD_WG(wi, gi);
		vf bi = vfma(mu0, LD(b), vmul(dg, gi));
		ST(b, bi);
		ST(w, vfnma(lr, vfma(mu, bi, gi), wi));
	});
}

GD_FN(adagrad)
{
	PROLOGUE;
	const vf clr = vset1(st->c[0]), eps = vset1(st->c[1]);
	float *restrict s = state[0];
	VLOOP({
		LOAD_WG(wi, gi);
		vf si = vfma(gi, gi, LD(s));
		ST(s, si);
		ST(w, vfnma(clr, vdiv(gi, vadd(vsqrt(si), eps)), wi));
	});
}

GD_FN(rmsprop)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), a = vset1(st->c[0]), a1 = vset1(st->c[1]);
	const vf eps = vset1(st->c[2]), mu = vset1(st->c[3]);
	float *restrict v = state[0];
	if (!hp->centered && !(hp->momentum > 0)) {
		VLOOP({
			LOAD_WG(wi, gi);
			vf vi = vfma(a, LD(v), vmul(a1, vmul(gi, gi)));
			ST(v, vi);
			ST(w, vfnma(lr, vdiv(gi, vadd(vsqrt(vi), eps)), wi));
		});
		return;
	}
	/* The general form branches on loop-invariant flags; the compiler
	 * unswitches them, and this form is not the one the benchmarks stress. */
	float *restrict ga = hp->centered ? state[1] : NULL;
	float *restrict b = hp->momentum > 0 ? state[hp->centered ? 2 : 1] : NULL;
	VLOOP({
		LOAD_WG(wi, gi);
		vf vi = vfma(a, LD(v), vmul(a1, vmul(gi, gi)));
		ST(v, vi);
		if (ga) {
			vf ai = vfma(a, LD(ga), vmul(a1, gi));
			ST(ga, ai);
			vi = vfnma(ai, ai, vi);
		}
		vf q = vdiv(gi, vadd(vsqrt(vi), eps));
		if (b) {
			q = vfma(mu, LD(b), q);
			ST(b, q);
		}
		ST(w, vfnma(lr, q, wi));
	});
}

GD_FN(adadelta)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), rho = vset1(st->c[0]), rho1 = vset1(st->c[1]), eps = vset1(st->c[2]);
	float *restrict v = state[0], *restrict u = state[1];
	VLOOP({
		LOAD_WG(wi, gi);
		vf vi = vfma(rho, LD(v), vmul(rho1, vmul(gi, gi)));
		ST(v, vi);
		vf ui = LD(u);
		/* sqrt(u + eps) / sqrt(v + eps) as one sqrt of the quotient: one
		 * square root fewer per element (within 2 ulp of the two-root form),
		 * which is what keeps AVX2 at the memory ceiling on two threads */
		vf d = vmul(vsqrt(vdiv(vadd(ui, eps), vadd(vi, eps))), gi);
		ST(u, vfma(rho, ui, vmul(rho1, vmul(d, d))));
		ST(w, vfnma(lr, d, wi));
	});
}

#define ADAM_BODY(...)                                                        \
	const vf b1 = vset1(st->c[0]), b11 = vset1(st->c[1]);                 \
	const vf b2 = vset1(st->c[2]), b21 = vset1(st->c[3]);                 \
	const vf step = vset1(st->c[4]), isb2 = vset1(st->c[5]), eps = vset1(st->c[6]); \
	float *restrict m = state[0], *restrict v = state[1];                 \
	VLOOP({                                                                \
		LOAD_WG(wi, gi);                                               \
		vf mi = vfma(b1, LD(m), vmul(b11, gi));                        \
		vf vi = vfma(b2, LD(v), vmul(b21, vmul(gi, gi)));              \
		ST(m, mi);                                                     \
		ST(v, vi);                                                     \
		__VA_ARGS__;                                                   \
		vf den = vfma(vsqrt(vi), isb2, eps);                           \
		ST(w, vfnma(step, vdiv(mi, den), wi));                         \
	})

GD_FN(adam)
{
	PROLOGUE;
	ADAM_BODY((void)0);
}

GD_FN(adamw)
{
	PROLOGUE;
	ADAM_BODY((void)0);
}

GD_FN(amsgrad)
{
	PROLOGUE;
	float *restrict vmx = state[2];
	ADAM_BODY(vi = vmax(LD(vmx), vi); ST(vmx, vi));
}

GD_FN(adamax)
{
	PROLOGUE;
	const vf b1 = vset1(st->c[0]), b11 = vset1(st->c[1]), b2 = vset1(st->c[2]);
	const vf eps = vset1(st->c[3]), step = vset1(st->c[4]);
	float *restrict m = state[0], *restrict u = state[1];
	VLOOP({
		LOAD_WG(wi, gi);
		vf mi = vfma(b1, LD(m), vmul(b11, gi));
		vf ui = vmax(vmul(b2, LD(u)), vadd(vabs(gi), eps));
		ST(m, mi);
		ST(u, ui);
		ST(w, vfnma(step, vdiv(mi, ui), wi));
	});
}

GD_FN(lion)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), b1 = vset1(st->c[0]), b11 = vset1(st->c[1]);
	const vf b2 = vset1(st->c[2]), b21 = vset1(st->c[3]), one = vset1(1.0f), mone = vset1(-1.0f), zero = vzero();
	float *restrict m = state[0];
	VLOOP({
		LOAD_WG(wi, gi);
		vf mi = LD(m);
		vf c = vfma(b1, mi, vmul(b11, gi));
		/* sign(c), c itself where neither > 0 nor < 0 (0 stays 0, NaN stays NaN) */
		vf sg = vsel(vgt(c, zero), one, vsel(vlt(c, zero), mone, c));
		ST(w, vfnma(lr, sg, wi));
		ST(m, vfma(b2, mi, vmul(b21, gi)));
	});
}

GD_FN(nadam)
{
	PROLOGUE;
	const vf b1 = vset1(st->c[0]), b11 = vset1(st->c[1]), b2 = vset1(st->c[2]), b21 = vset1(st->c[3]);
	const vf cg = vset1(st->c[4]), cm = vset1(st->c[5]), isb2 = vset1(st->c[6]), eps = vset1(st->c[7]);
	float *restrict m = state[0], *restrict v = state[1];
	VLOOP({
		LOAD_WG(wi, gi);
		vf mi = vfma(b1, LD(m), vmul(b11, gi));
		vf vi = vfma(b2, LD(v), vmul(b21, vmul(gi, gi)));
		ST(m, mi);
		ST(v, vi);
		vf num = vfma(cg, gi, vmul(cm, mi));
		ST(w, vsub(wi, vdiv(num, vfma(vsqrt(vi), isb2, eps))));
	});
}

GD_FN(rprop)
{
	PROLOGUE;
	const vf em = vset1(st->c[0]), ep = vset1(st->c[1]), smin = vset1(st->c[2]), smax = vset1(st->c[3]);
	const vf zero = vzero(), one = vset1(1.0f), mone = vset1(-1.0f);
	float *restrict prev = state[0], *restrict step = state[1];
	VLOOP({
		LOAD_WG(wi, gi);
		vf p = vmul(gi, LD(prev));
		vf si = LD(step);
		vf up = vmin(vmul(si, ep), smax), dn = vmax(vmul(si, em), smin);
		vc neg = vlt(p, zero);
		si = vsel(vgt(p, zero), up, vsel(neg, dn, si));
		gi = vsel(neg, zero, gi);
		vf sg = vsel(vgt(gi, zero), one, vsel(vlt(gi, zero), mone, gi)); /* keeps 0, NaN */
		ST(step, si);
		ST(prev, gi);
		ST(w, vfnma(sg, si, wi));
	});
}

/* The memory-only ceiling for a rule's access pattern (see update.h). */
void GD__NAME2(stream, VSUFFIX)(float *restrict w, const float *restrict g,
                                float *const state[], int ns, size_t n, int zero)
{
	const vf z = vbits(zero);
	float *s0 = ns > 0 ? state[0] : NULL, *s1 = ns > 1 ? state[1] : NULL;
	float *s2 = ns > 2 ? state[2] : NULL;
	/* one loop per state count, so each is a straight stream */
	switch (ns) {
	case 0:
		VLOOP({ vf gi = LD(g); ST(w, vor_and(LD(w), gi, z)); });
		break;
	case 1:
		VLOOP({ vf gi = LD(g); ST(w, vor_and(LD(w), gi, z)); ST(s0, vor_and(LD(s0), gi, z)); });
		break;
	case 2:
		VLOOP({
			vf gi = LD(g);
			ST(w, vor_and(LD(w), gi, z));
			ST(s0, vor_and(LD(s0), gi, z));
			ST(s1, vor_and(LD(s1), gi, z));
		});
		break;
	default:
		VLOOP({
			vf gi = LD(g);
			ST(w, vor_and(LD(w), gi, z));
			ST(s0, vor_and(LD(s0), gi, z));
			ST(s1, vor_and(LD(s1), gi, z));
			ST(s2, vor_and(LD(s2), gi, z));
		});
		break;
	}
}
