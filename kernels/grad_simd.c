/*
 * Gradient kernels over the vector layer, compiled once per ISA
 * (-DGD_ISA_<LEVEL>, kernels/meson.build). Rows are processed in blocks of
 * RBLK (48): the forward products, the loss head and the backward products
 * of a block run back to back while its rows are in L2, so X is read from
 * memory once. Works straight from an index list: minibatches need no
 * gather.
 *
 * Forward: dot products, 2 rows x 10 outputs per register tile on 32
 * registers (grad_wide.h), RT rows x 2 outputs for the rest and on 16
 * (grad_block.h). Backward (grad_tile.h): a GEMM microkernel, MR outputs x
 * NV vectors of G held in registers over all the block's rows. The next
 * block's rows are prefetched: a row per forward pass and the rest spread
 * evenly over the backward's row steps (bwd_prefetch).
 *
 * Measured on Zen 3 (AVX2, 95 GFLOP/s FMA peak, one core streams 8.7-10.6
 * GB/s, a shared 2-vCPU VM whose timings drift by +-15%), softmax on one
 * 48-row block in cache: 0.6-0.8 of peak; on Fashion-MNIST rows from memory
 * 0.37 with the whole next block prefetched in the backward, whose time then
 * grew by what the forward's shrank (rdtsc around each: forward 0.44-0.49,
 * backward 0.46-0.52 of the time; 0.60-0.66 and 0.30-0.35 with no prefetch),
 * 0.44 with it spread over both (contiguous rows only: see linear).
 *
 * Zen 5 VM (AVX-512, 250 GFLOP/s, a standalone loop over random rows,
 * medians of 8 alternated processes): softmax on one 48-row block in L2 0.70
 * of peak (forward alone 0.55, backward alone 0.70); from memory 0.45-0.55;
 * without the software prefetch 0.33-0.39. Tried and dropped there: a 5 x 4
 * forward tile (0.87 against 2 x 8's 0.72 on a block in L2, +6% in cache, but
 * 5-12% slower from memory, every B), all 16 sums of a 2 x 8 tile by one
 * transpose-reduce tree (+5% in cache, within noise from memory, the MLP 3-6%
 * slower), prefetcht1 for prefetcht0 (no change: AMD fills L1 either way).
 * Zen 5 again (288 GFLOP/s): a block in L2 0.68-0.73, blocks from L3 (3-15
 * MB of rows) 0.66-0.67, from DRAM 0.53-0.60, so the loss is DRAM's; dropped
 * there: prefetching every 2nd or 4th line (x0.92, x0.86), 24-96 rows
 * further ahead (x0.93-0.99), the backward's lines in address order rather
 * than by strip (no change), blocks made even (256 = 48, 48, 4 x 40: avx512
 * softmax x1.01-1.10, avx2 x0.86-0.99, MLP x0.95-0.98). Prefetches to DRAM
 * turned out to hold up loads from L2 (grad_wide.h), hence 32-register
 * levels' 2-row x 10-output forward.
 *
 * lsq and logistic have one output and a kernel of their own (linear1):
 * one pass over each row, see there.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "grad.h"

#include "simd/vec.h"
#include "simd/vec_math.h"
#include "grad_link.h"
#include "grad_xt.h"

/*
 * Tile shapes by register count. Forward: RT rows x 2 outputs (2*RT
 * accumulators, 2 weight vectors and a row vector live). Backward: MR
 * outputs x NV vectors of G (MR*NV accumulators, NV row vectors and a
 * broadcast live): AVX2 5 x 2 (13 of 16 registers), 32 registers 5 x 4.
 */
#if GD_VREGS >= 32
#define RT 8
#define REP_RT(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define RT2 4
#define REP_RT2(X) X(0) X(1) X(2) X(3)
#define NV 4
#define REP_NV(Y, a) Y(a, 0) Y(a, 1) Y(a, 2) Y(a, 3)
#else
#define RT 6
#define REP_RT(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define RT2 3
#define REP_RT2(X) X(0) X(1) X(2)
#define NV 2
#define REP_NV(Y, a) Y(a, 0) Y(a, 1)
#endif
#define MR 5
/* rows per block (GD_GRAD_ROW_BLOCK, grad.h): a multiple of RT */
#define RBLK GD_GRAD_ROW_BLOCK
/* forward outputs per pass over a block's rows: their weights (OB rows of
 * W, 50 KB for the MLP's 784 inputs) stay in L2 while the row tiles pass */
#define OB 16
/* forward inputs per pass (a multiple of every VW). Blocks of 256 (the
 * softmax weights' block in L1) measured slower than whole 784-float rows
 * on Zen 3: in cache 69 against 77 GFLOP/s forward (more horizontal sums
 * and passes), from memory within noise. So the Fashion-MNIST width is not
 * split; wider rows are. */
#define DB 1024
/* The backward's share of the next block is prefetched with locality 3
 * (prefetcht0). Index lists prefetch their whole next block there (150 KB for
 * softmax; L1 is 32 KB), and non-temporally (prefetchnta, the choice while
 * lsq ran this kernel) lines were lost before the forward read them: AMD's
 * guide (25112) says a prefetchnta line that came from memory is never
 * evicted to L2. prefetcht0 made gathered B = 1024 faster by 14% (softmax)
 * and 16% (svm), faster in 10 of 12 alternated rounds each; B = 32, which
 * prefetches nothing, within noise (Zen 1 VM, paired medians). */
#define GD_PREFETCH_LOCALITY 3
#define GD__CAT(a, b) a##b
#define GD__NAME(base, sfx) GD__CAT(base, sfx)
/* floats per 64-byte cache line */
#define GD__LINE (64 / sizeof(float))

/* fwd_block_<h>: the forward tiles of height RT, RT2 and 1 */
#define GB_R RT
#define GB_REP REP_RT
#include "grad_block.h"
#undef GB_R
#undef GB_REP
#define GB_R RT2
#define GB_REP REP_RT2
#include "grad_block.h"
#undef GB_R
#undef GB_REP
#define GB_R 1
#define GB_REP(X) X(0)
#include "grad_block.h"
#undef GB_R
#undef GB_REP
#define GD__BLOCK(base, r) GD__CAT(base, r)
#if GD_VREGS >= 32
#include "grad_wide.h" /* fwd_wide: 2 rows x 10 outputs */
#endif

/* Lines of a row in a column strip of nv vectors (one where a vector is
 * under a line); a constant but on SVE. */
#define STRIP_LINES(nv) ((nv) * VW * sizeof(float) >= 64 ? (nv) * VW * sizeof(float) / 64 : 1)

/*
 * The backward's share of the next block's rows, one column strip at a time:
 * the strip's lines of rows pf[0..), row by row, n in all, issued evenly over
 * the strip's steps (its R rows times its output tiles), Bresenham style:
 * err += n per step, a line each time it passes steps. The backward used to
 * issue a row's lines of the strip at each of the first tile's first rows:
 * on AVX-512 that is 72 lines in 18 row steps (4 a step, one every ~2.5
 * cycles), which fills the miss buffers while the strip's rows come from L2.
 * Spread (0.75 a step), on the Zen 5 VM (standalone loop over random rows,
 * 3-4 alternated processes, medians): softmax/avx512 full batch 0.53-0.57
 * -> 0.56-0.61 of peak (x1.07), gathered 256 x1.03-1.06, svm full and 256
 * x1.06, the MLP full x1.03 and 256 x1.00; AVX2, whose strips are a line
 * wide (8 lines in 8 steps before), unchanged. A line at every step until
 * done measured between the two.
 */
typedef struct {
	const float *const *pf;
	size_t n, steps, err, t; /* lines to issue, steps, Bresenham error, lines issued */
} bwd_prefetch;

/* The cursor of a strip of nv vectors: npf rows of pf over steps row steps */
static inline bwd_prefetch strip_prefetch(const float *const *pf, size_t npf, size_t nv, size_t steps)
{
	return (bwd_prefetch){ pf, npf * STRIP_LINES(nv), steps, 0, 0 };
}

/* bwd_tile_<m>_<v>: the backward tiles of 1..MR outputs, NV vectors and 1 */
#define GT_REPV REP_NV
#define GT_NV NV
#include "grad_tiles.h"
#undef GT_REPV
#undef GT_NV
#if NV > 1
#define GT_REPV(Y, a) Y(a, 0)
#define GT_NV 1
#include "grad_tiles.h"
#undef GT_REPV
#undef GT_NV
#endif

/* Tile height at row r of a block of R rows: RT, then RT2, then 1. */
static size_t tile_height(size_t r, size_t R)
{
	return R - r >= RT ? RT : R - r >= RT2 ? RT2 : 1;
}

/*
 * Z[r*nout + o] = W[o] . rows[r] + bias[o] for R <= RBLK rows: on 32
 * registers, outputs WO at a time over row pairs (fwd_wide); the rest in
 * output blocks of OB, each over input blocks of DB, each over the row
 * tiles. Prefetches up to npf rows of pf (one per pass over a row pair or
 * an output pair, so spread over the whole product); returns how many.
 */
static size_t fwd(const float *W, const float *bias, size_t nout, size_t nin, const float *const *rows, size_t R,
                  float *Z, const float *const *pf, size_t npf)
{
	const size_t npf0 = npf;
	size_t o0 = 0;
#if GD_VREGS >= 32
	for (; o0 + WO <= nout; o0 += WO)
		for (size_t i0 = 0; i0 < nin; i0 += DB) {
			size_t i1 = nin - i0 < DB ? nin : i0 + DB, r = 0;
			for (; r + 2 <= R; r += 2) {
				const float *pr = npf ? *pf : NULL;
				pf += npf > 0;
				npf -= npf > 0;
				fwd_wide(W, bias, o0, nout, nin, i0, i1, rows + r, Z + r * nout, pr);
			}
			if (r < R)
				fwd_block_1(W, bias, o0, o0 + WO, nout, nin, i0, i1, rows + r, Z + r * nout, &pf, &npf);
		}
#endif
	for (; o0 < nout; o0 += OB) {
		size_t o1 = nout - o0 < OB ? nout : o0 + OB;
		for (size_t i0 = 0; i0 < nin; i0 += DB) {
			size_t i1 = nin - i0 < DB ? nin : i0 + DB;
			for (size_t r = 0, h; r < R; r += h) {
				h = tile_height(r, R);
				float *z = Z + r * nout;
				if (h == RT)
					GD__BLOCK(fwd_block_, RT)(W, bias, o0, o1, nout, nin, i0, i1, rows + r, z, &pf, &npf);
				else if (h == RT2)
					GD__BLOCK(fwd_block_, RT2)(W, bias, o0, o1, nout, nin, i0, i1, rows + r, z, &pf, &npf);
				else
					fwd_block_1(W, bias, o0, o1, nout, nin, i0, i1, rows + r, z, &pf, &npf);
			}
		}
	}
	return npf0 - npf;
}

/* One column strip of G: outputs o..o+mr (mr <= MR), vectors from j on. */
#define BWD__FN(mr, nv) bwd_tile_##mr##_##nv
#define BWD_FN(mr, nv) BWD__FN(mr, nv)
#define BWD_TILE(mr, nv, tail) \
	BWD_FN(mr, nv)(G + o * nin + j, nin, dZ + o, nout, rows, R, j, tail, mk, &pq, fresh)
#define BWD_SWITCH(nv, tail)                                                                     \
	switch (mr) {                                                                            \
	case 5: BWD_TILE(5, nv, tail); break;                                                    \
	case 4: BWD_TILE(4, nv, tail); break;                                                    \
	case 3: BWD_TILE(3, nv, tail); break;                                                    \
	case 2: BWD_TILE(2, nv, tail); break;                                                    \
	default: BWD_TILE(1, nv, tail); break;                                                   \
	}

/* G += dZ^T X (G = dZ^T X when fresh: the call's first block), gb += column
 * sums of dZ, for R rows (dZ: R x nout). Column strips of NV vectors
 * outermost, so a strip's rows stay in L1 while every output's tile passes
 * over them. */
static void bwd(float *G, float *gb, size_t nout, size_t nin, const float *const *rows, size_t R, const float *dZ,
                const float *const *pf, size_t npf, int fresh)
{
	for (size_t r = 0; r < R; r++)
		for (size_t o = 0; o < nout; o++)
			gb[o] += dZ[r * nout + o];
	size_t j = 0;
	vm mk = vtail(0);
	const size_t steps = (nout + MR - 1) / MR * R; /* output tiles x rows */
	for (; j + NV * VW <= nin; j += NV * VW) {
		bwd_prefetch pq = strip_prefetch(pf, npf, NV, steps);
		for (size_t o = 0, mr; o < nout; o += mr) {
			mr = nout - o < MR ? nout - o : MR;
			BWD_SWITCH(NV, 0)
		}
	}
#if NV > 1
	for (; j + VW <= nin; j += VW) {
		bwd_prefetch pq = strip_prefetch(pf, npf, 1, steps);
		for (size_t o = 0, mr; o < nout; o += mr) {
			mr = nout - o < MR ? nout - o : MR;
			BWD_SWITCH(1, 0)
		}
	}
#endif
	if (j < nin) {
		bwd_prefetch pq = strip_prefetch(pf, npf, 1, steps);
		mk = vtail(nin - j);
		for (size_t o = 0, mr; o < nout; o += mr) {
			mr = nout - o < MR ? nout - o : MR;
			BWD_SWITCH(1, 1)
		}
	}
}

/* Row pointers of up to max rows from batch row k on: the batch's own, then,
 * past its end, those of the caller's next batch (b->next_idx, the rows to
 * prefetch), row k - b->n of it first when k is past the end (linear1 asks
 * two tiles ahead); returns how many. */
static size_t batch_rows(const gd_batch *b, size_t k, size_t max, const float **rows)
{
	size_t n = 0;
	for (; n < max && k + n < b->n; n++)
		rows[n] = b->x + gd_batch_row(b, k + n) * b->ld;
	if (n == max || !b->next_idx)
		return n;
	for (size_t j = k + n - b->n; n < max && j < b->next_n; j++, n++)
		rows[n] = b->x + (size_t)b->next_idx[j] * b->ld;
	return n;
}

static double linear(const gd_model *m, const float *p, const gd_batch *b, float *grad, float *scratch)
{
	const size_t c = m->c, d = m->d;
	/* the biases' gradients; bwd's first block writes the weights' (all of
	 * grad if there are no rows) */
	if (!b->n)
		memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	memset(grad + c * d, 0, c * sizeof(float));
	double loss = 0;
	const float *rows[2][RBLK];
	batch_rows(b, 0, b->n < RBLK ? b->n : RBLK, rows[0]);
	for (size_t k = 0, cur = 0; k < b->n; k += RBLK, cur ^= 1) {
		size_t R = b->n - k < RBLK ? b->n - k : RBLK;
		/* the next block's rows: at the batch's end, the next batch's first */
		size_t nx = batch_rows(b, k + R, RBLK, rows[cur ^ 1]);
		/* the next block's rows prefetched over this one's forward (a row a pass: 40 of
		 * softmax's 48 on AVX2, 30 on AVX-512) and the rest over its backward. Over
		 * the backward alone they ask for a block in half the time, one core's whole
		 * streaming bandwidth on Zen 3: the forward got faster and the backward
		 * slower by as much. Spread, softmax's full batch went from 0.36-0.42 to
		 * 0.41-0.46 of peak in gdbench kernels (4 runs of alternating processes).
		 * Index lists once kept the backward's prefetch (Zen 1 and 3: 3-13% slower
		 * spread), but those runs gave half the kernel's calls rows the ceiling had
		 * just read (kb_loop.own_batches). On rows from memory, spread measured faster
		 * at B = 256 and 1024: softmax by 1-5% (2 runs), svm by 4-6% (1 run), paired
		 * medians of 12 alternated rounds on the Zen 5 VM. */
		size_t nf = fwd(p, p + c * d, c, d, rows[cur], R, scratch, rows[cur ^ 1], nx);
		loss += gd__link_block(m, b, k, scratch, R);
		bwd(grad, grad + c * d, c, d, rows[cur], R, scratch, rows[cur ^ 1] + nf, nx - nf, k == 0);
	}
	return loss;
}

/*
 * lsq and logistic (one output): the rows stream through once, RS at a
 * time: RS dot products, the loss head, then g += dz_r x_r while the rows
 * are still in L1. With one output the gradient is one row (3 KB for 784
 * inputs) that stays in L1, so the backward costs no memory traffic; the
 * blocked kernel (linear) read each block twice, the second time from L2
 * (xread 0.62-0.78 of a streaming read on Zen 3).
 *
 * Gathered rows: the RS dot products side by side (dots_tile), and the rows
 * two tiles ahead prefetched, a line of each per line of the dot products,
 * so they arrive while the current ones are computed on (15% faster on
 * gathered batches of 32 than without, Zen 3).
 * Contiguous rows: a row at a time in address order (dot_row), so the
 * hardware prefetcher sees one stream, not RS interleaved ones that each
 * end after a row. On the Zen 5 VM that made the full batch faster by 21-27%
 * (lsq and logistic, paired medians of 12 alternated rounds), near one
 * streaming read; gathered rows read that way were 13-19% slower.
 * Software prefetch of contiguous rows, a tile at a time, measured 7% slower
 * on Zen 3; a line per line read, two rows ahead in address order
 * (gd_grad_stream_ahead() = 1568), raised the full batch's xread on the
 * Zen 5 VM from 0.63-0.76 to 0.82-1.0 (lsq and logistic, avx512 and avx2,
 * paired x1.20-1.52, faster in 9-10 of 10 alternated rounds), and on the
 * Zen 3 VM lowered it from 0.73-0.83 to 0.60-0.66 (x0.81-0.90, slower in
 * 17-19 of 20 rounds); 256, 512 and 3136 floats, prefetchnta, and tiles of
 * 3 or 4 rows (its L1 is 32 KB, not 48) were no better there than none,
 * and prefetching the next tile (or the one after) over the backward was
 * worse still (x0.70-0.75, slower in 7-8 of 8 rounds). Hence a distance
 * per core, set by the harness (0 there). linear's block prefetch of
 * contiguous rows is another matter: without it softmax and svm full were
 * slower on Zen 3 too (x0.87 and x0.85, 8 rounds).
 */
/* 12 dot-product chains and 2 weight vectors: 14 of AVX2's 16 registers */
#define RS 6
#define REP_RS(X) X(0) X(1) X(2) X(3) X(4) X(5)

/* z[r] = w . x[r] + w[d] for RS rows side by side, prefetching pf[r] */
static void dots_tile(const float *p, size_t d, const float *const *x, const float *const *pf, float *z)
{
#define X(r) vf s##r = vzero(), t##r = vzero();
	REP_RS(X)
#undef X
	size_t i = 0;
	for (; i + 2 * VW <= d; i += 2 * VW) {
		if (i % GD__LINE < 2 * VW)
			for (size_t r = 0; r < RS; r++)
				__builtin_prefetch(pf[r] + i, 0, 3);
		const vf w0 = vld(p + i, 0, vtail(0)), w1 = vld(p + i + VW, 0, vtail(0));
#define X(r)                                                            \
	s##r = vfma(w0, vld(x[r] + i, 0, vtail(0)), s##r);              \
	t##r = vfma(w1, vld(x[r] + i + VW, 0, vtail(0)), t##r);
		REP_RS(X)
#undef X
	}
	for (; i < d; i += VW) {
		vm mk = vtail(d - i < VW ? d - i : VW);
		const vf w0 = vld(p + i, 1, mk);
#define X(r) s##r = vfma(w0, vld(x[r] + i, 1, mk), s##r);
		REP_RS(X)
#undef X
	}
#define X(r) z[r] = vhsum(vadd(s##r, t##r)) + p[d];
	REP_RS(X)
#undef X
}

/* w . x + w[d] for one row, two chains; with ahead > 0, prefetches a line
 * per line read, ahead floats on */
static float dot_row(const float *p, size_t d, const float *x, size_t ahead)
{
	vf s = vzero(), t = vzero();
	size_t i = 0;
	for (; i + 2 * VW <= d; i += 2 * VW) {
		if (ahead)
			for (size_t q = 0; q < 2 * VW; q += GD__LINE)
				__builtin_prefetch(x + i + q + ahead, 0, 3);
		s = vfma(vld(p + i, 0, vtail(0)), vld(x + i, 0, vtail(0)), s);
		t = vfma(vld(p + i + VW, 0, vtail(0)), vld(x + i + VW, 0, vtail(0)), t);
	}
	for (; i < d; i += VW) {
		vm mk = vtail(d - i < VW ? d - i : VW);
		s = vfma(vld(p + i, 1, mk), vld(x + i, 1, mk), s);
	}
	return vhsum(vadd(s, t)) + p[d];
}

static double linear1(const gd_model *m, const float *p, const gd_batch *b, float *grad, float *scratch)
{
	const size_t d = m->d;
	float *g = grad;
	memset(grad, 0, (d + 1) * sizeof(float));
	double loss = 0;
	const float *pf[RS];
	const int gathered = b->idx != NULL;
	const size_t ahead = gathered ? 0 : gd_grad_stream_ahead();
	for (size_t k = 0; k < b->n; k += RS) {
		size_t R = b->n - k < RS ? b->n - k : RS;
		const float *x[RS];
		/* a short last tile repeats its first row; only R rows are used */
		for (size_t r = 0; r < RS; r++)
			x[r] = b->x + gd_batch_row(b, k + (r < R ? r : 0)) * b->ld;
		float z[RS];
		if (gathered) {
			/* two tiles ahead, into the next batch's rows at the end */
			for (size_t r = batch_rows(b, k + 2 * RS, RS, pf); r < RS; r++)
				pf[r] = x[r];
			dots_tile(p, d, x, pf, z);
		} else {
			for (size_t r = 0; r < RS; r++)
				z[r] = r < R ? dot_row(p, d, x[r], ahead) : 0;
		}
		loss += gd__link_block(m, b, k, z, R);
		for (size_t r = R; r < RS; r++)
			z[r] = 0; /* the repeated rows add nothing */
		/* g += dz_r x_r, the rows from L1 */
#define X(r) const vf e##r = vset1(z[r]);
		REP_RS(X)
#undef X
		size_t i = 0;
		for (; i + VW <= d; i += VW) {
			vf a = vld(g + i, 0, vtail(0));
#define X(r) a = vfma(e##r, vld(x[r] + i, 0, vtail(0)), a);
			REP_RS(X)
#undef X
			vst(g + i, a, 0, vtail(0));
		}
		if (i < d) {
			vm mk = vtail(d - i);
			vf a = vld(g + i, 1, mk);
#define X(r) a = vfma(e##r, vld(x[r] + i, 1, mk), a);
			REP_RS(X)
#undef X
			vst(g + i, a, 1, mk);
		}
		for (size_t r = 0; r < RS; r++)
			g[d] += z[r];
	}
	(void)scratch;
	return loss;
}

#define LINEAR_VARIANT(lo)                                                                         \
	double GD__NAME(gd_##lo##_grad_f32_, VSUFFIX)(const gd_model *m, const float *p, const gd_batch *b, \
	                                              float *restrict grad, float *restrict scratch)       \
	{                                                                                          \
		return m->c == 1 ? linear1(m, p, b, grad, scratch) : linear(m, p, b, grad, scratch);  \
	}
LINEAR_VARIANT(lsq)
LINEAR_VARIANT(logistic)
LINEAR_VARIANT(softmax)
LINEAR_VARIANT(svm)

/* MLP on blocks of rows: the same two products serve both layers, except
 * the hidden layer's forward with 32 vector registers (grad_xt.h). On the
 * Zen 5 VM (standalone loop, a 48-row block in cache) that tile's FMAs ran at
 * about 0.95 of peak against about 0.68 for the dot tiles; a scalar transpose
 * would have cost 13% of the block, hence vtranspose. The next block's rows
 * are prefetched over the last product (bwd1, G1 += dh^T X), a line per
 * strip: a gathered block otherwise starts from memory. On the Zen 3 VM
 * (avx2, 12 alternated rounds, paired medians) that made B = 256 faster by
 * 10% and 1024 by 13% (faster in 9 and 7 of 12), the full batch by 4% and
 * B = 32 by 2%; on the Zen 5 VM it had measured x0.96-1.11 (8 rounds).
 * Adam training at minibatch:128 showed no difference within the VM's
 * noise (124-164 K samples/s either way, 5 rounds). Over the forward
 * instead it was no better (Zen 3 x0.83-1.13, Zen 5 x0.93-1.03). */
double GD__NAME(gd_mlp_grad_f32_, VSUFFIX)(const gd_model *m, const float *p, const gd_batch *b,
                                           float *restrict grad, float *restrict scratch)
{
	const size_t d = m->d, h = m->h, c = m->c;
	size_t lay[4];
	gd_mlp_offsets(m, lay);
	const float *W1 = p, *b1 = p + lay[1], *W2 = p + lay[2], *b2 = p + lay[3];
	float *G1 = grad, *gb1 = grad + lay[1], *G2 = grad + lay[2], *gb2 = grad + lay[3];
	/* hidden activations and their gradient for RBLK rows, then the logits */
	/* laid out for the block height used, so that scratch of
	 * gd_grad_scratch_floats(m, n) suffices for a small batch */
	const size_t rb = b->n < RBLK ? b->n : RBLK;
	float *hid = scratch, *dh = hid + rb * h, *z = dh + rb * h;
	/* the transposed block and hidden layer (fwd_xt), 64-byte aligned */
	float *xt = (float *)(((uintptr_t)(z + rb * c) + 63) & ~(uintptr_t)63), *ht = xt + d * GD_GRAD_PANEL_ROWS;
	/* the biases' gradients; bwd's first block writes the weights' (all of
	 * grad if there are no rows) */
	if (!b->n)
		memset(grad, 0, gd_model_nparams(m) * sizeof(float));
	memset(gb1, 0, h * sizeof(float));
	memset(gb2, 0, c * sizeof(float));
	double loss = 0;
	const float *rows[2][RBLK], *hrows[RBLK];
	batch_rows(b, 0, b->n < RBLK ? b->n : RBLK, rows[0]);
	for (size_t k = 0, cur = 0; k < b->n; k += RBLK, cur ^= 1) {
		size_t R = b->n - k < RBLK ? b->n - k : RBLK;
		/* the next block's rows (at the batch's end, the next batch's), for bwd1 to
		 * prefetch, and the next pass's own (as in linear) */
		size_t nx = batch_rows(b, k + R, RBLK, rows[cur ^ 1]);
		for (size_t r = 0; r < R; r++)
			hrows[r] = hid + r * h;
#ifdef GD_MLP_FWD_XT
		fwd_xt(W1, b1, h, d, rows[cur], R, hid, xt, ht);
#else
		(void)xt, (void)ht;
		fwd(W1, b1, h, d, rows[cur], R, hid, NULL, 0);
#endif
		for (size_t j = 0; j < R * h; j++)
			hid[j] = hid[j] > 0 ? hid[j] : 0.0f;
		fwd(W2, b2, c, h, hrows, R, z, NULL, 0);
		loss += gd__link_block(m, b, k, z, R);
		bwd(G2, gb2, c, h, hrows, R, z, NULL, 0, k == 0);
		/* dh_r = W2^T dz_r, masked by relu'(a) = [h > 0] */
		for (size_t r = 0; r < R; r++) {
			float *dhr = dh + r * h;
			const float *hr = hid + r * h, *zr = z + r * c;
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
		bwd(G1, gb1, h, d, rows[cur], R, dh, rows[cur ^ 1], nx, k == 0);
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
