/* Roofline probes over the vector layer, compiled once per ISA like update_simd.c. */
#include "probe.h"

#if defined(GD_ISA_AVX512)
#include "simd/vec_avx512.h"
#elif defined(GD_ISA_AVX2)
#include "simd/vec_avx2.h"
#else
#error "define GD_ISA_AVX2 or GD_ISA_AVX512"
#endif

#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)

void GD__NAME(gd_copy_f32_, VSUFFIX)(float *restrict a, const float *restrict b, size_t n)
{
	size_t i = 0;
	for (; i + VW <= n; i += VW)
		vst(a + i, vld(b + i, 0, vtail(0)), 0, vtail(0));
	for (; i < n; i++)
		a[i] = b[i];
}

void GD__NAME(gd_triad_f32_, VSUFFIX)(float *restrict a, const float *restrict b,
                                      const float *restrict c, float s, size_t n)
{
	const vf vs = vset1(s);
	size_t i = 0;
	for (; i + VW <= n; i += VW)
		vst(a + i, vfma(vs, vld(c + i, 0, vtail(0)), vld(b + i, 0, vtail(0))), 0, vtail(0));
	for (; i < n; i++)
		a[i] = b[i] + s * c[i];
}

/* 12 chains cover FMA latency (4 cycles) times two pipes with room to spare;
 * the multiplier stays below 1 so nothing overflows or goes denormal quickly. */
float GD__NAME(gd_fma_peak_, VSUFFIX)(long iters, float seed)
{
	vf acc[GD_PEAK_CHAINS];
	const vf mul = vset1(0.999999f), add = vset1(1e-7f);
	for (int k = 0; k < GD_PEAK_CHAINS; k++)
		acc[k] = vset1(seed + (float)k);
	for (long it = 0; it < iters; it++) {
#pragma GCC unroll 12
		for (int k = 0; k < GD_PEAK_CHAINS; k++)
			acc[k] = vfma(acc[k], mul, add);
	}
	vf sum = acc[0];
	for (int k = 1; k < GD_PEAK_CHAINS; k++)
		sum = vadd(sum, acc[k]);
	float out[VW];
	vst(out, sum, 0, vtail(0));
	float s = 0;
	for (int k = 0; k < VW; k++)
		s += out[k];
	return s;
}
