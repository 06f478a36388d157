/* Thin float32 vector layer over AVX-512F: 16 lanes, tails through k-masks. */
#ifndef GD_VEC_AVX512_H
#define GD_VEC_AVX512_H
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../dtype.h"

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
/* dst[l * ld + q] = src[q][k + l] for q, l < VW: a VW x VW block transposed */
VINL void vtranspose(const float *const *src, size_t k, float *dst, size_t ld)
{
	__m512 t[16], u[16];
	for (int q = 0; q < 16; q++)
		t[q] = _mm512_loadu_ps(src[q] + k);
	/* pairs of rows interleaved, then quads: t[4a+b] holds in 128-bit lane L
	 * column 4L+b of rows 4a..4a+3; then the lanes gathered across quads */
	for (int q = 0; q < 16; q += 2) {
		u[q] = _mm512_unpacklo_ps(t[q], t[q + 1]);
		u[q + 1] = _mm512_unpackhi_ps(t[q], t[q + 1]);
	}
	for (int q = 0; q < 16; q += 4) {
		__m512d a = _mm512_castps_pd(u[q]), b = _mm512_castps_pd(u[q + 1]);
		__m512d c = _mm512_castps_pd(u[q + 2]), d = _mm512_castps_pd(u[q + 3]);
		t[q] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
		t[q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
		t[q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
		t[q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
	}
	for (int b = 0; b < 4; b++) {
		__m512 lo01 = _mm512_shuffle_f32x4(t[b], t[4 + b], 0x44), hi01 = _mm512_shuffle_f32x4(t[b], t[4 + b], 0xEE);
		__m512 lo23 = _mm512_shuffle_f32x4(t[8 + b], t[12 + b], 0x44), hi23 = _mm512_shuffle_f32x4(t[8 + b], t[12 + b], 0xEE);
		_mm512_storeu_ps(dst + (size_t)b * ld, _mm512_shuffle_f32x4(lo01, lo23, 0x88));
		_mm512_storeu_ps(dst + (size_t)(4 + b) * ld, _mm512_shuffle_f32x4(lo01, lo23, 0xDD));
		_mm512_storeu_ps(dst + (size_t)(8 + b) * ld, _mm512_shuffle_f32x4(hi01, hi23, 0x88));
		_mm512_storeu_ps(dst + (size_t)(12 + b) * ld, _mm512_shuffle_f32x4(hi01, hi23, 0xDD));
	}
}
/* round to nearest integer value (as float) */
VINL vf vround(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/* y * 2^n for integral n in [-126, 127] */
VINL vf vpow2n(vf y, vf n) { return _mm512_scalef_ps(y, n); }

/*
 * 16-bit storage (dtype.h): bf16 by integer shifts, f16 by F16C's 512-bit
 * forms. No AVX512-BF16 instructions (Zen 3/4 VMs may lack them; the
 * integer form is bit-exact with the scalar reference). Tails: AVX512BW
 * masked 16-bit loads, vpmovdw's masked store.
 */
VINL __m512i vs1(uint32_t x) { return _mm512_set1_epi32((int)x); }
VINL __m256i vld_u16(const void *p, int tail, vm m)
{
	return tail ? _mm256_maskz_loadu_epi16(m, p) : _mm256_loadu_si256((const __m256i *)p);
}
/* the low 16 bits of each lane */
VINL void vst_u16(void *p, __m512i x, int tail, vm m)
{
	if (tail)
		_mm512_mask_cvtepi32_storeu_epi16(p, m, x);
	else
		_mm256_storeu_si256((__m256i *)p, _mm512_cvtepi32_epi16(x));
}
/* r where u is not a NaN; a NaN's top half, quieted (sign kept) */
VINL __m512i vbf16_nan(__m512i u, __m512i r)
{
	__mmask16 isnan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, vs1(0x7fffffffu)), vs1(0x7f800000u));
	return _mm512_mask_blend_epi32(isnan, r, _mm512_or_si512(_mm512_srli_epi32(u, 16), vs1(0x40u)));
}
VINL vf vld_bf16(const gd_bf16 *p, int tail, vm m)
{
	return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(vld_u16(p, tail, m)), 16));
}
VINL void vst_bf16(gd_bf16 *p, vf v, int tail, vm m)
{
	__m512i u = _mm512_castps_si512(v);
	__m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), vs1(1));
	__m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(u, vs1(0x7fffu)), lsb), 16);
	vst_u16(p, vbf16_nan(u, r), tail, m);
}
/* gd_sr_bits(key, salt, idx + lane) for every lane */
VINL __m512i vsr_bits(uint32_t key, uint32_t salt, uint64_t idx)
{
	__m512i x = _mm512_add_epi32(vs1((uint32_t)idx),
	                             _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
	x = _mm512_xor_si512(x, vs1(key + salt * 0x9e3779b9u));
	x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
	x = _mm512_mullo_epi32(x, vs1(0x7feb352du));
	x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 15));
	x = _mm512_mullo_epi32(x, vs1(0x846ca68bu));
	return _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
}
VINL void vst_bf16_sr(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	__m512i u = _mm512_castps_si512(v);
	__m512i r = _mm512_and_si512(vsr_bits(key, salt, idx), vs1(0xffffu));
	r = _mm512_srli_epi32(_mm512_add_epi32(u, r), 16);
	__mmask16 isinf = _mm512_cmpeq_epi32_mask(_mm512_and_si512(u, vs1(0x7fffffffu)), vs1(0x7f800000u));
	r = _mm512_mask_blend_epi32(isinf, r, _mm512_srli_epi32(u, 16)); /* Inf stays Inf */
	vst_u16(p, vbf16_nan(u, r), tail, m);
}
VINL vf vld_f16(const gd_f16 *p, int tail, vm m) { return _mm512_cvtph_ps(vld_u16(p, tail, m)); }
VINL void vst_f16(gd_f16 *p, vf v, int tail, vm m)
{
	__m256i h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	if (tail)
		_mm256_mask_storeu_epi16(p, m, h);
	else
		_mm256_storeu_si256((__m256i *)p, h);
}
#endif
