/*
 * Update rules in plain C: the scalar reference (compiled with
 * -fno-tree-vectorize) and, compiled again with an ISA's flags, the "auto"
 * variant that the compiler vectorizes. GD_SUFFIX names the build
 * (scalar, auto_<isa>); see meson.build.
 *
 * Every rule first forms the effective gradient
 *     g' = gscale*g + l2*w          (clipping factor; L2 folded into g)
 * and applies decoupled weight decay w *= decay (1 - lr*wd, AdamW style),
 * both no-ops at their neutral values. The per-step scalars st->c[] are
 * documented in update_step.c (gd_step_prepare).
 *
 * Conditionals are written as ternaries, which gcc vectorizes (fmaxf does
 * not), and in an order that lets a NaN gradient reach w: nothing masks it.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dtype_build.h"
#include "update.h"

#ifndef GD_SUFFIX
#error "GD_SUFFIX must name the variant (scalar, auto_<isa>)"
#endif
#define GD__CAT4(a, b, c, d) a##b##_##c##_##d
#define GD__NAME(lo, dt, sfx) GD__CAT4(gd_, lo, dt, sfx)
#define GD__NAME2(lo, dt, sfx) GD__NAME(lo, dt, sfx)
#define GD_FN(lo) void GD__NAME2(lo, GD_DT, GD_SUFFIX)(const gd_hparams *hp, const gd_step *st, \
	void *restrict w_, const void *restrict g_, void *const state_[], size_t n, size_t off)

/* w and g typed by the build's dtype; L(p, i) and S(p, i, v) (dtype_build.h)
 * read and write an element of any array, converting to and from fp32 */
#define PROLOGUE                                                               \
	GD_TW *restrict w = w_;                                                \
	const GD_TG *restrict g = g_;                                          \
	const float gs = st->gscale, l2 = st->l2, decay = st->decay;          \
	(void)hp, (void)off, (void)state_

/* g' = gscale*g + l2*w, read before w is decayed */
#define EFFECTIVE_GRAD(i) (gs * L(g, i) + l2 * L(w, i))

/*
 * SGD: w -= lr*g.
 */
GD_FN(sgd)
{
	PROLOGUE;
	const float lr = st->lr;
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		S(w, i, L(w, i) * decay - lr * gi);
	}
}

/*
 * Heavy-ball momentum, torch's form: b = mu*b + (1-dampening)*g (b = g at
 * step 1); w -= lr*b. The course writes v = mu*v - lr*g; w += v. With
 * v = -lr*b the two give identical iterates only for a constant learning
 * rate and zero dampening (with a schedule, torch scales the whole buffer by
 * the new lr, the course form keeps old steps at their old lr).
 */
GD_FN(momentum)
{
	PROLOGUE;
	const float lr = st->lr, mu = st->c[0], dg = st->c[1];
	GD_TS *restrict b = state_[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float bi = mu * L(b, i) + dg * gi;
		S(b, i, bi);
		S(w, i, L(w, i) * decay - lr * bi);
	}
}

/*
 * Nesterov, torch's form: b as for momentum, then w -= lr*(g + mu*b).
 * The course's v_prev rewrite (v_prev = v; v = mu*v - lr*g;
 * w += -mu*v_prev + (1+mu)*v) tracks the look-ahead point; substituting
 * v = -lr*b gives w += -lr*(mu*b + g), the same iterates, again only for a
 * constant learning rate and zero dampening (which nesterov requires).
 */
GD_FN(nesterov)
{
	PROLOGUE;
	const float lr = st->lr, mu0 = st->c[0], dg = st->c[1], mu = st->c[2];
	GD_TS *restrict b = state_[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float bi = mu0 * L(b, i) + dg * gi;
		S(b, i, bi);
		S(w, i, L(w, i) * decay - lr * (gi + mu * bi));
	}
}

/*
 * AdaGrad: s += g^2; w -= clr * g / (sqrt(s) + eps), clr = lr/(1+(t-1)*lr_decay).
 * torch and the course put eps outside the sqrt (the course's 1e-7); some
 * texts write sqrt(s + eps), which differs only while s is ~eps.
 */
GD_FN(adagrad)
{
	PROLOGUE;
	const float clr = st->c[0], eps = st->c[1];
	GD_TS *restrict s = state_[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float si = L(s, i) + gi * gi;
		S(s, i, si);
		S(w, i, L(w, i) * decay - clr * gi / (sqrtf(si) + eps));
	}
}

/*
 * RMSprop: v = alpha*v + (1-alpha)*g^2; centered: a = alpha*a + (1-alpha)*g,
 * denominator sqrt(v - a^2) + eps, else sqrt(v) + eps; with momentum:
 * b = mu*b + g/denom; w -= lr*b, else w -= lr*g/denom. The course's
 * decay_rate is alpha.
 */
GD_FN(rmsprop)
{
	PROLOGUE;
	const float lr = st->lr, a = st->c[0], a1 = st->c[1], eps = st->c[2], mu = st->c[3];
	GD_TS *restrict v = state_[0];
	if (!hp->centered && !(hp->momentum > 0)) {
		for (size_t i = 0; i < n; i++) {
			float gi = EFFECTIVE_GRAD(i);
			float vi = a * L(v, i) + a1 * (gi * gi);
			S(v, i, vi);
			S(w, i, L(w, i) * decay - lr * (gi / (sqrtf(vi) + eps)));
		}
		return;
	}
	/* general form: optional grad_avg (centered) and momentum buffer */
	GD_TS *restrict ga = hp->centered ? state_[1] : NULL;
	GD_TS *restrict b = hp->momentum > 0 ? state_[hp->centered ? 2 : 1] : NULL;
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float vi = a * L(v, i) + a1 * (gi * gi);
		S(v, i, vi);
		if (ga) {
			float ai = a * L(ga, i) + a1 * gi;
			S(ga, i, ai);
			vi = vi - ai * ai;
		}
		float q = gi / (sqrtf(vi) + eps);
		if (b) {
			q = mu * L(b, i) + q;
			S(b, i, q);
		}
		S(w, i, L(w, i) * decay - lr * q);
	}
}

/*
 * AdaDelta: v = rho*v + (1-rho)*g^2; d = sqrt(u + eps)/sqrt(v + eps) * g;
 * u = rho*u + (1-rho)*d^2; w -= lr*d. Zeiler's original has no lr (lr = 1,
 * torch's default).
 */
GD_FN(adadelta)
{
	PROLOGUE;
	const float lr = st->lr, rho = st->c[0], rho1 = st->c[1], eps = st->c[2];
	GD_TS *restrict v = state_[0], *restrict u = state_[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float vi = rho * L(v, i) + rho1 * (gi * gi);
		S(v, i, vi);
		float d = sqrtf(L(u, i) + eps) / sqrtf(vi + eps) * gi;
		S(u, i, rho * L(u, i) + rho1 * (d * d));
		S(w, i, L(w, i) * decay - lr * d);
	}
}

/*
 * Adam (and AdamW, whose weight decay arrives as st->decay): m = b1*m +
 * (1-b1)*g; v = b2*v + (1-b2)*g^2; w -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
 * with bc_k = 1 - b_k^t. This is torch's arrangement of the box's
 * m_hat/(sqrt(v_hat) + eps); the course's form with eps = 1e-7 or 1e-8 is the same.
 */
#define ADAM_BODY(...)                                                        \
	const float b1 = st->c[0], b11 = st->c[1], b2 = st->c[2], b21 = st->c[3]; \
	const float step = st->c[4], isb2 = st->c[5], eps = st->c[6];         \
	GD_TS *restrict m = state_[0], *restrict v = state_[1];                 \
	for (size_t i = 0; i < n; i++) {                                       \
		float gi = EFFECTIVE_GRAD(i);                                  \
		float mi = b1 * L(m, i) + b11 * gi;                               \
		float vi = b2 * L(v, i) + b21 * (gi * gi);                        \
		S(m, i, mi);                                                   \
		S(v, i, vi);                                                   \
		__VA_ARGS__;                                                   \
		S(w, i, L(w, i) * decay - step * (mi / (sqrtf(vi) * isb2 + eps))); \
	}

GD_FN(adam)
{
	PROLOGUE;
	ADAM_BODY((void)0)
}

/* AdamW: Adam with decoupled weight decay w *= 1 - lr*wd (Loshchilov & Hutter). */
GD_FN(adamw)
{
	PROLOGUE;
	ADAM_BODY((void)0)
}

/* AMSGrad: Adam with vmax = max(vmax, v) in the denominator (torch's amsgrad=True). */
GD_FN(amsgrad)
{
	PROLOGUE;
	GD_TS *restrict vmax = state_[2];
	ADAM_BODY(vi = L(vmax, i) > vi ? L(vmax, i) : vi; S(vmax, i, vi))
}

/*
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
 * Algorithm 2): c = b1*m + (1-b1)*g; w -= lr*(sign(c) + wd*w), the decay
 * decoupled (w *= 1 - lr*wd first, as lion-pytorch does); m = b2*m + (1-b2)*g.
 * Every step moves each weight by exactly lr (or 0 where c = 0). sign keeps
 * c where c is neither > 0 nor < 0, so sign(0) = 0 and a NaN gradient
 * reaches w, as torch.sign does. Scalars: the Adam set's c[0..3].
 */
GD_FN(lion)
{
	PROLOGUE;
	const float lr = st->lr, b1 = st->c[0], b11 = st->c[1], b2 = st->c[2], b21 = st->c[3];
	GD_TS *restrict m = state_[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float c = b1 * L(m, i) + b11 * gi;
		float sg = c > 0 ? 1.0f : c < 0 ? -1.0f : c;
		S(w, i, L(w, i) * decay - lr * sg);
		S(m, i, b2 * L(m, i) + b21 * gi);
	}
}

/*
 * AdaMax: m = b1*m + (1-b1)*g; u = max(b2*u, |g| + eps); w -= lr/bc1 * m/u.
 * (torch adds eps inside the max, Kingma & Ba's box adds none.)
 */
GD_FN(adamax)
{
	PROLOGUE;
	const float b1 = st->c[0], b11 = st->c[1], b2 = st->c[2], eps = st->c[3], step = st->c[4];
	GD_TS *restrict m = state_[0], *restrict u = state_[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float mi = b1 * L(m, i) + b11 * gi;
		float ua = b2 * L(u, i), ub = fabsf(gi) + eps;
		float ui = ua > ub ? ua : ub; /* NaN in g propagates (second operand) */
		S(m, i, mi);
		S(u, i, ui);
		S(w, i, L(w, i) * decay - step * (mi / ui));
	}
}

/*
 * NAdam (Dozat, with torch's momentum schedule mu_t = b1*(1 - 0.5*0.96^(t*psi))):
 * w -= (lr*(1-mu_t)/(1-prod mu_1..t) * g + lr*mu_{t+1}/(1-prod mu_1..t+1) * m)
 *      / (sqrt(v)/sqrt(bc2) + eps).
 */
GD_FN(nadam)
{
	PROLOGUE;
	const float b1 = st->c[0], b11 = st->c[1], b2 = st->c[2], b21 = st->c[3];
	const float cg = st->c[4], cm = st->c[5], isb2 = st->c[6], eps = st->c[7];
	GD_TS *restrict m = state_[0], *restrict v = state_[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float mi = b1 * L(m, i) + b11 * gi;
		float vi = b2 * L(v, i) + b21 * (gi * gi);
		S(m, i, mi);
		S(v, i, vi);
		S(w, i, L(w, i) * decay - (cg * gi + cm * mi) / (sqrtf(vi) * isb2 + eps));
	}
}

/*
 * Rprop (full-batch, sign-based; torch's variant, Riedmiller & Braun's
 * iRprop- without weight backtracking): with s = sign(g * prev),
 * s > 0: step = min(step*eta_plus, step_max); s < 0: step = max(step*eta_minus,
 * step_min) and g = 0; then w -= sign(g)*step; prev = g.
 * sign(NaN) is NaN, so a NaN gradient reaches w.
 */
GD_FN(rprop)
{
	PROLOGUE;
	const float em = st->c[0], ep = st->c[1], smin = st->c[2], smax = st->c[3];
	GD_TS *restrict prev = state_[0], *restrict step = state_[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float p = gi * L(prev, i);
		float si = L(step, i);
		float up = si * ep, dn = si * em;
		up = up < smax ? up : smax;
		dn = dn > smin ? dn : smin;
		/* one select per statement: gcc 12 will not if-convert nested
		 * ternaries for AVX2 ("control flow in loop") */
		si = p > 0 ? up : si;
		si = p < 0 ? dn : si;
		gi = p < 0 ? 0.0f : gi;
		float sg = gi > 0 ? 1.0f : gi; /* sign(g), keeping 0 and NaN */
		sg = gi < 0 ? -1.0f : sg;
		S(step, i, si);
		S(prev, i, gi);
		S(w, i, L(w, i) * decay - sg * si);
	}
}

/* Memory-only ceiling in plain C (see update.h); used where no SIMD level runs.
 * It moves each element's bits (4 or 2 bytes, as stored) through memcpy,
 * which does not break strict aliasing and compiles to moves. */
#define RB(p, i) gd__bits_of(&(p)[i], sizeof((p)[i]))
#define OR(p, i, bits) gd__or_bits(&(p)[i], sizeof((p)[i]), bits)
static inline uint32_t gd__bits_of(const void *p, size_t sz)
{
	uint32_t u32;
	uint16_t u16;
	if (sz == 2)
		return memcpy(&u16, p, 2), u16;
	return memcpy(&u32, p, 4), u32;
}
static inline void gd__or_bits(void *p, size_t sz, uint32_t bits)
{
	uint32_t u = gd__bits_of(p, sz) | bits;
	uint16_t h = (uint16_t)u;
	memcpy(p, sz == 2 ? (void *)&h : (void *)&u, sz);
}

void GD__NAME2(stream, GD_DT, GD_SUFFIX)(void *restrict w_, const void *restrict g_, void *const state_[], int ns,
                                         size_t n, int zero)
{
	GD_TW *restrict w = w_;
	const GD_TG *restrict g = g_;
	GD_TS *s[GD_MAX_STATE] = { 0 };
	for (int k = 0; k < ns && k < GD_MAX_STATE; k++)
		s[k] = state_[k];
	for (size_t i = 0; i < n; i++) {
		uint32_t gz = RB(g, i) & (uint32_t)zero;
		OR(w, i, gz);
		for (int k = 0; k < ns; k++)
			OR(s[k], i, gz);
	}
}
