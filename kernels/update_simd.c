/*
 * Update rules written once over the thin vector layer (kernels/simd/vec_*.h)
 * and compiled once per ISA with -DGD_ISA_<LEVEL> and once per storage dtype
 * with -DGD_DT=<lo> (kernels/meson.build, kernels/dtype_build.h). Same
 * equations and per-step scalars as update_plain.c (the reference, with
 * the derivations); here with FMAs, so results differ from it by rounding.
 * w, g and the state arrays are typed by the build's dtype (GD_TW, GD_TG,
 * GD_TS); LD and ST convert by pointer type (simd/vec_dtype.h), so each
 * rule's body is the same for every dtype.
 */
#include "update.h"

#include "simd/vec_dtype.h"

#define GD__CAT4(a, b, c, d) a##b##_##c##_##d
#define GD__NAME(lo, dt, sfx) GD__CAT4(gd_, lo, dt, sfx)
#define GD__NAME2(lo, dt, sfx) GD__NAME(lo, dt, sfx)
#define GD_FN(lo) void GD__NAME2(lo, GD_DT, VSUFFIX)(const gd_hparams *hp, const gd_step *st, \
	void *restrict w_, const void *restrict g_, void *const state_[], size_t n, size_t off)

/* Effective gradient g' = gscale*g + l2*w and decoupled decay of w. */
#define PROLOGUE                                                               \
	GD_TW *restrict w = w_;                                                \
	const GD_TG *restrict g = g_;                                          \
	const vf gs_ = vset1(st->gscale), l2_ = vset1(st->l2), dec_ = vset1(st->decay); \
	(void)hp, (void)off, (void)state_
#define LOAD_WG(wi, gi)                                                        \
	vf wi = LD(w);                                                         \
	vf gi = vfma(l2_, wi, vmul(gs_, LD(g)));                               \
	wi = vmul(wi, dec_)

GD_FN(sgd)
{
	PROLOGUE;
	const vf lr = vset1(st->lr);
	VLOOP({
		LOAD_WG(wi, gi);
		ST(w, vfnma(lr, gi, wi));
	});
}

GD_FN(momentum)
{
	PROLOGUE;
	const vf lr = vset1(st->lr), mu = vset1(st->c[0]), dg = vset1(st->c[1]);
	GD_TS *restrict b = state_[0];
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
	GD_TS *restrict b = state_[0];
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
	GD_TS *restrict s = state_[0];
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
	GD_TS *restrict v = state_[0];
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
	GD_TS *restrict ga = hp->centered ? state_[1] : NULL;
	GD_TS *restrict b = hp->momentum > 0 ? state_[hp->centered ? 2 : 1] : NULL;
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
	GD_TS *restrict v = state_[0], *restrict u = state_[1];
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
	GD_TS *restrict m = state_[0], *restrict v = state_[1];                 \
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
	GD_TS *restrict vmx = state_[2];
	ADAM_BODY(vi = vmax(LD(vmx), vi); ST(vmx, vi));
}

GD_FN(adamax)
{
	PROLOGUE;
	const vf b1 = vset1(st->c[0]), b11 = vset1(st->c[1]), b2 = vset1(st->c[2]);
	const vf eps = vset1(st->c[3]), step = vset1(st->c[4]);
	GD_TS *restrict m = state_[0], *restrict u = state_[1];
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
	GD_TS *restrict m = state_[0];
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
	GD_TS *restrict m = state_[0], *restrict v = state_[1];
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
	GD_TS *restrict prev = state_[0], *restrict step = state_[1];
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

/* The memory-only ceiling for a rule's access pattern (see update.h): STN
 * stores to nearest, exact for values already of the storage type. */
void GD__NAME2(stream, GD_DT, VSUFFIX)(void *restrict w_, const void *restrict g_, void *const state_[], int ns,
                                       size_t n, int zero)
{
	GD_TW *restrict w = w_;
	const GD_TG *restrict g = g_;
	const vf z = vbits(zero);
	GD_TS *s0 = ns > 0 ? state_[0] : NULL, *s1 = ns > 1 ? state_[1] : NULL;
	GD_TS *s2 = ns > 2 ? state_[2] : NULL;
	/* one loop per state count, so each is a straight stream */
	switch (ns) {
	case 0:
		VLOOP({ vf gi = LD(g); STN(w, vor_and(LD(w), gi, z)); });
		break;
	case 1:
		VLOOP({ vf gi = LD(g); STN(w, vor_and(LD(w), gi, z)); STN(s0, vor_and(LD(s0), gi, z)); });
		break;
	case 2:
		VLOOP({
			vf gi = LD(g);
			STN(w, vor_and(LD(w), gi, z));
			STN(s0, vor_and(LD(s0), gi, z));
			STN(s1, vor_and(LD(s1), gi, z));
		});
		break;
	default:
		VLOOP({
			vf gi = LD(g);
			STN(w, vor_and(LD(w), gi, z));
			STN(s0, vor_and(LD(s0), gi, z));
			STN(s1, vor_and(LD(s1), gi, z));
			STN(s2, vor_and(LD(s2), gi, z));
		});
		break;
	}
}
