/* Thin float32 vector layer over AVX-512F: 16 lanes, tails through k-masks. */
#ifndef GD_VEC_AVX512_H
#define GD_VEC_AVX512_H
#include <immintrin.h>
#include <stddef.h>

#define VW 16
#define VSUFFIX avx512
#define GD_VREGS 32
typedef __m512 vf;
typedef __mmask16 vc;   /* comparison result */
typedef __mmask16 vm;   /* tail mask */

#define VINL static inline __attribute__((always_inline))

VINL vm vtail(size_t rem) { return (vm)((1u << rem) - 1u); }
/* tail is a compile-time constant at every call site, so the branch folds */
VINL vf vld(const float *p, int tail, vm m) { return tail ? _mm512_maskz_loadu_ps(m, p) : _mm512_loadu_ps(p); }
VINL void vst(float *p, vf v, int tail, vm m) { if (tail) _mm512_mask_storeu_ps(p, m, v); else _mm512_storeu_ps(p, v); }
VINL vf vset1(float x) { return _mm512_set1_ps(x); }
VINL vf vzero(void) { return _mm512_setzero_ps(); }
VINL vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
VINL vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
VINL vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
VINL vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
VINL vf vsqrt(vf a) { return _mm512_sqrt_ps(a); }
VINL vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }   /* a*b + c */
VINL vf vfnma(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); } /* c - a*b */
/* a > b ? a : b and a < b ? a : b, like the C ternaries (b wins on NaN) */
VINL vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
VINL vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
VINL vf vabs(vf a) { return _mm512_abs_ps(a); }
VINL vc vgt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
VINL vc vlt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
VINL vf vsel(vc c, vf t, vf f) { return _mm512_mask_blend_ps(c, f, t); } /* c ? t : f */
/* bitwise a | (b & z): moves data without floating-point arithmetic */
VINL vf vor_and(vf a, vf b, vf z)
{
	__m512i r = _mm512_or_si512(_mm512_castps_si512(a),
	                            _mm512_and_si512(_mm512_castps_si512(b), _mm512_castps_si512(z)));
	return _mm512_castsi512_ps(r);
}
VINL vf vbits(int x) { return _mm512_castsi512_ps(_mm512_set1_epi32(x)); }
VINL float vhsum(vf a) { return _mm512_reduce_add_ps(a); }
/* round to nearest integer value (as float) */
VINL vf vround(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/* y * 2^n for integral n in [-126, 127] */
VINL vf vpow2n(vf y, vf n) { return _mm512_scalef_ps(y, n); }
#endif
