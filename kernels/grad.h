/* Batch loss-and-gradient kernels: models, parameter layout, batches, and the one kernel signature. */
#ifndef GD_GRAD_H
#define GD_GRAD_H

#include <stddef.h>
#include <stdint.h>

#define GD_MODEL_MAP(X)                                                        \
	X(LSQ, lsq)           /* least squares, 1/2 squared error */            \
	X(LOGISTIC, logistic) /* binary logistic regression, labels 0/1 */     \
	X(SOFTMAX, softmax)   /* multinomial logistic (softmax cross-entropy) */ \
	X(SVM, svm)           /* multiclass hinge, Weston-Watkins, margin 1 */  \
	X(MLP, mlp)           /* two layers: ReLU hidden, softmax cross-entropy */

typedef enum {
#define GD__MODEL_ENUM(up, lo) GD_MODEL_##up,
	GD_MODEL_MAP(GD__MODEL_ENUM)
#undef GD__MODEL_ENUM
	GD_NMODELS
} gd_model_kind;

/*
 * A model and its penalty. Parameters are one float vector:
 *   linear models: W (c x d, row-major: class rows, the fast layout for
 *                  c = 10) then b (c); lsq and logistic have c = 1;
 *   mlp:           W1 (h x d), b1 (h), W2 (c x h), b2 (c).
 * Penalty on the weights only, never the biases:
 *   l1 * sum |w| + l2/2 * sum w^2   (l1 = 0: L2; l2 = 0: L1; both: elastic net).
 * The loss every routine reports is the mean over the batch's rows plus this
 * penalty, as the course material defines it; tools that report the mean
 * loss without the penalty (or a sum) differ by exactly that.
 */
typedef struct gd_model {
	gd_model_kind kind;
	size_t d, c, h;
	double l1, l2;
} gd_model;

/*
 * Rows of a batch: row i of the data is x + i*ld (float32), with target y[i]
 * (lsq) or label[i] (0..c-1; logistic: 0 or 1). The batch is the rows
 * idx[0..n) when idx is set (minibatch, per-sample), else i0..i0+n.
 * next_idx[0..next_n), when set, are the rows of the batch the caller passes
 * next (a training loop knows its next minibatch): a prefetch hint that a
 * kernel may read ahead while it finishes this batch, and nothing more; the
 * result never depends on it.
 */
typedef struct gd_batch {
	const float *x;      /* dense rows, or NULL for CSR rows: */
	const int64_t *rowptr; /* row i's nonzeros: col/val[rowptr[i]..rowptr[i+1]) */
	const int32_t *col;
	const float *val;
	size_t ld;
	const float *y;
	const int32_t *label;
	const uint32_t *idx;
	size_t i0, n;
	const uint32_t *next_idx;
	size_t next_n;
} gd_batch;

/* Offsets of the MLP's W1 (h x d), b1 (h), W2 (c x h), b2 (c) in the parameter
 * vector: the one place that spells the layout out. */
static inline void gd_mlp_offsets(const gd_model *m, size_t off[4])
{
	off[0] = 0;
	off[1] = m->h * m->d;
	off[2] = off[1] + m->h;
	off[3] = off[2] + m->c * m->h;
}

static inline size_t gd_batch_row(const gd_batch *b, size_t k)
{
	return b->idx ? b->idx[k] : b->i0 + k;
}

/*
 * A gradient kernel: the SUM over the batch's rows of the per-row loss
 * (returned, accumulated in double) and of the per-row gradient (written to
 * grad, nparams floats, overwritten). No penalty and no mean: data-parallel
 * callers add partial sums, then gd_finish_mean adds the penalty once.
 * scratch: gd_grad_scratch_floats() floats, 64-byte aligned. Pure: no
 * allocation, no I/O, no threads (the blas variants call OpenBLAS, whose
 * thread count the caller sets).
 */
typedef double (*gd_grad_fn)(const gd_model *m, const float *params, const gd_batch *b,
                             float *restrict grad, float *restrict scratch);

const char *gd_model_name(gd_model_kind k);
int gd_model_from_name(const char *name); /* gd_model_kind or GD_ENOENT */
/* 0 if the shape and penalty are valid (d, c >= 1; c = 1 for lsq and
 * logistic, >= 2 for the others; h >= 1 for mlp; l1, l2 >= 0). */
int gd_model_check(const gd_model *m, const char **what);
size_t gd_model_nparams(const gd_model *m);
/* Weights (penalized) are the first nweights params of each layer; this
 * says whether parameter j is a weight. */
int gd_model_is_weight(const gd_model *m, size_t j);
/* FLOPs of one row's forward and backward pass (for GFLOP/s). */
double gd_model_flops_per_row(const gd_model *m);
/* Scratch floats any variant needs for a batch of n rows. */
size_t gd_grad_scratch_floats(const gd_model *m, size_t n);
/* Rows per block of the simd variants: their scratch holds a block's
 * outputs (and the MLP's hidden layer); a multiple of every tile height. */
#define GD_GRAD_ROW_BLOCK 48
/* The MLP's block of rows transposed (simd): GD_GRAD_ROW_BLOCK rounded up to
 * the widest vector, SVE's 2048 bits of 64 floats. */
#define GD_GRAD_PANEL_ROWS 64
/* Scratch floats of the row-blocked variants (scalar, simd), any n. */
size_t gd_grad_scratch_floats_rows(const gd_model *m);

/*
 * How far ahead, in floats, the simd kernels prefetch rows they read in
 * address order (a contiguous batch: the full batch, a worker's share of it);
 * 0 leaves those rows to the hardware prefetcher. Gathered rows are
 * prefetched from next_idx and the tiles ahead whatever this says. The best
 * distance is a property of the core, not of the ISA level (1568, two
 * Fashion-MNIST rows, made the full batch of lsq and logistic 20-50% faster
 * on Zen 5 and 10-19% slower on Zen 3), so the harness sets it from the CPU
 * (gd_cpu_get). Any value gives the same results; the default is 0.
 * Process-wide: set it before kernels run on other threads.
 */
void gd_grad_set_stream_ahead(size_t floats);
size_t gd_grad_stream_ahead(void);

/* Turn a kernel's sums over n rows into the reported mean: grad /= n, then
 * add the penalty's value and (sub)gradient (sign(w) for l1, 0 at 0).
 * Returns the mean loss plus penalty. */
double gd_finish_mean(const gd_model *m, const float *params, double loss_sum, size_t n, float *grad);
/* The gradient part of gd_finish_mean on entries [lo, hi) only, so that
 * data-parallel workers can each finish their slice. */
void gd_finish_grad_range(const gd_model *m, const float *params, size_t n, float *grad, size_t lo, size_t hi);
/* The penalty alone (double). */
double gd_penalty(const gd_model *m, const float *params);

/* Kernel names: gd_<model>_grad_f32_<variant>, variant scalar, <isa>
 * (intrinsics over the vector layer) and blas_<isa> (OpenBLAS sgemm for the
 * products, the loss head in between vectorized for the ISA), for the ISAs
 * of every architecture (defined for the host's only, as in update.h). */
#define GD_GRAD_VARIANT_MAP(X, ...)                                             \
	X(scalar, __VA_ARGS__) X(avx2, __VA_ARGS__) X(avx512, __VA_ARGS__)      \
	X(blas_avx2, __VA_ARGS__) X(blas_avx512, __VA_ARGS__) X(neon, __VA_ARGS__) \
	X(sve, __VA_ARGS__) X(blas_neon, __VA_ARGS__) X(blas_sve, __VA_ARGS__)
#define GD__DECL_GRAD(v, lo)                                                            \
	double gd_##lo##_grad_f32_##v(const gd_model *m, const float *params, const gd_batch *b, \
	                              float *restrict grad, float *restrict scratch);
#define GD__DECL_GRAD_ALL(up, lo) GD_GRAD_VARIANT_MAP(GD__DECL_GRAD, lo)
GD_MODEL_MAP(GD__DECL_GRAD_ALL)
#undef GD__DECL_GRAD_ALL
#undef GD__DECL_GRAD

/*
 * Sparse rows (batch rowptr/col/val) for the linear models, scalar and SIMD:
 * gd_<model>_csr_grad_f32_<scalar|avx2|avx512>. Their W is FEATURE-major,
 * W[j*c + o] (the transpose of the dense class rows; the same for c = 1),
 * then b: gd_csr_weight() indexes it. They ADD into grad, which must be zero
 * at the batch's coordinates (each row feature's c weights, and the biases).
 * Scratch: 16 floats per 16 classes.
 */
#define GD__DECL_CSR(lo, v)                                                                         \
	double gd_##lo##_csr_grad_f32_##v(const gd_model *m, const float *params, const gd_batch *b, \
	                                  float *restrict grad, float *restrict scratch);
#define GD__DECL_CSR_ALL(lo) GD__DECL_CSR(lo, scalar) GD__DECL_CSR(lo, avx2) GD__DECL_CSR(lo, avx512)
GD__DECL_CSR_ALL(lsq)
GD__DECL_CSR_ALL(logistic)
GD__DECL_CSR_ALL(softmax)
#undef GD__DECL_CSR_ALL
#undef GD__DECL_CSR
/* Index of weight (class o, feature j) in a CSR model's parameters. */
static inline size_t gd_csr_weight(const gd_model *m, size_t o, size_t j)
{
	return j * m->c + o;
}
/* Models with CSR kernels. */
static inline int gd_model_has_csr(gd_model_kind k)
{
	return k == GD_MODEL_LSQ || k == GD_MODEL_LOGISTIC || k == GD_MODEL_SOFTMAX;
}

/* Streaming read of the batch's rows (the memory ceiling of a gradient
 * kernel that reads X once): returns a sum so nothing is optimized away. */
#define GD__DECL_READ(v, unused) float gd_read_rows_f32_##v(const gd_batch *b, size_t d);
GD__DECL_READ(avx2, 0) GD__DECL_READ(avx512, 0) GD__DECL_READ(neon, 0) GD__DECL_READ(sve, 0)
#undef GD__DECL_READ

#endif
