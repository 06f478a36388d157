/*
 * A user's own AVX2 Adam as a gdbench plugin: 4 vectors (32 floats) per
 * iteration, so four independent FMA/sqrt/div chains are in flight, then one
 * vector at a time, then a masked tail. Registered as "adam/mine/avx2".
 *
 * The arithmetic follows gdbench's Adam (torch.optim.Adam's arrangement),
 * with the per-step scalars gdbench computes once per step (st->c[], see
 * gd_step_scalars in <gdbench/update.h>):
 *   g' = gscale*g + l2*w;  m = b1*m + (1-b1)*g';  v = b2*v + (1-b2)*g'^2
 *   w  = decay*w - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
 */
#include <immintrin.h>

#include <gdbench/plugin.h>

GDBENCH_PLUGIN_DEFINE_ABI;

typedef struct {
	__m256 gs, l2, decay, b1, b11, b2, b21, step, isb2, eps;
} consts;

static inline void adam8(const consts *k, float *w, const float *g, float *m, float *v, __m256i mask, int masked)
{
	__m256 wi = masked ? _mm256_maskload_ps(w, mask) : _mm256_loadu_ps(w);
	__m256 gi = masked ? _mm256_maskload_ps(g, mask) : _mm256_loadu_ps(g);
	__m256 mi = masked ? _mm256_maskload_ps(m, mask) : _mm256_loadu_ps(m);
	__m256 vi = masked ? _mm256_maskload_ps(v, mask) : _mm256_loadu_ps(v);
	gi = _mm256_fmadd_ps(k->gs, gi, _mm256_mul_ps(k->l2, wi));
	mi = _mm256_fmadd_ps(k->b1, mi, _mm256_mul_ps(k->b11, gi));
	vi = _mm256_fmadd_ps(k->b2, vi, _mm256_mul_ps(k->b21, _mm256_mul_ps(gi, gi)));
	__m256 den = _mm256_fmadd_ps(_mm256_sqrt_ps(vi), k->isb2, k->eps);
	wi = _mm256_fnmadd_ps(k->step, _mm256_div_ps(mi, den), _mm256_mul_ps(wi, k->decay));
	if (masked) {
		_mm256_maskstore_ps(w, mask, wi);
		_mm256_maskstore_ps(m, mask, mi);
		_mm256_maskstore_ps(v, mask, vi);
	} else {
		_mm256_storeu_ps(w, wi);
		_mm256_storeu_ps(m, mi);
		_mm256_storeu_ps(v, vi);
	}
}

static void adam_f32_avx2x4(const gd_hparams *hp, const gd_step *st, void *restrict w_, const void *restrict g_,
                            void *const state[], size_t n, size_t off)
{
	(void)hp, (void)off;
	float *w = w_, *m = state[0], *v = state[1];
	const float *g = g_;
	const consts k = {
		_mm256_set1_ps(st->gscale), _mm256_set1_ps(st->l2), _mm256_set1_ps(st->decay),
		_mm256_set1_ps(st->c[0]),   _mm256_set1_ps(st->c[1]), _mm256_set1_ps(st->c[2]),
		_mm256_set1_ps(st->c[3]),   _mm256_set1_ps(st->c[4]), _mm256_set1_ps(st->c[5]),
		_mm256_set1_ps(st->c[6]),
	};
	const __m256i all = _mm256_set1_epi32(-1);
	size_t i = 0;
	for (; i + 32 <= n; i += 32) /* 4x unrolled: independent chains hide the div/sqrt latency */
		for (int u = 0; u < 4; u++)
			adam8(&k, w + i + 8 * u, g + i + 8 * u, m + i + 8 * u, v + i + 8 * u, all, 0);
	for (; i + 8 <= n; i += 8)
		adam8(&k, w + i, g + i, m + i, v + i, all, 0);
	if (i < n) {
		const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
		__m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lane);
		adam8(&k, w + i, g + i, m + i, v + i, mask, 1);
	}
}

int gdbench_plugin_init(const gdbench_host *host)
{
	static const gdbench_update_variant adam = {
		.rule = "adam",
		.impl = "mine",
		.isa = "avx2",
		.features = "avx2,fma",
		.fn = { [GD_DT_F32] = adam_f32_avx2x4 },
	};
	return host->register_update(host, &adam);
}
