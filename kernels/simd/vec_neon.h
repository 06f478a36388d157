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
VINL vf vround(vf a) { return vrndnq_f32(a); } /* to nearest, ties to even */
/* y * 2^n for integral n in [-126, 127]: n goes straight into the exponent bits */
VINL vf vpow2n(vf y, vf n)
{
	int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23);
	return vmulq_f32(y, vreinterpretq_f32_s32(e));
}
#endif
