/*
 * The register-blocked products of grad_simd.c for GB_R rows at a time: a
 * template, included once per block height with GB_R (the height) and
 * GB_REP(X) (X(0) ... X(GB_R - 1)) defined. The accumulators are named
 * variables made by GB_REP rather than arrays: SVE's sizeless vectors
 * cannot be array elements, and the generated code is the same (the arrays
 * were fully unrolled into registers).
 *
 * fwd: Z[r*nout + o] = dot(W[o*nin ..], rows[r]) + bias[o], 2 outputs at a
 *      time (2 weight loads + GB_R row loads per 2*GB_R FMAs).
 * bwd: G[o*nin ..] += sum_r dZ[r*nout + o] * rows[r]; gb[o] += the same
 *      sum of dZ (2 gradient loads/stores + GB_R row loads per 2*GB_R FMAs).
 * Loop bodies read T_, an enum constant (0: full vector, 1: the masked
 * tail), so every vld/vst branch folds at compile time.
 */
#define GB__CAT(a, b) a##b
#define GB_(a, b) GB__CAT(a, b)

VINL void GB_(fwd_block_, GB_R)(const float *W, const float *bias, size_t nout, size_t nin,
                                const float *const *rows, float *Z)
{
	size_t o = 0;
	for (; o + 2 <= nout; o += 2) {
		const float *w0 = W + o * nin, *w1 = w0 + nin;
#define X(r) vf a0_##r = vzero(), a1_##r = vzero();
		GB_REP(X)
#undef X
		size_t i = 0;
		vm m = vtail(0);
#define X(r)                                                                             \
	{                                                                                \
		vf xr = vld(rows[r] + i, T_, m);                                         \
		a0_##r = vfma(x0, xr, a0_##r);                                           \
		a1_##r = vfma(x1, xr, a1_##r);                                           \
	}
#define BODY                                                                             \
	vf x0 = vld(w0 + i, T_, m), x1 = vld(w1 + i, T_, m);                             \
	GB_REP(X)
		for (; i + VW <= nin; i += VW) {
			enum { T_ = 0 };
			BODY
		}
		if (i < nin) {
			enum { T_ = 1 };
			m = vtail(nin - i);
			BODY
		}
#undef BODY
#undef X
#define X(r)                                                                             \
	Z[r * nout + o] = vhsum(a0_##r) + bias[o];                                       \
	Z[r * nout + o + 1] = vhsum(a1_##r) + bias[o + 1];
		GB_REP(X)
#undef X
	}
	for (; o < nout; o++) {
		const float *w0 = W + o * nin;
#define X(r) vf a0_##r = vzero();
		GB_REP(X)
#undef X
		size_t i = 0;
		vm m = vtail(0);
#define X(r) a0_##r = vfma(x0, vld(rows[r] + i, T_, m), a0_##r);
#define BODY                                                                             \
	vf x0 = vld(w0 + i, T_, m);                                                      \
	GB_REP(X)
		for (; i + VW <= nin; i += VW) {
			enum { T_ = 0 };
			BODY
		}
		if (i < nin) {
			enum { T_ = 1 };
			m = vtail(nin - i);
			BODY
		}
#undef BODY
#undef X
#define X(r) Z[r * nout + o] = vhsum(a0_##r) + bias[o];
		GB_REP(X)
#undef X
	}
}

VINL void GB_(bwd_block_, GB_R)(float *G, float *gb, size_t nout, size_t nin, const float *const *rows,
                                const float *dZ)
{
	size_t o = 0;
	for (; o + 2 <= nout; o += 2) {
		float *g0 = G + o * nin, *g1 = g0 + nin;
#define X(r)                                                                             \
	const vf d0_##r = vset1(dZ[r * nout + o]), d1_##r = vset1(dZ[r * nout + o + 1]); \
	gb[o] += dZ[r * nout + o];                                                       \
	gb[o + 1] += dZ[r * nout + o + 1];
		GB_REP(X)
#undef X
		size_t i = 0;
		vm m = vtail(0);
#define X(r)                                                                             \
	{                                                                                \
		vf xr = vld(rows[r] + i, T_, m);                                         \
		s0 = vfma(d0_##r, xr, s0);                                               \
		s1 = vfma(d1_##r, xr, s1);                                               \
	}
#define BODY                                                                             \
	vf s0 = vld(g0 + i, T_, m), s1 = vld(g1 + i, T_, m);                             \
	GB_REP(X)                                                                        \
	vst(g0 + i, s0, T_, m);                                                          \
	vst(g1 + i, s1, T_, m);
		for (; i + VW <= nin; i += VW) {
			enum { T_ = 0 };
			BODY
		}
		if (i < nin) {
			enum { T_ = 1 };
			m = vtail(nin - i);
			BODY
		}
#undef BODY
#undef X
	}
	for (; o < nout; o++) {
		float *g0 = G + o * nin;
#define X(r)                                                                             \
	const vf d0_##r = vset1(dZ[r * nout + o]);                                       \
	gb[o] += dZ[r * nout + o];
		GB_REP(X)
#undef X
		size_t i = 0;
		vm m = vtail(0);
#define X(r) s0 = vfma(d0_##r, vld(rows[r] + i, T_, m), s0);
#define BODY                                                                             \
	vf s0 = vld(g0 + i, T_, m);                                                      \
	GB_REP(X)                                                                        \
	vst(g0 + i, s0, T_, m);
		for (; i + VW <= nin; i += VW) {
			enum { T_ = 0 };
			BODY
		}
		if (i < nin) {
			enum { T_ = 1 };
			m = vtail(nin - i);
			BODY
		}
#undef BODY
#undef X
	}
}
#undef GB_
#undef GB__CAT
