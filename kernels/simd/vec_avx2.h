/* Thin float32 vector layer over AVX2 + FMA: 8 lanes, tails through maskload/maskstore. */
#ifndef GD_VEC_AVX2_H
#define GD_VEC_AVX2_H
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../dtype.h"

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
/* dst[l * ld + q] = src[q][k + l] for q, l < VW: a VW x VW block transposed */
VINL void vtranspose(const float *const *src, size_t k, float *dst, size_t ld)
{
	__m256 r[8], t[8], s[8];
	for (int q = 0; q < 8; q++)
		r[q] = _mm256_loadu_ps(src[q] + k);
	for (int q = 0; q < 8; q += 2) {
		t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
		t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
	}
	/* s[4h+b] holds in 128-bit lane L column 4L+b of rows 4h..4h+3 */
	for (int h = 0; h < 8; h += 4) {
		s[h] = _mm256_shuffle_ps(t[h], t[h + 2], 0x44);
		s[h + 1] = _mm256_shuffle_ps(t[h], t[h + 2], 0xEE);
		s[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], 0x44);
		s[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], 0xEE);
	}
	for (int b = 0; b < 4; b++) {
		_mm256_storeu_ps(dst + (size_t)b * ld, _mm256_permute2f128_ps(s[b], s[4 + b], 0x20));
		_mm256_storeu_ps(dst + (size_t)(4 + b) * ld, _mm256_permute2f128_ps(s[b], s[4 + b], 0x31));
	}
}
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

/*
 * 16-bit storage (dtype.h): bf16 by integer shifts, f16 by F16C. No
 * AVX512-BF16 or AVX-NE-CONVERT instructions: Zen 3/4 VMs may lack them,
 * and the integer form is bit-exact with dtype.h's scalar reference.
 * AVX2 has no 16-bit masked load or store, so a tail goes through an
 * 8-element stack buffer (its length is the mask's lane count).
 */
VINL size_t vtail_len(vm m) { return (size_t)__builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(m))); }
VINL __m128i vld_u16(const void *p, int tail, vm m)
{
	if (!tail)
		return _mm_loadu_si128((const __m128i *)p);
	uint16_t b[8] = { 0 };
	memcpy(b, p, 2 * vtail_len(m));
	return _mm_loadu_si128((const __m128i *)b);
}
VINL void vst_u16(void *p, __m128i x, int tail, vm m)
{
	if (!tail) {
		_mm_storeu_si128((__m128i *)p, x);
		return;
	}
	uint16_t b[8];
	_mm_storeu_si128((__m128i *)b, x);
	memcpy(p, b, 2 * vtail_len(m));
}
/* the low 16 bits of 8 lanes (each < 2^16, so the saturating pack is exact), in order */
VINL __m128i vpack16(__m256i x)
{
	return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi32(x, x), 0x08));
}
VINL __m256i vs1(uint32_t x) { return _mm256_set1_epi32((int)x); }
/* r where u is not a NaN; a NaN's top half, quieted (sign kept) */
VINL __m256i vbf16_nan(__m256i u, __m256i r)
{
	__m256i isnan = _mm256_cmpgt_epi32(_mm256_and_si256(u, vs1(0x7fffffffu)), vs1(0x7f800000u));
	return _mm256_blendv_epi8(r, _mm256_or_si256(_mm256_srli_epi32(u, 16), vs1(0x40u)), isnan);
}
VINL vf vld_bf16(const gd_bf16 *p, int tail, vm m)
{
	return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(vld_u16(p, tail, m)), 16));
}
VINL void vst_bf16(gd_bf16 *p, vf v, int tail, vm m)
{
	__m256i u = _mm256_castps_si256(v);
	__m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), vs1(1));
	__m256i r = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(u, vs1(0x7fffu)), lsb), 16);
	vst_u16(p, vpack16(vbf16_nan(u, r)), tail, m);
}
/* gd_sr_bits(key, salt, idx + lane) for every lane */
VINL __m256i vsr_bits(uint32_t key, uint32_t salt, uint64_t idx)
{
	__m256i x = _mm256_add_epi32(vs1((uint32_t)idx), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	x = _mm256_xor_si256(x, vs1(key + salt * 0x9e3779b9u));
	x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
	x = _mm256_mullo_epi32(x, vs1(0x7feb352du));
	x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
	x = _mm256_mullo_epi32(x, vs1(0x846ca68bu));
	return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}
VINL void vst_bf16_sr(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	__m256i u = _mm256_castps_si256(v);
	__m256i r = _mm256_and_si256(vsr_bits(key, salt, idx), vs1(0xffffu));
	r = _mm256_srli_epi32(_mm256_add_epi32(u, r), 16);
	__m256i isinf = _mm256_cmpeq_epi32(_mm256_and_si256(u, vs1(0x7fffffffu)), vs1(0x7f800000u));
	r = _mm256_blendv_epi8(r, _mm256_srli_epi32(u, 16), isinf); /* Inf stays Inf */
	vst_u16(p, vpack16(vbf16_nan(u, r)), tail, m);
}
VINL vf vld_f16(const gd_f16 *p, int tail, vm m) { return _mm256_cvtph_ps(vld_u16(p, tail, m)); }
VINL void vst_f16(gd_f16 *p, vf v, int tail, vm m)
{
	vst_u16(p, _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), tail, m);
}
#endif
