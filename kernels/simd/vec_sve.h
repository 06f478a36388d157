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
VINL vf vround(vf a) { return svrintn_f32_x(VALL, a); } /* to nearest, ties to even */
/* y * 2^n for integral n in [-126, 127] */
VINL vf vpow2n(vf y, vf n) { return svscale_f32_x(VALL, y, svcvt_s32_f32_x(VALL, n)); }
#endif
