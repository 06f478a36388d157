/*
 * Whole-array conversions over the vector layer (update.h: gd_narrow_<isa>,
 * gd_widen_<isa>): the same loads and stores the kernels of each dtype use
 * (simd/vec_<isa>.h), compiled once per level and once with vec_scalar.h
 * (dtype.h's scalar reference itself). The tests compare the levels bit for
 * bit through these.
 */
#include "update.h"

#include "simd/vec.h"

#define GD__CCAT(a, b) a##b
#define GD__CNAME(a, b) GD__CCAT(a, b)

void GD__CNAME(gd_narrow_, VSUFFIX)(gd_store s, void *dst, const float *src, size_t n, int sr, uint32_t key,
                                     uint32_t salt, size_t off)
{
	switch (s) {
	case GD_ST_BF16: {
		gd_bf16 *d = dst;
		if (sr)
			VLOOP(vst_bf16_sr(d + i, vld(src + i, T_, m_), T_, m_, key, salt, (uint64_t)off + i));
		else
			VLOOP(vst_bf16(d + i, vld(src + i, T_, m_), T_, m_));
		break;
	}
	case GD_ST_F16: {
		gd_f16 *d = dst;
		VLOOP(vst_f16(d + i, vld(src + i, T_, m_), T_, m_));
		break;
	}
	default: {
		float *d = dst;
		VLOOP(vst(d + i, vld(src + i, T_, m_), T_, m_));
		break;
	}
	}
}

void GD__CNAME(gd_widen_, VSUFFIX)(gd_store s, float *dst, const void *src, size_t n)
{
	switch (s) {
	case GD_ST_BF16: {
		const gd_bf16 *p = src;
		VLOOP(vst(dst + i, vld_bf16(p + i, T_, m_), T_, m_));
		break;
	}
	case GD_ST_F16: {
		const gd_f16 *p = src;
		VLOOP(vst(dst + i, vld_f16(p + i, T_, m_), T_, m_));
		break;
	}
	default: {
		const float *p = src;
		VLOOP(vst(dst + i, vld(p + i, T_, m_), T_, m_));
		break;
	}
	}
}
