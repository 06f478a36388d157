/*
 * Muon's orthogonalization (Jordan et al. 2024; torch.optim.Muon's
 * _zeropower_via_newtonschulz): X := G / (||G||_F + eps), transposed when
 * rows > cols so that X X^T is the small Gram matrix, then `steps` times
 *     A = X X^T;  B = b A + c A A;  X = a X + B X
 * with (a, b, c) = (3.4445, -4.7750, 2.0315) by default, transposed back.
 * The products go through OpenBLAS sgemm or our own small-GEMM kernel over
 * the vector layer; GD_NS_AUTO takes whichever was measured faster for this
 * shape (measured once per shape and ISA cap, then remembered; thread-safe).
 */
#ifndef GD_NEWTON_SCHULZ_H
#define GD_NEWTON_SCHULZ_H

#include <stddef.h>

#include "cpu.h"

typedef enum { GD_NS_AUTO, GD_NS_BLAS, GD_NS_OWN, GD_NS_NBACKEND } gd_ns_backend;

typedef struct gd_ns_opts {
	int steps;            /* 5 */
	double a, b, c;       /* 3.4445, -4.7750, 2.0315 */
	double eps;           /* 1e-7, added to the Frobenius norm */
	gd_ns_backend backend;
	gd_isa cap;           /* highest ISA the own GEMM may use */
} gd_ns_opts;

/* Muon's defaults, backend GD_NS_AUTO, cap the highest level this process may run. */
void gd_ns_opts_default(gd_ns_opts *o);
const char *gd_ns_backend_name(gd_ns_backend b); /* "auto", "blas", "own" */

/* Floats of workspace gd_ns_orthogonalize needs for a rows x cols matrix. */
size_t gd_ns_work_floats(size_t rows, size_t cols);

/*
 * In place on x (rows x cols, row-major, contiguous). work holds
 * gd_ns_work_floats(rows, cols) floats. Returns 0, or GD_EINVAL (a zero
 * dimension, steps < 0, a null pointer), GD_ENOMEM. Pure otherwise: no
 * printing. *used (may be NULL) receives the backend that ran.
 */
int gd_ns_orthogonalize(float *x, size_t rows, size_t cols, const gd_ns_opts *o, float *work,
                        gd_ns_backend *used);

/* FLOPs of one gd_ns_orthogonalize call (the GEMMs; an FMA counts 2). */
double gd_ns_flops(size_t rows, size_t cols, int steps);

/* ---- added by the implementation (the declarations above are the contract) ---- */

#include "ns_gemm.h"

/* gd_ns_work_floats is 0 for the shapes gd_ns_orthogonalize refuses with
 * GD_EINVAL: a zero dimension, one over INT_MAX (BLAS's int), or a
 * workspace whose size in bytes would not fit in size_t. Besides the
 * header's cases, GD_EINVAL also answers a backend or cap out of range
 * (a cap above what this process may run) and a non-finite a, b, c or
 * eps (or eps < 0). GD_NS_AUTO's first call for a shape and cap times one
 * step of each backend on a copy of x (malloc: GD_ENOMEM), holding a lock. */

/* The backend named name ("auto", "blas", "own"): 0, or GD_EINVAL. */
int gd_ns_backend_from_name(const char *name, gd_ns_backend *out);
/* Our GEMM at level isa (kernels/ns_gemm.h); out-of-range levels give the scalar one. */
gd_sgemm_fn gd_ns_gemm_for(gd_isa isa);

#endif
