/*
 * Gradient kernels on OpenBLAS: the products are sgemm calls, the loss head
 * in between runs on the vector layer of the ISA this file is compiled for
 * (-DGD_ISA_<LEVEL>, kernels/meson.build). A minibatch given by an index list is
 * gathered into contiguous rows first (sgemm needs a strided matrix).
 * OpenBLAS uses whatever thread count the caller set (openblas_set_num_threads).
 */
#include <cblas.h>
#include <string.h>

#include "grad.h"

#include "simd/vec.h"
#include "simd/vec_math.h"
#include "grad_link.h"

#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)
#define BLAS_NAME(lo) GD__NAME(gd_##lo##_grad_f32_blas_, VSUFFIX)

/* 64-byte aligned sub-arrays of scratch */
static float *carve(float **cur, size_t n)
{
	float *p = *cur;
	*cur += (n + 15) / 16 * 16;
	return p;
}

/* The batch as a strided matrix: X itself for contiguous rows, else gathered. */
static const float *rows_of(const gd_batch *b, size_t d, float **cur, size_t *ld)
{
	if (!b->idx) {
		*ld = b->ld;
		return b->x + b->i0 * b->ld;
	}
	float *g = carve(cur, b->n * d);
	for (size_t k = 0; k < b->n; k++)
		memcpy(g + k * d, b->x + (size_t)b->idx[k] * b->ld, d * sizeof(float));
	*ld = d;
	return g;
}

/* Z = X W^T + bias (n x nout) */
static void affine(const float *X, size_t ldx, size_t n, size_t nin, const float *W, const float *bias, size_t nout,
                   float *Z)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)nout, (int)nin, 1.0f, X, (int)ldx, W,
	            (int)nin, 0.0f, Z, (int)nout);
	for (size_t k = 0; k < n; k++)
		for (size_t o = 0; o < nout; o++)
			Z[k * nout + o] += bias[o];
}

/* G = dZ^T X (nout x nin), gb = column sums of dZ */
static void outer(const float *dZ, size_t n, size_t nout, const float *X, size_t ldx, size_t nin, float *G,
                  float *gb)
{
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nout, (int)nin, (int)n, 1.0f, dZ, (int)nout, X,
	            (int)ldx, 0.0f, G, (int)nin);
	memset(gb, 0, nout * sizeof(float));
	for (size_t k = 0; k < n; k++)
		for (size_t o = 0; o < nout; o++)
			gb[o] += dZ[k * nout + o];
}

static double linear(const gd_model *m, const float *p, const gd_batch *b, float *grad, float *scratch)
{
	const size_t c = m->c, d = m->d;
	if (b->n == 0) {
		memset(grad, 0, gd_model_nparams(m) * sizeof(float));
		return 0;
	}
	float *cur = scratch;
	size_t ld;
	const float *X = rows_of(b, d, &cur, &ld);
	float *Z = carve(&cur, b->n * c);
	affine(X, ld, b->n, d, p, p + c * d, c, Z);
	double loss = gd__link_block(m, b, 0, Z, b->n);
	outer(Z, b->n, c, X, ld, d, grad, grad + c * d);
	return loss;
}

#define LINEAR_VARIANT(lo)                                                                         \
	double BLAS_NAME(lo)(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad, \
	                     float *restrict scratch)                                                   \
	{                                                                                          \
		return linear(m, p, b, grad, scratch);                                             \
	}
LINEAR_VARIANT(lsq)
LINEAR_VARIANT(logistic)
LINEAR_VARIANT(softmax)
LINEAR_VARIANT(svm)

double BLAS_NAME(mlp)(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                      float *restrict scratch)
{
	const size_t d = m->d, h = m->h, c = m->c, n = b->n;
	size_t lay[4];
	gd_mlp_offsets(m, lay);
	const float *W1 = p, *b1 = p + lay[1], *W2 = p + lay[2], *b2 = p + lay[3];
	float *G1 = grad, *gb1 = grad + lay[1], *G2 = grad + lay[2], *gb2 = grad + lay[3];
	if (n == 0) {
		memset(grad, 0, gd_model_nparams(m) * sizeof(float));
		return 0;
	}
	float *cur = scratch;
	size_t ld;
	const float *X = rows_of(b, d, &cur, &ld);
	float *H = carve(&cur, n * h), *dH = carve(&cur, n * h), *Z = carve(&cur, n * c);
	affine(X, ld, n, d, W1, b1, h, H);
	for (size_t j = 0; j < n * h; j++)
		H[j] = H[j] > 0 ? H[j] : 0.0f;
	affine(H, h, n, h, W2, b2, c, Z);
	double loss = gd__link_block(m, b, 0, Z, n);
	outer(Z, n, c, H, h, h, G2, gb2);
	/* dH = dZ W2 (n x h), masked by relu' */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)h, (int)c, 1.0f, Z, (int)c, W2, (int)h,
	            0.0f, dH, (int)h);
	for (size_t j = 0; j < n * h; j++)
		dH[j] = H[j] > 0 ? dH[j] : 0.0f;
	outer(dH, n, h, X, ld, d, G1, gb1);
	return loss;
}
