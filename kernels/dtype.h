/*
 * Storage types of parameters, gradients and optimizer state (--dtype
 * PARAM/GRAD/STATE[+sr]). Arithmetic is fp32 inside every kernel; only the
 * loads and stores convert. One row per combination that has kernels: each
 * rule's sources are compiled once per row (kernels/meson.build), so a
 * combination costs a build of every rule, and the list holds the ones
 * mixed-precision training uses (DeepSpeed/ZeRO-Offload's bf16 or fp16
 * parameters with fp32 state, all-bf16 with stochastic rounding).
 *
 * X(UP, lo, param, grad, state, sr, ...): the trailing arguments are
 * GD_DTYPE_MAP's own after X, so that other maps can nest it.
 *   lo    the kernel-name part: gd_<rule>_<lo>_<variant>
 *   sr    1: parameter stores, and bf16 state stores, round stochastically
 *         (gd_sr_bits below), else to nearest even. SR is for bf16 stores
 *         only: parameters stored as f16 take no +sr (gd_dtype_parse says
 *         GD_ENOTSUP), and f32 state is always stored as computed.
 */
#ifndef GD_DTYPE_H
#define GD_DTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum { GD_ST_F32, GD_ST_BF16, GD_ST_F16, GD_NSTORE } gd_store;

/* Distinct types so that _Generic picks a conversion by pointer type. */
typedef struct gd_bf16 { uint16_t bits; } gd_bf16;
typedef struct gd_f16 { uint16_t bits; } gd_f16;

#define GD_DTYPE_MAP(X, ...)                                                   \
	X(F32, f32, F32, F32, F32, 0, __VA_ARGS__)                             \
	X(BF16_F32, bf16_bf16_f32, BF16, BF16, F32, 0, __VA_ARGS__)            \
	X(BF16_F32_SR, bf16_bf16_f32_sr, BF16, BF16, F32, 1, __VA_ARGS__)      \
	X(BF16, bf16_bf16_bf16, BF16, BF16, BF16, 0, __VA_ARGS__)              \
	X(BF16_SR, bf16_bf16_bf16_sr, BF16, BF16, BF16, 1, __VA_ARGS__)        \
	X(F16_F32, f16_f16_f32, F16, F16, F32, 0, __VA_ARGS__)

typedef enum {
#define GD__DT_ENUM(up, ...) GD_DT_##up,
	GD_DTYPE_MAP(GD__DT_ENUM, 0)
#undef GD__DT_ENUM
	GD_NDT
} gd_dtype;

/* The --dtype spelling of a row, "bf16/bf16/f32+sr", as a string literal. */
#define GD__SN_F32 "f32"
#define GD__SN_BF16 "bf16"
#define GD__SN_F16 "f16"
#define GD__SR_0 ""
#define GD__SR_1 "+sr"
#define GD__DT_NAME(p, g, s, sr) GD__SN_##p "/" GD__SN_##g "/" GD__SN_##s GD__SR_##sr
#define GD__DT_CHOICE(up, lo, p, g, s, sr, ...) " " GD__DT_NAME(p, g, s, sr)
/* Every spelling, each after a space (help texts and messages). */
#define GD_DTYPE_CHOICES GD_DTYPE_MAP(GD__DT_CHOICE, 0)

/* "f32/f32/f32", "bf16/bf16/f32+sr", ... (the --dtype spelling). */
const char *gd_dtype_name(gd_dtype d);
/* The kernel-name part, "bf16_bf16_f32_sr" (benchmark names: no slashes). */
const char *gd_dtype_label(gd_dtype d);
/* Parse a --dtype word: 0, or GD_EINVAL (malformed: not three storage
 * types) or GD_ENOTSUP (well formed, but no kernels are built for it). */
int gd_dtype_parse(const char *s, gd_dtype *out);
gd_store gd_dtype_param(gd_dtype d);
gd_store gd_dtype_grad(gd_dtype d);
gd_store gd_dtype_state(gd_dtype d);
int gd_dtype_sr(gd_dtype d);
const char *gd_store_name(gd_store s); /* "f32", "bf16", "f16" */
size_t gd_store_size(gd_store s);      /* bytes per element: 4 or 2 */

/*
 * Scalar reference conversions (the scalar kernels and the tests use these;
 * the vector layer's must agree bit for bit).
 * - bf16 from f32, nearest even: NaN stays NaN (quiet, sign kept), values past
 *   the largest bf16 round to Inf, denormals round like any other value.
 * - bf16 stochastic: add 16 random bits below the bf16 ulp and truncate, so
 *   E[round(x)] = x; NaN as above. r holds the 16 bits in its low half.
 * - f16 from f32, nearest even, with f16 subnormals and overflow to Inf
 *   (what F16C's vcvtps2ph and ARM's fcvt do).
 */
static inline uint32_t gd__f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline float gd__bits_f32(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

static inline float gd_bf16_to_f32(gd_bf16 h) { return gd__bits_f32((uint32_t)h.bits << 16); }
static inline gd_bf16 gd_bf16_rne(float x)
{
	uint32_t u = gd__f32_bits(x);
	gd_bf16 h;
	if ((u & 0x7fffffffu) > 0x7f800000u)
		h.bits = (uint16_t)((u >> 16) | 0x0040u); /* NaN: quiet it, keep sign */
	else
		h.bits = (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
	return h;
}
static inline gd_bf16 gd_bf16_sr(float x, uint32_t r)
{
	uint32_t u = gd__f32_bits(x);
	gd_bf16 h;
	if ((u & 0x7fffffffu) > 0x7f800000u)
		h.bits = (uint16_t)((u >> 16) | 0x0040u);
	else if ((u & 0x7fffffffu) == 0x7f800000u)
		h.bits = (uint16_t)(u >> 16); /* Inf stays Inf: adding bits would make a NaN */
	else
		h.bits = (uint16_t)((u + (r & 0xffffu)) >> 16);
	return h;
}
/*
 * f16 in software, exact (the reference for F16C, NEON and SVE). Inline, so
 * the plain kernels inline them (dtype.c holds the rest of this header's
 * functions); written with selects, though gcc 12 does not vectorize the
 * f16 auto_<isa> kernels with them (the simd kernels use F16C/fcvt).
 * - to f32: subnormals exact (m * 2^-24), NaN quieted with sign and payload
 *   kept (what vcvtph2ps and fcvt do with a signalling NaN).
 * - from f32, nearest even: NaN -> quiet NaN with the top 10 payload bits
 *   and sign; |x| >= 65520 -> Inf; below 2^-14 the f16 subnormals, rounded
 *   by adding 2^23 (which puts the integer round(|x| * 2^24) in the low
 *   mantissa bits; exact scaling, f32 denormals included).
 */
static inline float gd_f16_to_f32(gd_f16 h)
{
	uint32_t s = (uint32_t)(h.bits & 0x8000u) << 16, e = (h.bits >> 10) & 0x1fu, m = h.bits & 0x3ffu;
	uint32_t normal = s | ((e + 112u) << 23) | (m << 13);
	uint32_t special = s | 0x7f800000u | (m << 13) | (m ? 0x00400000u : 0u); /* Inf, quiet NaN */
	uint32_t sub = s | gd__f32_bits((float)m * 0x1p-24f);
	return gd__bits_f32(e == 0 ? sub : e == 0x1f ? special : normal);
}
static inline gd_f16 gd_f16_rne(float x)
{
	uint32_t u = gd__f32_bits(x), a = u & 0x7fffffffu;
	uint16_t s = (uint16_t)((u >> 16) & 0x8000u);
	uint32_t r = a - (112u << 23); /* rebias 127 -> 15 for the normal range */
	uint16_t normal = (uint16_t)((r + 0xfffu + ((r >> 13) & 1u)) >> 13); /* a carry into Inf is right */
	uint16_t sub = (uint16_t)(gd__f32_bits(gd__bits_f32(a) * 0x1p24f + 0x1p23f) - 0x4b000000u);
	uint16_t nan = (uint16_t)(0x7e00u | ((a >> 13) & 0x3ffu));
	uint16_t v = a > 0x7f800000u ? nan : a >= 0x47800000u ? 0x7c00u : a >= 0x38800000u ? normal : sub;
	gd_f16 h = { (uint16_t)(s | v) };
	return h;
}

/*
 * The stochastic-rounding stream: counter-based, so results depend only on
 * the run's seed, the step, the array and the element's index in the whole
 * parameter vector (not on threads or chunking). key = gd_sr_key(seed, t)
 * per step; salt: 0 for the parameters, 1 + k for state array k.
 * gd_sr_bits is lowbias32 (Wellons' integer hash) of the index mixed with
 * the key; the vector layer computes the same per lane.
 */
static inline uint32_t gd_sr_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}
static inline uint32_t gd_sr_key(uint64_t seed, long t)
{
	return gd_sr_mix((uint32_t)seed ^ gd_sr_mix((uint32_t)(seed >> 32) ^ gd_sr_mix((uint32_t)t)));
}
/* The index counts modulo 2^32: a stream repeats after 4G elements. */
static inline uint32_t gd_sr_bits(uint32_t key, uint32_t salt, uint64_t idx)
{
	return gd_sr_mix((uint32_t)idx ^ (key + salt * 0x9e3779b9u));
}

/* Whole-array conversions (training loop, benchmarks, tests): dst and src
 * of n elements, nearest even when narrowing. */
void gd_store_from_f32(gd_store s, void *dst, const float *src, size_t n);
void gd_store_to_f32(gd_store s, float *dst, const void *src, size_t n);
/* Element i of an array of storage s, as a pointer. */
static inline void *gd_store_at(gd_store s, void *p, size_t i)
{
	return (char *)p + i * gd_store_size(s);
}

#endif
