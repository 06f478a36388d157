/*
 * Loss heads: from a block of rows' outputs z (r rows x c, row stride c) to
 * each row's loss and dloss/dz (written over z). Included by every gradient
 * variant; where a vector layer (VW) is included, softmax's exponentials run
 * on it, otherwise through expf.
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
	case GD_MODEL_MLP:
		/* shift each row by its max (so e^z cannot overflow), then one
		 * exponential pass over the whole block */
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
		break;
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
