/* Roofline probes: STREAM-style copy and triad, and an FMA-throughput loop, one per ISA. */
#ifndef GD_PROBE_H
#define GD_PROBE_H
#include <stddef.h>

/* a[i] = b[i] (8 bytes per element moved, as STREAM counts them) */
typedef void (*gd_copy_fn)(float *restrict a, const float *restrict b, size_t n);
/* a[i] = b[i] + s*c[i] (12 bytes per element) */
typedef void (*gd_triad_fn)(float *restrict a, const float *restrict b, const float *restrict c,
                            float s, size_t n);
/* iters rounds of GD_PEAK_CHAINS independent vector FMAs; returns a value
 * that depends on all of them. FLOPs = 2 * lanes * GD_PEAK_CHAINS * iters. */
typedef float (*gd_fma_fn)(long iters, float seed);
#define GD_PEAK_CHAINS 12

/* lanes per FMA of the probe (VW of its vector layer; SVE reads it at run time) */
typedef size_t (*gd_lanes_fn)(void);
/* The vector layer's vtranspose, exported so test_checkasm can check each
 * level's: dst[l * ld + q] = src[q][k + l] for q, l < lanes. */
typedef void (*gd_transpose_fn)(const float *const *src, size_t k, float *dst, size_t ld);

/* One set per vector layer: scalar is the portable one (kernels/simd/vec_scalar.h). */
#define GD__PROBE_DECL(v)                                                                 \
	void gd_copy_f32_##v(float *restrict a, const float *restrict b, size_t n);       \
	void gd_triad_f32_##v(float *restrict a, const float *restrict b,                 \
	                      const float *restrict c, float s, size_t n);                \
	float gd_fma_peak_##v(long iters, float seed);                                    \
	size_t gd_peak_lanes_##v(void);                                                   \
	void gd_transpose_f32_##v(const float *const *src, size_t k, float *dst, size_t ld);
GD__PROBE_DECL(scalar)
GD__PROBE_DECL(avx2)
GD__PROBE_DECL(avx512)
GD__PROBE_DECL(neon)
GD__PROBE_DECL(sve)
#undef GD__PROBE_DECL
#endif
