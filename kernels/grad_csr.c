/*
 * Loss and gradient over sparse (CSR) rows for the linear models: lsq,
 * logistic, softmax, with the dense models' parameter layout (W: c x d class
 * rows, then b). Compiled three times: plain C (scalar), AVX2 (the forward
 * dot products gather W at the row's columns, 8 at a time; the gradient's
 * scatter-add is scalar: AVX2 has no scatter), AVX-512 (gathers and
 * scatters, 16 at a time, masked tails). A row's columns are distinct (the
 * loader guarantees it), so one scatter never writes a lane twice.
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
#endif

/* One row at a time: c gathered dot products, the loss head, c scatter-adds. */
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
		for (size_t o = 0; o < c; o++)
			z[o] = dot_gather(params + o * d, b->col, b->val, a, e) + bias[o];
		loss += gd__link_block(m, b, k, z, 1);
		for (size_t o = 0; o < c; o++) {
			axpy_scatter(grad + o * d, b->col, b->val, a, e, z[o]);
			gbias[o] += z[o];
		}
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
