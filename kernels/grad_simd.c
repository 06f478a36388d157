/*
 * Gradient kernels over the vector layer, compiled once per ISA
 * (-DGD_ISA_AVX2 / -DGD_ISA_AVX512). Rows are processed in blocks of RB = 4:
 * the forward products, the loss head and the backward products of a block
 * run back to back while its rows are in L1, so X is read from memory once.
 *
 * The products are register-blocked RB rows x 2 outputs, RB = 8 with
 * AVX-512's 32 registers (16 accumulators) and 4 with AVX2's 16: forward, 2
 * weight loads + RB row loads per 2*RB FMAs; backward, 2 gradient
 * loads/stores + RB row loads per 2*RB FMAs. The weights and the gradient
 * (2 x 31 KB for softmax on Fashion-MNIST) stream from L2 once per block, so
 * 8-row blocks halve that traffic per row (softmax full batch: 0.29 -> 0.36
 * of FMA peak here). Software prefetch of the next block's rows, into L1 or
 * L2, measured within noise (<= 5%), so there is none. Works straight from
 * an index list, so minibatches need no gather.
 */
#include <string.h>

#include "grad.h"

#if defined(GD_ISA_AVX512)
#include "simd/vec_avx512.h"
#elif defined(GD_ISA_AVX2)
#include "simd/vec_avx2.h"
#else
#error "define GD_ISA_AVX2 or GD_ISA_AVX512"
#endif
#include "simd/vec_math.h"
#include "grad_link.h"

#if VW == 16
#define RB 8
#else
#define RB 4
#endif
#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)

/* Z[r*nout + o] = dot(W[o*nin ..], rows[r]) + bias[o] for r < R. */
VINL void fwd_block(const float *W, const float *bias, size_t nout, size_t nin, const float *const *rows,
                    const int R, float *Z)
{
	size_t o = 0;
	for (; o + 2 <= nout; o += 2) {
		const float *w0 = W + o * nin, *w1 = w0 + nin;
		vf a0[RB], a1[RB];
		for (int r = 0; r < R; r++)
			a0[r] = a1[r] = vzero();
		size_t i = 0;
		vm m = vtail(0);
#define FWD2(T)                                                                          \
	do {                                                                             \
		vf x0 = vld(w0 + i, T, m), x1 = vld(w1 + i, T, m);                       \
		for (int r = 0; r < R; r++) {                                            \
			vf xr = vld(rows[r] + i, T, m);                                  \
			a0[r] = vfma(x0, xr, a0[r]);                                     \
			a1[r] = vfma(x1, xr, a1[r]);                                     \
		}                                                                        \
	} while (0)
		for (; i + VW <= nin; i += VW)
			FWD2(0);
		if (i < nin) {
			m = vtail(nin - i);
			FWD2(1);
		}
#undef FWD2
		for (int r = 0; r < R; r++) {
			Z[r * nout + o] = vhsum(a0[r]) + bias[o];
			Z[r * nout + o + 1] = vhsum(a1[r]) + bias[o + 1];
		}
	}
	for (; o < nout; o++) {
		const float *w0 = W + o * nin;
		vf a0[RB];
		for (int r = 0; r < R; r++)
			a0[r] = vzero();
		size_t i = 0;
		vm m = vtail(0);
#define FWD1(T)                                                                          \
	do {                                                                             \
		vf x0 = vld(w0 + i, T, m);                                               \
		for (int r = 0; r < R; r++)                                              \
			a0[r] = vfma(x0, vld(rows[r] + i, T, m), a0[r]);                 \
	} while (0)
		for (; i + VW <= nin; i += VW)
			FWD1(0);
		if (i < nin) {
			m = vtail(nin - i);
			FWD1(1);
		}
#undef FWD1
		for (int r = 0; r < R; r++)
			Z[r * nout + o] = vhsum(a0[r]) + bias[o];
	}
}

/* G[o*nin ..] += sum_r dZ[r*nout + o] * rows[r];  gb[o] += sum_r dZ[r*nout + o]. */
VINL void bwd_block(float *G, float *gb, size_t nout, size_t nin, const float *const *rows, const int R,
                    const float *dZ)
{
	size_t o = 0;
	for (; o + 2 <= nout; o += 2) {
		float *g0 = G + o * nin, *g1 = g0 + nin;
		vf d0[RB], d1[RB];
		for (int r = 0; r < R; r++) {
			d0[r] = vset1(dZ[r * nout + o]);
			d1[r] = vset1(dZ[r * nout + o + 1]);
			gb[o] += dZ[r * nout + o];
			gb[o + 1] += dZ[r * nout + o + 1];
		}
		size_t i = 0;
		vm m = vtail(0);
#define BWD2(T)                                                                          \
	do {                                                                             \
		vf s0 = vld(g0 + i, T, m), s1 = vld(g1 + i, T, m);                       \
		for (int r = 0; r < R; r++) {                                            \
			vf xr = vld(rows[r] + i, T, m);                                  \
			s0 = vfma(d0[r], xr, s0);                                        \
			s1 = vfma(d1[r], xr, s1);                                        \
		}                                                                        \
		vst(g0 + i, s0, T, m);                                                   \
		vst(g1 + i, s1, T, m);                                                   \
	} while (0)
		for (; i + VW <= nin; i += VW)
			BWD2(0);
		if (i < nin) {
			m = vtail(nin - i);
			BWD2(1);
		}
#undef BWD2
	}
	for (; o < nout; o++) {
		float *g0 = G + o * nin;
		vf d0[RB];
		for (int r = 0; r < R; r++) {
			d0[r] = vset1(dZ[r * nout + o]);
			gb[o] += dZ[r * nout + o];
		}
		size_t i = 0;
		vm m = vtail(0);
#define BWD1(T)                                                                          \
	do {                                                                             \
		vf s0 = vld(g0 + i, T, m);                                               \
		for (int r = 0; r < R; r++)                                              \
			s0 = vfma(d0[r], vld(rows[r] + i, T, m), s0);                    \
		vst(g0 + i, s0, T, m);                                                   \
	} while (0)
		for (; i + VW <= nin; i += VW)
			BWD1(0);
		if (i < nin) {
			m = vtail(nin - i);
			BWD1(1);
		}
#undef BWD1
	}
}

/* Full blocks with R fixed at compile time (the row loops unroll); the batch
 * tail row by row. */
static void fwd(const float *W, const float *bias, size_t nout, size_t nin, const float *const *rows, int R,
                float *Z)
{
	if (R == RB) {
		fwd_block(W, bias, nout, nin, rows, RB, Z);
		return;
	}
	for (int r = 0; r < R; r++)
		fwd_block(W, bias, nout, nin, rows + r, 1, Z + (size_t)r * nout);
}

static void bwd(float *G, float *gb, size_t nout, size_t nin, const float *const *rows, int R, const float *dZ)
{
	if (R == RB) {
		bwd_block(G, gb, nout, nin, rows, RB, dZ);
		return;
	}
	for (int r = 0; r < R; r++)
		bwd_block(G, gb, nout, nin, rows + r, 1, dZ + (size_t)r * nout);
}

static double linear(const gd_model *m, const float *p, const gd_batch *b, float *grad, float *scratch)
{
	const size_t c = m->c, d = m->d;
	memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	double loss = 0;
	for (size_t k = 0; k < b->n; k += RB) {
		int R = b->n - k < RB ? (int)(b->n - k) : RB;
		const float *rows[RB];
		for (int r = 0; r < R; r++)
			rows[r] = b->x + gd_batch_row(b, k + (size_t)r) * b->ld;
		fwd(p, p + c * d, c, d, rows, R, scratch);
		loss += gd__link_block(m, b, k, scratch, (size_t)R);
		bwd(grad, grad + c * d, c, d, rows, R, scratch);
	}
	return loss;
}

#define LINEAR_VARIANT(lo)                                                                         \
	double GD__NAME(gd_##lo##_grad_f32_, VSUFFIX)(const gd_model *m, const float *p, const gd_batch *b, \
	                                              float *restrict grad, float *restrict scratch)       \
	{                                                                                          \
		return linear(m, p, b, grad, scratch);                                             \
	}
LINEAR_VARIANT(lsq)
LINEAR_VARIANT(logistic)
LINEAR_VARIANT(softmax)
LINEAR_VARIANT(svm)

/* MLP on blocks of rows: the same two products serve both layers. */
double GD__NAME(gd_mlp_grad_f32_, VSUFFIX)(const gd_model *m, const float *p, const gd_batch *b,
                                           float *restrict grad, float *restrict scratch)
{
	const size_t d = m->d, h = m->h, c = m->c;
	size_t lay[4];
	gd_mlp_offsets(m, lay);
	const float *W1 = p, *b1 = p + lay[1], *W2 = p + lay[2], *b2 = p + lay[3];
	float *G1 = grad, *gb1 = grad + lay[1], *G2 = grad + lay[2], *gb2 = grad + lay[3];
	/* hidden activations and their gradient for RB rows, then the logits */
	float *hid = scratch, *dh = hid + RB * h, *z = dh + RB * h;
	memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	double loss = 0;
	for (size_t k = 0; k < b->n; k += RB) {
		int R = b->n - k < RB ? (int)(b->n - k) : RB;
		const float *rows[RB], *hrows[RB];
		for (int r = 0; r < R; r++) {
			rows[r] = b->x + gd_batch_row(b, k + (size_t)r) * b->ld;
			hrows[r] = hid + (size_t)r * h;
		}
		fwd(W1, b1, h, d, rows, R, hid);
		for (size_t j = 0; j < (size_t)R * h; j++)
			hid[j] = hid[j] > 0 ? hid[j] : 0.0f;
		fwd(W2, b2, c, h, hrows, R, z);
		loss += gd__link_block(m, b, k, z, (size_t)R);
		bwd(G2, gb2, c, h, hrows, R, z);
		/* dh_r = W2^T dz_r, masked by relu'(a) = [h > 0] */
		for (int r = 0; r < R; r++) {
			float *dhr = dh + (size_t)r * h;
			const float *hr = hid + (size_t)r * h, *zr = z + (size_t)r * c;
			memset(dhr, 0, h * sizeof(float));
			for (size_t o = 0; o < c; o++) {
				const vf zo = vset1(zr[o]);
				const float *w = W2 + o * h;
				size_t i = 0;
				for (; i + VW <= h; i += VW)
					vst(dhr + i, vfma(zo, vld(w + i, 0, vtail(0)), vld(dhr + i, 0, vtail(0))), 0, vtail(0));
				if (i < h) {
					vm mk = vtail(h - i);
					vst(dhr + i, vfma(zo, vld(w + i, 1, mk), vld(dhr + i, 1, mk)), 1, mk);
				}
			}
			for (size_t j = 0; j < h; j++)
				dhr[j] = hr[j] > 0 ? dhr[j] : 0.0f;
		}
		/* G1 += dh^T x: the backward product with dZ = dh (R x h) */
		bwd(G1, gb1, h, d, rows, R, dh);
	}
	return loss;
}

/* Streaming read of the batch's rows: the memory ceiling for reading X once. */
float GD__NAME(gd_read_rows_f32_, VSUFFIX)(const gd_batch *b, size_t d)
{
	vf s0 = vzero(), s1 = vzero();
	for (size_t k = 0; k < b->n; k++) {
		const float *x = b->x + gd_batch_row(b, k) * b->ld;
		size_t i = 0;
		for (; i + 2 * VW <= d; i += 2 * VW) {
			s0 = vadd(s0, vld(x + i, 0, vtail(0)));
			s1 = vadd(s1, vld(x + i + VW, 0, vtail(0)));
		}
		for (; i + VW <= d; i += VW)
			s0 = vadd(s0, vld(x + i, 0, vtail(0)));
		if (i < d) {
			vm m = vtail(d - i);
			s1 = vadd(s1, vld(x + i, 1, m));
		}
	}
	return vhsum(vadd(s0, s1));
}
