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

#define GD__PROBE_DECL(v)                                                                 \
	void gd_copy_f32_##v(float *restrict a, const float *restrict b, size_t n);       \
	void gd_triad_f32_##v(float *restrict a, const float *restrict b,                 \
	                      const float *restrict c, float s, size_t n);                \
	float gd_fma_peak_##v(long iters, float seed);
GD__PROBE_DECL(avx2)
GD__PROBE_DECL(avx512)
#undef GD__PROBE_DECL
/* lanes per FMA of each probe */
#define GD_PEAK_LANES_AVX2 8
#define GD_PEAK_LANES_AVX512 16
#endif
