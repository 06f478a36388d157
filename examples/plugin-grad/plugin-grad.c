/*
 * A user's own gradient kernel as a gdbench plugin: least squares (the lsq
 * model of <gdbench/grad.h>) in AVX2, one row at a time, registered as
 * "lsq/mine/avx2". gdbench compares it with its scalar lsq gradient before
 * use (batches of 1 to 130 rows, index-list rows too), times it in
 * `gdbench kernels --what grad --impl mine` and trains with it in
 * `gdbench run --model lsq --impl mine`.
 *
 * The contract (gd_grad_fn, grad.h): the SUM over the batch's rows of the
 * loss 1/2 (w.x + b - y)^2 (returned, in double) and of its gradient
 * (r x, r) with r = w.x + b - y, written over grad (d + 1 floats); no
 * penalty, no mean. Rows are b->x + gd_batch_row(b, k) * b->ld.
 */
#include <immintrin.h>

#include <gdbench/plugin.h>

GDBENCH_PLUGIN_DEFINE_ABI;

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256i tail_mask(size_t left)
{
	return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

AVX2 static float hsum(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

AVX2 static double lsq_grad_f32_avx2(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                                     float *restrict scratch)
{
	(void)scratch;
	const size_t d = m->d, dv = d / 8 * 8;
	const __m256i mask = tail_mask(d - dv);
	for (size_t i = 0; i <= d; i++)
		grad[i] = 0;
	double loss = 0, gb = 0;
	for (size_t k = 0; k < b->n; k++) {
		const size_t row = gd_batch_row(b, k);
		const float *x = b->x + row * b->ld;
		__m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
		size_t i = 0;
		for (; i + 16 <= d; i += 16) { /* two accumulators: two FMA chains in flight */
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + i), _mm256_loadu_ps(x + i), acc0);
			acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(p + i + 8), _mm256_loadu_ps(x + i + 8), acc1);
		}
		for (; i < dv; i += 8)
			acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + i), _mm256_loadu_ps(x + i), acc0);
		if (dv < d)
			acc1 = _mm256_fmadd_ps(_mm256_maskload_ps(p + dv, mask), _mm256_maskload_ps(x + dv, mask), acc1);
		const float r = hsum(_mm256_add_ps(acc0, acc1)) + p[d] - b->y[row];
		loss += 0.5 * (double)r * r;
		gb += r;
		const __m256 rv = _mm256_set1_ps(r);
		for (i = 0; i < dv; i += 8)
			_mm256_storeu_ps(grad + i, _mm256_fmadd_ps(rv, _mm256_loadu_ps(x + i), _mm256_loadu_ps(grad + i)));
		if (dv < d)
			_mm256_maskstore_ps(grad + dv, mask,
			                    _mm256_fmadd_ps(rv, _mm256_maskload_ps(x + dv, mask), _mm256_maskload_ps(grad + dv, mask)));
	}
	grad[d] = (float)gb;
	return loss;
}

int gdbench_plugin_init(const gdbench_host *host)
{
	static const gdbench_grad_variant lsq = {
		.model = "lsq",
		.impl = "mine",
		.isa = "avx2",
		.features = "avx2,fma",
		.fn = lsq_grad_f32_avx2,
	};
	return host->register_grad(host, &lsq);
}
