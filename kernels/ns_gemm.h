/*
 * Our own single-precision GEMM for Muon's Newton-Schulz products (BLIS's
 * way: pack a KC x NC panel of op(B) and an MC x KC block of A, then an
 * MR x NR register-tiled microkernel over the vector layer). One build per
 * ISA level (kernels/ns_gemm.c, -DGD_ISA_<LEVEL>) and a scalar one; the
 * harness picks the level (harness/newton_schulz.c). No printing, no timing.
 */
#ifndef GD_NS_GEMM_H
#define GD_NS_GEMM_H
#include <stddef.h>

/* Blocking (Zen 3 / Haswell class, as BLIS's haswell and zen3 configs):
 * KC x NR floats of packed B (16 KB at NR 16) stay in L1, MC x KC of
 * packed A (144 KB) in L2, the KC x NC panel of B in L3. MC is a multiple
 * of every MR, NC of every NR (NR = 2 vectors, at most 2 x 64 lanes: SVE
 * at 2048 bits). */
#define GD_GEMM_KC 256
#define GD_GEMM_MC 144
#define GD_GEMM_NC 4096
#define GD_GEMM_MR_MAX 12
#define GD_GEMM_NR_MAX 128

/*
 * C = alpha * A op(B) + beta * C. A is m x k (row stride lda), op(B) is
 * k x n: B itself (k x n, row stride ldb) or, with transb, the transpose of
 * B (n x k, row stride ldb). C is m x n (row stride ldc), row-major like
 * the others. beta 0 never reads C (it may hold NaN). With lower set
 * (m == n), only the tiles of C that meet the lower triangle, diagonal
 * included, are computed: what ssyrk with uplo Lower does for A A^T;
 * entries of C above the diagonal are then unspecified. pack holds
 * gd_gemm_pack_floats(m, n, k) floats. m, n, k > 0 (the caller checks).
 */
typedef void (*gd_sgemm_fn)(int transb, int lower, size_t m, size_t n, size_t k, float alpha, const float *A,
                            size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc,
                            float *pack);

static inline size_t gd__gemm_min(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t gd__gemm_up(size_t a, size_t q) { return (a + q - 1) / q * q; }
/* Floats of packing space for an m x n x k product at any level: the A
 * block, the B panel (both zero-padded to whole micro-panels) and one
 * MR x NR edge tile. */
static inline size_t gd_gemm_pack_floats(size_t m, size_t n, size_t k)
{
	size_t kc = gd__gemm_min(k, GD_GEMM_KC);
	return kc * (gd__gemm_up(gd__gemm_min(m, GD_GEMM_MC), GD_GEMM_MR_MAX) +
	             gd__gemm_up(gd__gemm_min(n, GD_GEMM_NC), GD_GEMM_NR_MAX)) +
	       GD_GEMM_MR_MAX * GD_GEMM_NR_MAX;
}

#define GD__SGEMM_DECL(v)                                                                                  \
	void gd_sgemm_f32_##v(int transb, int lower, size_t m, size_t n, size_t k, float alpha, const float *A, \
	                      size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc, float *pack);
GD__SGEMM_DECL(scalar)
GD__SGEMM_DECL(avx2)
GD__SGEMM_DECL(avx512)
GD__SGEMM_DECL(neon)
GD__SGEMM_DECL(sve)
#undef GD__SGEMM_DECL
#endif
