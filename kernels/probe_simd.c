/*
 * Roofline probes over the vector layer, compiled once per SIMD level like
 * update_simd.c, and once with vec_scalar.h as the portable probe that
 * every CPU has (the baseline level's ceilings).
 */
#include "probe.h"

#include "simd/vec.h"

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
 * the multiplier stays below 1 so nothing overflows or goes denormal quickly.
 * Named variables, not an array: SVE vectors cannot be array elements. */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
_Static_assert(GD_PEAK_CHAINS == 12, "CHAINS lists GD_PEAK_CHAINS accumulators");

float GD__NAME(gd_fma_peak_, VSUFFIX)(long iters, float seed)
{
	const vf mul = vset1(0.999999f), add = vset1(1e-7f);
#define INIT(k) vf acc##k = vset1(seed + (float)(k));
	CHAINS(INIT)
#undef INIT
	for (long it = 0; it < iters; it++) {
#define STEP(k) acc##k = vfma(acc##k, mul, add);
		CHAINS(STEP)
#undef STEP
	}
	vf sum = vzero();
#define SUM(k) sum = vadd(sum, acc##k);
	CHAINS(SUM)
#undef SUM
	return vhsum(sum);
}

size_t GD__NAME(gd_peak_lanes_, VSUFFIX)(void)
{
	return VW;
}

void GD__NAME(gd_transpose_f32_, VSUFFIX)(const float *const *src, size_t k, float *dst, size_t ld)
{
	vtranspose(src, k, dst, ld);
}
