/*
 * The one include of the vector layer: the ISA a file is compiled for
 * (-DGD_ISA_<NAME>, kernels/meson.build) picks its header. Each header
 * defines the same names: vf (a vector of floats), vc (a comparison
 * result), vm (a tail mask), VW (lanes: a constant, or svcntw() on SVE),
 * VSUFFIX (the function-name suffix), GD_VREGS (vector registers, for
 * register blocking) and the operations vld/vst/vfma/... Kernels written
 * over it compile once per ISA; vec_scalar.h makes them build anywhere.
 */
#ifndef GD_VEC_H
#define GD_VEC_H
#if defined(GD_ISA_AVX512)
#include "vec_avx512.h"
#elif defined(GD_ISA_AVX2)
#include "vec_avx2.h"
#elif defined(GD_ISA_SVE)
#include "vec_sve.h"
#elif defined(GD_ISA_NEON)
#include "vec_neon.h"
#else
#include "vec_scalar.h"
#endif

/*
 * VLOOP(body) runs body over n elements: on full vectors (T_ = 0), then once
 * on the masked tail (T_ = 1, mask m_); body reads element i and the lanes
 * after it (vld(p + i, T_, m_), ...).
 */
#define VLOOP(...)                                                             \
	do {                                                                   \
		size_t i = 0;                                                  \
		vm m_ = vtail(0);                                              \
		for (; i + VW <= n; i += VW) {                                 \
			enum { T_ = 0 };                                       \
			__VA_ARGS__;                                           \
		}                                                              \
		if (i < n) {                                                   \
			enum { T_ = 1 };                                       \
			m_ = vtail(n - i);                                     \
			__VA_ARGS__;                                           \
		}                                                              \
	} while (0)

#endif
