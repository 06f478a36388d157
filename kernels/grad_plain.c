/*
 * Gradient kernels in plain C, one row at a time: the scalar reference
 * (compiled with -fno-tree-vectorize, like the update rules' scalar variant).
 * Contract in grad.h: sums over the batch's rows, no penalty.
 */
#include <string.h>

#include "grad.h"
#include "grad_link.h"

/* out[o] = bias[o] + sum_i W[o*nin + i] * x[i] */
static void affine(const float *W, const float *bias, size_t nout, size_t nin, const float *x, float *out)
{
	for (size_t o = 0; o < nout; o++) {
		const float *w = W + o * nin;
		float s = 0;
		for (size_t i = 0; i < nin; i++)
			s += w[i] * x[i];
		out[o] = s + bias[o];
	}
}

/* G[o*nin + i] += dz[o] * x[i]; gb[o] += dz[o] */
static void outer_add(float *G, float *gb, size_t nout, size_t nin, const float *dz, const float *x)
{
	for (size_t o = 0; o < nout; o++) {
		float *g = G + o * nin, d = dz[o];
		for (size_t i = 0; i < nin; i++)
			g[i] += d * x[i];
		gb[o] += d;
	}
}

static double linear(const gd_model *m, const float *p, const gd_batch *b, float *grad, float *scratch)
{
	const size_t c = m->c, d = m->d;
	memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	double loss = 0;
	for (size_t k = 0; k < b->n; k++) {
		const float *x = b->x + gd_batch_row(b, k) * b->ld;
		affine(p, p + c * d, c, d, x, scratch);
		loss += gd__link_block(m, b, k, scratch, 1);
		outer_add(grad, grad + c * d, c, d, scratch, x);
	}
	return loss;
}

double gd_lsq_grad_f32_scalar(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                              float *restrict scratch)
{
	return linear(m, p, b, grad, scratch);
}

double gd_logistic_grad_f32_scalar(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                                   float *restrict scratch)
{
	return linear(m, p, b, grad, scratch);
}

double gd_softmax_grad_f32_scalar(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                                  float *restrict scratch)
{
	return linear(m, p, b, grad, scratch);
}

double gd_svm_grad_f32_scalar(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                              float *restrict scratch)
{
	return linear(m, p, b, grad, scratch);
}

/*
 * Two-layer MLP: a = W1 x + b1, h = relu(a), z = W2 h + b2, softmax
 * cross-entropy on z. Backward: dW2 += dz h^T, dh = W2^T dz masked by a > 0,
 * dW1 += dh x^T.
 */
double gd_mlp_grad_f32_scalar(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                              float *restrict scratch)
{
	const size_t d = m->d, h = m->h, c = m->c;
	size_t lay[4];
	gd_mlp_offsets(m, lay);
	const float *W1 = p, *b1 = p + lay[1], *W2 = p + lay[2], *b2 = p + lay[3];
	float *G1 = grad, *gb1 = grad + lay[1], *G2 = grad + lay[2], *gb2 = grad + lay[3];
	float *hid = scratch, *z = hid + h, *dh = z + c;
	memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	double loss = 0;
	for (size_t k = 0; k < b->n; k++) {
		const float *x = b->x + gd_batch_row(b, k) * b->ld;
		affine(W1, b1, h, d, x, hid);
		for (size_t j = 0; j < h; j++)
			hid[j] = hid[j] > 0 ? hid[j] : 0.0f;
		affine(W2, b2, c, h, hid, z);
		loss += gd__link_block(m, b, k, z, 1);
		outer_add(G2, gb2, c, h, z, hid);
		for (size_t j = 0; j < h; j++) {
			float s = 0;
			for (size_t o = 0; o < c; o++)
				s += W2[o * h + j] * z[o];
			dh[j] = hid[j] > 0 ? s : 0.0f; /* relu'(a) = [a > 0] = [h > 0] */
		}
		outer_add(G1, gb1, h, d, dh, x);
	}
	return loss;
}
