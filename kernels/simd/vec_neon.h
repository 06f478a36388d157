/*
 * Thin float32 vector layer over AArch64 Advanced SIMD (NEON): 4 lanes,
 * 32 registers. NEON has no masked loads or stores, so a tail (rem < 4
 * elements) goes through a 4-float buffer on the stack: vld copies the rem
 * valid elements in and zeroes the other lanes (as the x86 masked loads
 * do), the arithmetic runs on the full vector, and vst copies only the rem
 * valid lanes out. No access ever crosses an array's end, and what the
 * unused lanes compute is never stored.
 */
#ifndef GD_VEC_NEON_H
#define GD_VEC_NEON_H
#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../dtype.h"

#define VW 4
#define VSUFFIX neon
#define GD_VREGS 32
typedef float32x4_t vf;
typedef uint32x4_t vc;  /* comparison result: all-ones lanes */
typedef size_t vm;      /* tail: the number of valid lanes */

#define VINL static inline __attribute__((always_inline))

VINL vm vtail(size_t rem) { return rem; }
VINL vf vld(const float *p, int tail, vm m)
{
	if (!tail)
		return vld1q_f32(p);
	float b[4] = { 0, 0, 0, 0 };
	for (size_t k = 0; k < m; k++)
		b[k] = p[k];
	return vld1q_f32(b);
}
VINL void vst(float *p, vf v, int tail, vm m)
{
	if (!tail) {
		vst1q_f32(p, v);
		return;
	}
	float b[4];
	vst1q_f32(b, v);
	for (size_t k = 0; k < m; k++)
		p[k] = b[k];
}
VINL vf vset1(float x) { return vdupq_n_f32(x); }
VINL vf vzero(void) { return vdupq_n_f32(0.0f); }
VINL vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
VINL vf vsub(vf a, vf b) { return vsubq_f32(a, b); }
VINL vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
VINL vf vdiv(vf a, vf b) { return vdivq_f32(a, b); }
VINL vf vsqrt(vf a) { return vsqrtq_f32(a); }
VINL vf vfma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }  /* a*b + c */
VINL vf vfnma(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); } /* c - a*b */
VINL vc vgt(vf a, vf b) { return vcgtq_f32(a, b); }
VINL vc vlt(vf a, vf b) { return vcltq_f32(a, b); }
VINL vf vsel(vc c, vf t, vf f) { return vbslq_f32(c, t, f); } /* c ? t : f */
/* a > b ? a : b and a < b ? a : b exactly as the C ternaries (b wins on NaN,
 * and on equal zeros), as the x86 max/min instructions give: FMAX would not */
VINL vf vmax(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
VINL vf vmin(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
VINL vf vabs(vf a) { return vabsq_f32(a); }
/* bitwise a | (b & z): moves data without floating-point arithmetic */
VINL vf vor_and(vf a, vf b, vf z)
{
	uint32x4_t r = vorrq_u32(vreinterpretq_u32_f32(a),
	                         vandq_u32(vreinterpretq_u32_f32(b), vreinterpretq_u32_f32(z)));
	return vreinterpretq_f32_u32(r);
}
VINL vf vbits(int x) { return vreinterpretq_f32_s32(vdupq_n_s32(x)); }
VINL float vhsum(vf a) { return vaddvq_f32(a); }
/* dst[l * ld + q] = src[q][k + l] for q, l < VW: a VW x VW block transposed */
VINL void vtranspose(const float *const *src, size_t k, float *dst, size_t ld)
{
	float32x4x2_t p = vtrnq_f32(vld1q_f32(src[0] + k), vld1q_f32(src[1] + k));
	float32x4x2_t q = vtrnq_f32(vld1q_f32(src[2] + k), vld1q_f32(src[3] + k));
	vst1q_f32(dst, vcombine_f32(vget_low_f32(p.val[0]), vget_low_f32(q.val[0])));
	vst1q_f32(dst + ld, vcombine_f32(vget_low_f32(p.val[1]), vget_low_f32(q.val[1])));
	vst1q_f32(dst + 2 * ld, vcombine_f32(vget_high_f32(p.val[0]), vget_high_f32(q.val[0])));
	vst1q_f32(dst + 3 * ld, vcombine_f32(vget_high_f32(p.val[1]), vget_high_f32(q.val[1])));
}
VINL vf vround(vf a) { return vrndnq_f32(a); } /* to nearest, ties to even */
/* y * 2^n for integral n in [-126, 127]: n goes straight into the exponent bits */
VINL vf vpow2n(vf y, vf n)
{
	int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23);
	return vmulq_f32(y, vreinterpretq_f32_s32(e));
}

/*
 * 16-bit storage (dtype.h): bf16 by integer shifts (bit-exact with the
 * scalar reference, and no BF16 extension needed), f16 by the ARMv8.0
 * fcvtl/fcvtn (vcvt_f32_f16 / vcvt_f16_f32: nearest even, NaNs quieted,
 * overflow to Inf as the scalar reference). Tails through a 4-element
 * stack buffer, as vld/vst do.
 */
VINL uint16x4_t vld_u16(const void *p, int tail, vm m)
{
	if (!tail)
		return vld1_u16((const uint16_t *)p);
	uint16_t b[4] = { 0, 0, 0, 0 };
	memcpy(b, p, 2 * m);
	return vld1_u16(b);
}
VINL void vst_u16(void *p, uint16x4_t x, int tail, vm m)
{
	if (!tail) {
		vst1_u16((uint16_t *)p, x);
		return;
	}
	uint16_t b[4];
	vst1_u16(b, x);
	memcpy(p, b, 2 * m);
}
/* r where u is not a NaN; a NaN's top half, quieted (sign kept) */
VINL uint32x4_t vbf16_nan(uint32x4_t u, uint32x4_t r)
{
	uint32x4_t isnan = vcgtq_u32(vandq_u32(u, vdupq_n_u32(0x7fffffffu)), vdupq_n_u32(0x7f800000u));
	return vbslq_u32(isnan, vorrq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(0x40u)), r);
}
VINL vf vld_bf16(const gd_bf16 *p, int tail, vm m)
{
	return vreinterpretq_f32_u32(vshll_n_u16(vld_u16(p, tail, m), 16));
}
VINL void vst_bf16(gd_bf16 *p, vf v, int tail, vm m)
{
	uint32x4_t u = vreinterpretq_u32_f32(v);
	uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
	uint32x4_t r = vshrq_n_u32(vaddq_u32(vaddq_u32(u, vdupq_n_u32(0x7fffu)), lsb), 16);
	vst_u16(p, vmovn_u32(vbf16_nan(u, r)), tail, m);
}
/* gd_sr_bits(key, salt, idx + lane) for every lane */
VINL uint32x4_t vsr_bits(uint32_t key, uint32_t salt, uint64_t idx)
{
	static const uint32_t lane[4] = { 0, 1, 2, 3 };
	uint32x4_t x = vaddq_u32(vdupq_n_u32((uint32_t)idx), vld1q_u32(lane));
	x = veorq_u32(x, vdupq_n_u32(key + salt * 0x9e3779b9u));
	x = veorq_u32(x, vshrq_n_u32(x, 16));
	x = vmulq_u32(x, vdupq_n_u32(0x7feb352du));
	x = veorq_u32(x, vshrq_n_u32(x, 15));
	x = vmulq_u32(x, vdupq_n_u32(0x846ca68bu));
	return veorq_u32(x, vshrq_n_u32(x, 16));
}
VINL void vst_bf16_sr(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	uint32x4_t u = vreinterpretq_u32_f32(v);
	uint32x4_t r = vandq_u32(vsr_bits(key, salt, idx), vdupq_n_u32(0xffffu));
	r = vshrq_n_u32(vaddq_u32(u, r), 16);
	uint32x4_t isinf = vceqq_u32(vandq_u32(u, vdupq_n_u32(0x7fffffffu)), vdupq_n_u32(0x7f800000u));
	r = vbslq_u32(isinf, vshrq_n_u32(u, 16), r); /* Inf stays Inf */
	vst_u16(p, vmovn_u32(vbf16_nan(u, r)), tail, m);
}
VINL vf vld_f16(const gd_f16 *p, int tail, vm m) { return vcvt_f32_f16(vreinterpret_f16_u16(vld_u16(p, tail, m))); }
VINL void vst_f16(gd_f16 *p, vf v, int tail, vm m) { vst_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(v)), tail, m); }
#endif
