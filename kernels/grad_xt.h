/*
 * The MLP hidden layer's forward as a GEMM with no horizontal sums, for
 * grad_simd.c: H^T = W X^T over a block of rows. The rows are transposed
 * into a panel (xt: nin rows of rp floats, VW x VW blocks at a time by
 * vtranspose), register tiles of XJ outputs x up to 3 vectors of rows run
 * over it (grad_xt_tile.h, grad_xt_tiles.h), and the result is transposed
 * back into rows.
 *
 * Why: the dot-product tiles of grad_block.h end every output pair of every
 * row tile in 2 * RT horizontal sums. With a hidden layer of 128 those are
 * the MLP forward's main loss; this layout has none and costs two
 * transposes per block instead (the block's 48 x 784 inputs and its 48 x
 * 128 outputs). Softmax's 10 outputs do too little work per input to pay
 * for transposing the rows.
 *
 * Only with 32 vector registers (an 8 x 3 tile). On the Zen 5 VM, against
 * the dot-product forward (gdbench kernels, two runs of 10 alternated
 * rounds, paired medians), the MLP at avx512 ran faster by 5-7% at B = 32,
 * 1-10% at 256, 12-22% at 1024 and 9-14% on the full batch; at avx2 a 4 x 3
 * tile in 16 registers was level or up to 6% slower (8 rounds), so AVX2 (and
 * the scalar level) keep grad_block.h's tiles.
 */
#if GD_VREGS >= 32
#define GD_MLP_FWD_XT 1
#define XJ 8 /* 24 accumulators, 3 panel vectors, a broadcast */
#define XT_REPJ(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* the lists of a tile of XT_V row vectors (grad_xt_tile.h pastes XT_V on) */
#define XT_REPV_1(X) X(0)
#define XT_REPV_2(X) X(0) X(1)
#define XT_REPV_3(X) X(0) X(1) X(2)
#define XT_REPJV_1(Y, q) Y(q, 0)
#define XT_REPJV_2(Y, q) Y(q, 0) Y(q, 1)
#define XT_REPJV_3(Y, q) Y(q, 0) Y(q, 1) Y(q, 2)
#define XT_J XJ
#include "grad_xt_tiles.h"
#undef XT_J
#undef XT_REPJ
/* one output at a time, for the last nout % XJ */
#define XT_J 1
#define XT_REPJ(X) X(0)
#include "grad_xt_tiles.h"
#undef XT_J
#undef XT_REPJ

#define XT__TILE(j, v) xt_tile_##j##_##v
#define XT_TILE(j, v) XT__TILE(j, v)

/*
 * Z[r * nout + o] = W[o] . rows[r] + bias[o] for R <= GD_GRAD_ROW_BLOCK rows,
 * through xt (nin x GD_GRAD_PANEL_ROWS floats) and ht (nout x the same).
 */
static void fwd_xt(const float *W, const float *bias, size_t nout, size_t nin, const float *const *rows, size_t R,
                   float *Z, float *xt, float *ht)
{
	const size_t rp = (R + VW - 1) / VW * VW, nv = rp / VW;
	const float *src[GD_GRAD_PANEL_ROWS];
	/* rows into the panel, VW at a time; past R the last row again (its
	 * outputs are not copied back) */
	for (size_t r0 = 0; r0 < rp; r0 += VW) {
		for (size_t q = 0; q < VW; q++)
			src[q] = rows[r0 + q < R ? r0 + q : R - 1];
		size_t k = 0;
		for (; k + VW <= nin; k += VW)
			vtranspose(src, k, xt + k * rp + r0, rp);
		for (; k < nin; k++)
			for (size_t q = 0; q < VW; q++)
				xt[k * rp + r0 + q] = src[q][k];
	}
	for (size_t j = 0, jt; j < nout; j += jt) {
		jt = nout - j >= XJ ? XJ : 1;
		for (size_t v = 0, vt; v < nv; v += vt) {
			/* 3 vectors at a time, but 4 as 2 + 2, not 3 + 1 */
			vt = nv - v == 4 ? 2 : nv - v >= 3 ? 3 : nv - v;
			switch ((jt == XJ ? 10 : 0) + vt) {
			case 13: XT_TILE(XJ, 3)(W, bias, nin, xt, rp, v * VW, ht, j); break;
			case 12: XT_TILE(XJ, 2)(W, bias, nin, xt, rp, v * VW, ht, j); break;
			case 11: XT_TILE(XJ, 1)(W, bias, nin, xt, rp, v * VW, ht, j); break;
			case 3: xt_tile_1_3(W, bias, nin, xt, rp, v * VW, ht, j); break;
			case 2: xt_tile_1_2(W, bias, nin, xt, rp, v * VW, ht, j); break;
			default: xt_tile_1_1(W, bias, nin, xt, rp, v * VW, ht, j); break;
			}
		}
	}
	/* and back: VW x VW blocks where whole */
	size_t r0 = 0;
	for (; r0 + VW <= R; r0 += VW) {
		size_t o = 0;
		for (; o + VW <= nout; o += VW) {
			for (size_t q = 0; q < VW; q++)
				src[q] = ht + (o + q) * rp;
			vtranspose(src, r0, Z + r0 * nout + o, nout);
		}
		for (; o < nout; o++)
			for (size_t l = 0; l < VW; l++)
				Z[(r0 + l) * nout + o] = ht[o * rp + r0 + l];
	}
	for (; r0 < R; r0++)
		for (size_t o = 0; o < nout; o++)
			Z[r0 * nout + o] = ht[o * rp + r0];
}
#endif /* GD_VREGS >= 32 */
