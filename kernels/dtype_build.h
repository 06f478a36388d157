/*
 * The storage types of one build of the rule sources. kernels/meson.build
 * compiles update_plain.c and update_simd.c once per GD_DTYPE_MAP row with
 * -DGD_DT=<lo> (the row's lo column); this header turns that into
 *   GD_TW, GD_TG, GD_TS  the element types of w, g and the state arrays
 *                        (float, gd_bf16 or gd_f16)
 *   GD_SR                1 where bf16 stores round stochastically
 * and the per-element loads and stores of the plain kernels, L(p, i) and
 * S(p, i, v), which pick their conversion by the pointer's type (C11
 * _Generic), so a rule's body is the same source for every dtype. A GD_DT
 * that is no row of the map fails here (gd__tw_<lo> is not declared).
 */
#ifndef GD_DTYPE_BUILD_H
#define GD_DTYPE_BUILD_H

#include "dtype.h"

#ifndef GD_DT
#error "GD_DT must name a GD_DTYPE_MAP row by its lo column (f32, bf16_bf16_f32, ...)"
#endif

#define GD__T_F32 float
#define GD__T_BF16 gd_bf16
#define GD__T_F16 gd_f16
#define GD__DT_TYPES(up, lo, p, g, s, sr, unused)                              \
	typedef GD__T_##p gd__tw_##lo;                                         \
	typedef GD__T_##g gd__tg_##lo;                                         \
	typedef GD__T_##s gd__ts_##lo;                                         \
	enum { gd__sr_##lo = sr };
GD_DTYPE_MAP(GD__DT_TYPES, 0)
#undef GD__DT_TYPES

#define GD__DCAT2(a, b) a##b
#define GD__DCAT(a, b) GD__DCAT2(a, b)
#define GD_TW GD__DCAT(gd__tw_, GD_DT)
#define GD_TG GD__DCAT(gd__tg_, GD_DT)
#define GD_TS GD__DCAT(gd__ts_, GD_DT)
#define GD_SR GD__DCAT(gd__sr_, GD_DT)

/*
 * The SR salt of a store to array p (dtype.h: 0 for w, 1 + k for state[k]),
 * from the kernel's w and state_: the comparisons stop at p's own entry, so
 * no state_[k] past the rule's arrays is read; loop-invariant, so hoisted.
 */
#define GD_SALT(p)                                                             \
	((const void *)(p) == (const void *)w ? 0u                             \
	 : (const void *)(p) == state_[0]     ? 1u                             \
	 : (const void *)(p) == state_[1]     ? 2u                             \
	                                      : 3u)

static inline float gd__ld_f32(const float *p) { return *p; }
static inline float gd__ld_bf16(const gd_bf16 *p) { return gd_bf16_to_f32(*p); }
static inline float gd__ld_f16(const gd_f16 *p) { return gd_f16_to_f32(*p); }
static inline void gd__st_f32(float *p, float v, uint32_t key, uint32_t salt, uint64_t idx)
{
	(void)key, (void)salt, (void)idx;
	*p = v;
}
static inline void gd__st_bf16(gd_bf16 *p, float v, uint32_t key, uint32_t salt, uint64_t idx)
{
	*p = GD_SR ? gd_bf16_sr(v, gd_sr_bits(key, salt, idx)) : gd_bf16_rne(v);
}
static inline void gd__st_f16(gd_f16 *p, float v, uint32_t key, uint32_t salt, uint64_t idx)
{
	(void)key, (void)salt, (void)idx;
	*p = gd_f16_rne(v);
}

/* Element i of p as a float; store v there (the kernel's st, off, w and state_ in scope). */
#define L(p, i)                                                                \
	_Generic((p), float *: gd__ld_f32, const float *: gd__ld_f32,          \
	         gd_bf16 *: gd__ld_bf16, const gd_bf16 *: gd__ld_bf16,         \
	         gd_f16 *: gd__ld_f16, const gd_f16 *: gd__ld_f16)((p) + (i))
#define S(p, i, v)                                                             \
	_Generic((p), float *: gd__st_f32, gd_bf16 *: gd__st_bf16, gd_f16 *: gd__st_f16)( \
		(p) + (i), (v), st->sr_key, GD_SR ? GD_SALT(p) : 0u, (uint64_t)off + (i))

#endif
