/*
 * The vector layer with one lane: plain C, so every probe and kernel
 * written over the layer builds on any CPU (the portable FMA and bandwidth
 * probes are probe_simd.c compiled with this header). There is never a
 * tail: n is always a multiple of one lane.
 */
#ifndef GD_VEC_SCALAR_H
#define GD_VEC_SCALAR_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "../dtype.h"

#define VW 1
#define VSUFFIX scalar
#define GD_VREGS 16
typedef float vf;
typedef int vc;
typedef int vm;

#define VINL static inline __attribute__((always_inline))

VINL vm vtail(size_t rem) { return (vm)rem; }
VINL vf vld(const float *p, int tail, vm m) { (void)tail; (void)m; return *p; }
VINL void vst(float *p, vf v, int tail, vm m) { (void)tail; (void)m; *p = v; }
VINL vf vset1(float x) { return x; }
VINL vf vzero(void) { return 0.0f; }
VINL vf vadd(vf a, vf b) { return a + b; }
VINL vf vsub(vf a, vf b) { return a - b; }
VINL vf vmul(vf a, vf b) { return a * b; }
VINL vf vdiv(vf a, vf b) { return a / b; }
VINL vf vsqrt(vf a) { return sqrtf(a); }
/* a*b + c as two operations: a CPU of this level may have no FMA, and a
 * library fmaf() would be far slower than either */
VINL vf vfma(vf a, vf b, vf c) { return a * b + c; }
VINL vf vfnma(vf a, vf b, vf c) { return c - a * b; }
VINL vf vmax(vf a, vf b) { return a > b ? a : b; }
VINL vf vmin(vf a, vf b) { return a < b ? a : b; }
VINL vf vabs(vf a) { return fabsf(a); }
VINL vc vgt(vf a, vf b) { return a > b; }
VINL vc vlt(vf a, vf b) { return a < b; }
VINL vf vsel(vc c, vf t, vf f) { return c ? t : f; }
VINL vf vor_and(vf a, vf b, vf z)
{
	uint32_t ua, ub, uz;
	memcpy(&ua, &a, 4);
	memcpy(&ub, &b, 4);
	memcpy(&uz, &z, 4);
	ua |= ub & uz;
	memcpy(&a, &ua, 4);
	return a;
}
VINL vf vbits(int x) { vf f; memcpy(&f, &x, 4); return f; }
VINL float vhsum(vf a) { return a; }
/* dst[l * ld + q] = src[q][k + l] for q, l < VW: a VW x VW block transposed */
VINL void vtranspose(const float *const *src, size_t k, float *dst, size_t ld) { (void)ld; dst[0] = src[0][k]; }
VINL vf vround(vf a) { return rintf(a); }
VINL vf vpow2n(vf y, vf n) { return ldexpf(y, (int)n); }

/* 16-bit storage: dtype.h's scalar reference conversions themselves. */
VINL vf vld_bf16(const gd_bf16 *p, int tail, vm m) { (void)tail; (void)m; return gd_bf16_to_f32(*p); }
VINL void vst_bf16(gd_bf16 *p, vf v, int tail, vm m) { (void)tail; (void)m; *p = gd_bf16_rne(v); }
VINL void vst_bf16_sr(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	(void)tail;
	(void)m;
	*p = gd_bf16_sr(v, gd_sr_bits(key, salt, idx));
}
VINL vf vld_f16(const gd_f16 *p, int tail, vm m) { (void)tail; (void)m; return gd_f16_to_f32(*p); }
VINL void vst_f16(gd_f16 *p, vf v, int tail, vm m) { (void)tail; (void)m; *p = gd_f16_rne(v); }
#endif
