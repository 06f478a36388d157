/*
 * A register tile of grad_xt.h's transposed forward: XT_J outputs x XT_V
 * vectors of rows, included with XT_J, XT_V (1 to 3) and XT_REPJ(X) (X(0)
 * .. X(XT_J - 1)) defined; XT_REPV(X) (X(0) .. X(XT_V - 1)) and
 * XT_REPJV(Y, q) (Y(q, 0) .. Y(q, XT_V - 1)) are grad_xt.h's lists for
 * XT_V.
 *
 * ht[(j + q) * rp + r0 + v * VW ..] = bias[j + q] + sum over k of
 * W[(j + q) * nin + k] * xt[k * rp + r0 + v * VW ..]: per input, XT_V panel
 * loads and XT_J weight broadcasts feed XT_J * XT_V FMAs, and nothing is
 * summed across lanes.
 */
#define XT__PASTE(a, b) a##b
#define XT__XP(a, b) XT__PASTE(a, b)
#define XT_REPV XT__XP(XT_REPV_, XT_V)
#define XT_REPJV XT__XP(XT_REPJV_, XT_V)
#define XT__CAT(a, b, c) a##b##_##c
#define XT__NAME(j, v) XT__CAT(xt_tile_, j, v)
#define XT_NAME(j, v) XT__NAME(j, v)

VINL void XT_NAME(XT_J, XT_V)(const float *W, const float *bias, size_t nin, const float *xt, size_t rp, size_t r0,
                              float *ht, size_t j)
{
#define Y(q, v) vf a##q##_##v = vset1(bias[j + q]);
#define X(q) XT_REPJV(Y, q) const float *w##q = W + (j + q) * nin;
	XT_REPJ(X)
#undef X
#undef Y
	for (size_t k = 0; k < nin; k++) {
		const float *p = xt + k * rp + r0;
#define X(v) const vf x##v = vld(p + v * VW, 0, vtail(0));
		XT_REPV(X)
#undef X
#define Y(q, v) a##q##_##v = vfma(b##q, x##v, a##q##_##v);
#define X(q)                                                                             \
	{                                                                                \
		const vf b##q = vset1(w##q[k]);                                          \
		XT_REPJV(Y, q)                                                           \
	}
		XT_REPJ(X)
#undef X
#undef Y
	}
#define Y(q, v) vst(ht + (j + q) * rp + r0 + v * VW, a##q##_##v, 0, vtail(0));
#define X(q) XT_REPJV(Y, q)
	XT_REPJ(X)
#undef X
#undef Y
}
#undef XT_NAME
#undef XT__NAME
#undef XT__CAT
#undef XT_REPV
#undef XT_REPJV
#undef XT__XP
#undef XT__PASTE
