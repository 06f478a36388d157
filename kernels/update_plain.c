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

#include "update.h"

#ifndef GD_SUFFIX
#error "GD_SUFFIX must name the variant (scalar, auto_<isa>)"
#endif
#define GD__CAT3(a, b, c) a##b##c
#define GD__NAME(lo, sfx) GD__CAT3(gd_, lo, _f32_##sfx)
#define GD__NAME2(lo, sfx) GD__NAME(lo, sfx)
#define GD_FN(lo)                                                              \
	void GD__NAME2(lo, GD_SUFFIX)(const gd_hparams *hp, const gd_step *st, \
	                               float *restrict w, const float *restrict g, \
	                               float *const state[], size_t n)

#define PROLOGUE                                                               \
	const float gs = st->gscale, l2 = st->l2, decay = st->decay;          \
	(void)hp

/* g' = gscale*g + l2*w, read before w is decayed */
#define EFFECTIVE_GRAD(i) (gs * g[i] + l2 * w[i])

/*
 * SGD: w -= lr*g.
 */
GD_FN(sgd)
{
	PROLOGUE;
	const float lr = st->lr;
	(void)state;
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		w[i] = w[i] * decay - lr * gi;
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
	float *restrict b = state[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float bi = mu * b[i] + dg * gi;
		b[i] = bi;
		w[i] = w[i] * decay - lr * bi;
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
	float *restrict b = state[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float bi = mu0 * b[i] + dg * gi;
		b[i] = bi;
		w[i] = w[i] * decay - lr * (gi + mu * bi);
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
	float *restrict s = state[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float si = s[i] + gi * gi;
		s[i] = si;
		w[i] = w[i] * decay - clr * gi / (sqrtf(si) + eps);
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
	float *restrict v = state[0];
	if (!hp->centered && !(hp->momentum > 0)) {
		for (size_t i = 0; i < n; i++) {
			float gi = EFFECTIVE_GRAD(i);
			float vi = a * v[i] + a1 * (gi * gi);
			v[i] = vi;
			w[i] = w[i] * decay - lr * (gi / (sqrtf(vi) + eps));
		}
		return;
	}
	/* general form: optional grad_avg (centered) and momentum buffer */
	float *restrict ga = hp->centered ? state[1] : NULL;
	float *restrict b = hp->momentum > 0 ? state[hp->centered ? 2 : 1] : NULL;
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float vi = a * v[i] + a1 * (gi * gi);
		v[i] = vi;
		if (ga) {
			float ai = a * ga[i] + a1 * gi;
			ga[i] = ai;
			vi = vi - ai * ai;
		}
		float q = gi / (sqrtf(vi) + eps);
		if (b) {
			q = mu * b[i] + q;
			b[i] = q;
		}
		w[i] = w[i] * decay - lr * q;
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
	float *restrict v = state[0], *restrict u = state[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float vi = rho * v[i] + rho1 * (gi * gi);
		v[i] = vi;
		float d = sqrtf(u[i] + eps) / sqrtf(vi + eps) * gi;
		u[i] = rho * u[i] + rho1 * (d * d);
		w[i] = w[i] * decay - lr * d;
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
	float *restrict m = state[0], *restrict v = state[1];                 \
	for (size_t i = 0; i < n; i++) {                                       \
		float gi = EFFECTIVE_GRAD(i);                                  \
		float mi = b1 * m[i] + b11 * gi;                               \
		float vi = b2 * v[i] + b21 * (gi * gi);                        \
		m[i] = mi;                                                     \
		v[i] = vi;                                                     \
		__VA_ARGS__;                                                   \
		w[i] = w[i] * decay - step * (mi / (sqrtf(vi) * isb2 + eps)); \
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
	float *restrict vmax = state[2];
	ADAM_BODY(vi = vmax[i] > vi ? vmax[i] : vi; vmax[i] = vi)
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
	float *restrict m = state[0];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float c = b1 * m[i] + b11 * gi;
		float sg = c > 0 ? 1.0f : c < 0 ? -1.0f : c;
		w[i] = w[i] * decay - lr * sg;
		m[i] = b2 * m[i] + b21 * gi;
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
	float *restrict m = state[0], *restrict u = state[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float mi = b1 * m[i] + b11 * gi;
		float ua = b2 * u[i], ub = fabsf(gi) + eps;
		float ui = ua > ub ? ua : ub; /* NaN in g propagates (second operand) */
		m[i] = mi;
		u[i] = ui;
		w[i] = w[i] * decay - step * (mi / ui);
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
	float *restrict m = state[0], *restrict v = state[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float mi = b1 * m[i] + b11 * gi;
		float vi = b2 * v[i] + b21 * (gi * gi);
		m[i] = mi;
		v[i] = vi;
		w[i] = w[i] * decay - (cg * gi + cm * mi) / (sqrtf(vi) * isb2 + eps);
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
	float *restrict prev = state[0], *restrict step = state[1];
	for (size_t i = 0; i < n; i++) {
		float gi = EFFECTIVE_GRAD(i);
		float p = gi * prev[i];
		float si = step[i];
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
		step[i] = si;
		prev[i] = gi;
		w[i] = w[i] * decay - sg * si;
	}
}

/* Memory-only ceiling in plain C (see update.h); used where no SIMD level runs.
 * memcpy moves the bits without breaking strict aliasing; it compiles to moves. */
static inline void or_bits(float *p, uint32_t bits)
{
	uint32_t u;
	memcpy(&u, p, sizeof(u));
	u |= bits;
	memcpy(p, &u, sizeof(u));
}

void GD__NAME2(stream, GD_SUFFIX)(float *restrict w, const float *restrict g,
                                  float *const state[], int ns, size_t n, int zero)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t gz;
		memcpy(&gz, &g[i], sizeof(gz));
		gz &= (uint32_t)zero;
		or_bits(&w[i], gz);
		for (int k = 0; k < ns; k++)
			or_bits(&state[k][i], gz);
	}
}
