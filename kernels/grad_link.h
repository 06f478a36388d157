/*
 * Loss heads: from a block of rows' outputs z (r rows x c, row stride c) to
 * each row's loss and dloss/dz (written over z). Included by every gradient
 * variant; where a vector layer (VW >= 4) is included, the softmax and
 * logistic heads run on it across rows, otherwise a row at a time through
 * expf.
 *
 *   lsq:      l = 1/2 (z - y)^2                     dz = z - y
 *   logistic: l = log(1 + e^z) - y z  (y in {0,1})  dz = sigmoid(z) - y
 *   softmax:  l = log sum_j e^z_j - z_y             dz = p - onehot(y)
 *   svm:      l = sum_{j != y} max(0, z_j - z_y + 1)
 *             dz_j = [margin_j > 0] (j != y), dz_y = -#{j: margin_j > 0}
 */
#ifndef GD_GRAD_LINK_H
#define GD_GRAD_LINK_H

#include <math.h>

#include "grad.h"

static inline void gd__exp_inplace(float *a, size_t n)
{
#ifdef VW
	size_t i = 0;
	for (; i + VW <= n; i += VW)
		vst(a + i, vexp(vld(a + i, 0, vtail(0))), 0, vtail(0));
	if (i < n) {
		vm m = vtail(n - i);
		vst(a + i, vexp(vld(a + i, 1, m)), 1, m);
	}
#else
	for (size_t i = 0; i < n; i++)
		a[i] = expf(a[i]);
#endif
}

/* Softmax's head, a row at a time: shift each row by its max (so e^z cannot
 * overflow), then one exponential pass over the rows. */
static inline double gd__softmax_head_rows(const gd_model *m, const gd_batch *b, size_t k0, float *z, size_t r)
{
	const size_t c = m->c;
	double loss = 0;
	for (size_t i = 0; i < r; i++) {
		float *zi = z + i * c, mx = zi[0];
		for (size_t j = 1; j < c; j++)
			mx = zi[j] > mx ? zi[j] : mx;
		for (size_t j = 0; j < c; j++)
			zi[j] -= mx;
		loss -= zi[b->label[gd_batch_row(b, k0 + i)]];
	}
	gd__exp_inplace(z, r * c);
	for (size_t i = 0; i < r; i++) {
		float *zi = z + i * c;
		double s = 0;
		for (size_t j = 0; j < c; j++)
			s += zi[j];
		loss += log(s);
		float inv = (float)(1.0 / s);
		for (size_t j = 0; j < c; j++)
			zi[j] *= inv;
		zi[b->label[gd_batch_row(b, k0 + i)]] -= 1.0f;
	}
	return loss;
}

#ifdef VW
/* classes and lanes the row-vectorized head holds on the stack */
#define GD__HEAD_MAXC 16
#define GD__HEAD_MAXW 64
/*
 * Softmax's head across VW rows at a time: the rows' c outputs transposed
 * into c vectors of VW rows, so the max, the exponentials, the sum and the
 * scaling are c vector operations each instead of c dependent scalar ones
 * per row (a row at a time, the head took 11-13% of the softmax kernel's
 * time on Zen 3). Sums are fp32 (the shifted exponentials lie in (0, 1] and
 * one of them is 1), the loss fp64 as before. Returns the rows handled: the
 * rest go a row at a time, as do all where c > 16 or vectors are narrow.
 */
static inline size_t gd__softmax_head_vec(const gd_model *m, const gd_batch *b, size_t k0, float *z, size_t r,
                                          double *loss)
{
	const size_t c = m->c;
	if (c > GD__HEAD_MAXC || VW < 4 || VW > GD__HEAD_MAXW)
		return 0;
	float t[GD__HEAD_MAXC * GD__HEAD_MAXW], sv[GD__HEAD_MAXW], mv[GD__HEAD_MAXW];
	const vm full = vtail(0);
	size_t i = 0;
	for (; i + VW <= r; i += VW) {
		float *zi = z + i * c;
		for (size_t l = 0; l < VW; l++)
			for (size_t j = 0; j < c; j++)
				t[j * VW + l] = zi[l * c + j];
		vf mx = vld(t, 0, full);
		for (size_t j = 1; j < c; j++)
			mx = vmax(mx, vld(t + j * VW, 0, full));
		vf sum = vzero();
		for (size_t j = 0; j < c; j++) {
			vf e = vexp(vsub(vld(t + j * VW, 0, full), mx));
			vst(t + j * VW, e, 0, full);
			sum = vadd(sum, e);
		}
		vst(sv, sum, 0, full);
		vst(mv, mx, 0, full);
		const vf inv = vdiv(vset1(1.0f), sum);
		for (size_t j = 0; j < c; j++)
			vst(t + j * VW, vmul(vld(t + j * VW, 0, full), inv), 0, full);
		for (size_t l = 0; l < VW; l++) {
			int32_t y = b->label[gd_batch_row(b, k0 + i + l)];
			*loss += log((double)sv[l]) - (double)(zi[l * c + y] - mv[l]);
			for (size_t j = 0; j < c; j++)
				zi[l * c + j] = t[j * VW + l];
			zi[l * c + y] -= 1.0f;
		}
	}
	return i;
}

/*
 * The logistic head across VW rows at a time (z holds one output per row, so
 * the rows' outputs are already a vector). A row at a time (expf, log1pf and
 * a division per row), logistic's xread (its time against one streaming read
 * of its rows) was 0.05-0.15 below lsq's, which makes the same one pass over
 * the rows; vectorized, level with it. Zen 1, two runs of 10 alternated
 * processes, medians: full batch 0.58-0.67 -> 0.72-0.75 (lsq 0.68-0.76),
 * B = 256 0.79 -> 0.92-0.97, B = 32 0.69 -> 0.78. Lanes past r are masked;
 * each lane's loss is added in fp64 as before.
 */
static inline void gd__logistic_head_vec(const gd_batch *b, size_t k0, float *z, size_t r, double *loss)
{
	float yv[GD__HEAD_MAXW], lv[GD__HEAD_MAXW];
	const size_t n = r;
	const vf zero = vzero(), one = vset1(1.0f);
	VLOOP({
		const size_t w = T_ ? n - i : VW;
		for (size_t l = 0; l < VW; l++)
			yv[l] = l < w ? (float)b->label[gd_batch_row(b, k0 + i + l)] : 0.0f;
		const vf zv = vld(z + i, T_, m_), y = vld(yv, 0, vtail(0));
		/* softplus without overflow: max(z, 0) + log1p(e^-|z|) */
		const vf e = vexp(vsub(zero, vabs(zv)));
		vst(lv, vsub(vadd(vmax(zv, zero), vlog1p01(e)), vmul(y, zv)), 0, vtail(0));
		const vf s = vdiv(vsel(vlt(zv, zero), e, one), vadd(one, e));
		vst(z + i, vsub(s, y), T_, m_);
		for (size_t l = 0; l < w; l++)
			*loss += (double)lv[l];
	});
}
#endif

/* Sum of the losses of rows k0..k0+r of batch b; z becomes dloss/dz. */
static inline double gd__link_block(const gd_model *m, const gd_batch *b, size_t k0, float *z, size_t r)
{
	const size_t c = m->c;
	double loss = 0;
	switch (m->kind) {
	case GD_MODEL_LSQ:
		for (size_t i = 0; i < r; i++) {
			float d = z[i] - b->y[gd_batch_row(b, k0 + i)];
			loss += 0.5 * (double)d * (double)d;
			z[i] = d;
		}
		break;
	case GD_MODEL_LOGISTIC:
#ifdef VW
		if (VW >= 4 && VW <= GD__HEAD_MAXW) {
			gd__logistic_head_vec(b, k0, z, r, &loss);
			break;
		}
#endif
		for (size_t i = 0; i < r; i++) {
			float zi = z[i], y = (float)b->label[gd_batch_row(b, k0 + i)];
			/* softplus without overflow: max(z, 0) + log1p(e^-|z|) */
			float e = expf(-fabsf(zi));
			loss += (double)(zi > 0 ? zi : 0.0f) + (double)log1pf(e) - (double)y * zi;
			float s = zi >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
			z[i] = s - y;
		}
		break;
	case GD_MODEL_SOFTMAX:
	case GD_MODEL_MLP: {
		size_t done = 0;
#ifdef VW
		done = gd__softmax_head_vec(m, b, k0, z, r, &loss);
#endif
		loss += gd__softmax_head_rows(m, b, k0 + done, z + done * c, r - done);
		break;
	}
	case GD_MODEL_SVM:
		for (size_t i = 0; i < r; i++) {
			float *zi = z + i * c;
			int32_t y = b->label[gd_batch_row(b, k0 + i)];
			float zy = zi[y], cnt = 0;
			for (size_t j = 0; j < c; j++) {
				float mg = zi[j] - zy + 1.0f;
				int on = (int32_t)j != y && mg > 0;
				loss += on ? mg : 0.0f;
				cnt += (float)on;
				zi[j] = (float)on;
			}
			zi[y] = -cnt;
		}
		break;
	case GD_NMODELS:
		break;
	}
	return loss;
}
#endif
