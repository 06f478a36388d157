/*
 * The forward product of grad_simd.c on 32-register levels: 2 rows x WO
 * (10) outputs a pass, so each row is read once per WO outputs and the WO
 * rows of W (31 KB for 784 inputs) stay in L1 while the block's rows stream
 * past. Softmax's and the SVM's 10 classes (and the MLP's output layer) take
 * one pass a row pair; other output counts take passes of WO and leave the
 * rest to the RT x 2 tiles of grad_block.h.
 *
 * Why: the RT x 2 tiles read W's ten rows again for every tile of 8 rows,
 * from L2 (8 rows and W are 56 KB, over L1's 48), about 3 lines from L2
 * per 20 FMAs in all. On the Zen 5 VM a prefetch that misses to DRAM holds
 * up such loads: a standalone loop over blocks in L2 ran at 0.67-0.68 of
 * peak, and at 0.53-0.57 when the same prefetches were sent to rows in
 * DRAM that it never read (0.66 to rows in L2); a synthetic loop of 20
 * FMAs and one DRAM prefetch per line fell from 0.90 to 0.60 of peak with
 * 3 more L2 loads per line (0.94 to 0.81 with its rows in L2).
 * This tile makes about 1 line from L2 per 20 FMAs.
 *
 * fwd_wide: Z[r*nout + o] (+)= W[o] . rows[r][i0..i1) (+ bias[o] when i0 =
 * 0) for r < 2, o0 <= o < o0 + WO, prefetching row pr's lines i0..i1 (a
 * line per line of inputs) when pr is set. 2 * WO accumulators, a row
 * vector each and one weight vector live: 23 of 32 registers.
 */
#define WO 10
#define REP_WO(Y) Y(0) Y(1) Y(2) Y(3) Y(4) Y(5) Y(6) Y(7) Y(8) Y(9)

VINL void fwd_wide(const float *W, const float *bias, size_t o0, size_t nout, size_t nin, size_t i0, size_t i1,
                   const float *const *rows, float *Z, const float *pr)
{
	const float *w = W + o0 * nin, *x0 = rows[0], *x1 = rows[1];
#define A(o) vf a##o = vzero(), b##o = vzero();
	REP_WO(A)
#undef A
	size_t i = i0;
	vm m = vtail(0);
	/* one load of each weight vector for both rows (GB_KEEP, grad_block.h) */
#define F(o)                                                            \
	{                                                               \
		vf wv = vld(w + o * nin + i, T_, m);                    \
		GB_KEEP(wv);                                            \
		a##o = vfma(wv, xa, a##o);                              \
		b##o = vfma(wv, xb, b##o);                              \
	}
#define BODY                                                            \
	const vf xa = vld(x0 + i, T_, m), xb = vld(x1 + i, T_, m);      \
	REP_WO(F)
	GB_LOOP(pr, i1, BODY)
#undef BODY
#undef F
#define S(o)                                                                            \
	Z[o0 + o] = vhsum(a##o) + (i0 ? Z[o0 + o] : bias[o0 + o]);                      \
	Z[nout + o0 + o] = vhsum(b##o) + (i0 ? Z[nout + o0 + o] : bias[o0 + o]);
	REP_WO(S)
#undef S
}
