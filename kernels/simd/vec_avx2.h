/* Thin float32 vector layer over AVX2 + FMA: 8 lanes, tails through maskload/maskstore. */
#ifndef GD_VEC_AVX2_H
#define GD_VEC_AVX2_H
#include <immintrin.h>
#include <stddef.h>

#define VW 8
#define VSUFFIX avx2
#define GD_VREGS 16
typedef __m256 vf;
typedef __m256 vc;     /* comparison result: all-ones lanes */
typedef __m256i vm;    /* tail mask for maskload/maskstore */

#define VINL static inline __attribute__((always_inline))

VINL vm vtail(size_t rem)
{
	return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
VINL vf vld(const float *p, int tail, vm m) { return tail ? _mm256_maskload_ps(p, m) : _mm256_loadu_ps(p); }
VINL void vst(float *p, vf v, int tail, vm m) { if (tail) _mm256_maskstore_ps(p, m, v); else _mm256_storeu_ps(p, v); }
VINL vf vset1(float x) { return _mm256_set1_ps(x); }
VINL vf vzero(void) { return _mm256_setzero_ps(); }
VINL vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
VINL vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
VINL vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
VINL vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
VINL vf vsqrt(vf a) { return _mm256_sqrt_ps(a); }
VINL vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
VINL vf vfnma(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }
VINL vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
VINL vf vmin(vf a, vf b) { return _mm256_min_ps(a, b); }
VINL vf vabs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
VINL vc vgt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
VINL vc vlt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
VINL vf vsel(vc c, vf t, vf f) { return _mm256_blendv_ps(f, t, c); }
VINL vf vor_and(vf a, vf b, vf z) { return _mm256_or_ps(a, _mm256_and_ps(b, z)); }
VINL vf vbits(int x) { return _mm256_castsi256_ps(_mm256_set1_epi32(x)); }
VINL float vhsum(vf a)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}
VINL vf vround(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/* y * 2^n for integral n in [-126, 127]: n goes straight into the exponent bits */
VINL vf vpow2n(vf y, vf n)
{
	__m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
	return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}
#endif
