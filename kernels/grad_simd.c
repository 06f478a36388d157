/*
 * Gradient kernels over the vector layer, compiled once per ISA
 * (-DGD_ISA_<LEVEL>, kernels/meson.build). Rows are processed in blocks of
 * RB: the forward products, the loss head and the backward products of a
 * block run back to back while its rows are in L1, so X is read from memory
 * once.
 *
 * The products are register-blocked RB rows x 2 outputs (grad_block.h),
 * RB = 8 with 32 vector registers (AVX-512, NEON, SVE: 16 accumulators) and
 * 4 with AVX2's 16: forward, 2 weight loads + RB row loads per 2*RB FMAs;
 * backward, 2 gradient loads/stores + RB row loads per 2*RB FMAs. The
 * weights and the gradient
 * (2 x 31 KB for softmax on Fashion-MNIST) stream from L2 once per block, so
 * 8-row blocks halve that traffic per row (softmax full batch: 0.29 -> 0.36
 * of FMA peak here). Software prefetch of the next block's rows, into L1 or
 * L2, measured within noise (<= 5%), so there is none. Works straight from
 * an index list, so minibatches need no gather.
 */
#include <string.h>

#include "grad.h"

#include "simd/vec.h"
#include "simd/vec_math.h"
#include "grad_link.h"

/* AVX-512, NEON and SVE have 32 vector registers, AVX2 16 */
#if GD_VREGS >= 32
#define RB 8
#define REP_RB(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#else
#define RB 4
#define REP_RB(X) X(0) X(1) X(2) X(3)
#endif
#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)

/* fwd_block_<RB>, bwd_block_<RB>: a full block; fwd_block_1, bwd_block_1: one row */
#define GB_R RB
#define GB_REP REP_RB
#include "grad_block.h"
#undef GB_R
#undef GB_REP
#define GB_R 1
#define GB_REP(X) X(0)
#include "grad_block.h"
#undef GB_R
#undef GB_REP
#define GD__BLOCK(base, r) GD__CAT(base, r)

/* Full blocks with the height fixed at compile time; the batch tail row by
 * row. */
static void fwd(const float *W, const float *bias, size_t nout, size_t nin, const float *const *rows, int R,
                float *Z)
{
	if (R == RB) {
		GD__BLOCK(fwd_block_, RB)(W, bias, nout, nin, rows, Z);
		return;
	}
	for (int r = 0; r < R; r++)
		fwd_block_1(W, bias, nout, nin, rows + r, Z + (size_t)r * nout);
}

static void bwd(float *G, float *gb, size_t nout, size_t nin, const float *const *rows, int R, const float *dZ)
{
	if (R == RB) {
		GD__BLOCK(bwd_block_, RB)(G, gb, nout, nin, rows, dZ);
		return;
	}
	for (int r = 0; r < R; r++)
		bwd_block_1(G, gb, nout, nin, rows + r, dZ + (size_t)r * nout);
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
