/*
 * Loads and stores of the vector layer by storage type, for kernels compiled
 * once per dtype (kernels/dtype_build.h): LD(p) and ST(p, v) read and write
 * element i (and the lanes after it) of array p, converting by the pointer's
 * type (C11 _Generic): vld/vst for float, vld_bf16/vst_bf16 (vst_bf16_sr in
 * a +sr build) for gd_bf16, vld_f16/vst_f16 for gd_f16. STN(p, v) always
 * rounds to nearest (the memory-only ceiling: it moves values unchanged).
 * The macros read VLOOP's i, T_, m_ (vec.h) and the kernel's st, off, w, state_.
 */
#ifndef GD_VEC_DTYPE_H
#define GD_VEC_DTYPE_H

#include "../dtype_build.h"
#include "vec.h"

VINL void vst_dt_f32(float *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	(void)key, (void)salt, (void)idx;
	vst(p, v, tail, m);
}
VINL void vst_dt_bf16(gd_bf16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	if (GD_SR)
		vst_bf16_sr(p, v, tail, m, key, salt, idx);
	else
		vst_bf16(p, v, tail, m);
}
VINL void vst_dt_f16(gd_f16 *p, vf v, int tail, vm m, uint32_t key, uint32_t salt, uint64_t idx)
{
	(void)key, (void)salt, (void)idx;
	vst_f16(p, v, tail, m);
}

#define LD(p)                                                                  \
	_Generic((p), float *: vld, const float *: vld, gd_bf16 *: vld_bf16,   \
	         const gd_bf16 *: vld_bf16, gd_f16 *: vld_f16, const gd_f16 *: vld_f16)((p) + i, T_, m_)
#define ST(p, v)                                                               \
	_Generic((p), float *: vst_dt_f32, gd_bf16 *: vst_dt_bf16, gd_f16 *: vst_dt_f16)( \
		(p) + i, (v), T_, m_, st->sr_key, GD_SR ? GD_SALT(p) : 0u, (uint64_t)off + i)
#define STN(p, v) _Generic((p), float *: vst, gd_bf16 *: vst_bf16, gd_f16 *: vst_f16)((p) + i, (v), T_, m_)

#endif
