/*
 * Loss and gradient over sparse (CSR) rows for the linear models: lsq,
 * logistic, softmax. Parameter layout: W FEATURE-major (W[j*c + o], a
 * feature's c class weights side by side), then b (c). For lsq and logistic
 * (c = 1) that is the dense layout; for softmax it is the transpose of the
 * dense models' class rows, because a nonzero then reads and writes one
 * cache line of W instead of c lines c*d floats apart (measured: 3-6x the
 * rows/s of class rows at c = 10 on 2^18 features).
 *
 * Compiled three times: plain C (scalar); AVX2 and AVX-512: for c = 1 the dot
 * product gathers w at the row's columns (8 or 16 at a time, masked tails;
 * AVX-512 also scatters the gradient, AVX2 has no scatter), for c > 1 each
 * nonzero is one masked vector FMA over the classes (no gather at all). A
 * row's columns are distinct (the loader guarantees it), so one scatter never
 * writes a lane twice.
 *
 * Unlike the dense kernels these ADD into grad, which the caller has zeroed
 * at the batch's coordinates (its rows' columns in every class row, and the
 * biases): zeroing all c*d floats per step would cost more than the step.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(GD_ISA_AVX512) || defined(GD_ISA_AVX2)
#include <immintrin.h>
#endif

#include "grad.h"
#include "grad_link.h"

#if defined(GD_ISA_AVX512)
#define CSR_FN(lo) gd_##lo##_csr_grad_f32_avx512

/* sum_j val[j] * w[col[j]] over j in [a, e) */
static inline float dot_gather(const float *w, const int32_t *col, const float *val, int64_t a, int64_t e)
{
	__m512 acc = _mm512_setzero_ps();
	int64_t j = a;
	for (; j + 16 <= e; j += 16) {
		__m512i ix = _mm512_loadu_si512((const void *)(col + j));
		acc = _mm512_fmadd_ps(_mm512_loadu_ps(val + j), _mm512_i32gather_ps(ix, w, 4), acc);
	}
	if (j < e) {
		__mmask16 mk = (__mmask16)((1u << (e - j)) - 1);
		__m512i ix = _mm512_maskz_loadu_epi32(mk, col + j);
		__m512 g = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mk, ix, w, 4);
		acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, val + j), g, acc);
	}
	return _mm512_reduce_add_ps(acc);
}

/* g[col[j]] += s * val[j] over j in [a, e) */
static inline void axpy_scatter(float *g, const int32_t *col, const float *val, int64_t a, int64_t e, float s)
{
	__m512 vs = _mm512_set1_ps(s);
	int64_t j = a;
	for (; j + 16 <= e; j += 16) {
		__m512i ix = _mm512_loadu_si512((const void *)(col + j));
		__m512 cur = _mm512_i32gather_ps(ix, g, 4);
		_mm512_i32scatter_ps(g, ix, _mm512_fmadd_ps(vs, _mm512_loadu_ps(val + j), cur), 4);
	}
	if (j < e) {
		__mmask16 mk = (__mmask16)((1u << (e - j)) - 1);
		__m512i ix = _mm512_maskz_loadu_epi32(mk, col + j);
		__m512 cur = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mk, ix, g, 4);
		_mm512_mask_i32scatter_ps(g, mk, ix, _mm512_fmadd_ps(vs, _mm512_maskz_loadu_ps(mk, val + j), cur), 4);
	}
}

/* z[0..c) += v * wf[0..c) and gf[0..c) += v * dz[0..c), c classes in 16-lane pieces */
static inline void class_fma(float *z, const float *wf, float v, size_t c)
{
	for (size_t o = 0; o < c; o += 16) {
		__mmask16 mk = c - o >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (c - o)) - 1);
		_mm512_mask_storeu_ps(z + o, mk, _mm512_fmadd_ps(_mm512_set1_ps(v), _mm512_maskz_loadu_ps(mk, wf + o),
		                                                 _mm512_maskz_loadu_ps(mk, z + o)));
	}
}

#elif defined(GD_ISA_AVX2)
#define CSR_FN(lo) gd_##lo##_csr_grad_f32_avx2

static inline float hsum256(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

static inline float dot_gather(const float *w, const int32_t *col, const float *val, int64_t a, int64_t e)
{
	__m256 acc = _mm256_setzero_ps();
	int64_t j = a;
	for (; j + 8 <= e; j += 8) {
		__m256i ix = _mm256_loadu_si256((const __m256i *)(col + j));
		acc = _mm256_fmadd_ps(_mm256_loadu_ps(val + j), _mm256_i32gather_ps(w, ix, 4), acc);
	}
	if (j < e) {
		__m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
		__m256i mk = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(e - j)), lane);
		__m256i ix = _mm256_maskload_epi32(col + j, mk);
		__m256 g = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), w, ix, _mm256_castsi256_ps(mk), 4);
		acc = _mm256_fmadd_ps(_mm256_maskload_ps(val + j, mk), g, acc);
	}
	return hsum256(acc);
}

static inline void axpy_scatter(float *g, const int32_t *col, const float *val, int64_t a, int64_t e, float s)
{
	for (int64_t j = a; j < e; j++)
		g[col[j]] += s * val[j];
}

static inline void class_fma(float *z, const float *wf, float v, size_t c)
{
	size_t o = 0;
	for (; o + 8 <= c; o += 8)
		_mm256_storeu_ps(z + o, _mm256_fmadd_ps(_mm256_set1_ps(v), _mm256_loadu_ps(wf + o), _mm256_loadu_ps(z + o)));
	for (; o < c; o++)
		z[o] += v * wf[o];
}

#else
#define CSR_FN(lo) gd_##lo##_csr_grad_f32_scalar

static inline float dot_gather(const float *w, const int32_t *col, const float *val, int64_t a, int64_t e)
{
	float s = 0;
	for (int64_t j = a; j < e; j++)
		s += val[j] * w[col[j]];
	return s;
}

static inline void axpy_scatter(float *g, const int32_t *col, const float *val, int64_t a, int64_t e, float s)
{
	for (int64_t j = a; j < e; j++)
		g[col[j]] += s * val[j];
}

static inline void class_fma(float *z, const float *wf, float v, size_t c)
{
	for (size_t o = 0; o < c; o++)
		z[o] += v * wf[o];
}
#endif

/* One row at a time: the outputs z (a gathered dot product for c = 1, one
 * class-vector FMA per nonzero for c > 1), the loss head, the gradient. */
static double csr_grad(const gd_model *m, const float *params, const gd_batch *b, float *restrict grad,
                       float *restrict scratch)
{
	const size_t d = m->d, c = m->c;
	const float *bias = params + c * d;
	float *gbias = grad + c * d, *z = scratch;
	double loss = 0;
	for (size_t k = 0; k < b->n; k++) {
		size_t i = gd_batch_row(b, k);
		int64_t a = b->rowptr[i], e = b->rowptr[i + 1];
		if (c == 1) {
			z[0] = dot_gather(params, b->col, b->val, a, e) + bias[0];
		} else {
			for (size_t o = 0; o < c; o++)
				z[o] = bias[o];
			for (int64_t j = a; j < e; j++)
				class_fma(z, params + (size_t)b->col[j] * c, b->val[j], c);
		}
		loss += gd__link_block(m, b, k, z, 1);
		if (c == 1)
			axpy_scatter(grad, b->col, b->val, a, e, z[0]);
		else
			for (int64_t j = a; j < e; j++)
				class_fma(grad + (size_t)b->col[j] * c, z, b->val[j], c);
		for (size_t o = 0; o < c; o++)
			gbias[o] += z[o];
	}
	return loss;
}

#define CSR_DEF(lo)                                                                                 \
	double CSR_FN(lo)(const gd_model *m, const float *params, const gd_batch *b, float *restrict grad, \
	                  float *restrict scratch)                                                      \
	{                                                                                               \
		return csr_grad(m, params, b, grad, scratch);                                               \
	}
CSR_DEF(lsq)
CSR_DEF(logistic)
CSR_DEF(softmax)
