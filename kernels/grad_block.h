/*
 * The register-blocked forward product of grad_simd.c for GB_R rows at a
 * time: a template, included once per tile height with GB_R (the height)
 * and GB_REP(X) (X(0) ... X(GB_R - 1)) defined. The accumulators are named
 * variables made by GB_REP rather than arrays: SVE's sizeless vectors
 * cannot be array elements, and the generated code is the same (the arrays
 * were fully unrolled into registers).
 *
 * fwd: Z[r*nout + o] = dot(W[o*nin ..], rows[r]) + bias[o] for the outputs
 *      o0 <= o < o1, 2 at a time (2 weight loads + GB_R row loads per
 *      2*GB_R FMAs, then 2*GB_R horizontal sums), over the inputs
 *      i0 <= i < i1: i0 = 0 starts Z at the bias, i0 > 0 adds to it.
 *      Each pass over a pair of outputs takes the next of the *npf rows at
 *      *pf and prefetches it (prefetcht0, a line every line's worth of
 *      inputs), advancing *pf.
 * Loop bodies read T_, an enum constant (0: full vector, 1: the masked
 * tail), so every vld/vst branch folds at compile time.
 */
#define GB__CAT(a, b) a##b
#define GB_(a, b) GB__CAT(a, b)
#ifndef GB_KEEP
/* x86 FMAs take a memory operand, and gcc 12 folds each row load into both
 * FMAs that use it: 13 loads per 12 FMAs, over Zen 3's two 256-bit loads a
 * cycle (forward at 0.66 of peak in L1). An empty asm that claims to change
 * the vector keeps it in a register: 8 loads per 12 FMAs. */
#if defined(GD_ISA_AVX512)
#define GB_KEEP(v) __asm__("" : "+v"(v))
#elif defined(GD_ISA_AVX2)
#define GB_KEEP(v) __asm__("" : "+x"(v))
#else
#define GB_KEEP(v) (void)0
#endif
/*
 * The forward's loop over inputs i..i1 (i and m in scope) around BODY, a
 * macro of T_ and m: full vectors, issuing row pr's line at each line's
 * first vector when pr is set (a line per line of inputs), then the masked
 * tail. Shared by these tiles and grad_wide.h's.
 */
#define GB_LOOP(pr, i1, BODY)                                                    \
	if (pr)                                                                  \
		for (; i + VW <= (i1); i += VW) {                                \
			enum { T_ = 0 };                                         \
			if ((i & (GD__LINE - 1)) == 0)                           \
				__builtin_prefetch((pr) + i, 0, 3);              \
			BODY                                                     \
		}                                                                \
	for (; i + VW <= (i1); i += VW) {                                        \
		enum { T_ = 0 };                                                 \
		BODY                                                             \
	}                                                                        \
	if (i < (i1)) {                                                          \
		enum { T_ = 1 };                                                 \
		m = vtail((i1) - i);                                             \
		BODY                                                             \
	}
#endif

VINL void GB_(fwd_block_, GB_R)(const float *W, const float *bias, size_t o0, size_t o1, size_t nout,
                                size_t nin, size_t i0, size_t i1, const float *const *rows, float *Z,
                                const float *const **pf, size_t *npf)
{
	size_t o = o0;
	for (; o + 2 <= o1; o += 2) {
		const float *w0 = W + o * nin, *w1 = w0 + nin;
		/* the next row of *pf (the next block's), prefetched over this pass */
		const float *pr = NULL;
		if (*npf) {
			pr = **pf;
			(*pf)++;
			(*npf)--;
		}
#define X(r) vf a0_##r = vzero(), a1_##r = vzero();
		GB_REP(X)
#undef X
		size_t i = i0;
		vm m = vtail(0);
#define X(r)                                                                             \
	{                                                                                \
		vf xr = vld(rows[r] + i, T_, m);                                         \
		GB_KEEP(xr);                                                             \
		a0_##r = vfma(x0, xr, a0_##r);                                           \
		a1_##r = vfma(x1, xr, a1_##r);                                           \
	}
#define BODY                                                                             \
	vf x0 = vld(w0 + i, T_, m), x1 = vld(w1 + i, T_, m);                             \
	GB_REP(X)
		GB_LOOP(pr, i1, BODY)
#undef BODY
#undef X
#define X(r)                                                                             \
	Z[r * nout + o] = vhsum(a0_##r) + (i0 ? Z[r * nout + o] : bias[o]);              \
	Z[r * nout + o + 1] = vhsum(a1_##r) + (i0 ? Z[r * nout + o + 1] : bias[o + 1]);
		GB_REP(X)
#undef X
	}
	for (; o < o1; o++) {
		const float *w0 = W + o * nin;
#define X(r) vf a0_##r = vzero();
		GB_REP(X)
#undef X
		size_t i = i0;
		vm m = vtail(0);
#define X(r) a0_##r = vfma(x0, vld(rows[r] + i, T_, m), a0_##r);
#define BODY                                                                             \
	vf x0 = vld(w0 + i, T_, m);                                                      \
	GB_REP(X)
		GB_LOOP((const float *)NULL, i1, BODY)
#undef BODY
#undef X
#define X(r) Z[r * nout + o] = vhsum(a0_##r) + (i0 ? Z[r * nout + o] : bias[o]);
		GB_REP(X)
#undef X
	}
}
#undef GB_
#undef GB__CAT
