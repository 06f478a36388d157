/*
 * Thin float32 vector layer over the Arm Scalable Vector Extension. Vector
 * length agnostic: VW is svcntw(), read at run time (4 lanes at 128 bits up
 * to 64 at 2048), so one binary runs at every length an implementation
 * chooses. Tails are predicated: vtail(rem) is svwhilelt over the rem valid
 * lanes, loads zero the inactive lanes and stores leave their memory alone.
 * SVE vectors are sizeless types: kernels over this layer keep them in
 * named variables, never in arrays or structs.
 */
#ifndef GD_VEC_SVE_H
#define GD_VEC_SVE_H
#include <arm_sve.h>
#include <stddef.h>
#include <stdint.h>
#include "../dtype.h"

#define VW ((size_t)svcntw())
#define VSUFFIX sve
#define GD_VREGS 32
typedef svfloat32_t vf;
typedef svbool_t vc;  /* comparison result */
typedef svbool_t vm;  /* tail predicate */

#define VINL static inline __attribute__((always_inline))
#define VALL svptrue_b32()

VINL vm vtail(size_t rem) { return svwhilelt_b32_u64(0, (uint64_t)rem); }
VINL vf vld(const float *p, int tail, vm m) { return svld1_f32(tail ? m : VALL, p); }
VINL void vst(float *p, vf v, int tail, vm m) { svst1_f32(tail ? m : VALL, p, v); }
VINL vf vset1(float x) { return svdup_n_f32(x); }
VINL vf vzero(void) { return svdup_n_f32(0.0f); }
VINL vf vadd(vf a, vf b) { return svadd_f32_x(VALL, a, b); }
VINL vf vsub(vf a, vf b) { return svsub_f32_x(VALL, a, b); }
VINL vf vmul(vf a, vf b) { return svmul_f32_x(VALL, a, b); }
VINL vf vdiv(vf a, vf b) { return svdiv_f32_x(VALL, a, b); }
VINL vf vsqrt(vf a) { return svsqrt_f32_x(VALL, a); }
VINL vf vfma(vf a, vf b, vf c) { return svmad_f32_x(VALL, a, b, c); }  /* a*b + c */
VINL vf vfnma(vf a, vf b, vf c) { return svmsb_f32_x(VALL, a, b, c); } /* c - a*b */
VINL vc vgt(vf a, vf b) { return svcmpgt_f32(VALL, a, b); }
VINL vc vlt(vf a, vf b) { return svcmplt_f32(VALL, a, b); }
VINL vf vsel(vc c, vf t, vf f) { return svsel_f32(c, t, f); } /* c ? t : f */
/* exactly the C ternaries a > b ? a : b, a < b ? a : b (b wins on NaN) */
VINL vf vmax(vf a, vf b) { return svsel_f32(svcmpgt_f32(VALL, a, b), a, b); }
VINL vf vmin(vf a, vf b) { return svsel_f32(svcmplt_f32(VALL, a, b), a, b); }
VINL vf vabs(vf a) { return svabs_f32_x(VALL, a); }
/* bitwise a | (b & z): moves data without floating-point arithmetic */
VINL vf vor_and(vf a, vf b, vf z)
{
	svuint32_t r = svorr_u32_x(VALL, svreinterpret_u32_f32(a),
	                           svand_u32_x(VALL, svreinterpret_u32_f32(b), svreinterpret_u32_f32(z)));
	return svreinterpret_f32_u32(r);
}
VINL vf vbits(int x) { return svreinterpret_f32_s32(svdup_n_s32(x)); }
/* svaddv adds in a tree whose shape depends on the vector length; the
 * kernels' tolerances allow for that as for any other summation order */
VINL float vhsum(vf a) { return svaddv_f32(VALL, a); }
/* dst[l * ld + q] = src[q][k + l] for q, l < VW: a VW x VW block transposed,
 * element by element (VW is known only at run time) */
VINL void vtranspose(const float *const *src, size_t k, float *dst, size_t ld)
{
	for (size_t l = 0; l < VW; l++)
		for (size_t q = 0; q < VW; q++)
			dst[l * ld + q] = src[q][k + l];
}
VINL vf vround(vf a) { return svrintn_f32_x(VALL, a); } /* to nearest, ties to even */
/* y * 2^n for integral n in [-126, 127] */
VINL vf vpow2n(vf y, vf n) { return svscale_f32_x(VALL, y, svcvt_s32_f32_x(VALL, n)); }

/*
 * 16-bit storage (dtype.h) in 32-bit containers: ld1h/st1h widen and
 * narrow (svld1uh_u32 / svst1h_u32), so a vector of bf16 or f16 has VW
 * lanes like vf and the tail predicate is the same. bf16 by integer shifts
 * (bit-exact with the scalar reference, no BF16 extension needed); f16 by
 * fcvt on the low half of each container (svcvt_f32_f16_x / svcvt_f16_f32_x:
 * nearest even, NaNs quieted, overflow to Inf).
 */
VINL svuint32_t vld_u16(const void *p, int tail, vm m) { return svld1uh_u32(tail ? m : VALL, (const uint16_t *)p); }
VINL void vst_u16(void *p, svuint32_t x, int tail, vm m) { svst1h_u32(tail ? m : VALL, (uint16_t *)p, x); }
/* r where u is not a NaN; a NaN's top half, quieted (sign kept) */
VINL svuint32_t vbf16_nan(svuint32_t u, svuint32_t r)
{
	svbool_t isnan = svcmpgt_n_u32(VALL, svand_n_u32_x(VALL, u, 0x7fffffffu), 0x7f800000u);
	return svsel_u32(isnan, svorr_n_u32_x(VALL, svlsr_n_u32_x(VALL, u, 16), 0x40u), r);
}
VINL vf vld_bf16(const gd_bf16 *p, int tail, vm m)
{
	return svreinterpret_f32_u32(svlsl_n_u32_x(VALL, vld_u16(p, tail, m), 16));
}
VINL void vst_bf16(gd_bf16 *p, vf v, int tail, vm m)
{
	svuint32_t u = svreinterpret_u32_f32(v);
	svuint32_t lsb = svand_n_u32_x(VALL, svlsr_n_u32_x(VALL, u, 16), 1u);
	svuint32_t r = svlsr_n_u32_x(VALL, svadd_u32_x(VALL, svadd_n_u32_x(VALL, u, 0x7fffu), lsb), 16);
	vst_u16(p, vbf16_nan(u, r), tail, m);
}
/* gd_sr_bits(key, salt, idx + lane) for every lane */
VINL svuint32_t vsr_bits(uint32_t key, uint32_t salt, uint64_t idx)
{
	svuint32_t x = sveor_n_u32_x(VALL, svindex_u32((uint32_t)idx, 1), key + salt * 0x9e3779b9u);
	x = sveor_u32_x(VALL, x, svlsr_n_u32_x(VALL, x, 16));
	x = svmul_n_u32_x(VALL, x, 0x7feb352du);
	x = sveor_u32_x(VALL, x, svlsr_n_u32_x(VALL, x, 15));
	x = svmul_n_u32_x(VALL, x, 0x846ca68bu);
	return sveor_u32_x(VALL, x, svlsr_n_u32_x(VALL, x, 16));
}
VINL void vst_bf16_sr(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	svuint32_t u = svreinterpret_u32_f32(v);
	svuint32_t r = svand_n_u32_x(VALL, vsr_bits(key, salt, idx), 0xffffu);
	r = svlsr_n_u32_x(VALL, svadd_u32_x(VALL, u, r), 16);
	svbool_t isinf = svcmpeq_n_u32(VALL, svand_n_u32_x(VALL, u, 0x7fffffffu), 0x7f800000u);
	r = svsel_u32(isinf, svlsr_n_u32_x(VALL, u, 16), r); /* Inf stays Inf */
	vst_u16(p, vbf16_nan(u, r), tail, m);
}
VINL vf vld_f16(const gd_f16 *p, int tail, vm m)
{
	return svcvt_f32_f16_x(VALL, svreinterpret_f16_u32(vld_u16(p, tail, m)));
}
VINL void vst_f16(gd_f16 *p, vf v, int tail, vm m)
{
	vst_u16(p, svreinterpret_u32_f16(svcvt_f16_f32_x(VALL, v)), tail, m);
}
#endif
