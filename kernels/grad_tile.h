/*
 * The backward product of grad_simd.c as a GEMM microkernel (BLIS style):
 * G (nout x nin) += dZ^T (nout x R) X (R x nin), one register tile of
 * GT_MR outputs x GT_NV vectors of G at a time, accumulated over all R rows
 * of a block and stored once. A template, included once per tile shape with
 * GT_MR, GT_REPM(X) (X(0) ... X(GT_MR - 1)), GT_NV and GT_REPV(Y, a)
 * (Y(a, 0) ... Y(a, GT_NV - 1)) defined; the accumulators are named
 * variables, not arrays, for SVE's sizeless vectors (as in grad_block.h).
 *
 * Per row: GT_NV row loads and GT_MR broadcasts of dZ per GT_MR * GT_NV
 * FMAs; G is loaded and stored once per block of rows instead of once per
 * row (the earlier 4-row blocks moved G between L2 and L1 every 4 rows,
 * which bound softmax at ~0.4 of the FMA peak).
 *
 * G points at G[o][j], dz at dZ[0][o] (row r's values at dz[r*ldz + m]);
 * tail != 0 masks the last vector with mk (used with GT_NV = 1). Always
 * inlined with constant tail, so every vld/vst branch folds. fresh != 0
 * (the first block of a call) starts the tile at zero instead of loading
 * G, BLAS's beta = 0: G needs no clearing beforehand. Each row step
 * issues the lines of pq (grad_simd.c's bwd_prefetch) that fall due.
 */
#define GT__CAT3(a, b, c) a##b##_##c
#define GT_(a, b, c) GT__CAT3(a, b, c)

VINL void GT_(bwd_tile_, GT_MR, GT_NV)(float *G, size_t nin, const float *dz, size_t ldz,
                                       const float *const *rows, size_t R, size_t j, int tail, vm mk,
                                       bwd_prefetch *pq, int fresh)
{
	const size_t lines = STRIP_LINES(GT_NV);
#define GT_T(v) (tail && (v) == GT_NV - 1)
#define Y(m, v) vf a##m##_##v = fresh ? vzero() : vld(G + (m) * nin + (v) * VW, GT_T(v), mk);
#define X(m) GT_REPV(Y, m)
	GT_REPM(X)
#undef X
#undef Y
	for (size_t r = 0; r < R; r++) {
		const float *x = rows[r] + j;
		const float *d = dz + r * ldz;
		for (pq->err += pq->n; pq->err >= pq->steps; pq->err -= pq->steps, pq->t++)
			__builtin_prefetch(pq->pf[pq->t / lines] + j + pq->t % lines * (64 / sizeof(float)), 0,
			                   GD_PREFETCH_LOCALITY);
#define Y(unused, v) const vf x##v = vld(x + (v) * VW, GT_T(v), mk);
		GT_REPV(Y, 0)
#undef Y
#define Y(m, v) a##m##_##v = vfma(d##m, x##v, a##m##_##v);
#define X(m)                                                                             \
	{                                                                                \
		const vf d##m = vset1(d[m]);                                             \
		GT_REPV(Y, m)                                                            \
	}
		GT_REPM(X)
#undef X
#undef Y
	}
#define Y(m, v) vst(G + (m) * nin + (v) * VW, a##m##_##v, GT_T(v), mk);
#define X(m) GT_REPV(Y, m)
	GT_REPM(X)
#undef X
#undef Y
#undef GT_T
}
#undef GT_
#undef GT__CAT3
