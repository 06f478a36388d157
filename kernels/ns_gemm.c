/*
 * gd_sgemm_f32_<isa>: the register-tiled, packed GEMM of ns_gemm.h over the
 * vector layer, compiled once per ISA level (-DGD_ISA_<LEVEL>) and once
 * with vec_scalar.h. BLIS's loop order: jc over NC columns, pc over KC of
 * the inner dimension (pack op(B)), ic over MC rows (pack A), then jr over
 * NR-wide micro-panels of B (one stays in L1) and ir over MR-tall ones of A.
 *
 * The microkernel keeps an MR x 2-vector tile of C in registers: with 16
 * vector registers (AVX2) 6 x 2 accumulators + 2 B vectors + 1 broadcast
 * = 15; with 32 (AVX-512, NEON, SVE) 12 x 2 + 3 = 27. Per k step it loads
 * 2 vectors of B and MR scalars of A for 2*MR FMAs. Edge tiles run the same
 * kernel on zero-padded panels and go through a small buffer to C.
 */
#include "ns_gemm.h"

#include "simd/vec.h"

#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)

#if GD_VREGS >= 32
#define MR 12
#define REP_MR(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#else
#define MR 6
#define REP_MR(X) X(0) X(1) X(2) X(3) X(4) X(5)
#endif
#define NR (2 * (size_t)VW) /* a run-time value on SVE */
_Static_assert(GD_GEMM_MC % MR == 0 && MR <= GD_GEMM_MR_MAX, "MC holds whole micro-panels of A");

static inline size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

/* The mb x kc block of A at A (row stride lda) as MR-row micro-panels,
 * each stored k-major (ap[p * MR + i]), rows past mb zero. */
static void pack_a(size_t mb, size_t kc, const float *A, size_t lda, float *restrict ap)
{
	for (size_t i0 = 0; i0 < mb; i0 += MR) {
		size_t mr = min_sz(MR, mb - i0);
		for (size_t p = 0; p < kc; p++) {
			for (size_t i = 0; i < mr; i++)
				ap[i] = A[(i0 + i) * lda + p];
			for (size_t i = mr; i < MR; i++)
				ap[i] = 0.0f;
			ap += MR;
		}
	}
}

/* Rows p0.. (kc of them) and columns j0.. (nb) of op(B) as NR-wide
 * micro-panels, each stored k-major (bp[p * NR + j]), columns past nb zero.
 * op(B)[p][j] is B[p][j], or B[j][p] with transb (read along p then). */
static void pack_b(int transb, size_t kc, size_t nb, const float *B, size_t ldb, size_t p0, size_t j0,
                   float *restrict bp)
{
	const size_t nrv = NR;
	for (size_t jr = 0; jr < nb; jr += nrv, bp += kc * nrv) {
		size_t nr = min_sz(nrv, nb - jr);
		if (transb) {
			for (size_t j = 0; j < nr; j++) {
				const float *src = B + (j0 + jr + j) * ldb + p0;
				for (size_t p = 0; p < kc; p++)
					bp[p * nrv + j] = src[p];
			}
		} else {
			for (size_t p = 0; p < kc; p++) {
				const float *src = B + (p0 + p) * ldb + j0 + jr;
				for (size_t j = 0; j < nr; j++)
					bp[p * nrv + j] = src[j];
			}
		}
		for (size_t j = nr; j < nrv; j++)
			for (size_t p = 0; p < kc; p++)
				bp[p * nrv + j] = 0.0f;
	}
}

/* row = alpha * acc + beta * row over one vector; beta 0 never reads row */
static inline void store_vec(float *row, vf acc, float alpha, float beta)
{
	const vm none = vtail(0);
	vf r = vmul(vset1(alpha), acc);
	if (beta != 0.0f)
		r = vfma(vset1(beta), vld(row, 0, none), r);
	vst(row, r, 0, none);
}

/* C (mr x nr of it, row stride ldc) = alpha * (the packed panels' product
 * over kc) + beta * C. tmp: MR x NR floats for an edge tile. */
static void ukernel(size_t kc, const float *restrict a, const float *restrict b, float *restrict c, size_t ldc,
                    float alpha, float beta, size_t mr, size_t nr, float *restrict tmp)
{
	const size_t nrv = NR;
	const vm none = vtail(0);
	/* C's tile rows are a row stride apart (often a multiple of 4 KB): ask
	 * for them now so their misses overlap the k loop */
	for (size_t i = 0; i < mr; i++) {
		__builtin_prefetch(c + i * ldc, 1);
		__builtin_prefetch(c + i * ldc + nr - 1, 1);
	}
#define ZERO(i) vf c##i##_0 = vzero(), c##i##_1 = vzero();
	REP_MR(ZERO)
#undef ZERO
	for (size_t p = 0; p < kc; p++) {
		const vf b0 = vld(b, 0, none), b1 = vld(b + VW, 0, none);
#define STEP(i)                                                                \
	{                                                                      \
		const vf ai = vset1(a[i]);                                     \
		c##i##_0 = vfma(ai, b0, c##i##_0);                             \
		c##i##_1 = vfma(ai, b1, c##i##_1);                             \
	}
		REP_MR(STEP)
#undef STEP
		a += MR;
		b += nrv;
	}
	if (mr == MR && nr == nrv) {
#define STORE(i)                                                               \
	store_vec(c + (i) * ldc, c##i##_0, alpha, beta);                       \
	store_vec(c + (i) * ldc + VW, c##i##_1, alpha, beta);
		REP_MR(STORE)
#undef STORE
		return;
	}
#define SPILL(i)                                                               \
	vst(tmp + (i) * nrv, c##i##_0, 0, none);                               \
	vst(tmp + (i) * nrv + VW, c##i##_1, 0, none);
	REP_MR(SPILL)
#undef SPILL
	for (size_t i = 0; i < mr; i++)
		for (size_t j = 0; j < nr; j++) {
			float *o = c + i * ldc + j;
			*o = beta != 0.0f ? alpha * tmp[i * nrv + j] + beta * *o : alpha * tmp[i * nrv + j];
		}
}

void GD__NAME(gd_sgemm_f32_, VSUFFIX)(int transb, int lower, size_t m, size_t n, size_t k, float alpha,
                                      const float *A, size_t lda, const float *B, size_t ldb, float beta,
                                      float *C, size_t ldc, float *pack)
{
	const size_t nrv = NR;
	float *tmp = pack;
	float *bp = pack + GD_GEMM_MR_MAX * GD_GEMM_NR_MAX;
	float *ap = bp + min_sz(k, GD_GEMM_KC) * gd__gemm_up(min_sz(n, GD_GEMM_NC), GD_GEMM_NR_MAX);
	for (size_t jc = 0; jc < n; jc += GD_GEMM_NC) {
		size_t nc = min_sz(GD_GEMM_NC, n - jc);
		for (size_t pc = 0; pc < k; pc += GD_GEMM_KC) {
			size_t kc = min_sz(GD_GEMM_KC, k - pc);
			float beta_p = pc == 0 ? beta : 1.0f; /* later KC slices add to the first */
			pack_b(transb, kc, nc, B, ldb, pc, jc, bp);
			for (size_t ic = 0; ic < m; ic += GD_GEMM_MC) {
				size_t mc = min_sz(GD_GEMM_MC, m - ic);
				if (lower && jc >= ic + mc) /* the whole block lies above the diagonal */
					continue;
				pack_a(mc, kc, A + ic * lda + pc, lda, ap);
				for (size_t jr = 0; jr < nc; jr += nrv) {
					size_t nr = min_sz(nrv, nc - jr);
					for (size_t ir = 0; ir < mc; ir += MR) {
						size_t mr = min_sz(MR, mc - ir), gi = ic + ir, gj = jc + jr;
						/* a tile meets the lower triangle iff its first column
						 * is at most its last row */
						if (lower && gj >= gi + mr)
							continue;
						ukernel(kc, ap + ir * kc, bp + jr * kc, C + gi * ldc + gj, ldc, alpha, beta_p, mr, nr,
						        tmp);
					}
				}
			}
		}
	}
}
